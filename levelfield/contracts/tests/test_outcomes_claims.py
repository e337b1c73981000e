"""Payment by results: the supplier claims priced outcomes with evidence; the buyer validates
(an invoice is recorded) or rejects with a reason (the supplier is emailed); claims never take
an outcome over its budget."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from levelfield.contracts import selectors_kpis
from levelfield.contracts.actions import outcomes
from levelfield.contracts.models import Invoice
from levelfield.contracts.models.performance import OutcomeClaim
from levelfield.core.errors import DomainError, InvalidTransition, PermissionDenied
from levelfield.core.models import OutboundEmail
from tests.support import testing

from .kpis_builders import evaluator_of, on, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def built():
    built = testing.signed_contract(value="250000")
    built.outcome = outcomes.add_priced_outcome(
        contract=built.contract,
        by=built.officer,
        name="Tenancy sustained for 12 months",
        unit_price="1500",
        budget="15000",
        evidence_required="Landlord's letter for each tenancy",
    )
    built.day = built.contract.start_date + timedelta(days=120)
    return built


def claim(built, quantity="4", evidence="default", by=None, **fields):
    if evidence == "default":
        evidence = testing.pdf("letters.pdf")
    start = built.contract.start_date
    values = {
        "period_start": start,
        "period_end": start + timedelta(days=90),
        "quantity": quantity,
        "narrative": "Four families kept their homes",
        "evidence": evidence,
    }
    values.update(fields)
    with on(built.day):
        return outcomes.claim_outcome(outcome=built.outcome, by=by or built.supplier_user, **values)


def totals(built):
    [outcome] = selectors_kpis.priced_outcomes(built.contract)
    return outcome.claimed, outcome.validated, outcome.remaining


def test_a_validated_claim_becomes_an_invoice(built):
    made = claim(built)
    assert made.evidence_sha256 and made.evidence.name.endswith(".pdf")
    assert totals(built) == (Decimal("6000.00"), Decimal("0.00"), Decimal("9000.00"))

    with on(built.day + timedelta(days=2)):
        validated = outcomes.validate_claim(claim=made, by=built.officer)

    invoice = Invoice.objects.get()
    assert validated.invoice == invoice
    assert (invoice.reference, invoice.amount, invoice.source) == (
        f"OUTCOME-{made.pk}",
        Decimal("6000.00"),
        "outcome",
    )
    assert invoice.received_on == built.day + timedelta(days=2)
    assert invoice.paid_on is None
    assert totals(built) == (Decimal("0.00"), Decimal("6000.00"), Decimal("9000.00"))
    email = OutboundEmail.objects.get(subject__contains="claim validated")
    assert email.to == [built.supplier_user.email]


def test_a_rejected_claim_tells_the_supplier_why(built):
    made = claim(built)
    with pytest.raises(DomainError) as no_reason:
        outcomes.reject_claim(claim=made, by=built.officer, reason=" ")
    assert no_reason.value.message == outcomes.REASON_REQUIRED

    outcomes.reject_claim(claim=made, by=built.officer, reason="Two letters are unsigned")

    made.refresh_from_db()
    assert (made.status, made.rejection_reason) == ("rejected", "Two letters are unsigned")
    email = OutboundEmail.objects.get(subject__contains="claim rejected")
    assert email.to == [built.supplier_user.email]
    assert "Reason: Two letters are unsigned" in email.body
    assert totals(built) == (Decimal("0.00"), Decimal("0.00"), Decimal("15000.00"))
    with pytest.raises(InvalidTransition):
        outcomes.validate_claim(claim=made, by=built.officer)
    assert not Invoice.objects.exists()


def test_a_claim_over_the_budget_is_refused_counting_claims_awaiting_a_decision(built):
    claim(built, quantity="4")  # £6,000 awaiting a decision

    with pytest.raises(DomainError) as refused:
        claim(built, quantity="7")  # £10,500 more would make £16,500

    assert refused.value.code == "over_budget"
    assert refused.value.message == (
        "This claim of £10,500 would take Tenancy sustained for 12 months over its budget of "
        "£15,000: £9,000 remains once claims waiting for a decision are counted"
    )
    assert claim(built, quantity="6").quantity == Decimal("6.00")  # exactly the budget
    assert totals(built) == (Decimal("15000.00"), Decimal("0.00"), Decimal("0.00"))


def test_the_evidence_asked_for_must_be_uploaded_and_be_real(built):
    with pytest.raises(DomainError) as missing:
        claim(built, evidence=None)
    assert missing.value.message == (
        "Upload the evidence the contract asks for: Landlord's letter for each tenancy"
    )
    with pytest.raises(DomainError) as fake:
        claim(built, evidence=SimpleUploadedFile("letters.pdf", b"not a pdf"))
    assert fake.value.message == "letters.pdf is not a real PDF file: it is text"
    assert not OutcomeClaim.objects.exists()


def test_who_may_claim_and_decide(built):
    other_buyer = testing.signed_contract(buyer=testing.buyer_org("Other Council"))
    _, other_supplier_user = testing.supplier_with_user("Other Housing Ltd")
    for person in (other_supplier_user, built.officer, other_buyer.supplier_user):
        with pytest.raises(PermissionDenied):
            claim(built, by=person)
    made = claim(built)
    for person in (built.supplier_user, other_buyer.officer, evaluator_of(built.buyer)):
        with pytest.raises(PermissionDenied):
            outcomes.validate_claim(claim=made, by=person)
        with pytest.raises(PermissionDenied):
            outcomes.reject_claim(claim=made, by=person, reason="No")


def test_the_supplier_claims_and_the_buyer_validates_through_the_pages(client, built):
    signed_in(client, built.supplier_user)
    start = built.contract.start_date
    with on(built.day):
        response = client.post(
            reverse("contracts:supplier_claim", args=[built.contract.pk, built.outcome.pk]),
            {
                "period_start": f"{start:%d/%m/%Y}",
                "period_end": f"{start + timedelta(days=90):%d/%m/%Y}",
                "quantity": "2",
                "narrative": "Two families housed",
                "evidence": testing.pdf("letters.pdf"),
            },
        )
    assert response.status_code == 302
    made = OutcomeClaim.objects.get()
    listing = client.get(reverse("contracts:supplier_outcomes", args=[built.contract.pk]))
    assert "Awaiting decision" in listing.content.decode()
    evidence = client.get(
        reverse("contracts:supplier_claim_evidence", args=[built.contract.pk, made.pk])
    )
    assert b"".join(evidence.streaming_content).startswith(b"%PDF")

    signed_in(client, built.officer)
    page = client.get(reverse("contracts:claim", args=[built.contract.pk, made.pk]))
    assert "Validating records an invoice for £3,000 received today" in page.content.decode()
    with on(built.day + timedelta(days=1)):
        client.post(
            reverse("contracts:claim", args=[built.contract.pk, made.pk]), {"decision": "validate"}
        )
    made.refresh_from_db()
    assert made.status == "validated"
    outcomes_page = client.get(reverse("contracts:outcomes", args=[built.contract.pk]))
    assert f"invoice OUTCOME-{made.pk}" in outcomes_page.content.decode()


def test_a_rejection_without_a_reason_is_shown_on_the_page(client, built):
    made = claim(built)
    signed_in(client, built.officer)

    response = client.post(
        reverse("contracts:claim", args=[built.contract.pk, made.pk]),
        {"decision": "reject", "reason": ""},
    )

    assert response.status_code == 200
    assert "Enter the reason for rejecting the claim" in response.content.decode()
    made.refresh_from_db()
    assert made.status == "claimed"


def test_another_supplier_cannot_see_the_claims_or_their_evidence(client, built):
    made = claim(built)
    _, other_supplier_user = testing.supplier_with_user("Other Housing Ltd")
    signed_in(client, other_supplier_user)
    pk = built.contract.pk
    assert client.get(reverse("contracts:supplier_outcomes", args=[pk])).status_code == 404
    assert (
        client.get(reverse("contracts:supplier_claim_evidence", args=[pk, made.pk])).status_code
        == 404
    )
    client.logout()
    assert client.get(reverse("contracts:claim_evidence", args=[pk, made.pk])).status_code == 302
