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
400; SME 0.00%; VCSE 50.00%.

Procurements (awards and bids; contract value is not spend, so the shares above stand):
- Shire P1 (ours, ocds-lvlfld-SHIRE-1, open, "Pothole repairs 2022-25", CPV 45, UKK): a 5-day
  tender period (R003 short submission period) and one bid (R018 single bid), by Small Roads
  Ltd, an SME, which won 300,000 for 1 April 2022 to 31 March 2025 (100,000 a year).
- Shire P2 (ours, ocds-lvlfld-SHIRE-2, open, "Pothole repairs 2025-28"): three bids, Stafford
  Surfacing Ltd (SME) 240,000 won, Big Roads plc 300,000, Community Roads CIC (VCSE) 280,000;
  240,000 for 1 April 2025 to 31 March 2028 (80,000 a year): a re-let of P1 to another
  supplier, 20,000 a year less (about 150 pothole repairs at 133.33 each). No flag.
- Wessex P3 (imported, ocds-b5fd17-W3, selective, "Meals", CPV 85, UKJ): four bids, Meals
  Ltd (SME) 50,000 won, Big Meals plc 50,000 (R028 identical prices; R024 the second within 2%
  of the winner), Other Meals plc 70,000, Meals Together CIC (VCSE) 90,000.
So access: 8 bids, 3 by SMEs (37.50%), 2 by VCSEs (25.00%); 3 wins, all SMEs' (100.00%);
win rate 37.50% for all, 100.00% for SMEs, 0.00% for VCSEs. Shire alone: 4 bids, 2 by SMEs
(50.00%), 1 by a VCSE (25.00%), 2 wins, both SMEs'."""

import json
from datetime import UTC, date, datetime
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
        "awards": awards(shire, shire_name, wessex),
        "bids": bids(shire, wessex),
    }


P1, P2, P3 = "ocds-lvlfld-SHIRE-1", "ocds-lvlfld-SHIRE-2", "ocds-b5fd17-W3"
NOTICE = "https://www.contractsfinder.service.gov.uk/Notice/w3"


def _award(source, ocid, buyer_id, buyer_name, title, method, supplier, sme, value, **more):
    return {
        "source": source,
        "ocid": ocid,
        "buyer_id": buyer_id,
        "buyer_name": buyer_name,
        "title": title,
        "procurement_method": method,
        "main_category": "works" if ocid != P3 else "services",
        "cpv_division": "45" if ocid != P3 else "85",
        "region": "UKK" if ocid != P3 else "UKJ",
        "tender_value": value,
        "award_id": f"{ocid}-award",
        "award_status": "active",
        "supplier_id": f"GB-COH-{supplier[:5].upper()}",
        "supplier_name": supplier,
        "sme": sme,
        "vcse": False,
        "value": float(value),
        **more,
    }


def awards(shire, shire_name, wessex) -> list[dict]:
    def at(y, m, d):
        return datetime(y, m, d, tzinfo=UTC)

    return [
        _award(
            "platform",
            P1,
            shire,
            shire_name,
            "Pothole repairs 2022-25",
            "open",
            "Small Roads Ltd",
            True,
            300000,
            number_of_tenderers=1,
            tender_start=at(2022, 1, 10),
            tender_end=at(2022, 1, 15),
            award_date=date(2022, 3, 1),
            quarter="2022-Q1",
            contract_start=date(2022, 4, 1),
            contract_end=date(2025, 3, 31),
        ),
        _award(
            "platform",
            P2,
            shire,
            shire_name,
            "Pothole repairs 2025-28",
            "open",
            "Stafford Surfacing Ltd",
            True,
            240000,
            number_of_tenderers=3,
            tender_start=at(2024, 11, 1),
            tender_end=at(2024, 12, 6),
            award_date=date(2025, 3, 1),
            quarter="2025-Q1",
            contract_start=date(2025, 4, 1),
            contract_end=date(2028, 3, 31),
        ),
        _award(
            "imported",
            P3,
            wessex,
            "Wessex Council",
            "Meals",
            "selective",
            "Meals Ltd",
            True,
            50000,
            number_of_tenderers=4,
            tender_start=at(2026, 1, 5),
            tender_end=at(2026, 2, 20),
            award_date=date(2026, 3, 2),
            quarter="2026-Q1",
            contract_start=date(2026, 4, 1),
            contract_end=date(2027, 3, 31),
            notice_url=NOTICE,
        ),
    ]


def _bid(source, ocid, buyer_id, n, name, value, *, sme, vcse=False, won=False, day):
    return {
        "source": source,
        "ocid": ocid,
        "buyer_id": buyer_id,
        "procurement_method": "selective" if ocid == P3 else "open",
        "main_category": "works" if ocid != P3 else "services",
        "cpv_division": "45" if ocid != P3 else "85",
        "bid_id": f"{ocid}-bid-{n}",
        "tenderer_id": f"GB-COH-{name[:8].upper()}",
        "tenderer_name": name,
        "sme": sme,
        "vcse": vcse,
        "value": float(value),
        "status": "valid",
        "won": won,
        "date": datetime(day.year, day.month, day.day, tzinfo=UTC),
        "quarter": f"{day.year}-Q{(day.month - 1) // 3 + 1}",
    }


def bids(shire, wessex) -> list[dict]:
    return [
        _bid(
            "platform",
            P1,
            shire,
            1,
            "Small Roads Ltd",
            300000,
            sme=True,
            won=True,
            day=date(2022, 1, 14),
        ),
        _bid(
            "platform",
            P2,
            shire,
            1,
            "Stafford Surfacing Ltd",
            240000,
            sme=True,
            won=True,
            day=date(2024, 12, 1),
        ),
        _bid("platform", P2, shire, 2, "Big Roads plc", 300000, sme=False, day=date(2024, 12, 2)),
        _bid(
            "platform",
            P2,
            shire,
            3,
            "Community Roads CIC",
            280000,
            sme=False,
            vcse=True,
            day=date(2024, 12, 3),
        ),
        _bid(
            "imported", P3, wessex, 1, "Meals Ltd", 50000, sme=True, won=True, day=date(2026, 2, 1)
        ),
        _bid("imported", P3, wessex, 2, "Big Meals plc", 50000, sme=False, day=date(2026, 2, 2)),
        _bid("imported", P3, wessex, 3, "Other Meals plc", 70000, sme=False, day=date(2026, 2, 3)),
        _bid(
            "imported",
            P3,
            wessex,
            4,
            "Meals Together CIC",
            90000,
            sme=False,
            vcse=True,
            day=date(2026, 2, 4),
        ),
    ]


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
    manifest = {"version": 1, "parts": parts}
    (directory / "manifest.json").write_text(json.dumps(manifest))


_STANDARD: dict[str, Path] = {}


def standard_snapshot(tmp_path_factory) -> Path:
    """The snapshot of rows() written once for the session: the figures worked out from it
    are kept (figures.kept) from one test to the next, as a server keeps them."""
    key = str(tmp_path_factory.getbasetemp())
    if key not in _STANDARD:
        directory = tmp_path_factory.mktemp("insights-standard") / "insights"
        write_snapshot(directory, rows())
        _STANDARD[key] = directory
    return _STANDARD[key]
