"""Amending a published tender: who is told, what is published, what is kept, who may."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from jsonschema.validators import Draft4Validator

from levelfield.bids import actions as bid_actions
from levelfield.bids.models import Bid
from levelfield.core import clock
from levelfield.core.errors import DeadlinePassed, DomainError, PermissionDenied, RuleFailed
from levelfield.core.models import AuditEvent
from levelfield.opendata.models import Release
from levelfield.opendata.tests import schema
from levelfield.tenders import actions, actions_amend
from levelfield.tenders.actions_amend import Amendment
from levelfield.tenders.interest import interested_suppliers
from levelfield.tenders.models import TenderDocument, TenderInterest
from tests.support import testing


@pytest.fixture
def spec(tender, officer):
    return actions.add_document(
        tender=tender,
        by=officer,
        title="Specification",
        doc_type="specification",
        upload=testing.pdf("spec.pdf", b"%PDF-1.4 version one"),
    )


def amend(tender, by, **changes):
    changes.setdefault("reason", "The county added a fifth locality.")
    return actions_amend.amend_tender(tender=tender, by=by, amendment=Amendment(**changes))


def later(tender, days=7):
    return tender.submission_deadline + timedelta(days=days)


def test_the_email_reaches_every_interested_supplier_and_no_one_else(
    client, tender, officer, buyer_admin, django_capture_on_commit_callbacks
):
    viewer, viewer_user = testing.supplier_with_user("Viewer Ltd")
    asker, asker_user = testing.supplier_with_user("Asker Ltd")
    drafter, drafter_user = testing.supplier_with_user("Drafter Ltd")
    bidder, bidder_user = testing.supplier_with_user("Bidder Ltd")
    _bystander, bystander_user = testing.supplier_with_user("Bystander Ltd")
    # The bystander only looked while signed out.
    assert client.get(reverse("public:opportunity", args=[tender.reference])).status_code == 200
    client.force_login(viewer_user)
    for _ in range(2):  # a second view changes nothing
        assert client.get(reverse("public:opportunity", args=[tender.reference])).status_code == 200
    actions.ask_question(
        tender=tender, by=asker_user, organisation=asker, question="Is travel time paid?"
    )
    bid_actions.start_bid(lot=tender.lots.get(), supplier=drafter, by=drafter_user)
    testing.submitted_bid(tender=tender, supplier=bidder, by=bidder_user, price="1000")
    assert [s.name for s in interested_suppliers(tender)] == [
        "Asker Ltd",
        "Bidder Ltd",
        "Drafter Ltd",
        "Viewer Ltd",
    ]
    assert TenderInterest.objects.get(tender=tender).how == "viewed"
    new_deadline = later(tender)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        amend(tender, officer, submission_deadline=new_deadline)

    assert sorted(to for email in mail.outbox for to in email.to) == sorted(
        [viewer_user.email, asker_user.email, drafter_user.email, bidder_user.email]
    )
    assert all(len(email.to) == 1 for email in mail.outbox)  # no one sees the others
    assert bystander_user.email not in [to for email in mail.outbox for to in email.to]
    email = mail.outbox[0]
    assert email.subject == f"{tender.reference} has been amended"
    assert "Submission deadline moved from" in email.body
    assert "Why: The county added a fifth locality." in email.body


def test_the_deadline_is_extended_and_published_as_a_valid_tender_amendment(tender, officer):
    old_deadline = tender.submission_deadline
    new_deadline = later(tender, days=14)

    item = amend(tender, officer, submission_deadline=new_deadline)

    tender.refresh_from_db()
    assert tender.submission_deadline == new_deadline
    assert item.number == 1
    release = Release.objects.filter(ocid__endswith=tender.reference).latest("position")
    assert release.tags == ["tenderAmendment"]
    assert release.data["tender"]["tenderPeriod"]["endDate"] == new_deadline.isoformat().replace(
        "+00:00", "Z"
    )
    [published] = release.data["tender"]["amendments"]
    assert published["id"] == "amendment-1"
    assert published["rationale"] == "The county added a fifth locality."
    assert published["description"].startswith("Submission deadline moved from")
    assert old_deadline != new_deadline
    validator = Draft4Validator(
        schema.patched_release_schema(), format_checker=Draft4Validator.FORMAT_CHECKER
    )
    assert [e.message for e in validator.iter_errors(release.data)] == []
    event = AuditEvent.objects.get(action="tender.amended")
    assert event.data["reason"] == "The county added a fifth locality."
    assert event.summary.startswith("Amendment 1: Submission deadline moved from")


def test_a_second_amendment_publishes_both(tender, officer):
    amend(tender, officer, submission_deadline=later(tender), reason="First reason.")
    tender.refresh_from_db()
    amend(tender, officer, submission_deadline=later(tender), reason="Second reason.")
    release = Release.objects.filter(ocid__endswith=tender.reference).latest("position")
    assert [a["rationale"] for a in release.data["tender"]["amendments"]] == [
        "First reason.",
        "Second reason.",
    ]


def test_a_replaced_document_keeps_its_old_version_downloadable(client, tender, officer, spec):
    amend(
        tender,
        officer,
        replacements={spec.pk: testing.pdf("spec-v2.pdf", b"%PDF-1.4 version two")},
    )

    spec.refresh_from_db()
    new = spec.replaced_by
    assert (spec.is_current, new.is_current, new.version, new.title) == (
        False,
        True,
        2,
        "Specification",
    )
    for document, body in ((spec, b"%PDF-1.4 version one"), (new, b"%PDF-1.4 version two")):
        response = client.get(reverse("public:document", args=[tender.reference, document.pk]))
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == body
    assert tender.amendments.get().changes == ["New version of “Specification” (version 2)"]
    release = Release.objects.filter(ocid__endswith=tender.reference).latest("position")
    published = {d["id"]: d for d in release.data["tender"]["documents"]}
    assert published[f"document-{spec.pk}"]["description"].startswith(
        "Version 1, replaced by a new version on "
    )
    assert published[f"document-{new.pk}"]["description"] == "Version 2"


def test_a_withdrawn_document_is_kept_and_cannot_be_replaced_later(tender, officer, spec):
    amend(tender, officer, withdrawals=[spec.pk])
    spec.refresh_from_db()
    assert spec.withdrawn_at is not None and not spec.is_current
    assert TenderDocument.objects.filter(pk=spec.pk).exists()
    with pytest.raises(DomainError, match="already been replaced or withdrawn"):
        amend(tender, officer, replacements={spec.pk: testing.pdf()})


def test_a_draft_bid_is_untouched_by_an_amendment(tender, officer, supplier, spec):
    organisation, user = supplier
    lot = tender.lots.get()
    bid = bid_actions.start_bid(lot=lot, supplier=organisation, by=user)
    answers = {q.pk: f"Draft answer {q.number}." for q in lot.questions.all()}
    bid_actions.save_bid(bid=bid, by=user, price=Decimal("1250.50"), answers=answers)
    before = Bid.objects.get(pk=bid.pk)

    amend(
        tender,
        officer,
        submission_deadline=later(tender),
        replacements={spec.pk: testing.pdf("spec-v2.pdf")},
    )

    after = Bid.objects.get(pk=bid.pk)
    assert (after.status, after.price, after.updated_at) == (
        "draft",
        Decimal("1250.50"),
        before.updated_at,
    )
    assert {a.question_id: a.text for a in after.answers.all()} == answers


def test_refused_after_the_submission_deadline(tender, officer):
    with testing.after_deadline(tender):
        with pytest.raises(DeadlinePassed, match="can no longer be amended"):
            amend(tender, officer, submission_deadline=later(tender))
    assert not tender.amendments.exists()


def days_after_publication(tender, days):
    """Noon (UK) on the day `days` days after the tender's publication day."""
    published_on = tender.published_at.astimezone(clock.UK).date()
    return datetime.combine(published_on + timedelta(days=days), time(12, 0), tzinfo=clock.UK)


def test_the_deadline_may_be_brought_forward_to_25_days_but_not_24(tender, officer):
    # Worth £1,200,000, above every s.54 threshold, with no planned procurement notice: 25 days.
    with pytest.raises(RuleFailed, match="gives bidders 24 days .* at least 25 days"):
        amend(tender, officer, submission_deadline=days_after_publication(tender, 24))
    tender.refresh_from_db()
    assert not tender.amendments.exists()

    amend(tender, officer, submission_deadline=days_after_publication(tender, 25))
    tender.refresh_from_db()
    assert tender.submission_deadline == days_after_publication(tender, 25)


def test_a_reason_and_a_change_are_needed(tender, officer):
    with pytest.raises(DomainError, match="Say why"):
        amend(tender, officer, reason=" ", submission_deadline=later(tender))
    with pytest.raises(DomainError, match="Choose something to change"):
        amend(tender, officer)


def test_the_clarification_deadline_stays_before_the_submission_deadline(tender, officer):
    with pytest.raises(DomainError, match="clarification deadline must be before"):
        amend(tender, officer, clarification_deadline=later(tender))


@pytest.mark.parametrize("who", ["evaluator", "other_buyer", "supplier"])
def test_only_the_buyers_officers_and_admins_may_amend(who, tender, evaluator, supplier):
    person = {
        "evaluator": evaluator,
        "other_buyer": testing.member(testing.buyer_org("Other Council"), "buyer_officer"),
        "supplier": supplier[1],
    }[who]
    with pytest.raises(PermissionDenied):
        amend(tender, person, submission_deadline=later(tender))
    tender.refresh_from_db()
    assert not tender.amendments.exists()


def test_a_buyer_admin_may_amend(tender, buyer_admin):
    assert amend(tender, buyer_admin, submission_deadline=later(tender)).number == 1


def test_the_expected_award_date_moves_with_a_long_extension(tender, officer):
    # Award expected 30 days after the deadline, the contract starting 60 days after it.
    far = tender.submission_deadline + timedelta(days=35)
    with pytest.raises(DomainError, match="expected award date must be after"):
        amend(tender, officer, submission_deadline=far)
    item = amend(
        tender,
        officer,
        submission_deadline=far,
        expected_award_date=far.date() + timedelta(days=10),
    )
    assert item.changes[1].startswith("Expected award date moved from")


def test_a_deadline_out_of_range_is_refused(tender, officer):
    with pytest.raises(DomainError, match="submission deadline must be between"):
        amend(tender, officer, submission_deadline=datetime(2100, 1, 2, tzinfo=clock.UK))
