from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuotesConfig(AppConfig):
    """Quotes (offertes): a catalogue, pricing rules and AI first drafts from customer requests."""

    name = "wendbaar.quotes"
    label = "quotes"
    verbose_name = _("Quotes")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from wendbaar.accounts import scopes

        scopes.register("quotes:read", _("Read the catalogue and quotes"))
        scopes.register("quotes:write", _("Import price lists and change quotes"))
