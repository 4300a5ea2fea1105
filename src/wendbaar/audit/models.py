"""The append-only audit log and AI-call log. Rows are written by services, never changed or deleted."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ImmutableError(Exception):
    """Raised when code tries to change or delete an audit row."""


class AppendOnlyQuerySet(models.QuerySet):
    """Refuses bulk changes and deletes; `noun` names the rows in the error."""

    noun = "Audit events"

    def update(self, **kwargs):
        raise ImmutableError(f"{self.noun} cannot be changed.")

    def delete(self):
        raise ImmutableError(f"{self.noun} cannot be deleted.")

    def bulk_update(self, *args, **kwargs):
        raise ImmutableError(f"{self.noun} cannot be changed.")


class AppendOnlyModel(models.Model):
    """A row that is written once: saving it again or deleting it raises ImmutableError."""

    noun = "Audit events"

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None or not self._state.adding:
            raise ImmutableError(f"{self.noun} cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError(f"{self.noun} cannot be deleted.")


class AuditEventQuerySet(AppendOnlyQuerySet):
    noun = "Audit events"


class AuditEvent(AppendOnlyModel):
    """One thing someone (or the system) did: who, what, when, on which record, from where."""

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    # Plain ids, not foreign keys: the log must outlive the people and records it mentions.
    actor_id = models.BigIntegerField(_("actor id"), null=True, blank=True, db_index=True)
    actor_label = models.CharField(_("actor"), max_length=250, blank=True)
    token_id = models.BigIntegerField(_("API token id"), null=True, blank=True)
    token_label = models.CharField(_("API token"), max_length=250, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=16, blank=True)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    object_type = models.CharField(_("record type"), max_length=100, blank=True, db_index=True)
    object_id = models.CharField(_("record id"), max_length=64, blank=True)
    object_label = models.CharField(_("record"), max_length=250, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_label or '-'} {self.action}"


class AiCallOutcome(models.TextChoices):
    OK = "ok", _("Answered")
    FALLBACK = "fallback", _("Fell back to the built-in engine")
    ERROR = "error", _("Failed")


class AiCallQuerySet(AppendOnlyQuerySet):
    noun = "AI calls"


class AiCall(AppendOnlyModel):
    """One call to the AI engine: who, for which use case, which provider, what was masked, sources.

    Never the text itself: the log must not become a second copy of the personal data it protects.
    """

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    # Plain ids, not foreign keys, as in AuditEvent: the log outlives people.
    actor_id = models.BigIntegerField(_("actor id"), null=True, blank=True, db_index=True)
    actor_label = models.CharField(_("actor"), max_length=250, blank=True)
    channel = models.CharField(_("channel"), max_length=16, blank=True)
    capability = models.CharField(_("capability"), max_length=64, db_index=True)
    operation = models.CharField(_("operation"), max_length=16)
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    provider = models.CharField(_("provider"), max_length=32, db_index=True)
    model_name = models.CharField(_("model"), max_length=200, blank=True)
    prompt_version = models.CharField(_("prompt version"), max_length=64, blank=True)
    input_chars = models.PositiveBigIntegerField(_("input characters"), default=0)
    masked_counts = models.JSONField(
        _("masked personal data"),
        default=dict,
        blank=True,
        help_text=_("How many items of each kind were masked before the text left this machine."),
    )
    source_ids = models.JSONField(_("sources"), default=list, blank=True)
    tokens_in = models.PositiveIntegerField(_("tokens in"), default=0)
    tokens_out = models.PositiveIntegerField(_("tokens out"), default=0)
    cost = models.DecimalField(_("cost"), max_digits=12, decimal_places=6, default=0)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=AiCallOutcome.choices, db_index=True
    )
    error = models.TextField(_("error"), blank=True)

    noun = "AI calls"
    objects = AiCallQuerySet.as_manager()

    class Meta:
        verbose_name = _("AI call")
        verbose_name_plural = _("AI calls")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.capability} {self.provider} {self.outcome}"
