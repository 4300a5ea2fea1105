"""My meeting load and focus blocks: computed from my own calendar only, a warning before the
week tips over, focus blocks around my meetings and exportable as iCalendar."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from tests.planning.factories import CalendarEventFactory, CalendarSourceFactory
from wendbaar.planning import calendars, selectors

pytestmark = pytest.mark.django_db

AMS = ZoneInfo("Europe/Amsterdam")
MONDAY = date(2026, 12, 7)


def _busy_week(person, hours_a_day=7):
    source = CalendarSourceFactory(person=person)
    for n in range(5):
        day = MONDAY + timedelta(days=n)
        for h in range(hours_a_day):
            start = datetime(day.year, day.month, day.day, 9 + h, tzinfo=AMS)
            CalendarEventFactory(
                source=source, uid=f"m-{n}-{h}", start=start, end=start + timedelta(hours=1)
            )


def test_an_overloaded_week_warns_me_and_leaves_my_colleague_alone(alice, bob):
    _busy_week(alice)
    mine = selectors.week_load_own(user=alice, week=MONDAY)
    assert mine["load"].meeting_hours == 35
    assert {w.code for w in mine["warnings"]} >= {"overload", "long_streak"}
    theirs = selectors.week_load_own(user=bob, week=MONDAY)
    assert theirs["load"].meetings == 0 and not theirs["warnings"]
    assert len(theirs["focus"]) == 10  # two blocks a day in an empty week


def test_focus_blocks_go_around_my_meetings(alice):
    _busy_week(alice, hours_a_day=2)  # 09:00-11:00
    blocks = selectors.week_load_own(user=alice, week=MONDAY)["focus"]
    assert blocks
    for block in blocks:
        assert block.start.astimezone(AMS).hour >= 11


def test_focus_blocks_export_as_icalendar_and_show_on_my_week(alice, client_for):
    client = client_for(alice)
    response = client.get("/planning/focus.ics?week=2026-12-07")
    assert response["Content-Type"].startswith("text/calendar")
    window = calendars.Window(
        start=datetime(2026, 12, 1, tzinfo=AMS), end=datetime(2026, 12, 20, tzinfo=AMS), zone=AMS
    )
    read = calendars.parse_ics(response.content, window=window)
    assert len(read.occurrences) == 10
    page = client.get("/planning/?week=2026-12-07").content.decode()
    assert 'data-testid="my-load"' in page


def test_my_week_over_the_api_has_load_and_focus(alice, token_for):
    _busy_week(alice)
    week = (
        Client()
        .get(
            "/api/planning/me/week?week=2026-12-07",
            HTTP_AUTHORIZATION=token_for(alice, ["planning:read"]),
        )
        .json()
    )
    assert week["load"]["meeting_hours"] == 35 and week["load"]["warnings"]


def test_a_manager_sees_team_load_as_aggregates_only(alice, team_a, client_for):
    from tests.accounts.factories import UserFactory

    others = [UserFactory(full_name=f"Collega {n}", teams=[team_a]) for n in range(2)]
    _busy_week(alice)  # 35 hours: above the limit of 25
    manager = UserFactory(role_codes=["manager"])
    rows = {r["team"]: r["figures"] for r in selectors.team_load_figures(user=manager, week=MONDAY)}
    figures = rows[team_a]
    assert figures.people == 3 and figures.overloaded == 1
    page = client_for(manager).get("/planning/plan/?week=2026-12-07").content.decode()
    assert 'data-testid="team-load"' in page
    assert alice.full_name not in page and others[0].full_name not in page


def test_a_small_team_shows_no_load_figures(alice, bob, team_b):
    from tests.accounts.factories import UserFactory

    manager = UserFactory(role_codes=["manager"])
    rows = {r["team"]: r["figures"] for r in selectors.team_load_figures(user=manager, week=MONDAY)}
    assert rows[team_b] is None  # Bob alone


def test_a_member_gets_no_team_load(alice):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        selectors.team_load_figures(user=alice, week=MONDAY)
