"""API authentication: the browser session (with CSRF) or a scoped bearer token.

Every router declares the scopes a token needs (`api_auth("drafts:read", "drafts:write")`): reads
need the first, changes the second. An endpoint that declares nothing is closed to tokens, so a new
endpoint can never be reached by a token by accident.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja.security import HttpBearer, SessionAuth

from wendbaar.accounts import services
from wendbaar.audit import context

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
ANY_SCOPE = "*"


class TokenAuth(HttpBearer):
    """`Authorization: Bearer wb_…` with a token made on the person's account page."""

    openapi_description = "API token (Authorization: Bearer wb_…), made on your account page"

    def __init__(self, read_scope: str | None = None, write_scope: str | None = None):
        super().__init__()
        self.read_scope = read_scope
        self.write_scope = write_scope

    def authenticate(self, request, token):
        api_token = services.api_token_authenticate(token)
        if api_token is None:
            return None
        needed = self.read_scope if request.method in SAFE_METHODS else self.write_scope
        if needed is None:
            raise PermissionDenied(_("This part of the API is not available to API tokens."))
        if needed != ANY_SCOPE and needed not in api_token.scopes:
            raise PermissionDenied(
                _("This API token lacks the scope %(scope)s.") % {"scope": needed}
            )
        request.user = api_token.user
        request.api_token = api_token
        context.update(token_id=api_token.pk, token_label=str(api_token), channel="api")
        return api_token.user


class ActiveSessionAuth(SessionAuth):
    """The signed-in browser session; CSRF is checked on unsafe methods."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        return user if user is not None and user.is_active else None


def api_auth(read_scope: str | None, write_scope: str | None = None) -> list:
    """Session or token auth for a router or endpoint; a session acts with the person's full rights."""
    return [ActiveSessionAuth(), TokenAuth(read_scope, write_scope)]
