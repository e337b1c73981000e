"""Savings: re-let contracts with their change of supplier and annual cost in pounds and in
the buyer's units; cost per contract-year and per outcome; the same on DuckDB and Spark."""

from datetime import date

import ibis
import pyarrow as pa
import pytest

from levelfield.insights import savings
from levelfield.insights.flags import execute
from levelfield.insights.tests import measures_data as data


@pytest.fixture(scope="module")
def duck():
    return ibis.duckdb.connect()


def relets(con, tables=None, unit_costs=data.UNIT_COSTS):
    expr = savings.relets(tables or data.savings_snapshot(), savings.unit_costs_table(unit_costs))
    return execute(expr, con)


def test_derby_re_lets_its_pothole_repairs_to_an_sme_for_about_150_repairs_a_year(duck):
    derby, shire = relets(duck)
    assert (derby["buyer_id"], derby["before_ocid"], derby["after_ocid"]) == (
        data.DERBY,
        "c1",
        "c2",
    )
    assert derby["supplier_changed"] is True
    assert (derby["before_supplier"], derby["after_supplier"]) == (
        "Big Roads plc",
        "Stafford Patching Ltd",
    )
    assert (derby["before_sme"], derby["after_sme"]) == (False, True)
    # 1,800,000 over 3 years; 1,741,500 over 3 years (2028's leap day makes it no longer).
    assert derby["before_years"] == 3.0
    assert derby["after_years"] == 3.0
    assert derby["before_annual"] == pytest.approx(600_000)
    assert derby["after_annual"] == pytest.approx(580_500)
    assert derby["annual_saving"] == pytest.approx(19_500)
    assert derby["units_a_year"] == 150
    assert derby["unit"] == "pothole repairs"
    assert derby["why"] == (
        "re-let from Big Roads plc to Stafford Patching Ltd (SME): £19,500 a year less "
        "(was £600,000 a year, now £580,500); about 150 pothole repairs a year"
    )


def test_a_re_let_to_the_same_supplier_that_costs_more(duck):
    shire = relets(duck)[1]
    assert (shire["before_ocid"], shire["after_ocid"]) == ("c6", "c7")
    assert shire["supplier_changed"] is False
    # 300,000 over 3 years, then 240,000 over 2.
    assert shire["annual_saving"] == pytest.approx(-20_000)
    assert shire["units_a_year"] is None  # Shire has set no unit cost
    assert shire["why"] == (
        "re-let to the same supplier, Green Ltd: £20,000 a year more "
        "(was £100,000 a year, now £120,000)"
    )


def test_not_a_re_let_another_need_another_buyer_or_too_late(duck):
    pairs = {(r["before_ocid"], r["after_ocid"]) for r in relets(duck)}
    # Derby's gritting (same division, same start as c2) is another need; Shire's potholes
    # are another buyer's.
    assert pairs == {("c1", "c2"), ("c6", "c7")}
    late = [
        {**row, "contract_start": date(2026, 6, 1)} if row["ocid"] == "c2" else row
        for row in data.SAVINGS_AWARDS
    ]
    pairs = {(r["before_ocid"], r["after_ocid"]) for r in relets(duck, data.snapshot(late))}
    assert pairs == {("c6", "c7")}


def test_a_unit_cost_set_for_the_need_beats_one_for_the_division(duck):
    costs = [
        *data.UNIT_COSTS,
        {
            "buyer_id": data.DERBY,
            "cpv_division": None,
            "label": "Pothole",
            "unit": "potholes filled",
            "cost_per_unit": 65,
        },
    ]
    derby = relets(duck, unit_costs=costs)[0]
    assert derby["units_a_year"] == 300
    assert derby["why"].endswith("; about 300 potholes filled a year")


def test_cost_per_contract_year_by_division(duck):
    works, grounds = execute(savings.cost_per_contract_year(data.savings_snapshot()), duck)
    # 45: c1, c2, c4 (1 year), c5 (2 years); c8 has no term and is left out.
    assert (works["cpv_division"], works["contracts"], works["contract_years"]) == ("45", 4, 9.0)
    assert works["total_value"] == pytest.approx(4_241_500)
    assert works["cost_per_contract_year"] == pytest.approx(4_241_500 / 9)
    assert (works["lowest_annual"], works["highest_annual"]) == (200_000, 600_000)
    assert works["mean_annual"] == pytest.approx(407_625)
    assert (grounds["cpv_division"], grounds["contracts"]) == ("77", 2)
    assert grounds["cost_per_contract_year"] == pytest.approx(108_000)


def outcomes():
    return ibis.memtable(
        pa.Table.from_pylist(
            [
                {
                    "source": "imported",
                    "ocid": "c1",
                    "award_id": "c1-award",
                    "outcomes_a_year": 4000.0,
                    "unit": "pothole repairs",
                },
                {
                    "source": "imported",
                    "ocid": "c2",
                    "award_id": "c2-award",
                    "outcomes_a_year": 4300.0,
                    "unit": "pothole repairs",
                },
            ]
        )
    )


def test_cost_per_outcome_where_outcomes_are_known(duck):
    (row,) = execute(savings.cost_per_outcome(data.savings_snapshot(), outcomes()), duck)
    assert (row["cpv_division"], row["unit"], row["contracts"]) == ("45", "pothole repairs", 2)
    assert row["cost_per_outcome"] == pytest.approx(1_180_500 / 8_300)
    assert (row["lowest"], row["highest"]) == (pytest.approx(135), pytest.approx(150))


def test_spark_gives_the_same_savings(spark_con, duck, tmp_path):
    def plain(rows):
        return [{k: round(v, 6) if isinstance(v, float) else v for k, v in r.items()} for r in rows]

    on_spark = data.on(spark_con, data.savings_snapshot(), tmp_path)
    assert plain(relets(spark_con, on_spark)) == plain(relets(duck))
    spark_years = execute(savings.cost_per_contract_year(on_spark), spark_con)
    duck_years = execute(savings.cost_per_contract_year(data.savings_snapshot()), duck)
    assert plain(spark_years) == plain(duck_years)
