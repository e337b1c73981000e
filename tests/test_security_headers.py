"""Security headers on every answer: a Content-Security-Policy that runs no script or style
written in a page (no 'unsafe-inline'), loosened only where a page needs it and only as far as it
needs; HTTPS redirects and HSTS only when the settings ask (off locally and in tests, on in
levelfield.settings_production)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


STRICT = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


def test_every_page_has_the_strict_policy(client, tender, supplier):
    pages = [
        reverse("public:home"),
        reverse("public:opportunities"),
        reverse("public:opportunity", args=[tender.reference]),
        reverse("accounts:login"),
        "/no-such-page/",
    ]
    for url in pages:
        response = client.get(url)
        assert policy(response) == STRICT, url
    _, user = supplier
    client.force_login(user)
    assert policy(client.get(reverse("accounts:dashboard"))) == STRICT


def test_no_policy_anywhere_allows_inline_script_or_style_or_eval(client, tender, supplier):
    _, user = supplier
    client.force_login(user)
    for url in (
        reverse("public:home"),
        reverse("bids:edit", args=[tender.lots.get().pk]),
        "/api/docs",
        "/api/openapi.json",
    ):
        header = client.get(url)["Content-Security-Policy"]
        assert "'unsafe-inline'" not in header, url
        assert "'unsafe-eval'" not in header, url
        assert "'unsafe-hashes'" not in header, url


def test_the_bid_page_alone_lets_webassembly_compile(client, tender, supplier):
    """hash-wasm works out an upload's SHA-256 in WebAssembly on the bid page."""
    _, user = supplier
    client.force_login(user)
    bid_page = policy(client.get(reverse("bids:edit", args=[tender.lots.get().pk])))
    assert bid_page == {**STRICT, "script-src": ["'self'", "'wasm-unsafe-eval'"]}
    assert (
        "'wasm-unsafe-eval'"
        not in client.get(reverse("accounts:dashboard"))["Content-Security-Policy"]
    )


def test_the_api_documentation_may_show_swagger_ui_s_data_icons_and_nothing_more(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    assert policy(response) == {**STRICT, "img-src": ["'self'", "data:"]}


def test_https_is_not_forced_by_default(client):
    response = client.get(reverse("public:home"))
    assert response.status_code == 200
    assert "Strict-Transport-Security" not in response


def test_https_is_forced_and_remembered_when_the_settings_say_so(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True

    plain = client.get(reverse("public:home"))
    assert plain.status_code == 301
    assert plain["Location"] == "https://testserver/"

    secure = client.get(reverse("public:home"), secure=True)
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")


def test_pages_are_not_framed_sniffed_or_referred_elsewhere(client):
    response = client.get(reverse("public:home"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
