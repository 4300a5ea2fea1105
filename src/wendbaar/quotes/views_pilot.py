"""The quotes pilot page: time saved and quality against the baseline; managers set the pilot up."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from wendbaar.common import pilot as stats
from wendbaar.common.errors import BusinessRuleError
from wendbaar.quotes import pilot, selectors
from wendbaar.quotes.choices import PilotComparison


class PilotFilterForm(forms.Form):
    since = forms.DateField(label=gettext_lazy("From"), required=False)
    until = forms.DateField(label=gettext_lazy("Until"), required=False)
    maker = forms.IntegerField(label=gettext_lazy("Made by"), required=False, min_value=1)


class PilotSettingsForm(forms.Form):
    pilot_started_on = forms.DateField(
        label=gettext_lazy("Pilot started on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    pilot_comparison = forms.ChoiceField(
        label=gettext_lazy("Compare with"), choices=PilotComparison.choices
    )
    control_share = forms.IntegerField(
        label=gettext_lazy("Control group (%)"), min_value=0, max_value=90
    )


def _detail_url(pk: int) -> str:
    """The quote page, once the editor has added it (the pilot does not depend on it)."""
    try:
        return reverse("quotes:quote_detail", args=[pk])
    except NoReverseMatch:
        return ""


NONE = "\u2013"  # an en dash for "not measured"

VERDICTS = {
    stats.BETTER: gettext_lazy("Better with drafts"),
    stats.WORSE: gettext_lazy("Worse with drafts"),
    stats.NO_CLEAR_DIFFERENCE: gettext_lazy("No clear difference yet"),
    stats.HIGHER: gettext_lazy("Higher with drafts"),
    stats.LOWER: gettext_lazy("Lower with drafts"),
    stats.TOO_FEW: gettext_lazy("Too few quotes to judge"),
}


def _amount(value: float | None, unit: str) -> str:
    """A statistic in its unit; rates (unit %) are shares of 1."""
    if value is None:
        return NONE
    if unit == "%":
        return f"{number_format(round(value * 100), 0)} %"
    if unit == "€":
        return f"€ {number_format(round(value), 0, force_grouping=True)}"
    return f"{number_format(round(value, 1), 1)} {unit}"


def _difference(value: float | None, unit: str) -> str:
    if value is None:
        return NONE
    sign = "+" if value > 0 else "-" if value < 0 else ""
    size = abs(value)
    if unit == "%":  # a difference of two rates is in percentage points
        return sign + _("%(points)s points") % {"points": number_format(round(size * 100), 0)}
    if unit == "€":
        return f"{sign}€ {number_format(round(size), 0, force_grouping=True)}"
    return f"{sign}{number_format(round(size, 1), 1)} {unit}"


def _share(value: float | None) -> str:
    if value is None:
        return NONE
    sign = "+" if value > 0 else ""
    return f"{sign}{number_format(round(value * 100), 0)} %"


def _headlines(report: pilot.PilotReport) -> list[dict]:
    """The compared measures, formatted for the page (numbers stay numbers in the API)."""
    rows = []
    for h in report.headlines:
        c = h.comparison
        stat = "mean" if c.statistic == "mean" else "median"
        rows.append(
            {
                "key": h.key,
                "label": h.label,
                "statistic": c.statistic,
                "pilot": _amount(getattr(c.pilot, stat), h.unit),
                "baseline": _amount(getattr(c.baseline, stat), h.unit),
                "pilot_n": c.pilot.n,
                "baseline_n": c.baseline.n,
                "enough": c.enough,
                "min_n": c.min_n,
                "difference": _difference(c.difference, h.unit),
                "ci": (_difference(c.ci_low, h.unit), _difference(c.ci_high, h.unit)),
                "relative": _share(c.relative_change) if h.unit != "%" else "",
                "relative_ci": (_share(c.relative_ci_low), _share(c.relative_ci_high))
                if c.relative_ci_low is not None and h.unit != "%"
                else None,
                "p_value": c.p_value,
                "confidence": round(c.confidence * 100),
                "verdict": c.verdict,
                "verdict_label": VERDICTS[c.verdict],
            }
        )
    return rows


def _filters(request) -> tuple[PilotFilterForm, dict]:
    form = PilotFilterForm(request.GET or None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        return form, {"since": data["since"], "until": data["until"], "maker_id": data["maker"]}
    return form, {}


@login_required
def pilot_view(request):
    """Headline figures with their uncertainty, the trend per week and every quote measured."""
    if not pilot.pilot_can_view(request.user):
        raise PermissionDenied
    form, filters = _filters(request)
    report = pilot.pilot_report(user=request.user, **filters)
    for measure in report.quotes:
        measure.url = _detail_url(measure.pk)
    context = {"report": report, "filter_form": form, "headlines": _headlines(report)}
    if pilot.pilot_can_configure(request.user):
        current = selectors.quote_settings_get()
        context["settings_form"] = PilotSettingsForm(
            initial={
                "pilot_started_on": current.pilot_started_on,
                "pilot_comparison": current.pilot_comparison,
                "control_share": current.control_share,
            }
        )
    if request.htmx and not request.htmx.boosted:
        return render(request, "quotes/pilot.html#results", context)
    return render(request, "quotes/pilot.html", context)


@login_required
@require_POST
def pilot_settings(request):
    """Managers set the pilot start, the comparison and the control share (audited)."""
    if not pilot.pilot_can_configure(request.user):
        raise PermissionDenied
    form = PilotSettingsForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            pilot.pilot_settings_set(
                actor=request.user,
                started_on=data["pilot_started_on"],
                comparison=data["pilot_comparison"],
                control_share=data["control_share"],
            )
        except BusinessRuleError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The pilot settings are saved."))
            return redirect("quotes:pilot")
    report = pilot.pilot_report(user=request.user)
    for measure in report.quotes:
        measure.url = _detail_url(measure.pk)
    context = {
        "report": report,
        "filter_form": PilotFilterForm(),
        "settings_form": form,
        "headlines": _headlines(report),
    }
    return render(request, "quotes/pilot.html", context, status=400)
