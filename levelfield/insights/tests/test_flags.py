"""Red flags (Cardinal's indicators) on a hand-built snapshot: each fires where it should and
nowhere else, saying why with its numbers; the same on DuckDB and Spark."""

import ibis
import pytest

from levelfield.insights import cardinal, flags
from levelfield.insights.tests import measures_data as data

EXPECTED = [
    (
        "imported",
        "o2",
        "R018",
        "1 tenderer bid in an open procedure",
    ),
    (
        "imported",
        "o3",
        "R035",
        "2 other tenderers had their bids disqualified; only the bid of W Ltd was valid, and "
        "it won",
    ),
    (
        "imported",
        "o3",
        "R036",
        "the lowest bid, £70,000, was disqualified; the lowest bid not disqualified was £80,000",
    ),
    (
        "imported",
        "o5",
        "R024",
        "the second-lowest valid bid, £60,000, is 0% above the winning bid of £60,000; "
        "flagged at 2% or less",
    ),
    ("imported", "o5", "R028", "2 tenderers bid the same price, £60,000"),
    (
        "imported",
        "o6",
        "R030",
        "the winning bid of F Ltd was received 2 days after the submission deadline",
    ),
    (
        "imported",
        "o7",
        "R058",
        "the second-lowest valid bid, £180,000, is 80% above the winning bid of £100,000; "
        "flagged at 50% or more",
    ),
    (
        "imported",
        "o8",
        "R035",
        "2 other tenderers had their bids disqualified; only the bid of J Ltd was valid, and "
        "it won",
    ),
    (
        "imported",
        "o8",
        "R038",
        "the buyer disqualified 3 of 6 bids (50%) across 2 procurements; the threshold is 50%; "
        "here 2 of 3 bids were disqualified",
    ),
    (
        "imported",
        "o9",
        "R038",
        "the buyer disqualified 3 of 6 bids (50%) across 2 procurements; the threshold is 50%; "
        "here 1 of 3 bids was disqualified",
    ),
    (
        "platform",
        "ocds-lvlfld-T-1",
        "R003",
        "2 days between the tender period's start and end in an open procedure; the minimum "
        "is 15 days",
    ),
    (
        "platform",
        "ocds-lvlfld-T-1",
        "R024",
        "the second-lowest valid bid, £101,000, is 1% above the winning bid of £100,000; "
        "flagged at 2% or less",
    ),
]


def fired(con, snapshot=None, **kwargs):
    expr = flags.red_flags(snapshot or data.flag_snapshot(), ocid_prefix="ocds-lvlfld", **kwargs)
    return flags.execute(expr, con)


@pytest.fixture(scope="module")
def duck():
    return ibis.duckdb.connect()


def test_each_flag_fires_where_it_should_and_nowhere_else_saying_why(duck):
    rows = fired(duck)
    assert [(r["source"], r["ocid"], r["code"], r["why"]) for r in rows] == EXPECTED


def test_a_flag_carries_its_title_buyer_value_version_and_link(duck):
    rows = {(r["ocid"], r["code"]): r for r in fired(duck)}
    short = rows["ocds-lvlfld-T-1", "R003"]
    assert short["title"] == "Short submission period"
    assert short["buyer_id"] == data.DERBY
    assert short["buyer_name"] == "Derby City Council"
    assert short["procurement"] == "Resurfacing"
    assert short["value"] == 2
    assert short["version"] == cardinal.CURRENT
    # Ours link to the public tender page; imported to the notice, else none (show the ocid).
    assert short["link"] == "/opportunities/T-1/"
    assert rows["o2", "R018"]["link"] == data.NOTICE
    assert rows["o3", "R035"]["link"] is None
    assert rows["o3", "R035"]["value"] == 2
    assert rows["o8", "R038"]["value"] == 0.5
    assert rows["o7", "R058"]["value"] == pytest.approx(0.8)


def test_every_indicator_has_its_function_and_cardinal_title():
    indicators = cardinal.indicators()
    assert set(indicators) == set(flags.FUNCTIONS)
    assert indicators["R035"].title == "All except winning bid disqualified"
    assert indicators["R018"].title == "Single bid received"


def test_thresholds_come_from_the_version_chosen(duck, monkeypatch):
    strict = dict(cardinal.VERSIONS[cardinal.CURRENT])
    strict["R003"] = cardinal.Indicator(
        "R003",
        "Short submission period",
        "",
        {"minimum_days": 20, "procurement_methods": ("open",)},
    )
    monkeypatch.setitem(cardinal.VERSIONS, "test", strict)
    rows = fired(duck, version="test", codes={"R003"})
    # o6 (19 days) now fires too; o2 (20 days) and o5 (30) still do not.
    assert [(r["ocid"], r["why"], r["version"]) for r in rows] == [
        (
            "o6",
            "19 days between the tender period's start and end in an open procedure; the "
            "minimum is 20 days",
            "test",
        ),
        (
            "ocds-lvlfld-T-1",
            "2 days between the tender period's start and end in an open procedure; the "
            "minimum is 20 days",
            "test",
        ),
    ]


def test_a_pending_award_keeps_a_process_out_of_all_but_the_winner_disqualified(duck):
    awards = [*data.FLAG_AWARDS]
    awards.append(data.award("o3", data.SHIRE, "Y Ltd", award_id="o3-2", award_status="pending"))
    rows = fired(duck, data.snapshot(awards, data.FLAG_BIDS), codes={"R035"})
    assert [r["ocid"] for r in rows] == ["o8"]


def test_counts_of_flags_by_code(duck):
    rows = flags.execute(flags.flag_counts(data.flag_snapshot(), by=("code",)), duck)
    assert {r["code"]: r["procurements"] for r in rows} == {
        "R003": 1,
        "R018": 1,
        "R024": 2,
        "R028": 1,
        "R030": 1,
        "R035": 2,
        "R036": 1,
        "R038": 2,
        "R058": 1,
    }


def test_spark_gives_the_same_flags(spark_con, duck, tmp_path):
    def plain(rows):
        return [{**r, "value": round(r["value"], 9)} for r in rows]

    on_spark = data.on(spark_con, data.flag_snapshot(), tmp_path)
    assert plain(fired(spark_con, on_spark)) == plain(fired(duck))


def test_an_award_to_a_consortium_keeps_a_process_out_of_the_price_gaps(duck):
    # Cardinal leaves out of R024 and R058 an award made to more than one supplier.
    awards = [*data.FLAG_AWARDS, data.award("o7", data.DERBY, "Partner Ltd")]
    rows = fired(duck, data.snapshot(awards, data.FLAG_BIDS), codes={"R024", "R058"})
    assert [(r["ocid"], r["code"]) for r in rows] == [
        ("o5", "R024"),
        ("ocds-lvlfld-T-1", "R024"),
    ]
