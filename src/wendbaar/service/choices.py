from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TicketStatus(models.TextChoices):
    NEW = "new", pgettext_lazy("ticket status", "New")
    OPEN = "open", pgettext_lazy("ticket status", "Open")
    WAITING = "waiting", _("Waiting for the customer")
    CLOSED = "closed", pgettext_lazy("ticket status", "Closed")


class TicketPriority(models.TextChoices):
    LOW = "low", pgettext_lazy("priority", "Low")
    MEDIUM = "medium", pgettext_lazy("priority", "Medium")
    HIGH = "high", pgettext_lazy("priority", "High")
    URGENT = "urgent", pgettext_lazy("priority", "Urgent")


# Sort order for the queue: urgent first.
PRIORITY_RANK = {"urgent": 0, "high": 1, "medium": 2, "low": 3}


class TicketType(models.TextChoices):
    INCIDENT = "incident", _("Malfunction")
    REQUEST = "request", _("Request")
    QUESTION = "question", _("Question")
    COMPLAINT = "complaint", _("Complaint")
    BILLING = "billing", _("Invoice")


class Sentiment(models.TextChoices):
    NEGATIVE = "negative", _("Negative")
    NEUTRAL = "neutral", _("Neutral")
    POSITIVE = "positive", _("Positive")


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    FORM = "form", _("Web form")
    API = "api", _("API")
    IMPORT = "import", _("Import")


class Direction(models.TextChoices):
    INBOUND = "in", _("From the customer")
    OUTBOUND = "out", _("To the customer")


class LiberationDay(models.TextChoices):
    """Bevrijdingsdag (5 May) is a day off by collective agreement, not by law."""

    NEVER = "never", _("Working day")
    LUSTRUM = "lustrum", _("Day off every five years (2025, 2030, …)")
    ALWAYS = "always", _("Always a day off")


TRIAGE_FIELDS = ("priority", "queue", "type", "language", "sentiment")
