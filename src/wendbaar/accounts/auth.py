"""API authentication: the browser session (with CSRF) or a scoped bearer token."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja.security import HttpBearer, SessionAuth

from wendbaar.accounts import services
from wendbaar.audit import context


class TokenAuth(HttpBearer):
    """`Authorization: Bearer wb_…` with a token made on the person's account page."""

    openapi_description = "API token from your account page (Authorization: Bearer wb_…)"

    def authenticate(self, request, token):
        api_token = services.api_token_authenticate(token)
        if api_token is None:
            return None
        request.user = api_token.user
        request.api_token = api_token
        context.update(token_id=api_token.pk, token_label=str(api_token), channel="api")
        return api_token.user


class ActiveSessionAuth(SessionAuth):
    """The signed-in browser session; CSRF is checked on unsafe methods."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        return user if user is not None and user.is_active else None


def require_scope(request, scope: str) -> None:
    """Token calls need the scope; a browser session acts with the person's full rights."""
    api_token = getattr(request, "api_token", None)
    if api_token is not None and scope not in api_token.scopes:
        raise PermissionDenied(_("This API token lacks the scope %(scope)s.") % {"scope": scope})
