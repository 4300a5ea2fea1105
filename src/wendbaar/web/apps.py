from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    """The shell of the web app: navigation, home page, capability pages, health check, demo data."""

    name = "wendbaar.web"
    label = "web"
    verbose_name = _("Web app")
