"""The SME and VCSE share of spend on DuckDB, on a hand-built snapshot (share_data.py) whose
answers are written there."""

import pyarrow as pa
import pytest

from levelfield.insights import engine, measures

from . import share_data


@pytest.fixture
def t(tmp_path):
    return engine.tables(engine.connect("duckdb"), str(share_data.write(tmp_path / "snap")))


def rows(expr):
    return share_data.rounded(measures.rows(expr))


def test_sme_share_by_buyer_direct_indirect_and_awarded_against_the_target(t, settings):
    settings.LEVELFIELD_INSIGHTS_TARGETS = {"sme": 33, "vcse": None}

    assert rows(measures.spend_share(t, by=["buyer"], kind="sme")) == share_data.rounded(
        share_data.SME_BY_BUYER
    )


def test_vcse_share_by_quarter_without_a_target(t, settings):
    settings.LEVELFIELD_INSIGHTS_TARGETS = {"sme": 33, "vcse": None}

    assert rows(measures.spend_share(t, by=["quarter"], kind="vcse")) == share_data.rounded(
        share_data.VCSE_BY_QUARTER
    )


def test_the_target_comes_from_settings(t, settings):
    settings.LEVELFIELD_INSIGHTS_TARGETS = {"sme": 25, "vcse": 7.5}

    assert {r["target"] for r in rows(measures.spend_share(t, kind="sme"))} == {25.0}
    assert {r["target"] for r in rows(measures.spend_share(t, kind="vcse"))} == {7.5}


def test_by_every_dimension_and_by_none(t):
    every = rows(measures.spend_share(t, by=["buyer", "cpv_division", "region", "quarter"]))
    assert [
        (r["buyer_id"], r["cpv_division"], r["region"], r["quarter"], r["spend"]) for r in every
    ] == [
        ("B1", "45", "UKF", "2026-Q1", 400.0),
        ("B1", "45", "UKF", "2026-Q2", 300.0),
        ("B2", "85", "UKE", "2026-Q1", 1500.0),
        ("B2", "85", "UKE", "2026-Q2", 0.0),  # an award and a subcontract, no payment
    ]
    assert every[3]["share_direct"] is None  # nothing paid: no share, not 0%

    (whole,) = rows(measures.spend_share(t, kind="sme"))
    assert (whole["spend"], whole["spend_kind"], whole["indirect_kind"]) == (2200.0, 900.0, 60.0)
    assert whole["share_total"] == round(960 * 100 / 2200, 9)


def test_by_region_and_cpv_division(t):
    by_region = rows(measures.spend_share(t, by=["region"], kind="sme"))
    assert [(r["region"], r["share_direct"]) for r in by_region] == [
        ("UKE", round(100 / 3, 9)),
        ("UKF", round(400 * 100 / 700, 9)),
    ]
    by_cpv = rows(measures.spend_share(t, by=["cpv_division"], kind="sme"))
    assert [(r["cpv_division"], r["spend"]) for r in by_cpv] == [("45", 700.0), ("85", 1500.0)]


def test_sources_and_buyers_can_be_chosen(t):
    (spend_only,) = rows(measures.spend_share(t, kind="sme", sources=["spend"]))
    assert (spend_only["spend"], spend_only["awarded"]) == (1500.0, 0.0)

    (leeds,) = rows(measures.spend_share(t, by=["buyer"], kind="sme", buyer_ids=["B2"]))
    assert leeds["buyer_name"] == "Leeds" and leeds["spend"] == 1500.0


def test_columns_and_the_runner_gives_arrow(t):
    expr = measures.spend_share(t, by=["buyer", "quarter"], kind="sme")
    assert expr.columns == ("buyer_id", "quarter", "buyer_name", *measures.SHARE_COLUMNS)
    table = measures.run(expr)
    assert isinstance(table, pa.Table) and table.num_rows == 4


def test_unknown_dimension_or_kind_is_refused(t):
    with pytest.raises(ValueError, match="unknown dimension"):
        measures.spend_share(t, by=["supplier"])
    with pytest.raises(ValueError, match="unknown kind"):
        measures.spend_share(t, kind="large")


def test_both_kinds_at_once_give_each_kind_s_rows(t, settings):
    settings.LEVELFIELD_INSIGHTS_TARGETS = {"sme": 33, "vcse": None}

    both = rows(measures.spend_shares(t, by=["quarter"], kinds=["vcse", "sme"]))

    vcse = share_data.rounded(share_data.VCSE_BY_QUARTER)
    sme = rows(measures.spend_share(t, by=["quarter"], kind="sme"))
    assert both == [vcse[0], sme[0], vcse[1], sme[1]]
    (whole_sme, whole_vcse) = rows(measures.spend_shares(t))
    assert (whole_sme["kind"], whole_vcse["kind"]) == ("sme", "vcse")
