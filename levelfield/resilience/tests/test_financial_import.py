"""Importing financial readings from CSV: suppliers by Companies House number or platform
identifier, every bad row listed by line, nothing imported if one row is bad, and a breach
raised for each imported reading past its threshold."""

from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from levelfield.core import clock
from levelfield.core.errors import DomainError, PermissionDenied
from levelfield.core.models import AuditEvent
from levelfield.resilience.financial_import import import_financial_readings
from levelfield.resilience.models import BreachEvent, Reading
from levelfield.suppliers.models import SupplierProfile
from tests.support.testing import resilience_team_member

pytestmark = pytest.mark.django_db
NOW = datetime(2023, 12, 22, 10, 0, tzinfo=ZoneInfo("Europe/London"))
HEADER = "Supplier,Indicator code,Value,As of"


@pytest.fixture
def team():
    return resilience_team_member()


@pytest.fixture
def acorn(supplier):
    organisation = supplier[0]
    SupplierProfile.objects.filter(organisation=organisation).update(
        companies_house_number="01234567"
    )
    return organisation


@pytest.fixture
def beech(other_supplier):
    return other_supplier[0]


def upload(lines, name="readings.csv"):
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode(), content_type="text/csv")


def run(lines, by, name="readings.csv"):
    with clock.frozen_at(NOW):
        return import_financial_readings(upload=upload(lines, name), by=by)


def test_a_good_file_imports_every_reading_and_raises_the_breaches(acorn, beech, team):
    readings = run(
        [
            HEADER,
            "01234567,credit_score,55,30/11/2023",
            f'GB-LEVELFIELD-{beech.pk},net_assets,"-1,250,000",2023-11-30',
            "01234567,profit_warnings,1,1/12/2023",
        ],
        team,
    )
    assert [(r.supplier, r.indicator.code, str(r.value)) for r in readings] == [
        (acorn, "credit_score", "55.0000"),
        (beech, "net_assets", "-1250000.0000"),
        (acorn, "profit_warnings", "1.0000"),
    ]
    assert {r.source for r in readings} == {"imported"}
    assert sorted(BreachEvent.objects.values_list("supplier__name", "indicator__code")) == sorted(
        [(beech.name, "net_assets"), (acorn.name, "profit_warnings")]
    )
    assert AuditEvent.objects.filter(action="financial_breach.raised").count() == 2
    event = AuditEvent.objects.get(action="financial_reading.imported")
    assert event.data["readings"] == [r.pk for r in readings]


def test_a_file_with_bad_rows_imports_nothing_and_lists_each_by_line(acorn, team):
    with pytest.raises(DomainError) as refused:
        run(
            [
                HEADER,
                "01234567,credit_score,20,30/11/2023",  # good, and a breach: not kept
                "99999999,credit_score,50,30/11/2023",
                "01234567,no_such,50,30/11/2023",
                "01234567,net_assets,lots,30/11/2023",
                "01234567,net_assets,5,31/02/2023",
                "01234567,net_assets,5,23/12/2023",
                ",net_assets,5,",
            ],
            team,
        )
    assert refused.value.code == "invalid_readings"
    assert refused.value.message == "Nothing was imported: readings.csv has 7 problems"
    assert refused.value.details == [
        "Line 3: there is no supplier with Companies House number or identifier '99999999'",
        "Line 4: there is no indicator with code 'no_such'",
        "Line 5: the value 'lots' is not a number, like 1250000 or -3.5",
        "Line 6: the date '31/02/2023' is not a date like 31/03/2026 or 2026-03-31",
        "Line 7: the reading date 23 December 2023 is in the future",
        "Line 8: the supplier is missing",
        "Line 8: enter the date the reading is as of",
    ]
    assert not Reading.objects.exists()
    assert not BreachEvent.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="financial_").exists()


@pytest.mark.parametrize(
    ("lines", "name", "message"),
    [
        (["Supplier,Value", "01234567,5"], "readings.csv", "missing: indicator, as of"),
        ([HEADER], "readings.csv", "The file has a header row but no readings"),
        (["a,b\x00", "c"], "readings.csv", "line 1 has a null character"),
    ],
)
def test_a_file_that_cannot_be_read_imports_nothing(acorn, team, lines, name, message):
    with pytest.raises(DomainError) as refused:
        run(lines, team, name)
    assert message in " ".join([refused.value.message, *refused.value.details])
    assert not Reading.objects.exists()


def test_only_a_csv_file_is_read(acorn, team):
    with pytest.raises(DomainError) as refused:
        run([HEADER, "01234567,credit_score,55,30/11/2023"], team, "readings.pdf")
    assert refused.value.code == "invalid_file"


def test_only_the_resilience_team_imports(acorn, supplier, team):
    with pytest.raises(PermissionDenied):
        run([HEADER, "01234567,credit_score,55,30/11/2023"], supplier[1])
    assert not Reading.objects.exists()


def test_the_command_imports_a_file(acorn, team, tmp_path):
    path = tmp_path / "readings.csv"
    path.write_text(f"{HEADER}\n01234567,credit_score,20,30/11/2023\n")
    out = StringIO()
    with clock.frozen_at(NOW):
        call_command("import-financial-readings", str(path), by=team.email, stdout=out)
    assert out.getvalue().strip() == "Imported 1 readings; 1 breaches raised"
    assert BreachEvent.objects.get().supplier == acorn


def test_the_command_lists_bad_rows_and_fails(acorn, team, tmp_path):
    path = tmp_path / "readings.csv"
    path.write_text(f"{HEADER}\n01234567,credit_score,20,30/11/2023\n01234567,x,1,1/1/2023\n")
    err = StringIO()
    with clock.frozen_at(NOW), pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import-financial-readings", str(path), by=team.email, stderr=err)
    assert "Line 3: there is no indicator with code 'x'" in err.getvalue()
    assert not Reading.objects.exists()
