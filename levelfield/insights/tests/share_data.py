"""A small hand-built snapshot for the spend share, with its answers worked out by hand.

Derby (buyer B1; CPV 45, East Midlands UKF) pays, in 2026-Q1: 100 to an SME that is a VCSE,
200 to a large firm, 100 to a supplier of unknown status; in 2026-Q2: 300 to an SME (not a
VCSE). Its contract o1 (1,000, Q1) went to a large prime, which subcontracts 60 to an SME VCSE.

Leeds (B2; CPV 85, Yorkshire UKE) pays in 2026-Q1 1,000 to a large firm and 500 to an SME VCSE.
Its contract o2 (800, Q1) went jointly to an SME VCSE prime and a large firm (400 each), the SME
prime subcontracting 40 to an SME (not indirect: its prime is an SME); o3 (200, Q2) went to a
large prime subcontracting 70 to a large firm (not an SME)."""

import json
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from levelfield.insights.tables import TABLES, quarter_of

DERBY = {"buyer_id": "B1", "buyer_name": "Derby", "cpv_division": "45", "region": "UKF"}
LEEDS = {"buyer_id": "B2", "buyer_name": "Leeds", "cpv_division": "85", "region": "UKE"}
Q1, Q2 = date(2026, 2, 10), date(2026, 5, 10)


def _payment(where, day, amount, sme, vcse, source="spend"):
    return {**where, "source": source, "date": day, "quarter": quarter_of(day), "amount": amount,
            "sme": sme, "vcse": vcse}  # fmt: skip


def _award(where, ocid, award_id, supplier, day, value, sme, vcse):
    return {**where, "source": "platform", "ocid": ocid, "award_id": award_id,
            "supplier_id": supplier, "award_date": day, "quarter": quarter_of(day),
            "value": value, "sme": sme, "vcse": vcse}  # fmt: skip


def _sub(where, ocid, prime, day, value, sme, vcse):
    return {**where, "source": "platform", "ocid": ocid, "award_id": "a", "prime_id": prime,
            "name": f"sub of {prime}", "date": day, "quarter": quarter_of(day), "value": value,
            "sme": sme, "vcse": vcse}  # fmt: skip


ROWS = {
    "payments": [
        _payment(DERBY, Q1, 100.0, True, True),
        _payment(DERBY, Q1, 200.0, False, False, source="platform"),
        _payment(DERBY, Q1, 100.0, None, None),
        _payment(DERBY, Q2, 300.0, True, False),
        _payment(LEEDS, Q1, 1000.0, False, False),
        _payment(LEEDS, Q1, 500.0, True, True, source="imported"),
    ],
    "awards": [
        _award(DERBY, "o1", "a", "P-large", Q1, 1000.0, False, False),
        _award(LEEDS, "o2", "a", "P-sme", Q1, 800.0, True, True),
        _award(LEEDS, "o2", "a", "X-large", Q1, 800.0, False, False),
        _award(LEEDS, "o3", "a", "P-large", Q2, 200.0, False, False),
    ],
    "subcontracts": [
        _sub(DERBY, "o1", "P-large", Q1, 60.0, True, True),
        _sub(LEEDS, "o2", "P-sme", Q1, 40.0, True, False),
        _sub(LEEDS, "o3", "P-large", Q2, 70.0, False, False),
    ],
    "bids": [],
}

# spend_share(by=["buyer"], kind="sme"), target 33
SME_BY_BUYER = [
    {"buyer_id": "B1", "buyer_name": "Derby", "kind": "sme", "spend": 700.0,
     "spend_kind": 400.0, "spend_unknown": 100.0, "indirect_kind": 60.0,
     "share_direct": 400 * 100 / 700, "share_total": 460 * 100 / 700,
     "awarded": 1000.0, "awarded_kind": 0.0, "share_awarded": 0.0, "target": 33.0},
    {"buyer_id": "B2", "buyer_name": "Leeds", "kind": "sme", "spend": 1500.0,
     "spend_kind": 500.0, "spend_unknown": 0.0, "indirect_kind": 0.0,
     "share_direct": 500 * 100 / 1500, "share_total": 500 * 100 / 1500,
     "awarded": 1000.0, "awarded_kind": 400.0, "share_awarded": 40.0, "target": 33.0},
]  # fmt: skip

# spend_share(by=["quarter"], kind="vcse"), no target
VCSE_BY_QUARTER = [
    {"quarter": "2026-Q1", "kind": "vcse", "spend": 1900.0, "spend_kind": 600.0,
     "spend_unknown": 100.0, "indirect_kind": 60.0, "share_direct": 600 * 100 / 1900,
     "share_total": 660 * 100 / 1900, "awarded": 1800.0, "awarded_kind": 400.0,
     "share_awarded": 400 * 100 / 1800, "target": None},
    {"quarter": "2026-Q2", "kind": "vcse", "spend": 300.0, "spend_kind": 0.0,
     "spend_unknown": 0.0, "indirect_kind": 0.0, "share_direct": 0.0, "share_total": 0.0,
     "awarded": 200.0, "awarded_kind": 0.0, "share_awarded": 0.0, "target": None},
]  # fmt: skip


def write(directory: Path) -> Path:
    """The data set as a snapshot (Parquet parts and a manifest) in `directory`."""
    parts = {}
    for name, schema in TABLES.items():
        (directory / name).mkdir(parents=True, exist_ok=True)
        rows = [{column: row.get(column) for column in schema.names} for row in ROWS[name]]
        pq.write_table(
            pa.Table.from_pylist(rows, schema=schema), directory / name / "part-1.parquet"
        )
        parts[name] = ["part-1.parquet"]
    (directory / "manifest.json").write_text(json.dumps({"parts": parts, "watermarks": {}}))
    return directory


def rounded(rows: list[dict], places: int = 9) -> list[dict]:
    return [
        {k: round(v, places) if isinstance(v, float) else v for k, v in row.items()} for row in rows
    ]
