"""Reading planning data. Per-person data (work pattern, calendars, events, office days, desk
bookings) is only ever read for that person; managers get counts per team, day and location.

No administrator bypass for personal rows: a manager's figures are aggregates, never a list of who.
"""

import contextlib
from datetime import date, datetime, time, timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet

from wendbaar.accounts.choices import LocationKind, TeamRole
from wendbaar.accounts.models import Location, Membership, Team
from wendbaar.accounts.selectors import is_manager
from wendbaar.planning.choices import WEEKDAYS, PlaceKind, PlanStatus
from wendbaar.planning.models import (
    AvailabilityAgreement,
    CalendarEvent,
    CalendarSource,
    DeskBooking,
    LocationCapacity,
    OfficeAssignment,
    OfficePlan,
    PlanningRule,
    WorkPattern,
)


def _pk(user) -> int | None:
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    return user.pk


def week_start_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_days(week_start: date, days: int = 5) -> list[date]:
    return [week_start + timedelta(days=n) for n in range(days)]


# -- who manages what --------------------------------------------------------------------------


def managed_team_ids(user) -> set[int]:
    """Teams whose figures a person sees: every team for managers and admins, else the teams
    they lead. Everyone else manages none."""
    if _pk(user) is None:
        return set()
    if is_manager(user):
        return set(Team.objects.values_list("pk", flat=True))
    return set(
        Membership.objects.filter(user_id=user.pk, role=TeamRole.LEAD).values_list(
            "team_id", flat=True
        )
    )


def may_manage_plans(user) -> bool:
    """Proposing and approving the organisation's plan: managers and admins."""
    return _pk(user) is not None and is_manager(user)


def may_see_figures(user) -> bool:
    return bool(managed_team_ids(user))


# -- a person's own data -----------------------------------------------------------------------


def work_pattern_own(*, user) -> WorkPattern | None:
    pk = _pk(user)
    if pk is None:
        return None
    return WorkPattern.objects.filter(person_id=pk).prefetch_related("locations").first()


def calendar_source_list(*, user) -> QuerySet[CalendarSource]:
    return CalendarSource.objects.filter(person_id=_pk(user)).order_by("name")


def calendar_source_get(*, user, pk: int) -> CalendarSource:
    from django.http import Http404

    source = calendar_source_list(user=user).filter(pk=pk).first()
    if source is None:
        raise Http404
    return source


def event_list(*, user, start: datetime, end: datetime) -> QuerySet[CalendarEvent]:
    """A person's own calendar events overlapping [start, end)."""
    return CalendarEvent.objects.filter(person_id=_pk(user)).between(start, end).order_by("start")


def plan_for_week(*, week_start: date) -> OfficePlan | None:
    """The plan of a week (its status and totals; who goes where is read per person)."""
    return OfficePlan.objects.filter(week_start=week_start).first()


def plan_get(*, pk: int) -> OfficePlan:
    from django.http import Http404

    plan = OfficePlan.objects.filter(pk=pk).first()
    if plan is None:
        raise Http404
    return plan


def plan_list() -> QuerySet[OfficePlan]:
    return OfficePlan.objects.order_by("-week_start")


def assignment_list_own(*, user, plan: OfficePlan) -> QuerySet[OfficeAssignment]:
    return (
        OfficeAssignment.objects.filter(plan=plan, person_id=_pk(user))
        .select_related("location")
        .order_by("date")
    )


def assignment_get_own(*, user, pk: int) -> OfficeAssignment:
    from django.http import Http404

    assignment = (
        OfficeAssignment.objects.filter(pk=pk, person_id=_pk(user))
        .select_related("plan", "location")
        .first()
    )
    if assignment is None:
        raise Http404
    return assignment


def booking_list_own(*, user, start: date, end: date) -> QuerySet[DeskBooking]:
    return (
        DeskBooking.objects.filter(person_id=_pk(user), date__gte=start, date__lt=end)
        .select_related("location")
        .order_by("date")
    )


def agreement_list_own(*, user) -> QuerySet[AvailabilityAgreement]:
    """The availability agreements of the person's own teams."""
    teams = Membership.objects.filter(user_id=_pk(user)).values("team_id")
    return AvailabilityAgreement.objects.filter(team_id__in=teams).select_related("team")


def rule_list(*, user) -> QuerySet[PlanningRule]:
    """Rules of the person's own teams, or of the teams they manage."""
    teams = Membership.objects.filter(user_id=_pk(user)).values_list("team_id", flat=True)
    team_ids = set(teams) | managed_team_ids(user)
    return PlanningRule.objects.filter(team_id__in=team_ids, is_active=True).select_related("team")


# -- organisation-level, no people in them -----------------------------------------------------


def office_locations() -> QuerySet[Location]:
    """Places the planner may send people to: active offices and hubs."""
    return Location.objects.filter(
        is_active=True, kind__in=[LocationKind.OFFICE, LocationKind.HUB]
    ).order_by("kind", "name")


def capacity_map(locations=None) -> dict[int, dict[str, int]]:
    """Desks per location and weekday: the weekday row where set, else the location's desks."""
    locations = list(locations if locations is not None else office_locations())
    rows = LocationCapacity.objects.filter(location__in=locations)
    explicit = {(row.location_id, row.weekday): row.desks for row in rows}
    return {
        loc.pk: {day: explicit.get((loc.pk, day), loc.desks) for day in WEEKDAYS}
        for loc in locations
    }


def location_day_counts(*, plan: OfficePlan) -> dict[tuple[int, date], int]:
    """How many people a plan puts at each location on each day (for capacity checks)."""
    rows = (
        OfficeAssignment.objects.filter(plan=plan, place=PlaceKind.OFFICE)
        .values("location_id", "date")
        .annotate(n=Count("pk"))
    )
    return {(row["location_id"], row["date"]): row["n"] for row in rows}


def plan_figures(*, user, plan: OfficePlan) -> dict:
    """Aggregated figures of a plan for a manager: per team the number in the office per day, per
    location and day the desks taken of the capacity. Never names; teams the person does not
    manage are left out. Raises PermissionDenied for anyone who manages no team."""
    team_ids = managed_team_ids(user)
    if not team_ids:
        raise PermissionDenied
    days = sorted(set(plan.assignments.values_list("date", flat=True)))
    members = Membership.objects.filter(team_id__in=team_ids)
    rows = (
        OfficeAssignment.objects.filter(plan=plan, person__memberships__team_id__in=team_ids)
        .values("person__memberships__team_id", "date")
        .annotate(
            office=Count("pk", filter=Q(place=PlaceKind.OFFICE)),
            home=Count("pk", filter=Q(place=PlaceKind.HOME)),
            off=Count("pk", filter=Q(place=PlaceKind.OFF)),
        )
    )
    by_team: dict[int, dict[date, dict]] = {}
    for row in rows:
        by_team.setdefault(row["person__memberships__team_id"], {})[row["date"]] = {
            "office": row["office"],
            "home": row["home"],
            "off": row["off"],
        }
    teams = []
    for team in Team.objects.filter(pk__in=team_ids).order_by("name"):
        size = members.filter(team=team).count()
        cells = by_team.get(team.pk, {})
        teams.append(
            {
                "team": team,
                "size": size,
                "days": [cells.get(day, {"office": 0, "home": 0, "off": 0}) for day in days],
            }
        )
    counts = location_day_counts(plan=plan)
    capacity = capacity_map()
    locations = [
        {
            "location": loc,
            "days": [
                {
                    "taken": counts.get((loc.pk, day), 0),
                    "capacity": capacity.get(loc.pk, {}).get(WEEKDAYS[day.weekday()], 0),
                }
                for day in days
            ],
        }
        for loc in office_locations()
    ]
    return {
        "plan": plan,
        "days": days,
        "teams": teams,
        "locations": locations,
        "hand_changes": plan.assignments.filter(changed_by_hand=True).count(),
        "approvable": plan.status == PlanStatus.PROPOSED and may_manage_plans(user),
    }


def week_own(*, user, week: date) -> dict:
    """A person's own week: per working day where they are and why, their desk, their meetings
    (event times stay aware; pages show them in the organisation's zone)."""
    from zoneinfo import ZoneInfo

    from wendbaar.accounts.selectors import organisation_get
    from wendbaar.planning.reasons import reason_text

    zone = ZoneInfo(organisation_get().time_zone)
    days = week_days(week)
    plan = plan_for_week(week_start=week)
    assignments = {a.date: a for a in assignment_list_own(user=user, plan=plan)} if plan else {}
    bookings = {
        b.date: b for b in booking_list_own(user=user, start=week, end=days[-1] + timedelta(days=1))
    }
    start = datetime.combine(week, time(), tzinfo=zone)
    events = list(event_list(user=user, start=start, end=start + timedelta(days=7)))
    rows = []
    for day in days:
        begin = datetime.combine(day, time(), tzinfo=zone)
        end = begin + timedelta(days=1)
        assignment = assignments.get(day)
        rows.append(
            {
                "date": day,
                "assignment": assignment,
                "reasons": [t for t in map(reason_text, assignment.reasons) if t]
                if assignment
                else [],
                "booking": bookings.get(day),
                "events": [e for e in events if e.start < end and e.end > begin],
            }
        )
    return {
        "week": week,
        "plan": plan,
        "days": rows,
        "zone": zone,
        "in_plan": bool(assignments),
        "assignments": list(assignments.values()),
    }


def _working_hours(user, zone):
    """A person's working hours for the load and focus analysis, from their work pattern: the
    contract days, and the hours they are reachable by chat (else 09:00-17:30)."""
    from wendbaar.planning import workload

    pattern = work_pattern_own(user=user)
    start, end = time(9), time(17, 30)
    days = frozenset(range(5))
    if pattern is not None:
        days = frozenset(WEEKDAYS.index(d) for d in pattern.work_days)
        span = (pattern.reachable_hours or {}).get("chat")
        if span:
            with contextlib.suppress(TypeError, ValueError):
                start, end = time.fromisoformat(span[0]), time.fromisoformat(span[1])
    return workload.WorkingHours(weekdays=days, start=start, end=end, timezone=zone)


def week_load_own(*, user, week: date) -> dict:
    """A person's own meeting load for a week, warnings before it tips over, and proposed focus
    blocks around their meetings (default norms and preferences; nothing is booked)."""
    from zoneinfo import ZoneInfo

    from wendbaar.accounts.selectors import organisation_get
    from wendbaar.planning import focus, workload

    zone = ZoneInfo(organisation_get().time_zone)
    hours = _working_hours(user, zone)
    start = datetime.combine(week, time(), tzinfo=zone)
    events = event_list(user=user, start=start, end=start + timedelta(days=7)).filter(
        busy=True, all_day=False
    )
    meetings = [
        workload.Meeting(
            uid=e.uid,
            title=e.summary,
            start=e.start,
            end=e.end,
            attendees=max(1, e.attendee_count),
            recurring=e.recurring,
        )
        for e in events
    ]
    norms = workload.Norms()
    week_load = workload.load(meetings, hours, week, week + timedelta(days=6))
    away = {
        e.start.astimezone(zone).date()
        for e in event_list(user=user, start=start, end=start + timedelta(days=7)).filter(
            busy=True, all_day=True
        )
    }
    days = [d for d in week_days(week) if d not in away]
    blocks = focus.propose(
        days, [(m.start, m.end) for m in meetings], hours, focus.FocusPreferences(), norms
    )
    return {
        "load": week_load,
        "warnings": workload.overload_warnings(week_load, norms),
        "norms": norms,
        "focus": blocks,
    }


def team_load_figures(*, user, week: date) -> list[dict]:
    """Meeting load per managed team for a week, as aggregates only (median hours, how many
    overloaded — never who). Teams smaller than the minimum group size show no figures."""
    from zoneinfo import ZoneInfo

    from wendbaar.accounts.selectors import organisation_get
    from wendbaar.planning import workload

    team_ids = managed_team_ids(user)
    if not team_ids:
        raise PermissionDenied
    zone = ZoneInfo(organisation_get().time_zone)
    start = datetime.combine(week, time(), tzinfo=zone)
    members: dict[int, list[int]] = {}
    for team_id, person_id in Membership.objects.filter(
        team_id__in=team_ids, user__is_active=True
    ).values_list("team_id", "user_id"):
        members.setdefault(team_id, []).append(person_id)
    people = {pk for pks in members.values() for pk in pks}
    by_person: dict[int, list] = {pk: [] for pk in people}
    events = CalendarEvent.objects.filter(person_id__in=people, busy=True, all_day=False).between(
        start, start + timedelta(days=7)
    )
    for e in events.only("person_id", "uid", "summary", "start", "end", "recurring"):
        by_person[e.person_id].append(
            workload.Meeting(uid=e.uid, title=e.summary, start=e.start, end=e.end)
        )
    hours = workload.WorkingHours(timezone=zone)
    norms = workload.Norms()
    loads = {
        pk: workload.load(meetings, hours, week, week + timedelta(days=6))
        for pk, meetings in by_person.items()
    }
    return [
        {
            "team": team,
            "figures": workload.team_figures([loads[pk] for pk in members.get(team.pk, [])], norms),
        }
        for team in Team.objects.filter(pk__in=team_ids).order_by("name")
    ]
