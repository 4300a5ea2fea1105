"""Meeting load and meeting norms: how a person's calendar weighs, and where it breaks the norms
their team agreed.

Pure functions over plain values, so the app, the API and the benchmarks share them and the
tests need no database. Wendbaar proposes, a person decides: nothing here moves a meeting.

Terms:
- working hours: the person's contract days and the hours of a working day (local time);
- back-to-back: meetings with less than `BACK_TO_BACK_GAP` between them, as one streak;
- fragmented time: free time within working hours in gaps too short for deep work
  (`FOCUS_MIN`), the time that disappears between meetings;
- focus time: free stretches within working hours of at least `FOCUS_MIN`.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from statistics import median
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
BACK_TO_BACK_GAP = timedelta(minutes=5)
FOCUS_MIN = timedelta(minutes=60)
# Team figures are shown only for groups this large, so no one's calendar can be read from them.
MIN_GROUP = 3


@dataclass(frozen=True)
class Meeting:
    """A calendar event as the analysis needs it (times timezone-aware)."""

    uid: str
    title: str
    start: datetime
    end: datetime
    attendees: int = 1
    has_agenda: bool = False
    recurring: bool = False

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)


@dataclass(frozen=True)
class WorkingHours:
    """When a person works: weekdays (0 = Monday) and the hours of a working day."""

    weekdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    start: time = time(9)
    end: time = time(17, 30)
    timezone: ZoneInfo = AMSTERDAM

    def window(self, day: date) -> tuple[datetime, datetime] | None:
        if day.weekday() not in self.weekdays:
            return None
        return (
            datetime.combine(day, self.start, self.timezone),
            datetime.combine(day, self.end, self.timezone),
        )


@dataclass(frozen=True)
class QuietWindow:
    """A recurring time without meetings, e.g. Wednesday morning (weekday 2, 08:00-12:00)."""

    weekday: int
    start: time
    end: time


@dataclass(frozen=True)
class Norms:
    """What a team agreed about meetings. The defaults are the product's suggestion."""

    quiet_windows: tuple[QuietWindow, ...] = (QuietWindow(2, time(8), time(12)),)
    max_meeting_hours_week: float = 25.0
    # Meetings end a few minutes early so people can breathe: 25 instead of 30, 50 instead of 60.
    default_lengths: tuple[int, ...] = (25, 50)
    agenda_required: bool = True
    # An agenda is asked of meetings with at least this many people.
    agenda_from_attendees: int = 3
    max_back_to_back: int = 3
    status_as_async: bool = True


@dataclass(frozen=True)
class Breach:
    """One place where a calendar breaks a norm. `code` is stable; the UI words it."""

    code: str
    start: datetime | None = None
    title: str = ""
    uid: str = ""
    value: float = 0.0
    limit: float = 0.0


@dataclass
class Load:
    """A person's meeting load over a period."""

    meeting_hours: float = 0.0
    meetings: int = 0
    longest_back_to_back: int = 0
    back_to_back_streaks: int = 0
    fragmented_hours: float = 0.0
    focus_hours: float = 0.0
    outside_hours_meetings: int = 0
    outside_hours_hours: float = 0.0
    working_hours: float = 0.0
    per_day: dict[date, float] = field(default_factory=dict)

    @property
    def meeting_share(self) -> float:
        """The share of working time spent in meetings (0..1)."""
        return min(1.0, self.meeting_hours / self.working_hours) if self.working_hours else 0.0


def _hours(delta: timedelta) -> float:
    return delta.total_seconds() / 3600


def _merge(intervals: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """Overlapping or touching intervals merged, sorted by start."""
    merged: list[tuple[datetime, datetime]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def free_intervals(
    busy: list[tuple[datetime, datetime]], window: tuple[datetime, datetime]
) -> list[tuple[datetime, datetime]]:
    """The parts of `window` not covered by any busy interval."""
    start, end = window
    free, cursor = [], start
    for b_start, b_end in _merge(
        [(max(s, start), min(e, end)) for s, e in busy if s < end and e > start]
    ):
        if b_start > cursor:
            free.append((cursor, b_start))
        cursor = max(cursor, b_end)
    if cursor < end:
        free.append((cursor, end))
    return free


def _days(first: date, last: date):
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def _runs(meetings: list[Meeting], zone: ZoneInfo) -> list[list[Meeting]]:
    """Meetings grouped into runs with (almost) no time between them, within one local day."""
    runs: list[list[Meeting]] = []
    run_end = None
    for meeting in sorted(meetings, key=lambda m: m.start):
        day = meeting.start.astimezone(zone).date()
        if (
            runs
            and run_end is not None
            and day == runs[-1][0].start.astimezone(zone).date()
            and meeting.start - run_end <= BACK_TO_BACK_GAP
        ):
            runs[-1].append(meeting)
            run_end = max(run_end, meeting.end)
        else:
            runs.append([meeting])
            run_end = meeting.end
    return runs


def load(meetings: list[Meeting], hours: WorkingHours, first: date, last: date) -> Load:
    """The meeting load of one person from `first` to `last` (inclusive, local dates)."""
    zone = hours.timezone
    inside = [m for m in meetings if first <= m.start.astimezone(zone).date() <= last]
    result = Load(meetings=len(inside))
    by_day: dict[date, list[Meeting]] = defaultdict(list)
    for meeting in inside:
        by_day[meeting.start.astimezone(zone).date()].append(meeting)
    for day in _days(first, last):
        day_meetings = by_day.get(day, [])
        busy = [(m.start, m.end) for m in day_meetings]
        busy_hours = sum(_hours(e - s) for s, e in _merge(busy))
        result.meeting_hours += busy_hours
        if busy_hours:
            result.per_day[day] = round(busy_hours, 2)
        window = hours.window(day)
        if window is None:
            if day_meetings:
                result.outside_hours_meetings += len(day_meetings)
                result.outside_hours_hours += busy_hours
            continue
        result.working_hours += _hours(window[1] - window[0])
        for meeting in day_meetings:
            overlap = max(timedelta(0), min(meeting.end, window[1]) - max(meeting.start, window[0]))
            outside = (meeting.end - meeting.start) - overlap
            if outside > timedelta(0):
                result.outside_hours_meetings += 1
                result.outside_hours_hours += _hours(outside)
        for gap_start, gap_end in free_intervals(busy, window):
            gap = gap_end - gap_start
            if gap >= FOCUS_MIN:
                result.focus_hours += _hours(gap)
            elif day_meetings:
                result.fragmented_hours += _hours(gap)
    streaks = [len(run) for run in _runs(inside, zone)]
    result.longest_back_to_back = max(streaks, default=0)
    result.back_to_back_streaks = sum(1 for s in streaks if s >= 2)
    for name in ("meeting_hours", "fragmented_hours", "focus_hours", "outside_hours_hours"):
        setattr(result, name, round(getattr(result, name), 2))
    return result


def week_of(day: date) -> tuple[date, date]:
    """Monday and Sunday of the ISO week holding `day`."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


_STATUS_TITLE = re.compile(
    r"\b(stand-?up|status|voortgang|update|weekstart|week-?start|check-?in|sync|"
    r"bijpraten|weekoverleg|dagstart|huddle)\b",
    re.IGNORECASE,
)


def breaches(
    meetings: list[Meeting], norms: Norms, hours: WorkingHours, first: date, last: date
) -> list[Breach]:
    """Where the calendar from `first` to `last` breaks the team's norms, in time order."""
    zone = hours.timezone
    inside = sorted(
        (m for m in meetings if first <= m.start.astimezone(zone).date() <= last),
        key=lambda m: m.start,
    )
    found: list[Breach] = []
    for meeting in inside:
        local_start, local_end = meeting.start.astimezone(zone), meeting.end.astimezone(zone)
        for quiet in norms.quiet_windows:
            if local_start.weekday() != quiet.weekday:
                continue
            window_start = datetime.combine(local_start.date(), quiet.start, zone)
            window_end = datetime.combine(local_start.date(), quiet.end, zone)
            if local_start < window_end and local_end > window_start:
                found.append(Breach("quiet_window", meeting.start, meeting.title, meeting.uid))
                break
        minutes = meeting.minutes
        longer = [n for n in norms.default_lengths if n < minutes <= n + 10]
        if longer:
            found.append(
                Breach("length", meeting.start, meeting.title, meeting.uid, minutes, longer[0])
            )
        if (
            norms.agenda_required
            and meeting.attendees >= norms.agenda_from_attendees
            and not meeting.has_agenda
        ):
            found.append(Breach("no_agenda", meeting.start, meeting.title, meeting.uid))
        window = hours.window(local_start.date())
        if window is None or local_start < window[0] or local_end > window[1]:
            found.append(Breach("outside_hours", meeting.start, meeting.title, meeting.uid))
    monday = first - timedelta(days=first.weekday())
    while monday <= last:
        week_load = load(meetings, hours, max(first, monday), min(last, monday + timedelta(6)))
        if week_load.meeting_hours > norms.max_meeting_hours_week:
            found.append(
                Breach(
                    "week_hours",
                    datetime.combine(monday, time(0), zone),
                    value=week_load.meeting_hours,
                    limit=norms.max_meeting_hours_week,
                )
            )
        monday += timedelta(days=7)
    for run in _runs(inside, zone):
        if len(run) > norms.max_back_to_back:
            found.append(
                Breach(
                    "back_to_back",
                    run[0].start,
                    run[0].title,
                    run[0].uid,
                    len(run),
                    norms.max_back_to_back,
                )
            )
    return sorted(found, key=lambda b: (b.start or datetime.min.replace(tzinfo=zone), b.code))


@dataclass(frozen=True)
class AsyncSuggestion:
    """A recurring meeting that could become a written update."""

    title: str
    uid: str
    occurrences: int
    hours: float
    attendees: int
    reason: str  # "status_title" or "short_large_recurring"


def async_candidates(meetings: list[Meeting], norms: Norms) -> list[AsyncSuggestion]:
    """Recurring meetings that read as status rounds: suggested as async updates, biggest first.

    A series is the same UID (or, for calendars that give each occurrence its own UID, the same
    title). It qualifies by its title (stand-up, status, voortgang, weekstart ...) or by being a
    short (≤ 30 min) recurring meeting with many people, where most only listen.
    """
    if not norms.status_as_async:
        return []
    series: dict[str, list[Meeting]] = defaultdict(list)
    for meeting in meetings:
        if meeting.recurring:
            series[meeting.uid or meeting.title.casefold()].append(meeting)
    out = []
    for key, items in series.items():
        if len(items) < 2:
            continue
        first = items[0]
        attendees = max(m.attendees for m in items)
        if _STATUS_TITLE.search(first.title):
            reason = "status_title"
        elif attendees >= 5 and max(m.minutes for m in items) <= 30:
            reason = "short_large_recurring"
        else:
            continue
        hours = sum(m.minutes for m in items) / 60
        out.append(
            AsyncSuggestion(first.title, key, len(items), round(hours, 2), attendees, reason)
        )
    return sorted(out, key=lambda s: -(s.hours * s.attendees))


@dataclass(frozen=True)
class Warning:
    code: str  # "overload", "no_focus", "long_streak"
    value: float
    limit: float


def overload_warnings(week: Load, norms: Norms, *, min_focus_hours: float = 4.0) -> list[Warning]:
    """Warnings before a week tips over: near or above the meeting-hour limit, too little focus
    time, long back-to-back streaks. Shown to the person; managers only see team counts."""
    warnings = []
    if week.meeting_hours >= 0.9 * norms.max_meeting_hours_week:
        warnings.append(Warning("overload", week.meeting_hours, norms.max_meeting_hours_week))
    if week.working_hours and week.focus_hours < min_focus_hours:
        warnings.append(Warning("no_focus", week.focus_hours, min_focus_hours))
    if week.longest_back_to_back > norms.max_back_to_back:
        warnings.append(Warning("long_streak", week.longest_back_to_back, norms.max_back_to_back))
    return warnings


@dataclass(frozen=True)
class TeamFigures:
    """A team's meeting load as aggregates only: no person can be singled out."""

    people: int
    median_meeting_hours: float
    mean_meeting_hours: float
    median_focus_hours: float
    mean_fragmented_hours: float
    overloaded: int  # how many people are above the weekly limit, never who
    outside_hours_meetings: int


def team_figures(loads: list[Load], norms: Norms) -> TeamFigures | None:
    """Aggregates over a team's loads, or None for a group smaller than MIN_GROUP."""
    if len(loads) < MIN_GROUP:
        return None
    hours = [x.meeting_hours for x in loads]
    return TeamFigures(
        people=len(loads),
        median_meeting_hours=round(median(hours), 1),
        mean_meeting_hours=round(sum(hours) / len(hours), 1),
        median_focus_hours=round(median(x.focus_hours for x in loads), 1),
        mean_fragmented_hours=round(sum(x.fragmented_hours for x in loads) / len(loads), 1),
        overloaded=sum(1 for x in loads if x.meeting_hours > norms.max_meeting_hours_week),
        outside_hours_meetings=sum(x.outside_hours_meetings for x in loads),
    )
