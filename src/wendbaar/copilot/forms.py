from django import forms
from django.utils.translation import gettext_lazy as _

from wendbaar.copilot.choices import ReviewDecision


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=ReviewDecision.choices)
    final_text = forms.CharField(
        label=_("Text"), widget=forms.Textarea(attrs={"rows": 14}), required=False, strip=False
    )
    comment = forms.CharField(
        label=_("Comment for the team (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
    )
