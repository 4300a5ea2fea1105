"""The AI-use policy: per capability, which AI providers may be used and what is masked first."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wendbaar.copilot.choices import Capability


class AiPolicy(models.Model):
    """How one capability may use AI providers; without a row the privacy-by-default rules apply."""

    capability = models.CharField(
        _("capability"), max_length=32, choices=Capability.choices, unique=True
    )
    allowed_providers = models.JSONField(
        _("allowed AI providers"),
        default=list,
        blank=True,
        help_text=_("The built-in provider on this machine is always allowed."),
    )
    mask_personal_data = models.BooleanField(
        _("mask personal data"),
        default=True,
        help_text=_(
            "Replace personal data by placeholders before text goes to an external provider."
        ),
    )
    mask_types = models.JSONField(_("kinds of personal data to mask"), default=list, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("AI-use policy")
        verbose_name_plural = _("AI-use policies")
        ordering = ["capability"]

    def __str__(self):
        return str(self.get_capability_display())
