"""`levelfield import-spend`: spend files as published, with their many column spellings, bad
rows, reruns and interruptions."""

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from levelfield.insights import spend_reading
from levelfield.insights.models import SpendFile, SpendLine
from levelfield.insights.spend_import import SpendImporter

pytestmark = pytest.mark.django_db


def write_csv(path, text: str, encoding: str = "utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


# As central government publishes it: family and entity, expense type and area.
CENTRAL = (Path(__file__).parent / "data" / "dfe-spend.csv").read_text(encoding="utf-8")


def test_a_department_file_is_read_with_its_spellings(tmp_path):
    path = write_csv(tmp_path / "dfe-jan.csv", CENTRAL)
    call_command("import-spend", str(path), "--progress", "lines")
    lines = list(SpendLine.objects.order_by("line"))
    assert [line.line for line in lines] == [2, 3, 4]
    first, second, third = lines
    assert first.body == "Education and Skills Funding Agency"  # Entity before the family
    assert first.date == date(2026, 1, 31)
    assert first.expense_type == "Grants"
    assert first.supplier_name == "ACME SERVICES LTD"
    assert first.supplier_key == "acme services"
    assert first.transaction_number == "TX-1"
    assert first.amount == Decimal("25000.00")
    assert second.date == date(2026, 2, 15)
    assert second.amount == Decimal("-1200.50")  # brackets are a credit
    assert third.amount == Decimal("100000.00")
    spend_file = SpendFile.objects.get()
    assert (spend_file.name, spend_file.rows, spend_file.complete) == ("dfe-jan.csv", 3, True)


COUNCIL = """\
Sandbourne Borough Council
Payments over £500 - January 2026

Body Name,Payment Date,Service Area,Merchant Name,Reference,Amount (£),Company Number
Sandbourne BC,31/01/26,Highways,Café Roads Ltd,R1,"1,234.56",123456
Sandbourne BC,46053,Adult Social Care,Wessex Care,R2,£500,
,,,,,,
"""


def test_a_council_file_in_windows_1252_with_a_title_above_its_header(tmp_path):
    path = write_csv(tmp_path / "council.csv", COUNCIL, encoding="cp1252")
    call_command("import-spend", str(path), "--progress", "lines")
    lines = list(SpendLine.objects.order_by("line"))
    assert [line.line for line in lines] == [5, 6]
    assert lines[0].supplier_name == "Café Roads Ltd"
    assert lines[0].supplier_ch == "00123456"
    assert lines[0].date == date(2026, 1, 31)
    assert lines[0].expense_type == "Highways"
    assert lines[0].transaction_number == "R1"
    assert lines[1].date == date(2026, 1, 31)  # an Excel serial
    assert lines[1].amount == Decimal("500.00")


def test_utf8_with_a_byte_order_mark_and_other_spellings(tmp_path):
    text = (
        "Organisation,Date Paid,Purpose of Expenditure,Vendor,Transaction No,Net Amount\r\n"
        "Shire CC,1 March 2026,Care,Ñandú Ltd,9,10\r\n"
    )
    path = tmp_path / "shire.csv"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    call_command("import-spend", str(path), "--progress", "lines")
    line = SpendLine.objects.get()
    assert (line.body, line.supplier_name, line.expense_type) == ("Shire CC", "Ñandú Ltd", "Care")
    assert (line.date, line.amount, line.transaction_number) == (
        date(2026, 3, 1),
        Decimal("10.00"),
        "9",
    )


def test_an_xlsx_file_with_dates_as_dates_and_numbers(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Expenditure over £25,000"])
    sheet.append([])
    sheet.append(["Transaction Date", "Supplier Name", "Value", "Expense Area", "Transaction Id"])
    sheet.append([datetime(2026, 4, 1), "Delta Ltd", 30000.1, "Estates", 7001])
    sheet.append([46113, "Epsilon", "£1,000", "Estates", 7002])
    sheet.append([None, None, None])
    path = tmp_path / "spend.xlsx"
    book.save(path)
    call_command("import-spend", str(path), "--progress", "lines", "--body", "Ministry of Tests")
    lines = list(SpendLine.objects.order_by("line"))
    assert [(line.line, line.date, line.amount) for line in lines] == [
        (4, date(2026, 4, 1), Decimal("30000.10")),
        (5, date(2026, 4, 1), Decimal("1000.00")),
    ]
    assert lines[0].body == "Ministry of Tests"
    assert lines[0].transaction_number == "7001"


def test_a_bad_row_is_reported_with_file_and_line_and_nothing_of_the_file_is_stored(
    tmp_path, capsys
):
    good = write_csv(tmp_path / "good.csv", CENTRAL)
    bad = write_csv(
        tmp_path / "bad.csv",
        "Date,Supplier,Amount\n"
        "31/01/2026,Acme,10\n"
        "31/02/2026,Acme,10\n"  # no such day
        "01/03/2026,,10\n"
        "01/03/2026,Acme,ten pounds\n",
    )
    with pytest.raises(CommandError, match="1 file.*refused.*3 bad rows"):
        call_command("import-spend", str(good), str(bad), "--progress", "lines")
    err = capsys.readouterr().err
    assert f"{bad}: line 3: the date '31/02/2026' is not a date" in err
    assert f"{bad}: line 4: no supplier" in err
    assert f"{bad}: line 5: the amount 'ten pounds' is not a number" in err
    assert list(SpendFile.objects.values_list("name", flat=True)) == ["good.csv"]
    assert SpendLine.objects.filter(file__name="bad.csv").count() == 0
    assert SpendLine.objects.count() == 3


def test_a_file_without_a_header_is_refused(tmp_path, capsys):
    path = write_csv(tmp_path / "nothing.csv", "a,b,c\n1,2,3\n")
    with pytest.raises(CommandError):
        call_command("import-spend", str(path), "--progress", "lines")
    assert "no header row naming the columns date, supplier and amount" in capsys.readouterr().err
    assert not SpendFile.objects.exists()


def test_a_rerun_stores_nothing_twice_even_renamed(tmp_path, capsys):
    path = write_csv(tmp_path / "dfe.csv", CENTRAL)
    call_command("import-spend", str(path), "--progress", "lines")
    renamed = tmp_path / "other" / "dfe-copy.csv"
    renamed.parent.mkdir()
    renamed.write_bytes(path.read_bytes())
    capsys.readouterr()
    call_command("import-spend", str(path), str(tmp_path / "other"), "--progress", "lines")
    out = capsys.readouterr().out
    assert "already imported (as dfe.csv), skipped" in out
    assert "lines stored: 0" in out
    assert SpendFile.objects.count() == 1
    assert SpendLine.objects.count() == 3


def test_an_interrupted_import_continues_where_it_stopped(tmp_path):
    rows = "".join(f"0{1 + n % 9}/01/2026,Supplier {n},{n}.50\n" for n in range(25))
    path = write_csv(tmp_path / "big.csv", "Date,Supplier,Amount\n" + rows)

    def stop(stored):
        if stored >= 10:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        SpendImporter(batch_size=4, after_batch=stop).run([path])
    spend_file = SpendFile.objects.get()
    assert spend_file.complete is False
    assert spend_file.lines_done == 13  # three batches of four, after the header
    assert SpendLine.objects.count() == 12

    summary = SpendImporter(batch_size=4).run([path])
    assert summary.lines_resumed == 12
    assert summary.stored == 13
    spend_file.refresh_from_db()
    assert spend_file.complete is True
    assert SpendLine.objects.count() == 25
    assert sorted(SpendLine.objects.values_list("line", flat=True)) == list(range(2, 27))


def test_the_command_says_it_was_interrupted(tmp_path, monkeypatch):
    path = write_csv(tmp_path / "dfe.csv", CENTRAL)

    def interrupted(self, paths):
        raise KeyboardInterrupt

    monkeypatch.setattr(SpendImporter, "run", interrupted)
    with pytest.raises(CommandError, match="run the same command again to continue"):
        call_command("import-spend", str(path), "--progress", "lines")


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("31/01/2026", date(2026, 1, 31)),
        ("31-Jan-2026", date(2026, 1, 31)),
        ("31-Jan-26", date(2026, 1, 31)),
        ("2026-01-31", date(2026, 1, 31)),
        ("31/01/2026 00:00:00", date(2026, 1, 31)),
        ("31 January 2026", date(2026, 1, 31)),
        ("31.01.2026", date(2026, 1, 31)),
        (46053, date(2026, 1, 31)),
        ("46053", date(2026, 1, 31)),
        (datetime(2026, 1, 31, 12), date(2026, 1, 31)),
    ],
)
def test_uk_dates(cell, expected):
    assert spend_reading.parse_date(cell) == expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("£1,234.56", "1234.56"),
        ("(1,234.56)", "-1234.56"),
        ("-£12", "-12.00"),
        ("£-12", "-12.00"),
        ("12.00-", "-12.00"),
        (" 1 000 ", "1000.00"),
        ("GBP 5", "5.00"),
        (1234.5, "1234.50"),
        (7, "7.00"),
    ],
)
def test_amounts(cell, expected):
    assert spend_reading.parse_amount(cell) == Decimal(expected)


@pytest.mark.parametrize("cell", ["", "abc", "1.2.3", "£", "1e5", True])
def test_not_amounts(cell):
    with pytest.raises(ValueError):
        spend_reading.parse_amount(cell)
