from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """People, teams, roles, locations, API tokens and the visibility rules other apps use."""

    name = "wendbaar.accounts"
    label = "accounts"
    verbose_name = _("People and permissions")

    def ready(self):
        from wendbaar.accounts import scopes, signals  # noqa: F401  (connects the audit receivers)

        scopes.register("people:read", _("Read people, teams, roles and locations"))
        scopes.register("people:write", _("Manage people, teams, roles and locations"))
