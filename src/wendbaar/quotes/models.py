"""Quotes: the catalogue with its price history, job bundles, quotes with their lines and versions."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from wendbaar.quotes.choices import DiscountKind, PriceSource, QuoteStatus, VatRate

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

    class Meta:
        verbose_name = _("quote")
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
        Quote, verbose_name=_("quote"), on_delete=models.CASCADE, related_name="lines"
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
        Quote, verbose_name=_("quote"), on_delete=models.CASCADE, related_name="versions"
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
