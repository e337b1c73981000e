"""The demo loaded once per test module, as `levelfield demo` loads it: its files in a temporary
folder, its emails nowhere and its tasks run at once, as every test's are; rolled back after the
module."""

import io
from contextlib import contextmanager, nullcontext

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from levelfield.core import clock


@contextmanager
def loaded_demo(django_db_blocker, tmp_path_factory, folder: str, *, at=None):
    """Load the demo (as of `at`, if given) and yield what the command printed; roll it back."""
    files = tmp_path_factory.mktemp(folder)
    with (
        override_settings(
            MEDIA_ROOT=files / "media",
            DOWNLOADS_ROOT=files / "downloads",
            TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        ),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        out = io.StringIO()
        with clock.frozen_at(at) if at is not None else nullcontext():
            call_command("demo", stdout=out)
        try:
            yield out.getvalue()
        finally:
            transaction.set_rollback(True)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory, request):
    """The demo loaded once for the module; what the command printed."""
    folder = "demo-" + request.module.__name__.rsplit(".", 1)[-1]
    with loaded_demo(django_db_blocker, tmp_path_factory, folder) as output:
        yield output
