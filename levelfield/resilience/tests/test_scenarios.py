"""Failure scenarios on hand-built data: the group, the contracts in force, their annual value,
the authorities, the services, people and plans of the submitted living wills (never a draft),
the subcontractors shared with other suppliers, and the dependency map. Every expected figure
is worked out by hand in the comments."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from levelfield.core import clock
from levelfield.resilience import actions
from levelfield.resilience.models import LivingWill
from levelfield.resilience.scenarios import annual_value, build_report
from levelfield.resilience.scenarios_candidates import NO_CPV
from levelfield.suppliers import actions as supplier_actions
from levelfield.suppliers.models import ContractSubcontractor, Region, Size
from tests.support import testing

pytestmark = pytest.mark.django_db

AS_OF = date(2027, 1, 15)


def supplier(name: str, number: str = "", **profile):
    """A registered supplier with its admin, its Companies House number and profile set through
    the profile action."""
    organisation, admin = testing.supplier_with_user(name)
    supplier_actions.update_profile(
        profile=organisation.supplier_profile,
        by=admin,
        legal_name=name,
        companies_house_number=number,
        region=profile.pop("region", Region.SOUTH_WEST),
        declared_size=profile.pop("size", Size.SMALL),
        **profile,
    )
    organisation.refresh_from_db()
    return organisation, admin


def submit_will(organisation, admin, content: dict, *, draft_after: dict | None = None):
    """Start, fill and submit the supplier's living will; then, if given, leave `draft_after`
    in its draft without submitting it."""
    will = actions.start_living_will(supplier=organisation, by=admin)
    review = clock.today_uk() + timedelta(days=365)
    actions.edit_living_will(will=will, by=admin, content=content, owner=admin, review_date=review)
    version = actions.submit_living_will(will=will, by=admin)
    if draft_after is not None:
        actions.edit_living_will(
            will=will, by=admin, content=draft_after, owner=admin, review_date=review
        )
    return version


def subcontract(contract, name: str, number: str = ""):
    """A subcontractor on a contract (on the platform it is carried from the winning bid; these
    contracts were let elsewhere, so it is written here)."""
    return ContractSubcontractor.objects.create(
        contract=contract,
        name=name,
        companies_house_number=number,
        size=Size.SMALL,
        share_percent=Decimal("10"),
        description="Transport",
        value=Decimal("1000"),
    )


ALBION_WILL = {
    "entities": [
        {"name": "Albion Group plc", "company_number": "01234567", "parent": ""},
        {"name": "Albion Care Ltd", "company_number": "02345678", "parent": "01234567"},
        {"name": "Albion Offshore Ltd", "company_number": "SC123456", "parent": "01234567"},
    ],
    "services": [
        {"name": "Home care", "authorities": ["Shire County Council"], "people_served": 1200},
        {"name": "Meals", "authorities": ["Wessex Council"], "people_served": 300},
    ],
    "dependencies": [{"name": "Van Co", "kind": "subcontractor", "services": ["Home care"]}],
    "plans": [
        {
            "service": "Home care",
            "steps": ["Tell the council", "Transfer the rota"],
            "days_to_transfer": 60,
            "data": "Care plans",
            "assets": "Vans",
            "staff": "80 carers (TUPE)",
            "tell": ["Shire adult social care"],
        }
    ],
}


@pytest.fixture
def world():
    shire = testing.buyer_org("Shire County Council")
    wessex = testing.buyer_org("Wessex Council")
    albion, albion_admin = supplier("Albion Group plc", "01234567")
    care, care_admin = supplier("Albion Care Ltd", "02345678")
    other, other_admin = supplier("Other Care Ltd", "03456789")

    def contract(buyer, holder, value, start, end, **kw):
        return testing.contract_let_elsewhere(
            buyer=buyer, supplier=holder, value=value, start_date=start, end_date=end, **kw
        )

    c = {
        # 1 April 2026 to 31 March 2029: 1,096 days (29 February 2028 among them).
        # 300,000 x 365 / 1,096 = 99,908.759... -> 99,908.76
        "home_care": contract(
            shire, albion, "300000", date(2026, 4, 1), date(2029, 3, 31), critical=True
        ),
        # 1 October 2026 to 31 March 2027: 182 days, under a year: the whole 50,000.00.
        "meals": contract(wessex, albion, "50000", date(2026, 10, 1), date(2027, 3, 31)),
        # Ended the day before... well before: 31 December 2026.
        "ended": contract(shire, albion, "10000", date(2025, 1, 1), date(2026, 12, 31)),
        # Starts after the scenario's date.
        "later": contract(wessex, albion, "20000", date(2027, 2, 1), date(2028, 1, 31)),
        # Never signed: not in force.
        "unsigned": contract(
            shire, albion, "40000", date(2026, 1, 1), date(2027, 12, 31), signed=False
        ),
        # Albion Care, brought in by Albion's will: 1 January 2026 to 31 December 2027, 730
        # days: 730,000 x 365 / 730 = 365,000.00.
        "reablement": contract(
            wessex, care, "730000", date(2026, 1, 1), date(2027, 12, 31), critical=True
        ),
        # Another supplier's contract: not affected.
        "other_contract": contract(shire, other, "90000", date(2026, 1, 1), date(2027, 12, 31)),
    }
    old = {**ALBION_WILL, "services": [{"name": "Old service", "people_served": 999}]}
    old["plans"] = []
    old["dependencies"] = []
    first = actions.start_living_will(supplier=albion, by=albion_admin)
    review = clock.today_uk() + timedelta(days=365)
    actions.edit_living_will(
        will=first, by=albion_admin, content=old, owner=albion_admin, review_date=review
    )
    actions.submit_living_will(will=first, by=albion_admin)
    # The submitted will links its two contracts in force; Meals names the contract it runs
    # under, Home care names none (so it relies on its authority's contracts).
    submitted = {
        **ALBION_WILL,
        "contracts": [c["home_care"].pk, c["meals"].pk],
        "services": [
            ALBION_WILL["services"][0],
            {**ALBION_WILL["services"][1], "contracts": [c["meals"].pk]},
        ],
    }
    actions.edit_living_will(
        will=first, by=albion_admin, content=submitted, owner=albion_admin, review_date=review
    )
    actions.submit_living_will(will=first, by=albion_admin)
    # A draft after the submission, with a service nobody submitted.
    draft = {
        **ALBION_WILL,
        "services": [
            *ALBION_WILL["services"],
            {"name": "Night care", "authorities": ["Shire County Council"], "people_served": 5000},
        ],
    }
    actions.edit_living_will(
        will=first, by=albion_admin, content=draft, owner=albion_admin, review_date=review
    )
    submit_will(
        care,
        care_admin,
        {
            "services": [
                # The authority named in other letters: still Wessex Council.
                {"name": "Reablement", "authorities": ["wessex council"], "people_served": 45},
            ],
            "plans": [{"service": "Reablement", "steps": ["Hand over"], "days_to_transfer": 14}],
        },
    )
    subcontract(c["home_care"], "Van Co", "07654321")
    subcontract(
        c["other_contract"], "Van Co Limited", "07654321"
    )  # the same company, named otherwise
    subcontract(c["meals"], "Local Cleaners")
    return {
        "shire": shire,
        "wessex": wessex,
        "albion": albion,
        "care": care,
        "care_admin": care_admin,
        "other": other,
        "other_admin": other_admin,
        **c,
    }


def test_annual_value_by_hand():
    # A year or more: value x 365 / days, both ends counted.
    assert annual_value(Decimal("300000"), date(2026, 4, 1), date(2029, 3, 31)) == Decimal(
        "99908.76"
    )
    assert annual_value(Decimal("730000"), date(2026, 1, 1), date(2027, 12, 31)) == Decimal(
        "365000.00"
    )
    # Exactly 365 days: the value.
    assert annual_value(Decimal("1000"), date(2027, 1, 1), date(2027, 12, 31)) == Decimal("1000.00")
    # Shorter: the whole value, not scaled up.
    assert annual_value(Decimal("50000"), date(2026, 10, 1), date(2027, 3, 31)) == Decimal(
        "50000.00"
    )
    # Rounded half up to the penny: 1,000 x 365 / 366 = 997.2677...
    assert annual_value(Decimal("1000"), date(2027, 1, 1), date(2028, 1, 1)) == Decimal("997.27")


def test_the_scenario_lists_the_hand_checked_contracts_value_and_people(world):
    report = build_report([world["albion"]], AS_OF)

    assert [p.name for p in report.chosen] == ["Albion Group plc"]
    assert [(e.name, e.organisation_id, e.companies_house_number) for e in report.group] == [
        ("Albion Group plc", world["albion"].pk, "01234567"),
        ("Albion Care Ltd", world["care"].pk, "02345678"),
        ("Albion Offshore Ltd", None, "SC123456"),
    ]
    assert report.group[1].reason == "A group entity in the living will of Albion Group plc"
    assert "not registered on levelfield" in report.group[2].reason

    # In force on 15 January 2027: not the ended, later, unsigned or other supplier's ones.
    assert {c.id for c in report.contracts} == {
        world["home_care"].pk,
        world["meals"].pk,
        world["reablement"].pk,
    }
    by_id = {c.id: c for c in report.contracts}
    assert by_id[world["home_care"].pk].annual_value == Decimal("99908.76")
    assert by_id[world["meals"].pk].annual_value == Decimal("50000.00")
    assert by_id[world["reablement"].pk].annual_value == Decimal("365000.00")
    # 99,908.76 + 50,000.00 + 365,000.00
    assert report.annual_value == Decimal("514908.76")

    # Wessex: meals and reablement, 415,000.00, one critical; Shire: home care, 99,908.76.
    assert [
        (a.name, a.contract_count, a.annual_value, a.critical_contracts) for a in report.authorities
    ] == [
        ("Wessex Council", 2, Decimal("415000.00"), 1),
        ("Shire County Council", 1, Decimal("99908.76"), 1),
    ]

    # The latest submitted versions: Home care 1,200 + Meals 300 + Reablement 45.
    assert report.people_served == 1545
    assert [(s.supplier_name, s.name, s.people_served) for s in report.services] == [
        ("Albion Group plc", "Home care", 1200),
        ("Albion Group plc", "Meals", 300),
        ("Albion Care Ltd", "Reablement", 45),
    ]
    home_care = report.services[0]
    assert home_care.plan.days_to_transfer == 60
    assert home_care.plan.steps == ("Tell the council", "Transfer the rota")
    assert home_care.plan.staff == "80 carers (TUPE)"
    assert home_care.dependencies == ("Van Co",)
    assert home_care.plan_words == "60 days to transfer"
    assert report.services[1].plan is None
    assert report.services[1].plan_words == "No continuity plan"
    # Home care names no contract: it relies on Albion's Shire contracts. Meals names its
    # contract, so Albion Care's reablement (Wessex too) is not taken as relying on it.
    assert by_id[world["home_care"].pk].services == ("Home care",)
    assert by_id[world["meals"].pk].services == ("Meals",)
    assert by_id[world["reablement"].pk].services == ("Reablement",)
    assert [(w.supplier_name, w.version) for w in report.wills] == [
        ("Albion Care Ltd", 1),
        ("Albion Group plc", 2),
    ]
    assert report.without_will == ()

    # Van Co (matched by its number) also works for Other Care Ltd; Local Cleaners does not.
    assert [(s.name, s.shared) for s in report.subcontractors] == [
        ("Van Co", True),
        ("Local Cleaners", False),
    ]
    (van_co,) = report.shared_subcontractors
    assert van_co.contract_ids == (world["home_care"].pk,)
    # Albion's will names Van Co as the subcontractor Home care depends on.
    assert van_co.services == ("Home care",)
    assert van_co.named_by == (world["albion"].pk,)
    assert [(o.supplier_name, o.contract_ids) for o in van_co.other_suppliers] == [
        ("Other Care Ltd", (world["other_contract"].pk,))
    ]

    # Contracts let elsewhere carry no CPV codes: no candidates, and the words say why.
    assert [(c.contract_id, c.candidates, c.note) for c in report.candidates] == [
        (c.id, (), NO_CPV) for c in report.contracts
    ]


def test_subcontractors_named_in_living_wills_are_shared_with_suppliers_naming_them(world):
    # Albion Care's next version names a subcontractor on no contract here; Other Care Ltd's
    # will names it too (in other letters), and Van Co.
    will = LivingWill.objects.get(supplier=world["care"])
    content = {
        **will.latest_version().content,
        "dependencies": [
            {"name": "Fleet Mechanics", "kind": "subcontractor", "services": ["Reablement"]}
        ],
    }
    admin = world["care_admin"]
    actions.edit_living_will(
        will=will, by=admin, content=content, owner=admin, review_date=will.review_date
    )
    actions.submit_living_will(will=will, by=admin)
    submit_will(
        world["other"],
        world["other_admin"],
        {
            "dependencies": [
                {"name": "FLEET  mechanics", "kind": "subcontractor"},
                {"name": "Van Co", "kind": "subcontractor"},
                {"name": "Nobody Of Ours", "kind": "subcontractor"},
            ]
        },
    )
    report = build_report([world["albion"]], AS_OF)
    subs = {s.name: s for s in report.subcontractors}
    assert sorted(subs) == ["Fleet Mechanics", "Local Cleaners", "Van Co"]
    fleet = subs["Fleet Mechanics"]
    assert fleet.contract_ids == ()
    assert fleet.services == ("Reablement",)
    assert fleet.named_by == (world["care"].pk,)
    assert [(o.supplier_name, o.contract_ids, o.named_in_will) for o in fleet.other_suppliers] == [
        ("Other Care Ltd", (), True)
    ]
    assert [(o.contract_ids, o.named_in_will) for o in subs["Van Co"].other_suppliers] == [
        ((world["other_contract"].pk,), True)
    ]
    edges = {(e.source, e.target) for e in report.dependency_edges()}
    assert ("subcontractor:name-fleet mechanics", f"supplier:{world['care'].pk}") in edges


def test_a_contract_outside_the_date_is_not_listed(world):
    # 1 February 2028: only home care (to March 2029) and "later" (to 31 January 2028)... which
    # ended the day before; reablement ended 31 December 2027.
    report = build_report([world["albion"]], date(2028, 2, 1))
    assert [c.id for c in report.contracts] == [world["home_care"].pk]
    # The last day of a contract still counts.
    report = build_report([world["albion"]], date(2028, 1, 31))
    assert {c.id for c in report.contracts} == {world["home_care"].pk, world["later"].pk}


def test_a_draft_wills_services_are_not_used(world):
    report = build_report([world["albion"]], AS_OF)
    names = {s.name for s in report.services}
    assert "Night care" not in names  # only in the draft
    assert "Old service" not in names  # an older submitted version


def test_a_supplier_with_only_a_draft_is_named_as_without_a_will():
    buyer = testing.buyer_org("Shire County Council")
    drafty, admin = supplier("Drafty Ltd", "04567890")
    will = actions.start_living_will(supplier=drafty, by=admin)
    actions.edit_living_will(
        will=will,
        by=admin,
        content={"services": [{"name": "Care", "authorities": ["Shire County Council"]}]},
        owner=admin,
        review_date=None,
    )
    testing.contract_let_elsewhere(
        buyer=buyer, supplier=drafty, start_date=date(2026, 1, 1), end_date=date(2027, 12, 31)
    )
    report = build_report([drafty], AS_OF)
    assert report.services == ()
    assert report.people_served == 0
    assert [p.name for p in report.without_will] == ["Drafty Ltd"]
    assert [e.name for e in report.group] == ["Drafty Ltd"]
    assert len(report.contracts) == 1


def test_choosing_a_group_member_too_lists_it_once(world):
    report = build_report([world["albion"], world["care"]], AS_OF)
    assert [e.name for e in report.group] == [
        "Albion Care Ltd",
        "Albion Group plc",
        "Albion Offshore Ltd",
    ]
    assert [e.chosen for e in report.group] == [True, True, False]
    assert len(report.contracts) == 3


def test_the_dependency_map_draws_suppliers_contracts_authorities_and_subcontractors(world):
    report = build_report([world["albion"]], AS_OF)
    edges = {(e.source, e.target, e.kind) for e in report.dependency_edges()}
    albion, care = world["albion"].pk, world["care"].pk
    home_care, meals = world["home_care"].pk, world["meals"].pk
    assert (f"supplier:{albion}", f"contract:{home_care}", "holds") in edges
    assert (f"contract:{home_care}", f"authority:{world['shire'].pk}", "serves") in edges
    assert (f"supplier:{care}", f"supplier:{albion}", "group") in edges
    assert ("subcontractor:ch-07654321", f"contract:{home_care}", "works_on") in edges
    assert ("subcontractor:ch-07654321", f"other-supplier:{world['other'].pk}", "works_on") in (
        edges
    )
    assert ("subcontractor:name-local cleaners", f"contract:{meals}", "works_on") in edges
    nodes = {n.key: n for n in report.dependency_nodes()}
    assert {e[0] for e in edges} | {e[1] for e in edges} <= set(nodes)
    assert nodes[f"authority:{world['wessex'].pk}"].label == "Wessex Council"
    assert any(n.kind == "entity" and n.label == "Albion Offshore Ltd" for n in nodes.values())


def test_the_report_takes_the_same_queries_for_more_contracts(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            build_report([world["albion"]], AS_OF)
        return len(captured)

    before = queries()
    buyer = testing.buyer_org("Dorset Council")
    for n in range(5):
        contract = testing.contract_let_elsewhere(
            buyer=buyer,
            supplier=world["care"],
            value="1000",
            start_date=date(2026, 1, 1),
            end_date=date(2027, 12, 31),
            title=f"More {n}",
        )
        subcontract(contract, f"Helper {n}", f"0800000{n}")
    assert queries() == before
    assert len(build_report([world["albion"]], AS_OF).contracts) == 8


def test_a_subcontractor_named_in_other_letters_and_spacing_is_shared(world):
    # Local Cleaners (no number) works on Albion's meals contract; Other Care Ltd's contract
    # has "LOCAL  cleaners": the same name once case and spacing are ignored, so it is shared
    # with Other Care Ltd on that contract.
    subcontract(world["other_contract"], "LOCAL  cleaners")
    report = build_report([world["albion"]], AS_OF)
    subs = {s.name: s for s in report.subcontractors}
    cleaners = subs["Local Cleaners"]
    assert cleaners.shared
    assert cleaners.contract_ids == (world["meals"].pk,)
    assert [(o.supplier_name, o.contract_ids) for o in cleaners.other_suppliers] == [
        ("Other Care Ltd", (world["other_contract"].pk,))
    ]


def test_people_served_count_only_services_with_a_contract_in_force(world):
    # On 1 February 2028 only home care (Shire, to March 2029) is in force: Home care (1,200
    # people) relies on it; Meals (300) and Reablement (45) name Wessex Council, whose
    # contracts have all ended, so they are listed apart and not counted: 1,200, not 1,545.
    report = build_report([world["albion"]], date(2028, 2, 1))
    assert [c.id for c in report.contracts] == [world["home_care"].pk]
    assert report.people_served == 1200
    assert report.services_without_contract == ("Meals", "Reablement")
    # On 15 January 2027 every service has a contract in force: all three count.
    report = build_report([world["albion"]], AS_OF)
    assert report.people_served == 1545
    assert report.services_without_contract == ()


def test_a_service_names_only_the_wills_linked_contracts():
    from levelfield.resilience.content import InvalidContent, validate

    content = {
        "contracts": [7],
        "services": [
            {"name": "Meals", "contracts": [7]},
            {"name": "Care", "contracts": [8, "x"]},
            {"name": "Cleaning"},
        ],
    }
    with pytest.raises(InvalidContent) as raised:
        validate(content)
    assert raised.value.details == [
        "Service 2 names contract 8, which is not one of the will's linked contracts",
        "Contract 2 of service 2 must be a contract id",
    ]
    del content["services"][1]
    cleaned = validate(content)
    assert cleaned["services"][0]["contracts"] == [7]
    # A service naming none keeps no such field.
    assert "contracts" not in cleaned["services"][1]
