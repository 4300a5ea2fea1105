from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from wendbaar.accounts.selectors import organisation_get
from wendbaar.audit.admin_mixins import AuditedAdminMixin
from wendbaar.quotes import models, services
from wendbaar.quotes.choices import PriceSource


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
