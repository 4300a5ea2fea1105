from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    """Hybrid work planning: locations, work patterns, office-day plans, focus time, meeting norms."""

    name = "wendbaar.planning"
    label = "planning"
    verbose_name = _("Planning")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from wendbaar.accounts import scopes

        scopes.register("planning:read", _("Read your own week, office days and calendars"))
        scopes.register("planning:write", _("Swap your days, book desks and add calendars"))
        scopes.register(
            "planning:manage", _("Read team figures of office plans, propose and approve them")
        )
