"""The resilience team's financial standing pages: suppliers' latest readings against their
thresholds, breaches overdue first, recording a reading and that a breach was notified,
indicators, and the CSV import (all or nothing). Nobody else finds the pages (404)."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from levelfield.core import clock
from levelfield.resilience.actions_financial import record_reading
from levelfield.resilience.models import BreachEvent, Indicator, Reading
from levelfield.suppliers.models import SupplierProfile
from tests.support import testing

pytestmark = pytest.mark.django_db
UK = ZoneInfo("Europe/London")
# Friday 22 December 2023: then Saturday, Sunday, Christmas Day and Boxing Day (bank holidays)
# are not working days; Wednesday 27 is the first, Thursday 28 the second.
FRIDAY = datetime(2023, 12, 22, 10, 0, tzinfo=UK)
DUE = "midnight at the end of Thursday 28 December 2023 (00:00 GMT on 29 December 2023)"


def uk(y, m, d, hour=12, minute=0):
    return datetime(y, m, d, hour, minute, tzinfo=UK)


@pytest.fixture
def team():
    return testing.resilience_team_member(full_name="Rita Resilience")


@pytest.fixture
def acorn(supplier):
    return supplier[0]


@pytest.fixture
def as_team(client, team):
    client.force_login(team)
    return client


def text(response) -> str:
    """The page's words, without tags and with spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def reading(supplier, team, code="credit_score", value="35", at=FRIDAY, as_of=date(2023, 12, 1)):
    with clock.frozen_at(at):
        return record_reading(
            supplier=supplier, indicator_code=code, value=value, as_of=as_of, by=team
        )


def page(client, name, *args, at=None, **query):
    with clock.frozen_at(at or FRIDAY):
        return client.get(reverse(f"resilience:{name}", args=args), query)


# --- Who may see the pages ----------------------------------------------------------------------


def urls(acorn, breach):
    return [
        ("get", reverse("resilience:financial")),
        ("get", reverse("resilience:financial_supplier", args=[acorn.pk])),
        ("get", reverse("resilience:financial_reading", args=[acorn.pk])),
        ("post", reverse("resilience:financial_reading", args=[acorn.pk])),
        ("get", reverse("resilience:financial_notified", args=[breach.pk])),
        ("post", reverse("resilience:financial_notified", args=[breach.pk])),
        ("get", reverse("resilience:financial_indicators")),
        ("post", reverse("resilience:financial_indicators")),
        ("get", reverse("resilience:financial_import")),
        ("post", reverse("resilience:financial_import")),
    ]


@pytest.mark.parametrize("who", ["supplier", "buyer", "platform admin", "former member"])
def test_nobody_but_the_resilience_team_finds_the_pages(client, acorn, supplier, team, who):
    breach = reading(acorn, team).breach
    if who == "supplier":
        person = supplier[1]  # the breach is its own, and still it sees nothing
    elif who == "buyer":
        person = testing.member(testing.buyer_org(), "buyer_admin")
    elif who == "platform admin":
        person = testing.UserFactory(is_superuser=True, is_staff=True)
    else:
        from levelfield.resilience.actions import revoke_platform_role
        from levelfield.resilience.models import PlatformRole

        person = testing.resilience_team_member()
        admin = testing.UserFactory(is_superuser=True, is_staff=True)
        revoke_platform_role(grant=PlatformRole.objects.get(user=person), by=admin)
    client.force_login(person)
    for method, url in urls(acorn, breach):
        data = {"indicator": "credit_score", "value": "10", "as_of": "1/12/2023"}
        data |= {"code": "x", "name": "X", "direction": "below", "threshold": "1"}
        response = getattr(client, method)(url, data if method == "post" else None)
        assert response.status_code == 404, (method, url)
    assert Reading.objects.count() == 1
    assert Indicator.objects.filter(code="x").count() == 0
    assert BreachEvent.objects.get().notified_at is None


def test_signed_out_people_are_asked_to_sign_in(client):
    response = client.get(reverse("resilience:financial"))
    assert response.status_code == 302
    assert "/account/" in response["Location"] or "login" in response["Location"]


def test_the_team_may_have_no_organisation_and_sees_the_empty_state(as_team):
    response = page(as_team, "financial")
    assert response.status_code == 200
    words = text(response)
    assert "No reading has breached its threshold." in words
    assert "No readings recorded yet." in words


# --- The overview -------------------------------------------------------------------------------


def test_the_overview_shows_each_suppliers_latest_readings_and_breaches_overdue_first(
    as_team, acorn, other_supplier, team
):
    beech = other_supplier[0]
    reading(acorn, team, value="55", as_of=date(2023, 11, 1))
    reading(acorn, team, value="35", as_of=date(2023, 12, 1))  # the latest: a breach
    reading(acorn, team, code="net_assets", value="1250000", as_of=date(2023, 12, 1))
    # Beech's breach is raised on Thursday 28 December: Friday 29 (1), New Year's Day (a bank
    # holiday) on Monday, Tuesday 2 January (2). Still due when Acorn's is overdue.
    reading(beech, team, code="profit_warnings", value="1", at=uk(2023, 12, 28, 9))
    response = page(as_team, "financial", at=uk(2023, 12, 29, 9))
    assert response.status_code == 200
    words = text(response)
    breaches = words[words.index("Breaches Overdue first") : words.index("Suppliers with readings")]
    assert breaches.index("Acorn Care Ltd") < breaches.index("Beech Homecare CIC")
    assert f"Overdue Not notified; it was due by {DUE}" in breaches
    assert "Due Not notified yet; due by midnight at the end of Tuesday 2 January 2024" in breaches
    suppliers = words[words.index("Suppliers with readings") :]
    assert (
        "Credit score: 35 points as of 1 December 2023 (breach when below 40 points) Past the"
        in (suppliers)
    )
    assert "Credit score: 55 points" not in suppliers  # only the latest reading of each indicator
    assert "Net assets: £1,250,000 as of 1 December 2023 (breach when below £0)" in suppliers
    assert "1 overdue" in suppliers


def test_the_overview_costs_the_same_queries_for_more_suppliers(as_team, team):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert page(as_team, "financial").status_code == 200
        return len(queries)

    for _ in range(2):
        reading(testing.supplier_org(), team)
    few = count()
    for _ in range(4):
        organisation = testing.supplier_org()
        reading(organisation, team)
        reading(organisation, team, code="net_assets", value="-5")
    assert count() == few


def test_a_supplier_is_found_by_name_without_javascript(as_team, acorn, other_supplier):
    response = page(as_team, "financial", q="acorn")
    found = text(response)[text(response).index("Find a supplier") :]
    assert "Acorn Care Ltd" in found and "Beech Homecare CIC" not in found
    assert reverse("resilience:financial_supplier", args=[acorn.pk]) in response.content.decode()
    assert "No supplier's name contains “zebra”" in text(page(as_team, "financial", q="zebra"))


# --- The 2 working days, as the pages say them ----------------------------------------------------


def test_a_breach_raised_on_friday_before_christmas_is_due_by_the_end_of_thursday(as_team, acorn):
    response = as_team.post(
        reverse("resilience:financial_reading", args=[acorn.pk]),
        {"indicator": "credit_score", "value": "35", "as_of": "1/12/2023"},
        follow=True,
    )
    # Recorded at the real time: the due time is worked out from it, so record again frozen.
    assert "a breach was raised" in text(response)
    Reading.objects.all().delete()
    with clock.frozen_at(FRIDAY):
        response = as_team.post(
            reverse("resilience:financial_reading", args=[acorn.pk]),
            {"indicator": "credit_score", "value": "35", "as_of": "1/12/2023"},
            follow=True,
        )
    assert f"It is past the threshold, so a breach was raised: it must be notified by {DUE}" in (
        text(response)
    )
    # Late on Thursday 28 December it is still due; on Friday 29 December it is overdue.
    words = text(page(as_team, "financial_supplier", acorn.pk, at=uk(2023, 12, 28, 23, 59)))
    assert f"Due Not notified yet; due by {DUE}" in words
    words = text(page(as_team, "financial_supplier", acorn.pk, at=uk(2023, 12, 29, 0, 1)))
    assert f"Overdue Not notified; it was due by {DUE}" in words
    assert "Raised" in words and "10:00am GMT on 22 December 2023" in words


def test_notified_on_thursday_28_december_is_on_time(as_team, acorn, team):
    breach = reading(acorn, team).breach
    url = reverse("resilience:financial_notified", args=[breach.pk])
    prefix = f"breach-{breach.pk}"
    with clock.frozen_at(uk(2023, 12, 29, 9)):
        response = as_team.post(
            url, {f"{prefix}-day": "28/12/2023", f"{prefix}-time": "4:30pm"}, follow=True
        )
    words = text(response)
    assert "The Credit score breach is recorded as notified" in words
    assert "Notified on time Notified 4:30pm GMT on 28 December 2023; it was due by " + DUE in words
    breach.refresh_from_db()
    assert breach.notified_by.full_name == "Rita Resilience"


def test_notified_on_friday_29_december_is_late(as_team, acorn, team):
    breach = reading(acorn, team).breach
    prefix = f"breach-{breach.pk}"
    with clock.frozen_at(uk(2023, 12, 29, 15)):
        as_team.post(
            reverse("resilience:financial_notified", args=[breach.pk]),
            {f"{prefix}-day": "29/12/2023", f"{prefix}-time": "09:15"},
        )
    words = text(page(as_team, "financial_supplier", acorn.pk, at=uk(2023, 12, 29, 15)))
    assert "Notified late Notified 9:15am GMT on 29 December 2023" in words
    assert "Record that it was notified" not in words


@pytest.mark.parametrize(
    ("day", "time", "message"),
    [
        ("27/12/2023", "09:30", "The time notified cannot be in the future"),
        ("22/12/2023", "09:00", "The time notified cannot be before the breach was raised"),
        ("31/02/2023", "09:00", "Enter the date it was notified as a real date"),
        ("27/12/2023", "9", "Enter the time it was notified like 14:30 or 2:30pm"),
        ("", "09:00", "Enter the date it was notified"),
    ],
)
def test_a_wrong_time_notified_is_refused_beside_its_field(
    as_team, acorn, team, day, time, message
):
    breach = reading(acorn, team).breach
    prefix = f"breach-{breach.pk}"
    with clock.frozen_at(uk(2023, 12, 27, 9)):
        response = as_team.post(
            reverse("resilience:financial_notified", args=[breach.pk]),
            {f"{prefix}-day": day, f"{prefix}-time": time},
        )
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    field = "time" if "time" in message.lower() and "date" not in message else "day"
    assert f'href="#id_{prefix}-{field}"' in html  # the error summary links to the field
    breach.refresh_from_db()
    assert breach.notified_at is None


def test_a_breach_already_notified_is_not_notified_twice(as_team, acorn, team):
    breach = reading(acorn, team).breach
    prefix = f"breach-{breach.pk}"
    data = {f"{prefix}-day": "27/12/2023", f"{prefix}-time": "09:00"}
    url = reverse("resilience:financial_notified", args=[breach.pk])
    with clock.frozen_at(uk(2023, 12, 27, 10)):
        assert as_team.post(url, data).status_code == 302
        response = as_team.post(url, {**data, f"{prefix}-time": "09:30"})
    assert response.status_code == 400
    assert "This breach was already recorded as notified" in text(response)
    breach.refresh_from_db()
    assert breach.notified_at == uk(2023, 12, 27, 9)


# --- Recording a reading ------------------------------------------------------------------------


def test_a_reading_within_its_threshold_is_recorded_without_a_breach(as_team, acorn):
    with clock.frozen_at(FRIDAY):
        response = as_team.post(
            reverse("resilience:financial_reading", args=[acorn.pk]),
            {"indicator": "net_assets", "value": "£1,250,000", "as_of": "30/11/2023"},
            follow=True,
        )
    assert "Net assets reading recorded" in text(response)
    assert "breach was raised" not in text(response)
    saved = Reading.objects.get()
    assert (saved.supplier, str(saved.value), saved.source) == (acorn, "1250000.0000", "entered")
    assert not BreachEvent.objects.exists()
    words = text(page(as_team, "financial_supplier", acorn.pk))
    assert "30 November 2023 £1,250,000 Within it Entered" in words


def test_a_bad_reading_is_refused_with_every_problem_beside_its_field(as_team, acorn):
    with clock.frozen_at(FRIDAY):
        response = as_team.post(
            reverse("resilience:financial_reading", args=[acorn.pk]),
            {"indicator": "no_such", "value": "lots", "as_of": "23/12/2023"},
        )
    assert response.status_code == 400
    html = response.content.decode()
    for field, message in (
        ("indicator", "There is no indicator with code &#x27;no_such&#x27;"),
        ("value", "The value &#x27;lots&#x27; is not a number"),
        ("as_of", "The reading date 23 December 2023 is in the future"),
    ):
        assert message in html
        assert f'href="#id_{field}"' in html
    assert not Reading.objects.exists()


def test_readings_are_kept_for_suppliers_only(as_team, buyer):
    response = page(as_team, "financial_reading", buyer.pk)
    assert response.status_code == 404


# --- Indicators ---------------------------------------------------------------------------------


def test_the_team_adds_an_indicator(as_team):
    response = as_team.post(
        reverse("resilience:financial_indicators"),
        {
            "name": "Days of cash",
            "code": "days_cash",
            "unit": "days",
            "direction": "below",
            "threshold": "30",
        },
        follow=True,
    )
    words = text(response)
    assert "Indicator Days of cash added" in words
    assert "Days of cash days_cash Below the threshold: 30 days" in words
    assert Indicator.objects.get(code="days_cash").name == "Days of cash"


def test_a_bad_indicator_is_refused_by_the_action_beside_each_field(as_team):
    response = as_team.post(
        reverse("resilience:financial_indicators"),
        {"name": "", "code": "Credit Score", "direction": "", "threshold": "lots"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    for field in ("name", "code", "direction", "threshold"):
        assert f'href="#id_{field}"' in html
    assert "Enter the indicator&#x27;s name" in html
    assert "Choose whether a breach is below or above the threshold" in html
    response = as_team.post(
        reverse("resilience:financial_indicators"),
        {"name": "Credit", "code": "credit_score", "direction": "below", "threshold": "1"},
    )
    assert "There is already an indicator with code &#x27;credit_score&#x27;" in (
        response.content.decode()
    )


# --- The CSV import -----------------------------------------------------------------------------


def csv_file(*rows, name="readings.csv"):
    body = "\n".join(["Supplier,Indicator,Value,As of", *rows]) + "\n"
    return SimpleUploadedFile(name, body.encode(), content_type="text/csv")


@pytest.fixture
def numbered(acorn):
    SupplierProfile.objects.filter(organisation=acorn).update(companies_house_number="01234567")
    return acorn


def test_a_file_with_bad_rows_imports_nothing_and_lists_every_bad_line(as_team, numbered):
    with clock.frozen_at(FRIDAY):
        response = as_team.post(
            reverse("resilience:financial_import"),
            {
                "file": csv_file(
                    "01234567,credit_score,55,30/11/2023",
                    "99999999,credit_score,55,30/11/2023",
                    "01234567,credit_score,lots,30/11/2023",
                    "01234567,net_assets,-1,31/12/2023",
                )
            },
        )
    assert response.status_code == 400
    words = text(response)
    assert "Nothing was imported: readings.csv has 3 problems" in words
    assert "Line 3: there is no supplier with Companies House number or identifier" in words
    assert "Line 4: the value &#x27;lots&#x27; is not a number" in words
    assert "Line 5: the reading date 31 December 2023 is in the future" in words
    assert "Line 2" not in words
    assert not Reading.objects.exists()
    assert not BreachEvent.objects.exists()


def test_a_good_file_imports_every_row_and_says_how_many_breaches(as_team, numbered):
    with clock.frozen_at(FRIDAY):
        response = as_team.post(
            reverse("resilience:financial_import"),
            {
                "file": csv_file(
                    "01234567,credit_score,35,30/11/2023",
                    f"GB-LEVELFIELD-{numbered.pk},net_assets,5,2023-11-30",
                    "01234567,profit_warnings,2,30/11/2023",
                )
            },
            follow=True,
        )
    assert "3 readings imported; 2 breaches raised" in text(response)
    assert Reading.objects.filter(source="imported").count() == 3
    assert BreachEvent.objects.count() == 2


def test_the_import_asks_for_a_file(as_team):
    response = as_team.post(reverse("resilience:financial_import"), {})
    assert response.status_code == 400
    assert "Choose a CSV file to import" in text(response)
