from datetime import datetime, time

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wendbaar.accounts import scopes
from wendbaar.accounts.choices import Language, TeamRole
from wendbaar.accounts.models import Location, Organisation, Role, Team, User


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    error_messages = {
        "invalid_login": _(
            "E-mail address and password do not match, or the account is not active."
        ),
        "inactive": _("This account is not active."),
    }


class ResetForm(PasswordResetForm):
    """The reset mail goes out from a background task (see `services.password_reset_request`)."""

    def save(self, domain_override=None, use_https=False, request=None, **kwargs):
        from wendbaar.accounts.services import password_reset_request

        base_url = f"{'https' if use_https else 'http'}://{domain_override or request.get_host()}"
        password_reset_request(email=self.cleaned_data["email"], base_url=base_url)


class PersonForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    job_title = forms.CharField(label=_("Job title"), max_length=120, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    language = forms.ChoiceField(
        label=_("Language"), choices=Language.choices, initial=Language.DUTCH
    )
    home_location = forms.ModelChoiceField(
        label=_("Usual location"), queryset=Location.objects.filter(is_active=True), required=False
    )
    roles = forms.ModelMultipleChoiceField(
        label=_("Roles"),
        queryset=Role.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    teams = forms.ModelMultipleChoiceField(
        label=_("Teams"),
        queryset=Team.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, person: User | None = None, **kwargs):
        if person is not None:
            kwargs.setdefault(
                "initial",
                {
                    "email": person.email,
                    "full_name": person.full_name,
                    "job_title": person.job_title,
                    "phone": person.phone,
                    "language": person.language,
                    "home_location": person.home_location,
                    "roles": list(person.roles.all()),
                    "teams": list(person.teams.all()),
                    "is_active": person.is_active,
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["roles"].label_from_instance = lambda role: role.label
        if person is None:
            del self.fields["is_active"]


class TeamForm(forms.ModelForm):
    class Meta:
        model = Team
        fields = ["name", "description", "email"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class MemberForm(forms.Form):
    person = forms.ModelChoiceField(
        label=_("Person"),
        queryset=User.objects.filter(is_active=True),
        empty_label=_("Choose a person"),
    )
    role = forms.ChoiceField(
        label=_("Role in team"), choices=TeamRole.choices, initial=TeamRole.MEMBER
    )


class RemoveMemberForm(forms.Form):
    remove = forms.ModelChoiceField(queryset=User.objects.all())


class RoleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    code = forms.SlugField(
        label=_("Code"),
        max_length=50,
        required=False,
        help_text=_("Short technical name; made from the name when left empty."),
    )
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "time_zone", "default_language", "email_domain"]

    def clean_time_zone(self):
        import zoneinfo

        value = self.cleaned_data["time_zone"]
        if value not in zoneinfo.available_timezones():
            raise forms.ValidationError(_("Unknown time zone, e.g. Europe/Amsterdam."))
        return value


class LocationForm(forms.ModelForm):
    class Meta:
        model = Location
        fields = ["name", "kind", "address", "city", "desks", "meeting_rooms", "is_active"]


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    next = forms.CharField(required=False, widget=forms.HiddenInput)


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=120, help_text=_("What the token is for, e.g. 'mail gateway'.")
    )
    scopes = forms.MultipleChoiceField(label=_("Scopes"), widget=forms.CheckboxSelectMultiple)
    expires_on = forms.DateField(
        label=_("Expires on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty for a token that works until revoked."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scopes"].choices = list(scopes.all_scopes().items())

    def expires_at(self) -> datetime | None:
        day = self.cleaned_data.get("expires_on")
        return timezone.make_aware(datetime.combine(day, time(23, 59, 59))) if day else None
