"""Hybrid work planning: capacity of locations, work patterns, agreements and rules, calendars,
and the weekly office-day plan with its desk bookings.

Who may see what (enforced in `selectors`): a person's work pattern, calendars, events,
assignments and bookings are theirs alone; managers see per-team, per-day, per-location counts.
"""

from datetime import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from wendbaar.planning.choices import (
    WEEKDAYS,
    BookingSource,
    Channel,
    FetchStatus,
    FocusPrefer,
    PlaceKind,
    PlanStatus,
    RuleKind,
    SourceKind,
    Weekday,
)


def _check_days(value, field: str) -> None:
    if not isinstance(value, list) or any(day not in WEEKDAYS for day in value):
        raise ValidationError({field: _("Use day codes: mon, tue, wed, thu, fri, sat, sun.")})


class LocationCapacity(models.Model):
    """How many desks and rooms an office or hub has on one weekday (fewer on Friday, say)."""

    location = models.ForeignKey(
        "accounts.Location",
        verbose_name=_("location"),
        on_delete=models.CASCADE,
        related_name="capacities",
    )
    weekday = models.CharField(_("weekday"), max_length=3, choices=Weekday.choices)
    desks = models.PositiveIntegerField(_("desks"), default=0)
    rooms = models.PositiveIntegerField(_("meeting rooms"), default=0)

    class Meta:
        verbose_name = _("location capacity")
        verbose_name_plural = _("location capacities")
        ordering = ["location", "weekday"]
        constraints = [
            models.UniqueConstraint(fields=["location", "weekday"], name="unique_capacity_day")
        ]

    def __str__(self):
        return f"{self.location} · {self.get_weekday_display()}: {self.desks}"


class WorkPattern(models.Model):
    """How one person works: contract days, office days wanted and not, where, and when reachable.

    Personal: only the person sees it in the app (admins edit it in the Django admin)."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="work_pattern",
    )
    contract_days = models.JSONField(_("contract days"), default=list, blank=True)
    min_office_days = models.PositiveSmallIntegerField(_("minimum office days"), default=0)
    max_office_days = models.PositiveSmallIntegerField(_("maximum office days"), default=5)
    fixed_office_days = models.JSONField(_("fixed office days"), default=list, blank=True)
    preferred_office_days = models.JSONField(_("preferred office days"), default=list, blank=True)
    unavailable_office_days = models.JSONField(
        _("days not in the office"), default=list, blank=True
    )
    locations = models.ManyToManyField(
        "accounts.Location",
        verbose_name=_("allowed locations"),
        blank=True,
        related_name="+",
    )
    travel_note = models.CharField(_("travel constraint"), max_length=250, blank=True)
    core_start = models.TimeField(_("core hours from"), null=True, blank=True)
    core_end = models.TimeField(_("core hours until"), null=True, blank=True)
    # {"chat": ["08:30", "17:00"], "phone": ["09:00", "12:00"]}
    reachable_hours = models.JSONField(_("reachable hours per channel"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("work pattern")
        verbose_name_plural = _("work patterns")

    def __str__(self):
        return str(self.person)

    def clean(self):
        for name in (
            "contract_days",
            "fixed_office_days",
            "preferred_office_days",
            "unavailable_office_days",
        ):
            _check_days(getattr(self, name), name)
        if self.min_office_days > self.max_office_days:
            raise ValidationError(
                {"min_office_days": _("The minimum is more than the maximum of office days.")}
            )
        if self.contract_days and self.min_office_days > len(self.contract_days):
            raise ValidationError(
                {"min_office_days": _("The minimum is more than the contract days.")}
            )
        clash = set(self.fixed_office_days) & set(self.unavailable_office_days)
        if clash:
            raise ValidationError(
                {"fixed_office_days": _("A day cannot be both fixed and unavailable.")}
            )
        outside = set(self.fixed_office_days) - set(self.contract_days or WEEKDAYS)
        if outside:
            raise ValidationError(
                {"fixed_office_days": _("A fixed office day must be a contract day.")}
            )
        if len(self.fixed_office_days) > self.max_office_days:
            raise ValidationError(
                {"fixed_office_days": _("More fixed office days than the maximum allows.")}
            )
        if (self.core_start is None) != (self.core_end is None) or (
            self.core_start and self.core_end and self.core_start >= self.core_end
        ):
            raise ValidationError({"core_end": _("Core hours need a start before their end.")})
        if not isinstance(self.reachable_hours, dict) or any(
            channel not in Channel.values
            or not isinstance(span, list)
            or len(span) != 2
            or not all(isinstance(t, str) and len(t) == 5 and t[2] == ":" for t in span)
            or span[0] >= span[1]
            for channel, span in self.reachable_hours.items()
        ):
            raise ValidationError(
                {"reachable_hours": _('Write reachable hours as {"chat": ["09:00", "17:00"]}.')}
            )

    @property
    def work_days(self) -> list[str]:
        return [d for d in WEEKDAYS if d in (self.contract_days or WEEKDAYS[:5])]


class AvailabilityAgreement(models.Model):
    """What a team agreed about one channel: within which hours, how fast an answer comes."""

    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("team"),
        on_delete=models.CASCADE,
        related_name="availability_agreements",
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    response_minutes = models.PositiveIntegerField(_("answer within (minutes)"))
    hours_start = models.TimeField(_("from"), null=True, blank=True)
    hours_end = models.TimeField(_("until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=250, blank=True)

    class Meta:
        verbose_name = _("availability agreement")
        verbose_name_plural = _("availability agreements")
        ordering = ["team", "channel"]
        constraints = [
            models.UniqueConstraint(fields=["team", "channel"], name="unique_team_channel")
        ]

    def __str__(self):
        return f"{self.team} · {self.get_channel_display()}"


class PlanningRule(models.Model):
    """A rule a manager set: a team together in the office on a day, or a minimum of office days."""

    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("team"),
        on_delete=models.CASCADE,
        related_name="planning_rules",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=RuleKind.choices)
    weekday = models.CharField(_("day"), max_length=3, choices=Weekday.choices, blank=True)
    min_fraction = models.DecimalField(
        _("share of the team in the office"), max_digits=3, decimal_places=2, null=True, blank=True
    )
    min_office_days = models.PositiveSmallIntegerField(
        _("minimum office days"), null=True, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("set by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("planning rule")
        verbose_name_plural = _("planning rules")
        ordering = ["team", "kind", "weekday"]

    def __str__(self):
        if self.kind == RuleKind.TEAM_DAY:
            return _("%(team)s together on %(day)s (%(share)s%%)") % {
                "team": self.team,
                "day": self.get_weekday_display(),
                "share": int((self.min_fraction or 0) * 100),
            }
        return _("%(team)s: at least %(n)s office days") % {
            "team": self.team,
            "n": self.min_office_days,
        }

    def clean(self):
        if self.kind == RuleKind.TEAM_DAY:
            if not self.weekday or self.min_fraction is None:
                raise ValidationError(_("A team day needs a day and a share of the team."))
            if not 0 < self.min_fraction <= 1:
                raise ValidationError({"min_fraction": _("The share is between 0 and 1.")})
        elif self.kind == RuleKind.MIN_OFFICE_DAYS and (
            self.min_office_days is None or not 0 < self.min_office_days <= 7
        ):
            raise ValidationError(
                {"min_office_days": _("The minimum of office days is between 1 and 7.")}
            )


def parse_quiet_windows(value) -> list[dict]:
    """Quiet windows as stored ([{"day": "wed", "start": "08:00", "end": "12:00"}]), checked;
    raises ValidationError with a message a person can act on."""
    if not isinstance(value, list):
        raise ValidationError(_('Write quiet windows as [{"day": "wed", "start": "08:00", ...}].'))
    out = []
    for item in value:
        if not isinstance(item, dict) or item.get("day") not in WEEKDAYS:
            raise ValidationError(
                _("A quiet window needs a day: mon, tue, wed, thu, fri, sat, sun.")
            )
        try:
            start = time.fromisoformat(str(item.get("start")))
            end = time.fromisoformat(str(item.get("end")))
        except ValueError:
            raise ValidationError(_("A quiet window needs times like 08:00 and 12:00.")) from None
        if start >= end:
            raise ValidationError(_("A quiet window starts before it ends."))
        out.append(
            {"day": item["day"], "start": start.strftime("%H:%M"), "end": end.strftime("%H:%M")}
        )
    return out


class TeamNorms(models.Model):
    """The meeting norms a team agreed: quiet windows, a weekly limit, meeting lengths, agendas,
    async updates instead of status meetings, and how many meetings back to back at most.

    Not personal: every member reads them; the team lead or an administrator sets them."""

    team = models.OneToOneField(
        "accounts.Team", verbose_name=_("team"), on_delete=models.CASCADE, related_name="norms"
    )
    # [{"day": "wed", "start": "08:00", "end": "12:00"}]: no meetings then.
    quiet_windows = models.JSONField(_("meeting-free windows"), default=list, blank=True)
    max_meeting_hours_week = models.DecimalField(
        _("most meeting hours a week"), max_digits=4, decimal_places=1, default=25
    )
    short_meeting_minutes = models.PositiveSmallIntegerField(
        _("short meeting (minutes)"), default=25
    )
    long_meeting_minutes = models.PositiveSmallIntegerField(_("long meeting (minutes)"), default=50)
    agenda_required = models.BooleanField(_("agenda required"), default=True)
    agenda_from_attendees = models.PositiveSmallIntegerField(
        _("agenda required from this many people"), default=3
    )
    status_as_async = models.BooleanField(_("status meetings as written updates"), default=True)
    max_back_to_back = models.PositiveSmallIntegerField(_("most meetings back to back"), default=3)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("set by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("team meeting norms")
        verbose_name_plural = _("team meeting norms")
        ordering = ["team"]

    def __str__(self):
        return _("Meeting norms of %(team)s") % {"team": self.team}

    def clean(self):
        errors = {}
        try:
            self.quiet_windows = parse_quiet_windows(self.quiet_windows)
        except ValidationError as exc:
            errors["quiet_windows"] = exc.messages
        if self.max_meeting_hours_week is not None and not 0 < self.max_meeting_hours_week <= 60:
            errors["max_meeting_hours_week"] = [_("The weekly limit is between 1 and 60 hours.")]
        if not 5 <= (self.short_meeting_minutes or 0) <= 240:
            errors["short_meeting_minutes"] = [_("A meeting length is between 5 and 240 minutes.")]
        if not 5 <= (self.long_meeting_minutes or 0) <= 240:
            errors["long_meeting_minutes"] = [_("A meeting length is between 5 and 240 minutes.")]
        elif (self.short_meeting_minutes or 0) >= self.long_meeting_minutes:
            errors["long_meeting_minutes"] = [_("The long meeting is longer than the short one.")]
        if not 2 <= (self.agenda_from_attendees or 0) <= 100:
            errors["agenda_from_attendees"] = [_("Ask an agenda from 2 to 100 people.")]
        if not 1 <= (self.max_back_to_back or 0) <= 12:
            errors["max_back_to_back"] = [_("Back to back is between 1 and 12 meetings.")]
        if errors:
            raise ValidationError(errors)

    @property
    def quiet_window_labels(self) -> list[str]:
        return [
            f"{Weekday(w['day']).label.lower()} {w['start']}\u2013{w['end']}"
            for w in self.quiet_windows or []
            if w.get("day") in WEEKDAYS
        ]

    def to_norms(self):
        """The norms as the load and focus engines read them."""
        from wendbaar.planning import workload

        return workload.Norms(
            quiet_windows=tuple(
                workload.QuietWindow(
                    WEEKDAYS.index(w["day"]),
                    time.fromisoformat(w["start"]),
                    time.fromisoformat(w["end"]),
                )
                for w in parse_quiet_windows(self.quiet_windows)
            ),
            max_meeting_hours_week=float(self.max_meeting_hours_week),
            default_lengths=(self.short_meeting_minutes, self.long_meeting_minutes),
            agenda_required=self.agenda_required,
            agenda_from_attendees=self.agenda_from_attendees,
            max_back_to_back=self.max_back_to_back,
            status_as_async=self.status_as_async,
        )


class CalendarSource(models.Model):
    """Where a person's calendar comes from: an uploaded iCalendar file or a subscription URL.

    The URL often holds a secret token: only the person sees it."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="calendar_sources",
    )
    kind = models.CharField(_("kind"), max_length=8, choices=SourceKind.choices)
    name = models.CharField(_("name"), max_length=255)
    url = models.URLField(_("subscription URL"), max_length=2000, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=FetchStatus.choices, default=FetchStatus.NEVER
    )
    message = models.TextField(_("message"), blank=True)
    event_count = models.PositiveIntegerField(_("events"), default=0)
    last_fetched_at = models.DateTimeField(_("last read at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("calendar")
        verbose_name_plural = _("calendars")
        ordering = ["person", "name"]
        constraints = [
            models.UniqueConstraint(fields=["person", "name"], name="unique_calendar_name")
        ]

    def __str__(self):
        return self.name


class CalendarEventQuerySet(models.QuerySet):
    def between(self, start, end):
        return self.filter(start__lt=end, end__gt=start)

    def busy(self):
        return self.filter(busy=True)


class CalendarEvent(models.Model):
    """One occurrence of an event (recurring events are expanded into their occurrences)."""

    source = models.ForeignKey(
        CalendarSource, verbose_name=_("calendar"), on_delete=models.CASCADE, related_name="events"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="calendar_events",
    )
    uid = models.CharField(_("UID"), max_length=500)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    location = models.CharField(_("where"), max_length=500, blank=True)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    all_day = models.BooleanField(_("all day"), default=False)
    recurring = models.BooleanField(_("recurring"), default=False)
    busy = models.BooleanField(_("busy"), default=True)
    attendee_count = models.PositiveIntegerField(_("attendees"), default=0)
    has_agenda = models.BooleanField(_("has an agenda"), default=False)

    objects = CalendarEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("calendar event")
        verbose_name_plural = _("calendar events")
        ordering = ["start", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "uid", "start"], name="unique_event_occurrence"
            )
        ]
        indexes = [models.Index(fields=["person", "start"], name="planning_event_person_start")]

    def __str__(self):
        return self.summary or self.uid


class OfficePlan(models.Model):
    """The office-day plan for one week (Monday to Sunday), proposed by the solver."""

    week_start = models.DateField(_("week starting"), unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.SOLVING
    )
    objective = models.FloatField(_("objective"), null=True, blank=True)
    bound = models.FloatField(_("bound"), null=True, blank=True)
    solver_status = models.CharField(_("solver status"), max_length=20, blank=True)
    seconds = models.FloatField(_("solve time (s)"), null=True, blank=True)
    message = models.TextField(_("message"), blank=True)
    # The solver input the plan was made from (people as p<id>), so swaps are checked against
    # the same constraints; personal, never shown.
    instance = models.JSONField(_("solver input"), default=dict, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("office plan")
        verbose_name_plural = _("office plans")
        ordering = ["-week_start"]

    def __str__(self):
        return _("Office plan from %(date)s") % {"date": self.week_start.isoformat()}


class OfficeAssignment(models.Model):
    """Where one person works on one day of a plan: an office or hub, home, or not working."""

    plan = models.ForeignKey(
        OfficePlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="assignments"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="office_assignments",
    )
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=8, choices=PlaceKind.choices)
    location = models.ForeignKey(
        "accounts.Location",
        verbose_name=_("location"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    changed_by_hand = models.BooleanField(_("changed by hand"), default=False)

    class Meta:
        verbose_name = _("office assignment")
        verbose_name_plural = _("office assignments")
        ordering = ["plan", "date", "person"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "person", "date"], name="unique_assignment"),
            models.CheckConstraint(
                condition=models.Q(place=PlaceKind.OFFICE, location__isnull=False)
                | (~models.Q(place=PlaceKind.OFFICE) & models.Q(location__isnull=True)),
                name="assignment_office_has_location",
            ),
        ]

    def __str__(self):
        return f"{self.person} · {self.date} · {self.location or self.get_place_display()}"

    @property
    def weekday(self) -> str:
        return WEEKDAYS[self.date.weekday()]


class DeskBooking(models.Model):
    """A desk for a person at a location on a day: made from the approved plan, or by hand."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="desk_bookings",
    )
    date = models.DateField(_("date"))
    location = models.ForeignKey(
        "accounts.Location",
        verbose_name=_("location"),
        on_delete=models.CASCADE,
        related_name="desk_bookings",
    )
    source = models.CharField(
        _("made"), max_length=4, choices=BookingSource.choices, default=BookingSource.PLAN
    )
    assignment = models.ForeignKey(
        OfficeAssignment,
        verbose_name=_("office assignment"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bookings",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("desk booking")
        verbose_name_plural = _("desk bookings")
        ordering = ["date", "location"]
        constraints = [
            models.UniqueConstraint(fields=["person", "date"], name="unique_desk_booking_day")
        ]

    def __str__(self):
        return f"{self.person} · {self.date} · {self.location}"


class FocusPreferences(models.Model):
    """How a person likes to focus: block length, blocks a day, and when. Theirs alone."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="focus_preferences",
    )
    block_minutes = models.PositiveSmallIntegerField(_("block length (minutes)"), default=120)
    blocks_per_day = models.PositiveSmallIntegerField(_("blocks a day"), default=2)
    prefer = models.CharField(
        _("preferably"), max_length=10, choices=FocusPrefer.choices, default=FocusPrefer.MORNING
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("focus preferences")
        verbose_name_plural = _("focus preferences")

    def __str__(self):
        return str(self.person)

    def clean(self):
        errors = {}
        if not 30 <= (self.block_minutes or 0) <= 240:
            errors["block_minutes"] = [_("A focus block is between 30 and 240 minutes.")]
        if not 0 <= (self.blocks_per_day or 0) <= 4:
            errors["blocks_per_day"] = [_("Between 0 and 4 focus blocks a day.")]
        if errors:
            raise ValidationError(errors)

    def to_preferences(self):
        from wendbaar.planning import focus

        return focus.FocusPreferences(
            block_minutes=self.block_minutes,
            blocks_per_day=self.blocks_per_day,
            min_block_minutes=min(60, self.block_minutes),
            prefer=self.prefer,
        )


class FocusBlock(models.Model):
    """A focus block a person booked: busy time in their week, exportable as iCalendar.

    Personal: only the person sees it; it is not a meeting and does not count as meeting load."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="focus_blocks",
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    protected = models.BooleanField(_("in a meeting-free window"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("focus block")
        verbose_name_plural = _("focus blocks")
        ordering = ["start"]
        constraints = [
            models.UniqueConstraint(fields=["person", "start"], name="unique_focus_block_start"),
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="focus_block_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["person", "start"], name="planning_focus_person_start")]

    def __str__(self):
        return f"{self.person} · {self.start:%Y-%m-%d %H:%M}"


class MeetingRoom(models.Model):
    """A meeting room at an office or hub, set up by an administrator. The number of active rooms
    is kept in the location's `meeting_rooms`; `LocationCapacity.rooms` says how many of them are
    open on a weekday (0: no rooms that day)."""

    location = models.ForeignKey(
        "accounts.Location",
        verbose_name=_("location"),
        on_delete=models.CASCADE,
        related_name="meeting_room_set",
    )
    name = models.CharField(_("name"), max_length=120)
    seats = models.PositiveSmallIntegerField(_("seats"), default=4)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("meeting room")
        verbose_name_plural = _("meeting rooms")
        ordering = ["location", "name"]
        constraints = [
            models.UniqueConstraint(fields=["location", "name"], name="unique_room_name"),
            models.CheckConstraint(condition=models.Q(seats__gte=1), name="room_has_a_seat"),
        ]

    def __str__(self):
        return f"{self.location} · {self.name}"


class RoomBooking(models.Model):
    """A meeting room for a time on a day: booked by hand, or proposed by an approved plan for a
    team moment. Everyone sees that a room is taken; who booked it and why only the booker, the
    members of its team and administrators see."""

    room = models.ForeignKey(
        MeetingRoom, verbose_name=_("room"), on_delete=models.CASCADE, related_name="bookings"
    )
    date = models.DateField(_("date"))
    start = models.TimeField(_("from"))
    end = models.TimeField(_("until"))
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("booked by"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="room_bookings",
    )
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("team"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="room_bookings",
    )
    attendees = models.PositiveSmallIntegerField(_("people"), default=1)
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    source = models.CharField(
        _("made"), max_length=4, choices=BookingSource.choices, default=BookingSource.HAND
    )
    plan = models.ForeignKey(
        OfficePlan,
        verbose_name=_("plan"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="room_bookings",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("room booking")
        verbose_name_plural = _("room bookings")
        ordering = ["date", "start", "room"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="room_booking_ends_after_start"
            )
        ]
        indexes = [models.Index(fields=["room", "date"], name="planning_roombooking_day")]

    def __str__(self):
        return f"{self.room} · {self.date} {self.start:%H:%M}-{self.end:%H:%M}"
