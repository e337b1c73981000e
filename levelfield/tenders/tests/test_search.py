"""Finding work: the opportunity search ranks by relevance on PostgreSQL and filters by what a
small firm cares about; the page and the API give the same answers; each opportunity shows first
what a small firm needs to decide.

The ranking and stemming tests need PostgreSQL. Run them with
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/levelfield \
        .venv/bin/pytest -p no:cacheprovider levelfield/tenders/tests/test_search.py
"""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from levelfield.core import clock
from levelfield.tenders import actions as tender_actions
from levelfield.tenders import selectors
from levelfield.tenders.models import ReservedParticipation, SearchGeneration, Tender
from levelfield.tenders.selectors import search_opportunities
from tests.support import testing

SEARCH = reverse("public:opportunities")
API = "/api/opportunities"


def publish(buyer, officer, title, *, description="A service for the county.", **fields):
    """A published tender built through the actions; `fields` change the draft first."""
    tender = testing.draft_tender(buyer=buyer, by=officer, title=title)
    tender = tender_actions.update_tender(
        tender=tender, by=officer, description=description, **fields
    )
    return tender_actions.publish_tender(tender=tender, by=officer)


def page_titles(client, **params) -> list[str]:
    response = client.get(SEARCH, params)
    assert response.status_code == 200
    return [t.title for t in response.context["page_obj"]]


def index_definition(name: str) -> str:
    """PostgreSQL's definition of the index `name` (CREATE INDEX ...)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [name])
        (definition,) = cursor.fetchone()
    return definition


def api_titles(client, **params) -> list[str]:
    response = client.get(API, params)
    assert response.status_code == 200, response.content
    return [item["title"] for item in response.json()["items"]]


# --- relevance (PostgreSQL) --------------------------------------------------------------------


@pytest.mark.postgres
def test_a_title_match_ranks_above_a_description_match(postgres_only, client, buyer, officer):
    in_title = publish(buyer, officer, "Office cleaning services")
    # Published later, so newest-first would list it first: relevance must win.
    with clock.frozen_at(clock.now() + timedelta(hours=1)):
        in_description = publish(
            buyer,
            officer,
            "Facilities support for county offices",
            description="Reception, post room and cleaning of the council's offices.",
        )
        publish(buyer, officer, "Grounds maintenance", description="Mowing parks and verges.")
        expected = [in_title.title, in_description.title]
        assert page_titles(client, q="cleaning") == expected
        assert api_titles(client, q="cleaning") == expected
        # Without a keyword the list stays newest first.
        assert page_titles(client)[0] == "Grounds maintenance"


@pytest.mark.postgres
def test_stemmed_english_finds_other_forms_of_a_word(postgres_only, client, buyer, officer):
    cleaners = publish(buyer, officer, "School cleaners", description="Cleaners for six schools.")
    publish(buyer, officer, "Road resurfacing", description="Resurfacing of the A38.")
    assert page_titles(client, q="cleaning") == [cleaners.title]
    assert page_titles(client, q="cleaned schools") == [cleaners.title]
    assert api_titles(client, q="CLEANER") == [cleaners.title]
    # A reference still finds its tender, and a word in neither field finds nothing.
    assert page_titles(client, q=cleaners.reference.lower()) == [cleaners.title]
    assert page_titles(client, q="submarines") == []


@pytest.mark.postgres
def test_a_quoted_phrase_finds_the_words_together_in_that_order(
    postgres_only, client, buyer, officer
):
    together = publish(buyer, officer, "Street lighting maintenance")
    publish(buyer, officer, "Lighting for the street market")
    assert page_titles(client, q='"street lighting"') == [together.title]
    assert api_titles(client, q='"street lights"') == [together.title]  # each word a stem
    # a short word before another: the pattern once took the ' <-> ' between them for a word
    home_care = publish(buyer, officer, "Home care at night")
    publish(buyer, officer, "Care home catering")
    assert page_titles(client, q='"home care"') == [home_care.title]
    hyphenated = publish(buyer, officer, "Home-care visits")
    assert page_titles(client, q="home-care") == [hyphenated.title]


@pytest.mark.postgres
def test_the_search_document_is_stored_when_the_tender_is_published(postgres_only, buyer, officer):
    tender = publish(buyer, officer, "Meals on wheels", description="Hot meals at home.")
    stored = Tender.objects.values_list("search_vector", flat=True).get(pk=tender.pk)
    assert "'meal':1A" in stored and "'hot':4B" in stored


@pytest.mark.postgres
def test_the_search_uses_the_gin_index(postgres_only, buyer, officer):
    publish(buyer, officer, "Office cleaning services")
    assert "USING gin (search_vector)" in index_definition("tender_search_vector_gin")


@pytest.mark.postgres
def test_the_search_has_an_index_for_a_keyword_with_filters(postgres_only, db):
    assert "USING gin (search_vector, cpv_vector, region, status)" in index_definition(
        "tender_search_filters_gin"
    )


@pytest.mark.postgres
def test_a_long_tender_with_many_cpv_codes_is_published_and_found(
    postgres_only, client, buyer, officer
):
    """No index holds the search documents whole: a long description and a framework's many
    CPV codes make documents larger than a btree index entry may be (2,704 bytes)."""
    words = " ".join(f"service{n} area{n * 7} lot{n * 13}" for n in range(600))
    codes = [
        f"{division:02d}{group}00000" for division in (45, 50, 71, 72, 79) for group in range(1, 9)
    ]
    tender = publish(buyer, officer, "Framework for estates", description=words, cpv_codes=codes)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_column_size(search_vector), pg_column_size(cpv_vector) "
            "FROM tenders_tender WHERE id = %s",
            [tender.pk],
        )
        sizes = cursor.fetchone()
    assert min(sizes) > 2704
    assert page_titles(client, q="estates", cpv="7980") == [tender.title]


@pytest.mark.postgres
def test_the_cpv_filter_finds_every_code_under_the_prefix_and_no_other(
    postgres_only, client, buyer, officer
):
    home_care = publish(buyer, officer, "Home care", cpv_codes=["85310000"])
    both = publish(buyer, officer, "Care and cleaning", cpv_codes=["90910000", "85320000"])
    publish(buyer, officer, "Software", cpv_codes=["72000000"])
    draft = testing.draft_tender(buyer=buyer, by=officer, title="Day care")
    draft = tender_actions.update_tender(tender=draft, by=officer, cpv_codes=["72000000"])
    draft = tender_actions.update_tender(tender=draft, by=officer, cpv_codes=["85311000"])
    day_care = tender_actions.publish_tender(tender=draft, by=officer)

    assert set(page_titles(client, cpv="853")) == {home_care.title, both.title, day_care.title}
    assert set(page_titles(client, cpv="85000000")) == {home_care.title, both.title, day_care.title}
    assert page_titles(client, cpv="85311000") == [day_care.title]  # the codes it has now
    assert page_titles(client, cpv="9091", q="cleaning") == [both.title]
    assert set(page_titles(client, cpv="8531")) == {home_care.title, day_care.title}
    assert api_titles(client, cpv="72") == ["Software"]


def test_a_tender_whose_reference_is_the_keyword_comes_first(client, buyer, officer):
    named = publish(buyer, officer, "Library refurbishment", region="UKK")
    with clock.frozen_at(clock.now() + timedelta(hours=1)):
        # Newer, and its text holds the reference: it matches the words too
        follow_on = publish(
            buyer, officer, "Library furniture", description=f"Follows {named.reference}."
        )
        expected = [named.title, follow_on.title]
        assert page_titles(client, q=named.reference) == expected
        assert api_titles(client, q=named.reference.lower()) == expected
        # The filters apply to the tender found by its reference as to the others
        assert named.title not in page_titles(client, q=named.reference, region="UKD")


def test_a_tender_found_by_its_reference_and_its_words_is_listed_once(client, buyer, officer):
    older = publish(buyer, officer, "Library shelving", description="Shelving for libraries.")
    with clock.frozen_at(clock.now() + timedelta(hours=1)):
        draft = testing.draft_tender(buyer=buyer, by=officer, title="Library lighting")
        # Its own reference in its text: the words match it as well as the reference
        draft = tender_actions.update_tender(
            tender=draft, by=officer, description=f"Lighting for libraries ({draft.reference})."
        )
        both = tender_actions.publish_tender(tender=draft, by=officer)
        newer = publish(buyer, officer, "Library books", description=f"See {both.reference}.")
    # Listed first and once; the older tender has neither the reference nor it in its text
    assert page_titles(client, q=both.reference) == [both.title, newer.title]
    assert api_titles(client, q=both.reference) == [both.title, newer.title]
    assert older.title in page_titles(client, q="libraries")


# --- filters (SQLite and PostgreSQL) -----------------------------------------------------------


def test_a_title_match_comes_before_a_description_match_everywhere(client, buyer, officer):
    publish(buyer, officer, "Street lighting maintenance")
    with clock.frozen_at(clock.now() + timedelta(hours=1)):
        publish(
            buyer,
            officer,
            "Highways term contract",
            description="Includes street lighting and signs.",
        )
        assert page_titles(client, q="lighting") == [
            "Street lighting maintenance",
            "Highways term contract",
        ]


def test_reserved_participation_filter(client, buyer, officer):
    publish(buyer, officer, "Open to everyone")
    publish(
        buyer,
        officer,
        "Community transport",
        reserved_participation=ReservedParticipation.SME_VCSE,
    )
    publish(
        buyer,
        officer,
        "Youth services mutual",
        reserved_participation=ReservedParticipation.PUBLIC_SERVICE_MUTUAL,
    )
    assert page_titles(client, reserved="smeVcse") == ["Community transport"]
    assert page_titles(client, reserved="publicServiceMissionOrganization") == [
        "Youth services mutual"
    ]
    assert page_titles(client, reserved="none") == ["Open to everyone"]
    assert len(page_titles(client)) == 3
    assert api_titles(client, reserved="smeVcse") == ["Community transport"]
    assert api_titles(client, reserved="none") == ["Open to everyone"]
    response = client.get(API, {"reserved": "charities"})
    assert response.status_code == 422


def _deadline(day: date) -> dict:
    """Deadlines on `day` at noon UK time (clarifications a week before)."""
    at = datetime(day.year, day.month, day.day, 12, tzinfo=clock.UK)
    return {
        "submission_deadline": at,
        "clarification_deadline": at - timedelta(days=7),
        "expected_award_date": day + timedelta(days=30),
        "contract_start": day + timedelta(days=60),
        "contract_end": day + timedelta(days=800),
    }


def test_closing_date_filters_include_the_day_itself(client, buyer, officer):
    with clock.frozen_at(datetime(2026, 3, 2, 9, tzinfo=clock.UK)):
        publish(buyer, officer, "Closes in April", **_deadline(date(2026, 4, 10)))
        publish(buyer, officer, "Closes in May", **_deadline(date(2026, 5, 20)))
        publish(buyer, officer, "Closes in June", **_deadline(date(2026, 6, 30)))
        assert page_titles(client, closing_after="20/5/2026") == ["Closes in June", "Closes in May"]
        assert page_titles(client, closing_before="2026-05-20") == [
            "Closes in May",
            "Closes in April",
        ]
        assert page_titles(client, closing_after="11 4 2026", closing_before="30 June 2026") == [
            "Closes in June",
            "Closes in May",
        ]
        assert api_titles(client, closing_after="2026-05-21") == ["Closes in June"]
        assert api_titles(client, closing_before="2026-04-10") == ["Closes in April"]
        body = client.get(SEARCH, {"closing_after": "31/2/2026"}).content.decode()
        assert "Closing on or after must be a real date, like 27/3/2026" in body
        body = client.get(
            SEARCH, {"closing_after": "1/6/2026", "closing_before": "1/5/2026"}
        ).content.decode()
        assert "Closing on or before must be the same as or after closing on or after" in body
        # The last day there is bounds nothing (it has no day after it)
        everything = ["Closes in June", "Closes in May", "Closes in April"]
        assert page_titles(client, closing_before="31/12/9999") == everything
        assert api_titles(client, closing_before="9999-12-31") == everything


def test_the_api_points_out_a_range_the_wrong_way_round(client, buyer, officer):
    publish(buyer, officer, "Lighthouse maintenance", estimated_value=Decimal("5000"))
    for params, message in [
        ({"min_value": "5", "max_value": "1"}, "max_value must be the same as or more than"),
        (
            {"closing_after": "2026-05-02", "closing_before": "2026-05-01"},
            "closing_before must be the same day as or after closing_after",
        ),
    ]:
        response = client.get(API, params)
        assert response.status_code == 422, params
        assert message in response.content.decode()
    assert api_titles(client, min_value="5000", max_value="5000") == ["Lighthouse maintenance"]


def test_every_filter_together_on_the_page_and_the_api(client, buyer, officer):
    match = publish(
        buyer,
        officer,
        "Domiciliary care in the South West",
        cpv_codes=["85310000"],
        estimated_value=Decimal("400000"),
        reserved_participation=ReservedParticipation.SME_VCSE,
    )
    publish(buyer, officer, "Domiciliary care, large", estimated_value=Decimal("9000000"))
    publish(buyer, officer, "Domiciliary care, not suitable", suitable_for_sme=False)
    params = {
        "q": "care",
        "cpv": "853",
        "min_value": "100000",
        "max_value": "500000",
        "region": "UKK",
        "sme": "on",
        "vcse": "on",
        "status": "open",
        "reserved": "smeVcse",
        "closing_after": clock.today_uk().isoformat(),
    }
    assert page_titles(client, **params) == [match.title]
    api_params = {**params, "sme": "true", "vcse": "true"}
    assert api_titles(client, **api_params) == [match.title]


def test_the_selector_keeps_its_old_keyword_arguments(buyer, officer):
    tender = publish(buyer, officer, "Home care")
    found = search_opportunities(
        keyword="", cpv="853", min_value=None, max_value=None, region="", sme=True, vcse=False
    )
    assert list(found) == [tender]


# --- the opportunity page: what a small firm needs first ---------------------------------------


def test_the_opportunity_page_opens_with_what_a_small_firm_needs(client, buyer, officer):
    tender = testing.draft_tender(buyer=buyer, by=officer, title="Library cleaning")
    tender_actions.add_lot(
        tender=tender, by=officer, title="North libraries", estimated_value=Decimal("500000")
    )
    tender = tender_actions.update_tender(
        tender=tender,
        by=officer,
        minimum_turnover=Decimal("800000"),
        certificates_required=["iso_9001", "cyber_essentials"],
        insurance_before_award=False,
        insurance_cover="£5m public liability",
        reserved_participation=ReservedParticipation.SME_VCSE,
    )
    second = tender.lots.get(number=2)
    tender_actions.update_lot(lot=second, by=officer, price_weight=Decimal("40"))
    tender_actions.add_question(
        lot=second, by=officer, kind="quality", weight=Decimal("50"), text="Approach?"
    )
    tender_actions.add_question(
        lot=second, by=officer, kind="social_value", weight=Decimal("10"), text="Social value?"
    )
    tender = tender_actions.publish_tender(tender=tender, by=officer)
    with clock.frozen_at(tender.submission_deadline - timedelta(days=12, hours=1)):
        body = client.get(reverse("public:opportunity", args=[tender.reference])).content.decode()
    glance = body.index("At a glance")
    assert glance < body.index("Description") < body.index("Lots and award criteria")
    box = body[glance : body.index("</dl>", glance)]
    for text in (
        "£1,200,000",
        "(12 days left)",
        "2 lots: bid for one or more",
        "Lot 2: North libraries (£500,000)",
        "£800,000 a year",
        "ISO 9001 (quality management), Cyber Essentials",
        "£5m public liability, needed only from the contract start",
        "SMEs and VCSEs",
        "Reserved for SMEs and VCSEs",
    ):
        assert text in box, text
    with testing.after_deadline(tender):
        body = client.get(reverse("public:opportunity", args=[tender.reference])).content.decode()
    assert "(closed)" in body


def test_search_results_show_days_left_and_reservation(client, buyer, officer):
    tender = publish(buyer, officer, "Befriending service", reserved_participation="smeVcse")
    with clock.frozen_at(tender.submission_deadline - timedelta(days=3, hours=2)):
        body = client.get(SEARCH).content.decode()
    assert "(3 days left)" in body
    assert "Reserved: <strong>Reserved for SMEs and VCSEs</strong>" in body
    with clock.frozen_at(tender.submission_deadline - timedelta(hours=2)):
        assert "(closes within a day)" in client.get(SEARCH).content.decode()


def test_a_tender_reserved_for_smes_and_vcses_is_suitable_for_both(client, buyer, officer):
    tender = publish(
        buyer,
        officer,
        "Befriending service",
        reserved_participation=ReservedParticipation.SME_VCSE,
        suitable_for_sme=False,
        suitable_for_vcse=False,
    )
    tender.refresh_from_db()
    assert tender.suitable_for_sme and tender.suitable_for_vcse
    assert page_titles(client, sme="on") == ["Befriending service"]
    assert api_titles(client, vcse="true") == ["Befriending service"]


def test_tenders_reserved_before_are_made_suitable_by_the_migration(client, buyer, officer):
    from importlib import import_module

    from django.apps import apps

    tender = publish(buyer, officer, "Befriending service", reserved_participation="smeVcse")
    # As such a tender was stored before the rule.
    Tender.objects.filter(pk=tender.pk).update(suitable_for_sme=False, suitable_for_vcse=False)
    assert page_titles(client, sme="on") == []
    token = SearchGeneration.objects.get().token
    migration = import_module("levelfield.tenders.migrations.0009_reserved_tenders_suitable")
    migration.suitable(apps, None)
    assert SearchGeneration.objects.get().token != token
    assert page_titles(client, sme="on", vcse="on") == ["Befriending service"]
    # Run again, nothing to change: the generation stands.
    token = SearchGeneration.objects.get().token
    migration.suitable(apps, None)
    assert SearchGeneration.objects.get().token == token


def test_the_api_says_why_a_contract_is_not_divided_into_lots(client, buyer, officer):
    reason = "One provider must run the whole rota across the county"
    tender = publish(buyer, officer, "Night sitting service", lots_not_divided_reason=reason)
    detail = client.get(f"{API}/{tender.reference}").json()
    assert detail["lots_not_divided_reason"] == reason


def test_a_broad_search_says_there_are_more_than_the_limit(client, buyer, officer, monkeypatch):
    monkeypatch.setattr(selectors, "RESULT_LIMIT", 2)
    for number in range(4):
        publish(buyer, officer, f"School meals {number}")
    publish(buyer, officer, "Road resurfacing")
    for params in ({}, {"q": "meals"}):
        response = client.get(SEARCH, params)
        body = response.content.decode()
        assert "More than 2 opportunities" in body, params
        assert "Add a filter or another keyword" in body
        assert len(response.context["page_obj"]) == 3
    # The API says the same. On PostgreSQL a keyword search ranks only the newest matches
    # (limit + 1); SQLite's simpler match lists them all.
    assert client.get(API, {"q": "meals"}).json()["count"] == 3
    ranked = len(client.get(API, {"q": "meals"}).json()["items"])
    assert ranked == (3 if selectors.full_text_search() else 4)
    everything = client.get(API).json()
    assert everything["count"] == 3 and len(everything["items"]) == 5
    # A narrower search counts exactly again.
    body = client.get(SEARCH, {"q": "resurfacing"}).content.decode()
    assert "1 opportunity" in body and "More than" not in body
