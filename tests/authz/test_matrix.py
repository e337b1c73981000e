"""Every line of the authorisation matrix tried as every role: each page and each API operation
is requested as anonymous, each supplier and buyer role, the evaluators (declared, undeclared,
conflicted), the other organisations' admins, the platform admin and the resilience team, on
objects of one world built once for the module (world.py), and the answer must be what the
matrix says. A refused change must leave the audit trail as it was: every change is an action
that records its event in the same transaction; an action's own refusal (`PermissionDenied`),
which a page that is only a button shows as a message, counts as a refusal. One test a line,
trying every role in turn, each request in a savepoint rolled back after it, so an allowed
change (publishing, withdrawing) does not change the world for the next.

Pages are sent by Django's test client without CSRF enforcement, which is a request with a
valid CSRF token; the API is called with each person's bearer token (read and write)."""

from contextlib import contextmanager
from dataclasses import replace
from unittest import mock

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client, override_settings
from django.urls import NoReverseMatch, reverse

from levelfield.accounts.selectors import SESSION_KEY
from levelfield.core import errors
from levelfield.core.models import AuditEvent

from . import roles as r
from .matrix_api import OPERATIONS
from .matrix_pages import ADMIN_PAGES, PAGES
from .requests import SAFE, api_call, client_for, describe, verdict
from .routes import openapi, operations, url_patterns
from .world import build

pytestmark = pytest.mark.django_db

ROUTE_KWARGS = {route.name: route.kwargs for route in url_patterns()}
OPERATION_BY_ID = {operation.operation_id: operation for operation in operations()}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world, built once in a transaction of its own that is rolled back at the end of the
    module; each test's own changes are rolled back to a savepoint inside it."""
    root = tmp_path_factory.mktemp("authz")
    overrides = override_settings(
        MEDIA_ROOT=root / "media",
        DOWNLOADS_ROOT=root / "downloads",
        TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        LEVELFIELD_REQUIRE_2FA_FOR_BUYER_ADMINS=False,
    )
    with django_db_blocker.unblock(), overrides:
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            built = build()
            built.root = root
            for role, person in built.people.items():
                if person is not None:
                    client = Client()
                    client.force_login(person)
                    if role in built.acting_for:
                        session = client.session
                        session[SESSION_KEY] = built.acting_for[role].pk
                        session.save()
                    built.sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
            yield built
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def in_world(world, settings):
    """The world's stored files for this test (the project's fixtures give each test its own)."""
    settings.MEDIA_ROOT = world.root / "media"
    settings.DOWNLOADS_ROOT = world.root / "downloads"
    return world


def _params(world, scene: str, names) -> dict:
    if scene not in world.scenes:
        pytest.fail(f"the world has no scene {scene!r}")
    values = world.scenes[scene]
    if "unbuilt" in values:  # what the route names comes in its query: nothing to try it on
        pytest.skip(f"scene {scene!r}: {values['unbuilt']}")
    missing = [name for name in names if values.get(name) is None]
    if missing:
        why = values.get("why", "not built")
        pytest.skip(f"scene {scene!r} has no object for {missing}: {why}")
    return {name: values[name] for name in names}


@contextmanager
def _refusals():
    """The messages of every `PermissionDenied` an action raises while the block runs: a page
    that is only a button turns it into a message and a redirect, not a 403."""
    said = []
    original = errors.PermissionDenied.__init__

    def record(self, *args, **kwargs):
        original(self, *args, **kwargs)
        said.append(str(getattr(self, "message", "") or self))

    with mock.patch.object(errors.PermissionDenied, "__init__", record):
        yield said


def _try(entry, send, *, method: str, label: str) -> list[str]:
    """Send the request as every role, each in a savepoint rolled back after it (an allowed
    change must not change the world for the next role), and say what was not as expected."""
    wrong = []
    for role in r.TRIED:
        with transaction.atomic(), _refusals() as refusals:
            before = AuditEvent.objects.count()
            response = send(role)
            changes = AuditEvent.objects.count() - before
            transaction.set_rollback(True)
        expected = entry.expect[r.SAME_AS.get(role, role)]
        got = verdict(response, method, refused_by_action=bool(refusals))
        wanted = "deny" if expected == r.DENY else "allow"
        if got != wanted:
            said = f"; refused: {refusals[0]}" if refusals else ""
            made = f"; {changes} audited change(s)" if changes else ""
            wrong.append(
                f"{role}: expected {expected}, got {got} ({describe(response)}{said}{made})"
            )
        elif wanted == "deny" and method not in SAFE and changes:
            wrong.append(f"{role}: refused, but {changes} audited change(s) made")
    if wrong:
        why = f" [{entry.why}]" if entry.why else ""
        return [f"{label}{why}:", *(f"  {line}" for line in wrong)]
    return []


@pytest.mark.parametrize("name", sorted({**PAGES, **ADMIN_PAGES}))
def test_page(in_world, name):
    entry = {**PAGES, **ADMIN_PAGES}[name]
    kwargs = ROUTE_KWARGS.get(name, ())  # the admin's pages tried take no parameters
    try:
        url = reverse(name, kwargs=_params(in_world, entry.scene, kwargs) or None)
    except NoReverseMatch as error:
        pytest.fail(f"{name}: {error}")

    def send(role):
        return client_for(in_world, role).generic(entry.method, url, **(entry.headers or {}))

    wrong = _try(entry, send, method=entry.method, label=f"{name} ({entry.method} {url})")
    if entry.post is not None:
        sent = replace(entry, expect=entry.post, method="POST")

        def send_post(role):
            return client_for(in_world, role).post(url, entry.data or {})

        wrong += _try(sent, send_post, method="POST", label=f"{name} (POST {url})")
    assert not wrong, "\n".join(wrong)


@pytest.fixture(scope="module")
def document():
    return openapi()


@pytest.mark.parametrize("operation_id", sorted(OPERATIONS))
def test_operation(in_world, document, operation_id):
    entry = OPERATIONS[operation_id]
    operation = OPERATION_BY_ID.get(operation_id)
    if operation is None:
        pytest.fail(f"{operation_id} is not in the OpenAPI document")
    names = [p["name"] for p in operation.operation.get("parameters", []) if p["in"] == "path"]
    params = _params(in_world, entry.scene, names)

    def send(role):
        client = client_for(in_world, role)
        hints = in_world.scenes[entry.scene]
        return api_call(client, in_world, operation, params, role, document, hints)

    label = f"{operation_id} ({operation.method} {operation.path})"
    wrong = _try(entry, send, method=operation.method, label=label)
    assert not wrong, "\n".join(wrong)
