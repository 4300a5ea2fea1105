from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    """Documents in; permission-aware search; answers with citations; data hygiene."""

    name = "wendbaar.knowledge"
    label = "knowledge"
    verbose_name = _("Knowledge")

    def ready(self):
        from wendbaar.accounts import scopes
        from wendbaar.knowledge import indexing, signals  # noqa: F401 - registers handlers

        scopes.register("knowledge:read", _("Search documents and ask questions"))
        scopes.register("knowledge:write", _("Upload and change documents"))
