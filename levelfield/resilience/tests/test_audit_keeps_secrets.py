"""The platform admin's audit log shows what happened to a supplier's resilience data, never the
data: no financial reading's value, no living will's content (the services its missing checks
name). A platform admin not on the resilience team is refused every page and API for it."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from levelfield.core import clock
from levelfield.core.models import AuditEvent
from levelfield.resilience import actions
from levelfield.resilience.actions_financial import record_reading
from tests.support import testing

pytestmark = pytest.mark.django_db

SERVICE = "Nightwatch-7f3a Care"


def test_the_admin_audit_log_shows_no_reading_value_nor_will_content():
    team = testing.resilience_team_member()
    supplier, admin = testing.supplier_with_user("Acorn Care Ltd")
    with clock.frozen_at(datetime(2023, 12, 22, 12, tzinfo=ZoneInfo("Europe/London"))):
        record_reading(
            supplier=supplier,
            indicator_code="credit_score",
            value="17.25",
            as_of=date(2023, 12, 1),
            by=team,
        )
        will = actions.start_living_will(supplier=supplier, by=admin)
        actions.edit_living_will(
            will=will,
            by=admin,
            content={"services": [{"name": SERVICE, "authorities": [], "people_served": 5}]},
            owner=admin,
            review_date=clock.today_uk() + timedelta(days=30),
        )
        actions.submit_living_will(will=will, by=admin)
    events = AuditEvent.objects.filter(action__startswith="financial_") | AuditEvent.objects.filter(
        action__startswith="resilience."
    )
    assert events.filter(action="financial_breach.raised").exists()
    assert events.filter(action="resilience.will_submitted").exists()
    for event in events:
        assert "17.25" not in f"{event.summary} {event.data}"
        assert SERVICE not in f"{event.summary} {event.data}"

    root = Client()
    root.force_login(testing.UserFactory(is_superuser=True, is_staff=True))
    page = root.get("/admin/core/auditevent/").content.decode()
    assert "Living will version 1 submitted" in page
    assert "Credit score of Acorn Care Ltd" in page or "of Acorn Care Ltd" in page
    assert "17.25" not in page
    assert SERVICE not in page
    for event in events:
        opened = root.get(f"/admin/core/auditevent/{event.pk}/change/").content.decode()
        assert "17.25" not in opened
        assert SERVICE not in opened
