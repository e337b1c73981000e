"""The dashboards on a snapshot written from hand-built rows (dashboard_data.py, whose answers
are worked out there): the numbers in the headline, the tables and the CSV downloads are the
hand-written ones; filters narrow them; a buyer sees its own authority's; no snapshot yet is
said truthfully."""

import csv
import io
import re
from html import unescape

import pytest
from django.urls import reverse

from levelfield.accounts.models import Role
from levelfield.core.ocds import platform_party_id
from levelfield.insights.models_unit_costs import BuyerUnitCost
from tests.support import testing

from .dashboard_data import HOSTILE_SUPPLIER, NOTICE, P1, rows, standard_snapshot, write_snapshot

pytestmark = pytest.mark.django_db

BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def snapshot_dir(tmp_path, settings):
    settings.LEVELFIELD_INSIGHTS_DIR = str(tmp_path / "insights")
    settings.LEVELFIELD_INSIGHTS_TARGETS = {"sme": 33.0, "vcse": None}
    return tmp_path / "insights"


@pytest.fixture
def snapshot(tmp_path_factory, settings):
    directory = standard_snapshot(tmp_path_factory)
    settings.LEVELFIELD_INSIGHTS_DIR = str(directory)
    settings.LEVELFIELD_INSIGHTS_TARGETS = {"sme": 33.0, "vcse": None}
    return directory


def text(response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def table_rows(response, table_id: str) -> list[list[str]]:
    html = response.content.decode()
    table = re.search(rf'<table class="govuk-table" id="{table_id}">(.*?)</table>', html, re.S)
    assert table, f"no table {table_id}"
    body = table.group(1).split("<tbody", 1)[1]
    return [
        [
            " ".join(unescape(re.sub(r"<[^>]+>", " ", cell)).split())
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


def csv_rows(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode(), newline="")))


def test_no_snapshot_yet_says_so_truthfully(client, snapshot_dir):
    response = client.get(reverse("insights:public"))

    assert response.status_code == 200
    assert "No data yet" in text(response)
    assert "written every night" in text(response)
    assert 'role="img"' not in response.content.decode()
    assert client.get(reverse("insights:download", args=["shares"])).status_code == 404


def test_the_public_dashboard_shows_the_hand_worked_shares(client, snapshot):
    response = client.get(reverse("insights:public"))

    page = text(response)
    assert (
        "SMEs: 40.0% of spend, direct and indirect (35.0% direct), against a target of 33%: met"
        in page
    )
    assert "VCSEs: 10.0% of spend, direct and indirect (10.0% direct); no target is set" in page
    assert table_rows(response, "table-shares") == [
        ["SMEs", "£2,000", "£700", "£100", "35.0%", "40.0%", "33.0%", "£600"],
        ["VCSEs", "£2,000", "£200", "£0", "10.0%", "10.0%", "No data", "£600"],
    ]
    assert table_rows(response, "table-quarters") == [
        ["2026-Q1", "£1,600", "43.8%", "50.0%", "0.0%", "0.0%"],
        ["2026-Q2", "£400", "0.0%", "0.0%", "50.0%", "50.0%"],
    ]
    assert table_rows(response, "table-authorities") == [
        ["Shire County Council", "GB-TEST-SHIRE", "£800", "12.5%", "25.0%", "25.0%", "25.0%"],
        ["Wessex Council", "GB-TEST-WESSEX", "£1,200", "50.0%", "50.0%", "0.0%", "0.0%"],
    ]
    # Each authority links to the dashboard for it alone.
    assert f'href="{reverse("insights:public")}?authority=GB-TEST-SHIRE"' in (
        response.content.decode()
    )


def test_the_charts_are_images_named_and_described_with_the_numbers(client, snapshot):
    html = client.get(reverse("insights:public")).content.decode()

    charts = re.findall(r'<svg [^>]*role="img"[^>]*>.*?</svg>', html, re.S)
    assert len(charts) == 3
    shares, quarters, bids = charts
    assert 'aria-labelledby="chart-shares-title" aria-describedby="chart-shares-desc"' in shares
    assert (
        '<title id="chart-shares-title">Share of public spend with SMEs and VCSEs</title>' in shares
    )
    assert (
        "SMEs: 35.0% of spend directly, 40.0% with subcontracts, against a target of 33.0%."
        in shares
    )
    assert "2026-Q1: SMEs 50.0%, VCSEs 0.0%. 2026-Q2: SMEs 0.0%, VCSEs 50.0%." in quarters
    assert "SMEs made 37.5% of bids and won 100.0% of awards." in bids
    # Ids are the chart's own: none repeats on the page.
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids))


def test_the_csv_downloads_hold_the_same_numbers(client, snapshot):
    shares = csv_rows(client.get(reverse("insights:download", args=["shares"])))
    quarters = csv_rows(client.get(reverse("insights:download", args=["quarters"])))
    authorities = csv_rows(client.get(reverse("insights:download", args=["authorities"])))

    assert shares == [
        [
            "Suppliers",
            "All spend (GBP)",
            "Paid to them directly (GBP)",
            "Through subcontracts (GBP)",
            "Share direct (%)",
            "Share direct and indirect (%)",
            "Target (%)",
            "Size unknown (GBP)",
        ],
        ["SMEs", "2000.00", "700.00", "100.00", "35.00", "40.00", "33.00", "600.00"],
        ["VCSEs", "2000.00", "200.00", "0.00", "10.00", "10.00", "", "600.00"],
    ]
    assert quarters[1:] == [
        ["2026-Q1", "1600.00", "43.75", "50.00", "0.00", "0.00"],
        ["2026-Q2", "400.00", "0.00", "0.00", "50.00", "50.00"],
    ]
    assert authorities[0][:2] == ["Authority", "Authority identifier"]
    assert authorities[1:] == [
        ["Shire County Council", "GB-TEST-SHIRE", "800.00", "12.50", "25.00", "25.00", "25.00"],
        ["Wessex Council", "GB-TEST-WESSEX", "1200.00", "50.00", "50.00", "0.00", "0.00"],
    ]


def test_filters_narrow_the_page_and_its_csv_alike(client, snapshot):
    query = {"region": "UKK", "quarter_from": "2026-Q1", "quarter_to": "2026-Q1"}
    response = client.get(reverse("insights:public"), query)

    assert table_rows(response, "table-shares") == [
        ["SMEs", "£400", "£100", "£100", "25.0%", "50.0%", "33.0%", "£0"],
        ["VCSEs", "£400", "£0", "£0", "0.0%", "0.0%", "No data", "£0"],
    ]
    assert table_rows(response, "table-authorities") == [
        ["Shire County Council", "GB-TEST-SHIRE", "£400", "25.0%", "50.0%", "0.0%", "0.0%"],
    ]
    html = response.content.decode()
    link = reverse("insights:download", args=["shares"])
    assert f'href="{link}?region=UKK&amp;quarter_from=2026-Q1&amp;quarter_to=2026-Q1"' in html
    shares = csv_rows(client.get(link, query))
    assert shares[1] == ["SMEs", "400.00", "100.00", "100.00", "25.00", "50.00", "33.00", "0.00"]


def test_wrong_filters_are_named_and_no_figure_is_shown(client, snapshot):
    response = client.get(
        reverse("insights:public"),
        {"quarter_from": "2026-Q2", "quarter_to": "2026-Q1", "region": "NOWHERE"},
    )

    page = text(response)
    assert "There is a problem" in page
    assert "The last quarter must be the same as or after the first" in page
    assert "Choose one of the region options listed" in page
    assert 'href="#id_quarter_to"' in response.content.decode()
    assert 'role="img"' not in response.content.decode()
    download = client.get(
        reverse("insights:download", args=["shares"]),
        {"quarter_from": "2026-Q2", "quarter_to": "2026-Q1"},
    )
    assert download.status_code == 400
    assert client.get(reverse("insights:download", args=["nothing"])).status_code == 404


def test_a_filter_with_no_spend_says_so(client, snapshot):
    response = client.get(reverse("insights:public"), {"cpv_division": "85", "region": "UKK"})

    assert "No spend has been published for these filters" in text(response)
    assert "No authority has spend for these filters" in text(response)


def test_the_authorities_list_turns_its_pages(client, snapshot_dir):
    data = rows()
    extra = [
        dict(data["payments"][0], buyer_id=f"GB-X-{n:02}", buyer_name=f"Council {n:02}")
        for n in range(25)
    ]
    write_snapshot(snapshot_dir, {**data, "payments": data["payments"] + extra})

    first = table_rows(client.get(reverse("insights:public")), "table-authorities")
    second = client.get(reverse("insights:public"), {"authorities": 2})

    assert len(first) == 20 and first[0][0] == "Council 00"
    assert [r[0] for r in table_rows(second, "table-authorities")] == [
        "Council 20",
        "Council 21",
        "Council 22",
        "Council 23",
        "Council 24",
        "Shire County Council",
        "Wessex Council",
    ]
    whole = csv_rows(client.get(reverse("insights:download", args=["authorities"])))
    assert len(whole) == 1 + 27


def test_a_hostile_name_opens_as_text_in_the_csv(client, snapshot_dir):
    data = rows(shire_name=HOSTILE_SUPPLIER)
    write_snapshot(snapshot_dir, data)

    authorities = csv_rows(client.get(reverse("insights:download", args=["authorities"])))

    names = [row[0] for row in authorities[1:]]
    assert "'" + HOSTILE_SUPPLIER in names
    assert not any(n.startswith(("=", "+", "-", "@")) for n in names)


# The buyer's dashboard -----------------------------------------------------------------------


@pytest.fixture
def shire(snapshot_dir):
    council = testing.buyer_org("Shire County Council")
    write_snapshot(snapshot_dir, rows(shire=platform_party_id(council)))
    return council


def test_a_buyer_sees_its_own_authority_only(client, shire):
    officer = testing.member(shire, Role.BUYER_OFFICER)
    client.force_login(officer, backend=BACKEND)

    response = client.get(reverse("insights:buyer"))

    assert response.status_code == 200
    assert platform_party_id(shire) in text(response)
    assert table_rows(response, "table-shares") == [
        ["SMEs", "£800", "£100", "£100", "12.5%", "25.0%", "33.0%", "£0"],
        ["VCSEs", "£800", "£200", "£0", "25.0%", "25.0%", "No data", "£0"],
    ]
    assert "Wessex" not in response.content.decode()
    assert 'name="authority"' not in response.content.decode()
    # Its CSV is its own too, whatever authority the query names.
    shares = csv_rows(
        client.get(
            reverse("insights:buyer_download", args=["shares"]), {"authority": "GB-TEST-WESSEX"}
        )
    )
    assert shares[1] == ["SMEs", "800.00", "100.00", "100.00", "12.50", "25.00", "33.00", "0.00"]


def test_the_buyer_dashboard_is_for_buyers_only(client, shire):
    assert client.get(reverse("insights:buyer")).status_code == 302  # to sign in
    _, supplier_user = testing.supplier_with_user("Acorn Care Ltd")
    client.force_login(supplier_user, backend=BACKEND)

    assert client.get(reverse("insights:buyer")).status_code == 404
    assert client.get(reverse("insights:buyer_download", args=["shares"])).status_code == 404


def test_a_buyer_with_nothing_published_is_told_so(client, snapshot):
    council = testing.buyer_org("Quiet Borough Council")
    client.force_login(testing.member(council, Role.BUYER_ADMIN), backend=BACKEND)

    response = client.get(reverse("insights:buyer"))

    assert "No spend has been published." in text(response)


# Access, red flags and re-lets ---------------------------------------------------------------

R003_WHY = (
    "5 days between the tender period's start and end in an open procedure; the minimum is 15 days"
)
RELET_WHY = (
    "re-let from Small Roads Ltd (SME) to Stafford Surfacing Ltd (SME): £20,000 a year less "
    "(was £100,000 a year, now £80,000)"
)


def test_access_shows_the_hand_worked_shares_of_bids_and_wins(client, snapshot):
    response = client.get(reverse("insights:public"))

    assert table_rows(response, "table-access") == [
        ["SMEs", "8", "3", "37.5%", "3", "3", "100.0%", "100.0%", "37.5%"],
        ["VCSEs", "8", "2", "25.0%", "3", "0", "0.0%", "0.0%", "37.5%"],
    ]
    assert table_rows(response, "table-categories") == [
        ["Services", "85", "1", "25.0%", "100.0%", "25.0%", "0.0%"],
        ["Works", "45", "2", "50.0%", "100.0%", "25.0%", "0.0%"],
    ]
    assert "SMEs made 37.5% of bids and won 100.0% of awards." in response.content.decode()
    assert csv_rows(client.get(reverse("insights:download", args=["access"])))[1:] == [
        ["SMEs", "8", "3", "37.50", "3", "3", "100.00", "100.00", "37.50"],
        ["VCSEs", "8", "2", "25.00", "3", "0", "0.00", "0.00", "37.50"],
    ]


def test_red_flags_link_to_each_procurement_and_say_why(client, snapshot):
    response = client.get(reverse("insights:public"))

    assert table_rows(response, "table-red-flags") == [
        [
            "Meals",
            "Imported",
            "Wessex Council",
            "R024: Price close to winning bid",
            "the second-lowest valid bid, £50,000, is 0% above the winning bid of £50,000; "
            "flagged at 2% or less",
        ],
        [
            "Meals",
            "Imported",
            "Wessex Council",
            "R028: Identical bid prices",
            "2 tenderers bid the same price, £50,000",
        ],
        [
            "Pothole repairs 2022-25",
            "levelfield",
            "Shire County Council",
            "R003: Short submission period",
            R003_WHY,
        ],
        [
            "Pothole repairs 2022-25",
            "levelfield",
            "Shire County Council",
            "R018: Single bid received",
            "1 tenderer bid in an open procedure",
        ],
    ]
    html = response.content.decode()
    assert (
        '<a class="govuk-link" href="/opportunities/SHIRE-1/">Pothole repairs 2022-25</a>' in html
    )
    assert f'<a class="govuk-link" href="{NOTICE}">Meals</a>' in html
    flags = csv_rows(client.get(reverse("insights:download", args=["red-flags"])))
    assert flags[0][:3] == ["Procurement", "OCID", "Link"]
    assert flags[3][:3] == ["Pothole repairs 2022-25", P1, "/opportunities/SHIRE-1/"]
    assert flags[3][8] == R003_WHY


def test_savings_from_a_relet_in_pounds(client, snapshot):
    response = client.get(reverse("insights:public"))

    assert table_rows(response, "table-relets") == [
        [
            "Pothole repairs 2025-28",
            "Shire County Council",
            "Small Roads Ltd",
            "Stafford Surfacing Ltd",
            "1 April 2025",
            "£100,000",
            "£80,000",
            "£20,000",
            "",
        ]
    ]
    relets = csv_rows(client.get(reverse("insights:download", args=["relets"])))
    assert relets[1][:3] == ["Pothole repairs 2025-28", "Shire County Council", "GB-TEST-SHIRE"]
    assert relets[1][7:11] == ["2025-04-01", "100000.00", "80000.00", "20000.00"]
    assert relets[1][12] == RELET_WHY
    # Chosen by when the new contract starts.
    later = client.get(reverse("insights:public"), {"quarter_from": "2025-Q3"})
    assert "No contract has been let again for these filters" in text(later)


def test_an_authority_filter_keeps_its_procurements_whole(client, snapshot):
    response = client.get(reverse("insights:public"), {"authority": "GB-TEST-SHIRE"})

    assert table_rows(response, "table-access")[0] == [
        "SMEs",
        "4",
        "2",
        "50.0%",
        "2",
        "2",
        "100.0%",
        "100.0%",
        "50.0%",
    ]
    assert [row[3] for row in table_rows(response, "table-red-flags")] == [
        "R003: Short submission period",
        "R018: Single bid received",
    ]
    # A quarter of the award keeps the procurement's bids made before it.
    q1 = client.get(
        reverse("insights:public"), {"quarter_from": "2025-Q1", "quarter_to": "2025-Q1"}
    )
    assert table_rows(q1, "table-access")[0][:4] == ["SMEs", "3", "1", "33.3%"]
    assert "No red flag has fired for these filters" in text(q1)


# A buyer's unit costs ------------------------------------------------------------------------


def test_a_buyer_sets_a_unit_cost_and_its_saving_reads_in_its_units(client, shire):
    client.force_login(testing.member(shire, Role.BUYER_OFFICER), backend=BACKEND)
    url = reverse("insights:unit_costs")

    refused = client.post(url, {"unit": "pothole repairs", "cost_per_unit": "0"})
    saved = client.post(
        url, {"label": "pothole", "unit": "pothole repairs", "cost_per_unit": "133.33"}
    )
    dashboard = client.get(reverse("insights:buyer"))

    assert refused.status_code == 422
    assert "Enter a CPV division or words the contracts" in text(refused)
    assert "Enter a cost per unit greater than £0" in text(refused)
    assert saved.status_code == 302
    assert table_rows(dashboard, "table-relets")[0][-1] == "about 150 pothole repairs a year"
    relets = csv_rows(client.get(reverse("insights:buyer_download", args=["relets"])))
    assert relets[1][11] == "about 150 pothole repairs a year"
    assert relets[1][12].endswith("; about 150 pothole repairs a year")
    listed = client.get(url)
    assert "titles with “pothole”" in text(listed)
    assert "£133.33" in text(listed)


def test_a_unit_cost_is_removed_by_its_buyer_only(client, shire):
    officer = testing.member(shire, Role.BUYER_OFFICER)
    client.force_login(officer, backend=BACKEND)
    client.post(
        reverse("insights:unit_costs"),
        {"cpv_division": "45", "unit": "repairs", "cost_per_unit": "10"},
    )
    cost = BuyerUnitCost.objects.get()
    remove = reverse("insights:remove_unit_cost", args=[cost.pk])
    other = testing.buyer_org("Wessex Council")
    client.force_login(testing.member(other, Role.BUYER_ADMIN), backend=BACKEND)

    assert client.post(remove).status_code == 404
    assert client.get(remove).status_code == 405
    client.force_login(officer, backend=BACKEND)
    assert client.post(remove).status_code == 302
    assert not BuyerUnitCost.objects.exists()


def test_a_buyer_finds_its_own_dashboard_from_the_public_one(client, shire):
    link = f'href="{reverse("insights:buyer")}"'
    assert link not in client.get(reverse("insights:public")).content.decode()

    client.force_login(testing.member(shire, Role.EVALUATOR), backend=BACKEND)

    assert link in client.get(reverse("insights:public")).content.decode()


def test_an_evaluator_reads_the_unit_costs_without_a_form_and_cannot_change_them(client, shire):
    client.force_login(testing.member(shire, Role.BUYER_ADMIN), backend=BACKEND)
    client.post(
        reverse("insights:unit_costs"),
        {"cpv_division": "45", "unit": "repairs", "cost_per_unit": "10"},
    )
    cost = BuyerUnitCost.objects.get()
    client.force_login(testing.member(shire, Role.EVALUATOR), backend=BACKEND)

    page = client.get(reverse("insights:unit_costs"))
    posted = client.post(
        reverse("insights:unit_costs"),
        {"cpv_division": "45", "unit": "repairs", "cost_per_unit": "99"},
    )
    removed = client.post(reverse("insights:remove_unit_cost", args=[cost.pk]))

    assert page.status_code == 200
    assert "£10.00" in text(page)
    assert "Set a unit cost" not in text(page) and "Remove" not in text(page)
    assert "admins and officers set its unit costs" in text(page)
    assert (posted.status_code, removed.status_code) == (403, 403)
    cost.refresh_from_db()
    assert str(cost.cost_per_unit) == "10.00"


def test_a_buyer_finds_its_insights_from_its_dashboard(client, shire):
    client.force_login(testing.member(shire, Role.EVALUATOR), backend=BACKEND)

    dashboard = client.get(reverse("tenders:dashboard"))

    assert reverse("insights:buyer") in dashboard.content.decode()
    assert client.get(reverse("insights:buyer")).status_code == 200
