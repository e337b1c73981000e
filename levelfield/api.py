"""The JSON API: one NinjaAPI, each app contributing a router. Errors are JSON with a stable
`code` and a `message`."""

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from levelfield.core.errors import DomainError

api = NinjaAPI(
    title="levelfield API",
    version="1",
    description="Public procurement: opportunities for everyone; tenders, evaluation and award "
    "for buyers; bids and clarifications for suppliers. Authenticate machine clients with "
    "`Authorization: Bearer <token>`; create a token on your account page.",
    urls_namespace="api",
)


def _error(request, code: str, message: str, status: int, **extra):
    return api.create_response(request, {"code": code, "message": message, **extra}, status=status)


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    return _error(request, exc.code, exc.message, exc.status, details=exc.details)


@api.exception_handler(NinjaValidationError)
def validation_error(request, exc: NinjaValidationError):
    details = [
        f"{'.'.join(str(p) for p in e.get('loc', [])[1:]) or 'body'}: {e.get('msg')}"
        for e in exc.errors
    ]
    return _error(
        request,
        "validation_error",
        "The request is not valid: " + "; ".join(details),
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


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    """Errors ninja raises itself, such as a signed-in session's failed CSRF check (403)."""
    return _error(request, "error", str(exc), exc.status_code)


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


_add_routers()
