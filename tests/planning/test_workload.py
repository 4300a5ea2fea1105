"""Meeting load, norms and focus time: pure functions, checked on calendars built here."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar

from wendbaar.planning import focus, workload
from wendbaar.planning.workload import Meeting, Norms, WorkingHours

AMS = ZoneInfo("Europe/Amsterdam")
MONDAY = date(2026, 3, 23)  # the week before the clocks go forward (29 March)
HOURS = WorkingHours()


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), AMS)


def meeting(day, start, minutes, title="Overleg", uid=None, **kwargs) -> Meeting:
    begin = at(day, *start)
    return Meeting(
        uid or f"{title}-{begin.isoformat()}",
        title,
        begin,
        begin + timedelta(minutes=minutes),
        **kwargs,
    )


def test_load_counts_meeting_hours_streaks_fragments_and_focus():
    tue = MONDAY + timedelta(days=1)
    meetings = [
        meeting(MONDAY, (9, 0), 60),
        meeting(MONDAY, (10, 0), 30),  # back to back with the first
        meeting(MONDAY, (10, 30), 30),  # and again: a streak of three
        meeting(MONDAY, (11, 30), 30),  # 30 free minutes before: fragmented
        meeting(tue, (19, 0), 60),  # outside working hours
    ]
    result = workload.load(meetings, HOURS, MONDAY, MONDAY + timedelta(days=6))
    assert result.meetings == 5
    assert result.meeting_hours == 3.5
    assert result.longest_back_to_back == 3 and result.back_to_back_streaks == 1
    assert result.fragmented_hours == 0.5
    # Monday 12:00-17:30 free (5.5 h) + Tuesday to Friday whole days (4 x 8.5 h).
    assert result.focus_hours == 5.5 + 4 * 8.5
    assert result.outside_hours_meetings == 1 and result.outside_hours_hours == 1.0
    assert result.working_hours == 5 * 8.5
    assert result.per_day == {MONDAY: 2.5, tue: 1.0}


def test_overlapping_meetings_count_once():
    meetings = [meeting(MONDAY, (9, 0), 60), meeting(MONDAY, (9, 30), 60, title="Ander")]
    assert workload.load(meetings, HOURS, MONDAY, MONDAY).meeting_hours == 1.5


def test_weekend_meetings_are_outside_working_hours():
    saturday = MONDAY + timedelta(days=5)
    result = workload.load([meeting(saturday, (10, 0), 60)], HOURS, MONDAY, saturday)
    assert result.outside_hours_meetings == 1


def test_breaches_of_each_norm():
    wed = MONDAY + timedelta(days=2)
    meetings = [
        meeting(wed, (10, 0), 30, title="Planning"),  # quiet Wednesday morning; 30 -> 25
        meeting(MONDAY, (13, 0), 60, title="Klantoverleg", attendees=4),  # no agenda; 60 -> 50
        meeting(MONDAY, (15, 0), 50, title="Met agenda", attendees=4, has_agenda=True),
        meeting(MONDAY, (18, 0), 25, title="Laat"),
    ]
    codes = {
        (b.code, b.title)
        for b in workload.breaches(meetings, Norms(), HOURS, MONDAY, MONDAY + timedelta(6))
    }
    assert ("quiet_window", "Planning") in codes
    assert ("length", "Planning") in codes and ("length", "Klantoverleg") in codes
    assert ("no_agenda", "Klantoverleg") in codes
    assert ("outside_hours", "Laat") in codes
    assert not any(title == "Met agenda" for _, title in codes)


def test_week_hours_and_back_to_back_breaches():
    meetings = [
        meeting(MONDAY + timedelta(days=d), (9 + h, 0), 50, title=f"M{d}{h}")
        for d in range(5)
        for h in range(6)
    ]
    found = workload.breaches(
        meetings, Norms(max_meeting_hours_week=20), HOURS, MONDAY, MONDAY + timedelta(6)
    )
    week = [b for b in found if b.code == "week_hours"]
    assert len(week) == 1 and week[0].value == 25.0 and week[0].limit == 20
    # 50-minute meetings on the hour leave 10 minutes: not back to back.
    assert not [b for b in found if b.code == "back_to_back"]
    tight = [meeting(MONDAY, divmod(9 * 60 + 30 * i, 60), 30, title=f"T{i}") for i in range(5)]
    streaks = [
        b
        for b in workload.breaches(tight, Norms(), HOURS, MONDAY, MONDAY)
        if b.code == "back_to_back"
    ]
    assert len(streaks) == 1 and streaks[0].value == 5


def test_recurring_status_meetings_are_async_candidates():
    standups = [
        meeting(
            MONDAY + timedelta(days=d),
            (9, 0),
            15,
            title="Daily stand-up",
            uid="su",
            recurring=True,
            attendees=8,
        )
        for d in range(5)
    ]
    large = [
        meeting(
            MONDAY + timedelta(days=7 * w),
            (16, 0),
            30,
            title="Vrijdagmiddag",
            uid="vm",
            recurring=True,
            attendees=12,
        )
        for w in range(3)
    ]
    design = [
        meeting(
            MONDAY + timedelta(days=7 * w),
            (13, 0),
            90,
            title="Ontwerpsessie",
            uid="os",
            recurring=True,
            attendees=4,
        )
        for w in range(3)
    ]
    once = [meeting(MONDAY, (11, 0), 30, title="Status project X", attendees=5)]
    found = workload.async_candidates(standups + large + design + once, Norms())
    # Biggest first: hours times people (3 x 30 min x 12 before 5 x 15 min x 8).
    assert [(s.uid, s.reason) for s in found] == [
        ("vm", "short_large_recurring"),
        ("su", "status_title"),
    ]
    assert workload.async_candidates(standups, Norms(status_as_async=False)) == []


def test_overload_warnings_and_team_figures_hide_individuals():
    heavy = workload.Load(meeting_hours=24, focus_hours=2, working_hours=40, longest_back_to_back=5)
    codes = [w.code for w in workload.overload_warnings(heavy, Norms())]
    assert codes == ["overload", "no_focus", "long_streak"]
    light = workload.Load(meeting_hours=5, focus_hours=20, working_hours=40)
    assert workload.overload_warnings(light, Norms()) == []
    assert workload.team_figures([heavy, light], Norms()) is None  # too small to stay anonymous
    figures = workload.team_figures([heavy, light, workload.Load(meeting_hours=30)], Norms())
    assert figures.people == 3 and figures.overloaded == 1 and figures.median_meeting_hours == 24


def test_focus_blocks_go_around_meetings_by_preference():
    busy = [(at(MONDAY, 9, 0), at(MONDAY, 10, 0)), (at(MONDAY, 13, 0), at(MONDAY, 14, 0))]
    blocks = focus.propose_day(MONDAY, busy, HOURS, focus.FocusPreferences(), Norms())
    assert len(blocks) == 2
    for block in blocks:
        for start, end in busy:
            assert block.end + focus.BUFFER <= start or block.start - focus.BUFFER >= end
        assert HOURS.window(MONDAY)[0] <= block.start and block.end <= HOURS.window(MONDAY)[1]
        assert block.start.minute % 15 == 0
    assert blocks[0].start == at(MONDAY, 10, 15) and blocks[0].minutes == 120
    afternoon = focus.propose_day(
        MONDAY, busy, HOURS, focus.FocusPreferences(blocks_per_day=1, prefer="afternoon"), Norms()
    )
    assert afternoon[0].start >= at(MONDAY, 12, 0)


def test_focus_prefers_the_teams_quiet_window_and_skips_full_days():
    wed = MONDAY + timedelta(days=2)
    blocks = focus.propose_day(
        wed, [], HOURS, focus.FocusPreferences(blocks_per_day=1, prefer="any"), Norms()
    )
    assert blocks[0].protected and blocks[0].start < at(wed, 12, 0)
    full = [(at(MONDAY, 9, 0), at(MONDAY, 17, 30))]
    assert focus.propose_day(MONDAY, full, HOURS, focus.FocusPreferences(), Norms()) == []
    saturday = MONDAY + timedelta(days=5)
    assert focus.propose_day(saturday, [], HOURS, focus.FocusPreferences(), Norms()) == []


def test_focus_blocks_export_as_icalendar_across_dst():
    days = [date(2026, 3, 27), date(2026, 3, 30)]  # the clocks go forward in between
    blocks = focus.propose(days, [], HOURS, focus.FocusPreferences(blocks_per_day=1), Norms())
    data = focus.to_ics(blocks, title="Focustijd")
    calendar = Calendar.from_ical(data)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 2 and all(str(e["summary"]) == "Focustijd" for e in events)
    starts = [e.decoded("dtstart") for e in events]
    assert [s.utcoffset() for s in starts] == [timedelta(hours=1), timedelta(hours=2)]
    assert all(s.hour == 9 for s in starts)
    assert calendar.walk("VTIMEZONE")
