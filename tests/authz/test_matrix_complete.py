"""The matrix names every route and every operation the platform serves, and nothing else: a
new URL pattern or API operation without a line fails here, naming it, until someone writes down
who may use it; a line for a route that has gone fails too."""

from django.urls import NoReverseMatch, reverse

from . import roles as r
from .matrix_api import OPERATIONS
from .matrix_pages import ADMIN_PAGES, PAGES
from .routes import admin_patterns, operations, unnamed_patterns, url_patterns


def test_every_url_pattern_has_a_name():
    assert not unnamed_patterns(), f"URL patterns without a name: {unnamed_patterns()}"


def test_every_url_pattern_has_a_line_in_the_matrix():
    served = {route.name: route.route for route in url_patterns()}
    missing = sorted(f"{name} ({route})" for name, route in served.items() if name not in PAGES)
    assert not missing, "routes with no line in tests/authz/matrix_pages.py: " + ", ".join(missing)


def test_every_line_of_the_matrix_is_a_url_pattern():
    served = {route.name for route in url_patterns()}
    gone = sorted(set(PAGES) - served)
    assert not gone, "lines in tests/authz/matrix_pages.py for routes that are gone: " + str(gone)


def test_the_admin_pages_tried_are_admin_pages():
    admin = {route.name for route in admin_patterns()}
    assert admin, "the admin site serves no pages"
    gone = sorted(set(ADMIN_PAGES) - admin)
    assert not gone, f"admin pages in the matrix that the admin does not serve: {gone}"
    for name in ADMIN_PAGES:
        try:
            reverse(name)
        except NoReverseMatch as error:
            raise AssertionError(
                f"{name} needs parameters; the matrix tries it with none"
            ) from error


def test_every_api_operation_has_a_line_in_the_matrix():
    served = {op.operation_id: f"{op.method} {op.path}" for op in operations()}
    assert len(served) == len(operations()), "two operations share an operationId"
    missing = sorted(f"{oid} ({what})" for oid, what in served.items() if oid not in OPERATIONS)
    assert not missing, "operations with no line in tests/authz/matrix_api.py: " + ", ".join(
        missing
    )


def test_every_line_of_the_api_matrix_is_an_operation():
    served = {op.operation_id for op in operations()}
    gone = sorted(set(OPERATIONS) - served)
    assert not gone, f"lines in tests/authz/matrix_api.py for operations that are gone: {gone}"


def test_every_line_says_what_each_role_gets():
    for name, entry in {**PAGES, **ADMIN_PAGES, **OPERATIONS}.items():
        for policy in (entry.expect, entry.post or entry.expect):
            assert set(policy) == set(r.ROLES), f"{name}: roles {sorted(policy)}"
            assert set(policy.values()) <= set(r.OUTCOMES), f"{name}: {policy}"
        assert entry.method in ("GET", "HEAD", "POST", ""), f"{name}: method {entry.method}"


def test_own_means_the_other_organisation_is_refused():
    """Allowed only on its own organisation's object: the same route tried by the other
    organisation's matching role must be a refusal, or "own" would mean nothing."""
    for name, entry in {**PAGES, **OPERATIONS}.items():
        for role, outcome in [*entry.expect.items(), *(entry.post or {}).items()]:
            if outcome == r.OWN:
                other = r.COUNTERPART[role]
                refused = entry.expect[other] == r.DENY
                refused = refused and (entry.post or {}).get(other, r.DENY) == r.DENY
                assert refused, (
                    f"{name}: {role} is allowed its own organisation's object only, "
                    f"but {other} is not refused"
                )


def test_no_route_is_open_to_nobody_without_saying_why():
    for name, entry in {**PAGES, **OPERATIONS}.items():
        if set(entry.expect.values()) == {r.DENY}:
            assert entry.why, f"{name}: refused to every role, with no reason given"
