"""The office-day plan in the app: the solver's input from the database (no names in it), a plan
proposed in the background with reasons, swaps that keep every hard rule, approval by a manager
with desk bookings following, and bookings changed by hand."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from tests.accounts.factories import LocationFactory, UserFactory
from tests.planning.factories import CalendarEventFactory, CalendarSourceFactory, WorkPatternFactory
from wendbaar.accounts.choices import LocationKind
from wendbaar.common.errors import BusinessRuleError
from wendbaar.planning import services
from wendbaar.planning.choices import BookingSource, PlaceKind, PlanStatus, RuleKind
from wendbaar.planning.instance import build_instance, location_key, person_key
from wendbaar.planning.models import (
    DeskBooking,
    LocationCapacity,
    OfficeAssignment,
    OfficePlan,
    PlanningRule,
)

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 12, 7)


@pytest.fixture
def office():
    office = LocationFactory(name="Hoofdkantoor", kind=LocationKind.OFFICE, desks=10)
    LocationCapacity.objects.create(location=office, weekday="fri", desks=1)
    return office


@pytest.fixture
def manager():
    return UserFactory(full_name="Mia Manager", role_codes=["manager"])


@pytest.fixture
def team(alice, bob, team_a, office):
    """Alice and two colleagues in team A; Bob in team B."""
    carol = UserFactory(full_name="Carol", teams=[team_a])
    dave = UserFactory(full_name="Dave", teams=[team_a])
    for person in (alice, carol, dave, bob):
        pattern = WorkPatternFactory(person=person, min_office_days=1, max_office_days=2)
        pattern.locations.set([office])
    alice.work_pattern.fixed_office_days = ["tue"]
    alice.work_pattern.preferred_office_days = ["thu"]
    alice.work_pattern.save()
    PlanningRule.objects.create(
        team=team_a, kind=RuleKind.TEAM_DAY, weekday="wed", min_fraction=Decimal("1.00")
    )
    return {"alice": alice, "carol": carol, "dave": dave, "bob": bob}


def _propose(manager, django_capture_on_commit_callbacks, week=MONDAY):
    with django_capture_on_commit_callbacks(execute=True):
        plan = services.plan_propose(actor=manager, week_start=week, time_limit=2)
    plan.refresh_from_db()
    return plan


def test_the_instance_has_keys_not_names_and_weighs_collaboration(team, office, team_a):
    alice, carol, bob = team["alice"], team["carol"], team["bob"]
    # Alice and Bob share an invitation (same UID in both calendars): they collaborate.
    for person in (alice, bob):
        CalendarEventFactory(
            source=CalendarSourceFactory(person=person),
            uid="kwartaal@example.nl",
            start=datetime(2026, 12, 1, 9, tzinfo=UTC),
        )
    instance, _notes = build_instance(week_start=MONDAY, today=MONDAY)
    text = repr(instance)
    assert alice.full_name not in text and alice.email not in text
    weights = {(c["a"], c["b"]): c["weight"] for c in instance["collaboration"]}
    pair = tuple(sorted([person_key(alice.pk), person_key(bob.pk)], key=lambda k: int(k[1:])))
    assert weights[pair] == 1  # one shared invitation, no shared team
    team_pair = tuple(
        sorted([person_key(alice.pk), person_key(carol.pk)], key=lambda k: int(k[1:]))
    )
    assert weights[team_pair] == 1
    assert instance["rules"] == [{"team": f"team{team_a.pk}", "day": "wed", "min_fraction": 1.0}]
    assert instance["locations"][0]["capacity"]["fri"] == 1
    assert instance["locations"][0]["id"] == location_key(office.pk)


def test_a_day_of_leave_in_the_calendar_is_not_a_working_day(team):
    alice = team["alice"]
    CalendarEventFactory(
        source=CalendarSourceFactory(person=alice),
        summary="Vakantie",
        all_day=True,
        start=datetime(2026, 12, 10, tzinfo=UTC) - timedelta(hours=1),
        end=datetime(2026, 12, 11, tzinfo=UTC) - timedelta(hours=1),
    )
    instance, _ = build_instance(week_start=MONDAY)
    person = next(p for p in instance["people"] if p["id"] == person_key(alice.pk))
    assert "thu" not in person["work_days"] and "thu" not in person["preferred_office_days"]


def test_a_team_minimum_raises_a_persons_minimum_within_their_pattern(team, team_a):
    PlanningRule.objects.create(team=team_a, kind=RuleKind.MIN_OFFICE_DAYS, min_office_days=3)
    instance, notes = build_instance(week_start=MONDAY)
    alice = next(p for p in instance["people"] if p["id"] == person_key(team["alice"].pk))
    assert alice["min_office_days"] == 2  # her maximum is 2
    assert notes


def test_a_manager_gets_a_plan_with_reasons_that_keeps_every_rule(
    team, manager, office, django_capture_on_commit_callbacks
):
    plan = _propose(manager, django_capture_on_commit_callbacks)
    assert plan.status == PlanStatus.PROPOSED, plan.message
    alice = team["alice"]
    days = {a.date.strftime("%a").lower()[:3]: a for a in plan.assignments.filter(person=alice)}
    assert days["tue"].place == PlaceKind.OFFICE and days["tue"].location == office
    assert {"code": "fixed_day"} in days["tue"].reasons or days["tue"].reasons
    wednesday = plan.assignments.filter(date=MONDAY + timedelta(days=2), place=PlaceKind.OFFICE)
    assert {a.person for a in wednesday} >= {alice, team["carol"], team["dave"]}
    assert plan.assignments.filter(date=MONDAY + timedelta(days=4), place="office").count() <= 1
    assert plan.objective is not None and plan.instance


def test_a_member_cannot_propose_or_approve(
    team, alice, manager, django_capture_on_commit_callbacks
):
    with pytest.raises(BusinessRuleError):
        services.plan_propose(actor=alice, week_start=MONDAY)
    plan = _propose(manager, django_capture_on_commit_callbacks)
    with pytest.raises(BusinessRuleError):
        services.plan_approve(actor=alice, plan=plan)


def test_a_plan_starts_on_a_monday(manager):
    with pytest.raises(BusinessRuleError):
        services.plan_propose(actor=manager, week_start=MONDAY + timedelta(days=1))


def _row(plan, person, offset):
    return plan.assignments.get(person=person, date=MONDAY + timedelta(days=offset))


def test_a_swap_that_keeps_the_rules_is_made(team, manager, django_capture_on_commit_callbacks):
    plan = _propose(manager, django_capture_on_commit_callbacks)
    bob = team["bob"]
    office_day = plan.assignments.filter(person=bob, place=PlaceKind.OFFICE).first()
    home_day = (
        plan.assignments.filter(person=bob, place=PlaceKind.HOME)
        .exclude(
            date=MONDAY + timedelta(days=4)  # Friday has one desk
        )
        .first()
    )
    services.assignment_swap(actor=bob, first=office_day, second=home_day)
    office_day.refresh_from_db()
    home_day.refresh_from_db()
    assert office_day.place == PlaceKind.HOME and home_day.place == PlaceKind.OFFICE
    assert home_day.changed_by_hand and home_day.reasons == [{"code": "swapped_by_hand"}]


def test_a_swap_that_breaks_a_rule_is_refused_and_changes_nothing(
    team, manager, django_capture_on_commit_callbacks
):
    plan = _propose(manager, django_capture_on_commit_callbacks)
    alice = team["alice"]
    tuesday = _row(plan, alice, 1)  # fixed office day
    home = plan.assignments.filter(person=alice, place=PlaceKind.HOME).first()
    with pytest.raises(BusinessRuleError) as info:
        services.assignment_swap(actor=alice, first=tuesday, second=home)
    assert "fixed office day" in str(info.value)
    tuesday.refresh_from_db()
    assert tuesday.place == PlaceKind.OFFICE and not tuesday.changed_by_hand


def test_nobody_swaps_someone_elses_days(team, manager, django_capture_on_commit_callbacks):
    plan = _propose(manager, django_capture_on_commit_callbacks)
    bob = team["bob"]
    with pytest.raises(BusinessRuleError):
        services.assignment_swap(
            actor=team["alice"], first=_row(plan, bob, 0), second=_row(plan, bob, 1)
        )


def test_approval_books_desks_and_keeps_hand_bookings(
    team, manager, office, django_capture_on_commit_callbacks
):
    plan = _propose(manager, django_capture_on_commit_callbacks)
    bob = team["bob"]
    hub = LocationFactory(name="Hub Zwolle", kind=LocationKind.HUB, desks=2)
    bobs_office_day = plan.assignments.filter(person=bob, place=PlaceKind.OFFICE).first()
    services.desk_booking_set(actor=bob, day=bobs_office_day.date, location=hub)
    booked = services.plan_approve(actor=manager, plan=plan)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED and plan.approved_by == manager
    assert booked == plan.assignments.filter(place=PlaceKind.OFFICE).count()
    kept = DeskBooking.objects.get(person=bob, date=bobs_office_day.date)
    assert kept.location == hub and kept.source == BookingSource.HAND
    alice_tuesday = DeskBooking.objects.get(person=team["alice"], date=MONDAY + timedelta(days=1))
    assert alice_tuesday.location == office and alice_tuesday.source == BookingSource.PLAN
    with pytest.raises(BusinessRuleError):
        services.plan_approve(actor=manager, plan=plan)


def test_a_full_location_takes_no_more_bookings(alice, bob):
    hub = LocationFactory(name="Hub", kind=LocationKind.HUB, desks=1)
    services.desk_booking_set(actor=alice, day=MONDAY, location=hub)
    with pytest.raises(BusinessRuleError) as info:
        services.desk_booking_set(actor=bob, day=MONDAY, location=hub)
    assert "no desk free" in str(info.value)
    services.desk_booking_set(actor=alice, day=MONDAY, location=None)
    services.desk_booking_set(actor=bob, day=MONDAY, location=hub)
    assert DeskBooking.objects.get(date=MONDAY).person == bob


def test_an_impossible_week_fails_with_reasons_that_name_no_one(
    team, manager, office, team_a, django_capture_on_commit_callbacks
):
    LocationCapacity.objects.create(location=office, weekday="tue", desks=0)
    plan = _propose(manager, django_capture_on_commit_callbacks)
    assert plan.status == PlanStatus.FAILED
    assert plan.message
    assert team["alice"].full_name not in plan.message
    assert not OfficeAssignment.objects.filter(plan=plan).exists()


def test_solving_twice_does_nothing_the_second_time(
    team, manager, django_capture_on_commit_callbacks
):
    plan = _propose(manager, django_capture_on_commit_callbacks)
    count = plan.assignments.count()
    assert services.plan_solve(plan_id=plan.pk) is False
    assert OfficePlan.objects.get(pk=plan.pk).assignments.count() == count
