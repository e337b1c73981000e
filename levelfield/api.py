"""The JSON API: one NinjaAPI, each app contributing a router. Errors are JSON with a stable
`code` and a `message`."""

import copy
from http import HTTPStatus

from csp.decorators import csp_update
from django.core.exceptions import ObjectDoesNotExist, RequestDataTooBig
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from levelfield.core.api_helpers import ErrorOut
from levelfield.core.error_views import request_too_large
from levelfield.core.errors import DomainError
from levelfield.core.ratelimits import api_throttles, message, refused_group

ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}

COMMON_ERRORS = {
    400: "The body is not JSON (`error`), or what it asks breaks one of the platform's rules "
    "(`validation_error` or the rule's own code)",
    401: "No valid API token or signed-in session (`unauthorized`), or an expired token "
    "(`token_expired`)",
    403: "The wrong kind of organisation, a missing permission or a failed CSRF check "
    "(`forbidden`), or a read-only token asked to change something (`token_read_only`)",
    404: "No such object among those you may see (`not_found`)",
    413: "The request body is over 5 MB (`too_large`), or a file sent is over its size limit or "
    "more files were sent than the operation takes (`file_too_large`)",
    422: "A parameter or the body does not match this description (`validation_error`)",
    429: "Too many requests in a short time (`too_many_requests`): wait the seconds the "
    "Retry-After header gives",
}
"""The errors any operation may answer, whatever it does, as `ErrorOut`: each operation
documents those its shape allows (see `LevelfieldAPI.common_errors`) beside its own."""

DECLARED_ERRORS = {
    **COMMON_ERRORS,
    409: "The object is not in a state that allows this (`invalid_state`), or a deadline has "
    "passed (`deadline_passed`); the operation's description says when",
    422: "A parameter or the body does not match this description (`validation_error`), or one "
    "of the platform's rules refuses what it asks (`rule_failed`); the operation's description "
    "says which",
}
"""What an error an operation declares itself means, in place of ninja's bare phrase ("Not
Found", "Unprocessable Entity")."""


class LevelfieldAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """The OpenAPI description, built once (about a second of CPU for ~750 KB, which every
        caller of /api/openapi.json and /api/docs would otherwise cost the server) and given as
        a copy each time, so a caller may change its own. Built again if a router is added."""
        key = (path_prefix, tuple(sorted((path_params or {}).items())), len(self._routers))
        schemas = self.__dict__.setdefault("_lf_schemas", {})
        if key not in schemas:
            schemas[key] = self._build_openapi_schema(path_prefix, path_params)
        return copy.deepcopy(schemas[key])

    def _build_openapi_schema(self, path_prefix, path_params):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema["components"]["schemas"].setdefault(
            "ErrorOut", ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
        )
        for methods in schema["paths"].values():
            for operation in methods.values():
                responses = operation["responses"]
                for status, response in responses.items():
                    code = int(status)
                    if code in DECLARED_ERRORS and response.get("description") == (
                        HTTPStatus(code).phrase
                    ):
                        response["description"] = DECLARED_ERRORS[code]
                for status in self.common_errors(operation):
                    responses.setdefault(
                        status,
                        {
                            "description": COMMON_ERRORS[status],
                            "content": {"application/json": {"schema": ERROR_REF}},
                        },
                    )
        return schema

    @staticmethod
    def common_errors(operation: dict) -> list[int]:
        """The statuses an operation of this shape can answer before or beside its own work:
        401 and 403 when it needs a caller, 404 with an id in its path, 422 with any parameter
        or body, 400 and 413 with a body; and 429 for any (the rate limits)."""
        parameters = operation.get("parameters", [])
        has_body = "requestBody" in operation
        statuses = []
        if operation.get("security"):
            statuses += [401, 403]
        if any(p["in"] == "path" for p in parameters):
            statuses.append(404)
        if parameters or has_body:
            statuses.append(422)
        if has_body:
            statuses += [400, 413]
        statuses.append(429)
        return statuses


api = LevelfieldAPI(
    title="levelfield API",
    version="1",
    description="Public procurement: opportunities for everyone; tenders, evaluation and award "
    "for buyers; bids and clarifications for suppliers. Authenticate machine clients with "
    "`Authorization: Bearer <token>`; create a token on your account page.",
    urls_namespace="api",
    # Per person (token or session) and per address for callers who are neither: see
    # core/ratelimits.py and LEVELFIELD_RATE_LIMITS.
    throttle=api_throttles(),
    # Swagger UI's style sheet draws its icons as data: images; the rest of the site's policy
    # (no inline script or style) holds on /api/docs too.
    docs_decorator=csp_update({"img-src": ["data:"]}),
)


def _error(request, code: str, message: str, status: int, **extra):
    return api.create_response(request, {"code": code, "message": message, **extra}, status=status)


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    return _error(request, exc.code, exc.message, exc.status, details=exc.details)


NOT_AS_DESCRIBED = "The request is not valid: "
"""How a 422 for a request that does not match the description starts (a domain rule's 422
has its own words)."""


def _where(request, loc) -> str:
    """Where a request's problem is, as the client named it: for a query parameter its own name
    ("lot.0"), not the view's argument that gathers the parameters ("filters.lot.0")."""
    parts = list(loc[1:])
    if loc and loc[0] == "query" and len(parts) > 1 and parts[0] not in request.GET:
        if isinstance(parts[1], str):  # parts[0] gathers the parameters; parts[1] is one
            parts = parts[1:]
    return ".".join(str(part) for part in parts) or "body"


@api.exception_handler(NinjaValidationError)
def validation_error(request, exc: NinjaValidationError):
    details = [f"{_where(request, e.get('loc', []))}: {e.get('msg')}" for e in exc.errors]
    return _error(
        request,
        "validation_error",
        NOT_AS_DESCRIBED + "; ".join(details),
        422,
        details=details,
    )


@api.exception_handler(AuthenticationError)
def auth_error(request, exc):
    return _error(request, "unauthorized", "Sign in, or send a valid API token", 401)


@api.exception_handler(Http404)
@api.exception_handler(ObjectDoesNotExist)
def not_found(request, exc):
    return _error(request, "not_found", "Not found", 404)


@api.exception_handler(Throttled)
def throttled(request, exc: Throttled):
    """429 from the rate limits (ninja adds Retry-After)."""
    seconds = int(exc.wait or 1)
    return _error(
        request, "too_many_requests", message(refused_group(request), seconds), 429, details=[]
    )


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    """Errors ninja raises itself, such as a signed-in session's failed CSRF check (403)."""
    return _error(request, "error", str(exc), exc.status_code)


@api.exception_handler(RequestDataTooBig)
def too_large(request, exc):
    """Text over the limit in a multipart form, found as the operation reads it: the 413 the
    rest of the site gives (with DEBUG off Django's 400 handler would give it too; with DEBUG on
    ninja answered a traceback). Files over their limit (`core.upload_limits`) likewise."""
    return request_too_large(request, exc)


def _add_routers() -> None:
    from levelfield.bids.api import router as bids_router
    from levelfield.contracts.api import router as contracts_router
    from levelfield.evaluation.api import router as evaluation_router
    from levelfield.opendata.api import router as ocds_router
    from levelfield.suppliers.api import router as suppliers_router
    from levelfield.tenders.api import public_router
    from levelfield.tenders.api import router as tenders_router

    api.add_router("/opportunities", public_router)
    api.add_router("/buyer", tenders_router)
    api.add_router("/buyer", evaluation_router)
    api.add_router("/buyer", contracts_router)
    api.add_router("/supplier", bids_router)
    api.add_router("/supplier", suppliers_router)
    api.add_router("/ocds", ocds_router)
    api.add_router("/social-value", "levelfield.socialvalue.api.router")
    from levelfield.tenders import api_amend, api_clarify

    for module in (api_amend, api_clarify):
        for prefix, router in module.ROUTERS:
            api.add_router(prefix, router)
    # Contract management: each concern's module lists its routers with where they go.
    from levelfield.contracts import (
        api_changes,
        api_checklists,
        api_contract,
        api_kpis,
        api_payments,
    )

    for module in (api_contract, api_checklists, api_kpis, api_payments, api_changes):
        for prefix, router in module.ROUTERS:
            api.add_router(prefix, router)
    # Private correspondence between a buyer and one bidder.
    from levelfield.correspondence import api as correspondence_api

    for prefix, router in correspondence_api.ROUTERS:
        api.add_router(prefix, router)
    # Supplier resilience: living wills, financial standing, scenarios, concentration risk.
    from levelfield.resilience import api as resilience_api

    for module in resilience_api.MODULES:
        for prefix, router in module.ROUTERS:
            api.add_router(prefix, router)
    # The procurement review service: raisers, the review team, respondents, the public.
    from levelfield.reviews import api as reviews_api

    for module in reviews_api.MODULES:
        for prefix, router in module.ROUTERS:
            api.add_router(prefix, router)
    # The catalogue marketplace: frameworks, listings, buying from the catalogue, reports.
    from levelfield.marketplace import api as marketplace_api

    for module in marketplace_api.MODULES:
        for prefix, router in module.ROUTERS:
            api.add_router(prefix, router)
    # Insights: spend and fairness measures on published and imported data.
    from levelfield.accounts.api_auth import api_auth
    from levelfield.insights import api as insights_api

    for module in insights_api.MODULES:
        for prefix, router in module.ROUTERS:
            api.add_router(prefix, router)
        # Insights sit below accounts: their routers for callers who must be signed in are
        # listed apart and given the accounts' authentication here.
        for prefix, router in getattr(module, "SIGNED_IN_ROUTERS", ()):
            api.add_router(prefix, router, auth=api_auth)


_add_routers()
