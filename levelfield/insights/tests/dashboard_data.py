"""A small snapshot built by hand for the dashboards' and the API's tests, whose answers are
written here in words and numbers worked out by hand.

Two authorities (ids given by the test, so a buyer's own organisation can be one):
- Shire (region UKK, CPV division 45): 2026-Q1 pays an SME 100 and a large firm 300, the
  large firm passing 100 to an SME subcontractor; 2026-Q2 pays a VCSE 200 and a large firm 200.
- Wessex (region UKJ, CPV division 85): 2026-Q1 pays an SME 600 and a supplier of unknown size
  600.

So in all: spend 2,000; SME direct 700 (35.00%), with indirect 800 (40.00%); VCSE 200
(10.00%). Shire: 800; SME 100 (12.50%), with indirect 25.00%; VCSE 25.00%. Wessex: 1,200; SME
50.00%; VCSE 0.00%. 2026-Q1: 1,600; SME 43.75%, with indirect 50.00%; VCSE 0.00%. 2026-Q2:
400; SME 0.00%; VCSE 50.00%."""

import json
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from levelfield.insights.tables import TABLES

SHIRE = "GB-TEST-SHIRE"
WESSEX = "GB-TEST-WESSEX"
HOSTILE_SUPPLIER = '=HYPERLINK("http://evil.example/","Click")'


def payment(buyer_id, buyer_name, supplier, amount, day, *, sme, vcse, cpv, region, line):
    return {
        "source": "spend",
        "ocid": None,
        "buyer_id": buyer_id,
        "buyer_name": buyer_name,
        "supplier_id": None,
        "supplier_name": supplier,
        "supplier_ch": None,
        "sme": sme,
        "vcse": vcse,
        "amount": float(amount),
        "date": day,
        "quarter": f"{day.year}-Q{(day.month - 1) // 3 + 1}",
        "cpv_division": cpv,
        "region": region,
        "expense_type": "Services",
        "transaction_id": f"T{line}",
        "file": "spend.csv",
        "line": line,
    }


def rows(shire=SHIRE, wessex=WESSEX, shire_name="Shire County Council") -> dict[str, list]:
    q1, q2 = date(2026, 2, 10), date(2026, 5, 12)
    shire_at = {"cpv": "45", "region": "UKK"}
    wessex_at = {"cpv": "85", "region": "UKJ"}
    return {
        "payments": [
            payment(
                shire,
                shire_name,
                "Small Roads Ltd",
                100,
                q1,
                sme=True,
                vcse=False,
                line=2,
                **shire_at,
            ),
            payment(
                shire,
                shire_name,
                "Big Roads plc",
                300,
                q1,
                sme=False,
                vcse=False,
                line=3,
                **shire_at,
            ),
            payment(
                shire,
                shire_name,
                "Community Care CIC",
                200,
                q2,
                sme=False,
                vcse=True,
                line=4,
                **shire_at,
            ),
            payment(
                shire,
                shire_name,
                "Big Roads plc",
                200,
                q2,
                sme=False,
                vcse=False,
                line=5,
                **shire_at,
            ),
            payment(
                wessex,
                "Wessex Council",
                HOSTILE_SUPPLIER,
                600,
                q1,
                sme=True,
                vcse=False,
                line=6,
                **wessex_at,
            ),
            payment(
                wessex,
                "Wessex Council",
                "Unknown Ltd",
                600,
                q1,
                sme=None,
                vcse=None,
                line=7,
                **wessex_at,
            ),
        ],
        "subcontracts": [
            {
                "source": "platform",
                "ocid": "ocds-test-0001",
                "award_id": "1",
                "buyer_id": shire,
                "buyer_name": shire_name,
                "prime_id": "GB-COH-00000001",
                "prime_name": "Big Roads plc",
                "name": "Patch Ltd",
                "ch": None,
                "sme": True,
                "vcse": False,
                "value": 100.0,
                "cpv_division": "45",
                "region": "UKK",
                "date": q1,
                "quarter": "2026-Q1",
            }
        ],
        "awards": [],
        "bids": [],
    }


def write_snapshot(directory: Path, tables: dict[str, list]) -> None:
    """Write `tables` (rows by table name) as the snapshot engine.tables reads: a Parquet part
    per table with rows, and the manifest listing them."""
    directory.mkdir(parents=True, exist_ok=True)
    parts = {}
    for name, schema in TABLES.items():
        table_rows = tables.get(name, [])
        if not table_rows:
            continue
        folder = directory / name
        folder.mkdir(exist_ok=True)
        full = [{column: row.get(column) for column in schema.names} for row in table_rows]
        pq.write_table(pa.Table.from_pylist(full, schema=schema), folder / "part-0.parquet")
        parts[name] = ["part-0.parquet"]
    manifest = {"parts": parts, "written_at": "2026-12-06T02:30:00+00:00"}
    (directory / "manifest.json").write_text(json.dumps(manifest))
