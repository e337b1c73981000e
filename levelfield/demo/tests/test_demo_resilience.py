"""The demo's supplier resilience: a strategic supplier with a group of three entities, critical
contracts at two councils, a living will half complete with a newer draft, shared
subcontractors, replacements with past performance, financial breaches, and a saved failure
scenario whose report shows all of it. Loaded once for the module, as of today."""

import pytest
from django.urls import reverse

from levelfield.accounts.models import Organisation, User
from levelfield.contracts.models import Contract, PerformanceAssessment
from levelfield.core import clock
from levelfield.demo import resilience_data as data
from levelfield.demo.data import DEMO_PASSWORD
from levelfield.resilience import content, selectors, selectors_scenarios
from levelfield.resilience.models import LivingWill, Scenario
from levelfield.resilience.rules import is_resilience_team
from levelfield.resilience.selectors_financial import NoticeStatus, supplier_breaches

BACKEND = "django.contrib.auth.backends.ModelBackend"


def org(name: str) -> Organisation:
    return Organisation.objects.get(name=name)


@pytest.fixture
def meridian(demo, db):
    return org("Meridian Care Group plc")


@pytest.fixture
def report(demo, db):
    return selectors_scenarios.report(Scenario.objects.get(name=data.SCENARIO["name"]))


def test_the_new_people_are_printed_with_the_demo_password(demo, db):
    for email in (
        data.RESILIENCE_TEAM["email"],
        *(p["email"] for p in data.SECOND_BUYER_STAFF),
        *(s["email"] for s in data.SUPPLIERS),
    ):
        # test_demo checks every demo password (this module's users were made before the
        # tests' fast password hasher was set, so cannot be checked here).
        assert User.objects.get(email=email).has_usable_password()
        assert email in demo
    team = User.objects.get(email=data.RESILIENCE_TEAM["email"])
    assert is_resilience_team(team) and not team.memberships.exists()
    assert "Resilience team" in demo and DEMO_PASSWORD in demo


def test_a_strategic_supplier_with_critical_contracts_at_two_councils(meridian):
    [mark] = meridian.strategic_marks.all()
    assert mark.reason == data.STRATEGIC["reason"] and mark.marked_by.is_superuser
    group = ("Meridian Care Group plc", "Meridian Home Care Ltd")
    critical = Contract.objects.filter(supplier__name__in=group, critical=True)
    assert {c.buyer.name for c in critical} == {
        "Wessex County Council",
        "Sandbourne Borough Council",
    }
    assert all(c.status == "live" for c in critical)
    assert critical.filter(lot__isnull=False).count() == 2  # awarded here, with CPV codes
    assert selectors.needs_living_will(meridian) and selectors.is_strategic(meridian)


def test_the_subsidiary_is_registered_with_its_own_contract_and_is_flagged(demo, db, client):
    subsidiary = org("Meridian Home Care Ltd")
    contract = Contract.objects.get(supplier=subsidiary)
    assert contract.critical and contract.buyer.name == "Sandbourne Borough Council"
    assert list(selectors.critical_contracts_without_current_will()) == [contract]
    client.force_login(User.objects.get(email="priti.nair@meridiancare.example"), backend=BACKEND)
    page = client.get(reverse("bids:dashboard")).content.decode()
    assert "1 critical contract and no current living will" in page
    client.force_login(User.objects.get(email="chloe.adeyemi@sandbourne.example"), backend=BACKEND)
    page = client.get(reverse("contracts:detail", args=[contract.pk])).content.decode()
    assert "has no current living will: none submitted" in page


def test_the_living_will_was_submitted_half_complete_and_a_newer_draft_is_fuller(meridian):
    will = LivingWill.objects.get(supplier=meridian)
    [version] = will.versions.all()
    assert will.current_version() == version
    assert 45 <= version.score <= 55
    _, missing = content.completeness(
        version.content, owner=version.owner, review_date=version.review_date
    )
    assert "The public contracts" in missing
    assert "Key subcontractors and intra-group dependencies" in missing
    entities = version.content["entities"]
    assert [e["company_number"] for e in entities] == ["05318274", "07964125", "08842613"]
    assert {e["parent"] for e in entities[1:]} == {"05318274"}
    draft_score, _ = content.completeness(
        will.draft, owner=will.owner, review_date=will.review_date
    )
    assert draft_score > version.score
    assert will.draft != version.content


def test_one_breach_was_notified_on_time_and_one_is_overdue(meridian):
    statuses = sorted(status for _breach, status in supplier_breaches(meridian))
    assert statuses == sorted([NoticeStatus.ON_TIME, NoticeStatus.OVERDUE])


def test_the_replacements_were_assessed_on_contracts_here(demo, db):
    for name in ("Egdon Support Services Ltd", "Sandbourne Independent Living Trust"):
        assert PerformanceAssessment.objects.filter(contract__supplier__name=name).exists()


def test_the_saved_scenario_shows_something_worth_seeing(report):
    assert report.as_of > clock.today_uk()
    assert [e.name for e in report.group] == [
        "Meridian Care Group plc",
        "Meridian Home Care Ltd",
        "Meridian Property Services Ltd",
    ]
    assert {a.name for a in report.authorities} == {
        "Wessex County Council",
        "Sandbourne Borough Council",
    }
    assert len(report.critical_contracts) == 3
    assert report.people_served == 140 + 85
    [shared] = report.shared_subcontractors
    assert shared.name == "Shaston Community Transport"
    assert [o.supplier_name for o in shared.other_suppliers] == ["Wessex Community Care Trust"]
    group = {e.organisation_id for e in report.group if e.organisation_id}
    ranked = [c for found in report.candidates for c in found.candidates]
    assert ranked and not {c.organisation_id for c in ranked} & group
    names = {c.name for c in ranked}
    assert {"Egdon Support Services Ltd", "Sandbourne Independent Living Trust"} <= names
    assert any(c.is_vcse for c in ranked) and any(c.is_sme for c in ranked)
    assert any("Past performance" in str(part) for c in ranked for part in c.reasons)
