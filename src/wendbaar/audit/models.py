"""The append-only audit log. Rows are written by services and can never be changed or deleted."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ImmutableError(Exception):
    """Raised when code tries to change or delete an audit row."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ImmutableError("Audit events cannot be changed.")

    def delete(self):
        raise ImmutableError("Audit events cannot be deleted.")

    def bulk_update(self, *args, **kwargs):
        raise ImmutableError("Audit events cannot be changed.")


class AuditEvent(models.Model):
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

    def save(self, *args, **kwargs):
        if self.pk is not None or not self._state.adding:
            raise ImmutableError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError("Audit events cannot be deleted.")
