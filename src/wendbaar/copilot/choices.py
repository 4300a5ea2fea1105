from django.db import models
from django.utils.translation import gettext_lazy as _


class Capability(models.TextChoices):
    """The areas of Wendbaar that produce drafts."""

    KNOWLEDGE = "knowledge", _("Knowledge")
    MEETINGS = "meetings", _("Meetings")
    SERVICE = "service", _("Customer questions")
    SALES = "sales", _("Sales")
    QUOTES = "quotes", _("Quotes")
    ONBOARDING = "onboarding", _("Onboarding")
    PLANNING = "planning", _("Planning")
    INSIGHTS = "insights", _("Insights")


class DraftStatus(models.TextChoices):
    PROPOSED = "proposed", _("Waiting for review")
    ACCEPTED = "accepted", _("Accepted")
    EDITED = "edited", _("Accepted with edits")
    REJECTED = "rejected", _("Rejected")
    SUPERSEDED = "superseded", _("Superseded")


class ReviewDecision(models.TextChoices):
    ACCEPTED = "accepted", _("Accept")
    EDITED = "edited", _("Accept with edits")
    REJECTED = "rejected", _("Reject")
