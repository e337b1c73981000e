"""SME and VCSE share of spend by authority and quarter: our layer (Ibis on DuckDB) against
pandas and one hand-written DuckDB SQL query, on the same Parquet files.

    .venv/bin/python bench/insights_bench.py                    # 10M payment lines, 1M awards
    .venv/bin/python bench/insights_bench.py --lines 1000000    # a quick run

The data is generated once per size into --out (a snapshot as `insights-snapshot` writes it:
payments/ and awards/ parts and a manifest) and reused after. 500 authorities, 8 quarters; a
payment's supplier is an SME about 40% of the time, a VCSE 8%, unknown 5%; awards have one
supplier in nine of ten, two in one of ten. Each way computes, per authority and quarter and
for SMEs and VCSEs: spend, spend to the kind, spend of unknown status, awarded value (an award's
value shared among its suppliers), awarded to the kind, and the shares; the three results are
checked equal. Times are the best of --repeat runs, reading the files each time."""

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "levelfield.settings")

AUTHORITIES = 500
QUARTERS = [f"{year}-Q{q}" for year in (2025, 2026) for q in (1, 2, 3, 4)]
PART_ROWS = 1_000_000


def strings(rng_indices, labels: list[str]) -> pa.Array:
    return pa.DictionaryArray.from_arrays(pa.array(rng_indices, pa.int32()), pa.array(labels)).cast(
        pa.string()
    )


def flags(rng, n: int, true_share: float, null_share: float) -> pa.Array:
    draw = rng.random(n)
    values = draw < true_share
    mask = draw > 1 - null_share
    return pa.array(values, pa.bool_(), mask=mask)


def generate(out: Path, lines: int, awards: int, seed: int = 7) -> None:
    from levelfield.insights.tables import AWARDS, PAYMENTS

    rng = np.random.default_rng(seed)
    ids = [f"GB-AUTH-{i:04d}" for i in range(AUTHORITIES)]
    names = [f"Authority {i}" for i in range(AUTHORITIES)]
    starts = np.array(
        [np.datetime64(f"{q[:4]}-{(int(q[-1]) - 1) * 3 + 1:02d}-01") for q in QUARTERS]
    )
    parts = {"payments": [], "awards": []}
    for name in parts:
        (out / name).mkdir(parents=True, exist_ok=True)
    for number, start in enumerate(range(0, lines, PART_ROWS), start=1):
        n = min(PART_ROWS, lines - start)
        buyer = rng.integers(0, AUTHORITIES, n)
        quarter = rng.integers(0, len(QUARTERS), n)
        day = starts[quarter] + rng.integers(0, 90, n).astype("timedelta64[D]")
        columns = {
            "source": strings(np.zeros(n, np.int32), ["spend"]),
            "buyer_id": strings(buyer, ids),
            "buyer_name": strings(buyer, names),
            "supplier_id": strings(rng.integers(0, 50_000, n), [f"S{i}" for i in range(50_000)]),
            "sme": flags(rng, n, 0.40, 0.05),
            "vcse": flags(rng, n, 0.08, 0.05),
            "amount": pa.array(np.round(rng.lognormal(8, 1.5, n), 2)),
            "date": pa.array(day.astype("datetime64[D]"), pa.date32()),
            "quarter": strings(quarter, QUARTERS),
        }
        table = pa.table(
            {f.name: columns.get(f.name, pa.nulls(n, f.type)) for f in PAYMENTS}, schema=PAYMENTS
        )
        pq.write_table(table, out / "payments" / f"part-{number:08d}.parquet")
        parts["payments"].append(f"part-{number:08d}.parquet")

    n = awards
    award_no = np.arange(n)
    two = rng.random(n) < 0.1  # one award in ten has two suppliers: a second row
    award_no = np.concatenate([award_no, award_no[two]])
    m = len(award_no)
    buyer = rng.integers(0, AUTHORITIES, n)[award_no]
    quarter = rng.integers(0, len(QUARTERS), n)[award_no]
    value = np.round(rng.lognormal(11, 1.5, n), 2)[award_no]
    ocids = pa.array(np.char.add("ocds-bench-", award_no.astype(str)))
    columns = {
        "source": strings(np.zeros(m, np.int32), ["imported"]),
        "ocid": ocids,
        "award_id": strings(np.zeros(m, np.int32), ["1"]),
        "buyer_id": strings(buyer, ids),
        "buyer_name": strings(buyer, names),
        "supplier_id": strings(rng.integers(0, 50_000, m), [f"S{i}" for i in range(50_000)]),
        "sme": flags(rng, m, 0.35, 0.05),
        "vcse": flags(rng, m, 0.06, 0.05),
        "value": pa.array(value),
        "award_date": pa.array(starts[quarter].astype("datetime64[D]"), pa.date32()),
        "quarter": strings(quarter, QUARTERS),
    }
    table = pa.table({f.name: columns.get(f.name, pa.nulls(m, f.type)) for f in AWARDS}, AWARDS)
    pq.write_table(table, out / "awards" / "part-00000001.parquet")
    parts["awards"].append("part-00000001.parquet")
    (out / "manifest.json").write_text(json.dumps({"parts": parts, "watermarks": {}}))


# --- the three ways ---------------------------------------------------------------------------


def ours(out: Path, *, warm: bool):
    """Cold: a new connection, the tables' schemas read, the expression built and compiled,
    then run. Warm: as a server process answers the same measure again (engine.snapshot keeps
    the connection and tables while the manifest is unchanged; the expression and its SQL are
    kept), so only the query runs, reading the Parquet files as the plain query does."""
    from levelfield.insights import engine, measures

    if warm:
        con, t = engine.snapshot(str(out), "duckdb")
    else:
        measures._spend_shares.cache_clear()
        measures._COMPILED.clear()
        con = engine.connect("duckdb")
        t = engine.tables(con, str(out))
    return measures.run(measures.spend_shares(t, by=["buyer", "quarter"], kinds=("sme", "vcse")))


SQL = """
WITH awards AS (
    SELECT buyer_id, buyer_name, quarter, sme, vcse,
           coalesce(value, 0) / count(*) OVER (PARTITION BY source, ocid, award_id) AS value
    FROM read_parquet({awards})
), rows AS (
    SELECT buyer_id, buyer_name, quarter, coalesce(amount, 0) AS spend,
           CASE WHEN sme THEN coalesce(amount, 0) ELSE 0 END AS sme_spend,
           CASE WHEN sme IS NULL THEN coalesce(amount, 0) ELSE 0 END AS sme_unknown,
           CASE WHEN vcse THEN coalesce(amount, 0) ELSE 0 END AS vcse_spend,
           CASE WHEN vcse IS NULL THEN coalesce(amount, 0) ELSE 0 END AS vcse_unknown,
           0.0 AS awarded, 0.0 AS sme_awarded, 0.0 AS vcse_awarded
    FROM read_parquet({payments})
    UNION ALL
    SELECT buyer_id, buyer_name, quarter, 0, 0, 0, 0, 0, value,
           CASE WHEN sme THEN value ELSE 0 END, CASE WHEN vcse THEN value ELSE 0 END
    FROM awards
)
SELECT buyer_id, quarter, max(buyer_name) AS buyer_name, sum(spend) AS spend,
       sum(sme_spend) AS sme_spend, sum(sme_unknown) AS sme_unknown,
       sum(vcse_spend) AS vcse_spend, sum(vcse_unknown) AS vcse_unknown,
       sum(awarded) AS awarded, sum(sme_awarded) AS sme_awarded,
       sum(vcse_awarded) AS vcse_awarded,
       sum(sme_spend) * 100 / nullif(sum(spend), 0) AS sme_share,
       sum(vcse_spend) * 100 / nullif(sum(spend), 0) AS vcse_share,
       sum(sme_awarded) * 100 / nullif(sum(awarded), 0) AS sme_share_awarded,
       sum(vcse_awarded) * 100 / nullif(sum(awarded), 0) AS vcse_share_awarded
FROM rows GROUP BY buyer_id, quarter ORDER BY buyer_id, quarter
"""


def plain_duckdb(out: Path):
    import duckdb

    manifest = json.loads((out / "manifest.json").read_text())

    def files(name):
        return "[" + ", ".join(f"'{out / name / p}'" for p in manifest["parts"][name]) + "]"

    return duckdb.connect().sql(SQL.format(awards=files("awards"), payments=files("payments")))


def with_pandas(out: Path):
    import pandas as pd

    payments = pd.read_parquet(
        out / "payments", columns=["buyer_id", "buyer_name", "quarter", "sme", "vcse", "amount"]
    )
    awards = pd.read_parquet(
        out / "awards",
        columns=["source", "ocid", "award_id", "buyer_id", "buyer_name", "quarter", "sme", "vcse",
                 "value"],
    )  # fmt: skip
    amount = payments["amount"].fillna(0.0)
    frame = pd.DataFrame(
        {
            "buyer_id": payments["buyer_id"],
            "buyer_name": payments["buyer_name"],
            "quarter": payments["quarter"],
            "spend": amount,
        }
    )
    for kind in ("sme", "vcse"):
        flag = payments[kind]
        frame[f"{kind}_spend"] = amount.where(flag.fillna(False).astype(bool), 0.0)
        frame[f"{kind}_unknown"] = amount.where(flag.isna(), 0.0)
    count = awards.groupby(["source", "ocid", "award_id"])["value"].transform("size")
    value = awards["value"].fillna(0.0) / count
    let = pd.DataFrame(
        {
            "buyer_id": awards["buyer_id"],
            "buyer_name": awards["buyer_name"],
            "quarter": awards["quarter"],
            "awarded": value,
        }
    )
    for kind in ("sme", "vcse"):
        let[f"{kind}_awarded"] = value.where(awards[kind].fillna(False).astype(bool), 0.0)
    both = pd.concat([frame, let], ignore_index=True).fillna(
        {
            c: 0.0
            for c in (
                "spend",
                "awarded",
                "sme_spend",
                "sme_unknown",
                "vcse_spend",
                "vcse_unknown",
                "sme_awarded",
                "vcse_awarded",
            )
        }  # fmt: skip
    )
    grouped = both.groupby(["buyer_id", "quarter"], sort=True).agg(
        buyer_name=("buyer_name", "max"),
        spend=("spend", "sum"),
        sme_spend=("sme_spend", "sum"),
        sme_unknown=("sme_unknown", "sum"),
        vcse_spend=("vcse_spend", "sum"),
        vcse_unknown=("vcse_unknown", "sum"),
        awarded=("awarded", "sum"),
        sme_awarded=("sme_awarded", "sum"),
        vcse_awarded=("vcse_awarded", "sum"),
    )
    for kind in ("sme", "vcse"):
        grouped[f"{kind}_share"] = grouped[f"{kind}_spend"] * 100 / grouped["spend"]
    return grouped.reset_index()


# --- checking and timing ----------------------------------------------------------------------


def comparable_ours(table: pa.Table) -> dict:
    found = {}
    for row in table.to_pylist():
        key = (row["buyer_id"], row["quarter"], row["kind"])
        found[key] = (row["spend"], row["spend_kind"], row["spend_unknown"], row["awarded"],
                      row["awarded_kind"])  # fmt: skip
    return found


def comparable_wide(rows: list[dict]) -> dict:
    found = {}
    for row in rows:
        for kind in ("sme", "vcse"):
            found[(row["buyer_id"], row["quarter"], kind)] = (
                row["spend"], row[f"{kind}_spend"], row[f"{kind}_unknown"], row["awarded"],
                row[f"{kind}_awarded"],
            )  # fmt: skip
    return found


def same(a: dict, b: dict) -> bool:
    if a.keys() != b.keys():
        return False
    return all(
        all(abs(x - y) <= 1e-6 * max(1.0, abs(x)) for x, y in zip(a[k], b[k], strict=True))
        for k in a
    )


def best(function, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=10_000_000, help="payment lines")
    parser.add_argument("--awards", type=int, default=None, help="awards (default lines / 10)")
    parser.add_argument("--out", type=Path, default=Path("var/bench-insights"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-pandas", action="store_true")
    args = parser.parse_args()
    awards = args.awards if args.awards is not None else args.lines // 10

    import django

    django.setup()
    out = args.out / f"{args.lines}-{awards}"
    if not (out / "manifest.json").exists():
        started = time.perf_counter()
        generate(out, args.lines, awards)
        print(f"generated {args.lines:,} payment lines and {awards:,} awards into {out} "
              f"in {time.perf_counter() - started:.1f} s")  # fmt: skip
    else:
        print(f"reusing {out}")

    sql_time, sql_result = best(lambda: plain_duckdb(out).fetch_arrow_table(), args.repeat)
    cold_time, cold_result = best(lambda: ours(out, warm=False), args.repeat)
    ours(out, warm=True)
    ours_time, ours_result = best(lambda: ours(out, warm=True), args.repeat)
    expected = comparable_wide(sql_result.to_pylist())
    assert same(comparable_ours(ours_result), expected), "our layer differs from plain DuckDB"
    assert same(comparable_ours(cold_result), expected), "our layer differs from plain DuckDB"
    print(f"groups: {sql_result.num_rows:,} (authority x quarter), SMEs and VCSEs")
    print(f"plain DuckDB SQL:        {sql_time:6.2f} s")
    print(f"our layer (Ibis), warm:  {ours_time:6.2f} s   {ours_time / sql_time:.2f}x plain DuckDB")
    print(
        f"our layer (Ibis), cold:  {cold_time:6.2f} s   {cold_time / sql_time:.2f}x plain DuckDB"
        " (connecting, reading schemas, building and compiling the expression)"
    )
    if not args.no_pandas:
        pandas_time, pandas_result = best(lambda: with_pandas(out), args.repeat)
        assert same(comparable_wide(pandas_result.to_dict("records")), expected), (
            "pandas differs from plain DuckDB"
        )
        print(
            f"pandas:                  {pandas_time:6.2f} s   our layer "
            f"{pandas_time / ours_time:.1f}x faster warm, {pandas_time / cold_time:.1f}x cold"
        )


if __name__ == "__main__":
    main()
