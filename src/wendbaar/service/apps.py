from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceConfig(AppConfig):
    """Customer questions: intake, triage, a prioritised queue, reply drafts and rules."""

    name = "wendbaar.service"
    label = "service"
    verbose_name = _("Customer questions")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from wendbaar.accounts import scopes

        scopes.register("service:read", _("Read customer questions of your teams"))
        scopes.register("service:write", _("Add customer questions, assign, correct and reply"))
