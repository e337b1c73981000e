"""`levelfield import-ocds` fuzzed (issue 17): files of every shape the importer reads, with
hostile content written straight into their bytes (tokens JSON does not allow or a database
cannot store, numbers no double holds, nesting deeper than a parser goes, bytes that are not
UTF-8, NUL characters, a byte order mark, duplicates, dates in odd forms), then cut short or
damaged. Whatever comes, the import ends with a summary or an error naming the file and where
in it; the store holds what the summary says, nothing of a failed batch; and the good data
imported again afterwards is stored once."""

import gzip
import random

import orjson
import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from levelfield.opendata.importer import import_paths
from levelfield.opendata.models import ExternalCompiledRelease, ExternalFile, ExternalRelease

from .test_import import release

# A few dozen examples: the whole fuzzing stays within minutes (no deadline: conftest.py)
FUZZ = settings(max_examples=25, suppress_health_check=list(HealthCheck))

# Raw JSON written where a value goes: what publishers' tools get wrong, and what the store
# cannot take.
HOSTILE_TOKENS = [
    b"NaN",
    b"Infinity",
    b"-Infinity",
    b"1e400",
    b"-1e-400",
    b"123456789012345678901234567890",
    b"-9223372036854775809",
    b'"\\u0000"',
    b'"a\\u0000b"',
    b'"\\ud800"',
    b'"\\udc00\\ud800"',
    b'"\xff\xfe"',
    b'"caf\xe9"',
    b'"\xed\xa0\x80"',  # a surrogate encoded as UTF-8 (CESU)
    b'"tab\there"',
    b'"\\\\u0000"',  # a backslash then u0000: text, not a NUL
    b"[" * 300 + b"]" * 300,
    b"[" * 1100 + b"]" * 1100,
    b'{"a":' * 400 + b"1" + b"}" * 400,
    b'"' + b"x" * 300 + b'"',
    b'""',
    b'"   "',
    b"null",
    b"true",
    b"{}",
    b"[]",
    b"0",
    b'"2024-02-30T10:00:00Z"',
    b'"0000-01-01T00:00:00Z"',
    b'"0001-01-01T00:00:00+01:00"',
    b'"9999-12-31T23:59:59-01:00"',
    b'"2024-01-01T10:00:00.123456789123Z"',
    b'"2024-01-01t10:00:00z"',
    b'"2024-01-01T10:00:00+23:59"',
    b'"\xd9\xa2\xd9\xa0\xd9\xa2\xd9\xa4-01-01T00:00:00Z"',  # Arabic-Indic digits
    b'"\\u0032024-01-01T00:00:00Z"',
]
FIELDS = ["ocid", "id", "date", "tag", "title", "buyer", "extra", "amount"]
SHAPES = ["jsonl", "array", "releases", "records", "linked", "package-lines"]


@st.composite
def hostile_releases(draw) -> tuple[list[dict], dict[str, bytes], dict[str, bytes]]:
    """(releases of a few processes, some repeated; the hostile tokens to write in place of
    their placeholders; the good values they replaced)."""
    count = draw(st.integers(1, 6))
    items = []
    tokens: dict[str, bytes] = {}
    good: dict[str, bytes] = {}
    for number in range(1, count + 1):
        item = release(f"ocds-fz-{draw(st.integers(1, 3))}", number)
        for field in draw(st.lists(st.sampled_from(FIELDS), max_size=2, unique=True)):
            placeholder = f"@@token{len(tokens)}@@"
            tokens[placeholder] = draw(st.sampled_from(HOSTILE_TOKENS))
            if field == "title":
                place, key = item["tender"], "title"
            elif field == "amount":
                place, key = item["tender"]["value"], "amount"
            elif field == "buyer":
                item["buyer"] = {"id": "GB-1", "name": "Council"}
                place, key = item["buyer"], "id"
            else:
                place, key = item, field
            good[placeholder] = orjson.dumps(place.get(key, "fine"))
            place[key] = placeholder
        items.append(item)
    if draw(st.booleans()):  # the same release again, or the same id with other content
        again = dict(draw(st.sampled_from(items)))
        if draw(st.booleans()):
            again["tender"] = {"title": "changed"}
        items.append(again)
    return items, tokens, good


def write_in(data: bytes, tokens: dict[str, bytes]) -> bytes:
    for placeholder, token in tokens.items():
        data = data.replace(orjson.dumps(placeholder), token)
    return data


def file_bytes(shape: str, items: list[dict], tokens: dict[str, bytes]) -> bytes:
    def lines(values):
        return b"".join(write_in(orjson.dumps(value), tokens) + b"\n" for value in values)

    def document(value):
        return write_in(orjson.dumps(value, option=orjson.OPT_INDENT_2), tokens)

    if shape == "jsonl":
        return lines(items)
    if shape == "array":
        return document(items)
    if shape == "releases":
        return document({"uri": "x", "version": "1.1", "releases": items})
    if shape == "package-lines":
        return lines([{"version": "1.1", "releases": items[i : i + 2]} for i in range(0, 9, 2)])
    groups: dict[str, list] = {}
    for item in items:
        groups.setdefault(str(item["ocid"]), []).append(item)
    records = []
    for ocid, group in groups.items():
        record = {"ocid": ocid, "releases": group}
        if shape == "linked":
            record["releases"] = [{"url": "https://example.com", "date": "x"} for _ in group]
            record["compiledRelease"] = group[-1]
        records.append(record)
    return document({"version": "1.1", "records": records})


@st.composite
def hostile_files(draw) -> tuple[str, bytes, bytes]:
    """(name, the damaged bytes, the same file without hostile tokens or damage)."""
    shape = draw(st.sampled_from(SHAPES))
    items, tokens, good = draw(hostile_releases())
    clean = file_bytes(shape, items, good)
    data = file_bytes(shape, items, tokens)
    if draw(st.booleans()):
        data = b"\xef\xbb\xbf" + data
    damage = draw(st.sampled_from(["none", "none", "cut", "bytes", "nul", "append"]))
    if damage == "cut":
        data = data[: draw(st.integers(0, len(data)))]
    elif damage == "bytes":
        data = bytearray(data)
        for _ in range(draw(st.integers(1, 3))):
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
        data = bytes(data)
    elif damage == "nul":
        at = draw(st.integers(0, len(data)))
        data = data[:at] + b"\x00" + data[at:]
    elif damage == "append":
        data += draw(st.sampled_from([b"\x00\x00", b"garbage", b"{", b"\n\n\n", b"]"]))
    name = "feed.jsonl" if shape in ("jsonl", "package-lines") else "package.json"
    if draw(st.booleans()):
        name += ".gz"
        data, clean = gzip.compress(data), gzip.compress(clean)
        if draw(st.booleans()):  # a download cut short
            data = data[: draw(st.integers(0, len(data)))]
    return name, data, clean


def counts() -> tuple[int, int]:
    return ExternalRelease.objects.count(), ExternalCompiledRelease.objects.count()


def check_outcome(path, summary, problems, before: tuple[int, int]) -> None:
    """What every import must leave: a summary or a named error, and the store as it says."""
    assert summary.files_imported + summary.files_failed == 1
    for error in summary.file_errors:
        assert error.path == str(path) and error.reason
        assert "Traceback" not in error.reason
    for problem in problems:
        assert problem.reason and (problem.position or problem.path in (str(path), "compile"))
    if not summary.files_failed:
        # an invalid item is a release read, or a record's compiledRelease
        compiled_invalid = sum("compiledRelease" in problem.position for problem in problems)
        assert summary.read + compiled_invalid == (
            summary.stored + summary.duplicates + summary.invalid
        )
    releases, _ = counts()
    assert releases - before[0] == summary.stored
    checkpoint = ExternalFile.objects.get(path=str(path.resolve()))
    assert ExternalRelease.objects.filter(file=checkpoint).count() == checkpoint.releases_stored
    assert checkpoint.complete == (summary.files_failed == 0)
    # every process with a release has its compiled release, or its failure is reported
    failed = {problem.position for problem in problems if problem.path == "compile"}
    with_releases = set(ExternalRelease.objects.values_list("ocid", flat=True))
    compiled = set(ExternalCompiledRelease.objects.values_list("ocid", flat=True))
    assert with_releases - compiled <= failed


@pytest.mark.django_db
@FUZZ
@given(hostile=hostile_files(), batch_size=st.sampled_from([2, 1000]))
def test_hostile_files_end_in_a_summary_or_a_named_error_and_store_what_it_says(
    tmp_path_factory, hostile, batch_size
):
    name, data, clean = hostile
    note(f"{name}: {data!r}")
    ExternalRelease.objects.all().delete()
    ExternalCompiledRelease.objects.all().delete()
    folder = tmp_path_factory.mktemp("hostile")
    path = folder / name
    path.write_bytes(data)
    before = counts()

    summary, problems = import_paths([path], batch_size=batch_size, workers=1)

    check_outcome(path, summary, problems, before)
    if summary.files_failed and batch_size == 1000:
        # one batch held all of the file: nothing of it is kept
        assert counts()[0] == before[0]

    # The good file afterwards (a publisher's corrected download) stores what it should, once.
    path.write_bytes(clean)
    first, _ = import_paths([path], workers=1)
    assert first.file_errors == [] and first.invalid == 0
    stored = set(ExternalRelease.objects.values_list("ocid", "release_id"))
    again, _ = import_paths([path], again=True, workers=1)
    assert again.stored == 0
    assert set(ExternalRelease.objects.values_list("ocid", "release_id")) == stored
    assert len(stored) == ExternalRelease.objects.count()
    assert set(ExternalCompiledRelease.objects.values_list("ocid", flat=True)) == {
        ocid for ocid, _ in stored
    } | set(ExternalCompiledRelease.objects.filter(release_count=0).values_list("ocid", flat=True))


@pytest.mark.django_db
@FUZZ
@given(hostile=hostile_files())
def test_the_command_fails_with_a_message_never_a_traceback(tmp_path_factory, hostile, capsys):
    name, data, _ = hostile
    note(f"{name}: {data!r}")
    path = tmp_path_factory.mktemp("command") / name
    path.write_bytes(data)

    try:
        call_command("import-ocds", str(path), "--progress", "lines", "--workers", "1")
    except CommandError as exc:
        assert "could not be read" in str(exc) or "file" in str(exc)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert "files: 1" in out


def test_the_strategy_writes_every_hostile_token():
    """The placeholders are all replaced: no test runs on a file that still holds one."""
    rng = random.Random(17)
    for shape in SHAPES:
        items = [release("ocds-fz-1", 1)]
        tokens = {"@@token0@@": rng.choice(HOSTILE_TOKENS)}
        items[0]["extra"] = "@@token0@@"
        assert b"@@token" not in file_bytes(shape, items, tokens)


# -- what the fuzzing found, kept as examples -----------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["package.json", "array.json"])
def test_a_surrogate_written_as_utf8_bytes_is_a_named_error_not_a_crash(tmp_path, name):
    """yajl lets a UTF-16 surrogate encoded as UTF-8 (CESU-8: ED A0 80) through, and Python's
    decoder then refused it with a UnicodeDecodeError that stopped the whole run."""
    items = [release("ocds-cesu", 1), release("ocds-cesu", 2, extra="@@")]
    data = orjson.dumps({"releases": items} if name == "package.json" else items)
    path = tmp_path / name
    path.write_bytes(data.replace(b'"@@"', b'"\xed\xa0\x80"'))

    summary, _ = import_paths([path], workers=1)

    [error] = summary.file_errors
    assert error.path == str(path)
    assert error.position == ("after release 1" if name == "package.json" else "after item 1")
    assert error.reason == (
        "truncated or not valid JSON (a string is not UTF-8 text: invalid continuation byte)"
    )
    assert not ExternalRelease.objects.exists()


def nested(levels: int):
    value: list | int = 0
    for _ in range(levels):
        value = [value]
    return value


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["package.json", "feed.jsonl", "records.json"])
def test_a_release_nested_too_deep_to_write_again_is_reported_and_skipped(tmp_path, name):
    """A release nested 300 levels deep stopped the import of a package with a TypeError
    (orjson writes 254 levels at most); from JSON Lines it was stored as it came, and then
    could not be compiled, nor written out again by anything that serialises the store."""
    deep = release("ocds-deep", 2, extra="@@deep@@")
    fine = release("ocds-deep", 3, extra=nested(200))
    if name == "feed.jsonl":
        data = b"".join(orjson.dumps(item) + b"\n" for item in (deep, fine))
        where = "line 1"
    elif name == "package.json":
        data = orjson.dumps({"releases": [deep, fine]})
        where = "release 1"
    else:  # records whose releases are only linked: their compiledRelease is what is kept
        data = orjson.dumps(
            {
                "records": [
                    {"ocid": "ocds-deep", "releases": [{"url": "u"}], "compiledRelease": deep},
                    {"ocid": "ocds-deep", "releases": [{"url": "u"}], "compiledRelease": fine},
                ]
            }
        )
        where = "record 1, compiledRelease 1"
    path = tmp_path / name
    path.write_bytes(data.replace(b'"@@deep@@"', b"[" * 300 + b"0" + b"]" * 300))

    summary, problems = import_paths([path], workers=1)

    assert summary.file_errors == [] and summary.invalid == 1
    [problem] = [p for p in problems if p.path == str(path)]
    assert problem.position == where
    assert problem.reason.endswith(
        "nested more than 222 levels deep (arrays and objects within each other)"
    )
    kept = list(ExternalRelease.objects.values_list("release_id", flat=True))
    assert kept == ([] if name == "records.json" else ["ocds-deep-003"])
    compiled = ExternalCompiledRelease.objects.get()
    assert compiled.compiled["extra"] == nested(200)
    assert orjson.dumps({"releases": [compiled.compiled]})  # written again inside a package
