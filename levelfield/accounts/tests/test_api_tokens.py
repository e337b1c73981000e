"""API tokens: made on the account page read-only or read-write, for 30, 90 or 365 days; an
expired token is told so (401), a read-only token cannot change anything (403), and the page
shows each token's access, expiry and last use."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse

from levelfield.accounts.actions import create_api_token
from levelfield.accounts.models import ApiToken
from levelfield.core import clock
from levelfield.core.errors import DomainError
from levelfield.core.models import AuditEvent
from levelfield.tenders.lifecycle import Status
from tests.support.migrations import undone

pytestmark = pytest.mark.django_db


def bearer(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_a_person_makes_a_read_only_token_for_30_days_and_sees_it_on_their_account(client, officer):
    client.force_login(officer)
    account = client.get(reverse("accounts:account")).content.decode()
    assert f'href="{reverse("accounts:create_token")}"' in account

    page = client.get(reverse("accounts:create_token")).content.decode()
    # GOV.UK radios for what it may do (none chosen for them) and when it expires (90 days).
    assert (
        'class="govuk-radios__input" id="id_scope_0" name="scope" type="radio" value="read">'
        in page
    )
    assert re.search(r'name="lifetime_days" type="radio" value="90" checked>', page)
    assert "After 30 days" in page and "After 365 days" in page

    refused = client.post(
        reverse("accounts:create_token"), {"name": "finance", "lifetime_days": "7"}
    )
    body = refused.content.decode()
    assert refused.status_code == 200 and "There is a problem" in body
    assert "Choose whether the token may only read or may also change things" in body
    assert "Choose when the token expires" in body
    assert not ApiToken.objects.exists()

    made_at = clock.now()
    created = client.post(
        reverse("accounts:create_token"),
        {"name": "finance", "scope": "read", "lifetime_days": "30"},
    )
    secret = created.context["secret"]
    assert "Read only" in created.content.decode()
    token = ApiToken.objects.get()
    assert token.scope == ApiToken.Scope.READ
    assert timedelta(days=30) <= token.expires_at - made_at < timedelta(days=30, minutes=1)
    event = AuditEvent.objects.get(action="api_token.created")
    assert event.data["scope"] == "read" and event.data["expires_at"]

    account = client.get(reverse("accounts:account")).content.decode()
    row = re.search(r"<td class=\"govuk-table__cell\">finance</td>.*?</tr>", account, re.S).group(0)
    assert "Read only" in row and "Never" in row
    from levelfield.core.display import uk_date, uk_time

    assert uk_date(token.expires_at) in row

    client.get("/api/buyer/tenders", **bearer(secret))
    token.refresh_from_db()
    assert token.last_used_at is not None
    account = client.get(reverse("accounts:account")).content.decode()
    assert uk_time(token.last_used_at) in account


def test_a_tokens_last_use_is_noted_at_most_once_a_minute(client, officer, tender):
    token, secret = create_api_token(user=officer, name="busy client")
    first = clock.now()

    def last_use_after_a_call_at(moment):
        with clock.frozen_at(moment):
            assert client.get("/api/buyer/tenders", **bearer(secret)).status_code == 200
        return ApiToken.objects.get(pk=token.pk).last_used_at

    assert last_use_after_a_call_at(first) == first
    # Calls within the minute are let in as before; the row is not written again.
    assert last_use_after_a_call_at(first + timedelta(seconds=30)) == first
    assert last_use_after_a_call_at(first + timedelta(seconds=59)) == first
    later = first + timedelta(minutes=1)
    assert last_use_after_a_call_at(later) == later


def test_an_expired_token_is_refused_with_a_401_saying_it_expired(client, officer, tender):
    token, secret = create_api_token(user=officer, name="old", lifetime_days=30)
    assert client.get("/api/buyer/tenders", **bearer(secret)).status_code == 200
    used = ApiToken.objects.get(pk=token.pk).last_used_at

    with clock.frozen_at(token.expires_at + timedelta(seconds=1)):
        response = client.get("/api/buyer/tenders", **bearer(secret))
        assert response.status_code == 401
        body = response.json()
        assert body["code"] == "token_expired"
        assert body["message"].startswith("This API token expired at ")
        assert "Create a new token on your account page" in body["message"]
        # It is not let in as a write either, and an expired token's use is not its last use.
        cancel = client.post(
            f"/api/buyer/tenders/{tender.pk}/cancel",
            {"reason": "x"},
            content_type="application/json",
            **bearer(secret),
        )
        assert cancel.status_code == 401 and cancel.json()["code"] == "token_expired"
        assert ApiToken.objects.get(pk=token.pk).last_used_at == used

        # The account page marks it expired, and it can be removed.
        client.force_login(officer)
        account = client.get(reverse("accounts:account")).content.decode()
        assert 'govuk-tag--red">Expired</strong>' in account
    # Just before the expiry it still worked.
    with clock.frozen_at(token.expires_at - timedelta(seconds=1)):
        assert client.get("/api/buyer/tenders", **bearer(secret)).status_code == 200


def test_a_read_only_token_reads_but_is_refused_403_on_any_change(client, buyer_admin, tender):
    _, read_only = create_api_token(user=buyer_admin, name="reporting", scope=ApiToken.Scope.READ)
    listed = client.get("/api/buyer/tenders", **bearer(read_only))
    assert listed.status_code == 200
    assert [t["reference"] for t in listed.json()["items"]] == [tender.reference]

    changes = [
        ("post", f"/api/buyer/tenders/{tender.pk}/cancel", {"reason": "no longer needed"}),
        ("patch", f"/api/buyer/tenders/{tender.pk}", {"title": "Renamed"}),
        ("delete", f"/api/buyer/tenders/{tender.pk}/questions/1", None),
    ]
    for method, path, data in changes:
        response = getattr(client, method)(
            path, data, content_type="application/json", **bearer(read_only)
        )
        assert response.status_code == 403, (method, response.content)
        assert response.json()["code"] == "token_read_only"
        assert "read-only" in response.json()["message"]
    tender.refresh_from_db()
    assert tender.status == Status.PUBLISHED

    # The same person's read-write token may.
    _, read_write = create_api_token(user=buyer_admin, name="case system")
    done = client.post(
        f"/api/buyer/tenders/{tender.pk}/cancel",
        {"reason": "no longer needed"},
        content_type="application/json",
        **bearer(read_write),
    )
    assert done.status_code == 200, done.content
    tender.refresh_from_db()
    assert tender.status == Status.CANCELLED


def test_a_token_needs_a_known_scope_and_lifetime(officer):
    with pytest.raises(DomainError, match="Choose when the token expires"):
        create_api_token(user=officer, name="x", lifetime_days=1000)
    with pytest.raises(DomainError, match="only read or may also change"):
        create_api_token(user=officer, name="x", scope="admin")
    assert not ApiToken.objects.exists()
    token, _ = create_api_token(user=officer, name="x")
    assert token.scope == ApiToken.Scope.READ_WRITE
    assert token.expires_at - token.created_at == timedelta(days=90)


@pytest.mark.django_db(transaction=True)
def test_tokens_made_before_the_migration_keep_read_write_for_90_days_from_it(officer):
    with undone("accounts", "0004_api_token_expiry_and_scope") as before:
        before.get_model("accounts", "ApiToken").objects.create(
            user_id=officer.pk,
            name="made last year",
            token_hash="a" * 64,
            hint="lf_abcd",
            created_at=clock.now() - timedelta(days=400),
        )
        migrated_at = clock.now()
    token = ApiToken.objects.get(name="made last year")
    assert token.scope == ApiToken.Scope.READ_WRITE
    assert timedelta(days=90) <= token.expires_at - migrated_at < timedelta(days=90, minutes=5)
    # done again whole: its constraints hold for the tests after this one
    constraints = connection.introspection.get_constraints(connection.cursor(), "accounts_apitoken")
    assert {"api_token_scope_known", "api_token_expires_after_created"} <= set(constraints)
