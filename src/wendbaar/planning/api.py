"""Planning over the API: my own week (days, reasons, desk, meetings), swaps, desk bookings and
calendars; for managers the week's plan as counts, proposing and approving it."""

from datetime import date, datetime, time, timedelta

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status, UploadedFile

from wendbaar.accounts.auth import api_auth
from wendbaar.common.errors import BusinessRuleError
from wendbaar.planning import calendars, selectors, services
from wendbaar.planning.choices import PlanStatus

router = Router(tags=["planning"], auth=api_auth("planning:read", "planning:write"))
MANAGE = api_auth("planning:manage", "planning:manage")


class EventOut(Schema):
    summary: str
    start: datetime
    end: datetime
    all_day: bool
    busy: bool


class FocusOut(Schema):
    start: datetime
    end: datetime
    protected: bool


class FocusBlockOut(Schema):
    id: int
    start: datetime
    end: datetime
    protected: bool


class LoadOut(Schema):
    meeting_hours: float
    meetings: int
    focus_hours: float
    fragmented_hours: float
    longest_back_to_back: int
    outside_hours_meetings: int
    warnings: list[str]


class BreachOut(Schema):
    code: str
    text: str
    title: str
    start: datetime | None
    value: float
    limit: float


class AsyncOut(Schema):
    title: str
    occurrences: int
    hours: float
    attendees: int
    reason: str
    text: str


class DayOut(Schema):
    date: date
    place: str | None
    location_id: int | None
    location: str | None
    reasons: list[str]
    reason_codes: list[str]
    changed_by_hand: bool
    desk_location_id: int | None
    events: list[EventOut]
    focus: list[FocusOut]
    focus_booked: list[FocusBlockOut]


class WeekOut(Schema):
    week_start: date
    plan_id: int | None
    plan_status: str | None
    days: list[DayOut]
    load: LoadOut
    norm_teams: list[str]
    breaches: list[BreachOut]
    async_candidates: list[AsyncOut]


def _week_out(user, week: date) -> dict:
    from wendbaar.planning.reasons import async_text, breach_text, warning_text

    week = selectors.week_start_of(week)
    ctx = selectors.week_own(user=user, week=week)
    load = selectors.week_load_own(user=user, week=week)
    zone = ctx["zone"]
    days = []
    for row in ctx["days"]:
        a = row["assignment"]
        days.append(
            {
                "date": row["date"],
                "place": a.place if a else None,
                "location_id": a.location_id if a else None,
                "location": a.location.name if a and a.location else None,
                "reasons": row["reasons"],
                "reason_codes": [r.get("code", "") for r in a.reasons] if a else [],
                "changed_by_hand": bool(a and a.changed_by_hand),
                "desk_location_id": row["booking"].location_id if row["booking"] else None,
                "events": row["events"],
                "focus": [
                    b for b in load["focus"] if b.start.astimezone(zone).date() == row["date"]
                ],
                "focus_booked": [
                    b for b in load["booked"] if b.start.astimezone(zone).date() == row["date"]
                ],
            }
        )
    plan = ctx["plan"]
    return {
        "week_start": ctx["week"],
        "plan_id": plan.pk if plan else None,
        "plan_status": plan.status if plan else None,
        "days": days,
        "load": {
            **{
                name: getattr(load["load"], name)
                for name in LoadOut.model_fields
                if name != "warnings"
            },
            "warnings": [warning_text(w) for w in load["warnings"]],
        },
        "norm_teams": load["norm_teams"],
        "breaches": [
            {
                "code": b.code,
                "text": breach_text(b, load["norms"]),
                "title": b.title,
                "start": b.start,
                "value": b.value,
                "limit": b.limit,
            }
            for b in load["breaches"]
        ],
        "async_candidates": [
            {
                "title": a.title,
                "occurrences": a.occurrences,
                "hours": a.hours,
                "attendees": a.attendees,
                "reason": a.reason,
                "text": async_text(a),
            }
            for a in load["async"]
        ],
    }


@router.get("/me/week", response=WeekOut)
def my_week(request, week: date | None = None):
    """Your own week: where you work each day and why, your desk and your meetings."""
    from django.utils import timezone

    return _week_out(request.user, week or timezone.localdate())


class SwapIn(Schema):
    first: date
    second: date


def _own_day(user, day: date):
    plan = selectors.plan_for_week(week_start=selectors.week_start_of(day))
    row = (
        selectors.assignment_list_own(user=user, plan=plan).filter(date=day).first()
        if plan
        else None
    )
    if row is None:
        raise BusinessRuleError(
            _("You have no planned day on %(date)s.") % {"date": day.isoformat()},
            code="no_day",
            status_code=404,
        )
    return row


@router.post("/me/swap", response=WeekOut)
def my_swap(request, payload: SwapIn):
    """Swap two of your days in the week's plan; a swap that breaks a rule answers 409."""
    services.assignment_swap(
        actor=request.user,
        first=_own_day(request.user, payload.first),
        second=_own_day(request.user, payload.second),
    )
    return _week_out(request.user, payload.first)


class DeskIn(Schema):
    date: date
    location_id: int | None = None


@router.post("/me/desk", response=WeekOut)
def my_desk(request, payload: DeskIn):
    """Book a desk for a day by hand, or cancel it (no location)."""
    location = None
    if payload.location_id is not None:
        location = selectors.office_locations().filter(pk=payload.location_id).first()
        if location is None:
            raise Http404
    services.desk_booking_set(actor=request.user, day=payload.date, location=location)
    return _week_out(request.user, payload.date)


class CalendarOut(Schema):
    id: int
    name: str
    kind: str
    status: str
    message: str
    event_count: int
    last_fetched_at: datetime | None


class ImportOut(Schema):
    name: str
    ok: bool
    message: str
    events: int
    notes: list[str]
    calendar_id: int | None


def _import_out(result) -> dict:
    out = {
        "name": result.name,
        "ok": result.ok,
        "message": result.message,
        "events": result.events,
        "notes": result.notes,
        "calendar_id": result.source.pk if result.source else None,
    }
    if not result.ok:
        raise BusinessRuleError(result.message, code="calendar_unreadable", status_code=400)
    return out


@router.get("/me/calendars", response=list[CalendarOut])
def my_calendars(request):
    return list(selectors.calendar_source_list(user=request.user))


class SubscribeIn(Schema):
    url: str
    name: str = ""


@router.post("/me/calendars/subscribe", response={201: ImportOut})
def my_calendar_subscribe(request, payload: SubscribeIn):
    """Subscribe to an ICS address (http, https or webcal); it is read at once."""
    result = services.calendar_subscribe(
        actor=request.user, person=request.user, url=payload.url, name=payload.name[:120]
    )
    return Status(201, _import_out(result))


@router.post("/me/calendars/upload", response={201: ImportOut})
def my_calendar_upload(request, file: File[UploadedFile], name: Form[str] = ""):
    """Upload an iCalendar file; a file with the same name replaces its earlier events."""
    if file.size and file.size > calendars.max_bytes():
        raise BusinessRuleError(calendars._too_large(calendars.max_bytes()), status_code=413)
    result = services.calendar_import_file(
        actor=request.user,
        person=request.user,
        name=(name or file.name or "agenda.ics")[:255],
        data=file.read(),
    )
    return Status(201, _import_out(result))


# -- my work pattern -----------------------------------------------------------------------


class PatternIn(Schema):
    preferred_office_days: list[str] = []
    unavailable_office_days: list[str] = []
    core_start: time | None = None
    core_end: time | None = None
    reachable_hours: dict[str, list[str]] = {}


class PatternOut(PatternIn):
    contract_days: list[str]
    min_office_days: int
    max_office_days: int
    fixed_office_days: list[str]


@router.get("/me/pattern", response=PatternOut)
def my_pattern(request):
    """Your work pattern (the office-day minimum, maximum and fixed days are the admin's)."""
    from wendbaar.planning.models import WorkPattern

    return selectors.work_pattern_own(user=request.user) or WorkPattern(person=request.user)


@router.put("/me/pattern", response=PatternOut)
def my_pattern_set(request, payload: PatternIn):
    """Change your preferred and unavailable office days, core hours and reachable hours; a
    value outside the administrator's rules answers 400 and changes nothing."""
    from django.core.exceptions import ValidationError

    try:
        return services.work_pattern_update_own(actor=request.user, **payload.dict())
    except ValidationError as exc:
        raise BusinessRuleError(
            " ".join(" ".join(v) for v in exc.message_dict.values()),
            code="invalid_pattern",
            status_code=400,
        ) from None


# -- focus time ----------------------------------------------------------------------------


class FocusPreferencesSchema(Schema):
    block_minutes: int = 120
    blocks_per_day: int = 2
    prefer: str = "morning"


@router.get("/me/focus/preferences", response=FocusPreferencesSchema)
def my_focus_preferences(request):
    return selectors.focus_preferences_own(user=request.user)


@router.put("/me/focus/preferences", response=FocusPreferencesSchema)
def my_focus_preferences_set(request, payload: FocusPreferencesSchema):
    """Set your focus preferences; a bad value answers 400 and changes nothing."""
    from django.core.exceptions import ValidationError

    try:
        return services.focus_preferences_set(actor=request.user, **payload.dict())
    except ValidationError as exc:
        raise BusinessRuleError(
            " ".join(" ".join(v) for v in exc.message_dict.values()),
            code="invalid_preferences",
            status_code=400,
        ) from None


@router.get("/me/focus/proposals", response=list[FocusOut])
def my_focus_proposals(request, week: date | None = None):
    """Focus blocks Wendbaar proposes for a week around your meetings (nothing is booked)."""
    from django.utils import timezone

    week = selectors.week_start_of(week or timezone.localdate())
    return selectors.week_load_own(user=request.user, week=week)["focus"]


@router.get("/me/focus/blocks", response=list[FocusBlockOut])
def my_focus_blocks(request, week: date | None = None):
    """Your booked focus blocks (of one week, or all)."""
    if week is None:
        return list(selectors.focus_block_list_own(user=request.user))
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    from wendbaar.accounts.selectors import organisation_get

    start = datetime.combine(
        selectors.week_start_of(week), time(), tzinfo=ZoneInfo(organisation_get().time_zone)
    )
    return list(
        selectors.focus_block_list_own(user=request.user, start=start, end=start + timedelta(7))
    )


class FocusBookIn(Schema):
    start: datetime
    end: datetime


@router.post("/me/focus/blocks", response={201: FocusBlockOut})
def my_focus_book(request, payload: FocusBookIn):
    """Book a focus block; one that overlaps a meeting or another block answers 409."""
    return Status(
        201, services.focus_block_book(actor=request.user, start=payload.start, end=payload.end)
    )


@router.delete("/me/focus/blocks/{int:block_id}", response={204: None})
def my_focus_remove(request, block_id: int):
    block = selectors.focus_block_get_own(user=request.user, pk=block_id)
    services.focus_block_remove(actor=request.user, block=block)
    return Status(204, None)


# -- meeting norms -------------------------------------------------------------------------


class QuietWindowSchema(Schema):
    day: str
    start: str
    end: str


class NormsIn(Schema):
    quiet_windows: list[QuietWindowSchema] = []
    max_meeting_hours_week: float = 25
    short_meeting_minutes: int = 25
    long_meeting_minutes: int = 50
    agenda_required: bool = True
    agenda_from_attendees: int = 3
    status_as_async: bool = True
    max_back_to_back: int = 3


class NormsOut(NormsIn):
    team_id: int
    team: str
    agreed: bool
    may_edit: bool


def _norms_out(row) -> dict:
    from decimal import Decimal

    from wendbaar.planning.models import TeamNorms

    norms = row["norms"] or TeamNorms(
        quiet_windows=[{"day": "wed", "start": "08:00", "end": "12:00"}]
    )
    out = {name: getattr(norms, name) for name in services.NORM_FIELDS}
    out["max_meeting_hours_week"] = float(Decimal(out["max_meeting_hours_week"]))
    return {
        **out,
        "team_id": row["team"].pk,
        "team": row["team"].name,
        "agreed": row["norms"] is not None,
        "may_edit": row["may_edit"],
    }


@router.get("/norms", response=list[NormsOut])
def norms_list(request):
    """The meeting norms of your teams (the defaults where a team agreed none)."""
    return [_norms_out(row) for row in selectors.norms_team_list(user=request.user)]


@router.put("/norms/{int:team_id}", response=NormsOut)
def norms_set(request, team_id: int, payload: NormsIn):
    """Set a team's meeting norms (its lead or an administrator); a bad value answers 400 and
    changes nothing."""
    from decimal import Decimal

    from django.core.exceptions import ValidationError

    row = selectors.norms_team_get(user=request.user, pk=team_id)
    values = payload.dict()
    values["max_meeting_hours_week"] = Decimal(str(values["max_meeting_hours_week"]))
    try:
        services.team_norms_set(actor=request.user, team=row["team"], **values)
    except ValidationError as exc:
        raise BusinessRuleError(
            " ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items()),
            code="invalid_norms",
            status_code=400,
        ) from None
    return _norms_out(selectors.norms_team_get(user=request.user, pk=team_id))


# -- managers --------------------------------------------------------------------------------


class TeamDayOut(Schema):
    office: int
    home: int
    off: int


class TeamFiguresOut(Schema):
    team_id: int
    team: str
    size: int
    days: list[TeamDayOut]


class LocationDayOut(Schema):
    taken: int
    capacity: int


class LocationFiguresOut(Schema):
    location_id: int
    location: str
    days: list[LocationDayOut]


class PlanOut(Schema):
    id: int
    week_start: date
    status: str
    objective: float | None
    bound: float | None
    message: str
    days: list[date]
    teams: list[TeamFiguresOut]
    locations: list[LocationFiguresOut]
    hand_changes: int


def _plan_out(user, plan) -> dict:
    out = {
        "id": plan.pk,
        "week_start": plan.week_start,
        "status": plan.status,
        "objective": plan.objective,
        "bound": plan.bound,
        "message": plan.message,
        "days": [],
        "teams": [],
        "locations": [],
        "hand_changes": 0,
    }
    if not selectors.may_see_figures(user):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    if plan.status in (PlanStatus.PROPOSED, PlanStatus.APPROVED):
        f = selectors.plan_figures(user=user, plan=plan)
        out.update(
            days=f["days"],
            hand_changes=f["hand_changes"],
            teams=[
                {
                    "team_id": r["team"].pk,
                    "team": r["team"].name,
                    "size": r["size"],
                    "days": r["days"],
                }
                for r in f["teams"]
            ],
            locations=[
                {"location_id": r["location"].pk, "location": r["location"].name, "days": r["days"]}
                for r in f["locations"]
            ],
        )
    return out


@router.get("/plans/{week_start}", response=PlanOut, auth=MANAGE)
def plan_detail(request, week_start: date):
    """The week's plan as counts per team, day and location (team leads and managers)."""
    plan = selectors.plan_for_week(week_start=selectors.week_start_of(week_start))
    if plan is None:
        raise Http404
    return _plan_out(request.user, plan)


class ProposeIn(Schema):
    week_start: date


@router.post("/plans", response={202: PlanOut}, auth=MANAGE)
def plan_propose(request, payload: ProposeIn):
    """Ask for a plan of the week (a Monday); it is solved in the background (status "solving")."""
    plan = services.plan_propose(actor=request.user, week_start=payload.week_start)
    plan.refresh_from_db()
    return Status(202, _plan_out(request.user, plan))


@router.post("/plans/{int:plan_id}/approve", response=PlanOut, auth=MANAGE)
def plan_approve(request, plan_id: int):
    plan = selectors.plan_get(pk=plan_id)
    services.plan_approve(actor=request.user, plan=plan)
    plan.refresh_from_db()
    return _plan_out(request.user, plan)


# -- meeting rooms -----------------------------------------------------------------------------


class RoomOut(Schema):
    id: int
    name: str
    seats: int
    location_id: int
    location: str


class RoomBookingOut(Schema):
    id: int
    room_id: int
    room: str
    location_id: int
    date: date
    start: time
    end: time
    team: str | None
    source: str
    # Only for the booker, the members of the booking's team and administrators; else null.
    booked_by: str | None
    purpose: str | None
    attendees: int | None
    may_change: bool
    warnings: list[str] = []


class RoomBookingIn(Schema):
    room_id: int
    date: date
    start: time
    end: time
    attendees: int = 1
    purpose: str = ""
    team_id: int | None = None


_Date, _Time = date, time  # the field names below shadow the types


class RoomMoveIn(Schema):
    room_id: int | None = None
    date: _Date | None = None
    start: _Time | None = None
    end: _Time | None = None
    attendees: int | None = None


def _room_booking_out(user, booking, warnings=()) -> dict:
    details = selectors.may_see_room_details(user, booking)
    return {
        "id": booking.pk,
        "room_id": booking.room_id,
        "room": booking.room.name,
        "location_id": booking.room.location_id,
        "date": booking.date,
        "start": booking.start,
        "end": booking.end,
        "team": booking.team.name if booking.team_id else None,
        "source": booking.source,
        "booked_by": str(booking.booked_by) if details and booking.booked_by_id else None,
        "purpose": booking.purpose if details else None,
        "attendees": booking.attendees if details else None,
        "may_change": selectors.may_change_room_booking(user, booking),
        "warnings": list(warnings),
    }


def _room(room_id: int):
    room = selectors.room_list().filter(pk=room_id).first()
    if room is None:
        raise Http404
    return room


@router.get("/rooms", response=list[RoomOut])
def rooms(request, location_id: int | None = None):
    """The meeting rooms at the offices and hubs."""
    return [
        {
            "id": r.pk,
            "name": r.name,
            "seats": r.seats,
            "location_id": r.location_id,
            "location": r.location.name,
        }
        for r in selectors.room_list().filter(
            **({"location_id": location_id} if location_id else {})
        )
    ]


@router.get("/rooms/bookings", response=list[RoomBookingOut])
def room_bookings(request, start: date, end: date | None = None, location_id: int | None = None):
    """Which rooms are taken when, from `start` up to `end` (default: that day). Who booked a
    room and what for only shows for your own bookings, your teams' and (for admins) all."""
    location = None
    if location_id is not None:
        location = selectors.office_locations().filter(pk=location_id).first()
        if location is None:
            raise Http404
    rows = selectors.room_booking_list(
        user=request.user, start=start, end=end or start + timedelta(days=1), location=location
    )
    return [_room_booking_out(request.user, row["booking"]) for row in rows]


@router.post("/rooms/bookings", response={201: RoomBookingOut})
def room_book(request, payload: RoomBookingIn):
    """Book a room; 409 when it is taken or too small, 400 for a closed day or time; a warning
    (not a refusal) when you are not at that location that day."""
    team = None
    if payload.team_id is not None:
        from wendbaar.accounts.models import Team

        team = Team.objects.filter(pk=payload.team_id).first()
        if team is None:
            raise Http404
    result = services.room_book(
        actor=request.user,
        room=_room(payload.room_id),
        day=payload.date,
        start=payload.start,
        end=payload.end,
        attendees=payload.attendees,
        purpose=payload.purpose,
        team=team,
    )
    return Status(201, _room_booking_out(request.user, result.booking, result.warnings))


@router.patch("/rooms/bookings/{int:booking_id}", response=RoomBookingOut)
def room_move(request, booking_id: int, payload: RoomMoveIn):
    """Move a booking to another room, day or time (booker, their team lead or an admin)."""
    booking = selectors.room_booking_get(user=request.user, pk=booking_id)
    result = services.room_booking_move(
        actor=request.user,
        booking=booking,
        room=_room(payload.room_id) if payload.room_id else None,
        day=payload.date,
        start=payload.start,
        end=payload.end,
        attendees=payload.attendees,
    )
    return _room_booking_out(request.user, result.booking, result.warnings)


@router.delete("/rooms/bookings/{int:booking_id}", response={204: None})
def room_cancel(request, booking_id: int):
    """Cancel a booking (booker, their team lead or an admin)."""
    booking = selectors.room_booking_get(user=request.user, pk=booking_id)
    services.room_booking_cancel(actor=request.user, booking=booking)
    return Status(204, None)
