"""Access: SME and VCSE share of bids and wins per tender and per category, and win rate
against bid rate, on a hand-built snapshot; the same on DuckDB and Spark."""

import ibis
import pytest

from levelfield.insights import access
from levelfield.insights.flags import execute
from levelfield.insights.tests import measures_data as data


@pytest.fixture(scope="module")
def duck():
    return ibis.duckdb.connect()


def by_category(con, tables=None):
    return execute(access.access_by_category(tables or data.access_snapshot()), con)


def test_works_smes_made_40_per_cent_of_bids_and_won_25_per_cent(duck):
    services, works = by_category(duck)
    assert (works["main_category"], works["cpv_division"]) == ("works", "45")
    # t1 and t2 publish 10 bids (S6's withdrawn bid is not one), 4 from SMEs, 1 from a VCSE;
    # 4 wins: S1 and L4 by their bids, L6 and L7 by the awards of t3 and t4 (S5's award is
    # pending, and t1's award is not counted again).
    assert {k: works[k] for k in ("tenders", "tenders_with_bids", "bids", "sme_bids")} == {
        "tenders": 4,
        "tenders_with_bids": 2,
        "bids": 10,
        "sme_bids": 4,
    }
    assert (works["vcse_bids"], works["sme_unknown_bids"]) == (1, 0)
    assert (works["wins"], works["sme_wins"], works["vcse_wins"]) == (4, 1, 0)
    assert (works["bid_wins"], works["sme_bid_wins"]) == (2, 1)
    assert works["sme_bid_share"] == pytest.approx(40.0)
    assert works["sme_win_share"] == pytest.approx(25.0)
    assert works["sme_win_to_bid"] == pytest.approx(0.625)
    assert works["vcse_bid_share"] == pytest.approx(10.0)
    assert works["vcse_win_share"] == pytest.approx(0.0)
    # Of 10 bids 2 won (20%); of 4 SME bids 1 won (25%).
    assert works["win_rate"] == pytest.approx(20.0)
    assert works["sme_win_rate"] == pytest.approx(25.0)


def test_a_tenderer_of_unknown_size_is_counted_apart(duck):
    services = by_category(duck)[0]
    assert (services["main_category"], services["cpv_division"]) == ("services", "85")
    assert (services["bids"], services["sme_bids"], services["sme_unknown_bids"]) == (3, 1, 1)
    assert services["sme_bid_share"] == pytest.approx(100 / 3)
    assert services["sme_win_share"] == pytest.approx(100.0)
    assert services["vcse_win_share"] == pytest.approx(100.0)
    assert services["sme_win_to_bid"] == pytest.approx(3.0)


def test_per_tender(duck):
    rows = {r["ocid"]: r for r in execute(access.access_by_tender(data.access_snapshot()), duck)}
    assert sorted(rows) == ["t1", "t2", "t3", "t4", "t5"]
    assert rows["t1"]["sme_bid_share"] == pytest.approx(40.0)
    assert rows["t1"]["sme_win_share"] == pytest.approx(100.0)
    assert rows["t2"]["sme_win_share"] == pytest.approx(0.0)
    # Bids not published: wins known, bid shares unknown (not 0).
    assert (rows["t3"]["bids"], rows["t3"]["wins"]) == (0, 1)
    assert rows["t3"]["sme_bid_share"] is None
    assert rows["t3"]["sme_win_share"] == pytest.approx(0.0)
    assert rows["t4"]["wins"] == 1


def test_overall(duck):
    (row,) = execute(access.access_overall(data.access_snapshot()), duck)
    assert (row["tenders"], row["bids"], row["sme_bids"], row["wins"], row["sme_wins"]) == (
        5,
        13,
        5,
        5,
        2,
    )
    assert row["sme_win_share"] == pytest.approx(40.0)


def test_spark_gives_the_same_shares(spark_con, duck, tmp_path):
    def plain(rows):
        return [{k: round(v, 9) if isinstance(v, float) else v for k, v in r.items()} for r in rows]

    on_spark = data.on(spark_con, data.access_snapshot(), tmp_path)
    assert plain(by_category(spark_con, on_spark)) == plain(by_category(duck))
    spark_tenders = execute(access.access_by_tender(on_spark), spark_con)
    duck_tenders = execute(access.access_by_tender(data.access_snapshot()), duck)
    assert plain(spark_tenders) == plain(duck_tenders)
