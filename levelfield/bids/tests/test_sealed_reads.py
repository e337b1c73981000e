"""Between the submission deadline and the opening of the bids, the buyer's side decrypts
nothing (issue 17): its admins, officers and evaluators can go everywhere the platform lets
them, pages and API, and no sealed value is opened and no tender key unwrapped; only the opening
action does that. The supplier's own reads, which do open its bid, show the counting works."""

from collections import Counter
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from levelfield.accounts.actions import create_api_token
from levelfield.accounts.models import Role
from levelfield.bids import sealing
from levelfield.bids.tests.test_sealed_at_rest import _bid_sent
from levelfield.core import keys
from levelfield.evaluation import actions as evaluation_actions
from levelfield.tenders import actions as tender_actions
from tests.support import testing

PAGES = 150  # the most pages one crawl follows


@pytest.fixture
def opened(monkeypatch):
    """How many times a sealed value or file was opened, and a tender key unwrapped."""
    counts = Counter()
    real_open, real_unwrap = keys.open_sealed, keys.unwrap

    def counting_open(*args, **kwargs):
        counts["opened"] += 1
        return real_open(*args, **kwargs)

    def counting_unwrap(*args, **kwargs):
        counts["unwrapped"] += 1
        return real_unwrap(*args, **kwargs)

    monkeypatch.setattr(keys, "open_sealed", counting_open)
    monkeypatch.setattr(keys, "unwrap", counting_unwrap)
    sealing.forget_keys()
    yield counts
    sealing.forget_keys()


def _crawl(client: Client, start: list[str]) -> set[str]:
    """Every page of this site reachable by links from `start` (GET only, sign-out skipped)."""
    seen, queue = set(), list(start)
    while queue and len(seen) < PAGES:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code < 500, url
        if "text/html" not in response.get("Content-Type", ""):
            continue
        for link in _links(response.content.decode()):
            parts = urlsplit(link)
            if parts.netloc or not parts.path.startswith("/") or "sign-out" in parts.path:
                continue
            if parts.path.startswith(("/static/", "/admin/")):
                continue
            queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return seen


def _links(html: str) -> list[str]:
    from html.parser import HTMLParser

    found = []

    class Links(HTMLParser):
        def handle_starttag(self, tag, attrs):
            href = dict(attrs).get("href")
            if tag == "a" and href:
                found.append(href)

    Links().feed(html)
    return found


@pytest.mark.django_db
def test_between_the_deadline_and_the_opening_the_buyer_side_opens_nothing(buyer, officer, opened):
    tender, bid, user, _ = _bid_sent(buyer, officer)
    admin = testing.member(buyer, Role.BUYER_ADMIN, full_name="Alex Admin")
    evaluator = testing.member(buyer, Role.EVALUATOR, full_name="Eve Evaluator")
    with testing.after_deadline(tender):
        evaluation_actions.declare_conflict(tender=tender, by=evaluator, has_conflict=False)
        opened.clear()
        sealing.forget_keys()
        for member in (admin, officer, evaluator):
            client = Client()
            client.force_login(member)
            pages = _crawl(
                client,
                [
                    "/",
                    reverse("tenders:detail", args=[tender.pk]),
                    reverse("evaluation:overview", args=[tender.pk]),
                ],
            )
            assert reverse("evaluation:overview", args=[tender.pk]) in pages
            _, secret = create_api_token(user=member, name="crawl")
            schema = client.get("/api/openapi.json").json()
            for path, operations in schema["paths"].items():
                if "get" not in operations or "{" in path.replace("{tender_id}", ""):
                    continue
                url = path.replace("{tender_id}", str(tender.pk))
                response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {secret}")
                assert response.status_code < 500, url
        assert opened == Counter(), "the buyer's side opened sealed bid content"

        # The counting counts: the supplier reading its own bid opens it.
        supplier_client = Client()
        supplier_client.force_login(user)
        sealing.forget_keys()
        page = supplier_client.get(reverse("bids:edit", args=[bid.lot_id]))
        assert "QUOKKA-LANTERN" in page.content.decode()
        assert opened["opened"] and opened["unwrapped"]

        # And opening the bids is what unwraps the tender's key on the buyer's side.
        opened.clear()
        tender_actions.open_evaluation(tender=tender, by=officer)
        assert opened["unwrapped"] == 1
