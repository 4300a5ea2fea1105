"""Planning records: a work pattern refuses rules that cannot hold together, and a plan row
for an office day always names its location."""

from datetime import date, time
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from tests.planning.factories import LocationFactory, WorkPatternFactory
from wendbaar.planning.choices import PlaceKind, RuleKind
from wendbaar.planning.models import OfficeAssignment, OfficePlan, PlanningRule

pytestmark = pytest.mark.django_db


def test_a_sensible_work_pattern_is_valid(alice):
    pattern = WorkPatternFactory.build(
        person=alice,
        contract_days=["mon", "tue", "wed", "thu"],
        min_office_days=2,
        max_office_days=3,
        fixed_office_days=["tue"],
        unavailable_office_days=["mon"],
        preferred_office_days=["wed"],
        core_start=time(10),
        core_end=time(15),
        reachable_hours={"chat": ["08:30", "17:00"], "phone": ["09:00", "12:00"]},
    )
    pattern.full_clean()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"contract_days": ["maandag"]}, "contract_days"),
        ({"min_office_days": 4, "max_office_days": 2}, "min_office_days"),
        ({"contract_days": ["mon", "tue"], "min_office_days": 3}, "min_office_days"),
        ({"fixed_office_days": ["tue"], "unavailable_office_days": ["tue"]}, "fixed_office_days"),
        ({"contract_days": ["mon"], "fixed_office_days": ["fri"]}, "fixed_office_days"),
        ({"fixed_office_days": ["mon", "tue"], "max_office_days": 1}, "fixed_office_days"),
        ({"core_start": time(15), "core_end": time(10)}, "core_end"),
        ({"reachable_hours": {"fax": ["09:00", "17:00"]}}, "reachable_hours"),
        ({"reachable_hours": {"chat": ["17:00", "09:00"]}}, "reachable_hours"),
    ],
)
def test_a_work_pattern_that_cannot_hold_is_refused(alice, changes, field):
    pattern = WorkPatternFactory.build(person=alice, **changes)
    with pytest.raises(ValidationError) as info:
        pattern.full_clean()
    assert field in info.value.message_dict


def test_rules_need_their_own_fields(team_a):
    with pytest.raises(ValidationError):
        PlanningRule(team=team_a, kind=RuleKind.TEAM_DAY, weekday="tue").full_clean()
    with pytest.raises(ValidationError):
        PlanningRule(
            team=team_a, kind=RuleKind.TEAM_DAY, weekday="tue", min_fraction=Decimal("1.5")
        ).full_clean()
    PlanningRule(
        team=team_a, kind=RuleKind.TEAM_DAY, weekday="tue", min_fraction=Decimal("0.6")
    ).full_clean()
    with pytest.raises(ValidationError):
        PlanningRule(team=team_a, kind=RuleKind.MIN_OFFICE_DAYS, min_office_days=0).full_clean()


def test_an_office_day_without_a_location_is_refused_by_the_database(alice):
    plan = OfficePlan.objects.create(week_start=date(2026, 12, 7))
    with pytest.raises(IntegrityError):
        OfficeAssignment.objects.create(
            plan=plan, person=alice, date=date(2026, 12, 7), place=PlaceKind.OFFICE
        )


def test_a_home_day_with_a_location_is_refused_by_the_database(alice):
    plan = OfficePlan.objects.create(week_start=date(2026, 12, 7))
    with pytest.raises(IntegrityError):
        OfficeAssignment.objects.create(
            plan=plan,
            person=alice,
            date=date(2026, 12, 7),
            place=PlaceKind.HOME,
            location=LocationFactory(),
        )


@pytest.mark.parametrize(
    "model",
    [
        "locationcapacity",
        "workpattern",
        "availabilityagreement",
        "planningrule",
        "calendarsource",
        "officeplan",
    ],
)
def test_the_admin_lists_planning_setup(admin_user, client_for, model):
    response = client_for(admin_user).get(f"/admin/planning/{model}/")
    assert response.status_code == 200
