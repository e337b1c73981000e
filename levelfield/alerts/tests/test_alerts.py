"""Saved searches with email alerts: a supplier saves a search; a daily digest emails the new
opportunities that match, each at most once per person, and nothing when nothing is new."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError
from django.urls import reverse

from levelfield.accounts.models import Role
from levelfield.alerts import actions
from levelfield.alerts.models import AlertSent, SavedSearch
from levelfield.alerts.tasks import send_daily_digests
from levelfield.core import clock
from levelfield.core.errors import DomainError, PermissionDenied
from levelfield.core.models import AuditEvent
from levelfield.tenders import actions as tender_actions
from tests.support import testing


def publish(buyer, officer, title, **fields):
    tender = testing.draft_tender(buyer=buyer, by=officer, title=title)
    if fields:
        tender = tender_actions.update_tender(tender=tender, by=officer, **fields)
    return tender_actions.publish_tender(tender=tender, by=officer)


def save(user, organisation, name, **params) -> SavedSearch:
    return actions.save_search(user=user, organisation=organisation, name=name, params=params)


def run_digest(django_capture_on_commit_callbacks) -> list:
    """Run the daily task as the worker would; return the emails it sent."""
    before = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        send_daily_digests.enqueue()
    return mail.outbox[before:]


def later(hours: int = 1):
    return clock.frozen_at(clock.now() + timedelta(hours=hours))


# --- the digest --------------------------------------------------------------------------------


def test_matching_opportunities_are_sent_once_and_a_second_run_sends_nothing(
    buyer, officer, supplier, django_capture_on_commit_callbacks
):
    org, user = supplier
    save(user, org, "Cleaning", q="cleaning")
    with later(1):
        offices = publish(buyer, officer, "Office cleaning", description="Cleaning of offices.")
        schools = publish(buyer, officer, "School cleaning", description="Cleaning of schools.")
        publish(buyer, officer, "Road resurfacing", description="Resurfacing of the A38.")
    with later(24):
        (email,) = run_digest(django_capture_on_commit_callbacks)
    assert email.to == [user.email]
    assert email.subject == "2 new opportunities for your saved searches"
    assert "Cleaning" in email.body
    for tender in (offices, schools):
        assert tender.title in email.body and tender.reference in email.body
        assert f"/opportunities/{tender.reference}/" in email.body
    assert "Road resurfacing" not in email.body
    assert "£1,200,000" in email.body and "/alerts/" in email.body
    assert set(AlertSent.objects.values_list("tender__reference", flat=True)) == {
        offices.reference,
        schools.reference,
    }
    assert AuditEvent.objects.filter(action="alerts.digest_sent").count() == 1

    # The next day: nothing new, so no email and nothing recorded.
    with later(48):
        assert run_digest(django_capture_on_commit_callbacks) == []
    assert AlertSent.objects.count() == 2

    # A new match later is sent on its own.
    with later(50):
        windows = publish(buyer, officer, "Window cleaning", description="Glass, twice a year.")
    with later(72):
        (email,) = run_digest(django_capture_on_commit_callbacks)
    assert email.subject == "1 new opportunity for your saved searches"
    assert windows.title in email.body and offices.title not in email.body


def test_no_email_for_a_search_with_no_matches(
    buyer, officer, supplier, other_supplier, django_capture_on_commit_callbacks
):
    org, user = supplier
    other_org, other_user = other_supplier
    save(user, org, "Submarines", q="submarines")
    save(other_user, other_org, "Everything")
    with later(1):
        tender = publish(buyer, officer, "Home care")
    with later(24):
        emails = run_digest(django_capture_on_commit_callbacks)
    assert [e.to for e in emails] == [[other_user.email]]
    assert tender.title in emails[0].body
    assert not AlertSent.objects.filter(user=user).exists()
    assert SavedSearch.objects.get(user=user).checked_until > tender.published_at


def test_an_opportunity_matching_two_searches_is_sent_once(
    buyer, officer, supplier, django_capture_on_commit_callbacks
):
    org, user = supplier
    save(user, org, "Care", q="care")
    save(user, org, "South West", region="UKK", sme="on")
    with later(1):
        tender = publish(buyer, officer, "Home care services")
    with later(24):
        (email,) = run_digest(django_capture_on_commit_callbacks)
    assert email.body.count(f"({tender.reference})") == 1
    assert AlertSent.objects.get().saved_search.name == "Care"
    with pytest.raises(IntegrityError):
        AlertSent.objects.create(user=user, tender=tender, sent_at=clock.now())


def test_only_new_open_opportunities_are_sent(
    buyer, buyer_admin, officer, supplier, django_capture_on_commit_callbacks
):
    publish(buyer, officer, "Published before the search was saved")
    org, user = supplier
    with later(1):
        save(user, org, "Anything")
    with later(2):
        cancelled = publish(buyer, officer, "Cancelled the same day")
        tender_actions.cancel_tender(tender=cancelled, by=buyer_admin, reason="Budget withdrawn")
        kept = publish(buyer, officer, "Still open")
        tender_actions.cancel_tender(
            tender=testing.draft_tender(buyer=buyer, by=officer),
            by=buyer_admin,
            reason="Draft dropped",
        )
    with later(24):
        (email,) = run_digest(django_capture_on_commit_callbacks)
    assert kept.title in email.body
    assert "Cancelled the same day" not in email.body
    assert "Published before the search was saved" not in email.body
    assert "Draft dropped" not in email.body


def test_a_tender_committed_just_after_a_digest_ran_is_sent_the_next_day(
    buyer, officer, supplier, django_capture_on_commit_callbacks
):
    """A tender's publication moment is taken inside its transaction: one that commits just
    after a digest ran carries a moment before that run. The next digest still sends it."""
    org, user = supplier
    save(user, org, "Care", q="care")
    with later(24):
        assert run_digest(django_capture_on_commit_callbacks) == []
        ran_at = clock.now()
    with clock.frozen_at(ran_at - timedelta(minutes=2)):
        late = publish(buyer, officer, "Home care")
    assert late.published_at < SavedSearch.objects.get().checked_until
    with later(48):
        (email,) = run_digest(django_capture_on_commit_callbacks)
    assert late.title in email.body
    # The next run looks back over it again, and does not send it twice.
    with clock.frozen_at(SavedSearch.objects.get().checked_until + timedelta(minutes=30)):
        assert run_digest(django_capture_on_commit_callbacks) == []
    assert AlertSent.objects.get().tender == late


def test_filters_of_a_saved_search_apply_to_the_digest(
    buyer, officer, supplier, django_capture_on_commit_callbacks
):
    org, user = supplier
    save(user, org, "Reserved care in London", q="care", region="UKI", reserved="smeVcse")
    with later(1):
        match = publish(
            buyer, officer, "Care in Camden", region="UKI", reserved_participation="smeVcse"
        )
        publish(buyer, officer, "Care in Bristol", reserved_participation="smeVcse")
        publish(buyer, officer, "Care in Croydon", region="UKI")
    with later(24):
        (email,) = run_digest(django_capture_on_commit_callbacks)
    assert match.title in email.body
    assert "Bristol" not in email.body and "Croydon" not in email.body


def test_the_command_queues_the_digest(
    buyer, officer, supplier, django_capture_on_commit_callbacks
):
    org, user = supplier
    save(user, org, "Care", q="care")
    with later(1):
        publish(buyer, officer, "Home care")
    out = StringIO()
    with later(24), django_capture_on_commit_callbacks(execute=True):
        call_command("send-alerts", stdout=out)
    assert "Queued the alerts digest" in out.getvalue()
    assert len(mail.outbox) == 1
    out = StringIO()
    with later(25), django_capture_on_commit_callbacks(execute=True):
        call_command("send-alerts", "--now", stdout=out)
    assert "Sent 0 digest email(s) to 1 person(s)" in out.getvalue()
    assert len(mail.outbox) == 1


# --- saving, listing and deleting through the pages ------------------------------------------


def test_a_supplier_saves_the_current_search_lists_and_deletes_it(client, tender, supplier):
    org, user = supplier
    client.force_login(user)
    search = client.get(reverse("public:opportunities"), {"q": "care", "region": "UKK"})
    body = search.content.decode()
    save_url = reverse("alerts:save") + "?q=care&amp;region=UKK"
    assert save_url in body and "Save this search and get email alerts" in body

    page = client.get(reverse("alerts:save"), {"q": "care", "region": "UKK", "page": "2"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "Keyword" in text and "South West" in text
    assert 'name="query" value="q=care&amp;region=UKK"' in text
    assert 'value="care"' in text  # the name is suggested from the keyword

    response = client.post(
        reverse("alerts:save"), {"name": "Care in the South West", "query": "q=care&region=UKK"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("alerts:list")
    saved = SavedSearch.objects.get()
    assert (saved.user, saved.organisation, saved.name) == (user, org, "Care in the South West")
    assert saved.params == {"q": "care", "region": "UKK"}
    listing = client.get(response["Location"]).content.decode()
    assert "Search saved as Care in the South West" in listing
    assert "Region: South West" in listing and "Keyword: care" in listing
    assert reverse("public:opportunities") + "?q=care&amp;region=UKK" in listing

    # The same name twice is refused beside the form, nothing lost.
    again = client.post(
        reverse("alerts:save"), {"name": "care in the south west", "query": "q=care"}
    )
    assert again.status_code == 200
    assert "You already have a saved search called" in again.content.decode()
    assert SavedSearch.objects.count() == 1

    response = client.post(reverse("alerts:delete", args=[saved.pk]))
    assert response.status_code == 302
    assert not SavedSearch.objects.exists()
    assert "You have no saved searches" in client.get(reverse("alerts:list")).content.decode()
    assert AuditEvent.objects.filter(action="alerts.search_deleted").count() == 1


def test_bad_filters_or_no_name_are_refused(client, supplier):
    org, user = supplier
    client.force_login(user)
    response = client.post(reverse("alerts:save"), {"name": "", "query": "q=care"})
    assert response.status_code == 200
    assert "Enter a name for the search" in response.content.decode()
    response = client.post(reverse("alerts:save"), {"name": "Odd", "query": "min_value=lots"})
    assert response.status_code == 200
    assert "Enter the minimum value as a number" in response.content.decode()
    assert not SavedSearch.objects.exists()


def test_only_suppliers_keep_saved_searches_and_only_their_own(
    client, buyer, officer, supplier, other_supplier
):
    org, user = supplier
    saved = save(user, org, "Mine", q="care")
    assert client.get(reverse("alerts:list")).status_code == 302  # sign in first
    client.force_login(officer)
    assert client.get(reverse("alerts:list")).status_code == 403
    assert client.post(reverse("alerts:save"), {"name": "x", "query": ""}).status_code == 403
    body = client.get(reverse("public:opportunities")).content.decode()
    assert "Save this search" not in body
    with pytest.raises(PermissionDenied):
        actions.save_search(user=officer, organisation=buyer, name="x", params={})
    other_org, other_user = other_supplier
    client.force_login(other_user)
    assert client.post(reverse("alerts:delete", args=[saved.pk])).status_code == 404
    assert "Mine" not in client.get(reverse("alerts:list")).content.decode()
    with pytest.raises(PermissionDenied):
        actions.delete_search(saved_search=saved, by=other_user)
    assert SavedSearch.objects.filter(pk=saved.pk).exists()
    member = testing.member(org, Role.SUPPLIER_MEMBER)
    with pytest.raises(DomainError, match="already have"):
        save(user, org, "MINE")
    assert save(member, org, "Mine").user == member
