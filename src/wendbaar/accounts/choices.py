from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Visibility(models.TextChoices):
    """Who may see a record, besides its owner."""

    PRIVATE = "private", _("Private (only the owner)")
    TEAM = "team", _("Team")
    ORGANISATION = "organisation", _("Whole organisation")
    NAMED = "named", _("Named teams and roles")


class TeamRole(models.TextChoices):
    MEMBER = "member", pgettext_lazy("team role", "Member")
    LEAD = "lead", pgettext_lazy("team role", "Team lead")


class LocationKind(models.TextChoices):
    OFFICE = "office", _("Office")
    HUB = "hub", _("Satellite hub")
    HOME = "home", _("Home")


class Language(models.TextChoices):
    DUTCH = "nl", _("Dutch")
    ENGLISH = "en", _("English")


class BuiltinRole(models.TextChoices):
    """Roles every organisation has; admins may add their own next to these."""

    ADMIN = "admin", _("Administrator")
    MANAGER = "manager", _("Manager")
    MEMBER = "member", pgettext_lazy("role", "Member")
    SERVICE_AGENT = "service_agent", _("Service agent")
    SALES = "sales", _("Sales")
    HR = "hr", _("HR")
    FINANCE = "finance", _("Finance")
    PLANNER = "planner", _("Planner")
