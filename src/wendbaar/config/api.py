"""The one JSON API (django-ninja): session auth for the browser, scoped tokens for integrations.

Errors always have the shape {"error": {"code": str, "message": str, "details": list}}.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from wendbaar import __version__
from wendbaar.accounts.auth import api_auth
from wendbaar.common.errors import BusinessRuleError

api = NinjaAPI(
    title="Wendbaar API",
    version=__version__,
    description="Drafts, people and audit of Wendbaar. Sign in for the browser session, or send "
    "`Authorization: Bearer <token>` with a token made on your account page.",
    auth=api_auth(None, None),
    urls_namespace="api",
    docs_url="/docs",
)


def _error(request, status: int, code: str, message: str, details=None):
    return api.create_response(
        request,
        {"error": {"code": code, "message": str(message), "details": details or []}},
        status=status,
    )


@api.exception_handler(BusinessRuleError)
def _business_rule(request, exc: BusinessRuleError):
    return _error(request, exc.status_code, exc.code, exc.message)


@api.exception_handler(NinjaValidationError)
def _invalid_input(request, exc: NinjaValidationError):
    details = [
        {"loc": [str(p) for p in err.get("loc", [])], "message": str(err.get("msg", ""))}
        for err in exc.errors
    ]
    return _error(request, 422, "invalid_input", _("The request contains invalid data."), details)


@api.exception_handler(ValidationError)
def _model_validation(request, exc: ValidationError):
    return _error(request, 400, "invalid_input", " ".join(exc.messages))


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return _error(request, 401, "unauthenticated", _("Sign in or send a valid API token."))


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return _error(request, 403, "forbidden", str(exc) or _("You may not do this."))


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _error(request, 404, "not_found", _("Not found."))


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    if exc.status_code == 403 and "CSRF" in str(exc):
        return _error(
            request, 403, "csrf_failed", _("The CSRF token is missing or wrong. Reload the page.")
        )
    return _error(request, exc.status_code, "http_error", str(exc))


api.add_router("/accounts/", "wendbaar.accounts.api.router")
api.add_router("/drafts/", "wendbaar.copilot.api.router")
api.add_router("/knowledge/", "wendbaar.knowledge.api.router")
api.add_router("/meetings/", "wendbaar.meetings.api.router")
api.add_router("/planning/", "wendbaar.planning.api.router")
api.add_router("/audit/", "wendbaar.audit.api.router")
api.add_router("/service/", "wendbaar.service.api.router")
api.add_router("/quotes/", "wendbaar.quotes.api.router")
