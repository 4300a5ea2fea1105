from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    """The search index: permission-aware chunks of any record, hybrid word + meaning search."""

    name = "wendbaar.ai.search"
    label = "search"
    verbose_name = _("Search index")
