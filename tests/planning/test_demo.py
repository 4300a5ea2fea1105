"""The demo organisation's planning: desks per day, everyone's work pattern, a month of
calendars with a few people overloaded, and a proposed plan for next week; loading twice adds
nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from wendbaar.planning.choices import PlanStatus
from wendbaar.planning.demo import CALENDAR_NAME, load_demo_planning
from wendbaar.planning.models import (
    CalendarEvent,
    CalendarSource,
    LocationCapacity,
    PlanningRule,
    TeamNorms,
    WorkPattern,
)
from wendbaar.web.demo import _organisation_load

pytestmark = pytest.mark.django_db


def test_the_demo_has_patterns_calendars_and_a_proposed_plan():
    org = _organisation_load(password="Demo-wachtwoord-2026")
    people, teams = org["people"], org["teams"]
    result = load_demo_planning(people=people, teams=teams, time_limit=3)
    assert WorkPattern.objects.count() == len(people)
    assert LocationCapacity.objects.filter(weekday="fri").count() == 2
    assert PlanningRule.objects.count() == 3
    assert TeamNorms.objects.count() == 3
    assert CalendarSource.objects.filter(name=CALENDAR_NAME, status="ok").count() == len(people)
    plan = result["plan"]
    assert plan.status == PlanStatus.PROPOSED, plan.message
    assert plan.assignments.values("person").distinct().count() == len(people)

    # The overloaded few have far more meeting time than a colleague.
    def hours(name):
        person = next(p for p in people if p.full_name == name)
        events = CalendarEvent.objects.filter(person=person, all_day=False)
        return sum((e.end - e.start).total_seconds() for e in events) / 3600

    assert hours("Mark Jansen") > 3 * hours("Ruud Smit")
    # Sophie is on leave on Wednesday and Thursday of the planned week: not in the office then.
    sophie = next(p for p in people if p.full_name == "Sophie Prins")
    wednesday = plan.week_start + timedelta(days=2)
    assert plan.assignments.get(person=sophie, date=wednesday).place == "off"
    count = CalendarEvent.objects.count()
    load_demo_planning(people=people, teams=teams, time_limit=1)
    assert CalendarEvent.objects.count() == count
    assert TeamNorms.objects.count() == 3
    assert plan.week_start > timezone.localdate()
