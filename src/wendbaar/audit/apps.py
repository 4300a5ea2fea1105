from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    """Append-only log of who did what, on which record, from where."""

    name = "wendbaar.audit"
    label = "audit"
    verbose_name = _("Audit log")

    def ready(self):
        from wendbaar.accounts import scopes

        scopes.register("audit:read", _("Read and export the audit log (administrators only)"))
