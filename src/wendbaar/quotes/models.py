"""Quotes: the catalogue with its price history, job bundles, quotes with their lines and versions."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wendbaar.quotes.choices import (
    DiscountKind,
    PilotComparison,
    PilotGroup,
    PriceSource,
    QuoteSource,
    QuoteStatus,
    VatRate,
)

MONEY = {"max_digits": 14, "decimal_places": 2}
QUANTITY = {"max_digits": 14, "decimal_places": 3}


class CatalogueItemQuerySet(models.QuerySet):
    def for_organisation(self, organisation):
        return self.filter(organisation=organisation)

    def active(self):
        return self.filter(is_active=True)


class CatalogueItem(models.Model):
    """A product, service or labour rate the organisation quotes, with its price excluding VAT."""

    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    sku = models.CharField(_("item code (SKU)"), max_length=64)
    name = models.CharField(_("name"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    unit = models.CharField(_("unit"), max_length=20, default="stuk")
    price = models.DecimalField(
        _("price excl. VAT"), validators=[MinValueValidator(Decimal("0.01"))], **MONEY
    )
    vat_rate = models.CharField(
        _("VAT rate"), max_length=8, choices=VatRate.choices, default=VatRate.HIGH
    )
    cost_price = models.DecimalField(
        _("cost price"),
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        **MONEY,
    )
    stock = models.IntegerField(_("stock"), null=True, blank=True)
    lead_time_days = models.PositiveIntegerField(_("lead time (days)"), null=True, blank=True)
    category = models.CharField(_("category"), max_length=120, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CatalogueItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("catalogue item")
        verbose_name_plural = _("catalogue items")
        ordering = ["category", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "sku"], name="unique_catalogue_item_sku"
            )
        ]

    def __str__(self):
        return f"{self.sku} {self.name}"


class PriceHistory(models.Model):
    """One price of a catalogue item from a moment on: written on every price change."""

    item = models.ForeignKey(
        CatalogueItem,
        verbose_name=_("catalogue item"),
        on_delete=models.CASCADE,
        related_name="price_history",
    )
    price = models.DecimalField(_("price excl. VAT"), **MONEY)
    previous_price = models.DecimalField(_("previous price"), null=True, blank=True, **MONEY)
    cost_price = models.DecimalField(_("cost price"), null=True, blank=True, **MONEY)
    source = models.CharField(
        _("source"), max_length=16, choices=PriceSource.choices, default=PriceSource.MANUAL
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("price history")
        verbose_name_plural = _("price history")
        ordering = ["-changed_at", "-pk"]

    def __str__(self):
        return f"{self.item.sku}: {self.price}"


class Bundle(models.Model):
    """A job bundle: catalogue items with quantities quoted together (e.g. replacing a boiler)."""

    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(
        _("description"),
        blank=True,
        help_text=_("The job in a few words, as customers describe it; drafting reads it."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("job bundle")
        verbose_name_plural = _("job bundles")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="unique_bundle_name")
        ]

    def __str__(self):
        return self.name


class BundleItem(models.Model):
    """One catalogue item in a job bundle, with its quantity."""

    bundle = models.ForeignKey(
        Bundle, verbose_name=_("job bundle"), on_delete=models.CASCADE, related_name="items"
    )
    item = models.ForeignKey(
        CatalogueItem,
        verbose_name=_("catalogue item"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    quantity = models.DecimalField(
        _("quantity"),
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.001"))],
        **QUANTITY,
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("bundle item")
        verbose_name_plural = _("bundle items")
        ordering = ["position", "pk"]

    def __str__(self):
        return f"{self.quantity} x {self.item}"


class QuoteSequence(models.Model):
    """The last quote number handed out per organisation and year (OFF-YYYY-NNNN)."""

    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    year = models.PositiveIntegerField(_("year"))
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("quote number sequence")
        verbose_name_plural = _("quote number sequences")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year"], name="unique_quote_sequence_year"
            )
        ]

    def __str__(self):
        return f"{self.year}: {self.last_number}"


class QuoteSettings(models.Model):
    """The organisation's quote settings: approval, margin, house rules and the pilot."""

    organisation = models.OneToOneField(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    approval_threshold = models.DecimalField(
        _("approval above (incl. VAT)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Quotes with a higher total need a manager's approval before they are issued."),
        **MONEY,
    )
    minimum_margin = models.DecimalField(
        _("minimum margin (%)"),
        null=True,
        blank=True,
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Lines below this margin on their cost price are flagged."),
    )
    rules_text = models.TextField(
        _("house rules"),
        blank=True,
        help_text=_(
            "Labour rates, travel zones by place, job bundles, defaults and pricing rules "
            "in Wendbaar's quote-rule format (TOML)."
        ),
    )
    rules_updated_at = models.DateTimeField(_("house rules changed at"), null=True, blank=True)
    rules_updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("house rules changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    pilot_started_on = models.DateField(
        _("pilot started on"),
        null=True,
        blank=True,
        help_text=_("From this day quotes are drafted by AI and measured."),
    )
    pilot_comparison = models.CharField(
        _("compare with"),
        max_length=16,
        choices=PilotComparison.choices,
        default=PilotComparison.PERIOD,
    )
    control_share = models.PositiveSmallIntegerField(
        _("control group (%)"),
        default=0,
        validators=[MaxValueValidator(90)],
        help_text=_("With a control group: this share of new quotes is made without a draft."),
    )

    class Meta:
        verbose_name = _("quote settings")
        verbose_name_plural = _("quote settings")

    def __str__(self):
        return str(_("Quote settings"))


class QuoteTemplate(models.Model):
    """What surrounds the lines on a quote: company details, logo, letter, terms and validity."""

    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=120)
    is_default = models.BooleanField(_("default"), default=False)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="nl"
    )
    intro = models.TextField(
        _("introduction"),
        blank=True,
        help_text=_(
            "Opening of the covering letter; {customer} is replaced by the customer's name."
        ),
    )
    closing = models.TextField(_("closing"), blank=True)
    delivery_terms = models.TextField(_("terms of delivery"), blank=True)
    payment_terms = models.TextField(_("terms of payment"), blank=True)
    validity_days = models.PositiveIntegerField(
        _("valid for (days)"), default=30, validators=[MinValueValidator(1)]
    )
    company_name = models.CharField(_("company name"), max_length=200, blank=True)
    company_address = models.TextField(_("company address"), blank=True)
    company_email = models.EmailField(_("company e-mail address"), blank=True)
    company_phone = models.CharField(_("company phone"), max_length=40, blank=True)
    company_website = models.CharField(_("website"), max_length=200, blank=True)
    kvk_number = models.CharField(_("Chamber of Commerce number"), max_length=20, blank=True)
    vat_number = models.CharField(_("VAT number"), max_length=32, blank=True)
    iban = models.CharField(_("IBAN"), max_length=40, blank=True)
    logo = models.FileField(_("logo (PNG or JPEG)"), upload_to="quotes/logos/", blank=True)
    accent_colour = models.CharField(
        _("accent colour"),
        max_length=7,
        default="#1f5f8b",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("A colour like #1f5f8b."))],
    )

    class Meta:
        verbose_name = _("quote template")
        verbose_name_plural = _("quote templates")
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="unique_quote_template_name"
            )
        ]

    def __str__(self):
        return self.name


class Quote(models.Model):
    """A quote (offerte) to a customer: its lines, totals, status and validity."""

    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    number = models.CharField(_("number"), max_length=20)
    year = models.PositiveIntegerField(_("year"))
    status = models.CharField(
        _("status"), max_length=16, choices=QuoteStatus.choices, default=QuoteStatus.DRAFT
    )
    customer_name = models.CharField(_("customer name"), max_length=200, blank=True)
    customer_company = models.CharField(_("company"), max_length=200, blank=True)
    customer_email = models.EmailField(_("customer e-mail address"), blank=True)
    customer_phone = models.CharField(_("phone"), max_length=40, blank=True)
    customer_address = models.TextField(_("address"), blank=True)
    customer_vat_number = models.CharField(_("customer VAT number"), max_length=32, blank=True)
    reference = models.CharField(_("reference"), max_length=200, blank=True)
    request_text = models.TextField(_("customer request"), blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    discount_kind = models.CharField(
        _("discount"), max_length=16, choices=DiscountKind.choices, default="", blank=True
    )
    discount_value = models.DecimalField(_("discount value"), default=Decimal("0"), **MONEY)
    subtotal = models.DecimalField(_("subtotal excl. VAT"), default=Decimal("0"), **MONEY)
    discount_total = models.DecimalField(_("discount"), default=Decimal("0"), **MONEY)
    vat_total = models.DecimalField(_("VAT"), default=Decimal("0"), **MONEY)
    total = models.DecimalField(_("total incl. VAT"), default=Decimal("0"), **MONEY)
    vat_breakdown = models.JSONField(
        _("VAT per rate"), default=list, blank=True, help_text=_("Base and VAT per rate.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("accepted or rejected at"), null=True, blank=True)
    template = models.ForeignKey(
        QuoteTemplate,
        verbose_name=_("template"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="nl"
    )
    source = models.CharField(
        _("source"), max_length=16, choices=QuoteSource.choices, default=QuoteSource.MANUAL
    )
    ticket = models.ForeignKey(
        "service.Ticket",
        verbose_name=_("customer question"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    covering_letter = models.TextField(_("covering letter"), blank=True)
    open_points = models.JSONField(
        _("open points"),
        default=list,
        blank=True,
        help_text=_("What the request asks for that the draft could not price."),
    )
    copilot_draft = models.ForeignKey(
        "copilot.Draft",
        verbose_name=_("AI draft"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    draft_confidence = models.FloatField(_("draft confidence"), null=True, blank=True)
    draft_snapshot = models.JSONField(
        _("lines as drafted"),
        default=list,
        blank=True,
        help_text=_("The AI draft's lines, to measure how much of it survived."),
    )
    pilot_group = models.CharField(
        _("pilot group"), max_length=16, choices=PilotGroup.choices, default="", blank=True
    )
    requested_at = models.DateTimeField(_("request received at"), null=True, blank=True)
    drafted_at = models.DateTimeField(_("drafted at"), null=True, blank=True)
    review_seconds = models.PositiveIntegerField(_("time spent editing (seconds)"), default=0)
    approval_requested_at = models.DateTimeField(_("approval requested at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    sent_to = models.EmailField(_("sent to"), blank=True)
    accept_nonce = models.CharField(_("acceptance link key"), max_length=64, blank=True)
    decided_by_name = models.CharField(_("accepted or rejected by"), max_length=200, blank=True)
    pdf = models.FileField(_("PDF"), upload_to="quotes/pdf/%Y/", blank=True)

    class Meta:
        verbose_name = pgettext_lazy("offer to a customer", "quote")
        verbose_name_plural = _("quotes")
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "number"], name="unique_quote_number")
        ]

    def __str__(self):
        who = self.customer_company or self.customer_name
        return f"{self.number} {who}".strip()


class QuoteLine(models.Model):
    """One line of a quote; AI-drafted lines say why they are there and how sure the draft is."""

    quote = models.ForeignKey(
        Quote,
        verbose_name=pgettext_lazy("offer to a customer", "quote"),
        on_delete=models.CASCADE,
        related_name="lines",
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    catalogue_item = models.ForeignKey(
        CatalogueItem,
        verbose_name=_("catalogue item"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    sku = models.CharField(_("item code (SKU)"), max_length=64, blank=True)
    description = models.CharField(_("description"), max_length=500)
    quantity = models.DecimalField(_("quantity"), default=Decimal("1"), **QUANTITY)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    unit_price = models.DecimalField(_("unit price excl. VAT"), **MONEY)
    cost_price = models.DecimalField(_("cost price"), null=True, blank=True, **MONEY)
    vat_rate = models.CharField(
        _("VAT rate"), max_length=8, choices=VatRate.choices, default=VatRate.HIGH
    )
    discount_kind = models.CharField(
        _("discount"), max_length=16, choices=DiscountKind.choices, default="", blank=True
    )
    discount_value = models.DecimalField(_("discount value"), default=Decimal("0"), **MONEY)
    line_total = models.DecimalField(_("line total excl. VAT"), default=Decimal("0"), **MONEY)
    below_margin = models.BooleanField(_("below minimum margin"), default=False)
    is_drafted = models.BooleanField(_("drafted by AI"), default=False)
    why = models.JSONField(
        _("why"),
        default=dict,
        blank=True,
        help_text=_("The words in the request and the catalogue row this line matched."),
    )
    confidence = models.FloatField(_("confidence"), null=True, blank=True)

    class Meta:
        verbose_name = _("quote line")
        verbose_name_plural = _("quote lines")
        ordering = ["position", "pk"]

    def __str__(self):
        return f"{self.quantity} {self.unit} {self.description}".strip()


class QuoteVersion(models.Model):
    """A saved snapshot of a quote (header, lines, totals) as it stood at that moment."""

    quote = models.ForeignKey(
        Quote,
        verbose_name=pgettext_lazy("offer to a customer", "quote"),
        on_delete=models.CASCADE,
        related_name="versions",
    )
    number = models.PositiveIntegerField(_("version"))
    snapshot = models.JSONField(_("snapshot"), default=dict)
    note = models.CharField(_("note"), max_length=250, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("quote version")
        verbose_name_plural = _("quote versions")
        ordering = ["quote", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["quote", "number"], name="unique_quote_version")
        ]

    def __str__(self):
        return f"{self.quote.number} v{self.number}"
