"""A supplier lists its services: drafts may be incomplete, submission names every problem at
once, a live listing's changes are kept as versions (the first unchanged), a listing goes live
only on a live framework, other suppliers and members cannot change it, and every step is
audited."""

from decimal import Decimal

import pytest

from levelfield.core.errors import DomainError, InvalidTransition, PermissionDenied
from levelfield.core.models import AuditEvent
from levelfield.marketplace import listing_rules
from levelfield.marketplace.actions import listings as actions
from levelfield.marketplace.lifecycle import ApplicationStatus, FrameworkStatus, ListingStatus
from levelfield.marketplace.listing_rules import ListingRefused
from levelfield.marketplace.models import Listing, ListingVersion
from levelfield.suppliers.models import CertificateKind
from tests.support import testing

from .listings_builders import GOOD, certificate, draft, live, supplier

pytestmark = pytest.mark.django_db


def events(listing) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="marketplace.listing", object_id=str(listing.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_a_draft_may_be_incomplete_but_submission_names_every_problem():
    who = supplier()
    listing = actions.create_listing(
        application=who.application, lot=who.lot(), by=who.admin, name="Hosting"
    )
    assert listing.status == ListingStatus.DRAFT and listing.version == 0
    with pytest.raises(ListingRefused) as refused:
        actions.submit_listing(listing=listing, by=who.admin)
    assert set(refused.value.problems) == {"category", "price", "price_unit"}
    assert len(refused.value.details) == 3
    listing.refresh_from_db()
    assert listing.status == ListingStatus.DRAFT
    assert not ListingVersion.objects.filter(listing=listing).exists()


def test_the_rule_refuses_everything_wrong_at_once_even_in_a_draft():
    who = supplier()
    with pytest.raises(ListingRefused) as refused:
        actions.create_listing(
            application=who.application,
            lot=who.lot(),
            by=who.admin,
            name="",
            summary="s" * 501,
            features=[f"feature {n}" for n in range(11)],
            benefits=["b" * 121],
            category="Knitting",
            price="12.345",
            certifications=["made_up"],
        )
    problems = refused.value.problems
    assert set(problems) == {
        "name",
        "summary",
        "features",
        "benefits",
        "category",
        "price",
        "certifications",
    }
    assert "at most 10" in problems["features"]
    assert "Compute" in problems["category"]
    assert "made_up" in problems["certifications"]
    assert not Listing.objects.exists()


@pytest.mark.parametrize(
    ("price", "problem"),
    [
        ("-1", "£0 or more"),
        ("ten", "amount in pounds"),
        ("10000000000", "less than"),
        ("1.001", "two decimal places"),
    ],
)
def test_a_price_must_be_a_price(price, problem):
    found = listing_rules.problems(
        listing_rules.clean({**GOOD, "price": price}), categories=["Compute"], submitting=True
    )
    assert problem in found["price"]


def test_a_free_service_is_priced_at_nothing():
    content = listing_rules.clean({**GOOD, "price": "0"})
    assert content["price"] == Decimal("0.00")
    assert listing_rules.problems(content, categories=["Compute"], submitting=True) == {}


def test_features_typed_one_a_line_are_kept_as_lines_without_blanks():
    content = listing_rules.clean({"features": "Autoscaling\n\n  UK   data centres \n"})
    assert content["features"] == ["Autoscaling", "UK data centres"]


def test_a_certification_claimed_must_be_held_when_submitting():
    who = supplier()
    listing = draft(who, certifications=["cyber_essentials", "iso_27001"])
    certificate(who.organisation, CertificateKind.ISO_27001, days_left=-1)  # expired
    with pytest.raises(ListingRefused) as refused:
        actions.submit_listing(listing=listing, by=who.admin)
    message = refused.value.problems["certifications"]
    assert "Cyber Essentials" in message and "ISO 27001" in message
    certificate(who.organisation, CertificateKind.CYBER_ESSENTIALS)
    certificate(who.organisation, CertificateKind.ISO_27001)
    assert actions.submit_listing(listing=listing, by=who.admin).status == ListingStatus.LIVE


def test_submitting_on_a_live_framework_puts_the_listing_live_as_version_1():
    who = supplier(size="micro", is_vcse=True)
    listing = live(who)
    listing.refresh_from_db()
    assert listing.status == ListingStatus.LIVE and listing.version == 1
    assert listing.live_at is not None
    assert (listing.supplier_size, listing.supplier_is_vcse) == ("micro", True)
    assert list(Listing.objects.live()) == [listing]
    assert "kubernetes" in listing.search_text
    version = ListingVersion.objects.get(listing=listing)
    assert version.number == 1 and version.content["price"] == "120.00"
    assert events(listing) == [
        "marketplace.listing_created",
        "marketplace.listing_submitted",
        "marketplace.listing_live",
    ]


@pytest.mark.parametrize(
    "status", [FrameworkStatus.OPEN, FrameworkStatus.PENDING, FrameworkStatus.STANDSTILL]
)
def test_a_listing_cannot_go_live_on_a_framework_that_is_not_live(status):
    who = supplier(status=status)
    listing = live(who)
    assert listing.status == ListingStatus.SUBMITTED
    assert not Listing.objects.live().exists()
    with pytest.raises(InvalidTransition):
        listing.transition(ListingStatus.EXPIRED, None)


def test_a_listing_waits_for_the_application_to_be_admitted():
    who = supplier(admitted=False)
    assert live(who).status == ListingStatus.SUBMITTED
    assert not Listing.objects.live().exists()


@pytest.mark.parametrize("refused", [ApplicationStatus.REFUSED, ApplicationStatus.WITHDRAWN])
def test_no_listing_under_a_refused_or_withdrawn_application(refused):
    who = supplier(admitted=False)
    who.application.transition(ApplicationStatus.SUBMITTED, None)
    who.application.transition(refused, None)
    who.application.save()
    with pytest.raises(InvalidTransition):
        draft(who)


def test_a_lot_must_be_one_the_supplier_applied_for():
    who = supplier()
    who.application.lots.remove(who.lot(2))
    with pytest.raises(DomainError) as refused:
        actions.create_listing(
            application=who.application, lot=who.lot(2), by=who.admin, name="Software"
        )
    assert refused.value.code == "lot_not_applied"
    other = supplier("Other Ltd")
    with pytest.raises(DomainError) as refused:
        actions.create_listing(
            application=who.application, lot=other.lot(1), by=who.admin, name="Software"
        )
    assert refused.value.code == "wrong_lot"


def test_changing_a_live_listing_keeps_every_version_and_the_first_unchanged():
    who = supplier()
    listing = live(who)
    version = actions.change_listing(
        listing=listing,
        by=who.admin,
        change_note="Lower price from April",
        price="99.50",
        features=["Autoscaling", "UK data centres", "Backups"],
    )
    assert version.number == 2
    listing.refresh_from_db()
    assert listing.version == 2 and listing.price == Decimal("99.50")
    assert listing.status == ListingStatus.LIVE
    first = ListingVersion.objects.get(listing=listing, number=1)
    assert first.content["price"] == "120.00"
    assert first.content["features"] == ["Autoscaling", "UK data centres"]
    assert version.content["price"] == "99.50" and version.change_note == "Lower price from April"
    assert "backups" in listing.search_text
    assert events(listing)[-1] == "marketplace.listing_changed"
    event = AuditEvent.objects.filter(action="marketplace.listing_changed").get()
    assert event.data["fields"] == ["features", "price"]


def test_a_change_needs_a_note_and_a_change_and_passes_the_rule():
    who = supplier()
    listing = live(who)
    with pytest.raises(ListingRefused) as refused:
        actions.change_listing(listing=listing, by=who.admin, change_note="", price="-3")
    assert set(refused.value.problems) == {"change_note", "price"}
    with pytest.raises(DomainError) as unchanged:
        actions.change_listing(listing=listing, by=who.admin, change_note="Nothing", price="120")
    assert unchanged.value.code == "unchanged"
    assert ListingVersion.objects.filter(listing=listing).count() == 1


def test_a_draft_is_not_changed_as_a_version_nor_a_live_listing_as_a_draft():
    who = supplier()
    listing = draft(who)
    with pytest.raises(InvalidTransition):
        actions.change_listing(listing=listing, by=who.admin, change_note="x", name="New")
    actions.submit_listing(
        listing=actions.update_listing(listing=listing, by=who.admin, certifications=[]),
        by=who.admin,
    )
    with pytest.raises(InvalidTransition):
        actions.update_listing(listing=listing, by=who.admin, name="New")


def test_the_supplier_profile_is_copied_on_every_save():
    who = supplier(size="small")
    listing = draft(who)
    profile = who.organisation.supplier_profile
    profile.size, profile.is_vcse = "medium", True
    profile.save()
    actions.update_listing(listing=listing, by=who.admin, summary="Now bigger")
    listing.refresh_from_db()
    assert (listing.supplier_size, listing.supplier_is_vcse) == ("medium", True)


def test_only_the_suppliers_admins_change_its_listings():
    who = supplier()
    other = supplier("Other Ltd")
    listing = draft(who)
    for person in (who.member, other.admin):
        with pytest.raises(PermissionDenied):
            actions.update_listing(listing=listing, by=person, name="Mine now")
        with pytest.raises(PermissionDenied):
            actions.submit_listing(listing=listing, by=person)
        with pytest.raises(PermissionDenied):
            actions.withdraw_listing(listing=listing, by=person)
    with pytest.raises(PermissionDenied):
        actions.create_listing(application=who.application, lot=who.lot(), by=who.member, name="x")
    assert events(listing) == ["marketplace.listing_created"]


def test_a_withdrawn_listing_leaves_the_catalogue_and_keeps_its_versions():
    who = supplier()
    listing = live(who)
    actions.withdraw_listing(listing=listing, by=who.admin, reason="Service retired")
    listing.refresh_from_db()
    assert listing.status == ListingStatus.WITHDRAWN and listing.withdrawn_at
    assert not Listing.objects.live().exists()
    assert ListingVersion.objects.filter(listing=listing).count() == 1
    with pytest.raises(InvalidTransition):
        actions.withdraw_listing(listing=listing, by=who.admin)
    with pytest.raises(InvalidTransition):
        actions.change_listing(listing=listing, by=who.admin, change_note="x", name="Back")
    assert events(listing)[-1] == "marketplace.listing_withdrawn"


def test_documents_are_checked_audited_and_kept_when_removed():
    who = supplier()
    listing = live(who)
    other = supplier("Other Ltd")
    with pytest.raises(PermissionDenied):
        actions.add_document(
            listing=listing, by=other.admin, title="Ours", upload=testing.pdf("a.pdf")
        )
    with pytest.raises(DomainError) as refused:
        actions.add_document(
            listing=listing, by=who.admin, title="Terms", upload=testing.pdf("a.pdf", b"MZ")
        )
    assert refused.value.code == "validation_error"
    with pytest.raises(DomainError, match="title"):
        actions.add_document(listing=listing, by=who.admin, title=" ", upload=testing.pdf())
    document = actions.add_document(
        listing=listing, by=who.admin, title="Terms", upload=testing.pdf("../../terms.pdf")
    )
    assert document.original_name == "terms.pdf" and "terms" not in document.file.name
    actions.remove_document(document=document, by=who.admin)
    document.refresh_from_db()
    assert document.removed_at is not None and document.file.storage.exists(document.file.name)
    with pytest.raises(InvalidTransition):
        actions.remove_document(document=document, by=who.admin)
    added, removed = AuditEvent.objects.filter(
        action__startswith="marketplace.listing_document"
    ).order_by("id")
    assert (added.action, removed.action) == (
        "marketplace.listing_document_added",
        "marketplace.listing_document_removed",
    )
    assert added.actor == who.admin and added.organisation_id == who.organisation.pk
    assert added.data["sha256"] == document.sha256
