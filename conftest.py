import os

import pytest
from hypothesis import settings as hypothesis_settings

from levelfield.accounts.models import Role
from tests.support import testing

# Hypothesis, for every property test: no deadline (a busy machine or a database round trip
# makes one example slower than another, not wrong). In CI (.ci/run sets HYPOTHESIS_PROFILE=ci)
# each run draws the same examples, so a run passes or fails as the one before; elsewhere each
# run draws new ones, and a failing example is kept in .hypothesis/ to be tried first next time.
hypothesis_settings.register_profile("dev", deadline=None)
hypothesis_settings.register_profile("ci", deadline=None, derandomize=True, database=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


def pytest_configure(config):
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _media_and_tasks(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DOWNLOADS_ROOT = tmp_path / "downloads"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.AXES_ENABLED = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Most tests sign a buyer admin in with force_login and no authenticator; the tests of
    # two-factor sign-in turn the requirement on (it is on outside tests).
    settings.LEVELFIELD_REQUIRE_2FA_FOR_BUYER_ADMINS = False


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: a test's rolled-back data must not answer the next
    test's searches from the result cache."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def buyer(db):
    return testing.buyer_org()


@pytest.fixture
def buyer_admin(buyer):
    return testing.member(buyer, Role.BUYER_ADMIN, full_name="Alex Admin")


@pytest.fixture
def officer(buyer):
    return testing.member(buyer, Role.BUYER_OFFICER, full_name="Olu Officer")


@pytest.fixture
def evaluator(buyer):
    return testing.member(buyer, Role.EVALUATOR, full_name="Eve Evaluator")


@pytest.fixture
def supplier(db):
    return testing.supplier_with_user("Acorn Care Ltd")


@pytest.fixture
def other_supplier(db):
    return testing.supplier_with_user("Beech Homecare CIC", is_vcse=True)


@pytest.fixture
def tender(buyer, officer):
    return testing.published_tender(buyer=buyer, by=officer)
