"""Reading planning data. Per-person data (work pattern, calendars, events, office days, desk
bookings) is only ever read for that person; managers get counts per team, day and location.

No administrator bypass for personal rows: a manager's figures are aggregates, never a list of who.
"""

import contextlib
import dataclasses
from datetime import date, datetime, time, timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet

from wendbaar.accounts.choices import LocationKind, TeamRole
from wendbaar.accounts.models import Location, Membership, Team
from wendbaar.accounts.selectors import is_admin, is_manager
from wendbaar.planning.choices import WEEKDAYS, PlaceKind, PlanStatus
from wendbaar.planning.models import (
    AvailabilityAgreement,
    CalendarEvent,
    CalendarSource,
    DeskBooking,
    FocusBlock,
    FocusPreferences,
    LocationCapacity,
    MeetingRoom,
    OfficeAssignment,
    OfficePlan,
    PlanningRule,
    RoomBooking,
    TeamNorms,
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


# -- meeting norms (agreed per team; not personal) --------------------------------------------


def may_set_norms(user, team) -> bool:
    """The team's lead sets its norms; an administrator sets any team's."""
    if _pk(user) is None or team is None:
        return False
    return (
        is_admin(user)
        or Membership.objects.filter(user_id=user.pk, team_id=team.pk, role=TeamRole.LEAD).exists()
    )


def own_team_ids(user) -> set[int]:
    return set(Membership.objects.filter(user_id=_pk(user)).values_list("team_id", flat=True))


def norms_team_list(*, user) -> list[dict]:
    """The teams whose norms a person reads (their own teams, the teams they manage, every team
    for an administrator), each with its norms (None: the defaults apply) and whether the person
    may change them."""
    if _pk(user) is None:
        return []
    team_ids = own_team_ids(user) | managed_team_ids(user)
    if is_admin(user):
        team_ids |= set(Team.objects.values_list("pk", flat=True))
    leads = set(
        Membership.objects.filter(user_id=user.pk, role=TeamRole.LEAD).values_list(
            "team_id", flat=True
        )
    )
    norms = {n.team_id: n for n in TeamNorms.objects.filter(team_id__in=team_ids)}
    return [
        {
            "team": team,
            "norms": norms.get(team.pk),
            "may_edit": is_admin(user) or team.pk in leads,
        }
        for team in Team.objects.filter(pk__in=team_ids).order_by("name")
    ]


def norms_team_get(*, user, pk: int) -> dict:
    """One team's norms, for someone who may read them (else 404)."""
    from django.http import Http404

    row = next((r for r in norms_team_list(user=user) if r["team"].pk == pk), None)
    if row is None:
        raise Http404
    return row


def norms_for_person(user):
    """The norms that hold for a person: their team's, the strictest of each when they are in
    several teams with norms, else the product's defaults. Returns (Norms, team names)."""
    from wendbaar.planning import workload

    rows = list(
        TeamNorms.objects.filter(team_id__in=own_team_ids(user))
        .select_related("team")
        .order_by("team__name")
    )
    if not rows:
        return workload.Norms(), []
    all_norms = [row.to_norms() for row in rows]
    if len(all_norms) == 1:
        return all_norms[0], [rows[0].team.name]
    windows = []
    for n in all_norms:
        windows.extend(w for w in n.quiet_windows if w not in windows)
    agendas = [n.agenda_from_attendees for n in all_norms if n.agenda_required]
    merged = workload.Norms(
        quiet_windows=tuple(windows),
        max_meeting_hours_week=min(n.max_meeting_hours_week for n in all_norms),
        default_lengths=all_norms[0].default_lengths,
        agenda_required=bool(agendas),
        agenda_from_attendees=min(agendas) if agendas else all_norms[0].agenda_from_attendees,
        max_back_to_back=min(n.max_back_to_back for n in all_norms),
        status_as_async=any(n.status_as_async for n in all_norms),
    )
    return merged, [row.team.name for row in rows]


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


def focus_preferences_own(*, user) -> FocusPreferences:
    """A person's focus preferences, or the defaults (unsaved) when they set none."""
    return FocusPreferences.objects.filter(person_id=_pk(user)).first() or FocusPreferences()


def focus_block_list_own(*, user, start: datetime | None = None, end: datetime | None = None):
    """A person's own booked focus blocks, overlapping [start, end) when given."""
    blocks = FocusBlock.objects.filter(person_id=_pk(user))
    if start is not None:
        blocks = blocks.filter(end__gt=start)
    if end is not None:
        blocks = blocks.filter(start__lt=end)
    return blocks.order_by("start")


def focus_block_get_own(*, user, pk: int) -> FocusBlock:
    from django.http import Http404

    block = focus_block_list_own(user=user).filter(pk=pk).first()
    if block is None:
        raise Http404
    return block


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


def _meetings(events) -> list:
    from wendbaar.planning import workload

    return [
        workload.Meeting(
            uid=e.uid,
            title=e.summary,
            start=e.start,
            end=e.end,
            attendees=max(1, e.attendee_count),
            has_agenda=e.has_agenda,
            recurring=e.recurring,
        )
        for e in events
    ]


# Recurring meetings are judged over this many weeks up to the end of the week shown.
ASYNC_WEEKS = 4


def week_load_own(*, user, week: date) -> dict:
    """A person's own meeting load for a week against their team's norms: where the calendar
    breaks them, recurring meetings that could be written updates, warnings before the week tips
    over, and proposed focus blocks around their meetings. Nothing is moved or booked."""
    from zoneinfo import ZoneInfo

    from wendbaar.accounts.selectors import organisation_get
    from wendbaar.planning import focus, workload

    zone = ZoneInfo(organisation_get().time_zone)
    hours = _working_hours(user, zone)
    start = datetime.combine(week, time(), tzinfo=zone)
    end = start + timedelta(days=7)
    history = list(
        event_list(user=user, start=start - timedelta(weeks=ASYNC_WEEKS - 1), end=end).filter(
            busy=True
        )
    )
    in_week = [e for e in history if e.start < end and e.end > start]
    meetings = _meetings(e for e in in_week if not e.all_day)
    norms, norm_teams = norms_for_person(user)
    last = week + timedelta(days=6)
    week_load = workload.load(meetings, hours, week, last)
    away = {e.start.astimezone(zone).date() for e in in_week if e.all_day}
    booked = list(focus_block_list_own(user=user, start=start, end=end))
    prefs = focus_preferences_own(user=user).to_preferences()
    busy = [(m.start, m.end) for m in meetings] + [(b.start, b.end) for b in booked]
    blocks = []
    for day in week_days(week):
        if day in away:
            continue
        # Booked blocks count towards the day's blocks: only the rest is proposed.
        wanted = prefs.blocks_per_day - sum(
            1 for b in booked if b.start.astimezone(zone).date() == day
        )
        if wanted > 0:
            blocks.extend(
                focus.propose(
                    [day], busy, hours, dataclasses.replace(prefs, blocks_per_day=wanted), norms
                )
            )
    return {
        "load": week_load,
        "warnings": workload.overload_warnings(week_load, norms),
        "norms": norms,
        "norm_teams": norm_teams,
        "breaches": workload.breaches(meetings, norms, hours, week, last),
        "async": workload.async_candidates(_meetings(e for e in history if not e.all_day), norms),
        "focus": blocks,
        "booked": booked,
        "preferences": prefs,
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
    team_norms = {n.team_id: n.to_norms() for n in TeamNorms.objects.filter(team_id__in=team_ids)}
    loads = {
        pk: workload.load(meetings, hours, week, week + timedelta(days=6))
        for pk, meetings in by_person.items()
    }
    # Each team is measured against its own limit (the defaults where it agreed none).
    return [
        {
            "team": team,
            "figures": workload.team_figures(
                [loads[pk] for pk in members.get(team.pk, [])],
                team_norms.get(team.pk) or workload.Norms(),
            ),
        }
        for team in Team.objects.filter(pk__in=team_ids).order_by("name")
    ]


# -- meeting rooms -----------------------------------------------------------------------------
# Everyone in the organisation sees which rooms are taken when (a shared resource, like a paper
# booking sheet on the door) and for which team; who booked a room and what for only the booker,
# the members of the booking's team and administrators see. Cancelling or moving: the booker, a
# lead of the booking's team or of one of the booker's teams, or an administrator.


def room_list(*, location=None) -> QuerySet[MeetingRoom]:
    """Active rooms at active offices and hubs."""
    rooms = MeetingRoom.objects.filter(is_active=True, location__in=office_locations())
    if location is not None:
        rooms = rooms.filter(location=location)
    return rooms.select_related("location").order_by("location__name", "name")


def rooms_open(*, location, day: date) -> int:
    """How many of a location's rooms are open on a day: its weekday capacity row where set (0 is
    closed), else every active room; never more than the active rooms. Weekends without a row
    are closed."""
    active = MeetingRoom.objects.filter(location=location, is_active=True).count()
    weekday = WEEKDAYS[day.weekday()]
    row = LocationCapacity.objects.filter(location=location, weekday=weekday).first()
    if row is not None:
        return min(row.rooms, active)
    return active if day.weekday() < 5 else 0


def may_see_room_details(user, booking: RoomBooking) -> bool:
    pk = _pk(user)
    if pk is None:
        return False
    if booking.booked_by_id == pk or is_admin(user):
        return True
    return booking.team_id is not None and booking.team_id in own_team_ids(user)


def may_change_room_booking(user, booking: RoomBooking) -> bool:
    pk = _pk(user)
    if pk is None:
        return False
    if booking.booked_by_id == pk or is_admin(user):
        return True
    teams = set()
    if booking.team_id is not None:
        teams.add(booking.team_id)
    if booking.booked_by_id is not None:
        teams |= set(own_team_ids(booking.booked_by))
    return Membership.objects.filter(user_id=pk, team_id__in=teams, role=TeamRole.LEAD).exists()


def room_booking_list(*, user, start: date, end: date, location=None) -> list[dict]:
    """Room bookings from `start` up to `end` (exclusive) as everyone may see them: the room,
    the time and the team; `details` says whether booker and purpose may be shown, `may_change`
    whether the person may move or cancel it. Nothing for someone not signed in."""
    if _pk(user) is None:
        return []
    rows = RoomBooking.objects.filter(
        date__gte=start, date__lt=end, room__in=room_list(location=location)
    ).select_related("room__location", "team", "booked_by")
    return [
        {
            "booking": b,
            "details": may_see_room_details(user, b),
            "may_change": may_change_room_booking(user, b),
        }
        for b in rows.order_by("date", "room__location__name", "room__name", "start")
    ]


def room_booking_get(*, user, pk: int) -> RoomBooking:
    """A booking anyone signed in may see exists (its details are another matter)."""
    from django.http import Http404

    booking = (
        RoomBooking.objects.filter(pk=pk).select_related("room__location").first()
        if _pk(user) is not None
        else None
    )
    if booking is None:
        raise Http404
    return booking


def location_on_day_own(*, user, day: date) -> int | None:
    """Where a person is on a day: their desk booking (which follows the approved plan and their
    own changes), else the office their approved plan gives them."""
    desk = DeskBooking.objects.filter(person_id=_pk(user), date=day).first()
    if desk is not None:
        return desk.location_id
    row = (
        OfficeAssignment.objects.filter(
            person_id=_pk(user), date=day, plan__status=PlanStatus.APPROVED
        )
        .values_list("place", "location_id")
        .first()
    )
    return row[1] if row is not None and row[0] == PlaceKind.OFFICE else None
