from django import forms
from django.contrib import admin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from wendbaar.accounts.selectors import organisation_get
from wendbaar.audit.admin_mixins import AuditedAdminMixin
from wendbaar.quotes import models, services
from wendbaar.quotes.choices import PriceSource
from wendbaar.quotes.forms import QuoteTemplateForm


class PriceHistoryInline(admin.TabularInline):
    model = models.PriceHistory
    extra = 0
    fields = ["changed_at", "price", "previous_price", "cost_price", "source", "changed_by"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class CatalogueItemForm(forms.ModelForm):
    class Meta:
        model = models.CatalogueItem
        fields = ["sku", "name", "description", "unit", "price", "vat_rate", "cost_price"]
        fields += ["stock", "lead_time_days", "category", "is_active"]

    def clean_sku(self):
        # The organisation is not on the form, so the unique constraint is checked here.
        sku = self.cleaned_data["sku"].strip()
        taken = models.CatalogueItem.objects.filter(
            organisation=organisation_get(), sku__iexact=sku
        ).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("Another item already has this item code."))
        return sku


@admin.register(models.CatalogueItem)
class CatalogueItemAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = CatalogueItemForm
    list_display = [
        "sku",
        "name",
        "unit",
        "price",
        "vat_rate",
        "cost_price",
        "category",
        "is_active",
    ]
    list_filter = ["is_active", "vat_rate", "category"]
    search_fields = ["sku", "name", "description"]
    exclude = ["organisation"]
    inlines = [PriceHistoryInline]

    def save_model(self, request, obj, form, change):
        # Every price, however it is changed, leaves a row in the price history.
        services.catalogue_item_save(item=obj, actor=request.user, source=PriceSource.ADMIN)


class BundleItemInline(admin.TabularInline):
    model = models.BundleItem
    extra = 1
    raw_id_fields = ["item"]


@admin.register(models.Bundle)
class BundleAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "description"]
    exclude = ["organisation"]
    inlines = [BundleItemInline]

    def save_model(self, request, obj, form, change):
        if not obj.organisation_id:
            obj.organisation = organisation_get()
        super().save_model(request, obj, form, change)


class QuoteLineInline(admin.TabularInline):
    model = models.QuoteLine
    extra = 0
    fields = ["position", "sku", "description", "quantity", "unit", "unit_price", "vat_rate"]
    fields += ["line_total", "below_margin", "is_drafted", "confidence"]
    readonly_fields = ["line_total", "below_margin", "is_drafted", "confidence"]


@admin.register(models.Quote)
class QuoteAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["number", "customer_name", "customer_company", "status", "total", "valid_until"]
    list_filter = ["status", "year"]
    search_fields = ["number", "customer_name", "customer_company", "customer_email"]
    readonly_fields = ["number", "year", "subtotal", "discount_total", "vat_total", "total"]
    readonly_fields += ["vat_breakdown", "issued_at", "decided_at", "created_by"]
    # Approval, measurement and sending are set by their services, never by hand.
    readonly_fields += ["approval_requested_at", "approved_by", "approved_at", "review_seconds"]
    readonly_fields += ["source", "copilot_draft", "draft_confidence", "draft_snapshot"]
    readonly_fields += ["pilot_group", "requested_at", "drafted_at", "sent_at", "sent_to"]
    readonly_fields += ["accept_nonce", "decided_by_name", "pdf", "ticket"]
    exclude = ["organisation"]
    inlines = [QuoteLineInline]

    def has_add_permission(self, request):
        # A quote needs a number from the yearly sequence; it is created through the service.
        return False

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.quote_recalculate(quote=form.instance)


@admin.register(models.QuoteVersion)
class QuoteVersionAdmin(admin.ModelAdmin):
    list_display = ["quote", "number", "note", "created_by", "created_at"]
    readonly_fields = ["quote", "number", "snapshot", "note", "created_by", "created_at"]


@admin.register(models.QuoteSettings)
class QuoteSettingsAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Approval threshold, minimum margin and the pilot; the house rules have their own editor."""

    fieldsets = [
        (_("Approval and margin"), {"fields": ["approval_threshold", "minimum_margin"]}),
        (_("Pilot"), {"fields": ["pilot_started_on", "pilot_comparison", "control_share"]}),
        (
            _("House rules"),
            {"fields": ["rules_text", "rules_updated_at", "rules_updated_by"]},
        ),
    ]
    # The rules are checked and versioned by their own editor page; here they are only shown.
    readonly_fields = ["rules_text", "rules_updated_at", "rules_updated_by"]
    list_display = ["__str__", "approval_threshold", "minimum_margin", "pilot_started_on"]

    def has_add_permission(self, request):
        # One row per organisation, made by quote_settings_get on first use.
        return not models.QuoteSettings.objects.filter(organisation=organisation_get()).exists()

    def save_model(self, request, obj, form, change):
        if not obj.organisation_id:
            obj.organisation = organisation_get()
        super().save_model(request, obj, form, change)


@admin.register(models.QuoteTemplate)
class QuoteTemplateAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = QuoteTemplateForm
    list_display = ["name", "is_default", "language", "validity_days", "company_name"]
    list_filter = ["language", "is_default"]
    search_fields = ["name", "company_name"]
    fieldsets = [
        (None, {"fields": ["name", "is_default", "language", "validity_days"]}),
        (_("Letter and terms"), {"fields": ["intro", "closing", "delivery_terms"]}),
        (None, {"fields": ["payment_terms"]}),
        (
            _("Company"),
            {
                "fields": [
                    "company_name",
                    "company_address",
                    "company_email",
                    "company_phone",
                    "company_website",
                    "kvk_number",
                    "vat_number",
                    "iban",
                ]
            },
        ),
        (_("Look"), {"fields": ["logo", "accent_colour"]}),
    ]

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        if not obj.organisation_id:
            obj.organisation = organisation_get()
        super().save_model(request, obj, form, change)
        if obj.is_default:
            # One default per organisation: choosing a new one retires the old.
            models.QuoteTemplate.objects.filter(
                organisation=obj.organisation, is_default=True
            ).exclude(pk=obj.pk).update(is_default=False)
