"""Small snapshots built by hand for the access, red flag and savings tests; the answers are
written in the tests, worked out by hand from what is here."""

import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import ibis
import pyarrow as pa
import pyarrow.parquet as pq

from levelfield.insights.tables import TABLES

DERBY = "GB-TEST-DERBY"
SHIRE = "GB-TEST-SHIRE"
WYVERN = "GB-TEST-WYVERN"
NOTICE = "https://www.find-tender.service.gov.uk/Notice/000123-2026"


def at(*args):
    return datetime(*args, tzinfo=UTC)


def arrow(name, rows) -> pa.Table:
    schema = TABLES[name]
    data = [{column: row.get(column) for column in schema.names} for row in rows]
    return pa.Table.from_pylist(data, schema=schema)


def snapshot(awards=(), bids=()) -> dict:
    """The snapshot tables as in-memory Ibis tables (run on DuckDB)."""
    rows = {"awards": awards, "bids": bids, "subcontracts": [], "payments": []}
    return {name: ibis.memtable(arrow(name, rows[name])) for name in TABLES}


def on(con, snapshot_tables: dict, directory: Path) -> dict:
    """The same tables written as Parquet and read by `con`, as engine.py reads a snapshot
    (Spark turns a memtable's null text into "NaN" through pandas; Parquet keeps it null)."""
    found = {}
    for name, table in snapshot_tables.items():
        path = directory / f"{name}-{uuid.uuid4().hex}.parquet"
        pq.write_table(table.to_pyarrow(), path)
        found[name] = con.read_parquet(str(path), table_name=f"t_{uuid.uuid4().hex}")
    return found


def award(ocid, buyer_id, supplier_id, **fields):
    row = {
        "source": "imported",
        "ocid": ocid,
        "buyer_id": buyer_id,
        "buyer_name": {DERBY: "Derby City Council", SHIRE: "Shire Council"}.get(buyer_id),
        "award_id": f"{ocid}-award",
        "award_status": "active",
        "supplier_id": supplier_id,
        "supplier_name": supplier_id,
        "procurement_method": "open",
    }
    row.update(fields)
    return row


def bid(ocid, buyer_id, tenderer, value, status="valid", won=False, **fields):
    row = {
        "source": "imported",
        "ocid": ocid,
        "buyer_id": buyer_id,
        "bid_id": f"{ocid}-{tenderer}",
        "tenderer_id": tenderer,
        "tenderer_name": tenderer,
        "value": None if value is None else float(value),
        "status": status,
        "won": won,
        "procurement_method": "open",
    }
    row.update(fields)
    return row


# Red flags. T-1 is ours (source platform, ocid with our prefix); the rest are imported.
OURS = "ocds-lvlfld-T-1"
FLAG_AWARDS = [
    # T-1: an open tender of 2 days; won at 100,000 against 101,000.
    award(
        OURS,
        DERBY,
        "A Ltd",
        source="platform",
        title="Resurfacing",
        tender_start=at(2026, 1, 1, 9),
        tender_end=at(2026, 1, 3, 9),
        number_of_tenderers=2,
    ),
    # o2: open, 20 days, one tenderer (counted from the bids: the other withdrew).
    award(
        "o2",
        DERBY,
        "B Ltd",
        title="Library books",
        tender_start=at(2026, 1, 1),
        tender_end=at(2026, 1, 21),
        notice_url=NOTICE,
    ),
    award("o3", SHIRE, "W Ltd", procurement_method="selective"),
    award("o4", SHIRE, "Solo Ltd", procurement_method="limited"),
    award("o5", SHIRE, "C Ltd", tender_start=at(2026, 3, 1), tender_end=at(2026, 3, 31)),
    # o6: deadline 20 February 12:00; the winner's bid came 2 days later.
    award("o6", DERBY, "F Ltd", tender_start=at(2026, 2, 1), tender_end=at(2026, 2, 20, 12)),
    award("o7", DERBY, "H Ltd"),
    award("o8", WYVERN, "J Ltd"),
    award("o9", WYVERN, "M Ltd"),
]
FLAG_BIDS = [
    bid(OURS, DERBY, "A Ltd", 100_000, won=True, source="platform"),
    bid(OURS, DERBY, "B Ltd", 101_000, source="platform"),
    bid("o2", DERBY, "B Ltd", 50_000, won=True),
    bid("o2", DERBY, "Z Ltd", 40_000, status="withdrawn"),
    # o3: the winner's the only valid bid; the lowest, 70,000, disqualified.
    bid("o3", SHIRE, "W Ltd", 80_000, won=True, procurement_method="selective"),
    bid("o3", SHIRE, "X Ltd", 70_000, "disqualified", procurement_method="selective"),
    bid("o3", SHIRE, "Y Ltd", 90_000, "disqualified", procurement_method="selective"),
    # o4: a single bid, but in a limited procedure.
    bid("o4", SHIRE, "Solo Ltd", 10_000, won=True, procurement_method="limited"),
    # o5: two tenderers at 60,000.
    bid("o5", SHIRE, "C Ltd", 60_000, won=True),
    bid("o5", SHIRE, "D Ltd", 60_000),
    bid("o5", SHIRE, "E Ltd", 75_000),
    # o6: won by a late bid; the next at 210,000 (5% above: neither close nor far).
    bid("o6", DERBY, "F Ltd", 200_000, won=True, date=at(2026, 2, 22, 12)),
    bid("o6", DERBY, "G Ltd", 210_000, date=at(2026, 2, 19)),
    # o7: won at 100,000; the next at 180,000 (80% above).
    bid("o7", DERBY, "H Ltd", 100_000, won=True),
    bid("o7", DERBY, "I Ltd", 180_000),
    # Wyvern disqualifies 3 of its 6 bids over two procurements.
    bid("o8", WYVERN, "J Ltd", 100, won=True),
    bid("o8", WYVERN, "K Ltd", 120, "disqualified"),
    bid("o8", WYVERN, "L Ltd", 130, "disqualified"),
    bid("o9", WYVERN, "M Ltd", 100, won=True),
    bid("o9", WYVERN, "O Ltd", 140),
    bid("o9", WYVERN, "N Ltd", 150, "disqualified"),
]


def flag_snapshot():
    return snapshot(FLAG_AWARDS, FLAG_BIDS)


# Access. Works (division 45): t1 and t2 publish bids, t3 and t4 only awards. Services (85): t5.
def _abid(ocid, tenderer, *, sme, vcse=False, won=False, status="valid", category="works"):
    division = "45" if category == "works" else "85"
    return bid(
        ocid,
        DERBY,
        tenderer,
        1000,
        status,
        won,
        sme=sme,
        vcse=vcse,
        main_category=category,
        cpv_division=division,
    )


ACCESS_BIDS = [
    _abid("t1", "S1", sme=True, won=True),
    _abid("t1", "S2", sme=True),
    _abid("t1", "L1", sme=False),
    _abid("t1", "L2", sme=False),
    _abid("t1", "L3", sme=False),
    _abid("t1", "S6", sme=True, status="withdrawn"),
    _abid("t2", "S3", sme=True),
    _abid("t2", "S4", sme=True),
    _abid("t2", "L4", sme=False, won=True),
    _abid("t2", "L5", sme=False),
    _abid("t2", "V1", sme=False, vcse=True),
    _abid("t5", "V2", sme=True, vcse=True, won=True, category="services"),
    _abid("t5", "L8", sme=False, category="services"),
    _abid("t5", "U1", sme=None, category="services"),
]
ACCESS_AWARDS = [
    # t1's award repeats what its bids say: not counted twice.
    award("t1", DERBY, "S1", sme=True, main_category="works", cpv_division="45"),
    award("t3", DERBY, "L6", sme=False, main_category="works", cpv_division="45"),
    award("t4", DERBY, "L7", sme=False, main_category="works", cpv_division="45"),
    award(
        "t4",
        DERBY,
        "S5",
        sme=True,
        award_id="t4-pending",
        award_status="pending",
        main_category="works",
        cpv_division="45",
    ),
]


def access_snapshot():
    return snapshot(ACCESS_AWARDS, ACCESS_BIDS)


# Savings. Derby re-lets its pothole repairs to an SME; Shire re-lets grounds maintenance to
# the same supplier at a higher annual cost; Derby's gritting and Shire's potholes are new.
def _contract(ocid, buyer_id, supplier, title, value, start, end, *, cpv="45", sme=False):
    return award(
        ocid,
        buyer_id,
        supplier,
        title=title,
        value=float(value),
        contract_start=start,
        contract_end=end,
        cpv_division=cpv,
        sme=sme,
        main_category="works",
    )


SAVINGS_AWARDS = [
    _contract(
        "c1",
        DERBY,
        "Big Roads plc",
        "Pothole repairs 2022-25",
        1_800_000,
        date(2022, 4, 1),
        date(2025, 3, 31),
    ),
    _contract(
        "c2",
        DERBY,
        "Stafford Patching Ltd",
        "Pothole Repairs (2025-2028)",
        1_741_500,
        date(2025, 4, 1),
        date(2028, 3, 31),
        sme=True,
    ),
    _contract(
        "c4",
        DERBY,
        "Salt Co",
        "Winter gritting service",
        200_000,
        date(2025, 4, 1),
        date(2026, 3, 31),
    ),
    _contract(
        "c5", SHIRE, "Holes R Us", "Pothole repairs", 500_000, date(2025, 4, 1), date(2027, 3, 31)
    ),
    _contract(
        "c6",
        SHIRE,
        "Green Ltd",
        "Grounds maintenance 2021-2024",
        300_000,
        date(2021, 1, 1),
        date(2023, 12, 31),
        cpv="77",
    ),
    _contract(
        "c7",
        SHIRE,
        "Green Ltd",
        "Grounds maintenance 2024-2026",
        240_000,
        date(2024, 1, 1),
        date(2025, 12, 31),
        cpv="77",
    ),
    # Not a contract to count: no end date.
    award("c8", DERBY, "Nobody", title="Pothole repairs", value=1.0, cpv_division="45"),
]
UNIT_COSTS = [
    {
        "buyer_id": DERBY,
        "cpv_division": "45",
        "label": None,
        "unit": "pothole repairs",
        "cost_per_unit": 130,
    },
]


def savings_snapshot():
    return snapshot(SAVINGS_AWARDS, [])
