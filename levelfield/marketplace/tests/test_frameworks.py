"""A framework's lifecycle through the platform admin's actions: every step in the table goes,
every other is refused with a clear message and nothing changed; going live makes the admitted
suppliers' submitted listings live (and nobody else's), expiring expires them; creation and
changes are checked once, in the domain; each step leaves its audit event."""

from datetime import timedelta

import pytest

from levelfield.contracts.tests.kpis_builders import release_errors
from levelfield.core import clock
from levelfield.core.errors import InvalidTransition, PermissionDenied, RuleFailed
from levelfield.core.models import AuditEvent
from levelfield.marketplace import ocds
from levelfield.marketplace.actions import applications, frameworks
from levelfield.marketplace.actions.frameworks import LotDetails
from levelfield.marketplace.lifecycle import (
    FRAMEWORK_ALLOWED,
    ApplicationStatus,
    FrameworkStatus,
    ListingStatus,
)
from levelfield.marketplace.models import Framework, Listing
from levelfield.opendata.models import Release
from tests.support import marketplace

from .frameworks_builders import ORDER, details, framework_at, make_people, submitted

ALLOWED_PAIRS = [(s, t) for s in ORDER for t in ORDER if t in FRAMEWORK_ALLOWED[s]]
REFUSED_PAIRS = [(s, t) for s in ORDER for t in frameworks.STEPS if t not in FRAMEWORK_ALLOWED[s]]


@pytest.fixture
def people(db):
    return make_people()


def events(obj, action):
    return AuditEvent.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk), action=action
    )


def test_the_table_has_a_step_for_every_status_but_the_first():
    assert set(frameworks.STEPS) == set(ORDER[1:])
    assert len(ALLOWED_PAIRS) == 5 and len(REFUSED_PAIRS) == 6 * 5 - 5


@pytest.mark.parametrize("start", ORDER)
@pytest.mark.parametrize("target", ORDER)
def test_the_model_moves_only_as_the_table_allows(start, target):
    row = Framework(status=start)
    if target in FRAMEWORK_ALLOWED[start]:
        row.transition(target, clock.now())
        assert row.status == target
    else:
        with pytest.raises(InvalidTransition):
            row.transition(target, clock.now())
        assert row.status == start


@pytest.mark.parametrize(("start", "target"), ALLOWED_PAIRS)
def test_each_step_in_the_table_goes_with_its_milestone_and_event(people, start, target):
    framework = framework_at(start, by=people.admin)
    moved = frameworks.STEPS[target](framework=framework, by=people.admin)
    moved.refresh_from_db()
    assert moved.status == target
    assert (
        getattr(
            moved,
            {
                FrameworkStatus.OPEN: "opened_at",
                FrameworkStatus.PENDING: "closed_at",
                FrameworkStatus.STANDSTILL: "standstill_at",
                FrameworkStatus.LIVE: "live_at",
                FrameworkStatus.EXPIRED: "expired_at",
            }[target],
        )
        is not None
    )
    action = {
        FrameworkStatus.OPEN: "marketplace.framework_opened",
        FrameworkStatus.PENDING: "marketplace.framework_closed",
        FrameworkStatus.STANDSTILL: "marketplace.framework_standstill",
        FrameworkStatus.LIVE: "marketplace.framework_live",
        FrameworkStatus.EXPIRED: "marketplace.framework_expired",
    }[target]
    event = events(moved, action).get()
    assert event.actor == people.admin
    assert event.summary.startswith(moved.reference)


@pytest.mark.parametrize(("start", "target"), REFUSED_PAIRS)
def test_every_step_not_in_the_table_is_refused_and_changes_nothing(people, start, target):
    framework = framework_at(start, by=people.admin)
    before = AuditEvent.objects.count()
    with pytest.raises(InvalidTransition) as refused:
        frameworks.STEPS[target](framework=framework, by=people.admin)
    assert refused.value.code == "invalid_state"
    label = FrameworkStatus(start).label.lower()
    assert f"A framework that is {label} cannot become" in refused.value.message
    framework.refresh_from_db()
    assert framework.status == start
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize("who", ["supplier_admin", "buyer_admin", "officer"])
def test_only_the_platform_admin_runs_a_framework(people, who):
    with pytest.raises(PermissionDenied):
        frameworks.create_framework(details=details(), by=getattr(people, who))
    framework = framework_at(FrameworkStatus.COMING, by=people.admin)
    for step in frameworks.STEPS.values():
        with pytest.raises(PermissionDenied):
            step(framework=framework, by=getattr(people, who))
    framework.refresh_from_db()
    assert framework.status == FrameworkStatus.COMING


def test_creating_a_framework_makes_its_lots_in_order_and_audits_it(people):
    framework = frameworks.create_framework(details=details(), by=people.admin)
    assert framework.status == FrameworkStatus.COMING
    assert [(lot.number, lot.title) for lot in framework.lots.all()] == [
        (1, "Cloud hosting"),
        (2, "Cloud software"),
    ]
    assert framework.lots.get(number=1).categories == ["Compute", "Storage"]
    event = events(framework, "marketplace.framework_created").get()
    assert event.data["lots"] == ["Cloud hosting", "Cloud software"]


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"lots": []}, "lots", "at least one lot"),
        ({"name": "  "}, "name", "name"),
        ({"reference": "cloud 9!"}, "reference", "capital letters"),
        (
            {"applications_close_on": clock.today_uk() - timedelta(days=1)},
            "applications_close_on",
            "close on or after",
        ),
        ({"live_from": clock.today_uk() + timedelta(days=1)}, "live_from", "go live on or after"),
        ({"expires_on": clock.today_uk() + timedelta(days=60)}, "expires_on", "expire after"),
        ({"lots": [LotDetails("Hosting"), LotDetails("hosting")]}, "lots", "Two lots are called"),
        ({"lots": [LotDetails("")]}, "lots", "title of lot 1"),
        ({"lots": [LotDetails("Hosting", cpv_code="72")]}, "lots", "8 digits"),
    ],
)
def test_a_framework_that_breaks_a_rule_is_refused_saying_which(people, changes, field, words):
    bad = details(**changes)
    assert any(f == field and words in m for f, m in frameworks.problems(bad))
    with pytest.raises(RuleFailed) as refused:
        frameworks.create_framework(details=bad, by=people.admin)
    assert refused.value.code == "invalid_framework"
    assert any(words in d for d in refused.value.details)
    assert not Framework.objects.exists()


def test_a_reference_is_used_once(people):
    frameworks.create_framework(details=details("LF-CLOUD-9"), by=people.admin)
    with pytest.raises(RuleFailed, match="Another framework has the reference LF-CLOUD-9"):
        frameworks.create_framework(details=details("lf-cloud-9"), by=people.admin)


def test_a_coming_framework_is_changed_lots_and_all_and_then_no_more(people):
    framework = framework_at(FrameworkStatus.COMING, by=people.admin)
    changed = details(name="Cloud services 10", lots=[LotDetails("Cloud support")])
    frameworks.update_framework(framework=framework, details=changed, by=people.admin)
    framework.refresh_from_db()
    assert framework.name == "Cloud services 10"
    assert [lot.title for lot in framework.lots.all()] == ["Cloud support"]
    assert events(framework, "marketplace.framework_updated").count() == 1
    frameworks.open_applications(framework=framework, by=people.admin)
    with pytest.raises(InvalidTransition, match="only a coming framework"):
        frameworks.update_framework(framework=framework, details=details(), by=people.admin)


def test_the_standstill_waits_for_every_submitted_application_to_be_decided(people):
    framework = framework_at(FrameworkStatus.OPEN, by=people.admin)
    application = submitted(framework, people.supplier, people.supplier_admin)
    frameworks.close_applications(framework=framework, by=people.admin)
    with pytest.raises(InvalidTransition, match="1 application is still to decide") as refused:
        frameworks.start_standstill(framework=framework, by=people.admin)
    assert refused.value.code == "applications_undecided"
    applications.admit_application(application=application, by=people.admin)
    frameworks.start_standstill(framework=framework, by=people.admin)
    framework.refresh_from_db()
    assert framework.status == FrameworkStatus.STANDSTILL


def test_closing_withdraws_the_applications_never_submitted(people):
    framework = framework_at(FrameworkStatus.OPEN, by=people.admin)
    draft = applications.start_application(
        framework=framework,
        supplier=people.supplier,
        by=people.supplier_admin,
        lot_ids=[framework.lots.first().pk],
    )
    frameworks.close_applications(framework=framework, by=people.admin)
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.WITHDRAWN
    assert events(framework, "marketplace.framework_closed").get().data["never_submitted"] == 1


def _to_standstill_with(people):
    """A framework at standstill: the supplier admitted, the other supplier refused, each with a
    submitted listing on lot 1 (the listing part's rows)."""
    framework = framework_at(FrameworkStatus.OPEN, by=people.admin)
    admitted = submitted(framework, people.supplier, people.supplier_admin)
    refused = submitted(framework, people.other_supplier, people.other_admin)
    lot = framework.lots.get(number=1)
    ours = marketplace.listing(
        admitted, lot, by=people.supplier_admin, name="Managed hosting", status="submitted"
    )
    theirs = marketplace.listing(
        refused, lot, by=people.other_admin, name="Shared hosting", status="submitted"
    )
    frameworks.close_applications(framework=framework, by=people.admin)
    applications.admit_application(application=admitted, by=people.admin)
    applications.refuse_application(
        application=refused, by=people.admin, reason="No evidence of ISO 27001"
    )
    frameworks.start_standstill(framework=framework, by=people.admin)
    return framework, ours, theirs


def test_a_listing_goes_live_only_when_its_framework_does(people):
    framework, ours, theirs = _to_standstill_with(people)
    ours.refresh_from_db()
    theirs.refresh_from_db()
    # Admitted, at standstill: submitted, not live, and buyers do not find it.
    assert ours.status == ListingStatus.SUBMITTED and ours.live_at is None
    assert theirs.status == ListingStatus.WITHDRAWN
    assert not Listing.objects.live().exists()
    search_text = ours.search_text
    frameworks.go_live(framework=framework, by=people.admin)
    ours.refresh_from_db()
    theirs.refresh_from_db()
    assert ours.status == ListingStatus.LIVE and ours.live_at is not None
    assert ours.search_text == search_text  # content unchanged: the search document stands
    assert theirs.status == ListingStatus.WITHDRAWN
    assert list(Listing.objects.live()) == [ours]
    assert events(framework, "marketplace.framework_live").get().data["listings_live"] == 1


def test_a_listing_submitted_on_a_framework_that_is_not_live_is_not_found(people):
    framework = framework_at(FrameworkStatus.STANDSTILL, by=people.admin)
    application = marketplace.admitted(
        framework, people.supplier, by=people.supplier_admin, admin=people.admin
    )
    row = marketplace.listing(
        application,
        framework.lots.first(),
        by=people.supplier_admin,
        name="Hosting",
        status="submitted",
    )
    assert row not in Listing.objects.live()
    # Even a row marked live (as no action makes it) is not found while the framework is not.
    marked = marketplace.listing(
        application, framework.lots.first(), by=people.supplier_admin, name="Marked"
    )
    assert marked not in Listing.objects.live()


def test_expiring_expires_the_live_listings_and_buyers_no_longer_find_them(people):
    framework, ours, _ = _to_standstill_with(people)
    frameworks.go_live(framework=framework, by=people.admin)
    frameworks.expire(framework=framework, by=people.admin)
    ours.refresh_from_db()
    assert ours.status == ListingStatus.EXPIRED and ours.expired_at is not None
    assert not Listing.objects.live().exists()
    assert events(framework, "marketplace.framework_expired").get().data["listings_expired"] == 1


def test_the_decisions_are_emailed_at_the_standstill(
    people, mailoutbox, django_capture_on_commit_callbacks
):
    framework = framework_at(FrameworkStatus.OPEN, by=people.admin)
    admitted = submitted(framework, people.supplier, people.supplier_admin)
    refused = submitted(framework, people.other_supplier, people.other_admin)
    frameworks.close_applications(framework=framework, by=people.admin)
    applications.admit_application(application=admitted, by=people.admin)
    applications.refuse_application(application=refused, by=people.admin, reason="Late evidence")
    assert mailoutbox == []  # decided, not yet sent
    with django_capture_on_commit_callbacks(execute=True):
        frameworks.start_standstill(framework=framework, by=people.admin)
    to = {tuple(m.to): m for m in mailoutbox}
    assert "admitted" in to[(people.supplier_admin.email,)].subject
    refusal = to[(people.other_admin.email,)]
    assert "not admitted" in refusal.subject and "Late evidence" in refusal.body
    assert f"/marketplace/applications/{refused.pk}/" in refusal.body


def test_the_framework_is_published_in_ocds_when_it_opens_goes_live_and_expires(people):
    """Its own contracting process: the tender suppliers apply to when it opens, the admitted
    suppliers as its awards once live (the refused one not), each release valid."""
    framework, _, _ = _to_standstill_with(people)
    ocid = ocds.framework_ocid(framework)
    [opened] = Release.objects.filter(ocid=ocid)
    assert opened.tags == ["tender"] and opened.data["tender"]["status"] == "active"
    assert "awards" not in opened.data
    frameworks.go_live(framework=framework, by=people.admin)
    live = Release.objects.filter(ocid=ocid).order_by("-pk").first()
    assert live.tags == ["tender", "award"]
    assert [a["suppliers"][0]["name"] for a in live.data["awards"]] == [people.supplier.name]
    assert {a["status"] for a in live.data["awards"]} == {"active"}
    frameworks.expire(framework=framework, by=people.admin)
    expired = Release.objects.filter(ocid=ocid).order_by("-pk").first()
    assert expired.pk != live.pk and expired.data["tender"]["status"] == "complete"
    for release in Release.objects.filter(ocid=ocid):
        assert release_errors(release.data) == []
