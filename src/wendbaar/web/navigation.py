"""The capabilities in the navigation. A capability counts as built once its app names a URL `<code>:home`."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class CapabilityEntry:
    code: str
    label: str | Promise
    summary: str | Promise

    @property
    def home_url_name(self) -> str:
        return f"{self.code}:home"

    @property
    def is_built(self) -> bool:
        try:
            reverse(self.home_url_name)
        except NoReverseMatch:
            return False
        return True

    @property
    def url(self) -> str:
        return (
            reverse(self.home_url_name)
            if self.is_built
            else reverse("web:capability", args=[self.code])
        )


CAPABILITIES = [
    CapabilityEntry(
        "knowledge",
        _("Knowledge"),
        _(
            "Ask questions of your own documents and get answers with sources, only from what you may see."
        ),
    ),
    CapabilityEntry(
        "meetings",
        _("Meetings"),
        _("Turn transcripts into minutes, decisions and action items with owners and due dates."),
    ),
    CapabilityEntry(
        "service",
        _("Customer questions"),
        _("Prioritise and route incoming questions and draft replies from the knowledge base."),
    ),
    CapabilityEntry("sales", _("Sales"), _("A calibrated, explained priority for every lead.")),
    CapabilityEntry(
        "quotes",
        _("Quotes"),
        _("Draft the first version of a quote from a request and the price list."),
    ),
    CapabilityEntry(
        "onboarding", _("Onboarding"), _("Personal onboarding plans for new colleagues.")
    ),
    CapabilityEntry(
        "planning",
        _("Planning"),
        _("Office days that bring the right people together, focus time and meeting norms."),
    ),
    CapabilityEntry(
        "insights",
        _("Insights"),
        _("Time saved, quality and adoption per use case, and where work waits."),
    ),
]
CAPABILITY_BY_CODE = {c.code: c for c in CAPABILITIES}
