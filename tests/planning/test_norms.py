"""Team meeting norms: the lead (or an administrator) sets them, members read them, bad input
saves nothing; my week shows where my own calendar breaks my team's norms, which recurring
meetings could be written updates, and warnings; managers see only team totals."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from tests.accounts.factories import UserFactory
from tests.planning.factories import CalendarEventFactory, CalendarSourceFactory
from wendbaar.accounts.choices import TeamRole
from wendbaar.accounts.models import Membership
from wendbaar.audit.models import AuditEvent
from wendbaar.common.errors import BusinessRuleError
from wendbaar.planning import calendars, selectors, services
from wendbaar.planning.models import TeamNorms

pytestmark = pytest.mark.django_db

AMS = ZoneInfo("Europe/Amsterdam")
MONDAY = date(2026, 12, 7)


def _at(day_offset, hour, minute=0):
    day = MONDAY + timedelta(days=day_offset)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=AMS)


@pytest.fixture
def lead(team_a):
    person = UserFactory(full_name="Lotte Lead")
    Membership.objects.create(user=person, team=team_a, role=TeamRole.LEAD)
    return person


@pytest.fixture
def thursday_afternoon(lead, team_a):
    """Team A keeps Thursday afternoon free (not the default Wednesday morning), 10 hours max."""
    return services.team_norms_set(
        actor=lead,
        team=team_a,
        quiet_windows=[{"day": "thu", "start": "13:00", "end": "17:00"}],
        max_meeting_hours_week=Decimal("10"),
        max_back_to_back=2,
    )


def test_the_lead_sets_the_norms_and_it_is_audited(thursday_afternoon, team_a):
    norms = TeamNorms.objects.get(team=team_a)
    assert norms.quiet_windows == [{"day": "thu", "start": "13:00", "end": "17:00"}]
    assert norms.to_norms().max_meeting_hours_week == 10.0
    assert AuditEvent.objects.filter(action="planning.norms_set").exists()


def test_a_member_or_another_teams_lead_cannot_set_them(alice, bob, team_a, team_b):
    with pytest.raises(BusinessRuleError):
        services.team_norms_set(actor=alice, team=team_a, max_back_to_back=5)
    Membership.objects.filter(user=bob).update(role=TeamRole.LEAD)  # lead of team B only
    with pytest.raises(BusinessRuleError):
        services.team_norms_set(actor=bob, team=team_a, max_back_to_back=5)
    assert not TeamNorms.objects.exists()


def test_an_administrator_sets_any_teams_norms(admin_user, team_b):
    services.team_norms_set(actor=admin_user, team=team_b, max_back_to_back=4)
    assert TeamNorms.objects.get(team=team_b).max_back_to_back == 4


def test_bad_norms_save_nothing(lead, team_a, thursday_afternoon):
    with pytest.raises(ValidationError) as exc:
        services.team_norms_set(
            actor=lead,
            team=team_a,
            max_back_to_back=5,
            quiet_windows=[{"day": "thu", "start": "17:00", "end": "13:00"}],
        )
    assert "quiet_windows" in exc.value.message_dict
    norms = TeamNorms.objects.get(team=team_a)
    assert norms.max_back_to_back == 2 and norms.quiet_windows[0]["start"] == "13:00"


def test_members_read_their_own_teams_norms_only(alice, bob, team_a, team_b, thursday_afternoon):
    rows = selectors.norms_team_list(user=alice)
    assert [r["team"] for r in rows] == [team_a]
    assert rows[0]["norms"] == thursday_afternoon and not rows[0]["may_edit"]
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.norms_team_get(user=bob, pk=team_a.pk)


def _meeting(person, title, start, minutes=50, **kwargs):
    source = kwargs.pop("source", None) or CalendarSourceFactory(person=person)
    return CalendarEventFactory(
        source=source,
        summary=title,
        start=start,
        end=start + timedelta(minutes=minutes),
        **kwargs,
    )


def test_my_week_shows_where_my_calendar_breaks_my_teams_norms(alice, thursday_afternoon):
    source = CalendarSourceFactory(person=alice)
    _meeting(alice, "Roadmap", _at(3, 14), source=source)  # Thursday afternoon: quiet
    _meeting(alice, "Woensdagoverleg", _at(2, 9), source=source)  # the default window, not theirs
    _meeting(alice, "Groot overleg", _at(1, 10), attendee_count=6, source=source)
    _meeting(alice, "Met agenda", _at(1, 14), attendee_count=6, has_agenda=True, source=source)
    load = selectors.week_load_own(user=alice, week=MONDAY)
    codes = {(b.code, b.title) for b in load["breaches"]}
    assert ("quiet_window", "Roadmap") in codes
    assert ("quiet_window", "Woensdagoverleg") not in codes
    assert ("no_agenda", "Groot overleg") in codes and ("no_agenda", "Met agenda") not in codes
    assert load["norm_teams"] == ["Service & Onderhoud"]


def test_without_team_norms_the_defaults_apply(bob, thursday_afternoon):
    """Team A's norms are not Bob's: he is in team B, which agreed none."""
    _meeting(bob, "Woensdagoverleg", _at(2, 9))
    load = selectors.week_load_own(user=bob, week=MONDAY)
    assert [b.code for b in load["breaches"]] == ["quiet_window"]
    assert load["norm_teams"] == []


def test_overload_is_warned_against_my_teams_limit(alice, thursday_afternoon):
    source = CalendarSourceFactory(person=alice)
    for day in range(5):
        for hour in (9, 11):
            _meeting(alice, "Klant", _at(day, hour), minutes=60, source=source)
    load = selectors.week_load_own(user=alice, week=MONDAY)  # 10 hours: at the team's limit
    assert "overload" in {w.code for w in load["warnings"]}


def test_a_daily_stand_up_is_suggested_as_a_written_update(alice, thursday_afternoon):
    source = CalendarSourceFactory(person=alice)
    for day in range(5):
        _meeting(
            alice,
            "Stand-up",
            _at(day, 8, 45),
            minutes=15,
            uid="standup@example.nl",  # one series: the same UID
            recurring=True,
            source=source,
        )
    suggestions = selectors.week_load_own(user=alice, week=MONDAY)["async"]
    assert [s.title for s in suggestions] == ["Stand-up"]
    assert suggestions[0].reason == "status_title"


def test_an_invitation_with_an_agenda_is_read_as_having_one():
    ics = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n"
        b"BEGIN:VEVENT\r\nUID:a@x\r\nDTSTART:20261208T090000Z\r\nDTEND:20261208T100000Z\r\n"
        b"SUMMARY:Met agenda\r\nDESCRIPTION:1. Planning zomerploegen\\n2. Storingen\r\n"
        b"END:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:b@x\r\nDTSTART:20261208T110000Z\r\nDTEND:20261208T120000Z\r\n"
        b"SUMMARY:Alleen een link\r\nDESCRIPTION:Deelnemen aan Microsoft Teams-vergadering\\n"
        b"https://teams.microsoft.com/l/meetup-join/abc\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    window = calendars.Window(
        start=datetime(2026, 12, 1, tzinfo=AMS), end=datetime(2026, 12, 20, tzinfo=AMS), zone=AMS
    )
    read = calendars.parse_ics(ics, window=window)
    agendas = {o.summary: o.has_agenda for o in read.occurrences}
    assert agendas == {"Met agenda": True, "Alleen een link": False}


def test_the_week_page_shows_my_breaches_and_not_a_colleagues(alice, bob, client_for):
    _meeting(alice, "Alice op woensdag", _at(2, 9))
    _meeting(bob, "Bob op woensdag", _at(2, 9))
    page = client_for(alice).get("/planning/?week=2026-12-07").content.decode()
    assert 'data-testid="breaches"' in page and "Alice op woensdag" in page
    assert "Bob op woensdag" not in page


def test_a_manager_sees_aggregates_against_each_teams_limit_and_no_breaches(
    alice, team_a, thursday_afternoon, client_for
):
    others = [UserFactory(full_name=f"Collega {n}", teams=[team_a]) for n in range(2)]
    source = CalendarSourceFactory(person=alice)
    for day in range(4):
        for hour in (9, 11, 14):
            _meeting(alice, "Geheim klantoverleg", _at(day, hour), minutes=60, source=source)
    manager = UserFactory(role_codes=["manager"])
    rows = {r["team"]: r["figures"] for r in selectors.team_load_figures(user=manager, week=MONDAY)}
    assert rows[team_a].overloaded == 1  # 12 hours: above the team's 10, under the default 25
    page = client_for(manager).get("/planning/plan/?week=2026-12-07").content.decode()
    assert "Geheim klantoverleg" not in page and others[0].full_name not in page
    own = client_for(manager).get("/planning/?week=2026-12-07").content.decode()
    assert "Geheim klantoverleg" not in own


def test_the_norms_pages_for_a_lead_and_a_member(alice, lead, team_a, client_for):
    member = client_for(alice)
    assert "Service &amp; Onderhoud" in member.get("/planning/norms/").content.decode()
    assert member.get(f"/planning/norms/{team_a.pk}/").status_code == 403
    client = client_for(lead)
    form = {
        "quiet_windows": "woensdag 08:00-12:00\ndonderdag 13:00-17:00",
        "max_meeting_hours_week": "20",
        "short_meeting_minutes": "25",
        "long_meeting_minutes": "50",
        "agenda_required": "on",
        "agenda_from_attendees": "4",
        "status_as_async": "on",
        "max_back_to_back": "3",
    }
    assert client.post(f"/planning/norms/{team_a.pk}/", form).status_code == 302
    norms = TeamNorms.objects.get(team=team_a)
    assert [w["day"] for w in norms.quiet_windows] == ["wed", "thu"]
    assert norms.agenda_from_attendees == 4
    bad = client.post(
        f"/planning/norms/{team_a.pk}/",
        {**form, "quiet_windows": "someday 08:00-12:00", "max_meeting_hours_week": "12"},
    )
    assert bad.status_code == 200
    assert "Regel 1: schrijf een dag en een tijdvak" in bad.content.decode()  # the page is Dutch
    norms.refresh_from_db()
    assert norms.max_meeting_hours_week == 20  # nothing half-saved


def test_norms_over_the_api(alice, lead, team_a, token_for):
    api = Client()
    body = {"quiet_windows": [{"day": "fri", "start": "13:00", "end": "17:00"}]}
    response = api.put(
        f"/api/planning/norms/{team_a.pk}",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=token_for(alice, ["planning:read", "planning:write"]),
    )
    assert response.status_code == 403
    lead_auth = token_for(lead, ["planning:read", "planning:write"])
    response = api.put(
        f"/api/planning/norms/{team_a.pk}",
        {**body, "max_back_to_back": 0},
        content_type="application/json",
        HTTP_AUTHORIZATION=lead_auth,
    )
    assert response.status_code == 400 and not TeamNorms.objects.exists()
    response = api.put(
        f"/api/planning/norms/{team_a.pk}",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=lead_auth,
    )
    assert response.status_code == 200 and response.json()["agreed"]
    _meeting(alice, "Vrijdagmiddag", _at(4, 14))
    week = api.get(
        "/api/planning/me/week?week=2026-12-07",
        HTTP_AUTHORIZATION=token_for(alice, ["planning:read"]),
    ).json()
    assert [(b["code"], b["title"]) for b in week["breaches"]] == [
        ("quiet_window", "Vrijdagmiddag")
    ]
    assert week["breaches"][0]["text"]
    listed = api.get("/api/planning/norms", HTTP_AUTHORIZATION=lead_auth).json()
    assert listed[0]["quiet_windows"] == body["quiet_windows"] and listed[0]["may_edit"]
