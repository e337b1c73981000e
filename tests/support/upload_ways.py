"""The ways a file comes in, for the upload fuzzing (tests/test_upload_fuzz.py): each builds the
world one way needs and says where to post, what else the form needs and the rows a taken file
adds. Those here are the ways added after the first ten (which are in the test module): the
evidence of an outcome claim by the API, a social value delivery report's evidence (page and
API), a tender amendment's new document version (page and API), a measurement framework by
the API, the buyer's first message to a bidder with a file, the admin's social value model
file, a review case's evidence (raised by the API, added by the page and the API), and a
marketplace listing's service document (page and API)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from levelfield.accounts.actions import create_api_token
from levelfield.accounts.models import Role
from levelfield.contracts.actions import outcomes
from levelfield.contracts.models.performance import OutcomeClaim
from levelfield.correspondence.models import MessageAttachment, Purpose
from levelfield.socialvalue.models import Measure, ReportEvidence, SocialValueModel
from levelfield.tenders import actions as tender_actions
from levelfield.tenders.models import Tender, TenderDocument
from tests.support import testing


@dataclass
class Way:
    """One way a file comes in: where to post, what else the form needs, and the rows it adds."""

    url: str
    fields: dict
    file_field: str
    rows: type
    auth: dict
    optional: bool = False  # the form goes without a file too
    day: date | None = None  # the day the form is posted on (UK time), if not today
    good: tuple[str, bytes] | None = ("report.pdf", b"%PDF-1.4 test document")  # taken
    keeps_file: bool = True  # an import keeps what it read, not the file
    # Where to post and the form as they are now, for a way whose target changes once a file
    # is taken (a document replaced by its new version): (url, fields, file_field)
    current: Callable[[], tuple[str, dict, str]] | None = None


def bearer(user) -> dict:
    # a year's token: some ways are posted on a day months from now
    _, secret = create_api_token(user=user, name="fuzz", lifetime_days=365)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def outcome_claim_api(client) -> Way:
    """A supplier's claim for a priced outcome by the API, with the evidence it asks for."""
    signed = testing.signed_contract(value="250000")
    outcome = outcomes.add_priced_outcome(
        contract=signed.contract,
        by=signed.officer,
        name="Tenancy sustained",
        unit_price="1",
        budget="100000",
        evidence_required="A landlord's letter",
    )
    start = signed.contract.start_date
    url = f"/api/supplier/contracts/{signed.contract.pk}/priced-outcomes/{outcome.pk}/claims"
    fields = {
        "period_start": start.isoformat(),
        "period_end": (start + timedelta(days=90)).isoformat(),
        "quantity": "1",
        "narrative": "One family kept its home",
    }
    auth = bearer(signed.supplier_user)
    return Way(url, fields, "evidence", OutcomeClaim, auth, day=start + timedelta(days=120))


def _social_value_contract():
    """A signed contract with the winner's social value commitments as obligations; returns it,
    its supplier's user and a day in its first reporting period."""
    from levelfield.socialvalue.tests.conftest import social_value_tender
    from levelfield.socialvalue.tests.test_contract import award, bid_with

    buyer = testing.buyer_org()
    officer = testing.member(buyer, Role.BUYER_OFFICER)
    tender = social_value_tender(buyer=buyer, by=officer, codes=("G1",))
    supplier, user = testing.supplier_with_user("Acorn Care Ltd")
    winner = bid_with(tender, supplier, user, "200000", [{"code": "APP", "quantity": "6"}])
    contract = award(
        tender,
        officer=officer,
        buyer_admin=testing.member(buyer, Role.BUYER_ADMIN),
        evaluator=testing.member(buyer, Role.EVALUATOR),
        bids=[winner],
    )
    period = contract.social_value_periods.get(number=1)
    return contract, user, period, period.starts_on + timedelta(days=20)


def delivery_report_page(client) -> Way:
    contract, user, period, day = _social_value_contract()
    obligation = contract.social_value_obligations.get(number=1)
    client.force_login(user)
    url = reverse("socialvalue:report_add", args=[contract.pk, obligation.pk])
    fields = {"period": str(period.pk), "quantity": "1", "narrative": "An apprentice started"}
    return Way(url, fields, "evidence", ReportEvidence, {}, optional=True, day=day)


def delivery_report_api(client) -> Way:
    contract, user, _, day = _social_value_contract()
    url = f"/api/social-value/supplier/contracts/{contract.pk}/obligations/1/reports"
    fields = {"period": "1", "quantity": "1", "narrative": "An apprentice started"}
    return Way(url, fields, "evidence", ReportEvidence, bearer(user), optional=True, day=day)


def _tender_with_document():
    buyer = testing.buyer_org()
    officer = testing.member(buyer, Role.BUYER_OFFICER)
    tender = testing.published_tender(buyer=buyer, by=officer)
    tender_actions.add_document(
        tender=tender,
        by=officer,
        title="Specification",
        doc_type="specification",
        upload=testing.pdf("spec.pdf", b"%PDF-1.4 version one"),
    )
    return tender, officer


def _current_document(tender: Tender) -> TenderDocument:
    return next(d for d in tender.documents.order_by("-pk") if d.is_current)


def amendment_page(client) -> Way:
    """The buyer's amendment replacing the tender's document with a new version."""
    tender, officer = _tender_with_document()
    client.force_login(officer)

    def current():
        pk = _current_document(tender).pk
        fields = {
            "reason": "A corrected specification",
            "confirm": "on",
            f"document_{pk}": "replace",
        }
        return reverse("tenders:amend", args=[tender.pk]), fields, f"document_{pk}_file"

    url, fields, file_field = current()
    return Way(url, fields, file_field, TenderDocument, {}, current=current)


def amendment_api(client) -> Way:
    tender, officer = _tender_with_document()

    def current():
        pk = _current_document(tender).pk
        url = f"/api/buyer/tenders/{tender.pk}/documents/{pk}/versions"
        return url, {"reason": "A corrected specification"}, "file"

    url, fields, file_field = current()
    return Way(url, fields, file_field, TenderDocument, bearer(officer), current=current)


def framework_api(client) -> Way:
    officer = testing.member(testing.buyer_org(), Role.BUYER_OFFICER)
    good = ("measures.csv", b"code,description,unit\nAPP,Apprenticeships,weeks\n")
    url = "/api/social-value/buyer/frameworks"
    return Way(url, {"name": "Ours"}, "file", Measure, bearer(officer), good=good, keeps_file=False)


def opened_tender_with_bid():
    """A buyer's officer, its tender with one submitted bid (by the supplier's user), its
    deadline past and its bids opened: (officer, tender, supplier, user)."""
    buyer = testing.buyer_org()
    officer = testing.member(buyer, Role.BUYER_OFFICER)
    tender = testing.published_tender(buyer=buyer, by=officer)
    supplier, user = testing.supplier_with_user("Acorn Care Ltd")
    testing.submitted_bid(tender=tender, supplier=supplier, by=user, price="90000")
    # The deadline well past: PostgreSQL's now() is when the test's transaction began
    past = timezone.now() - timedelta(days=1)
    Tender.objects.filter(pk=tender.pk).update(
        clarification_deadline=past - timedelta(days=1), submission_deadline=past
    )
    tender.refresh_from_db()
    tender_actions.open_evaluation(tender=tender, by=officer)
    return officer, tender, supplier, user


def first_message(client) -> Way:
    """The buyer's first message to a bidder, with a file, once the bids are opened."""
    officer, tender, supplier, user = opened_tender_with_bid()
    client.force_login(officer)
    fields = {
        "supplier": str(supplier.pk),
        "purpose": Purpose.BID_CLARIFICATION,
        "subject": "Travel time",
        "body": "Does your price include travel time? See the file",
    }
    url = reverse("correspondence:start", args=[tender.pk])
    return Way(url, fields, "attachment", MessageAttachment, {}, optional=True)


def social_value_model_file(client) -> Way:
    """The admin's upload of a social value model (JSON, read and not kept)."""
    admin = testing.UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    url = reverse("admin:socialvalue_socialvaluemodel_load")
    return Way(url, {}, "file", SocialValueModel, {}, good=None, keeps_file=False)


def _review_case():
    """A supplier's concern about a published tender, raised with the review service."""
    from levelfield.reviews.actions.raising import raise_case

    buyer = testing.buyer_org()
    tender = testing.published_tender(buyer=buyer, by=testing.member(buyer, Role.BUYER_OFFICER))
    supplier, user = testing.supplier_with_user("Acorn Care Ltd")
    case = raise_case(
        by=user,
        kind="procurement",
        description="The tender asks for ISO 9001 from every bidder.",
        tender=tender,
        raiser_organisation=supplier,
    )
    return tender, supplier, user, case


def review_evidence_page(client) -> Way:
    from levelfield.reviews.models import Evidence

    _, _, user, case = _review_case()
    client.force_login(user)
    url = reverse("reviews:raiser_add_evidence", args=[case.pk])
    return Way(url, {}, "evidence", Evidence, {})


def review_evidence_api(client) -> Way:
    from levelfield.reviews.models import Evidence

    _, _, user, case = _review_case()
    url = f"/api/reviews/my-cases/{case.pk}/evidence"
    return Way(url, {}, "upload", Evidence, bearer(user))


def review_raised_by_api(client) -> Way:
    """A concern raised by the API with its evidence (optional)."""
    from levelfield.reviews.models import Evidence

    tender, supplier, user, _ = _review_case()
    fields = {
        "kind": "procurement",
        "description": "The tender asks for ISO 9001 from every bidder.",
        "tender_id": str(tender.pk),
        "raiser_organisation_id": str(supplier.pk),
    }
    return Way("/api/reviews/cases", fields, "evidence", Evidence, bearer(user), optional=True)


def _listing():
    """A supplier's live listing on a live framework it was admitted to: (admin, listing)."""
    from levelfield.marketplace.tests.listings_builders import live, supplier

    who = supplier()
    return who.admin, live(who)


def listing_document_page(client) -> Way:
    from levelfield.marketplace.models import ListingDocument

    admin, listing = _listing()
    client.force_login(admin)
    url = reverse("marketplace:listing_documents", args=[listing.pk])
    return Way(url, {"title": "Service definition"}, "upload", ListingDocument, {})


def listing_document_api(client) -> Way:
    from levelfield.marketplace.models import ListingDocument

    admin, listing = _listing()
    url = f"/api/marketplace/supplier/listings/{listing.pk}/documents"
    return Way(url, {"title": "Terms"}, "upload", ListingDocument, bearer(admin))


MORE = {
    "outcome claim API": outcome_claim_api,
    "delivery report page": delivery_report_page,
    "delivery report API": delivery_report_api,
    "amendment page": amendment_page,
    "amendment API": amendment_api,
    "framework API": framework_api,
    "first message": first_message,
    "social value model file": social_value_model_file,
    "review evidence page": review_evidence_page,
    "review evidence API": review_evidence_api,
    "review raised by API": review_raised_by_api,
    "listing document page": listing_document_page,
    "listing document API": listing_document_api,
}
