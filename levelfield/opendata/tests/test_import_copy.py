"""`levelfield import-ocds` stores by COPY on PostgreSQL and compiles from the releases it has
just stored, kept in memory, without reading them back; a process that has releases the run
did not keep (stored by an earlier run, in a batch with duplicates, past the memory limit) is
read back. Either way the compiled releases are ocdsmerge's, on SQLite and PostgreSQL."""

import pytest

from levelfield.opendata.importer import Importer, import_paths
from levelfield.opendata.importing import compiling
from levelfield.opendata.models import ExternalCompiledRelease, ExternalRelease

from .test_import import (
    Interrupted,
    expected_compiled,
    interrupt_after,
    release,
    releases_of,
    write_jsonl,
)


def stored_compiled() -> dict:
    return {c.ocid: c.compiled for c in ExternalCompiledRelease.objects.all()}


@pytest.fixture
def compiled_from(monkeypatch) -> dict[str, list[str]]:
    """How each process was compiled in this process: "memory" or "store" -> ocids."""
    seen: dict[str, list[str]] = {"memory": [], "store": []}
    groups = Importer._groups

    def spy(self, kept, ocids):
        seen["memory" if kept else "store"].extend(ocids)
        return groups(self, kept, ocids)

    monkeypatch.setattr(Importer, "_groups", spy)
    return seen


@pytest.mark.django_db
def test_a_first_import_compiles_from_the_releases_kept_in_memory(tmp_path, compiled_from):
    items = releases_of(6, 4)
    path = write_jsonl(tmp_path / "feed.jsonl", items)

    summary, problems = import_paths([path], batch_size=5, workers=1)

    assert problems == [] and summary.stored == 24 and summary.compiled == 6
    assert sorted(compiled_from["memory"]) == sorted({i["ocid"] for i in items})
    assert compiled_from["store"] == []
    assert stored_compiled() == expected_compiled(items)
    assert compiling.remembered == {}  # let go once compiled


@pytest.mark.django_db
def test_releases_stored_by_an_earlier_run_are_read_back(tmp_path, compiled_from):
    first = [release("ocds-test-a", 1), release("ocds-test-b", 1)]
    later = [release("ocds-test-a", 2), release("ocds-test-a", 3), release("ocds-test-c", 1)]
    import_paths([write_jsonl(tmp_path / "first.jsonl", first)], workers=1)
    compiled_from["memory"].clear()
    compiled_from["store"].clear()

    summary, problems = import_paths([write_jsonl(tmp_path / "later.jsonl", later)], workers=1)

    assert problems == [] and summary.compiled == 2
    assert compiled_from == {"memory": ["ocds-test-c"], "store": ["ocds-test-a"]}
    assert stored_compiled() == expected_compiled(first + later)


@pytest.mark.django_db
def test_a_batch_with_duplicates_is_read_back_in_store_order(tmp_path, compiled_from):
    old = release("ocds-test-a", 2)
    import_paths([write_jsonl(tmp_path / "old.jsonl", [old])], workers=1)
    compiled_from["store"].clear()
    # a batch holding a release already stored, and one release twice
    items = [release("ocds-test-a", 1), old, release("ocds-test-b", 1), release("ocds-test-b", 1)]
    items.append(release("ocds-test-a", 3))

    summary, problems = import_paths(
        [write_jsonl(tmp_path / "new.jsonl", items)], batch_size=10, workers=1
    )

    assert problems == [] and (summary.stored, summary.duplicates) == (3, 2)
    assert sorted(compiled_from["store"]) == ["ocds-test-a", "ocds-test-b"]
    stored = ExternalRelease.objects.filter(ocid="ocds-test-a").order_by("id")
    assert [r.release_id for r in stored] == [old["id"], items[0]["id"], items[4]["id"]]
    assert stored_compiled() == expected_compiled([old, *items[:3], items[4]])


@pytest.mark.django_db
def test_an_interrupted_import_compiles_every_release_when_resumed(tmp_path, compiled_from):
    items = releases_of(4, 5)
    path = write_jsonl(tmp_path / "feed.jsonl", items)
    with pytest.raises(Interrupted):
        import_paths([path], batch_size=6, after_commit=interrupt_after(2), workers=1)

    summary, problems = import_paths([path], batch_size=6, workers=1)

    assert problems == [] and summary.stored == 8 and summary.compiled == 4
    # every process has releases committed before the interruption: all are read back
    assert compiled_from["memory"] == []
    assert stored_compiled() == expected_compiled(items)


@pytest.mark.django_db
def test_past_the_memory_limit_processes_are_read_back(tmp_path, compiled_from):
    items = releases_of(3, 4)
    path = write_jsonl(tmp_path / "feed.jsonl", items)

    summary = Importer(batch_size=3, workers=1, remember=1).run([path])

    assert summary.compiled == 3
    assert compiled_from["memory"] == [] and len(compiled_from["store"]) == 3
    assert stored_compiled() == expected_compiled(items)


@pytest.mark.django_db(transaction=True)
def test_workers_compile_from_memory_and_from_the_store_alike(tmp_path, spools):
    first = releases_of(10, 1)
    import_paths([write_jsonl(tmp_path / "first.jsonl", first)], workers=1)
    later = [release(f"ocds-test-{o:03d}", n) for n in (2, 3) for o in range(20)]

    summary, problems = import_paths(
        [write_jsonl(tmp_path / "later.jsonl", later)], workers=2, pool_threshold=1
    )

    assert problems == [] and summary.compiled == 20
    assert stored_compiled() == expected_compiled(first + later)


@pytest.fixture
def spools(tmp_path, monkeypatch):
    from levelfield.opendata.importing import reading

    made = []

    def spool_directory():
        directory = tmp_path / f"spool-{len(made)}"
        directory.mkdir()
        made.append(directory)
        return str(directory)

    monkeypatch.setattr(reading, "spool_directory", spool_directory)
    return made
