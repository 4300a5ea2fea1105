"""Who sees what in planning: a person only their own pattern, calendars, events, office days
and bookings; a manager only counts per team, day and location, and only for teams they manage."""

from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from tests.accounts.factories import UserFactory
from tests.planning.factories import (
    CalendarEventFactory,
    CalendarSourceFactory,
    LocationFactory,
    WorkPatternFactory,
)
from wendbaar.accounts.choices import TeamRole
from wendbaar.accounts.models import Membership
from wendbaar.planning import selectors
from wendbaar.planning.choices import PlaceKind, PlanStatus
from wendbaar.planning.models import DeskBooking, OfficeAssignment, OfficePlan

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 12, 7)
WEEK = (datetime(2026, 12, 7, tzinfo=UTC), datetime(2026, 12, 14, tzinfo=UTC))


@pytest.fixture
def office():
    return LocationFactory(name="Hoofdkantoor", desks=10)


@pytest.fixture
def plan(alice, bob, office):
    plan = OfficePlan.objects.create(week_start=MONDAY, status=PlanStatus.PROPOSED)
    for person, place in ((alice, PlaceKind.OFFICE), (bob, PlaceKind.HOME)):
        OfficeAssignment.objects.create(
            plan=plan,
            person=person,
            date=MONDAY,
            place=place,
            location=office if place == PlaceKind.OFFICE else None,
        )
    return plan


def test_a_person_sees_only_their_own_events(alice, bob):
    mine = CalendarEventFactory(source=CalendarSourceFactory(person=alice), summary="Mijn overleg")
    CalendarEventFactory(source=CalendarSourceFactory(person=bob), summary="Van Bob")
    assert list(selectors.event_list(user=alice, start=WEEK[0], end=WEEK[1])) == [mine]
    assert [s.person for s in selectors.calendar_source_list(user=alice)] == [alice]
    with pytest.raises(Http404):
        selectors.calendar_source_get(user=alice, pk=bob.calendar_sources.get().pk)


def test_a_person_sees_only_their_own_work_pattern(alice, bob):
    WorkPatternFactory(person=bob)
    assert selectors.work_pattern_own(user=alice) is None
    mine = WorkPatternFactory(person=alice)
    assert selectors.work_pattern_own(user=alice) == mine


def test_a_person_sees_only_their_own_office_days_and_bookings(alice, bob, plan, office):
    DeskBooking.objects.create(person=bob, date=MONDAY, location=office)
    assert [a.person for a in selectors.assignment_list_own(user=alice, plan=plan)] == [alice]
    bobs = plan.assignments.get(person=bob)
    with pytest.raises(Http404):
        selectors.assignment_get_own(user=alice, pk=bobs.pk)
    assert not selectors.booking_list_own(user=alice, start=MONDAY, end=date(2026, 12, 14))


def test_anonymous_and_inactive_people_see_nothing(alice, plan):
    CalendarEventFactory(source=CalendarSourceFactory(person=alice))
    alice.is_active = False
    alice.save()
    assert not selectors.event_list(user=alice, start=WEEK[0], end=WEEK[1]).exists()
    assert not selectors.assignment_list_own(user=alice, plan=plan).exists()


def test_a_member_gets_no_team_figures(alice, plan):
    with pytest.raises(PermissionDenied):
        selectors.plan_figures(user=alice, plan=plan)


def test_a_manager_sees_counts_not_names(alice, bob, plan, team_a, team_b):
    manager = UserFactory(role_codes=["manager"])
    figures = selectors.plan_figures(user=manager, plan=plan)
    by_team = {row["team"]: row for row in figures["teams"]}
    assert by_team[team_a]["days"] == [{"office": 1, "home": 0, "off": 0}]
    assert by_team[team_b]["days"] == [{"office": 0, "home": 1, "off": 0}]
    assert figures["locations"][0]["days"] == [{"taken": 1, "capacity": 10}]
    text = repr(figures)
    assert alice.full_name not in text and bob.full_name not in text


def test_a_team_lead_sees_only_the_teams_they_lead(alice, plan, team_a, team_b):
    lead = UserFactory()
    Membership.objects.create(user=lead, team=team_b, role=TeamRole.LEAD)
    figures = selectors.plan_figures(user=lead, plan=plan)
    assert [row["team"] for row in figures["teams"]] == [team_b]
    assert not figures["approvable"]
