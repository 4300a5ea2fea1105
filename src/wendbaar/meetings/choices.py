from django.db import models
from django.utils.translation import gettext_lazy as _


class LocationKind(models.TextChoices):
    OFFICE = "office", _("Office")
    HUB = "hub", _("Hub")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("Hybrid")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")


class MeetingStatus(models.TextChoices):
    READY = "ready", _("Ready")
    TRANSCRIBING = "transcribing", _("Transcribing")
    FAILED = "failed", _("Transcription failed")
