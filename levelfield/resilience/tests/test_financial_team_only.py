"""Financial standing is the resilience team's: a platform admin not on the team may neither add
an indicator nor import readings, by the actions or by the command (Django grants a superuser
every permission asked without an object; these are checked with the rules themselves)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from levelfield.core.errors import PermissionDenied
from levelfield.resilience.actions_financial import add_indicator
from levelfield.resilience.financial_import import import_financial_readings
from levelfield.resilience.models import Indicator, Reading
from tests.support import testing

pytestmark = pytest.mark.django_db
CSV = b"Supplier,Indicator,Value,As of\nGB-LEVELFIELD-1,credit_score,55,30/11/2023\n"


@pytest.fixture
def platform_admin():
    return testing.UserFactory(is_superuser=True, is_staff=True, email="admin@example.org")


def test_a_platform_admin_not_on_the_team_adds_no_indicator(platform_admin):
    with pytest.raises(PermissionDenied):
        add_indicator(
            code="days_cash",
            name="Days of cash",
            direction="below",
            threshold="30",
            by=platform_admin,
        )
    assert not Indicator.objects.filter(code="days_cash").exists()
    team = testing.resilience_team_member()
    add_indicator(code="days_cash", name="Days of cash", direction="below", threshold="30", by=team)
    assert Indicator.objects.filter(code="days_cash").exists()


def test_a_platform_admin_not_on_the_team_imports_nothing(platform_admin, tmp_path):
    with pytest.raises(PermissionDenied):
        import_financial_readings(
            upload=SimpleUploadedFile("readings.csv", CSV, content_type="text/csv"),
            by=platform_admin,
        )
    path = tmp_path / "readings.csv"
    path.write_bytes(CSV)
    with pytest.raises(CommandError, match="Only the resilience team can import"):
        call_command("import-financial-readings", str(path), "--by", "admin@example.org")
    assert not Reading.objects.exists()
