"""Forms of the quotes app that are not a single field: quote templates (also used by the admin)
and job bundles."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from wendbaar.accounts.selectors import organisation_get
from wendbaar.quotes import models

MAX_LOGO_BYTES = 1024 * 1024
LOGO_FORMATS = {"PNG": "png", "JPEG": "jpg"}


class QuoteTemplateForm(forms.ModelForm):
    """A quote template: letter, terms, validity, company details, logo and colour."""

    class Meta:
        model = models.QuoteTemplate
        fields = ["name", "is_default", "language", "validity_days", "intro", "closing"]
        fields += ["delivery_terms", "payment_terms", "company_name", "company_address"]
        fields += ["company_email", "company_phone", "company_website", "kvk_number"]
        fields += ["vat_number", "iban", "logo", "accent_colour"]

    def clean_name(self):
        # The organisation is not on the form, so the unique constraint is checked here.
        name = self.cleaned_data["name"].strip()
        taken = models.QuoteTemplate.objects.filter(
            organisation=organisation_get(), name__iexact=name
        ).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("Another template already has this name."))
        return name

    def clean_logo(self):
        """A logo must really be a PNG or JPEG image (read by Pillow, not by its name), at most
        1 MB; it is printed on every PDF."""
        logo = self.cleaned_data.get("logo")
        if not logo or not hasattr(logo, "content_type"):  # unchanged or cleared
            return logo
        if logo.size > MAX_LOGO_BYTES:
            raise forms.ValidationError(
                _("The logo is %(size)s; it may be 1 MB at most.")
                % {"size": filesizeformat(logo.size)}
            )
        from PIL import Image

        try:
            logo.seek(0)
            with Image.open(logo) as image:
                found = image.format
                image.verify()
        except Exception as exc:  # Pillow raises many kinds for files that are no image
            raise forms.ValidationError(
                _("The logo is not a readable image; upload a PNG or JPEG file.")
            ) from exc
        finally:
            logo.seek(0)
        if found not in LOGO_FORMATS:
            raise forms.ValidationError(
                _("The logo is a %(format)s image; upload a PNG or JPEG file.")
                % {"format": found or "?"}
            )
        stem = (logo.name or "logo").rsplit(".", 1)[0][:80] or "logo"
        logo.name = f"{stem}.{LOGO_FORMATS[found]}"
        return logo


# At most this many items in one job bundle, and this much of one item.
MAX_BUNDLE_ITEMS = 40
MAX_BUNDLE_QUANTITY = Decimal("10000")


class BundleForm(forms.Form):
    """A job bundle: its name and description, and its items as lines of "item code quantity"
    (e.g. "CV-HR28 1" or "ARB-MON 6"); one per line, in the order they are quoted."""

    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The job in a few words, as customers describe it; drafting reads it."),
    )
    items = forms.CharField(
        label=_("Items"),
        widget=forms.Textarea(attrs={"rows": 8, "class": "code"}),
        help_text=_('One item per line: its item code and the quantity, e.g. "ARB-MON 6".'),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def clean_items(self) -> list[tuple[str, Decimal]]:
        """[(sku, quantity)] from the lines; a wrong line is named by its number."""
        parsed, errors = [], []
        lines = [line.strip() for line in self.cleaned_data["items"].splitlines()]
        lines = [line for line in lines if line]
        if not lines:
            raise forms.ValidationError(_("A job bundle needs at least one item."))
        if len(lines) > MAX_BUNDLE_ITEMS:
            raise forms.ValidationError(
                _("A job bundle can hold at most %(n)s items.") % {"n": MAX_BUNDLE_ITEMS}
            )
        for number, line in enumerate(lines, start=1):
            sku, _space, amount = line.replace("\t", " ").partition(" ")
            amount = amount.strip().replace(",", ".") or "1"
            try:
                quantity = Decimal(amount)
            except InvalidOperation:
                quantity = None
            if (
                quantity is None
                or not quantity.is_finite()
                or not 0 < quantity <= MAX_BUNDLE_QUANTITY
            ):
                errors.append(
                    _("Line %(n)s: %(amount)s is not a quantity between 0 and %(max)s.")
                    % {"n": number, "amount": amount, "max": MAX_BUNDLE_QUANTITY}
                )
                continue
            parsed.append((sku.strip(), quantity.quantize(Decimal("0.001"))))
        if errors:
            raise forms.ValidationError(errors)
        return parsed
