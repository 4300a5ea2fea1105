"""Planning in the browser: my week (own days, meetings, desk), my calendars, and the team plan
for managers (counts only)."""

from datetime import date, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wendbaar.common.errors import BusinessRuleError
from wendbaar.planning import calendars, forms, selectors, services
from wendbaar.planning.choices import PlanStatus
from wendbaar.planning.reasons import async_text, breach_text, warning_text


def _week(request) -> date:
    value = request.GET.get("week") or request.POST.get("week") or ""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        day = timezone.localdate() + timedelta(days=2)  # from Saturday on, show next week
    return selectors.week_start_of(day)


def _week_url(name: str, week: date) -> str:
    return f"{reverse(name)}?week={week.isoformat()}"


def my_week_context(user, week: date) -> dict:
    ctx = selectors.week_own(user=user, week=week)
    plan = ctx["plan"]
    load = selectors.week_load_own(user=user, week=week)
    zone = ctx["zone"]
    for row in ctx["days"]:
        row["focus"] = [b for b in load["focus"] if b.start.astimezone(zone).date() == row["date"]]
        row["booked"] = [
            b for b in load["booked"] if b.start.astimezone(zone).date() == row["date"]
        ]
    return {
        **ctx,
        "previous": week - timedelta(days=7),
        "next": week + timedelta(days=7),
        "swappable": ctx["in_plan"] and plan.status in (PlanStatus.PROPOSED, PlanStatus.APPROVED),
        "swap_form": forms.SwapForm(assignments=ctx["assignments"]),
        "locations": list(selectors.office_locations()),
        "pattern": selectors.work_pattern_own(user=user),
        "agreements": selectors.agreement_list_own(user=user),
        "may_see_figures": selectors.may_see_figures(user),
        "load": load["load"],
        "warnings": [warning_text(w) for w in load["warnings"]],
        "focus_count": len(load["focus"]),
        "norms": load["norms"],
        "norm_teams": load["norm_teams"],
        "breaches": [
            {"breach": b, "text": breach_text(b, load["norms"])} for b in load["breaches"]
        ],
        "async_candidates": [{"item": a, "text": async_text(a)} for a in load["async"]],
    }


# Booked focus blocks in the iCalendar export: from this many weeks back on.
FOCUS_ICS_WEEKS_BACK = 8


@login_required
def focus_ics(request):
    """My booked focus blocks as an iCalendar file, at one stable address (import or subscribe)."""
    from django.http import HttpResponse

    from wendbaar.planning import focus

    since = timezone.now() - timedelta(weeks=FOCUS_ICS_WEEKS_BACK)
    blocks = [
        focus.FocusBlock(b.start, b.end, b.protected)
        for b in selectors.focus_block_list_own(user=request.user, start=since)
    ]
    response = HttpResponse(
        focus.to_ics(blocks, title=_("Focus time")), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="wendbaar-focus.ics"'
    return response


@login_required
def focus_preferences(request):
    """My focus preferences: how long, how many a day, and when."""
    from django.core.exceptions import ValidationError

    prefs = selectors.focus_preferences_own(user=request.user)
    form = forms.FocusPreferencesForm(
        request.POST or None,
        initial={
            "block_minutes": prefs.block_minutes,
            "blocks_per_day": prefs.blocks_per_day,
            "prefer": prefs.prefer,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.focus_preferences_set(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Your focus preferences are saved."))
            return redirect("planning:home")
    return render(request, "planning/focus_preferences.html", {"form": form})


@login_required
@require_POST
def focus_book(request):
    week = _week(request)
    form = forms.FocusBookForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a focus block to book."))
    else:
        try:
            services.focus_block_book(actor=request.user, **form.cleaned_data)
        except BusinessRuleError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Focus block booked."))
    return redirect(_week_url("planning:home", week))


@login_required
@require_POST
def focus_remove(request, pk: int):
    block = selectors.focus_block_get_own(user=request.user, pk=pk)
    week = selectors.week_start_of(timezone.localtime(block.start).date())
    services.focus_block_remove(actor=request.user, block=block)
    messages.success(request, _("Focus block removed."))
    return redirect(_week_url("planning:home", week))


@login_required
def home(request):
    """Mijn week."""
    return render(request, "planning/my_week.html", my_week_context(request.user, _week(request)))


@login_required
@require_POST
def swap(request):
    week = _week(request)
    plan = selectors.plan_for_week(week_start=week)
    own = list(selectors.assignment_list_own(user=request.user, plan=plan)) if plan else []
    form = forms.SwapForm(request.POST, assignments=own)
    if not form.is_valid():
        messages.error(request, _("Choose two of your days to swap."))
    else:
        try:
            services.assignment_swap(
                actor=request.user,
                first=selectors.assignment_get_own(
                    user=request.user, pk=form.cleaned_data["first"]
                ),
                second=selectors.assignment_get_own(
                    user=request.user, pk=form.cleaned_data["second"]
                ),
            )
        except BusinessRuleError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Days swapped."))
    return redirect(_week_url("planning:home", week))


@login_required
@require_POST
def booking(request):
    week = _week(request)
    form = forms.BookingForm(request.POST, locations=selectors.office_locations())
    if not form.is_valid():
        messages.error(request, _("Choose a location or no desk."))
        return redirect(_week_url("planning:home", week))
    location = (
        selectors.office_locations().filter(pk=form.cleaned_data["location"]).first()
        if form.cleaned_data["location"]
        else None
    )
    try:
        services.desk_booking_set(
            actor=request.user, day=form.cleaned_data["date"], location=location
        )
    except BusinessRuleError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Desk booking saved.") if location else _("Desk booking cancelled.")
        )
    return redirect(_week_url("planning:home", week))


# -- calendars -------------------------------------------------------------------------------


@login_required
def calendar_list(request):
    return render(
        request,
        "planning/calendar_list.html",
        {
            "sources": selectors.calendar_source_list(user=request.user),
            "upload_form": forms.CalendarUploadForm(),
            "subscribe_form": forms.CalendarSubscribeForm(),
            "max_bytes": calendars.max_bytes(),
        },
    )


def _report(request, result) -> None:
    if result.ok:
        messages.success(request, f"{result.name}: {result.message}")
        for note in result.notes[:3]:
            messages.info(request, f"{result.name}: {note}")
    else:
        messages.error(request, f"{result.name}: {result.message}")


@login_required
@require_POST
def calendar_upload(request):
    form = forms.CalendarUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose an iCalendar file."))
        return redirect("planning:calendars")
    upload = form.cleaned_data["file"]
    if upload.size > calendars.max_bytes():
        messages.error(request, calendars._too_large(calendars.max_bytes()))
        return redirect("planning:calendars")
    result = services.calendar_import_file(
        actor=request.user, person=request.user, name=upload.name[:255], data=upload.read()
    )
    _report(request, result)
    return redirect("planning:calendars")


@login_required
@require_POST
def calendar_subscribe(request):
    form = forms.CalendarSubscribeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the address of the calendar."))
        return redirect("planning:calendars")
    result = services.calendar_subscribe(
        actor=request.user,
        person=request.user,
        url=form.cleaned_data["url"],
        name=form.cleaned_data["name"],
    )
    _report(request, result)
    return redirect("planning:calendars")


@login_required
@require_POST
def calendar_refresh(request, pk: int):
    source = selectors.calendar_source_get(user=request.user, pk=pk)
    try:
        _report(request, services.calendar_refresh(actor=request.user, source=source))
    except BusinessRuleError as exc:
        messages.error(request, exc.message)
    return redirect("planning:calendars")


@login_required
@require_POST
def calendar_remove(request, pk: int):
    source = selectors.calendar_source_get(user=request.user, pk=pk)
    services.calendar_remove(actor=request.user, source=source)
    messages.success(request, _("Calendar removed."))
    return redirect("planning:calendars")


# -- the plan, for managers ------------------------------------------------------------------


def _require_figures(user) -> None:
    if not selectors.may_see_figures(user):
        raise PermissionDenied


@login_required
def plan(request):
    """The week's plan as counts per team, day and location; no names."""
    _require_figures(request.user)
    week = _week(request)
    office_plan = selectors.plan_for_week(week_start=week)
    return render(
        request,
        "planning/plan.html",
        {
            "week": week,
            "previous": week - timedelta(days=7),
            "next": week + timedelta(days=7),
            "plan": office_plan,
            "figures": selectors.plan_figures(user=request.user, plan=office_plan)
            if office_plan and office_plan.status in (PlanStatus.PROPOSED, PlanStatus.APPROVED)
            else None,
            "may_manage": selectors.may_manage_plans(request.user),
            "rules": selectors.rule_list(user=request.user),
            "team_loads": selectors.team_load_figures(user=request.user, week=week),
        },
    )


@login_required
def plan_status(request, pk: int):
    """Polled while the solver works; reloads the page when it is done."""
    _require_figures(request.user)
    office_plan = selectors.plan_get(pk=pk)
    response = render(request, "planning/plan.html#status", {"plan": office_plan})
    if request.htmx and office_plan.status != PlanStatus.SOLVING:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def plan_propose(request):
    week = _week(request)
    try:
        services.plan_propose(
            actor=request.user,
            week_start=week,
            # Seconds the solver may take (a deployment with many people may give it more).
            time_limit=float(getattr(settings, "PLANNING_SOLVE_SECONDS", 20.0)),
        )
    except BusinessRuleError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The planner is at work; this page shows when it is done."))
    return redirect(_week_url("planning:plan", week))


@login_required
@require_POST
def plan_approve(request, pk: int):
    office_plan = selectors.plan_get(pk=pk)
    try:
        booked = services.plan_approve(actor=request.user, plan=office_plan)
    except BusinessRuleError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Plan approved; %(n)s desk bookings follow from it.") % {"n": booked}
        )
    return redirect(_week_url("planning:plan", office_plan.week_start))


# -- meeting norms ---------------------------------------------------------------------------


@login_required
def norms(request):
    """The meeting norms of my teams; their lead (or an administrator) changes them."""
    return render(
        request, "planning/norms.html", {"rows": selectors.norms_team_list(user=request.user)}
    )


def _norms_initial(team_norms) -> dict:
    from wendbaar.planning.models import TeamNorms

    source = team_norms or TeamNorms()
    initial = {name: getattr(source, name) for name in services.NORM_FIELDS}
    initial["quiet_windows"] = forms.quiet_windows_text(
        source.quiet_windows if team_norms else [{"day": "wed", "start": "08:00", "end": "12:00"}]
    )
    return initial


@login_required
def norms_edit(request, pk: int):
    from django.core.exceptions import ValidationError

    row = selectors.norms_team_get(user=request.user, pk=pk)
    if not row["may_edit"]:
        raise PermissionDenied
    form = forms.TeamNormsForm(request.POST or None, initial=_norms_initial(row["norms"]))
    if request.method == "POST" and form.is_valid():
        try:
            services.team_norms_set(actor=request.user, team=row["team"], **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        except BusinessRuleError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("The meeting norms of %(team)s are saved.") % {"team": row["team"]}
            )
            return redirect("planning:norms")
    return render(request, "planning/norms_edit.html", {"row": row, "form": form})


# -- my work pattern -------------------------------------------------------------------------


@login_required
def work_pattern(request):
    """The parts of my work pattern I set myself; the office-day minimum and maximum, fixed
    days and locations stay as the administrator set them."""
    from django.core.exceptions import ValidationError

    pattern = selectors.work_pattern_own(user=request.user)
    form = forms.WorkPatternForm(
        request.POST or None, pattern=pattern, initial=forms.WorkPatternForm.initial_for(pattern)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.work_pattern_update_own(
                actor=request.user,
                preferred_office_days=data["preferred_office_days"],
                unavailable_office_days=data["unavailable_office_days"],
                core_start=data["core_start"],
                core_end=data["core_end"],
                reachable_hours=data["reachable_hours"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Your work pattern is saved."))
            return redirect("planning:home")
    return render(request, "planning/work_pattern.html", {"form": form, "pattern": pattern})


# -- meeting rooms -------------------------------------------------------------------------------


def _room_day(request) -> date:
    value = request.GET.get("date") or request.POST.get("return_date") or ""
    try:
        return date.fromisoformat(value)
    except ValueError:
        return timezone.localdate()


def _rooms_url(day: date) -> str:
    return f"{reverse('planning:rooms')}?date={day.isoformat()}"


def _room_messages(request, result, text) -> None:
    messages.success(request, text)
    for warning in result.warnings:
        messages.warning(request, warning)


@login_required
def rooms(request):
    """The meeting rooms of a day: which are taken when (details only where one may see them),
    booking a room, and moving or cancelling the bookings one may change."""
    from wendbaar.accounts.models import Team

    day = _room_day(request)
    room_rows = list(selectors.room_list())
    bookings = selectors.room_booking_list(
        user=request.user, start=day, end=day + timedelta(days=1)
    )
    by_room = {}
    for row in bookings:
        by_room.setdefault(row["booking"].room_id, []).append(row)
    teams = Team.objects.filter(pk__in=selectors.own_team_ids(request.user)).order_by("name")
    return render(
        request,
        "planning/rooms.html",
        {
            "day": day,
            "previous": day - timedelta(days=1),
            "next": day + timedelta(days=1),
            "rooms": [{"room": r, "bookings": by_room.get(r.pk, [])} for r in room_rows],
            "form": forms.RoomBookingForm(initial={"date": day}, rooms=room_rows, teams=teams),
            "room_choices": room_rows,
        },
    )


@login_required
@require_POST
def room_book(request):
    from wendbaar.accounts.models import Team

    room_rows = list(selectors.room_list())
    teams = Team.objects.filter(pk__in=selectors.own_team_ids(request.user))
    form = forms.RoomBookingForm(request.POST, rooms=room_rows, teams=teams)
    day = _room_day(request)
    if not form.is_valid():
        messages.error(request, _("Choose a room, a date and a time from and until."))
        return redirect(_rooms_url(day))
    data = form.cleaned_data
    try:
        result = services.room_book(
            actor=request.user,
            room=next(r for r in room_rows if r.pk == data["room"]),
            day=data["date"],
            start=data["start"],
            end=data["end"],
            attendees=data["attendees"],
            purpose=data["purpose"],
            team=teams.filter(pk=data["team"]).first() if data["team"] else None,
        )
    except BusinessRuleError as exc:
        messages.error(request, exc.message)
    else:
        _room_messages(request, result, _("Room booked."))
        day = data["date"]
    return redirect(_rooms_url(day))


@login_required
@require_POST
def room_move(request, pk: int):
    booking = selectors.room_booking_get(user=request.user, pk=pk)
    room_rows = list(selectors.room_list())
    form = forms.RoomMoveForm(request.POST, rooms=room_rows)
    day = _room_day(request)
    if not form.is_valid():
        messages.error(request, _("Choose a room, a date and a time from and until."))
        return redirect(_rooms_url(day))
    data = form.cleaned_data
    try:
        result = services.room_booking_move(
            actor=request.user,
            booking=booking,
            room=next(r for r in room_rows if r.pk == data["room"]),
            day=data["date"],
            start=data["start"],
            end=data["end"],
        )
    except BusinessRuleError as exc:
        messages.error(request, exc.message)
    else:
        _room_messages(request, result, _("Room booking moved."))
        day = data["date"]
    return redirect(_rooms_url(day))


@login_required
@require_POST
def room_cancel(request, pk: int):
    booking = selectors.room_booking_get(user=request.user, pk=pk)
    day = booking.date
    try:
        services.room_booking_cancel(actor=request.user, booking=booking)
    except BusinessRuleError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Room booking cancelled."))
    return redirect(_rooms_url(day))
