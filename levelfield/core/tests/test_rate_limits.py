"""Rate limits: too many sign-in attempts, registrations, clarification questions, uploads or API
calls in a short time are answered 429 with Retry-After (a GOV.UK page, or JSON for the API),
nothing is saved, and someone else (another address, another person) is not held back.

Each test starts from an empty cache (conftest's `_empty_cache`), so no count carries over."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import get_resolver, reverse

from levelfield.accounts.actions import create_api_token
from levelfield.accounts.models import Organisation
from levelfield.core.ratelimits import LIMITED_VIEWS
from levelfield.tenders.models import Clarification, TenderDocument
from tests.support import testing

pytestmark = pytest.mark.django_db

ELSEWHERE = "198.51.100.9"


@pytest.fixture
def rates(settings):
    """Small limits, so a test reaches them in a few requests."""
    settings.LEVELFIELD_RATE_LIMITS = {
        "sign_in": "3/m",
        "register": "2/h",
        "clarification": "2/h",
        "upload": "2/h",
        "api_user": "3/m",
        "api_anonymous": "2/m",
    }
    return settings.LEVELFIELD_RATE_LIMITS


def assert_too_many_page(response, words: str):
    assert response.status_code == 429
    seconds = int(response["Retry-After"])
    assert 1 <= seconds <= 3600
    body = response.content.decode()
    assert f"Too many {words}" in body
    assert "govuk-heading-l" in body and "Wait " in body
    return seconds


def assert_too_many_json(response):
    assert response.status_code == 429, response.content
    assert 1 <= int(response["Retry-After"]) <= 3600
    body = response.json()
    assert body["code"] == "too_many_requests"
    assert "Wait " in body["message"] and "try again" in body["message"]
    return body


def test_sign_in_attempts_from_one_address_are_limited_and_other_addresses_are_not(
    client, rates, supplier
):
    _, user = supplier
    login = reverse("accounts:login")
    for number in range(3):
        # Different accounts each time: the rate limit, not django-axes, is what stops them.
        response = client.post(login, {"username": f"nobody{number}@example.com", "password": "x"})
        assert response.status_code == 200
    # Showing the sign-in page is never limited; trying once more is.
    assert client.get(login).status_code == 200
    blocked = client.post(login, {"username": user.email, "password": testing.PASSWORD})
    assert_too_many_page(blocked, "attempts to sign in")
    assert "_auth_user_id" not in client.session
    # A spoofed X-Forwarded-For does not make it another address (no proxy is trusted) ...
    spoofed = client.post(
        login,
        {"username": user.email, "password": testing.PASSWORD},
        HTTP_X_FORWARDED_FOR=ELSEWHERE,
    )
    assert spoofed.status_code == 429
    # ... but someone really elsewhere signs in.
    other = Client(REMOTE_ADDR=ELSEWHERE)
    signed_in = other.post(login, {"username": user.email, "password": testing.PASSWORD})
    assert signed_in.status_code == 302
    # The counts live in the cache: emptied, the address may try again.
    cache.clear()
    assert (
        client.post(login, {"username": "someone@example.com", "password": "x"}).status_code == 200
    )


def registration(number) -> dict:
    return {
        "legal_name": f"Firm {number}",
        "companies_house_number": "",
        "size": "micro",
        "region": "UKK",
        "full_name": "Hazel Hedge",
        "email": f"hazel{number}@hedgerow.example",
        "password": "a-long-and-unusual-passphrase",
    }


def test_registrations_from_one_address_are_limited(client, rates):
    for number in range(2):
        response = client.post(reverse("accounts:register"), registration(number))
        assert response.status_code == 302
        client.logout()
    blocked = client.post(reverse("accounts:register"), registration(3))
    assert_too_many_page(blocked, "registrations")
    assert not Organisation.objects.filter(name="Firm 3").exists()
    assert Organisation.objects.filter(name__startswith="Firm ").count() == 2


def test_clarification_questions_are_limited_per_person_on_the_pages_and_the_api_together(
    rates, tender, supplier, other_supplier
):
    _, user = supplier
    page = Client()
    page.force_login(user)
    ask = reverse("public:ask", args=[tender.reference])
    assert page.post(ask, {"question": "Is TUPE expected to apply?"}).status_code == 302
    _, secret = create_api_token(user=user, name="bid system")
    api = Client()
    asked = api.post(
        f"/api/supplier/tenders/{tender.reference}/questions",
        {"question": "How many visits a week?"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert asked.status_code == 201, asked.content
    # The third question, by either way in, is refused and not saved.
    assert_too_many_page(page.post(ask, {"question": "A third?"}), "clarification questions")
    body = assert_too_many_json(
        api.post(
            f"/api/supplier/tenders/{tender.reference}/questions",
            {"question": "A fourth?"},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {secret}",
        )
    )
    assert "clarification questions" in body["message"]
    assert Clarification.objects.count() == 2
    # Another supplier's person, from the same address, still asks.
    other = Client()
    other.force_login(other_supplier[1])
    assert other.post(ask, {"question": "Is parking provided?"}).status_code == 302
    assert Clarification.objects.count() == 3


def test_uploads_are_limited_per_person(client, rates, buyer, officer):
    tender = testing.draft_tender(buyer=buyer, by=officer)
    client.force_login(officer)
    add = reverse("tenders:document_add", args=[tender.pk])

    def upload(title):
        return client.post(
            add,
            {
                "title": title,
                "doc_type": "specification",
                "file": testing.pdf(f"{title}.pdf"),
            },
        )

    assert upload("one").status_code == 302
    assert upload("two").status_code == 302
    assert_too_many_page(upload("three"), "uploads")
    assert sorted(TenderDocument.objects.values_list("title", flat=True)) == ["one", "two"]
    # Forms that send no files, and reading pages, are not uploads.
    assert client.get(add).status_code == 200


def test_a_resumable_upload_client_is_answered_in_json(client, rates, supplier):
    _, user = supplier
    client.force_login(user)
    path = reverse("bids:uploads", args=[999999])
    for _ in range(2):
        client.post(path, HTTP_TUS_RESUMABLE="1.0.0", HTTP_UPLOAD_LENGTH="10")
    assert_too_many_json(client.post(path, HTTP_TUS_RESUMABLE="1.0.0", HTTP_UPLOAD_LENGTH="10"))


def test_api_calls_are_limited_per_person_whether_by_token_or_session(
    rates, tender, officer, evaluator
):
    _, secret = create_api_token(user=officer, name="one")
    _, second = create_api_token(user=officer, name="two")
    api = Client()
    assert api.get("/api/buyer/tenders", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    assert api.get("/api/buyer/tenders", HTTP_AUTHORIZATION=f"Bearer {second}").status_code == 200
    browser = Client()
    browser.force_login(officer)
    assert browser.get("/api/buyer/tenders").status_code == 200
    # A fourth call by the same person, with any token or the session, waits.
    body = assert_too_many_json(
        api.get("/api/buyer/tenders", HTTP_AUTHORIZATION=f"Bearer {secret}")
    )
    assert "API requests" in body["message"]
    assert_too_many_json(browser.get("/api/buyer/tenders"))
    # Someone else at the same address is not held back.
    _, theirs = create_api_token(user=evaluator, name="theirs")
    assert api.get("/api/buyer/tenders", HTTP_AUTHORIZATION=f"Bearer {theirs}").status_code == 200


def test_anonymous_api_calls_are_limited_per_address(rates, tender):
    here = Client()
    for _ in range(2):
        assert here.get("/api/opportunities").status_code == 200
    assert_too_many_json(here.get("/api/opportunities"))
    assert_too_many_json(here.get("/api/opportunities", HTTP_X_FORWARDED_FOR=ELSEWHERE))
    assert Client(REMOTE_ADDR=ELSEWHERE).get("/api/opportunities").status_code == 200


def test_without_a_rate_nothing_is_limited(client, settings, rates):
    settings.LEVELFIELD_RATE_LIMITS = {**rates, "api_anonymous": ""}
    for _ in range(5):
        assert client.get("/api/opportunities").status_code == 200


def test_every_limited_view_exists():
    """A renamed URL would silently drop its limit."""
    names = set()

    def walk(patterns, namespace):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            elif pattern.name:
                names.add(f"{namespace}{pattern.name}")

    walk(get_resolver().url_patterns, "")
    assert set(LIMITED_VIEWS) <= names, set(LIMITED_VIEWS) - names


def test_the_api_documents_429_on_every_operation(client):
    schema = client.get("/api/openapi.json").json()
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            assert "429" in operation["responses"], (method, path)


def test_a_mistyped_rate_is_reported_by_the_system_checks(settings):
    from levelfield.core.ratelimits import check_rates

    assert check_rates() == []
    settings.LEVELFIELD_RATE_LIMITS = {"sign_in": "10/hour", "register": "", "uploads": "1/m"}
    found = check_rates()
    assert [error.id for error in found] == ["levelfield.E101", "levelfield.E102"]
    assert "write it as count/period, like 30/m" in found[0].msg


def test_sign_in_attempts_count_per_address_whoever_is_signed_in(rates, supplier, other_supplier):
    login = reverse("accounts:login")
    for user in (supplier[1], other_supplier[1]):
        signed_in = Client()
        signed_in.force_login(user)
        signed_in.post(login, {"username": user.email, "password": "x"})
    Client().post(login, {"username": "a@example.com", "password": "x"})
    blocked = Client().post(login, {"username": "b@example.com", "password": "x"})
    assert_too_many_page(blocked, "attempts to sign in")


def test_ipv6_addresses_in_one_64_count_together(rates, tender):
    assert Client(REMOTE_ADDR="2001:db8:5:6::1").get("/api/opportunities").status_code == 200
    assert Client(REMOTE_ADDR="2001:db8:5:6::2").get("/api/opportunities").status_code == 200
    assert_too_many_json(Client(REMOTE_ADDR="2001:db8:5:6:ffff::9").get("/api/opportunities"))
    assert Client(REMOTE_ADDR="2001:db8:5:7::1").get("/api/opportunities").status_code == 200


def test_a_cache_that_does_not_answer_lets_requests_through(rates, tender, monkeypatch, caplog):
    from levelfield.core import ratelimits

    def down(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(ratelimits, "get_usage", down)
    for _ in range(4):
        assert Client().get("/api/opportunities").status_code == 200
    assert "the cache did not answer" in caplog.text
