from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """Personal-data detection and masking, and the AI-use policy per capability."""

    name = "wendbaar.privacy"
    label = "privacy"
    verbose_name = _("Privacy")
