"""The insights API on the hand-built snapshot (dashboard_data.py): each measure answers the
numbers worked out by hand there, the same as the dashboards' tables and CSV; filters are
checked by the same rule; a buyer's endpoints are its own and need a buyer; unit costs make a
re-let's saving read in the buyer's units."""

import pytest

from levelfield.accounts.models import Role
from levelfield.core.ocds import platform_party_id
from tests.support import testing

from .dashboard_data import P1, rows, standard_snapshot, write_snapshot

pytestmark = pytest.mark.django_db

BACKEND = "django.contrib.auth.backends.ModelBackend"
API = "/api/insights"


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


def test_share_of_spend_answers_the_hand_worked_figures(client, snapshot):
    body = client.get(f"{API}/share-of-spend").json()

    assert body["sme"] == {
        "kind": "sme",
        "spend": "2000.00",
        "spend_kind": "700.00",
        "indirect_kind": "100.00",
        "spend_unknown": "600.00",
        "share_direct": "35.00",
        "share_total": "40.00",
        "awarded": "590000.00",
        "awarded_kind": "590000.00",
        "share_awarded": "100.00",
        "target": "33.00",
        "meets_target": True,
    }
    assert (body["vcse"]["share_direct"], body["vcse"]["target"]) == ("10.00", None)
    assert body["snapshot_written_at"] is not None


def test_share_by_quarter_and_by_authority_are_pages(client, snapshot):
    quarters = client.get(f"{API}/share-of-spend/by-quarter").json()
    authorities = client.get(f"{API}/share-of-spend/by-authority", {"limit": 1}).json()

    assert quarters["count"] == 2
    assert [
        (q["key"], q["sme"]["share_direct"], q["sme"]["share_total"], q["vcse"]["share_total"])
        for q in quarters["items"]
    ] == [("2026-Q1", "43.75", "50.00", "0.00"), ("2026-Q2", "0.00", "0.00", "50.00")]
    assert authorities["count"] == 2
    [shire] = authorities["items"]
    assert (shire["key"], shire["name"], shire["sme"]["share_total"]) == (
        "GB-TEST-SHIRE",
        "Shire County Council",
        "25.00",
    )


def test_filters_narrow_as_on_the_page(client, snapshot):
    query = {"region": "UKK", "quarter_from": "2026-Q1", "quarter_to": "2026-Q1"}

    sme = client.get(f"{API}/share-of-spend", query).json()["sme"]

    assert (sme["spend"], sme["share_direct"], sme["share_total"]) == ("400.00", "25.00", "50.00")


def test_wrong_filters_are_refused_with_the_reason(client, snapshot):
    backwards = client.get(
        f"{API}/share-of-spend", {"quarter_from": "2026-Q2", "quarter_to": "2026-Q1"}
    )
    badly = client.get(f"{API}/red-flags", {"cpv_division": "4", "quarter_from": "2026-1"})

    assert backwards.status_code == 422
    assert backwards.json()["code"] == "validation_error"
    assert "The last quarter must be the same as or after the first" in backwards.json()["message"]
    assert badly.status_code == 422
    assert {d.split(":")[0] for d in badly.json()["details"]} >= {"cpv_division", "quarter_from"}


def test_access_answers_the_shares_of_bids_and_wins(client, snapshot):
    body = client.get(f"{API}/access").json()
    shire = client.get(f"{API}/access", {"authority": "GB-TEST-SHIRE"}).json()
    categories = client.get(f"{API}/access/by-category").json()

    assert body["sme"] == {
        "kind": "sme",
        "bids": 8,
        "bids_kind": 3,
        "wins": 3,
        "wins_kind": 3,
        "bid_share": "37.50",
        "win_share": "100.00",
        "win_rate": "100.00",
        "win_rate_all": "37.50",
        "win_to_bid": "2.67",
    }
    assert (body["vcse"]["bid_share"], body["vcse"]["win_share"]) == ("25.00", "0.00")
    assert (shire["sme"]["bids"], shire["sme"]["bid_share"]) == (4, "50.00")
    assert [(c["main_category"], c["cpv_division"], c["tenders"]) for c in categories["items"]] == [
        ("services", "85", 1),
        ("works", "45", 2),
    ]


def test_red_flags_say_why_and_link_to_the_procurement(client, snapshot):
    body = client.get(f"{API}/red-flags").json()

    assert body["count"] == 4
    assert [(f["ocid"], f["code"]) for f in body["items"]] == [
        ("ocds-b5fd17-W3", "R024"),
        ("ocds-b5fd17-W3", "R028"),
        (P1, "R003"),
        (P1, "R018"),
    ]
    short = body["items"][2]
    assert short["why"] == (
        "5 days between the tender period's start and end in an open procedure; the minimum "
        "is 15 days"
    )
    assert short["link"] == "/opportunities/SHIRE-1/"
    page = client.get(f"{API}/red-flags", {"limit": 2, "offset": 3}).json()
    assert [f["code"] for f in page["items"]] == ["R018"]


def test_relets_give_the_saving_in_pounds(client, snapshot):
    [relet] = client.get(f"{API}/relets").json()["items"]

    assert relet["before_supplier"] == "Small Roads Ltd"
    assert relet["after_supplier"] == "Stafford Surfacing Ltd"
    assert relet["after_start"] == "2025-04-01"
    assert (relet["before_annual"], relet["after_annual"], relet["annual_saving"]) == (
        "100000.00",
        "80000.00",
        "20000.00",
    )
    assert relet["units_a_year"] is None


def test_before_any_snapshot_every_figure_is_empty(client, snapshot_dir):
    body = client.get(f"{API}/share-of-spend").json()

    assert body["snapshot_written_at"] is None
    assert (body["sme"]["spend"], body["sme"]["share_total"]) == ("0.00", None)
    assert client.get(f"{API}/red-flags").json() == {"items": [], "count": 0}


# A buyer's own -------------------------------------------------------------------------------


@pytest.fixture
def shire(snapshot_dir):
    council = testing.buyer_org("Shire County Council")
    write_snapshot(snapshot_dir, rows(shire=platform_party_id(council)))
    return council


def test_a_buyer_reads_its_own_figures_and_sets_a_unit_cost(client, shire):
    client.force_login(testing.member(shire, Role.BUYER_OFFICER), backend=BACKEND)

    sme = client.get(f"{API}/buyer/share-of-spend", {"authority": "GB-TEST-WESSEX"}).json()
    flags = client.get(f"{API}/buyer/red-flags").json()
    set_cost = client.post(
        f"{API}/buyer/unit-costs",
        {"label": "pothole", "unit": "pothole repairs", "cost_per_unit": "133.33"},
        content_type="application/json",
    )
    [relet] = client.get(f"{API}/buyer/relets").json()["items"]

    assert (sme["sme"]["spend"], sme["sme"]["share_total"]) == ("800.00", "25.00")
    assert [f["code"] for f in flags["items"]] == ["R003", "R018"]
    assert set_cost.status_code == 200, set_cost.content
    assert set_cost.json()["cost_per_unit"] == "133.33"
    assert (relet["units_a_year"], relet["unit"]) == (150, "pothole repairs")
    assert relet["why"].endswith("; about 150 pothole repairs a year")
    listed = client.get(f"{API}/buyer/unit-costs").json()
    assert [c["unit"] for c in listed["items"]] == ["pothole repairs"]


def test_a_unit_cost_is_refused_with_each_reason(client, shire):
    client.force_login(testing.member(shire, Role.BUYER_ADMIN), backend=BACKEND)

    response = client.post(
        f"{API}/buyer/unit-costs",
        {"unit": "repairs", "cost_per_unit": "10"},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_unit_cost"
    assert response.json()["details"] == [
        "label: Enter a CPV division or words the contracts' titles contain"
    ]


def test_another_buyers_unit_cost_cannot_be_removed(client, shire):
    client.force_login(testing.member(shire, Role.BUYER_ADMIN), backend=BACKEND)
    cost = client.post(
        f"{API}/buyer/unit-costs",
        {"cpv_division": "45", "unit": "repairs", "cost_per_unit": "10"},
        content_type="application/json",
    ).json()
    other = testing.buyer_org("Wessex Council")
    client.force_login(testing.member(other, Role.BUYER_ADMIN), backend=BACKEND)

    assert client.delete(f"{API}/buyer/unit-costs/{cost['id']}").status_code == 404
    client.force_login(testing.member(shire, Role.BUYER_ADMIN), backend=BACKEND)
    assert client.delete(f"{API}/buyer/unit-costs/{cost['id']}").status_code == 204
    assert client.get(f"{API}/buyer/unit-costs").json()["count"] == 0


def test_the_buyer_endpoints_need_a_buyer(client, shire):
    assert client.get(f"{API}/buyer/share-of-spend").status_code == 401
    _, supplier_user = testing.supplier_with_user("Acorn Care Ltd")
    client.force_login(supplier_user, backend=BACKEND)

    response = client.get(f"{API}/buyer/red-flags")

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_an_evaluator_reads_the_unit_costs_but_cannot_set_or_remove_one(client, shire):
    client.force_login(testing.member(shire, Role.BUYER_ADMIN), backend=BACKEND)
    cost = client.post(
        f"{API}/buyer/unit-costs",
        {"cpv_division": "45", "unit": "repairs", "cost_per_unit": "10"},
        content_type="application/json",
    ).json()
    client.force_login(testing.member(shire, Role.EVALUATOR), backend=BACKEND)

    listed = client.get(f"{API}/buyer/unit-costs")
    set_cost = client.post(
        f"{API}/buyer/unit-costs",
        {"cpv_division": "45", "unit": "repairs", "cost_per_unit": "99"},
        content_type="application/json",
    )
    removed = client.delete(f"{API}/buyer/unit-costs/{cost['id']}")

    assert [c["cost_per_unit"] for c in listed.json()["items"]] == ["10.00"]
    assert (set_cost.status_code, set_cost.json()["code"]) == (403, "forbidden")
    assert (removed.status_code, removed.json()["code"]) == (403, "forbidden")
    assert client.get(f"{API}/buyer/unit-costs").json()["count"] == 1
