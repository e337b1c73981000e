"""A measurement framework imported from fuzzed files (issue 17), through the buyer's page:
rows in the layout the page asks for with each cell good or bad (codes missing, too long or
repeated; units missing or too long; proxy values negative, too precise, too large, words,
NaN), in CSV (with NUL characters and Windows-1252 too) and XLSX; and bytes that are neither.
Never a server error; the framework is stored whole, or refused naming each bad line with
nothing stored."""

import csv
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from levelfield.core.csv_rows import NULL_CHARACTER
from levelfield.core.tests.test_workbooks import sheet_cut_short, workbook
from levelfield.socialvalue.frameworks import FrameworkFileError, read_framework
from levelfield.socialvalue.models import Measure, MeasurementFramework

pytestmark = pytest.mark.django_db

# A few dozen examples: the whole fuzzing stays within minutes (no deadline: conftest.py)
FUZZ = settings(max_examples=40, suppress_health_check=list(HealthCheck))

HEADERS = {
    "code": ["code", "Measure code", "Ref"],
    "description": ["Description", "Measure", "Title"],
    "unit": ["Unit", "Units", "Unit of measure"],
    "proxy_value": ["Proxy value (£)", "Proxy", "Value"],
}
printable = st.text(st.characters(blacklist_categories=["Cs", "Cc"]), min_size=1, max_size=20)
words = printable.map(str.strip).filter(lambda text: text and not text.startswith("="))
good_proxies = st.one_of(
    st.just(""),
    st.integers(0, 10**9 - 1).map(lambda pence: f"{pence / 100:.2f}"),
    st.integers(0, 10**6).map(lambda pounds: f"£{pounds:,}"),
)
BAD = {
    "code": ["", "C" * 41],
    "description": [""],
    "unit": ["", "u" * 61],
    "proxy_value": ["-1", "1.234", "ten pounds", "NaN", "Infinity", "1e9", "1000000000", "1e-7"],
}


@st.composite
def measure_rows(draw):
    """(header, rows, the lines of the bad rows); a row's line is its number in the file."""
    fields = ["code", "description", "unit"] + (["proxy_value"] if draw(st.booleans()) else [])
    fields = draw(st.permutations(fields))
    header = [draw(st.sampled_from(HEADERS[field])) for field in fields]
    rows, bad, seen = [], [], set()
    for number in range(draw(st.integers(1, 8))):
        broken = draw(st.sampled_from([None, None, None, *fields, "repeat"]))
        cells = {
            "code": f"M{number}-{draw(words)}"[:40],
            "description": draw(words),
            "unit": draw(words)[:60],
            "proxy_value": draw(good_proxies),
        }
        if broken == "repeat" and seen:
            cells["code"] = "m" + draw(st.sampled_from(sorted(seen)))[1:]  # another case
        elif broken in BAD:
            cells[broken] = draw(st.sampled_from(BAD[broken]))
        if (broken == "repeat" and seen) or broken in BAD:
            bad.append(number + 2)
        if cells["code"].startswith("M"):
            seen.add(cells["code"])
        rows.append([cells[field] for field in fields])
    return header, rows, bad


def xlsx(header, rows) -> bytes:
    return workbook([header, *rows])


def as_csv(header, rows, encoding: str) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out).writerows([header, *rows])
    try:
        return out.getvalue().encode(encoding)
    except UnicodeEncodeError:
        return out.getvalue().encode("utf-8")


def post(client, name: str, raw: bytes):
    """Import through the buyer's page: (the answer, frameworks and measures added)."""
    frameworks, measures = MeasurementFramework.objects.count(), Measure.objects.count()
    upload = SimpleUploadedFile(name, raw)
    response = client.post(reverse("socialvalue:frameworks"), {"name": "Fuzzed", "file": upload})
    assert response.status_code in (200, 302), response.status_code
    added = (
        MeasurementFramework.objects.count() - frameworks,
        Measure.objects.count() - measures,
    )
    return response, added


def page_lines(response) -> list[int]:
    """The line numbers the page's error summary names."""
    return sorted({int(n) for n in re.findall(r"Line (\d+):", response.content.decode())})


@FUZZ
@given(data=st.data(), workbook=st.booleans())
def test_a_framework_is_imported_whole_or_refused_naming_each_bad_line(
    client, officer, data, workbook
):
    client.force_login(officer)
    header, rows, bad = data.draw(measure_rows())
    if workbook:
        name, raw = "measures.xlsx", xlsx(header, rows)
    else:
        encoding = data.draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
        name, raw = "measures.csv", as_csv(header, rows, encoding)
    note(f"{header} {rows} bad={bad}")

    response, added = post(client, name, raw)

    if bad:
        assert response.status_code == 200 and added == (0, 0)
        assert page_lines(response) == sorted(set(bad))
    else:
        assert response.status_code == 302 and added == (1, len(rows))


@st.composite
def not_frameworks(draw) -> tuple[str, bytes]:
    kind = draw(st.sampled_from(["bytes", "nul", "workbook", "text"]))
    if kind == "bytes":
        return draw(st.sampled_from(["m.csv", "m.xlsx"])), draw(st.binary(min_size=1))
    if kind == "text":
        text = draw(st.text(min_size=1, max_size=200))
        return "m.csv", text.encode(draw(st.sampled_from(["utf-8", "utf-16", "cp1252"])), "replace")
    header, rows, _ = draw(measure_rows())
    if kind == "nul":  # a NUL character in a cell (PostgreSQL cannot store it)
        raw = as_csv(header, rows, "utf-8")
        at = draw(st.integers(0, len(raw)))
        return "m.csv", raw[:at] + b"\x00" + raw[at:]
    raw = bytearray(xlsx(header, rows))
    for _ in range(draw(st.integers(1, 30))):
        raw[draw(st.integers(0, len(raw) - 1))] = draw(st.integers(0, 255))
    return "m.xlsx", bytes(raw)


@FUZZ
@given(file=not_frameworks())
def test_bytes_that_are_no_framework_are_refused_never_a_server_error(client, officer, file):
    client.force_login(officer)
    name, raw = file
    note(repr(raw[:300]))

    response, added = post(client, name, raw)

    if response.status_code == 200:
        assert added == (0, 0)
    else:
        # a workbook with a byte changed where nothing reads it is still a workbook (and a
        # workbook, a ZIP, is full of NUL bytes); a CSV with a NUL character never goes in
        assert added[0] == 1 and (name.endswith(".xlsx") or b"\x00" not in raw)


def test_a_nul_character_in_a_cell_is_refused_naming_its_line():
    """Found by the fuzzing: the CSV reader let a NUL character through into the measure's
    code, which PostgreSQL refuses to store (a server error there, where the upload's own
    check had looked at the file's first bytes only)."""
    raw = b"code,description,unit\nAPP,Apprenticeships,weeks\nV\x00L,Volunteering,hours\n"

    with pytest.raises(FrameworkFileError) as refused:
        read_framework(raw, "measures.csv")

    assert refused.value.problems == [f"Line 3: {NULL_CHARACTER}"]


def test_a_workbook_whose_sheet_is_cut_short_is_refused_naming_the_line(client, officer):
    """Found by the fuzzing: a damaged sheet failed half way through openpyxl's reading with
    an XML ParseError, a server error."""
    client.force_login(officer)
    rows = [[f"M{n}", f"Measure {n}", "hours", n] for n in range(60)]
    raw = sheet_cut_short(xlsx(["Code", "Description", "Unit", "Proxy"], rows))

    response, added = post(client, "measures.xlsx", raw)

    assert response.status_code == 200 and added == (0, 0)
    assert "the workbook cannot be read from this row on" in response.content.decode()
