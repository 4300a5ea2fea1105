from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

# A person needs a few seconds to fill in the form; a bot posts at once or replays an old page.
MIN_SECONDS = 3
MAX_SECONDS = 24 * 60 * 60
_SALT = "service.contact-form"


def form_stamp() -> str:
    return signing.TimestampSigner(salt=_SALT).sign("contact")


class ContactForm(forms.Form):
    """The public form where customers ask a question."""

    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(label=_("Your e-mail address"))
    subject = forms.CharField(label=_("Subject"), max_length=200)
    text = forms.CharField(label=_("Your question"), widget=forms.Textarea, max_length=10_000)
    # Hidden from people by the stylesheet; bots fill it in.
    website = forms.CharField(label=_("Leave this field empty"), required=False)
    stamp = forms.CharField(widget=forms.HiddenInput)

    def is_spam(self) -> bool:
        """Honeypot filled, or the form came back too fast or too late (or was tampered with)."""
        if self.cleaned_data.get("website"):
            return True
        signer = signing.TimestampSigner(salt=_SALT)
        stamp = self.cleaned_data.get("stamp", "")
        try:
            signer.unsign(stamp, max_age=MAX_SECONDS)
        except signing.BadSignature:  # tampered with, or expired
            return True
        try:
            signer.unsign(stamp, max_age=MIN_SECONDS)
        except signing.SignatureExpired:
            return False  # older than the minimum: a person took their time
        return True


class CorrectionForm(forms.Form):
    field = forms.CharField(max_length=16)
    value = forms.CharField(max_length=120)
