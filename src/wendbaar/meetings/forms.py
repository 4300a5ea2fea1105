from django import forms
from django.utils.translation import gettext_lazy as _

from wendbaar.accounts.choices import Visibility
from wendbaar.accounts.models import Team, User
from wendbaar.meetings.choices import LocationKind


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=250)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    location_kind = forms.ChoiceField(
        label=_("Where"), choices=LocationKind.choices, initial=LocationKind.HYBRID
    )
    participants = forms.ModelMultipleChoiceField(
        label=_("Participants"),
        queryset=User.objects.filter(is_active=True),
        required=False,
        help_text=_("Speakers in the transcript are matched to people by name as well."),
    )
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False)
    visibility = forms.ChoiceField(
        label=_("Visible to"),
        choices=Visibility.choices,
        initial=Visibility.PRIVATE,
        help_text=_("Participants always see the meeting; share it further if you like."),
    )
    transcript = forms.FileField(
        label=_("Transcript or recording"),
        help_text=_(
            "WebVTT or SRT (Teams, Zoom, Meet), a Teams DOCX transcript, or text with 'Name: text' "
            "lines. With audio transcription turned on: a recording (WAV, MP3 or M4A)."
        ),
        allow_empty_file=True,
    )

    def __init__(self, *args, teams=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams if teams is not None else Team.objects.all()
