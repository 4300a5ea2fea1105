from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    """Transcripts in; minutes, decisions and action items out; meetings searchable later."""

    name = "wendbaar.meetings"
    label = "meetings"
    verbose_name = _("Meetings")

    def ready(self):
        from wendbaar.accounts import scopes
        from wendbaar.meetings import indexing  # noqa: F401 - registers the search chunks

        scopes.register("meetings:read", _("Read meetings the person attended or that were shared"))
        scopes.register("meetings:write", _("Add meetings and transcripts"))
