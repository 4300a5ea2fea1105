"""Which provider each capability uses, and the store of embeddings already computed."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from wendbaar.ai.choices import Operation, Provider


class EngineChoice(models.Model):
    """The provider and model one capability uses for one kind of call, chosen by an administrator."""

    capability = models.CharField(
        _("capability"),
        max_length=64,
        help_text=_(
            "The code a capability asks with, e.g. meetings or meetings.minutes. A code without "
            "its own row uses the row for the part before the dot, then the default provider."
        ),
    )
    operation = models.CharField(
        _("operation"), max_length=16, choices=Operation.choices, default=Operation.GENERATE
    )
    provider = models.CharField(_("provider"), max_length=16, choices=Provider.choices)
    model_name = models.CharField(
        _("model"),
        max_length=200,
        blank=True,
        help_text=_("Empty: the model from the server settings."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("engine choice")
        verbose_name_plural = _("engine choices")
        ordering = ["capability", "operation"]
        constraints = [
            models.UniqueConstraint(fields=["capability", "operation"], name="unique_engine_choice")
        ]

    def __str__(self):
        return f"{self.capability} ({self.operation}): {self.provider} {self.model_name}".strip()


class EmbeddingCacheEntry(models.Model):
    """One embedding computed before, found again by a hash of model and text (never the text)."""

    key = models.CharField(_("key"), max_length=64, unique=True)
    model_name = models.CharField(_("model"), max_length=200)
    vector = models.BinaryField(_("vector"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("cached embedding")
        verbose_name_plural = _("cached embeddings")

    def __str__(self):
        return f"{self.model_name} {self.key[:12]}"
