"""What the platform serves, read from the running configuration: every named URL pattern (the
URL resolver walked through its includes and namespaces) and every API operation (the OpenAPI
document the API serves). The matrix must name exactly these."""

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

from levelfield.api import api

# The admin site is one group: Django's own views, each refusing anyone but staff in the same
# way (AdminSite.admin_view), so the matrix tries a few of them for the whole group.
ADMIN_NAMESPACE = "admin"
# The API's patterns: one per path of operations, tried through the OpenAPI document instead
# (one entry per operation); its two documentation pages are pages like any other.
API_NAMESPACE = "api"
API_PAGES = ("api:openapi-json", "api:openapi-view")


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name"
    route: str  # the pattern, for messages
    kwargs: tuple[str, ...]


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str
    path: str  # "/api/buyer/tenders/{tender_id}"
    operation: dict  # its OpenAPI description


def _walk(resolver, prefix: str = "", namespace: str = ""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name or ""
            full = f"{namespace}:{name}" if namespace else name
            yield Route(full, prefix + str(pattern.pattern), tuple(pattern.pattern.converters))


def url_patterns() -> list[Route]:
    """Every URL pattern but the admin's and the API's (see above)."""
    return [
        route
        for route in _walk(get_resolver())
        if route.name.split(":")[0] not in (ADMIN_NAMESPACE, API_NAMESPACE)
        or route.name in API_PAGES
    ]


def unnamed_patterns() -> list[Route]:
    return [route for route in url_patterns() if not route.name.split(":")[-1]]


def admin_patterns() -> list[Route]:
    return [r for r in _walk(get_resolver()) if r.name.split(":")[0] == ADMIN_NAMESPACE]


def openapi() -> dict:
    return api.get_openapi_schema()


def operations() -> list[Operation]:
    found = []
    for path, item in openapi()["paths"].items():
        for method, operation in item.items():
            found.append(Operation(operation["operationId"], method.upper(), path, operation))
    return found
