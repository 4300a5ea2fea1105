from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class VatRate(models.TextChoices):
    """Dutch VAT rates a catalogue row or quote line can carry."""

    HIGH = "21", _("21 % (standard)")
    LOW = "9", _("9 % (reduced)")
    ZERO = "0", _("0 %")
    REVERSE_CHARGED = "reverse", _("VAT reverse-charged")


class QuoteStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("quote status", "Draft")
    IN_APPROVAL = "in_approval", _("Waiting for approval")
    ISSUED = "issued", pgettext_lazy("quote status", "Issued")
    ACCEPTED = "accepted", pgettext_lazy("quote status", "Accepted")
    EXPIRED = "expired", pgettext_lazy("quote status", "Expired")
    REJECTED = "rejected", pgettext_lazy("quote status", "Rejected")


class PriceSource(models.TextChoices):
    MANUAL = "manual", _("Changed by hand")
    IMPORT = "import", _("Catalogue import")
    ADMIN = "admin", _("Django admin")


class DiscountKind(models.TextChoices):
    NONE = "", _("No discount")
    PERCENTAGE = "percentage", _("Percentage")
    AMOUNT = "amount", _("Amount")


class QuoteSource(models.TextChoices):
    """Where the request for a quote came from."""

    MANUAL = "manual", _("Made by hand")
    EMAIL = "email", _("Pasted e-mail")
    TICKET = "ticket", _("Customer question")
    FORM = "form", _("Request form")
    API = "api", _("API")


class PilotGroup(models.TextChoices):
    """In a pilot, whether a quote was made with an AI draft or without (for comparison)."""

    NONE = "", _("Not in the pilot")
    DRAFT = "draft", _("With AI draft")
    CONTROL = "control", _("Without AI draft")


class PilotComparison(models.TextChoices):
    PERIOD = "period", _("A baseline period before the pilot")
    CONTROL = "control", _("A control group without drafts during the pilot")
