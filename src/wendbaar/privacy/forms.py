from django import forms
from django.utils.translation import gettext_lazy as _

from wendbaar.privacy.choices import EntityType

# What an administrator may paste into the check tool; longer texts belong in a document.
CHECK_MAX_CHARS = 20_000


class AiPolicyForm(forms.Form):
    """One capability's row on the AI-use policy page."""

    capability = forms.CharField(widget=forms.HiddenInput)
    allow_external = forms.BooleanField(
        label=_("Allow external model server"),
        required=False,
        help_text=_("The built-in AI on this machine is always allowed."),
    )
    mask_personal_data = forms.BooleanField(label=_("Mask personal data first"), required=False)
    mask_types = forms.MultipleChoiceField(
        label=_("Kinds of personal data to mask"),
        choices=EntityType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class CheckTextForm(forms.Form):
    """Text an administrator pastes to see what the privacy guard would mask."""

    text = forms.CharField(
        label=_("Text to check"),
        max_length=CHECK_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Nothing you paste here is stored."),
    )
