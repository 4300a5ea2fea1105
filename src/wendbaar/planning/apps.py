from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    """Hybrid work planning: locations, work patterns, office-day plans, focus time, meeting norms."""

    name = "wendbaar.planning"
    label = "planning"
    verbose_name = _("Planning")
    default_auto_field = "django.db.models.BigAutoField"
