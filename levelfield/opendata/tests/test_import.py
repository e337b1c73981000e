"""`levelfield import-ocds`: an analyst brings published OCDS data into the external store.

The OCP fictional example (tests/data/ocds/examples/fictional-1.1) must round-trip: its record's
compiledRelease is exactly what ocdsmerge makes of its six releases with our merge rules, and
exactly what we store after importing them, whatever the format (release files, the release
package, JSON Lines, gzip, a directory)."""

import copy
import gzip
import json
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from levelfield.opendata import selectors
from levelfield.opendata.importer import Importer, import_paths
from levelfield.opendata.importing import compiling, fastmerge, reading
from levelfield.opendata.importing.checks import check_release
from levelfield.opendata.merge import compile_releases as ocdsmerge_compile
from levelfield.opendata.models import (
    ExternalCompiledRelease,
    ExternalCompileMark,
    ExternalFile,
    ExternalRelease,
)
from levelfield.opendata.tests import schema

EXAMPLE = schema.EXAMPLES / "fictional-1.1"
OCID = "ocds-213czf-000-00001"


@pytest.fixture(scope="module")
def example() -> Path:
    """The OCP fictional example."""
    return EXAMPLE


@pytest.fixture(scope="module")
def example_releases(example) -> list[dict]:
    return json.loads((example / f"{OCID}.json").read_text())["releases"]


@pytest.fixture(scope="module")
def example_compiled(example) -> dict:
    return json.loads((example / "record" / f"{OCID}.json").read_text())["records"][0][
        "compiledRelease"
    ]


def compiled(ocid: str = OCID) -> dict:
    return ExternalCompiledRelease.objects.get(ocid=ocid).compiled


def write_jsonl(path: Path, items: list, *, gz: bool = False) -> Path:
    data = b"".join(orjson.dumps(item) + b"\n" for item in items)
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


def release(ocid: str, number: int, **extra) -> dict:
    """A small valid release; later numbers change the title and add an award."""
    body = {
        "ocid": ocid,
        "id": f"{ocid}-{number:03d}",
        "date": f"2024-01-{number % 28 + 1:02d}T10:00:00Z",
        "tag": ["tender"] if number == 1 else ["tenderUpdate"],
        "initiationType": "tender",
        "parties": [{"id": "GB-1", "name": "Council", "roles": ["buyer"]}],
        "tender": {"id": "t", "title": f"Title {number}", "value": {"amount": number * 10.5}},
    }
    if number % 3 == 0:
        body["awards"] = [{"id": f"a{number}", "status": "pending"}]
    return {**body, **extra}


def releases_of(ocids: int, per_ocid: int) -> list[dict]:
    return [release(f"ocds-test-{o:03d}", n) for n in range(1, per_ocid + 1) for o in range(ocids)]


def expected_compiled(items: list[dict]) -> dict[str, dict]:
    groups: dict[str, list] = {}
    for item in items:
        groups.setdefault(item["ocid"], []).append(item)
    return {ocid: ocdsmerge_compile(copy.deepcopy(group)) for ocid, group in groups.items()}


# -- the fictional example round-trips -----------------------------------------------------------


def test_the_examples_compiled_release_is_ocdsmerges_compile_of_its_releases(
    example_releases, example_compiled
):
    """The example's record matches ocdsmerge with our merge rules (not only equal: the same
    bytes once serialised), and so does our fast compile."""
    ours = ocdsmerge_compile(copy.deepcopy(example_releases))
    assert ours == example_compiled
    fast = fastmerge.compile_releases(copy.deepcopy(example_releases))
    assert orjson.dumps(fast) == orjson.dumps(ours)


@pytest.mark.django_db
def test_importing_the_six_release_files_stores_the_records_compiled_release(
    example, example_compiled
):
    files = sorted(example.glob(f"{OCID}-0*.json"))
    assert len(files) == 6

    summary, problems = import_paths(files)

    assert problems == []
    assert (summary.files_imported, summary.read, summary.stored) == (6, 6, 6)
    assert summary.compiled == 1
    assert ExternalRelease.objects.filter(ocid=OCID).count() == 6
    row = ExternalCompiledRelease.objects.get(ocid=OCID)
    assert row.compiled == example_compiled
    assert row.buyer_id == example_compiled["buyer"]["id"] != ""
    assert row.release_count == 6
    assert row.date.isoformat() == "2011-01-10T09:30:00+00:00"


@pytest.mark.django_db
def test_the_release_package_round_trips(example, example_compiled):
    summary, problems = import_paths([example / f"{OCID}.json"])

    assert problems == []
    assert summary.stored == 6
    assert compiled() == example_compiled
    stored = ExternalRelease.objects.get(release_id=f"{OCID}-04-award")
    assert stored.tags == ["award"]
    assert stored.data["awards"][0]["id"] == f"{OCID}-award-01"


@pytest.mark.django_db
def test_a_record_package_of_linked_releases_keeps_its_compiled_release(example, example_compiled):
    """The example's record package links its releases (url, date, tag): there is nothing to
    store but the publisher's compiledRelease, kept as published."""
    summary, problems = import_paths([example / "record"])

    assert problems == []
    assert summary.stored == 0
    assert summary.linked == 12  # six links in each of the two record packages
    assert summary.published_compiled == 1
    row = ExternalCompiledRelease.objects.get(ocid=OCID)
    assert row.release_count == 0
    assert row.compiled == example_compiled
    assert row.buyer_id == example_compiled["buyer"]["id"] != ""


@pytest.mark.django_db
def test_a_record_package_with_full_releases_is_compiled_from_them(
    tmp_path, example_releases, example_compiled
):
    record = {"ocid": OCID, "releases": example_releases, "compiledRelease": {"ocid": "other"}}
    package = tmp_path / "records.json"
    package.write_text(json.dumps({"version": "1.1", "records": [record]}, indent=2))

    summary, problems = import_paths([package])

    assert problems == []
    assert summary.stored == 6
    assert compiled() == example_compiled
    assert not ExternalCompiledRelease.objects.filter(ocid="other").exists()


@pytest.mark.django_db
def test_the_whole_example_directory_stores_each_release_once(example, example_compiled):
    summary, problems = import_paths([example])

    assert problems == []
    assert summary.files == 9
    assert (summary.read, summary.stored, summary.duplicates) == (12, 6, 6)
    assert ExternalRelease.objects.count() == 6
    row = ExternalCompiledRelease.objects.get(ocid=OCID)
    assert row.release_count == 6  # compiled from the releases, over the published one
    assert row.compiled == example_compiled


# -- idempotent ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_importing_twice_stores_nothing_twice(example, example_compiled):
    first, _ = import_paths([example])
    again, _ = import_paths([example])

    assert first.stored == 6
    assert again.files_unchanged == 9 and again.read == 0 and again.stored == 0
    reread, problems = import_paths([example], again=True)
    assert problems == []
    assert (reread.read, reread.stored, reread.duplicates) == (12, 0, 12)
    assert ExternalRelease.objects.count() == 6
    assert ExternalCompiledRelease.objects.count() == 1
    assert compiled() == example_compiled


@pytest.mark.django_db
def test_a_changed_file_is_read_again_and_only_its_new_releases_stored(tmp_path):
    path = write_jsonl(tmp_path / "feed.jsonl", releases_of(2, 2))
    import_paths([path])
    write_jsonl(path, releases_of(2, 3))

    summary, _ = import_paths([path])

    assert (summary.read, summary.stored, summary.duplicates) == (6, 2, 4)
    assert summary.compiled == 2  # only the processes that received a release
    assert ExternalRelease.objects.count() == 6
    expected = expected_compiled(releases_of(2, 3))
    assert {c.ocid: c.compiled for c in ExternalCompiledRelease.objects.all()} == expected


# -- formats ---------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, shape, gz",
    [
        ("releases.jsonl", "releases", False),
        ("releases.jsonl.gz", "releases", True),
        ("packages.jsonl", "packages", False),
        ("package.json.gz", "package", True),
        ("array.json", "array", False),
        ("records.jsonl.gz", "records", True),
        ("no-suffix-but-gzip.json", "releases", True),
    ],
)
def test_json_lines_and_gzip(tmp_path, example_releases, example_compiled, name, shape, gz):
    if shape == "releases":
        items = example_releases
    elif shape == "packages":  # one small package a line, as APIs page them
        items = [{"version": "1.1", "releases": example_releases[i : i + 2]} for i in (0, 2, 4)]
    elif shape == "records":
        items = [{"ocid": OCID, "releases": example_releases}]
    else:
        items = None
    path = tmp_path / name
    if shape == "package":
        data = json.dumps({"version": "1.1", "releases": example_releases}, indent=1).encode()
        path.write_bytes(gzip.compress(data))
    elif shape == "array":
        path.write_text(json.dumps(example_releases, indent=1))
    else:
        write_jsonl(path, items, gz=gz)

    summary, problems = import_paths([path])

    assert problems == []
    assert summary.stored == 6
    assert compiled() == example_compiled


@pytest.mark.django_db
def test_record_packages_a_line_with_full_releases(tmp_path, example_releases, example_compiled):
    """As the OCP Data Registry and some APIs page records: one record package a line."""
    lines = [
        {"version": "1.1", "records": [{"ocid": OCID, "releases": example_releases[:4]}]},
        {"version": "1.1", "records": [{"ocid": OCID, "releases": example_releases[4:]}]},
    ]
    path = write_jsonl(tmp_path / "records.jsonl.gz", lines, gz=True)

    summary, problems = import_paths([path])

    assert problems == []
    assert (summary.read, summary.stored) == (6, 6)
    assert compiled() == example_compiled


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["package.json", "releases.jsonl", "package.json.gz"])
def test_a_byte_order_mark_at_the_start_is_skipped(
    tmp_path, example_releases, example_compiled, name
):
    if name.startswith("package"):
        data = json.dumps({"version": "1.1", "releases": example_releases}, indent=1).encode()
    else:
        data = b"".join(orjson.dumps(item) + b"\n" for item in example_releases)
    data = b"\xef\xbb\xbf" + data
    path = tmp_path / name
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)

    summary, problems = import_paths([path])

    assert problems == []
    assert summary.stored == 6
    assert compiled() == example_compiled


@pytest.mark.django_db
def test_a_directory_is_read_recursively_and_other_files_left_alone(
    tmp_path, example_releases, example_compiled
):
    (tmp_path / "2010" / "03").mkdir(parents=True)
    (tmp_path / ".hidden").mkdir()
    write_jsonl(tmp_path / "2010" / "a.jsonl", example_releases[:3])
    write_jsonl(tmp_path / "2010" / "03" / "b.jsonl.gz", example_releases[3:], gz=True)
    write_jsonl(tmp_path / ".hidden" / "c.jsonl", [release("ocds-hidden", 1)])
    (tmp_path / "README.txt").write_text("not data")

    summary, problems = import_paths([tmp_path])

    assert problems == []
    assert (summary.files, summary.stored) == (2, 6)
    assert compiled() == example_compiled


@pytest.mark.django_db
def test_a_big_file_is_read_in_a_process_of_its_own(tmp_path):
    items = releases_of(5, 6)
    path = write_jsonl(tmp_path / "feed.jsonl.gz", items, gz=True)

    summary, problems = import_paths([path], process_threshold=0, batch_size=7)

    assert problems == []
    assert summary.stored == 30
    assert {c.ocid: c.compiled for c in ExternalCompiledRelease.objects.all()} == (
        expected_compiled(items)
    )


@pytest.mark.parametrize(
    "committed",
    [
        pytest.param(False, marks=pytest.mark.django_db),
        # committed releases: on PostgreSQL the forked workers read them on their own connections
        pytest.param(True, marks=pytest.mark.django_db(transaction=True)),
    ],
)
def test_many_processes_compile_in_worker_processes(tmp_path, monkeypatch, committed, spools):
    items = releases_of(40, 4)
    path = write_jsonl(tmp_path / "feed.jsonl", items)
    if committed and connection.vendor == "postgresql":

        def parent_must_not_read(self, ocids):
            raise AssertionError("the workers read the releases themselves")

        monkeypatch.setattr(Importer, "_fetch", parent_must_not_read)

    summary, problems = import_paths([path], workers=2, pool_threshold=1)

    assert problems == []
    assert summary.compiled == 40
    if committed and not (connection.vendor == "sqlite" and connection.is_in_memory_db()):
        # workers reading the store themselves hand their results over in files
        assert len(spools) == 1 and not spools[0].exists()
    assert {c.ocid: c.compiled for c in ExternalCompiledRelease.objects.all()} == (
        expected_compiled(items)
    )


# -- resumable -------------------------------------------------------------------------------------


class Interrupted(Exception):
    pass


def interrupt_after(batches: int):
    def after_commit(importer):
        if importer.batches == batches:
            raise Interrupted

    return after_commit


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["feed.jsonl", "feed.jsonl.gz", "package.json", "bom.jsonl"])
def test_an_interrupted_import_continues_where_it_stopped(tmp_path, name):
    items = releases_of(7, 5)  # 35 releases
    path = tmp_path / name
    if name == "package.json":
        path.write_text(json.dumps({"version": "1.1", "releases": items}, indent=1))
    elif name == "bom.jsonl":  # the byte order mark counts in the offset resumed from
        path.write_bytes(b"\xef\xbb\xbf" + b"".join(orjson.dumps(i) + b"\n" for i in items))
    else:
        write_jsonl(path, items, gz=name.endswith(".gz"))

    with pytest.raises(Interrupted):
        import_paths([path], batch_size=10, after_commit=interrupt_after(2))
    assert ExternalRelease.objects.count() == 20
    checkpoint = ExternalFile.objects.get()
    assert (checkpoint.items_done, checkpoint.complete) == (20, False)
    assert not ExternalCompiledRelease.objects.exists()  # it stopped before compiling

    summary, problems = import_paths([path], batch_size=10)

    assert problems == []
    assert summary.items_resumed == 20
    assert (summary.read, summary.stored, summary.duplicates) == (15, 15, 0)
    assert ExternalRelease.objects.count() == 35
    assert ExternalFile.objects.get().complete
    assert {c.ocid: c.compiled for c in ExternalCompiledRelease.objects.all()} == (
        expected_compiled(items)
    )


@pytest.mark.django_db
def test_an_import_interrupted_while_compiling_compiles_next_time(tmp_path, monkeypatch):
    items = releases_of(3, 2)
    path = write_jsonl(tmp_path / "feed.jsonl", items)

    def fail(self):
        raise Interrupted

    with monkeypatch.context() as patch:
        patch.setattr(Importer, "compile_touched", fail)
        with pytest.raises(Interrupted):
            import_paths([path])
    assert ExternalRelease.objects.count() == 6
    assert not ExternalCompiledRelease.objects.exists()

    summary, _ = import_paths([path])

    assert summary.files_unchanged == 1 and summary.compiled == 3
    assert ExternalCompileMark.objects.get().compiled_through == max(
        ExternalRelease.objects.values_list("id", flat=True)
    )


@pytest.fixture
def spools(tmp_path, monkeypatch) -> list[Path]:
    """The directories in which processes hand batches and compiled releases over, made under
    tmp_path so that a test can see they are used and then removed."""
    made: list[Path] = []

    def spool_directory():
        directory = tmp_path / f"spool-{len(made)}"
        directory.mkdir()
        made.append(directory)
        return str(directory)

    monkeypatch.setattr(reading, "spool_directory", spool_directory)
    return made


@pytest.mark.django_db
@pytest.mark.parametrize("gz", [False, True])
def test_an_import_read_in_a_process_of_its_own_continues_where_it_stopped(tmp_path, spools, gz):
    items = releases_of(7, 5)  # 35 releases
    path = write_jsonl(tmp_path / ("feed.jsonl.gz" if gz else "feed.jsonl"), items, gz=gz)
    options = {"batch_size": 10, "process_threshold": 0}

    with pytest.raises(Interrupted):
        import_paths([path], after_commit=interrupt_after(2), **options)
    assert ExternalRelease.objects.count() == 20
    assert ExternalFile.objects.get().items_done == 20
    assert len(spools) == 1 and not spools[0].exists()  # the reader's batches are cleared away

    summary, problems = import_paths([path], **options)

    assert problems == []
    assert (summary.items_resumed, summary.read, summary.stored) == (20, 15, 15)
    assert ExternalRelease.objects.count() == 35 and ExternalFile.objects.get().complete
    assert {c.ocid: c.compiled for c in ExternalCompiledRelease.objects.all()} == (
        expected_compiled(items)
    )
    assert len(spools) == 2 and not any(spool.exists() for spool in spools)


@pytest.mark.django_db
def test_a_file_read_in_a_process_of_its_own_that_fails_keeps_nothing_of_the_failed_batch(
    tmp_path, spools
):
    items = releases_of(1, 25)
    whole = b"".join(orjson.dumps(item) + b"\n" for item in items)
    path = tmp_path / "feed.jsonl"
    path.write_bytes(whole + b'{"ocid": "ocds-test-000", "id": "cut')

    summary, problems = import_paths([path], batch_size=10, process_threshold=0)

    assert summary.stored == 20 and ExternalRelease.objects.count() == 20
    assert summary.file_errors[0].position == "line 26"
    assert ExternalFile.objects.get().items_done == 20
    assert len(spools) == 1 and not spools[0].exists()


def test_batches_read_in_a_process_are_those_read_here(tmp_path, spools):
    items = releases_of(6, 5)
    items[7] = {"ocid": "ocds-bad"}  # a problem travels with its batch
    path = write_jsonl(tmp_path / "feed.jsonl", items)
    options = {"path": path, "file_id": 1, "batch_size": 8}

    here = list(reading.FileReader(**options).batches())
    there = list(reading.batches_in_process(options))

    assert len(here) == 4 and there == here
    assert here[0].problems == [("line 8", "missing id")]
    assert not spools[0].exists()


def test_without_room_for_files_batches_go_through_the_pipe(tmp_path, spools, monkeypatch):
    path = write_jsonl(tmp_path / "feed.jsonl", releases_of(6, 5))
    options = {"path": path, "file_id": 1, "batch_size": 8}
    monkeypatch.setattr(reading, "spool_file", lambda value, name: None)  # a full disk

    assert list(reading.batches_in_process(options)) == list(
        reading.FileReader(**options).batches()
    )


def test_a_file_that_cannot_be_written_is_not_left_half_written(tmp_path):
    name = tmp_path / "missing" / "batch.pickle"
    assert reading.spool_file([1, 2], str(name)) is None
    assert not name.exists()

    name = tmp_path / "batch.pickle"
    assert reading.spool_file(["a", 1], str(name)) == str(name)
    assert reading.load_spooled(str(name)) == ["a", 1] and not name.exists()


@pytest.mark.django_db(transaction=True)
def test_compiled_releases_go_through_the_pipe_without_room_for_files(tmp_path, monkeypatch):
    items = releases_of(30, 3)
    path = write_jsonl(tmp_path / "feed.jsonl", items)
    monkeypatch.setattr(compiling, "spool_file", lambda value, name: None)

    summary, problems = import_paths([path], workers=2, pool_threshold=1)

    assert problems == [] and summary.compiled == 30
    assert {c.ocid: c.compiled for c in ExternalCompiledRelease.objects.all()} == (
        expected_compiled(items)
    )


def test_a_reader_stopped_early_leaves_no_batch_behind(tmp_path, spools):
    path = write_jsonl(tmp_path / "feed.jsonl", releases_of(10, 5))
    batches = reading.batches_in_process({"path": path, "file_id": 1, "batch_size": 5})

    assert len(next(batches).rows) == 5
    batches.close()

    assert not spools[0].exists()


# -- bad input -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_bad_items_are_reported_with_file_position_and_reason_and_skipped(tmp_path):
    good = release("ocds-good", 1)
    lines = [
        good,
        {k: v for k, v in release("ocds-x", 1).items() if k != "ocid"},
        release("ocds-x", 2, id=17),
        release("ocds-x", 3, date="2024-02-30T10:00:00Z"),
        release("ocds-x", 4, date="yesterday"),
        release("ocds-x", 5, date="2024-01-01T10:00:00"),  # no offset: not RFC 3339
        release("ocds-x", 6, tag="tender"),
        release("ocds-x", 7, tag=["tender", 3]),
        {**release("ocds-x", 8), "ocid": ["a"]},
        ["not", "an", "object"],
        "a string",
        release("ocds-good", 2),
    ]
    path = write_jsonl(tmp_path / "mixed.jsonl", lines)

    summary, problems = import_paths([path])

    reasons = {problem.position: problem.reason for problem in problems}
    assert all(problem.path == str(path) for problem in problems)
    assert reasons == {
        "line 2": "missing ocid",
        "line 3": "id is a number, not a string",
        "line 4": "date '2024-02-30T10:00:00Z' is not an RFC 3339 date-time",
        "line 5": "date 'yesterday' is not an RFC 3339 date-time",
        "line 6": "date '2024-01-01T10:00:00' is not an RFC 3339 date-time",
        "line 7": "tag is a string, not an array of strings",
        "line 8": "tag holds a number, not only strings",
        "line 9": "ocid is an array, not a string",
        "line 10": "not a release: an array, not an object",
        "line 11": "not a release: a string, not an object",
    }
    assert (summary.read, summary.stored, summary.invalid) == (12, 2, 10)
    assert summary.file_errors == []
    assert list(ExternalRelease.objects.values_list("ocid", flat=True)) == ["ocds-good"] * 2


@pytest.mark.django_db
def test_bad_releases_in_packages_are_reported_by_position(tmp_path):
    package = {
        "version": "1.1",
        "releases": [release("ocds-a", 1), {"ocid": "ocds-a", "date": "2024-01-01T00:00:00Z"}],
    }
    path = tmp_path / "package.json"
    path.write_text(json.dumps(package, indent=2))
    records = write_jsonl(
        tmp_path / "records.jsonl",
        [{"ocid": "ocds-b", "releases": [release("ocds-b", 1), release("ocds-b", 2, id="")]}],
    )

    summary, problems = import_paths([path, records])

    assert [(p.path, p.position, p.reason) for p in problems] == [
        (str(path), "release 2", "missing id"),
        (str(records), "line 1, release 2", "id is empty"),
    ]
    assert summary.stored == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, content, message, position",
    [
        ("truncated.json", None, "truncated or not valid JSON", "after release 3"),
        ("table.json", b"ocid,id\nocds-1,1\n", "not JSON: the data starts with 'ocid,id", ""),
        (
            "object.json",
            b'{"version": "1.1", "releases": {"ocid": "ocds-test-000"}}',
            "not a release package: releases is an object, not an array",
            "",
        ),
        (
            "records.json",
            b'{"version": "1.1", "records": null}',
            "not a record package: records is null, not an array",
            "",
        ),
        (
            "latin1.jsonl",
            b'{"ocid": "ocds-1", "title": "caf\xe9"}\n',
            "not valid JSON: the line is not UTF-8 text",
            "line 1",
        ),
        ("broken.jsonl", None, "not valid JSON", "line 3"),
        ("cut.jsonl", None, "the file is truncated: the last line is not whole JSON", "line 5"),
        ("cut.jsonl.gz", None, "the gzip file is truncated", ""),
    ],
)
def test_a_truncated_or_non_json_file_is_an_error_and_the_run_goes_on(
    tmp_path, name, content, message, position
):
    items = releases_of(1, 5)
    whole = b"".join(orjson.dumps(item) + b"\n" for item in items)
    path = tmp_path / name
    if name == "truncated.json":
        text = json.dumps({"version": "1.1", "releases": items}, indent=1)
        path.write_text(
            text[: text.index('"ocid": "ocds-test-000",\n   "id": "ocds-test-000-004"')]
        )
    elif name == "broken.jsonl":
        path.write_bytes(whole.replace(b'{"ocid":"ocds-test-000","id":"ocds-test-000-003"', b"{x"))
    elif name == "cut.jsonl":
        path.write_bytes(whole[:-20])
    elif name == "cut.jsonl.gz":
        path.write_bytes(gzip.compress(whole)[:-30])
    else:
        path.write_bytes(content)
    other = write_jsonl(tmp_path / "other.jsonl", [release("ocds-other", 1)])

    summary, problems = import_paths([path, other])

    assert len(summary.file_errors) == 1
    error = summary.file_errors[0]
    assert error.path == str(path)
    assert error.reason.startswith(message), error.reason
    assert error.position.startswith(position)
    assert error in problems
    # nothing from the failed batch: the file's releases were all in it
    assert not ExternalRelease.objects.filter(ocid="ocds-test-000").exists()
    assert summary.stored == 1 and compiled("ocds-other")["tender"]["title"] == "Title 1"
    checkpoint = ExternalFile.objects.get(path=str(path.resolve()))
    assert not checkpoint.complete and checkpoint.error.startswith(str(path))


@pytest.mark.django_db
def test_a_file_that_fails_keeps_the_batches_committed_before_and_nothing_of_the_failed_one(
    tmp_path,
):
    items = releases_of(1, 25)
    whole = b"".join(orjson.dumps(item) + b"\n" for item in items)
    path = tmp_path / "feed.jsonl"
    path.write_bytes(whole + b'{"ocid": "ocds-test-000", "id": "cut')

    summary, problems = import_paths([path], batch_size=10)

    assert summary.stored == 20  # two whole batches; the five of the third are dropped
    assert ExternalRelease.objects.count() == 20
    assert summary.file_errors[0].position == "line 26"
    assert ExternalFile.objects.get().items_done == 20


@pytest.mark.django_db
def test_the_command_prints_a_summary_and_fails_when_a_file_could_not_be_read(tmp_path, capsys):
    good = write_jsonl(tmp_path / "good.jsonl", releases_of(2, 2) + [{"ocid": "x"}])
    bad = tmp_path / "bad.json"
    bad.write_text("<html>")

    with pytest.raises(CommandError, match="1 file"):
        call_command("import-ocds", str(good), str(bad), "--progress", "lines")

    out, err = capsys.readouterr()
    assert "releases: 5 read, 4 stored, 0 duplicates, 1 invalid (skipped)" in out
    assert "compiled releases: 2 rebuilt" in out
    assert f"{good}: line 5: missing id" in err
    assert f"{bad}: not JSON" in err


@pytest.mark.django_db
def test_with_no_compile_the_next_import_compiles(tmp_path, capsys):
    path = write_jsonl(tmp_path / "good.jsonl", releases_of(3, 2))

    call_command("import-ocds", str(path), "--progress", "lines", "--no-compile")

    out, _ = capsys.readouterr()
    assert "compiled releases: not rebuilt (--no-compile)" in out
    assert ExternalRelease.objects.count() == 6 and not ExternalCompiledRelease.objects.exists()
    call_command("import-ocds", str(path), "--progress", "lines")
    out, _ = capsys.readouterr()
    assert "compiled releases: 3 rebuilt" in out
    assert ExternalCompiledRelease.objects.count() == 3


@pytest.mark.django_db
def test_the_command_succeeds_on_good_data(tmp_path, capsys):
    path = write_jsonl(tmp_path / "good.jsonl", releases_of(3, 2))

    call_command("import-ocds", str(path), "--progress", "lines")

    out, _ = capsys.readouterr()
    assert "files: 1 (1 read to the end)" in out
    assert ExternalCompiledRelease.objects.count() == 3


@pytest.mark.django_db
def test_on_a_terminal_a_progress_bar_shows_counts_and_rate(tmp_path, capsys):
    path = write_jsonl(tmp_path / "good.jsonl", releases_of(3, 2) + releases_of(3, 2))

    call_command("import-ocds", str(path), "--progress", "bar", "--batch-size", "4")

    out, err = capsys.readouterr()
    bars = err.replace("\r", "\n").splitlines()
    final = [line for line in bars if line.startswith("import:") and " 12.0 releases " in line]
    assert final, err
    assert "releases/s" in final[-1]
    assert "stored=6" in final[-1] and "duplicates=6" in final[-1] and "invalid=0" in final[-1]
    assert any(line.startswith("compile:") and "3.00/3.00" in line for line in bars), err
    assert "releases: 12 read, 6 stored, 6 duplicates, 0 invalid (skipped)" in out


@pytest.mark.django_db
def test_the_compiled_releases_of_imported_data_are_queryable(tmp_path):
    items = [
        release("ocds-q-1", 1, buyer={"id": "GB-A", "name": "A"}),
        release("ocds-q-1", 2, tender={"status": "complete"}),
        release("ocds-q-2", 5, buyer={"id": "GB-B", "name": "B"}),
        release("ocds-q-3", 9, buyer={"id": "GB-A", "name": "A"}),
    ]
    import_paths([write_jsonl(tmp_path / "feed.jsonl", items)])

    of_a = selectors.external_compiled_releases(buyer_id="GB-A")
    assert [row.ocid for row in of_a] == ["ocds-q-3", "ocds-q-1"]  # newest first
    january = selectors.external_compiled_releases(
        since=datetime(2024, 1, 3, tzinfo=UTC), until=datetime(2024, 1, 7, tzinfo=UTC)
    )
    assert [row.ocid for row in january] == ["ocds-q-2", "ocds-q-1"]
    one = selectors.external_compiled_releases(ocid="ocds-q-1").get()
    assert one.compiled["tender"]["status"] == "complete"
    assert one.compiled["buyer"] == {"id": "GB-A", "name": "A"} and one.buyer_id == "GB-A"
    assert selectors.external_compiled_releases(ocid="ocds-q-2").get().buyer_id == "GB-B"


@pytest.mark.django_db
def test_a_compiled_release_without_a_buyer_or_with_a_numeric_buyer_id(tmp_path):
    items = [
        release("ocds-n-1", 1),
        release("ocds-n-2", 2, buyer={"id": 1234, "name": "Numbered"}),
        release("ocds-n-3", 3, buyer={"id": {"scheme": "odd"}}),
    ]
    import_paths([write_jsonl(tmp_path / "feed.jsonl", items)])

    buyers = dict(ExternalCompiledRelease.objects.values_list("ocid", "buyer_id"))
    assert buyers == {"ocds-n-1": "", "ocds-n-2": "1234", "ocds-n-3": ""}
    assert selectors.external_compiled_releases(buyer_id="1234").get().ocid == "ocds-n-2"


# -- never crashes on malformed input -------------------------------------------------------------

# JSON as publishers write it: numbers a double holds (yajl stops at 64-bit integers, and
# orjson at infinities, each with a clear error for the file)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**53), 2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=8,
)
dates = st.one_of(
    st.sampled_from(
        ["2024-01-01T00:00:00Z", "2024-13-01T00:00:00Z", "2024-01-01", "", "2024-01-01T25:00Z"]
    ),
    st.text(max_size=25),
    json_values,
)


@st.composite
def malformed(draw):
    """A release with fields missing, of the wrong type, or a bad date; or any JSON value."""
    item = release(draw(st.sampled_from(["ocds-h-1", "ocds-h-2"])), draw(st.integers(1, 9)))
    for field in draw(st.sets(st.sampled_from(["ocid", "id", "date", "tag"]))):
        choice = draw(st.integers(0, 2))
        if choice == 0:
            item.pop(field)
        elif field == "date":
            item[field] = draw(dates)
        else:
            item[field] = draw(json_values)
    return draw(st.one_of(st.just(item), json_values))


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(items=st.lists(malformed(), max_size=12), as_package=st.booleans())
def test_malformed_items_never_crash_the_importer_and_are_all_reported(
    tmp_path_factory, items, as_package
):
    folder = tmp_path_factory.mktemp("malformed")
    if as_package:
        path = folder / "package.json"
        path.write_bytes(orjson.dumps({"releases": items}))
    else:
        path = write_jsonl(folder / "items.jsonl", items)
    before = ExternalRelease.objects.count()

    summary, problems = import_paths([path], again=True)

    valid = [item for item in items if check_release(item)[0] is None]
    if not as_package:  # a line is a package or a record when it looks like one
        valid = [
            item
            for item in items
            if not (type(item) is dict and ({"releases", "records"} & set(item)))
        ]
        valid = [item for item in valid if check_release(item)[0] is None]
    assert summary.file_errors == []
    assert summary.read == summary.stored + summary.duplicates + summary.invalid
    assert len([p for p in problems if p.path == str(path)]) == summary.invalid
    assert summary.stored + summary.duplicates == len(valid)
    assert ExternalRelease.objects.count() - before == summary.stored
    for problem in problems:
        assert problem.reason and (problem.position or problem.path == "compile")


@st.composite
def damaged_files(draw) -> tuple[str, bytes]:
    """A good file of each format, cut short and with bytes overwritten (after compressing)."""
    form = draw(st.sampled_from(["feed.jsonl", "feed.jsonl.gz", "package.json", "package.json.gz"]))
    items = releases_of(2, 3)
    if form.startswith("package"):
        data = json.dumps({"version": "1.1", "releases": items}, indent=1).encode()
    else:
        data = b"".join(orjson.dumps(item) + b"\n" for item in items)
    if form.endswith(".gz"):
        data = gzip.compress(data)
    data = bytearray(data[: draw(st.integers(0, len(data)))])
    if data:
        for _ in range(draw(st.integers(0, 3))):
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    return form, bytes(data)


@pytest.mark.django_db
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(damaged=damaged_files())
def test_damaged_files_never_crash_the_importer(tmp_path_factory, damaged):
    """Each file is read to its end or stops with a clear error; what was stored is what the
    summary says, and nothing of a failed batch."""
    name, data = damaged
    path = tmp_path_factory.mktemp("damaged") / name
    path.write_bytes(data)
    before = ExternalRelease.objects.count()

    summary, problems = import_paths([path], again=True, batch_size=4)

    assert summary.files_imported + summary.files_failed == 1
    for error in summary.file_errors:
        assert error.path == str(path) and error.reason
    assert len(problems) >= summary.invalid + summary.files_failed
    assert summary.read == summary.stored + summary.duplicates + summary.invalid
    assert ExternalRelease.objects.count() - before == summary.stored
