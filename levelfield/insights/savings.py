"""Savings: a re-let contract's change of supplier and its effect on annual cost, in pounds and
in the buyer's own units; cost per contract-year (and per outcome, where outcomes are known)
across comparable contracts.

A contract is an active award (AWARDS rows of one award, a consortium's members together) with
a value and a term: annual cost = value / contract years, the term in whole months (days from
contract_start to contract_end, both included, / 30.4375, rounded; at least 1) / 12, so 1 April
2022 to 31 March 2025 is 3 years whatever the leap days. Awards without a start, an end or a
value are left out.

A re-let: the same buyer (buyer_id) buys the same need again: the same CPV division, a later
award whose contract starts from RELET["starts_before_end_days"] days before the earlier
contract's end to RELET["starts_after_end_days"] days after it, and (when both have titles)
titles alike: normalised (lower case, letters only, so "Pothole repairs 2022-25" and "Pothole
repairs 2025-28" are the same) with a Levenshtein similarity of at least
RELET["title_similarity"]. Each earlier contract is paired with the first such later one, and
each later one with the latest earlier one.

Outcomes: the snapshot carries no outcome counts (OCDS has no standard field for them), so
cost per outcome needs a table of outcomes (e.g. the buyer's own figures); without it we give
cost per contract-year by CPV division, the comparison the data supports."""

import ibis

from .units import ABOUT_TENS_FROM, NOT_LETTERS
from .wording import pounds, whole

#: The matching rules, versioned with the code (see the module's doc).
RELET = {
    "starts_before_end_days": 180,
    "starts_after_end_days": 365,
    "title_similarity": 0.6,
}
DAYS_A_MONTH = 365.25 / 12
EPOCH = "1970-01-01"


def _day(d):
    return d.delta(ibis.date(EPOCH), unit="day").cast("int64")


def normalised_title(title):
    letters = title.lower().re_replace(NOT_LETTERS, " ").strip()
    return letters


def contracts(tables) -> ibis.Table:
    """One row per active award with a value and a term, with its annual cost."""
    a = tables["awards"]
    a = a.filter(
        a.award_status == "active",
        a.value.notnull(),
        a.contract_start.notnull(),
        a.contract_end.notnull(),
    )
    per = a.group_by("source", "ocid", "award_id").aggregate(
        buyer_id=a.buyer_id.max(),
        buyer_name=a.buyer_name.max(),
        title=a.title.max(),
        main_category=a.main_category.max(),
        cpv_division=a.cpv_division.max(),
        supplier_id=a.supplier_id.min(),
        supplier_name=a.supplier_name.min(),
        suppliers=a.count(),
        sme=a.sme.fill_null(False).all(),
        vcse=a.vcse.fill_null(False).all(),
        value=a.value.max(),
        award_date=a.award_date.max(),
        contract_start=a.contract_start.min(),
        contract_end=a.contract_end.max(),
    )
    per = per.mutate(start_day=_day(per.contract_start), end_day=_day(per.contract_end))
    per = per.filter(per.end_day > per.start_day)
    days = (per.end_day - per.start_day + 1).cast("float64")
    months = ibis.greatest((days / DAYS_A_MONTH).round(), 1)
    years = months.cast("float64") / 12
    per = per.mutate(years=years, title_norm=normalised_title(per.title.fill_null("")))
    return per.mutate(annual=per.value / per.years)


def _alike(a, b, similarity):
    longest = ibis.greatest(a.length(), b.length())
    score = 1 - a.levenshtein(b).cast("float64") / longest.nullif(0).cast("float64")
    return (a == "") | (b == "") | (score >= similarity)


def relets(tables, unit_costs: ibis.Table | None = None, rules=RELET) -> ibis.Table:
    """Each re-let: the earlier contract (before_*) and the later (after_*), whether the
    supplier changed, the annual cost before and after, annual_saving (before - after,
    negative when it costs more) and why in words; with `unit_costs` (buyer_id, cpv_division,
    label, unit, cost_per_unit: see unit_costs_table), the saving in the buyer's units."""
    c = contracts(tables)
    a = c.select(
        before_source=c.source,
        before_ocid=c.ocid,
        before_award_id=c.award_id,
        buyer_id=c.buyer_id,
        buyer_name=c.buyer_name,
        cpv_division=c.cpv_division,
        before_title=c.title,
        before_norm=c.title_norm,
        before_supplier_id=c.supplier_id,
        before_supplier=c.supplier_name,
        before_sme=c.sme,
        before_value=c.value,
        before_years=c.years,
        before_annual=c.annual,
        before_end=c.contract_end,
        before_end_day=c.end_day,
    )
    b = c.select(
        after_source=c.source,
        after_ocid=c.ocid,
        after_award_id=c.award_id,
        after_buyer_id=c.buyer_id,
        after_cpv_division=c.cpv_division,
        after_title=c.title,
        after_norm=c.title_norm,
        after_supplier_id=c.supplier_id,
        after_supplier=c.supplier_name,
        after_sme=c.sme,
        after_value=c.value,
        after_years=c.years,
        after_annual=c.annual,
        after_start=c.contract_start,
        after_start_day=c.start_day,
    )
    pairs = a.join(
        b,
        [
            a.buyer_id == b.after_buyer_id,
            a.cpv_division == b.after_cpv_division,
            a.before_ocid != b.after_ocid,
            b.after_start_day >= a.before_end_day - rules["starts_before_end_days"],
            b.after_start_day <= a.before_end_day + rules["starts_after_end_days"],
            _alike(a.before_norm, b.after_norm, rules["title_similarity"]),
        ],
    )
    first_after = ibis.row_number().over(
        group_by=[pairs.before_source, pairs.before_ocid, pairs.before_award_id],
        order_by=[pairs.after_start_day, pairs.after_ocid, pairs.after_award_id],
    )
    pairs = pairs.mutate(rank=first_after).filter(ibis._.rank == 0)
    last_before = ibis.row_number().over(
        group_by=[pairs.after_source, pairs.after_ocid, pairs.after_award_id],
        order_by=[ibis.desc(pairs.before_end_day), pairs.before_ocid, pairs.before_award_id],
    )
    pairs = pairs.mutate(rank=last_before).filter(ibis._.rank == 0)
    before_party = ibis.coalesce(pairs.before_supplier_id, pairs.before_supplier.lower())
    after_party = ibis.coalesce(pairs.after_supplier_id, pairs.after_supplier.lower())
    pairs = pairs.mutate(
        supplier_changed=before_party != after_party,
        annual_saving=pairs.before_annual - pairs.after_annual,
    )
    pairs = pairs.mutate(why=_why(pairs))
    pairs = pairs.drop("rank", "after_buyer_id", "after_cpv_division", "before_norm", "after_norm")
    if unit_costs is not None:
        pairs = _in_units(pairs, unit_costs)
    return pairs.order_by(["buyer_id", "before_end_day", "before_ocid"])


def _who(name, sme):
    return name.fill_null("an unnamed supplier") + ibis.ifelse(sme, " (SME)", "")


def _why(p):
    change = ibis.ifelse(
        p.supplier_changed,
        "from "
        + _who(p.before_supplier, p.before_sme)
        + " to "
        + _who(p.after_supplier, p.after_sme),
        "to the same supplier, " + _who(p.after_supplier, p.after_sme),
    )
    effect = ibis.ifelse(
        p.annual_saving.round() > 0,
        pounds(p.annual_saving) + " a year less",
        ibis.ifelse(
            p.annual_saving.round() < 0,
            pounds(-p.annual_saving) + " a year more",
            "the same a year",
        ),
    )
    return (
        "re-let "
        + change
        + ": "
        + effect
        + " (was "
        + pounds(p.before_annual)
        + " a year, now "
        + pounds(p.after_annual)
        + ")"
    )


def _about(n):
    """Rounded as people say it: to the nearest 10 from 100 up, else whole (units.about)."""
    return ibis.ifelse(n.abs() >= ABOUT_TENS_FROM, (n / 10).round() * 10, n.round())


def _in_units(pairs, unit_costs):
    u = unit_costs.select(
        u_buyer_id=unit_costs.buyer_id,
        u_cpv_division=unit_costs.cpv_division,
        u_label=normalised_title(unit_costs.label.fill_null("")),
        unit=unit_costs.unit,
        cost_per_unit=unit_costs.cost_per_unit.cast("float64"),
    )
    after_norm = normalised_title(pairs.after_title.fill_null(""))
    by_label = (u.u_label != "") & after_norm.contains(u.u_label)
    by_division = u.u_cpv_division.notnull() & (u.u_cpv_division == pairs.cpv_division)
    j = pairs.left_join(
        u, [pairs.buyer_id == u.u_buyer_id, by_label | by_division, u.cost_per_unit > 0]
    )
    # A cost set for the need's words beats one set for its whole CPV division.
    label_first = ibis.row_number().over(
        group_by=[j.before_source, j.before_ocid, j.before_award_id],
        order_by=[ibis.desc((j.u_label != "").cast("int64")), j.unit],
    )
    j = j.mutate(rank=label_first).filter(ibis._.rank == 0)
    units = _about(j.annual_saving / j.cost_per_unit)
    words = ibis.ifelse(
        units > 0,
        "; about " + whole(units) + " " + j.unit + " a year",
        ibis.ifelse(units < 0, "; about " + whole(-units) + " " + j.unit + " a year fewer", ""),
    )
    return j.mutate(
        units_a_year=units,
        why=j.why + ibis.ifelse(j.cost_per_unit.isnull(), "", words),
    ).drop("rank", "u_buyer_id", "u_cpv_division", "u_label")


def cost_per_contract_year(tables, by=("cpv_division",)) -> ibis.Table:
    """Across comparable contracts (grouped by `by`): how many, their total value and years,
    cost per contract-year (total value / total years) and the lowest, mean and highest
    annual cost."""
    c = contracts(tables)
    g = c.group_by(list(by)).aggregate(
        contracts=c.count(),
        total_value=c.value.sum(),
        contract_years=c.years.sum(),
        lowest_annual=c.annual.min(),
        mean_annual=c.annual.mean(),
        highest_annual=c.annual.max(),
    )
    g = g.mutate(cost_per_contract_year=g.total_value / g.contract_years)
    return g.order_by(list(by))


def cost_per_outcome(tables, outcomes: ibis.Table, by=("cpv_division",)) -> ibis.Table:
    """With `outcomes` (source, ocid, award_id, outcomes_a_year, unit: the outcomes a
    contract delivers a year, from outside the snapshot): annual cost / outcomes per contract,
    and per group of `by` and unit the total annual cost / total outcomes a year."""
    c = contracts(tables)
    j = c.join(outcomes, ["source", "ocid", "award_id"])
    j = j.filter(j.outcomes_a_year > 0)
    g = j.group_by([*by, "unit"]).aggregate(
        contracts=j.count(),
        annual=j.annual.sum(),
        outcomes_a_year=j.outcomes_a_year.sum(),
        lowest=(j.annual / j.outcomes_a_year).min(),
        highest=(j.annual / j.outcomes_a_year).max(),
    )
    g = g.mutate(cost_per_outcome=g.annual / g.outcomes_a_year)
    return g.order_by([*by, "unit"])


def unit_costs_table(rows) -> ibis.Table:
    """The buyers' unit costs (dicts with buyer_id, cpv_division, label, unit,
    cost_per_unit) as a table relets() joins."""
    import pyarrow as pa

    schema = pa.schema(
        [
            ("buyer_id", pa.string()),
            ("cpv_division", pa.string()),
            ("label", pa.string()),
            ("unit", pa.string()),
            ("cost_per_unit", pa.float64()),
        ]
    )
    data = [{name: row.get(name) for name in schema.names} for row in rows]
    for row in data:
        if row["cost_per_unit"] is not None:
            row["cost_per_unit"] = float(row["cost_per_unit"])
    return ibis.memtable(pa.Table.from_pylist(data, schema=schema))


def relet_rows(con=None, tables=None, unit_costs=None) -> list[dict]:
    """relets on the snapshot (engine.py), in the buyers' units where they have set them
    (`unit_costs`: rows as unit_costs_table takes; by default the BuyerUnitCost store)."""
    from . import engine
    from .flags import execute

    con = con if con is not None else engine.connect()
    tables = tables if tables is not None else engine.tables(con)
    if unit_costs is None:
        unit_costs = stored_unit_costs()
    return execute(relets(tables, unit_costs_table(unit_costs)), con)


def stored_unit_costs() -> list[dict]:
    """The unit costs buyers have set (BuyerUnitCost), as rows for unit_costs_table."""
    from .models_unit_costs import BuyerUnitCost

    fields = ("buyer_id", "cpv_division", "label", "unit", "cost_per_unit")
    rows = BuyerUnitCost.objects.values(*fields)
    # A blank division or label is "none" (null) to the expression.
    return [{k: (v if v != "" else None) for k, v in row.items()} for row in rows]
