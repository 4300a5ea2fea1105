from django.contrib import admin

from wendbaar.audit.admin_mixins import AuditedAdminMixin
from wendbaar.service import models


@admin.register(models.Queue)
class QueueAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "team", "is_active"]
    list_filter = ["is_active", "team"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(models.BusinessHours)
class BusinessHoursAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["organisation", "liberation_day"]


@admin.register(models.Customer)
class CustomerAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["email", "name", "company", "language"]
    search_fields = ["email", "name", "company"]


class MessageInline(admin.StackedInline):
    model = models.Message
    extra = 0
    fields = ["direction", "from_address", "subject", "text", "sent_at", "is_auto_reply", "notes"]
    readonly_fields = fields
    can_delete = False


@admin.register(models.Ticket)
class TicketAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["pk", "subject", "customer", "status", "priority", "queue", "assignee"]
    list_filter = ["status", "priority", "queue", "channel"]
    search_fields = ["subject", "customer__email"]
    raw_id_fields = ["customer", "assignee", "owner"]
    inlines = [MessageInline]


@admin.register(models.Rule)
class RuleAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "position", "is_active", "stop_processing"]
    list_filter = ["is_active"]


@admin.register(models.MailboxState)
class MailboxStateAdmin(admin.ModelAdmin):
    list_display = ["mailbox", "uidvalidity", "last_uid", "last_polled_at"]
    readonly_fields = ["mailbox", "uidvalidity", "last_uid", "last_polled_at", "last_error"]


@admin.register(models.TriageModel)
class TriageModelAdmin(admin.ModelAdmin):
    """Read-only: models are made by retraining and put in use on the Triage learning page
    (which checks permissions and writes the audit log)."""

    list_display = ["engine", "created_at", "examples", "corrections", "is_active"]
    exclude = ["state"]
    readonly_fields = [
        "organisation",
        "engine",
        "examples",
        "corrections",
        "accuracy_before",
        "accuracy_after",
        "is_active",
        "created_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(models.TriageCorrection)
class TriageCorrectionAdmin(admin.ModelAdmin):
    list_display = ["ticket", "field", "predicted", "corrected", "actor", "created_at"]
    list_filter = ["field"]


admin.site.register(models.Tag)
