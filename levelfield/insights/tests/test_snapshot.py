"""The Parquet snapshot: flattening compiled releases (ours and imported), incremental runs,
replacing a changed process's rows, a spend source, the command and the engine's reading."""

import json
from datetime import UTC, date, datetime, timedelta

import pyarrow.parquet as pq
import pytest
from django.core.management import call_command

from levelfield.insights import engine, measures, snapshot
from levelfield.insights.snapshot_ocds import flatten
from levelfield.insights.tables import TABLES
from levelfield.opendata.models import ExternalCompiledRelease, Record

from . import ocds_samples as samples

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def snapshot_dir(tmp_path, settings):
    settings.LEVELFIELD_INSIGHTS_DIR = str(tmp_path / "insights")
    settings.LEVELFIELD_INSIGHTS_ENGINE = "duckdb"
    settings.LEVELFIELD_INSIGHTS_WRITE_DIR = ""
    return tmp_path / "insights"


def store_ours(compiled=None, updated=T0):
    compiled = compiled or samples.ours()
    Record.objects.update_or_create(
        ocid=compiled["ocid"],
        defaults={"compiled": compiled, "updated": updated, "buyer_id": "GB-LVLFLD-1"},
    )


def store_imported(compiled=None, updated=T0):
    compiled = compiled or samples.imported()
    ExternalCompiledRelease.objects.update_or_create(
        ocid=compiled["ocid"],
        defaults={"compiled": compiled, "updated": updated, "release_count": 2, "date": updated},
    )


def read(name: str) -> list[dict]:
    con = engine.connect()
    return measures.rows(engine.tables(con)[name].order_by("source", "ocid"))


def files(directory) -> set[str]:
    return {str(p.relative_to(directory)) for p in directory.rglob("*.parquet")}


# --- flattening ------------------------------------------------------------------------------


def test_our_compiled_release_flattens_into_awards_subcontracts_and_payments():
    rows = flatten(samples.ours(), "platform")

    (award,) = rows["awards"]
    assert award["buyer_id"] == "GB-LVLFLD-1" and award["buyer_name"] == "Derby City Council"
    assert award["cpv_division"] == "45"
    assert award["region"] == "UKF"  # "East Midlands" as NUTS 1
    assert award["number_of_tenderers"] == 4  # from bids.statistics
    assert award["supplier_ch"] == "01234567"
    assert award["sme"] is False and award["vcse"] is False
    assert award["value"] == 400000.0
    assert award["award_date"] == date(2026, 3, 1) and award["quarter"] == "2026-Q1"
    assert award["contract_start"] == date(2026, 4, 1)
    assert award["contract_end"] == date(2028, 3, 31)  # the UK day, not UTC's
    assert award["tender_end"] == datetime(2026, 2, 5, 12, 0, tzinfo=UTC)

    charity, giant = rows["subcontracts"]
    assert (charity["name"], charity["sme"], charity["vcse"]) == (
        "Stafford Patching CIC",
        True,
        True,
    )
    # 160,000 subcontracted, 30% and 10% of the contract: shared 3 to 1
    assert charity["value"] == 120000.0 and giant["value"] == 40000.0
    assert charity["prime_id"] == "GB-LVLFLD-7" and charity["prime_name"] == "Big Roads plc"
    assert giant["ch"] == "07654321" and giant["sme"] is False

    first, second = rows["payments"]
    assert (first["amount"], first["quarter"], first["supplier_id"]) == (
        50000.0,
        "2026-Q2",
        "GB-LVLFLD-7",
    )
    # no payee: the award's only supplier
    assert (second["supplier_name"], second["quarter"], second["transaction_id"]) == (
        "Big Roads plc",
        "2026-Q3",
        "pay-2",
    )
    assert rows["bids"] == []


def test_an_imported_compiled_release_flattens_with_what_it_gives():
    rows = flatten(samples.imported(), "imported")

    small, trust = rows["awards"]
    assert (small["supplier_name"], small["sme"], small["vcse"]) == ("Small Care Ltd", True, None)
    assert (trust["sme"], trust["vcse"]) == (True, True)  # "micro" is an SME
    assert small["cpv_division"] == "85" and small["region"] == "UKI"
    assert small["number_of_tenderers"] == 3
    assert small["tender_start"] is None and small["main_category"] is None
    assert small["quarter"] == "2025-Q4"

    won, lost = rows["bids"]
    assert (won["tenderer_id"], won["won"], won["status"], won["value"]) == (
        "GB-COH-11111111",
        True,
        "valid",
        90000.0,
    )
    assert (lost["won"], lost["status"], lost["sme"]) == (False, "disqualified", None)
    assert rows["subcontracts"] == [] and rows["payments"] == []


def test_every_row_fits_its_table():
    for compiled, source in ((samples.ours(), "platform"), (samples.imported(), "imported")):
        for name, rows in flatten(compiled, source).items():
            assert set().union(*map(set, rows)) <= set(TABLES[name].names) if rows else True


# --- writing ----------------------------------------------------------------------------------


def test_the_snapshot_holds_both_stores_and_the_measures_read_it(snapshot_dir):
    store_ours()
    store_imported()

    result = snapshot.write()

    assert result.rows == {"awards": 3, "bids": 2, "subcontracts": 2, "payments": 2}
    assert result.keys == {"platform": 1, "imported": 1, "spend": 0}
    assert [(r["source"], r["supplier_name"]) for r in read("awards")] == [
        ("imported", "Small Care Ltd"),
        ("imported", "Helping Hands Trust"),
        ("platform", "Big Roads plc"),
    ]
    manifest = json.loads((snapshot_dir / "manifest.json").read_text())
    assert manifest["watermarks"]["platform"] == [T0.isoformat(), samples.OURS_OCID]
    for name, parts in manifest["parts"].items():
        for part in parts:
            assert pq.read_schema(snapshot_dir / name / part).equals(TABLES[name])

    (share,) = measures.rows(measures.spend_share(engine.tables(engine.connect()), kind="sme"))
    assert share["spend"] == 75000.0 and share["indirect_kind"] == 120000.0
    assert share["awarded"] == 500000.0 and share["awarded_kind"] == 100000.0


def test_a_rerun_with_nothing_changed_writes_nothing(snapshot_dir):
    store_ours()
    store_imported()
    snapshot.write()
    before = files(snapshot_dir)
    manifest = (snapshot_dir / "manifest.json").read_text()

    again = snapshot.write()

    assert not again.changed
    assert again.rows == dict.fromkeys(TABLES, 0)
    assert files(snapshot_dir) == before
    assert (snapshot_dir / "manifest.json").read_text() == manifest


def test_a_new_process_is_added_without_rewriting_the_others(snapshot_dir):
    store_ours()
    snapshot.write()
    before = files(snapshot_dir)

    store_imported(updated=T0 + timedelta(hours=1))
    result = snapshot.write()

    assert result.keys == {"platform": 0, "imported": 1, "spend": 0}
    assert result.replaced == dict.fromkeys(TABLES, 0)
    assert before < files(snapshot_dir)  # the earlier parts stay as they were
    assert len(read("awards")) == 3


def test_a_changed_process_replaces_its_earlier_rows(snapshot_dir):
    store_ours()
    store_imported()
    snapshot.write()

    changed = samples.ours()
    changed["contracts"][0]["implementation"]["transactions"].append(
        {"id": "pay-3", "date": "2026-10-30", "value": {"amount": 10000}}
    )
    changed["awards"][0]["value"]["amount"] = 450000
    store_ours(changed, updated=T0 + timedelta(days=1))
    result = snapshot.write()

    assert result.keys == {"platform": 1, "imported": 0, "spend": 0}
    assert result.replaced["payments"] == 2 and result.replaced["awards"] == 1
    payments = read("payments")
    assert [p["transaction_id"] for p in payments] == ["pay-1", "pay-2", "pay-3"]
    assert [a["value"] for a in read("awards") if a["source"] == "platform"] == [450000.0]
    # the imported process is untouched
    assert [a["supplier_name"] for a in read("awards") if a["source"] == "imported"] == [
        "Small Care Ltd",
        "Helping Hands Trust",
    ]
    manifest = json.loads((snapshot_dir / "manifest.json").read_text())
    listed = {f"{name}/{part}" for name, parts in manifest["parts"].items() for part in parts}
    assert files(snapshot_dir) == listed  # superseded parts are gone


def test_processes_updated_in_the_same_instant_are_each_taken_once(snapshot_dir):
    first = samples.imported()
    second = samples.imported()
    second["ocid"] = "ocds-b5fd17-aaaa-0002"
    store_imported(first)
    snapshot.write()
    store_imported(second)  # the same `updated` as the first, a later ocid

    result = snapshot.write()

    assert result.keys["imported"] == 1
    assert sorted({a["ocid"] for a in read("awards")}) == [samples.IMPORTED_OCID, second["ocid"]]


def test_full_writes_everything_again_once(snapshot_dir):
    store_ours()
    store_imported()
    snapshot.write()

    result = snapshot.write(full=True)

    assert result.rows["awards"] == 3 and result.parts_removed == 4
    assert len(read("awards")) == 3 and len(read("payments")) == 2


def test_parts_left_by_a_run_that_stopped_are_removed_and_never_read(snapshot_dir):
    store_ours()
    snapshot.write()
    stray = snapshot_dir / "payments" / ".part-99999999.parquet"
    stray.write_bytes(b"half written")

    store_imported(updated=T0 + timedelta(hours=1))
    snapshot.write()

    assert not stray.exists()
    assert len(read("payments")) == 2


def test_one_writer_at_a_time(snapshot_dir, tmp_path):
    import fcntl

    snapshot_dir.mkdir(parents=True)
    with open(snapshot_dir / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(snapshot.SnapshotBusy):
            snapshot.write()


def test_the_writer_refuses_an_object_store_url():
    with pytest.raises(ValueError, match="local folder"):
        snapshot.write("s3a://bucket/insights")


def test_the_writer_takes_the_write_folder_when_readers_use_object_storage(
    snapshot_dir, settings, tmp_path
):
    settings.LEVELFIELD_INSIGHTS_DIR = "s3a://bucket/insights"
    settings.LEVELFIELD_INSIGHTS_WRITE_DIR = str(tmp_path / "local")
    store_ours()

    snapshot.write()

    assert (tmp_path / "local" / "manifest.json").exists()


# --- a source of payment rows (as the spend lines are added) ----------------------------------

SPEND = []


def spend_rows(since):
    """A stand-in for spend_rows.payment_rows: the rows after `since` (a line count)."""
    start = since or 0
    return SPEND[start:], len(SPEND)


def spend_line(line, amount, sme):
    return {
        "buyer_id": "Derby City Council",
        "buyer_name": "Derby City Council",
        "supplier_name": "Potholes R Us",
        "sme": sme,
        "amount": amount,
        "date": date(2026, 5, 2),
        "quarter": "2026-Q2",
        "file": "derby-2026-05.csv",
        "line": line,
    }


def test_a_payments_source_adds_spend_lines_and_replaces_a_line_taken_again(snapshot_dir):
    spend = snapshot.payments_source("spend", f"{__name__}.spend_rows")
    SPEND[:] = [spend_line(2, 1000.0, None), spend_line(3, 500.0, True)]
    try:
        snapshot.write(sources=[*snapshot.SOURCES, spend])
        assert snapshot.write(sources=[*snapshot.SOURCES, spend]).changed is False

        SPEND.append({**spend_line(2, 1000.0, True)})  # line 2's supplier now matched an SME
        result = snapshot.write(sources=[*snapshot.SOURCES, spend])
    finally:
        SPEND.clear()

    assert result.replaced["payments"] == 1
    lines = sorted((p["line"], p["sme"], p["source"]) for p in read("payments"))
    assert lines == [(2, True, "spend"), (3, True, "spend")]
    manifest = json.loads((snapshot_dir / "manifest.json").read_text())
    assert manifest["watermarks"]["spend"] == 3


# --- the command and the engine -----------------------------------------------------------------


def test_the_command_writes_and_then_says_nothing_changed(snapshot_dir, capsys):
    store_ours()

    call_command("insights-snapshot")
    call_command("insights-snapshot")

    out = capsys.readouterr().out
    assert "awards: 1 rows written" in out and "payments: 2 rows written" in out
    assert out.strip().endswith("Nothing changed since the last snapshot.")


def test_before_any_snapshot_the_tables_are_empty_with_their_columns(snapshot_dir):
    tables = engine.tables(engine.connect())

    for name, schema in TABLES.items():
        assert tables[name].columns == tuple(schema.names)
        assert tables[name].count().to_pyarrow().as_py() == 0
    (share,) = measures.rows(measures.spend_share(tables, kind="sme"))
    assert share["spend"] is None and share["share_direct"] is None


def test_the_daily_job_writes_the_snapshot_and_a_second_run_nothing(snapshot_dir):
    from levelfield.insights.tasks import write_snapshot

    store_ours()

    first = write_snapshot.call()
    second = write_snapshot.call()

    assert first["rows"]["awards"] == 1 and first["parts_written"] == 3  # no bids
    assert second["parts_written"] == 0 and second["rows"]["awards"] == 0
