"""My meeting load and focus blocks: computed from my own calendar only, a warning before the
week tips over, focus blocks around my meetings and exportable as iCalendar."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from tests.planning.factories import CalendarEventFactory, CalendarSourceFactory
from wendbaar.common.errors import BusinessRuleError
from wendbaar.planning import calendars, selectors, services
from wendbaar.planning.models import FocusBlock, FocusPreferences

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


def test_proposed_blocks_are_booked_shown_and_exported_as_icalendar(alice, bob, client_for):
    client = client_for(alice)
    page = client.get("/planning/?week=2026-12-07").content.decode()
    assert 'data-testid="my-load"' in page and 'data-testid="focus-proposed"' in page
    first = selectors.week_load_own(user=alice, week=MONDAY)["focus"][0]
    response = client.post(
        "/planning/focus/book/",
        {"week": "2026-12-07", "start": first.start.isoformat(), "end": first.end.isoformat()},
    )
    assert response.status_code == 302
    block = FocusBlock.objects.get(person=alice)
    assert block.start == first.start
    page = client.get("/planning/?week=2026-12-07").content.decode()
    assert 'data-testid="focus-booked"' in page
    load = selectors.week_load_own(user=alice, week=MONDAY)
    assert len(load["focus"]) == 9  # the booked block counts towards Monday's two
    assert all(b.start >= block.end or b.end <= block.start for b in load["focus"])
    assert load["load"].meetings == 0  # a focus block is not a meeting

    response = client.get("/planning/focus.ics")
    assert response["Content-Type"].startswith("text/calendar")
    window = calendars.Window(
        start=datetime(2026, 12, 1, tzinfo=AMS), end=datetime(2026, 12, 20, tzinfo=AMS), zone=AMS
    )
    read = calendars.parse_ics(response.content, window=window)
    assert [(o.start, o.end) for o in read.occurrences] == [(block.start, block.end)]
    theirs = calendars.parse_ics(client_for(bob).get("/planning/focus.ics").content, window=window)
    assert theirs.occurrences == []


def test_a_block_over_a_meeting_or_another_block_is_refused(alice):
    CalendarEventFactory(
        source=CalendarSourceFactory(person=alice),
        summary="Klantgesprek",
        start=datetime(2026, 12, 8, 10, tzinfo=AMS),
        end=datetime(2026, 12, 8, 11, tzinfo=AMS),
    )
    with pytest.raises(BusinessRuleError, match="Klantgesprek"):
        services.focus_block_book(
            actor=alice,
            start=datetime(2026, 12, 8, 9, tzinfo=AMS),
            end=datetime(2026, 12, 8, 11, tzinfo=AMS),
        )
    services.focus_block_book(
        actor=alice,
        start=datetime(2026, 12, 8, 13, tzinfo=AMS),
        end=datetime(2026, 12, 8, 15, tzinfo=AMS),
    )
    with pytest.raises(BusinessRuleError, match="already"):
        services.focus_block_book(
            actor=alice,
            start=datetime(2026, 12, 8, 14, tzinfo=AMS),
            end=datetime(2026, 12, 8, 16, tzinfo=AMS),
        )
    with pytest.raises(BusinessRuleError):
        services.focus_block_book(
            actor=alice,
            start=datetime(2026, 12, 8, 16, tzinfo=AMS),
            end=datetime(2026, 12, 8, 16, 5, tzinfo=AMS),
        )
    assert FocusBlock.objects.filter(person=alice).count() == 1


def test_a_block_in_the_teams_meeting_free_window_is_protected(alice):
    block = services.focus_block_book(
        actor=alice,
        start=datetime(2026, 12, 9, 9, tzinfo=AMS),  # Wednesday morning: the default window
        end=datetime(2026, 12, 9, 11, tzinfo=AMS),
    )
    assert block.protected


def test_my_preferences_shape_the_proposals(alice, client_for):
    client = client_for(alice)
    bad = client.post(
        "/planning/focus/",
        {"block_minutes": "600", "blocks_per_day": "1", "prefer": "afternoon"},
    )
    assert bad.status_code == 200 and not FocusPreferences.objects.exists()
    response = client.post(
        "/planning/focus/", {"block_minutes": "90", "blocks_per_day": "1", "prefer": "afternoon"}
    )
    assert response.status_code == 302
    blocks = selectors.week_load_own(user=alice, week=MONDAY)["focus"]
    assert len(blocks) == 5
    assert all(b.minutes == 90 for b in blocks)
    # Afternoons, except Wednesday, where the team's meeting-free morning is protected time.
    for block in blocks:
        assert block.protected if block.start.weekday() == 2 else block.start.hour >= 12


def test_only_i_remove_my_block(alice, bob, client_for):
    block = services.focus_block_book(
        actor=alice,
        start=datetime(2026, 12, 8, 13, tzinfo=AMS),
        end=datetime(2026, 12, 8, 15, tzinfo=AMS),
    )
    assert client_for(bob).post(f"/planning/focus/{block.pk}/remove/").status_code == 404
    assert FocusBlock.objects.filter(pk=block.pk).exists()
    assert client_for(alice).post(f"/planning/focus/{block.pk}/remove/").status_code == 302
    assert not FocusBlock.objects.filter(pk=block.pk).exists()


def test_focus_over_the_api(alice, bob, token_for):
    api = Client()
    auth = token_for(alice, ["planning:read", "planning:write"])
    response = api.put(
        "/api/planning/me/focus/preferences",
        {"block_minutes": 10, "blocks_per_day": 1, "prefer": "any"},
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
    )
    assert response.status_code == 400 and not FocusPreferences.objects.exists()
    proposals = api.get(
        "/api/planning/me/focus/proposals?week=2026-12-07", HTTP_AUTHORIZATION=auth
    ).json()
    assert len(proposals) == 10
    response = api.post(
        "/api/planning/me/focus/blocks",
        {"start": proposals[0]["start"], "end": proposals[0]["end"]},
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
    )
    assert response.status_code == 201
    block_id = response.json()["id"]
    week = api.get("/api/planning/me/week?week=2026-12-07", HTTP_AUTHORIZATION=auth).json()
    assert [b["id"] for b in week["days"][0]["focus_booked"]] == [block_id]
    bobs = token_for(bob, ["planning:read", "planning:write"])
    assert api.get("/api/planning/me/focus/blocks", HTTP_AUTHORIZATION=bobs).json() == []
    assert (
        api.delete(f"/api/planning/me/focus/blocks/{block_id}", HTTP_AUTHORIZATION=bobs).status_code
        == 404
    )
    assert (
        api.delete(f"/api/planning/me/focus/blocks/{block_id}", HTTP_AUTHORIZATION=auth).status_code
        == 204
    )


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
