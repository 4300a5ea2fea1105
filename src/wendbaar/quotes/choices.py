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
