from django import forms
from django.utils.translation import gettext_lazy as _

from wendbaar.accounts.choices import Visibility
from wendbaar.accounts.models import Role, Team


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        # An empty file is reported per file by the import, next to the files that did work.
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


def _tag_list(value: str) -> list[str]:
    return [t.strip() for t in (value or "").split(",") if t.strip()]


class DocumentMetaForm(forms.Form):
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False)
    visibility = forms.ChoiceField(
        label=_("Visible to"), choices=Visibility.choices, initial=Visibility.TEAM
    )
    shared_with_teams = forms.ModelMultipleChoiceField(
        label=_("Shared with teams"), queryset=Team.objects.all(), required=False
    )
    shared_with_roles = forms.ModelMultipleChoiceField(
        label=_("Shared with roles"), queryset=Role.objects.all(), required=False
    )
    tags = forms.CharField(
        label=_("Tags"), required=False, help_text=_("Separate tags with commas."), max_length=500
    )
    valid_until = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("After this date the document shows up for review in data hygiene."),
    )

    def __init__(self, *args, teams=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams if teams is not None else Team.objects.all()

    def clean_tags(self):
        return _tag_list(self.cleaned_data.get("tags", ""))


class UploadForm(DocumentMetaForm):
    files = MultipleFileField(
        label=_("Files"), help_text=_("PDF, DOCX, Markdown, HTML or text; several at once.")
    )
    field_order = [
        "files",
        "team",
        "visibility",
        "shared_with_teams",
        "shared_with_roles",
        "tags",
        "valid_until",
    ]


class DocumentEditForm(DocumentMetaForm):
    title = forms.CharField(label=_("Title"), max_length=250)
    field_order = [
        "title",
        "team",
        "visibility",
        "shared_with_teams",
        "shared_with_roles",
        "tags",
        "valid_until",
    ]


class NewVersionForm(forms.Form):
    file = forms.FileField(label=_("New version"))


class AskForm(forms.Form):
    q = forms.CharField(label=_("Question"), max_length=1000)
