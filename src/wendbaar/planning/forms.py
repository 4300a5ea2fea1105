import re

from django import forms
from django.utils.translation import gettext_lazy as _

WORKDAYS = ["mon", "tue", "wed", "thu", "fri"]


class CalendarUploadForm(forms.Form):
    file = forms.FileField(label=_("iCalendar file (.ics)"))


class CalendarSubscribeForm(forms.Form):
    url = forms.CharField(
        label=_("Subscription address (https:// or webcal://)"),
        max_length=2000,
        widget=forms.TextInput(attrs={"inputmode": "url", "autocomplete": "off"}),
    )
    name = forms.CharField(label=_("Name"), max_length=120, required=False)


class SwapForm(forms.Form):
    first = forms.TypedChoiceField(label=_("Swap this day"), coerce=int)
    second = forms.TypedChoiceField(label=_("with this day"), coerce=int)

    def __init__(self, *args, assignments=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(a.pk, _day_label(a)) for a in assignments]
        self.fields["first"].choices = choices
        self.fields["second"].choices = choices


def _day_label(assignment) -> str:
    from django.utils.formats import date_format

    where = assignment.location.name if assignment.location else assignment.get_place_display()
    return f"{date_format(assignment.date, 'l j F')} · {where}"


class BookingForm(forms.Form):
    date = forms.DateField(widget=forms.HiddenInput)
    location = forms.TypedChoiceField(label=_("Desk"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, locations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].choices = [
            ("", _("No desk")),
            *((loc.pk, loc.name) for loc in locations),
        ]


# Day names people write in a quiet window, in Dutch and English, to the planner's codes.
_DAY_WORDS = {
    **{code: code for code in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
    "ma": "mon",
    "maandag": "mon",
    "monday": "mon",
    "di": "tue",
    "dinsdag": "tue",
    "tuesday": "tue",
    "wo": "wed",
    "woensdag": "wed",
    "wednesday": "wed",
    "do": "thu",
    "donderdag": "thu",
    "thursday": "thu",
    "vr": "fri",
    "vrijdag": "fri",
    "friday": "fri",
    "za": "sat",
    "zaterdag": "sat",
    "saturday": "sat",
    "zo": "sun",
    "zondag": "sun",
    "sunday": "sun",
}
_WINDOW = re.compile(r"^(\w+)\s+(\d{1,2}[:.]\d{2})\s*[-\u2013]\s*(\d{1,2}[:.]\d{2})$")


def quiet_windows_text(windows) -> str:
    from wendbaar.planning.choices import Weekday

    return "\n".join(
        f"{Weekday(w['day']).label.lower()} {w['start']}-{w['end']}" for w in windows or []
    )


class TeamNormsForm(forms.Form):
    quiet_windows = forms.CharField(
        label=_("Meeting-free windows"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line, e.g. 'wednesday 08:00-12:00'."),
    )
    max_meeting_hours_week = forms.DecimalField(
        label=_("Most meeting hours a week"), min_value=1, max_value=60, decimal_places=1
    )
    short_meeting_minutes = forms.IntegerField(
        label=_("Short meeting (minutes)"), min_value=5, max_value=240
    )
    long_meeting_minutes = forms.IntegerField(
        label=_("Long meeting (minutes)"), min_value=5, max_value=240
    )
    agenda_required = forms.BooleanField(label=_("Agenda required"), required=False)
    agenda_from_attendees = forms.IntegerField(
        label=_("Agenda required from this many people"), min_value=2, max_value=100
    )
    status_as_async = forms.BooleanField(
        label=_("Status meetings become written updates"), required=False
    )
    max_back_to_back = forms.IntegerField(
        label=_("Most meetings back to back"), min_value=1, max_value=12
    )

    def clean_quiet_windows(self):
        windows, errors = [], []
        lines = [line.strip() for line in self.cleaned_data["quiet_windows"].splitlines()]
        for number, line in enumerate(lines, start=1):
            if not line:
                continue
            match = _WINDOW.match(line)
            day = _DAY_WORDS.get(match.group(1).casefold()) if match else None
            if match is None or day is None:
                errors.append(
                    _("Line %(n)s: write a day and a time span, e.g. 'wednesday 08:00-12:00'.")
                    % {"n": number}
                )
                continue
            start, end = (match.group(i).replace(".", ":").zfill(5) for i in (2, 3))
            if not (_time_ok(start) and _time_ok(end)):
                errors.append(_("Line %(n)s: a time is like 08:00.") % {"n": number})
            elif start >= end:
                errors.append(_("Line %(n)s: the window starts before it ends.") % {"n": number})
            else:
                windows.append({"day": day, "start": start, "end": end})
        if errors:
            raise forms.ValidationError(errors)
        return windows

    def clean(self):
        data = super().clean()
        short, long = data.get("short_meeting_minutes"), data.get("long_meeting_minutes")
        if short and long and short >= long:
            self.add_error(
                "long_meeting_minutes", _("The long meeting is longer than the short one.")
            )
        return data


def _time_ok(value: str) -> bool:
    from datetime import time

    try:
        time.fromisoformat(value)
    except ValueError:
        return False
    return True


class FocusPreferencesForm(forms.Form):
    block_minutes = forms.IntegerField(
        label=_("Block length (minutes)"), min_value=30, max_value=240, step_size=15
    )
    blocks_per_day = forms.IntegerField(label=_("Blocks a day"), min_value=0, max_value=4)
    prefer = forms.ChoiceField(label=_("Preferably"))

    def __init__(self, *args, **kwargs):
        from wendbaar.planning.choices import FocusPrefer

        super().__init__(*args, **kwargs)
        self.fields["prefer"].choices = FocusPrefer.choices


class FocusBookForm(forms.Form):
    start = forms.DateTimeField(widget=forms.HiddenInput)
    end = forms.DateTimeField(widget=forms.HiddenInput)


class WorkPatternForm(forms.Form):
    """The part of one's work pattern a person sets; office-day minimum and maximum, fixed days
    and locations stay with the administrator."""

    preferred_office_days = forms.MultipleChoiceField(
        label=_("Days I prefer in the office"), required=False, widget=forms.CheckboxSelectMultiple
    )
    unavailable_office_days = forms.MultipleChoiceField(
        label=_("Days I cannot be in the office"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    core_start = forms.TimeField(
        label=_("Core hours from"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    core_end = forms.TimeField(
        label=_("Core hours until"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )

    def __init__(self, *args, pattern=None, **kwargs):
        from wendbaar.planning.choices import Channel, Weekday

        super().__init__(*args, **kwargs)
        days = pattern.work_days if pattern is not None else WORKDAYS
        choices = [(d.value, d.label) for d in Weekday if d.value in days]
        self.fields["preferred_office_days"].choices = choices
        self.fields["unavailable_office_days"].choices = choices
        for channel in Channel:
            for end, label in (
                ("start", _("%(channel)s reachable from")),
                ("end", _("%(channel)s reachable until")),
            ):
                self.fields[f"reach_{channel.value}_{end}"] = forms.TimeField(
                    label=label % {"channel": channel.label},
                    required=False,
                    widget=forms.TimeInput(attrs={"type": "time"}),
                )

    def clean(self):
        from wendbaar.planning.choices import Channel

        data = super().clean()
        both = set(data.get("preferred_office_days") or []) & set(
            data.get("unavailable_office_days") or []
        )
        if both:
            self.add_error(
                "unavailable_office_days",
                _("A day cannot be both preferred and unavailable for the office."),
            )
        start, end = data.get("core_start"), data.get("core_end")
        if (start is None) != (end is None):
            self.add_error("core_end", _("Give both the start and the end of your core hours."))
        elif start and end and start >= end:
            self.add_error("core_end", _("Core hours end after they start."))
        reachable = {}
        for channel in Channel:
            start = data.get(f"reach_{channel.value}_start")
            end = data.get(f"reach_{channel.value}_end")
            if start is None and end is None:
                continue
            if start is None or end is None:
                self.add_error(
                    f"reach_{channel.value}_end",
                    _("Give both times for %(channel)s, or neither.") % {"channel": channel.label},
                )
            elif start >= end:
                self.add_error(
                    f"reach_{channel.value}_end",
                    _("Reachable by %(channel)s: the end comes after the start.")
                    % {"channel": channel.label},
                )
            else:
                reachable[channel.value] = [start.strftime("%H:%M"), end.strftime("%H:%M")]
        data["reachable_hours"] = reachable
        return data

    @staticmethod
    def initial_for(pattern) -> dict:
        from datetime import time

        if pattern is None:
            return {}
        initial = {
            "preferred_office_days": pattern.preferred_office_days,
            "unavailable_office_days": pattern.unavailable_office_days,
            "core_start": pattern.core_start,
            "core_end": pattern.core_end,
        }
        for channel, span in (pattern.reachable_hours or {}).items():
            try:
                initial[f"reach_{channel}_start"] = time.fromisoformat(span[0])
                initial[f"reach_{channel}_end"] = time.fromisoformat(span[1])
            except (TypeError, ValueError, IndexError):
                continue
        return initial


class RoomBookingForm(forms.Form):
    room = forms.TypedChoiceField(label=_("Room"), coerce=int)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label=_("Until"), widget=forms.TimeInput(attrs={"type": "time"}))
    attendees = forms.IntegerField(label=_("People"), min_value=1, max_value=500, initial=1)
    team = forms.TypedChoiceField(label=_("For team"), coerce=int, required=False, empty_value=None)
    purpose = forms.CharField(label=_("Purpose"), max_length=200, required=False)

    def __init__(self, *args, rooms=(), teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room"].choices = [
            (r.pk, f"{r.location.name} · {r.name} ({r.seats})") for r in rooms
        ]
        self.fields["team"].choices = [("", _("No team")), *((t.pk, t.name) for t in teams)]


class RoomMoveForm(forms.Form):
    room = forms.TypedChoiceField(label=_("Room"), coerce=int)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label=_("Until"), widget=forms.TimeInput(attrs={"type": "time"}))

    def __init__(self, *args, rooms=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room"].choices = [
            (r.pk, f"{r.location.name} · {r.name} ({r.seats})") for r in rooms
        ]
