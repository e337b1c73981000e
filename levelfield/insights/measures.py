"""The SME and VCSE share of spend, as Ibis expressions over the snapshot tables (tables.py).

Written once, run on DuckDB or Spark (engine.py): no SQL strings, no pandas. `spend_share`
builds the expression; `run` or `rows` executes it.

What counts (the same rules as the Cabinet Office's SME spend measure, on published data):
- Direct spend is PAYMENTS: OCDS contract transactions (ours and imported) and spend file
  lines. A payment counts for SMEs (VCSEs) when its supplier is published or matched as one.
  Payments whose supplier's status is unknown stay in the total (the target is a share of all
  spend) and are shown apart as `spend_unknown`.
- Indirect spend is SUBCONTRACTS: the value a prime passes to an SME (VCSE) subcontractor, in
  the quarter of the subcontract's date, counted only when the prime is not itself an SME
  (VCSE) on that process (its payments are already direct spend to one).
- Contract value is AWARDS, apart from spend: `awarded` and `awarded_kind` (the awards' value
  in the quarter of the award date; an award to several suppliers shares its value equally
  among them, so it counts once and an SME member counts for its part), so a buyer with no published
  payments still shows what it has let. Award value is never added to spend: a contract's
  value is what may be paid over its term, not what was paid in a quarter.

Shares are per cent, null where there is nothing to divide by; `target` is the setting
LEVELFIELD_INSIGHTS_TARGETS[kind] (null for no target)."""

from collections import OrderedDict
from collections.abc import Iterable, Sequence
from functools import lru_cache

import ibis
import pyarrow as pa
from django.conf import settings

KINDS = ("sme", "vcse")

#: The dimensions a measure can be grouped by, and the columns each brings.
DIMENSIONS: dict[str, tuple[str, ...]] = {
    "buyer": ("buyer_id",),  # buyer_name comes along as an aggregate
    "cpv_division": ("cpv_division",),
    "region": ("region",),
    "quarter": ("quarter",),
}

#: The columns of a spend share, after the grouping columns, in order.
SHARE_COLUMNS = (
    "kind",
    "spend",
    "spend_kind",
    "spend_unknown",
    "indirect_kind",
    "share_direct",
    "share_total",
    "awarded",
    "awarded_kind",
    "share_awarded",
    "target",
)


def target(kind: str) -> float | None:
    """The target share (per cent) for `kind` from settings; None when there is none."""
    _check_kind(kind)
    value = getattr(settings, "LEVELFIELD_INSIGHTS_TARGETS", {}).get(kind)
    return None if value is None else float(value)


def group_columns(by: Iterable[str]) -> list[str]:
    """The grouping columns for `by` (dimension names), checked, in the order given."""
    columns: list[str] = []
    for name in by:
        if name not in DIMENSIONS:
            raise ValueError(f"unknown dimension {name!r}: one of {', '.join(DIMENSIONS)}")
        columns.extend(c for c in DIMENSIONS[name] if c not in columns)
    return columns


def spend_share(
    t: dict,
    *,
    by: Sequence[str] = (),
    kind: str = "sme",
    sources: Sequence[str] | None = None,
    buyer_ids: Sequence[str] | None = None,
):
    """The SME (kind "sme") or VCSE ("vcse") share of spend grouped by any of "buyer",
    "cpv_division", "region", "quarter" (none: one row for everything).

    `t` is engine.tables(con) (or any dict of Ibis tables with the snapshot schemas);
    `sources` keeps only those sources ("platform", "imported", "spend"); `buyer_ids` only
    those buyers. Columns: the grouping columns (with `buyer_name` when grouped by buyer),
    then SHARE_COLUMNS. Ordered by the grouping columns."""
    return spend_shares(t, by=by, kinds=(kind,), sources=sources, buyer_ids=buyer_ids)


def spend_shares(
    t: dict,
    *,
    by: Sequence[str] = (),
    kinds: Sequence[str] = KINDS,
    sources: Sequence[str] | None = None,
    buyer_ids: Sequence[str] | None = None,
):
    """spend_share for several kinds at once (SMEs and VCSEs), read in one pass: a row per
    group and kind, ordered by the grouping columns, then kind as given."""
    kinds = tuple(kinds)
    if not kinds:
        raise ValueError("no kind: give one or more of sme, vcse")
    for kind in kinds:
        _check_kind(kind)
    group_columns(by)
    nodes = tuple(t[name].op() for name in ("payments", "awards", "subcontracts"))
    return _spend_shares(
        nodes,
        tuple(by),
        kinds,
        None if sources is None else tuple(sources),
        None if buyer_ids is None else tuple(buyer_ids),
        tuple(target(kind) for kind in kinds),
    )


@lru_cache(maxsize=128)
def _spend_shares(nodes, by, kinds, sources, buyer_ids, targets):
    """The expression, built once for the same tables and arguments (so `run` finds its SQL
    already compiled)."""
    t = dict(zip(("payments", "awards", "subcontracts"), (n.to_expr() for n in nodes), strict=True))
    keys = group_columns(by)
    with_buyer_name = "buyer" in by
    leading = keys + (["buyer_name"] if with_buyer_name else [])
    grouped = _sums(t, keys, with_buyer_name, kinds, sources, buyer_ids)

    results = []
    for order, kind in enumerate(kinds):
        spend_kind = grouped[f"{kind}_spend"]
        indirect = grouped[f"{kind}_indirect"]
        awarded_kind = grouped[f"{kind}_awarded"]
        results.append(
            grouped.select(
                *leading,
                kind=ibis.literal(kind),
                spend=grouped.spend,
                spend_kind=spend_kind,
                spend_unknown=grouped[f"{kind}_unknown"],
                indirect_kind=indirect,
                share_direct=_share(spend_kind, grouped.spend),
                share_total=_share(spend_kind + indirect, grouped.spend),
                awarded=grouped.awarded,
                awarded_kind=awarded_kind,
                share_awarded=_share(awarded_kind, grouped.awarded),
                target=ibis.literal(targets[order], type="float64"),
                _kind_order=ibis.literal(order),
            )
        )
    result = results[0] if len(results) == 1 else ibis.union(*results, distinct=False)
    return result.order_by([*keys, "_kind_order"]).drop("_kind_order")


def _sums(t, keys, with_buyer_name, kinds, sources, buyer_ids):
    """Per group: spend, awarded and, for each kind, `<kind>_spend`, `<kind>_unknown`,
    `<kind>_indirect`, `<kind>_awarded`."""
    payments = _filtered(t["payments"], sources, buyer_ids)
    awards = _filtered(t["awards"], sources, buyer_ids)
    subcontracts = _filtered(t["subcontracts"], sources, buyer_ids)
    zero = ibis.literal(0.0, type="float64")
    metrics = ["spend", "awarded"] + [
        f"{kind}_{m}" for kind in kinds for m in ("spend", "unknown", "indirect", "awarded")
    ]

    def branch(table, **values):
        return table.select(
            *_keys(table, keys, with_buyer_name), **{m: values.get(m, zero) for m in metrics}
        )

    amount = payments.amount.cast("float64").fill_null(0.0)
    branches = [
        branch(
            payments,
            spend=amount,
            **{
                f"{k}_spend": ibis.ifelse(payments[k].fill_null(False), amount, zero) for k in kinds
            },
            **{f"{k}_unknown": ibis.ifelse(payments[k].isnull(), amount, zero) for k in kinds},
        )
    ]

    for kind in kinds:
        # primes that are themselves of the kind on a process: their subcontracts are direct
        primes = (
            _filtered(t["awards"], sources, None)
            .filter(lambda a, kind=kind: a[kind].fill_null(False))
            .select(p_source="source", p_ocid="ocid", p_id="supplier_id", p_kind=ibis.literal(True))
            .distinct()
        )
        sub_kind = subcontracts.filter(subcontracts[kind].fill_null(False))
        sub_kind = sub_kind.left_join(
            primes,
            [
                sub_kind.source == primes.p_source,
                sub_kind.ocid == primes.p_ocid,
                sub_kind.prime_id == primes.p_id,
            ],
        ).filter(lambda s: s.p_kind.isnull())
        value = sub_kind.value.cast("float64").fill_null(0.0)
        branches.append(branch(sub_kind, **{f"{kind}_indirect": value}))

    # an award to several suppliers (a consortium and its members, joint suppliers) shares its
    # value equally among its rows, so the award counts once
    per_award = ibis.window(group_by=[awards.source, awards.ocid, awards.award_id])
    award_value = awards.value.cast("float64").fill_null(0.0) / awards.source.count().over(
        per_award
    ).cast("float64")
    branches.append(
        branch(
            awards,
            awarded=award_value,
            **{
                f"{k}_awarded": ibis.ifelse(awards[k].fill_null(False), award_value, zero)
                for k in kinds
            },
        )
    )

    union = ibis.union(*branches, distinct=False)
    sums = {name: union[name].sum() for name in metrics}
    if with_buyer_name:
        sums = {"buyer_name": union.buyer_name.max(), **sums}
    return union.group_by(keys).aggregate(**sums) if keys else union.aggregate(**sums)


_COMPILED: OrderedDict = OrderedDict()
_COMPILED_MAX = 128


def run(expr) -> pa.Table:
    """Execute an Ibis expression on its backend; the result as a pyarrow Table. On DuckDB the
    SQL Ibis compiles is kept for the same expression (compiling takes longer than running a
    measure on a small snapshot)."""
    backend = expr._find_backend()
    if backend.name != "duckdb":
        return expr.to_pyarrow()
    op = expr.op()
    sql = _COMPILED.get(op)
    if sql is None:
        sql = backend.compile(expr)
        _COMPILED[op] = sql
        while len(_COMPILED) > _COMPILED_MAX:
            _COMPILED.popitem(last=False)
    else:
        _COMPILED.move_to_end(op)
    return backend.con.sql(sql).to_arrow_table().cast(expr.schema().to_pyarrow())


def rows(expr) -> list[dict]:
    """Execute an Ibis expression; the result as a list of dicts (one per row)."""
    return run(expr).to_pylist()


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}: one of {', '.join(KINDS)}")


def _filtered(table, sources, buyer_ids):
    if sources is not None:
        table = table.filter(table.source.isin(list(sources)))
    if buyer_ids is not None:
        table = table.filter(table.buyer_id.isin(list(buyer_ids)))
    return table


def _keys(table, keys: list[str], with_buyer_name: bool) -> list:
    columns = [table[k].cast("string").name(k) for k in keys]
    if with_buyer_name:
        columns.append(table.buyer_name.cast("string").name("buyer_name"))
    return columns


def _share(part, whole):
    return (part * 100.0 / whole.nullif(0.0)).cast("float64")
