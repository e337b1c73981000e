"""Nothing shown to someone signed in is kept by a browser or a proxy: every answer to a signed-in
person, by session or API token, says `Cache-Control: no-store` (core.middleware); public pages
keep their own caching."""

import pytest
from django.urls import reverse

from levelfield.accounts.actions import create_api_token

pytestmark = pytest.mark.django_db


def test_a_signed_in_supplier_s_pages_are_never_stored(client, supplier, tender):
    _, user = supplier
    client.force_login(user)
    for url in (
        reverse("bids:dashboard"),
        reverse("accounts:account"),
        reverse("bids:edit", args=[tender.lots.get().pk]),
        reverse("public:home"),  # a public page too, as it shows who is signed in
        reverse("public:opportunity", args=[tender.reference]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "no-store", url


def test_a_redirect_or_refusal_to_someone_signed_in_is_not_stored_either(client, supplier):
    _, user = supplier
    client.force_login(user)
    # A supplier asking for a buyer's page is refused; the answer is still theirs.
    refused = client.get(reverse("tenders:dashboard"))
    assert refused.status_code in (302, 403, 404)
    assert refused["Cache-Control"] == "no-store"


def test_an_api_token_s_answers_are_never_stored(client, supplier):
    _, user = supplier
    _, secret = create_api_token(user=user, name="finance")
    response = client.get("/api/supplier/bids", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


def test_public_pages_keep_their_own_caching(client, tender):
    for url in (reverse("public:home"), reverse("public:opportunity", args=[tender.reference])):
        response = client.get(url)
        assert response.status_code == 200
        assert "no-store" not in response.get("Cache-Control", ""), url


def test_a_stale_session_cookie_is_not_someone_signed_in(client, supplier):
    """A browser still sending the cookie of a session that ended is answered as anyone."""
    _, user = supplier
    client.force_login(user)
    client.logout()
    client.cookies["sessionid"] = "ended"
    response = client.get(reverse("public:home"))
    assert "no-store" not in response.get("Cache-Control", "")
