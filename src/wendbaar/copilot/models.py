"""Drafts made by AI, their sources, the human review of each, and the feedback learned from it."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from wendbaar.accounts.models import Restricted
from wendbaar.copilot.choices import Capability, DraftStatus, ReviewDecision


class Draft(Restricted):
    """An AI output that waits for a person to accept, edit or reject it; never final by itself."""

    capability = models.CharField(
        _("capability"), max_length=32, choices=Capability.choices, db_index=True
    )
    kind = models.CharField(
        _("kind"), max_length=64, help_text=_("What the draft is, e.g. minutes or reply.")
    )
    title = models.CharField(_("title"), max_length=250)
    subject_type = models.ForeignKey(
        ContentType,
        verbose_name=_("subject type"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    subject_id = models.CharField(_("subject id"), max_length=64, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    text = models.TextField(_("text"), help_text=_("The draft as a person reads and edits it."))
    content = models.JSONField(_("structured content"), default=dict, blank=True)
    input_data = models.JSONField(
        _("input"), default=dict, blank=True, help_text=_("What the draft was made from.")
    )
    language = models.CharField(_("language"), max_length=8, blank=True)
    confidence = models.FloatField(
        _("confidence"), validators=[MinValueValidator(0), MaxValueValidator(1)]
    )
    engine = models.CharField(_("engine"), max_length=64)
    model_name = models.CharField(_("model"), max_length=200, blank=True)
    prompt_version = models.CharField(_("prompt version"), max_length=64, blank=True)
    engine_note = models.CharField(
        _("engine note"),
        max_length=500,
        blank=True,
        help_text=_("E.g. that the model server failed and a fallback was used."),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=DraftStatus.choices,
        default=DraftStatus.PROPOSED,
        db_index=True,
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_drafts",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="requested_drafts",
    )
    superseded_by = models.ForeignKey(
        "self",
        verbose_name=_("superseded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    first_opened_at = models.DateTimeField(_("first opened at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("draft")
        verbose_name_plural = _("drafts")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="draft_subject_idx")]

    def __str__(self):
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == DraftStatus.PROPOSED

    @property
    def confidence_percent(self) -> int:
        return round(self.confidence * 100)


class DraftSource(models.Model):
    """A piece of evidence a draft rests on: a passage, transcript line, price row or data signal."""

    draft = models.ForeignKey(
        Draft, verbose_name=_("draft"), on_delete=models.CASCADE, related_name="sources"
    )
    position = models.PositiveIntegerField(_("number"))
    ref = models.CharField(
        _("source id"), max_length=200, help_text=_("Stable id of the source, e.g. doc:12#p3.")
    )
    kind = models.CharField(_("kind"), max_length=64, blank=True)
    title = models.CharField(_("title"), max_length=250, blank=True)
    quote = models.TextField(_("quote"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    locator = models.CharField(_("location in source"), max_length=120, blank=True)
    score = models.FloatField(_("score"), null=True, blank=True)

    class Meta:
        verbose_name = _("draft source")
        verbose_name_plural = _("draft sources")
        ordering = ["draft", "position"]
        constraints = [
            models.UniqueConstraint(fields=["draft", "position"], name="unique_source_position")
        ]

    def __str__(self):
        return f"[{self.position}] {self.title or self.ref}"


class Review(models.Model):
    """A person's verdict on a draft: what they kept, how much they changed, how long it took."""

    draft = models.OneToOneField(
        Draft, verbose_name=_("draft"), on_delete=models.CASCADE, related_name="review"
    )
    decision = models.CharField(_("decision"), max_length=16, choices=ReviewDecision.choices)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    final_text = models.TextField(_("final text"), blank=True)
    final_content = models.JSONField(_("final structured content"), default=dict, blank=True)
    edit_distance = models.PositiveIntegerField(_("edit distance (characters)"), default=0)
    edit_ratio = models.FloatField(_("share changed"), default=0.0)
    seconds_spent = models.PositiveIntegerField(_("seconds spent"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("reviewed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.draft} · {self.get_decision_display()}"


class FeedbackExampleQuerySet(models.QuerySet):
    def unconsumed(self):
        return self.filter(consumed_at__isnull=True)


class FeedbackExample(models.Model):
    """A reviewed draft turned into a learning example for its capability (input → what the person kept)."""

    capability = models.CharField(
        _("capability"), max_length=32, choices=Capability.choices, db_index=True
    )
    kind = models.CharField(_("kind"), max_length=64)
    draft = models.OneToOneField(
        Draft, verbose_name=_("draft"), on_delete=models.CASCADE, related_name="feedback"
    )
    label = models.CharField(_("label"), max_length=16, choices=ReviewDecision.choices)
    input_data = models.JSONField(_("input"), default=dict)
    proposed_text = models.TextField(_("proposed text"))
    proposed_content = models.JSONField(_("proposed content"), default=dict)
    final_text = models.TextField(_("final text"), blank=True)
    final_content = models.JSONField(_("final content"), default=dict)
    source_refs = models.JSONField(_("source ids"), default=list)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    consumed_at = models.DateTimeField(_("used for learning at"), null=True, blank=True)

    objects = FeedbackExampleQuerySet.as_manager()

    class Meta:
        verbose_name = _("feedback example")
        verbose_name_plural = _("feedback examples")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.capability}/{self.kind} · {self.label}"
