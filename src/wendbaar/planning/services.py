"""Writing planning data: calendars in, office-day plans out, swaps, approval and desk bookings."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import time

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wendbaar.accounts.selectors import organisation_get
from wendbaar.audit.services import audit_log
from wendbaar.common.errors import BusinessRuleError
from wendbaar.planning import calendars
from wendbaar.planning.choices import (
    WEEKDAYS,
    BookingSource,
    FetchStatus,
    PlaceKind,
    PlanStatus,
    SourceKind,
)
from wendbaar.planning.instance import key_pk, location_key, person_key, week_dates
from wendbaar.planning.models import (
    CalendarEvent,
    CalendarSource,
    DeskBooking,
    FocusBlock,
    FocusPreferences,
    MeetingRoom,
    OfficeAssignment,
    OfficePlan,
    RoomBooking,
    TeamNorms,
    WorkPattern,
)

# -- calendars ---------------------------------------------------------------------------------


@dataclass
class CalendarImportResult:
    """What importing one calendar did, for a per-file line in the UI or on the command line."""

    name: str
    ok: bool
    message: str
    events: int = 0
    notes: list[str] = field(default_factory=list)
    source: CalendarSource | None = None


def calendar_window() -> calendars.Window:
    """8 weeks back and 26 ahead, in the organisation's time zone."""
    return calendars.Window.around(timezone.now(), zone=organisation_get().time_zone)


def _read(connector, window) -> tuple[calendars.CalendarRead | None, str]:
    try:
        return connector.read(window), ""
    except calendars.CalendarError as exc:
        return None, exc.message
    except Exception as exc:  # a connector must never take the import down with it
        return None, _("The calendar could not be read (%(error)s).") % {
            "error": type(exc).__name__
        }


def calendar_import(
    *,
    actor,
    person,
    connector,
    kind: str = SourceKind.FILE,
    url: str = "",
    window: calendars.Window | None = None,
    dry_run: bool = False,
) -> CalendarImportResult:
    """Read one calendar and replace the events of the person's source of that name with it.

    The calendar is read before anything is written; the events are replaced in one
    transaction, so a re-import never duplicates and a failed read leaves the old events in
    place (an existing source records the failure; a new one is not created)."""
    if actor is not None and actor.pk != person.pk:
        raise BusinessRuleError(
            _("You can only import calendars into your own planning."), status_code=403
        )
    name = (connector.name or url or "agenda")[:255]
    read, error = _read(connector, window or calendar_window())
    if dry_run:
        return CalendarImportResult(
            name=name,
            ok=read is not None,
            message=error or _("%(n)s events read.") % {"n": len(read.occurrences)},
            events=len(read.occurrences) if read else 0,
            notes=read.notes if read else [],
        )
    now = timezone.now()
    with transaction.atomic():
        source = CalendarSource.objects.select_for_update().filter(person=person, name=name).first()
        if read is None:
            if source is not None:
                source.status = FetchStatus.FAILED
                source.message = error
                source.last_fetched_at = now
                source.save(update_fields=["status", "message", "last_fetched_at"])
                audit_log(
                    actor=actor,
                    action="planning.calendar_failed",
                    target=source,
                    data={"error": error[:300]},
                )
            return CalendarImportResult(name=name, ok=False, message=error, source=source)
        if source is None:
            source = CalendarSource.objects.create(person=person, name=name, kind=kind, url=url)
        elif url and source.url != url:
            source.url = url
        source.events.all().delete()
        CalendarEvent.objects.bulk_create(
            CalendarEvent(
                source=source,
                person=person,
                uid=o.uid,
                summary=o.summary,
                location=o.location,
                start=o.start,
                end=o.end,
                all_day=o.all_day,
                recurring=o.recurring,
                busy=o.busy,
                attendee_count=o.attendee_count,
                has_agenda=o.has_agenda,
            )
            for o in read.occurrences
        )
        message = _("%(n)s events read.") % {"n": len(read.occurrences)}
        source.status = FetchStatus.OK
        source.message = "\n".join([message, *read.notes])
        source.event_count = len(read.occurrences)
        source.last_fetched_at = now
        source.save()
        audit_log(
            actor=actor,
            action="planning.calendar_imported",
            target=source,
            data={"events": len(read.occurrences), "kind": kind},
        )
    return CalendarImportResult(
        name=name,
        ok=True,
        message=message,
        events=len(read.occurrences),
        notes=read.notes,
        source=source,
    )


def calendar_import_file(*, actor, person, name: str, data: bytes, **kwargs):
    """An uploaded or local iCalendar file."""
    return calendar_import(
        actor=actor,
        person=person,
        connector=calendars.IcsFile(name=name, data=data),
        kind=SourceKind.FILE,
        **kwargs,
    )


def calendar_subscribe(*, actor, person, url: str, name: str = "", **kwargs):
    """An ICS subscription URL; the address is checked before anything is fetched."""
    try:
        url = calendars.normalise_url(url)
    except calendars.CalendarError as exc:
        return CalendarImportResult(name=name or url[:80], ok=False, message=exc.message)
    name = name.strip() or calendars.display_url(url)
    return calendar_import(
        actor=actor,
        person=person,
        connector=calendars.IcsSubscription(name=name, url=url),
        kind=SourceKind.URL,
        url=url,
        **kwargs,
    )


def calendar_refresh(*, actor, source: CalendarSource) -> CalendarImportResult:
    """Fetch a subscription again (files are refreshed by uploading them again)."""
    if source.kind != SourceKind.URL:
        raise BusinessRuleError(_("Upload the file again to refresh it."), status_code=400)
    return calendar_import(
        actor=actor,
        person=source.person,
        connector=calendars.IcsSubscription(name=source.name, url=source.url),
        kind=SourceKind.URL,
        url=source.url,
    )


@transaction.atomic
def calendar_remove(*, actor, source: CalendarSource) -> None:
    """Remove a calendar and its events."""
    if actor is not None and actor.pk != source.person_id:
        raise BusinessRuleError(_("This is not your calendar."), status_code=403)
    audit_log(actor=actor, action="planning.calendar_removed", target=source)
    source.delete()


# -- office-day plans --------------------------------------------------------------------------


def _require_manager(actor) -> None:
    from wendbaar.planning.selectors import may_manage_plans

    if not may_manage_plans(actor):
        raise BusinessRuleError(
            _("Only managers propose and approve office plans."),
            code="not_manager",
            status_code=403,
        )


def plan_propose(*, actor, week_start, time_limit: float = 20.0) -> OfficePlan:
    """Ask the planner for a week's plan; it is solved in the background (`plan_solve_task`).

    A proposed (or failed) plan of the week is planned again, keeping the days people swapped by
    hand as the starting point; an approved plan stays as it is."""
    from wendbaar.planning.selectors import week_start_of
    from wendbaar.planning.tasks import plan_solve_task

    _require_manager(actor)
    if week_start != week_start_of(week_start):
        raise BusinessRuleError(_("A plan starts on a Monday."), code="not_monday", status_code=400)
    with transaction.atomic():
        plan, created = OfficePlan.objects.select_for_update().get_or_create(
            week_start=week_start, defaults={"created_by": actor}
        )
        if not created:
            if plan.status == PlanStatus.APPROVED:
                raise BusinessRuleError(
                    _("The plan of this week is approved already."), code="approved"
                )
            if plan.status == PlanStatus.SOLVING:
                return plan
        plan.status = PlanStatus.SOLVING
        plan.message = ""
        plan.created_by = actor
        plan.save(update_fields=["status", "message", "created_by"])
        audit_log(actor=actor, action="planning.plan_requested", target=plan)
        transaction.on_commit(
            lambda: plan_solve_task.enqueue(plan_id=plan.pk, time_limit=time_limit)
        )
    return plan


def _conflict_summary(reasons: list[dict]) -> str:
    """Why no plan exists, for a manager: rules and locations by name, people only counted."""
    from wendbaar.planning.reasons import violation_text

    personal = [r for r in reasons if r.get("person")]
    lines = [violation_text(r) for r in reasons if not r.get("person")][:10]
    if personal:
        lines.append(
            _("%(n)s work pattern(s) cannot be met as they are (see the Django admin).")
            % {"n": len({r["person"] for r in personal})}
        )
    return "\n".join(lines)


def plan_solve(*, plan_id: int, time_limit: float = 20.0) -> bool:
    """Run the solver for a plan that waits for it and store the result with the reasons of
    each choice. Safe to run twice: a plan not waiting is left alone."""
    from wendbaar.planning import solver
    from wendbaar.planning.instance import build_instance, people_of

    plan = OfficePlan.objects.filter(pk=plan_id, status=PlanStatus.SOLVING).first()
    if plan is None:
        return False
    instance, notes = build_instance(week_start=plan.week_start, today=timezone.localdate())
    hint = _current_assignments(plan, instance) if plan.assignments.exists() else None
    try:
        result = solver.solve(instance, time_limit=time_limit, hint=hint)
    except Exception as exc:  # a malformed instance or a solver crash: say so, keep the rest
        OfficePlan.objects.filter(pk=plan.pk).update(
            status=PlanStatus.FAILED,
            message=_("The planner stopped: %(error)s") % {"error": str(exc)[:300]},
        )
        return False
    if not result.get("assignments"):
        OfficePlan.objects.filter(pk=plan.pk).update(
            status=PlanStatus.FAILED,
            solver_status=result.get("status", "")[:20],
            seconds=result.get("seconds"),
            instance=instance,
            message=_conflict_summary(result.get("reasons") or [])
            or _("The planner found no plan in the time it had."),
        )
        return False
    reasons = _explain(instance, result["assignments"])
    people = people_of(instance)
    dates = week_dates(plan.week_start)
    with transaction.atomic():
        plan = OfficePlan.objects.select_for_update().get(pk=plan.pk)
        if plan.status != PlanStatus.SOLVING:
            return False
        plan.assignments.all().delete()
        rows = []
        for key, days in result["assignments"].items():
            person = people.get(key)
            if person is None:
                continue
            for day, place in days.items():
                rows.append(
                    OfficeAssignment(
                        plan=plan,
                        person=person,
                        date=dates[day],
                        place=_place(place),
                        location_id=key_pk(place) if _place(place) == PlaceKind.OFFICE else None,
                        reasons=reasons.get(key, {}).get(day, []),
                    )
                )
        OfficeAssignment.objects.bulk_create(rows)
        plan.status = PlanStatus.PROPOSED
        plan.objective = result.get("objective")
        plan.bound = result.get("bound")
        plan.solver_status = str(result.get("status", ""))[:20]
        plan.seconds = result.get("seconds")
        plan.instance = instance
        plan.message = (
            _("Some minimum office days were lowered to what a person's pattern allows.")
            if notes
            else ""
        )
        plan.save()
        audit_log(
            actor=None,
            action="planning.plan_proposed",
            target=plan,
            data={"people": len(people), "objective": plan.objective, "status": plan.status},
        )
    return True


def _place(value: str) -> str:
    if value == "home":
        return PlaceKind.HOME
    if value == "off":
        return PlaceKind.OFF
    return PlaceKind.OFFICE


def _current_assignments(plan: OfficePlan, instance: dict) -> dict:
    """The plan's assignments in PLAN.json form, for the people of `instance`."""
    days = {d: day for day, d in week_dates(plan.week_start).items()}
    wanted = {p["id"] for p in instance.get("people", [])}
    out: dict[str, dict[str, str]] = {}
    for row in plan.assignments.all().only("person_id", "date", "place", "location_id"):
        key = person_key(row.person_id)
        if key not in wanted or row.date not in days:
            continue
        out.setdefault(key, {})[days[row.date]] = (
            location_key(row.location_id) if row.place == PlaceKind.OFFICE else row.place
        )
    return out


def _explain(instance: dict, assignments: dict) -> dict:
    """Why each person is where they are on each day: the solver's own explanation when it
    offers one, else the facts from the instance (fixed, preferred, team day, colleagues)."""
    from wendbaar.planning import solver

    explain = getattr(solver, "explain", None)
    if explain is not None:
        try:
            return explain(instance, {"assignments": assignments}) or {}
        except Exception:  # noqa: S110 - the plan stands without its explanations
            pass
    return explain_basic(instance, assignments)


def explain_basic(instance: dict, assignments: dict) -> dict:
    people = {p["id"]: p for p in instance.get("people", [])}
    rules = defaultdict(list)
    for rule in instance.get("rules", []):
        rules[rule["team"]].append(rule["day"])
    partners: dict[str, list[str]] = defaultdict(list)
    for pair in instance.get("collaboration", []):
        partners[pair["a"]].append(pair["b"])
        partners[pair["b"]].append(pair["a"])
    out: dict[str, dict[str, list]] = {}
    for key, days in assignments.items():
        person = people.get(key, {})
        for day, place in days.items():
            reasons = []
            if place == "off":
                reasons.append({"code": "not_working"})
            elif place == "home":
                if day in person.get("unavailable_office_days", []):
                    reasons.append({"code": "unavailable"})
                else:
                    reasons.append({"code": "home"})
            else:
                if day in person.get("fixed_office_days", []):
                    reasons.append({"code": "fixed_day"})
                if day in person.get("preferred_office_days", []):
                    reasons.append({"code": "preferred_day"})
                if day in rules.get(person.get("team"), []):
                    reasons.append({"code": "team_day"})
                together = sum(
                    1
                    for other in partners.get(key, [])
                    if assignments.get(other, {}).get(day) == place
                )
                if together:
                    reasons.append({"code": "colleagues", "count": together})
            out.setdefault(key, {})[day] = reasons
    return out


def _violations_after(plan: OfficePlan, changes: dict[str, dict[str, str]]) -> list[dict]:
    """The hard constraints a change would newly break (ones broken already are not blamed on it)."""
    from wendbaar.planning import solver

    instance = plan.instance
    before = _current_assignments(plan, instance)
    after = {key: dict(days) for key, days in before.items()}
    for key, days in changes.items():
        after.setdefault(key, {}).update(days)

    def keyed(violations):
        return {
            (v.get("code"), v.get("person"), v.get("day"), v.get("location"), v.get("team")): v
            for v in violations
        }

    old = keyed(solver.check(instance, before))
    new = keyed(solver.check(instance, after))
    return [v for k, v in new.items() if k not in old]


def assignment_swap(*, actor, first: OfficeAssignment, second: OfficeAssignment) -> None:
    """Swap two of a person's own days in a plan (office on one, home on the other). Every hard
    constraint is checked again; a swap that breaks one is refused with the reason."""
    from wendbaar.planning.reasons import violation_text

    if first.person_id != actor.pk or second.person_id != actor.pk:
        raise BusinessRuleError(_("You can only swap your own days."), status_code=403)
    if first.plan_id != second.plan_id or first.pk == second.pk:
        raise BusinessRuleError(_("Choose two different days of the same week."), status_code=400)
    if (first.place, first.location_id) == (second.place, second.location_id):
        raise BusinessRuleError(
            _("Both days are the same already; there is nothing to swap."), status_code=400
        )
    with transaction.atomic():
        plan = OfficePlan.objects.select_for_update().get(pk=first.plan_id)
        if plan.status not in (PlanStatus.PROPOSED, PlanStatus.APPROVED):
            raise BusinessRuleError(_("This plan cannot be changed now."), code="plan_busy")
        first.refresh_from_db()
        second.refresh_from_db()
        key = person_key(actor.pk)
        if not any(p["id"] == key for p in plan.instance.get("people", [])):
            raise BusinessRuleError(_("You are not in this plan."), status_code=400)

        def value(row):
            return location_key(row.location_id) if row.place == PlaceKind.OFFICE else row.place

        changes = {key: {first.weekday: value(second), second.weekday: value(first)}}
        broken = _violations_after(plan, changes)
        if broken:
            raise BusinessRuleError(
                _("This swap is not possible: %(why)s")
                % {"why": " ".join(violation_text(v, own=True) for v in broken[:3])},
                code="swap_breaks_rule",
            )
        (first.place, first.location_id), (second.place, second.location_id) = (
            (second.place, second.location_id),
            (first.place, first.location_id),
        )
        for row in (first, second):
            row.changed_by_hand = True
            row.reasons = [{"code": "swapped_by_hand"}]
            row.save(update_fields=["place", "location", "changed_by_hand", "reasons"])
            if plan.status == PlanStatus.APPROVED:
                _booking_follow(row)
        audit_log(
            actor=actor,
            action="planning.days_swapped",
            target=plan,
            data={"days": [first.date.isoformat(), second.date.isoformat()]},
        )


def _booking_follow(row: OfficeAssignment) -> None:
    """Make the desk booking of an approved day follow the plan; hand-made bookings stay."""
    booking = DeskBooking.objects.filter(person_id=row.person_id, date=row.date).first()
    if booking is not None and booking.source == BookingSource.HAND:
        return
    if row.place == PlaceKind.OFFICE:
        DeskBooking.objects.update_or_create(
            person_id=row.person_id,
            date=row.date,
            defaults={
                "location_id": row.location_id,
                "source": BookingSource.PLAN,
                "assignment": row,
            },
        )
    elif booking is not None:
        booking.delete()


def plan_approve(*, actor, plan: OfficePlan) -> int:
    """Approve a proposed plan; desk bookings follow from its office days. Returns how many."""
    _require_manager(actor)
    with transaction.atomic():
        plan = OfficePlan.objects.select_for_update().get(pk=plan.pk)
        if plan.status != PlanStatus.PROPOSED:
            raise BusinessRuleError(_("Only a proposed plan can be approved."), code="not_proposed")
        plan.status = PlanStatus.APPROVED
        plan.approved_by = actor
        plan.approved_at = timezone.now()
        plan.save(update_fields=["status", "approved_by", "approved_at"])
        rows = list(plan.assignments.all())
        for row in rows:
            _booking_follow(row)
        booked = sum(1 for row in rows if row.place == PlaceKind.OFFICE)
        rooms = _team_rooms_follow(plan, rows)
        audit_log(
            actor=actor,
            action="planning.plan_approved",
            target=plan,
            data={"bookings": booked, "room_bookings": rooms},
        )
    return booked


def desk_booking_set(*, actor, day, location=None) -> DeskBooking | None:
    """Book (or with no location, cancel) one's own desk for a day by hand; the location must
    have a desk free that day."""
    from wendbaar.planning.selectors import capacity_map, office_locations

    with transaction.atomic():
        current = DeskBooking.objects.select_for_update().filter(person=actor, date=day).first()
        if location is None:
            if current is not None:
                audit_log(actor=actor, action="planning.desk_cancelled", target=current)
                current.delete()
            return None
        if location not in office_locations():
            raise BusinessRuleError(_("Desks can be booked at offices and hubs only."))
        capacity = capacity_map([location])[location.pk][WEEKDAYS[day.weekday()]]
        taken = (
            DeskBooking.objects.filter(location=location, date=day).exclude(person=actor).count()
        )
        if taken >= capacity:
            raise BusinessRuleError(
                _("%(location)s has no desk free on %(date)s.")
                % {"location": location.name, "date": day.isoformat()},
                code="full",
            )
        booking, _created = DeskBooking.objects.update_or_create(
            person=actor,
            date=day,
            defaults={"location": location, "source": BookingSource.HAND, "assignment": None},
        )
        audit_log(
            actor=actor,
            action="planning.desk_booked",
            target=booking,
            data={"date": day.isoformat(), "location": location.pk},
        )
    return booking


# -- meeting norms -----------------------------------------------------------------------------

NORM_FIELDS = (
    "quiet_windows",
    "max_meeting_hours_week",
    "short_meeting_minutes",
    "long_meeting_minutes",
    "agenda_required",
    "agenda_from_attendees",
    "status_as_async",
    "max_back_to_back",
)


def team_norms_set(*, actor, team, **values) -> TeamNorms:
    """Set the meeting norms a team agreed (its lead or an administrator). All fields are checked
    before anything is saved; a bad value raises ValidationError and changes nothing."""
    from wendbaar.planning.selectors import may_set_norms

    if not may_set_norms(actor, team):
        raise BusinessRuleError(
            _("Only the team lead or an administrator sets the team's meeting norms."),
            code="not_lead",
            status_code=403,
        )
    unknown = set(values) - set(NORM_FIELDS)
    if unknown:
        raise BusinessRuleError(
            _("Unknown norm: %(names)s.") % {"names": ", ".join(sorted(unknown))},
            status_code=400,
        )
    with transaction.atomic():
        norms = TeamNorms.objects.select_for_update().filter(team=team).first() or TeamNorms(
            team=team
        )
        before = {name: getattr(norms, name) for name in NORM_FIELDS} if norms.pk else {}
        for name, value in values.items():
            setattr(norms, name, value)
        norms.updated_by = actor
        norms.full_clean(exclude=["team", "updated_by"])
        norms.save()
        audit_log(
            actor=actor,
            action="planning.norms_set",
            target=norms,
            data={
                "changed": sorted(
                    name for name in NORM_FIELDS if before.get(name) != getattr(norms, name)
                )
            },
        )
    return norms


# -- focus time --------------------------------------------------------------------------------


@transaction.atomic
def focus_preferences_set(*, actor, block_minutes: int, blocks_per_day: int, prefer: str):
    """Set one's own focus preferences; a bad value raises ValidationError and saves nothing."""
    prefs = FocusPreferences.objects.select_for_update().filter(
        person=actor
    ).first() or FocusPreferences(person=actor)
    prefs.block_minutes, prefs.blocks_per_day, prefs.prefer = block_minutes, blocks_per_day, prefer
    prefs.full_clean(exclude=["person"])
    prefs.save()
    audit_log(
        actor=actor,
        action="planning.focus_preferences_set",
        target=prefs,
        data={"block_minutes": block_minutes, "blocks_per_day": blocks_per_day, "prefer": prefer},
    )
    return prefs


# A booked block is at least this long and at most this long.
FOCUS_MIN_MINUTES, FOCUS_MAX_MINUTES = 15, 240


def focus_block_book(*, actor, start, end) -> FocusBlock:
    """Book a focus block in one's own week. It may not overlap one's meetings or another block;
    it is marked protected when it lies in a meeting-free window of the team."""
    from zoneinfo import ZoneInfo

    from wendbaar.planning import focus
    from wendbaar.planning.selectors import event_list, focus_block_list_own, norms_for_person

    if start is None or end is None or timezone.is_naive(start) or timezone.is_naive(end):
        raise BusinessRuleError(_("Give a start and an end with a time zone."), status_code=400)
    minutes = (end - start).total_seconds() / 60
    if minutes < FOCUS_MIN_MINUTES or minutes > FOCUS_MAX_MINUTES:
        raise BusinessRuleError(
            _("A focus block lasts between %(min)s and %(max)s minutes.")
            % {"min": FOCUS_MIN_MINUTES, "max": FOCUS_MAX_MINUTES},
            code="focus_length",
            status_code=400,
        )
    zone = ZoneInfo(organisation_get().time_zone)
    if start.astimezone(zone).date() != end.astimezone(zone).date():
        raise BusinessRuleError(
            _("A focus block starts and ends on the same day."), status_code=400
        )
    with transaction.atomic():
        # Lock the person's row so two bookings at once cannot overlap.
        get_user_model().objects.select_for_update().filter(pk=actor.pk).first()
        meeting = (
            event_list(user=actor, start=start, end=end).filter(busy=True, all_day=False).first()
        )
        if meeting is not None:
            raise BusinessRuleError(
                _("This time overlaps your meeting '%(title)s'.")
                % {"title": meeting.summary or _("(no title)")},
                code="focus_overlaps_meeting",
            )
        if focus_block_list_own(user=actor, start=start, end=end).exists():
            raise BusinessRuleError(
                _("You booked a focus block at this time already."), code="focus_overlaps_block"
            )
        norms, _teams = norms_for_person(actor)
        block = FocusBlock.objects.create(
            person=actor,
            start=start,
            end=end,
            protected=focus.is_protected(start, end, norms, zone),
        )
        audit_log(
            actor=actor,
            action="planning.focus_booked",
            target=block,
            data={"start": start.isoformat(), "minutes": int(minutes)},
        )
    return block


@transaction.atomic
def focus_block_remove(*, actor, block: FocusBlock) -> None:
    """Remove one of one's own focus blocks."""
    if actor.pk != block.person_id:
        raise BusinessRuleError(_("This is not your focus block."), status_code=403)
    audit_log(
        actor=actor,
        action="planning.focus_removed",
        target=block,
        data={"start": block.start.isoformat()},
    )
    block.delete()


# -- one's own work pattern --------------------------------------------------------------------


def work_pattern_update_own(
    *,
    actor,
    preferred_office_days: list[str],
    unavailable_office_days: list[str],
    core_start=None,
    core_end=None,
    reachable_hours: dict | None = None,
) -> WorkPattern:
    """Change the parts of one's own work pattern a person sets (preferred and unavailable
    office days, core hours, reachable hours per channel), within what the administrator set
    (minimum and maximum office days, fixed days, locations). A day or time that does not fit
    raises ValidationError with the field and a message, and nothing is saved."""
    from django.core.exceptions import ValidationError

    with transaction.atomic():
        pattern = WorkPattern.objects.select_for_update().filter(
            person=actor
        ).first() or WorkPattern(person=actor)
        pattern.preferred_office_days = list(preferred_office_days)
        pattern.unavailable_office_days = list(unavailable_office_days)
        pattern.core_start, pattern.core_end = core_start, core_end
        pattern.reachable_hours = dict(reachable_hours or {})
        errors = {}
        work_days = set(pattern.work_days)
        if set(pattern.preferred_office_days) - work_days:
            errors["preferred_office_days"] = [_("An office day you prefer must be a working day.")]
        both = set(pattern.preferred_office_days) & set(pattern.unavailable_office_days)
        if both:
            errors["unavailable_office_days"] = [
                _("A day cannot be both preferred and unavailable for the office.")
            ]
        fixed = set(pattern.fixed_office_days) & set(pattern.unavailable_office_days)
        if fixed:
            errors["unavailable_office_days"] = [
                _(
                    "%(days)s is a fixed office day set by your administrator; ask them to "
                    "change it."
                )
                % {"days": ", ".join(_day_label(d) for d in sorted(fixed, key=WEEKDAYS.index))}
            ]
        possible = len(work_days - set(pattern.unavailable_office_days))
        if possible < pattern.min_office_days:
            errors.setdefault("unavailable_office_days", []).append(
                _(
                    "With these days you can be in the office %(possible)s day(s), fewer than "
                    "the minimum of %(min)s your administrator set."
                )
                % {"possible": possible, "min": pattern.min_office_days}
            )
        if errors:
            raise ValidationError(errors)
        pattern.full_clean(exclude=["person"])
        pattern.save()
        audit_log(
            actor=actor,
            action="planning.work_pattern_updated",
            target=pattern,
            data={
                "preferred": pattern.preferred_office_days,
                "unavailable": pattern.unavailable_office_days,
                "channels": sorted(pattern.reachable_hours),
            },
        )
    return pattern


def _day_label(code: str) -> str:
    from wendbaar.planning.choices import Weekday

    return str(Weekday(code).label)


# -- meeting rooms -----------------------------------------------------------------------------

# Rooms are booked within the office day, in whole minutes.
OFFICE_DAY = (time(7), time(19))
# A team with this many members at one location on a day gets a room for a team moment.
TEAM_MOMENT_MIN_PEOPLE = 3
TEAM_MOMENT = (time(13), time(14))


@dataclass
class RoomBookingResult:
    """A room booking made or moved, with what the person should know (it went through anyway)."""

    booking: RoomBooking
    warnings: list[str] = field(default_factory=list)


def meeting_rooms_sync(location) -> int:
    """Keep the location's number of meeting rooms equal to its active rooms (the admin calls
    this after a room is added, changed or removed). Returns the number."""
    count = MeetingRoom.objects.filter(location=location, is_active=True).count()
    type(location).objects.filter(pk=location.pk).update(meeting_rooms=count)
    location.meeting_rooms = count
    return count


def _hm(value: time) -> str:
    return value.strftime("%H:%M")


def _room_clash(room, day, start, end, exclude_pk=None):
    return (
        RoomBooking.objects.filter(room=room, date=day, start__lt=end, end__gt=start)
        .exclude(pk=exclude_pk)
        .order_by("start")
        .first()
    )


def _room_check(*, room, day, start, end, attendees: int, exclude_pk=None) -> None:
    """Everything that refuses a booking, with a message a person can act on. Call inside a
    transaction holding the room's lock."""
    from wendbaar.planning.selectors import office_locations, rooms_open

    if not room.is_active or not office_locations().filter(pk=room.location_id).exists():
        raise BusinessRuleError(_("This room cannot be booked."), code="room_inactive")
    if start >= end:
        raise BusinessRuleError(
            _("A booking ends after it starts."), code="bad_times", status_code=400
        )
    if day < timezone.localdate():
        raise BusinessRuleError(
            _("%(date)s has passed; book a room from today on.") % {"date": day.isoformat()},
            code="past",
            status_code=400,
        )
    label = _day_label(WEEKDAYS[day.weekday()])
    open_rooms = rooms_open(location=room.location, day=day)
    if open_rooms == 0:
        raise BusinessRuleError(
            _("%(location)s has no meeting rooms open on %(day)s %(date)s.")
            % {"location": room.location.name, "day": label, "date": day.isoformat()},
            code="closed_day",
            status_code=400,
        )
    if start < OFFICE_DAY[0] or end > OFFICE_DAY[1]:
        raise BusinessRuleError(
            _("Rooms can be booked between %(open)s and %(close)s.")
            % {"open": _hm(OFFICE_DAY[0]), "close": _hm(OFFICE_DAY[1])},
            code="outside_office_day",
            status_code=400,
        )
    if attendees < 1:
        raise BusinessRuleError(
            _("A booking is for at least one person."), code="bad_attendees", status_code=400
        )
    if attendees > room.seats:
        raise BusinessRuleError(
            _("%(room)s has %(seats)s seats; this booking is for %(n)s people.")
            % {"room": room.name, "seats": room.seats, "n": attendees},
            code="too_small",
        )
    clash = _room_clash(room, day, start, end, exclude_pk)
    if clash is not None:
        raise BusinessRuleError(
            _("%(room)s is already booked from %(start)s to %(end)s on %(date)s.")
            % {
                "room": room.name,
                "start": _hm(clash.start),
                "end": _hm(clash.end),
                "date": day.isoformat(),
            },
            code="double_booking",
        )
    in_use = (
        RoomBooking.objects.filter(
            room__location_id=room.location_id, date=day, start__lt=end, end__gt=start
        )
        .exclude(room=room)
        .exclude(pk=exclude_pk)
        .values("room_id")
        .distinct()
        .count()
    )
    if in_use >= open_rooms:
        raise BusinessRuleError(
            _(
                "Only %(n)s meeting rooms are open at %(location)s on %(day)s, and they are taken then."
            )
            % {"n": open_rooms, "location": room.location.name, "day": label},
            code="rooms_full",
        )


def _room_warnings(actor, room, day) -> list[str]:
    from wendbaar.planning.selectors import location_on_day_own

    where = location_on_day_own(user=actor, day=day)
    if where == room.location_id:
        return []
    if where is None:
        return [
            _("You are not at %(location)s on %(date)s according to your plan or desk.")
            % {"location": room.location.name, "date": day.isoformat()}
        ]
    return [
        _("You are planned at another location than %(location)s on %(date)s.")
        % {"location": room.location.name, "date": day.isoformat()}
    ]


def room_book(
    *, actor, room, day, start, end, attendees: int = 1, purpose: str = "", team=None
) -> RoomBookingResult:
    """Book a room by hand. Refused for a room taken then, too small, a closed day or a time
    outside the office day; a person not at that location that day is warned, not stopped."""
    from wendbaar.planning.selectors import own_team_ids

    if team is not None and team.pk not in own_team_ids(actor):
        raise BusinessRuleError(
            _("You can only book a room for a team you are in."),
            code="not_in_team",
            status_code=403,
        )
    with transaction.atomic():
        room = MeetingRoom.objects.select_for_update().select_related("location").get(pk=room.pk)
        _room_check(room=room, day=day, start=start, end=end, attendees=attendees)
        booking = RoomBooking.objects.create(
            room=room,
            date=day,
            start=start,
            end=end,
            booked_by=actor,
            team=team,
            attendees=attendees,
            purpose=(purpose or "").strip()[:200],
            source=BookingSource.HAND,
        )
        audit_log(actor=actor, action="planning.room_booked", target=booking)
    return RoomBookingResult(booking, _room_warnings(actor, room, day))


def _require_room_change(actor, booking) -> None:
    from wendbaar.planning.selectors import may_change_room_booking

    if not may_change_room_booking(actor, booking):
        raise BusinessRuleError(
            _(
                "Only the person who booked the room, their team lead or an administrator can change it."
            ),
            code="not_yours",
            status_code=403,
        )


def room_booking_move(
    *, actor, booking, room=None, day=None, start=None, end=None, attendees=None
) -> RoomBookingResult:
    """Move a booking to another room, day or time (the same checks as booking it). A proposal
    from the plan becomes a booking by hand of whoever moved it."""
    _require_room_change(actor, booking)
    with transaction.atomic():
        room = (
            MeetingRoom.objects.select_for_update()
            .select_related("location")
            .get(pk=(room or booking.room).pk)
        )
        booking = RoomBooking.objects.select_for_update().get(pk=booking.pk)
        day = day or booking.date
        start = start or booking.start
        end = end or booking.end
        attendees = attendees or booking.attendees
        _room_check(
            room=room, day=day, start=start, end=end, attendees=attendees, exclude_pk=booking.pk
        )
        booking.room, booking.date, booking.start, booking.end = room, day, start, end
        booking.attendees = attendees
        if booking.booked_by_id is None:
            booking.booked_by = actor
        booking.source = BookingSource.HAND
        booking.save()
        audit_log(actor=actor, action="planning.room_moved", target=booking)
    return RoomBookingResult(booking, _room_warnings(actor, room, day))


def room_booking_cancel(*, actor, booking) -> None:
    _require_room_change(actor, booking)
    with transaction.atomic():
        audit_log(
            actor=actor,
            action="planning.room_cancelled",
            target=booking,
            data={"date": booking.date.isoformat(), "room": booking.room_id},
        )
        booking.delete()


def _team_rooms_follow(plan: OfficePlan, rows: list[OfficeAssignment]) -> int:
    """For every team with at least TEAM_MOMENT_MIN_PEOPLE members at one location on a day of
    an approved plan, propose a room for a team moment (the smallest free room that seats them);
    no room free, no proposal. A team that has a room that day already keeps it. Returns how many."""
    from wendbaar.accounts.models import Membership
    from wendbaar.planning.selectors import rooms_open

    at = {
        (row.person_id, row.date): row.location_id
        for row in rows
        if row.place == PlaceKind.OFFICE and row.location_id
    }
    teams: dict[int, list[int]] = defaultdict(list)
    for team_id, person_id in Membership.objects.filter(
        user_id__in={p for p, _d in at}
    ).values_list("team_id", "user_id"):
        teams[team_id].append(person_id)
    groups: dict[tuple[int, object, int], int] = defaultdict(int)
    for team_id, people in teams.items():
        for (person_id, day), location_id in at.items():
            if person_id in people:
                groups[(team_id, day, location_id)] += 1
    made = 0
    start, end = TEAM_MOMENT
    for (team_id, day, location_id), count in sorted(groups.items(), key=lambda kv: kv[0][1]):
        if count < TEAM_MOMENT_MIN_PEOPLE or day < timezone.localdate():
            continue
        if RoomBooking.objects.filter(
            team_id=team_id, date=day, room__location_id=location_id
        ).exists():
            continue
        rooms = MeetingRoom.objects.filter(
            location_id=location_id, is_active=True, seats__gte=count
        ).order_by("seats", "name")
        taken = set(
            RoomBooking.objects.filter(
                room__location_id=location_id, date=day, start__lt=end, end__gt=start
            ).values_list("room_id", flat=True)
        )
        first = next((room for room in rooms if room.pk not in taken), None)
        if first is None or len(taken) >= rooms_open(location=first.location, day=day):
            continue
        RoomBooking.objects.create(
            room=first,
            date=day,
            start=start,
            end=end,
            team_id=team_id,
            attendees=count,
            purpose=_("Team moment"),
            source=BookingSource.PLAN,
            plan=plan,
        )
        made += 1
    return made
