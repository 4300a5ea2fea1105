"""Meetings, who took part, and what was said (the transcript, line by line)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wendbaar.accounts.models import Restricted
from wendbaar.meetings.choices import LocationKind, MeetingStatus, TaskStatus


class Meeting(Restricted):
    """A meeting with its transcript. Participants see it too, whatever its visibility."""

    title = models.CharField(_("title"), max_length=250)
    date = models.DateField(_("date"))
    location_kind = models.CharField(
        _("where"), max_length=16, choices=LocationKind.choices, default=LocationKind.HYBRID
    )
    location = models.ForeignKey(
        "accounts.Location",
        verbose_name=_("location"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    language = models.CharField(_("language"), max_length=8, blank=True)
    transcript_filename = models.CharField(_("transcript file"), max_length=255, blank=True)
    transcript_format = models.CharField(_("transcript format"), max_length=16, blank=True)
    duration_seconds = models.PositiveIntegerField(_("duration (seconds)"), null=True, blank=True)
    import_notes = models.TextField(_("import notes"), blank=True)
    # A meeting added as a recording is transcribed in the background: its status and how far.
    status = models.CharField(
        _("status"), max_length=16, choices=MeetingStatus.choices, default=MeetingStatus.READY
    )
    progress = models.PositiveSmallIntegerField(_("transcription progress (%)"), default=100)
    status_message = models.TextField(_("status message"), blank=True)
    audio = models.FileField(_("recording"), upload_to="meetings/audio/%Y/%m/", blank=True)
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("participants"),
        through="Participant",
        blank=True,
        related_name="meetings",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # The minutes as published: the reviewed text and items of one accepted minutes draft.
    published_at = models.DateTimeField(_("minutes published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("minutes published by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    published_draft = models.ForeignKey(
        "copilot.Draft",
        verbose_name=_("minutes draft"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    published_text = models.TextField(_("published minutes"), blank=True)
    published_content = models.JSONField(_("published minutes items"), default=dict, blank=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-date", "-pk"]

    def __str__(self):
        return self.title

    @property
    def is_transcribing(self) -> bool:
        return self.status == MeetingStatus.TRANSCRIBING

    def principals(self) -> list[str]:
        keys = set(super().principals())
        keys.update(
            f"user:{pk}"
            for pk in self.participant_rows.exclude(person=None).values_list("person_id", flat=True)
        )
        return sorted(keys)


class Participant(models.Model):
    """Someone in the meeting: a person of the organisation, or a name from the transcript."""

    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        on_delete=models.CASCADE,
        related_name="participant_rows",
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    name = models.CharField(_("name in the transcript"), max_length=200, blank=True)
    minutes_sent_at = models.DateTimeField(_("minutes sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "person"],
                condition=models.Q(person__isnull=False),
                name="unique_meeting_person",
            )
        ]

    def __str__(self):
        return str(self.person or self.name)


class TranscriptLine(models.Model):
    """One turn of the transcript; minutes items cite these lines."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="lines"
    )
    index = models.PositiveIntegerField(_("line"))
    speaker = models.CharField(_("speaker"), max_length=200, blank=True)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    text = models.TextField(_("text"))
    start_seconds = models.FloatField(_("start (s)"), null=True, blank=True)
    end_seconds = models.FloatField(_("end (s)"), null=True, blank=True)

    class Meta:
        verbose_name = _("transcript line")
        verbose_name_plural = _("transcript lines")
        ordering = ["meeting", "index"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "index"], name="unique_transcript_line")
        ]

    def __str__(self):
        return f"{self.meeting_id}:{self.index} {self.speaker}"

    @property
    def timestamp(self) -> str:
        from wendbaar.meetings.transcripts import format_timestamp

        return format_timestamp(self.start_seconds)

    @property
    def spoken(self) -> str:
        """The line as said: "Speaker: text", or the text alone when nobody is named."""
        return f"{self.speaker}: {self.text}" if self.speaker else self.text


class ActionTask(models.Model):
    """An action item of published minutes: a task for its owner, traceable to the lines it
    comes from. Items whose owner is not a person of the meeting keep the name only."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="tasks"
    )
    position = models.PositiveIntegerField(_("number"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meeting_tasks",
    )
    owner_name = models.CharField(_("owner in the minutes"), max_length=200, blank=True)
    task = models.TextField(_("task"))
    due = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    lines = models.JSONField(_("transcript lines"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "position"], name="unique_meeting_task")
        ]
        indexes = [models.Index(fields=["owner", "status"], name="meetings_task_owner_status")]

    def __str__(self):
        return self.task

    @property
    def is_done(self) -> bool:
        return self.status == TaskStatus.DONE

    @property
    def first_line(self) -> int | None:
        return self.lines[0] if self.lines else None
