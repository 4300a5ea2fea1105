from django import forms
from django.utils.translation import gettext_lazy as _


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
