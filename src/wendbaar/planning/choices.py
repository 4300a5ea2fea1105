from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Weekday(models.TextChoices):
    """Days of the week by the short codes the planner uses (and `ORG.json` speaks)."""

    MON = "mon", _("Monday")
    TUE = "tue", _("Tuesday")
    WED = "wed", _("Wednesday")
    THU = "thu", _("Thursday")
    FRI = "fri", _("Friday")
    SAT = "sat", _("Saturday")
    SUN = "sun", _("Sunday")


WEEKDAYS = [day.value for day in Weekday]  # index = date.weekday()
WORKWEEK = WEEKDAYS[:5]


class Channel(models.TextChoices):
    CHAT = "chat", _("Chat")
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone")
    VIDEO = "video", _("Video call")


class RuleKind(models.TextChoices):
    TEAM_DAY = "team_day", _("Team together on a day")
    MIN_OFFICE_DAYS = "min_office_days", _("Minimum office days")


class SourceKind(models.TextChoices):
    FILE = "file", _("Uploaded file")
    URL = "url", _("Subscription URL")


class FetchStatus(models.TextChoices):
    NEVER = "never", _("Not read yet")
    OK = "ok", _("Read")
    FAILED = "failed", _("Failed")


class PlanStatus(models.TextChoices):
    SOLVING = "solving", _("Being planned")
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    FAILED = "failed", _("Planning failed")


class PlaceKind(models.TextChoices):
    OFFICE = "office", pgettext_lazy("place", "Office")
    HOME = "home", pgettext_lazy("place", "Home")
    OFF = "off", pgettext_lazy("place", "Not working")


class BookingSource(models.TextChoices):
    PLAN = "plan", _("From the plan")
    HAND = "hand", _("Booked by hand")


class FocusPrefer(models.TextChoices):
    """When in the day a person likes their focus blocks."""

    MORNING = "morning", _("In the morning")
    AFTERNOON = "afternoon", _("In the afternoon")
    ANY = "any", _("Any time")
