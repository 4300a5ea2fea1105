"""The quotes pilot: does drafting quotes with AI save time and keep quality? Reads quotes, never
changes them (except the pilot settings, through `pilot_settings_set`).

Who is compared (QuoteSettings.pilot_comparison):
- "period": the pilot group is every quote made from an AI draft on or after the pilot start; the
  baseline is every quote made by hand before it. Quotes made by hand during the pilot count for
  adoption but are in neither group. The period filter (since/until) narrows the pilot side only:
  the baseline is always the time before the pilot.
- "control": during the pilot, quotes in pilot group "draft" (or made from a draft) against quotes
  in pilot group "control" (made without a draft on purpose); the period filter applies to both.

Measures per quote:
- time from request to issued: wall-clock hours from `requested_at` (or, without it, the moment
  the quote was made) to `issued_at`. Wall time, not working hours: nights and weekends count, which
  affects both groups alike;
- time spent on the quote: `review_seconds` (editing a draft, or making the quote by hand); zero
  means it was not measured and is left out;
- draft survival (issued pilot quotes): drafted lines matched to the current lines by item code (or, for
  lines without one, by description); kept, of those changed in quantity or price, removed, added,
  and an edit distance over the line list (insert, delete or change one line = 1);
- value: total incl. VAT of issued quotes; outcome: won (accepted) or lost (rejected or expired) once decided.

Permission: managers and finance (`selectors.catalogue_can_edit`); changing the settings: managers.
"""

import datetime as dt
from dataclasses import asdict, dataclass, field, is_dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from wendbaar.accounts.selectors import organisation_get
from wendbaar.audit.services import audit_log
from wendbaar.common import pilot as stats
from wendbaar.common.errors import BusinessRuleError
from wendbaar.quotes import selectors
from wendbaar.quotes.choices import PilotComparison, PilotGroup, QuoteStatus
from wendbaar.quotes.models import Quote, QuoteSettings

PILOT = "pilot"
BASELINE = "baseline"
WON = "won"
LOST = "lost"
OPEN = "open"
LOST_STATUSES = (QuoteStatus.REJECTED, QuoteStatus.EXPIRED)


def pilot_can_view(user) -> bool:
    return selectors.catalogue_can_edit(user)


def pilot_can_configure(user) -> bool:
    return selectors.quote_can_approve(user)


# --- per quote -------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineSurvival:
    """How much of an AI draft's line list is still in the quote."""

    drafted: int
    kept: int
    changed: int
    removed: int
    added: int
    edit_distance: int

    @property
    def kept_share(self) -> float | None:
        return self.kept / self.drafted if self.drafted else None

    @property
    def unchanged_share(self) -> float | None:
        return (self.kept - self.changed) / self.drafted if self.drafted else None

    @property
    def edit_ratio(self) -> float | None:
        longest = max(self.drafted, self.kept + self.added)
        return self.edit_distance / longest if longest else None


def _key(line: dict) -> str:
    sku = str(line.get("sku") or "").strip().upper()
    return (
        f"sku:{sku}"
        if sku
        else "text:" + " ".join(str(line.get("description", "")).lower().split())
    )


def _dec(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None


def _same(a, b) -> bool:
    return _dec(a) == _dec(b)


def _token(line: dict) -> tuple:
    return (_key(line), _dec(line.get("quantity")), _dec(line.get("unit_price")))


def _levenshtein(a: list, b: list) -> int:
    previous = list(range(len(b) + 1))
    for i, left in enumerate(a, start=1):
        current = [i]
        for j, right in enumerate(b, start=1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (left != right))
            )
        previous = current
    return previous[-1]


def line_survival(drafted: list[dict], current: list[dict]) -> LineSurvival:
    """Compare the draft's lines (sku, description, quantity, unit_price) with the current ones."""
    unmatched = list(current)
    kept = changed = 0
    for line in drafted:
        key = _key(line)
        match = next((c for c in unmatched if _key(c) == key), None)
        if match is None:
            continue
        unmatched.remove(match)
        kept += 1
        if not _same(line.get("quantity"), match.get("quantity")) or not _same(
            line.get("unit_price"), match.get("unit_price")
        ):
            changed += 1
    return LineSurvival(
        drafted=len(drafted),
        kept=kept,
        changed=changed,
        removed=len(drafted) - kept,
        added=len(unmatched),
        edit_distance=_levenshtein([_token(x) for x in drafted], [_token(x) for x in current]),
    )


def from_draft(quote: Quote) -> bool:
    """Made from an AI draft (the pilot's treatment)."""
    return bool(
        quote.pilot_group == PilotGroup.DRAFT or quote.copilot_draft_id or quote.draft_snapshot
    )


def anchor(quote: Quote) -> dt.datetime:
    """When the work on the quote started: the request, else the moment the quote was made."""
    return quote.requested_at or quote.created_at


def group_of(quote: Quote, settings: QuoteSettings) -> str:
    """PILOT, BASELINE or "" (in neither group) under the organisation's comparison."""
    start = settings.pilot_started_on
    if start is None:
        return ""
    during = timezone.localdate(anchor(quote)) >= start
    if settings.pilot_comparison == PilotComparison.CONTROL:
        if not during:
            return ""
        if quote.pilot_group == PilotGroup.CONTROL:
            return BASELINE
        return PILOT if from_draft(quote) else ""
    if not during:
        return "" if from_draft(quote) else BASELINE
    return PILOT if from_draft(quote) else ""


@dataclass
class QuoteMeasure:
    """The pilot's measures of one quote."""

    pk: int
    number: str
    customer: str
    maker: str
    maker_id: int | None
    status: str
    status_label: str
    group: str
    from_draft: bool
    requested_at: dt.datetime
    issued_at: dt.datetime | None
    hours_to_issue: float | None
    review_minutes: float | None
    value: Decimal
    outcome: str
    survival: LineSurvival | None
    url: str = ""


def _outcome(quote: Quote) -> str:
    if quote.status == QuoteStatus.ACCEPTED:
        return WON
    if quote.status in LOST_STATUSES:
        return LOST
    return OPEN


def quote_measure(quote: Quote, settings: QuoteSettings) -> QuoteMeasure:
    started = anchor(quote)
    hours = None
    if quote.issued_at and quote.issued_at >= started:
        hours = (quote.issued_at - started).total_seconds() / 3600
    survival = None
    if quote.draft_snapshot:
        current = [
            {"sku": ln.sku, "description": ln.description}
            | {"quantity": ln.quantity, "unit_price": ln.unit_price}
            for ln in quote.lines.all()
        ]
        survival = line_survival(list(quote.draft_snapshot), current)
    maker = quote.created_by
    return QuoteMeasure(
        pk=quote.pk,
        number=quote.number,
        customer=quote.customer_company or quote.customer_name,
        maker=(maker.full_name or maker.email) if maker else "",
        maker_id=quote.created_by_id,
        status=quote.status,
        status_label=str(QuoteStatus(quote.status).label),
        group=group_of(quote, settings),
        from_draft=from_draft(quote),
        requested_at=started,
        issued_at=quote.issued_at,
        hours_to_issue=hours,
        review_minutes=quote.review_seconds / 60 if quote.review_seconds else None,
        value=quote.total,
        outcome=_outcome(quote),
        survival=survival,
    )


# --- the report ------------------------------------------------------------------------------


@dataclass
class Headline:
    """One compared measure with its label and unit, for pages and the API."""

    key: str
    label: str
    unit: str
    comparison: stats.Comparison


@dataclass
class WeekRow:
    week: str
    starts_on: dt.date
    quotes: int
    from_draft: int
    adoption: float | None
    median_hours_to_issue: float | None
    median_review_minutes: float | None
    won: int
    decided: int


@dataclass
class PilotReport:
    started_on: dt.date | None
    comparison: str
    comparison_label: str
    control_share: int
    since: dt.date | None
    until: dt.date | None
    maker_id: int | None
    headlines: list[Headline] = field(default_factory=list)
    survival: dict[str, stats.GroupSummary] = field(default_factory=dict)
    adoption: dict = field(default_factory=dict)
    trend: list[WeekRow] = field(default_factory=list)
    quotes: list[QuoteMeasure] = field(default_factory=list)
    makers: list[tuple[int, str]] = field(default_factory=list)
    min_n: int = stats.MIN_N

    @property
    def started(self) -> bool:
        return self.started_on is not None

    def group(self, name: str) -> list[QuoteMeasure]:
        return [q for q in self.quotes if q.group == name]

    @property
    def group_counts(self) -> dict[str, int]:
        return {PILOT: len(self.group(PILOT)), BASELINE: len(self.group(BASELINE))}


def _in_window(measure: QuoteMeasure, since, until) -> bool:
    day = timezone.localdate(measure.requested_at)
    return (since is None or day >= since) and (until is None or day <= until)


def _median(values) -> float | None:
    return stats.summarise(values).median


def _trend(measures: list[QuoteMeasure]) -> list[WeekRow]:
    weeks: dict[tuple[int, int], list[QuoteMeasure]] = {}
    for m in measures:
        year, week, _day = timezone.localdate(m.requested_at).isocalendar()
        weeks.setdefault((year, week), []).append(m)
    rows = []
    for (year, week), items in sorted(weeks.items()):
        drafted = sum(1 for m in items if m.from_draft)
        decided = [m for m in items if m.outcome != OPEN]
        rows.append(
            WeekRow(
                week=f"{year}-W{week:02d}",
                starts_on=dt.date.fromisocalendar(year, week, 1),
                quotes=len(items),
                from_draft=drafted,
                adoption=drafted / len(items) if items else None,
                median_hours_to_issue=_median([m.hours_to_issue for m in items]),
                median_review_minutes=_median([m.review_minutes for m in items]),
                won=sum(1 for m in decided if m.outcome == WON),
                decided=len(decided),
            )
        )
    return rows


def _report_build(
    quotes, *, settings: QuoteSettings, since=None, until=None, maker_id=None
) -> PilotReport:
    comparison = settings.pilot_comparison or PilotComparison.PERIOD
    report = PilotReport(
        started_on=settings.pilot_started_on,
        comparison=comparison,
        comparison_label=str(PilotComparison(comparison).label),
        control_share=settings.control_share,
        since=since,
        until=until,
        maker_id=maker_id,
    )
    all_quotes = list(quotes.select_related("created_by").prefetch_related("lines"))
    makers = {q.created_by_id: q.created_by for q in all_quotes if q.created_by_id}
    report.makers = sorted(
        ((pk, u.full_name or u.email) for pk, u in makers.items()), key=lambda x: x[1].lower()
    )
    measures = []
    for quote in all_quotes:
        if maker_id and quote.created_by_id != maker_id:
            continue
        m = quote_measure(quote, settings)
        period_baseline = m.group == BASELINE and comparison == PilotComparison.PERIOD
        if not period_baseline and not _in_window(m, since, until):
            continue
        measures.append(m)
    measures.sort(key=lambda m: m.requested_at, reverse=True)
    report.quotes = measures

    pilot, baseline = report.group(PILOT), report.group(BASELINE)

    def values(group, attr):
        return [getattr(m, attr) for m in group]

    def issued_values(group):  # an open draft has no value yet
        return [m.value for m in group if m.issued_at]

    def wins(group):
        return [1 if m.outcome == WON else 0 for m in group if m.outcome != OPEN]

    report.headlines = [
        Headline(
            "hours_to_issue",
            _("Time from request to issued"),
            pgettext("duration", "hours"),
            stats.compare(
                values(pilot, "hours_to_issue"),
                values(baseline, "hours_to_issue"),
                name="hours_to_issue",
            ),
        ),
        Headline(
            "review_minutes",
            _("Time spent on the quote"),
            pgettext("duration", "minutes"),
            stats.compare(
                values(pilot, "review_minutes"),
                values(baseline, "review_minutes"),
                name="review_minutes",
            ),
        ),
        Headline(
            "win_rate",
            _("Win rate (accepted of decided)"),
            "%",
            stats.compare(
                wins(pilot),
                wins(baseline),
                name="win_rate",
                statistic="mean",
                lower_is_better=False,
            ),
        ),
        Headline(
            "value",
            _("Quote value incl. VAT"),
            "€",
            stats.compare(
                issued_values(pilot),
                issued_values(baseline),
                name="value",
                lower_is_better=None,
            ),
        ),
    ]
    # only finished quotes: a draft nobody has worked on yet would count as fully kept
    survived = [m.survival for m in pilot if m.survival is not None and m.issued_at]
    report.survival = {
        "kept_share": stats.summarise([s.kept_share for s in survived]),
        "unchanged_share": stats.summarise([s.unchanged_share for s in survived]),
        "edit_ratio": stats.summarise([s.edit_ratio for s in survived]),
        "edit_distance": stats.summarise([s.edit_distance for s in survived]),
    }
    if report.started:
        during = [m for m in measures if timezone.localdate(m.requested_at) >= report.started_on]
        drafted = sum(1 for m in during if m.from_draft)
        report.adoption = {
            "quotes": len(during),
            "from_draft": drafted,
            "share": drafted / len(during) if during else None,
            "expected_share": (
                (100 - settings.control_share) / 100
                if comparison == PilotComparison.CONTROL
                else None
            ),
        }
    report.trend = _trend(measures)
    return report


def pilot_report(
    *,
    user,
    since: dt.date | None = None,
    until: dt.date | None = None,
    maker_id: int | None = None,
) -> PilotReport:
    """The pilot view for a manager or finance person; everyone else is refused."""
    if not pilot_can_view(user):
        raise PermissionDenied
    organisation = organisation_get()
    return _report_build(
        selectors.quote_list(user=user),
        settings=selectors.quote_settings_get(organisation=organisation),
        since=since,
        until=until,
        maker_id=maker_id,
    )


def pilot_report_for_operator(
    *, since: dt.date | None = None, until: dt.date | None = None, maker_id: int | None = None
) -> PilotReport:
    """The same report for the command line: whoever runs `wendbaar` on the server already has
    the whole database, so no person's permission applies."""
    organisation = organisation_get()
    return _report_build(
        Quote.objects.filter(organisation=organisation),
        settings=selectors.quote_settings_get(organisation=organisation),
        since=since,
        until=until,
        maker_id=maker_id,
    )


def _plain(value):
    if is_dataclass(value) and not isinstance(value, type):
        data = {k: _plain(v) for k, v in asdict(value).items()}
        if isinstance(value, LineSurvival):
            data |= {
                "kept_share": value.kept_share,
                "unchanged_share": value.unchanged_share,
                "edit_ratio": value.edit_ratio,
            }
        return data
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def report_as_dict(report: PilotReport) -> dict:
    """The report as JSON-ready data (API and `wendbaar quotes_pilot --json`)."""
    quotes = []
    for m in report.quotes:
        row = {k: _plain(getattr(m, k)) for k in m.__dataclass_fields__ if k != "survival"}
        row["survival"] = _plain(m.survival) if m.survival else None
        quotes.append(row)
    return {
        "started_on": _plain(report.started_on),
        "comparison": report.comparison,
        "comparison_label": report.comparison_label,
        "control_share": report.control_share,
        "filters": {
            "since": _plain(report.since),
            "until": _plain(report.until),
            "maker": report.maker_id,
        },
        "min_n": report.min_n,
        "groups": report.group_counts,
        "headlines": [
            {
                "key": h.key,
                "label": h.label,
                "unit": h.unit,
                **{k: v for k, v in _plain(h.comparison).items() if k != "name"},
            }
            for h in report.headlines
        ],
        "survival": _plain(report.survival),
        "adoption": report.adoption,
        "trend": _plain(report.trend),
        "quotes": quotes,
    }


# --- settings --------------------------------------------------------------------------------


@transaction.atomic
def pilot_settings_set(
    *, actor, started_on: dt.date | None, comparison: str, control_share: int
) -> QuoteSettings:
    """Set when the pilot started and what it is compared with (managers only; audited)."""
    if not pilot_can_configure(actor):
        raise PermissionDenied
    if comparison not in PilotComparison.values:
        raise BusinessRuleError(
            _("Compare with a baseline period or a control group."),
            code="bad_comparison",
            status_code=400,
        )
    if not 0 <= control_share <= 90:
        raise BusinessRuleError(
            _("The control group is between 0 and 90 % of new quotes."),
            code="bad_control_share",
            status_code=400,
        )
    if comparison == PilotComparison.CONTROL and control_share == 0:
        raise BusinessRuleError(
            _("A control group needs a share above 0 % of new quotes."),
            code="bad_control_share",
            status_code=400,
        )
    if started_on and started_on > timezone.localdate() + dt.timedelta(days=365):
        raise BusinessRuleError(
            _("The pilot start is more than a year away."), code="bad_start", status_code=400
        )
    current = QuoteSettings.objects.select_for_update().get(pk=selectors.quote_settings_get().pk)
    before = {
        "started_on": _plain(current.pilot_started_on),
        "comparison": current.pilot_comparison,
        "control_share": current.control_share,
    }
    current.pilot_started_on = started_on
    current.pilot_comparison = comparison
    current.control_share = control_share
    current.save(update_fields=["pilot_started_on", "pilot_comparison", "control_share"])
    after = {
        "started_on": _plain(started_on),
        "comparison": comparison,
        "control_share": control_share,
    }
    audit_log(
        actor=actor,
        action="quotes.pilot_settings_changed",
        target=current,
        data={"from": before, "to": after},
    )
    return current
