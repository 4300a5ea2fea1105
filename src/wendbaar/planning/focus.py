"""Focus time: blocks for deep work, proposed around a person's meetings by their preferences and
protected by the team's norms, and exported as iCalendar so any calendar can show them.

The proposal is a suggestion the person books or changes; nothing here moves a meeting.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from wendbaar.planning.workload import Norms, WorkingHours, free_intervals

# Time kept free around meetings, so a focus block does not start the minute a call ends.
BUFFER = timedelta(minutes=10)
# Blocks start on these minute marks (09:00, 09:15 ...), as people book time.
STEP = timedelta(minutes=15)


@dataclass(frozen=True)
class FocusPreferences:
    """How a person likes to focus: `prefer` is "morning", "afternoon" or "any"."""

    block_minutes: int = 120
    blocks_per_day: int = 2
    min_block_minutes: int = 60
    prefer: str = "morning"


@dataclass(frozen=True)
class FocusBlock:
    start: datetime
    end: datetime
    protected: bool  # within a meeting-free window the team agreed (e.g. Wednesday morning)

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)


def _round_up(moment: datetime) -> datetime:
    minutes = moment.hour * 60 + moment.minute
    step = int(STEP.total_seconds() // 60)
    extra = (-minutes) % step
    if extra == 0 and not moment.second and not moment.microsecond:
        return moment
    return moment.replace(second=0, microsecond=0) + timedelta(minutes=extra or step)


def _quiet(day: date, norms: Norms, hours: WorkingHours) -> list[tuple[datetime, datetime]]:
    zone = hours.timezone
    return [
        (datetime.combine(day, q.start, zone), datetime.combine(day, q.end, zone))
        for q in norms.quiet_windows
        if q.weekday == day.weekday()
    ]


def is_protected(start: datetime, end: datetime, norms: Norms, zone) -> bool:
    """Whether a block lies (partly) in a meeting-free window the team agreed."""
    quiet = _quiet(start.astimezone(zone).date(), norms, WorkingHours(timezone=zone))
    return any(start < q_end and end > q_start for q_start, q_end in quiet)


def _score(start: datetime, end: datetime, prefer: str, quiet) -> float:
    """Higher is better: protected time first, then the preferred part of the day, then early."""
    overlap = sum(
        max(0.0, (min(end, q_end) - max(start, q_start)).total_seconds())
        for q_start, q_end in quiet
    )
    score = overlap / 3600 * 2
    noon = start.replace(hour=12, minute=0)
    if prefer == "morning":
        score += 1.0 if end <= noon + timedelta(minutes=30) else 0.0
    elif prefer == "afternoon":
        score += 1.0 if start >= noon else 0.0
    return score - start.hour / 100


def propose_day(
    day: date,
    busy: list[tuple[datetime, datetime]],
    hours: WorkingHours,
    prefs: FocusPreferences,
    norms: Norms,
) -> list[FocusBlock]:
    """Focus blocks for one day around `busy` (meetings and blocks already booked)."""
    window = hours.window(day)
    if window is None or prefs.blocks_per_day < 1:
        return []
    padded = [(start - BUFFER, end + BUFFER) for start, end in busy]
    length = timedelta(minutes=prefs.block_minutes)
    shortest = timedelta(minutes=min(prefs.min_block_minutes, prefs.block_minutes))
    quiet = _quiet(day, norms, hours)
    chosen: list[FocusBlock] = []
    for _ in range(prefs.blocks_per_day):
        taken = padded + [(b.start - BUFFER, b.end + BUFFER) for b in chosen]
        options = []
        for free_start, free_end in free_intervals(taken, window):
            start = _round_up(free_start)
            while start + shortest <= free_end:
                end = min(start + length, free_end)
                options.append(
                    (end - start >= length, _score(start, end, prefs.prefer, quiet), start, end)
                )
                start += STEP
        if not options:
            break
        _, _, start, end = max(options, key=lambda o: (o[0], o[1], -o[2].timestamp()))
        protected = any(start < q_end and end > q_start for q_start, q_end in quiet)
        chosen.append(FocusBlock(start, end, protected))
    return sorted(chosen, key=lambda b: b.start)


def propose(
    days: list[date],
    busy: list[tuple[datetime, datetime]],
    hours: WorkingHours,
    prefs: FocusPreferences,
    norms: Norms,
) -> list[FocusBlock]:
    """Focus blocks for each of `days`."""
    blocks: list[FocusBlock] = []
    zone = hours.timezone
    for day in days:
        day_start = datetime.combine(day, time(0), zone)
        day_busy = [(s, e) for s, e in busy if s < day_start + timedelta(days=1) and e > day_start]
        blocks.extend(propose_day(day, day_busy, hours, prefs, norms))
    return blocks


def to_ics(blocks: list[FocusBlock], *, title: str, uid_domain: str = "wendbaar.local") -> bytes:
    """The blocks as an iCalendar file of busy events (TRANSP:OPAQUE), one stable UID each."""
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//Wendbaar//Focus time//NL")
    calendar.add("version", "2.0")
    stamp = datetime.now().astimezone()
    for block in blocks:
        event = Event()
        event.add("uid", f"focus-{block.start.isoformat()}@{uid_domain}")
        event.add("dtstamp", stamp)
        event.add("dtstart", block.start)
        event.add("dtend", block.end)
        event.add("summary", title)
        event.add("transp", "OPAQUE")
        event.add("categories", ["FOCUS"])
        calendar.add_component(event)
    # The VTIMEZONE definitions of the zones used, so every client reads the local times right.
    calendar.add_missing_timezones()
    return calendar.to_ical()
