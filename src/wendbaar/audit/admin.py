from django.contrib import admin
from django.http import StreamingHttpResponse
from django.utils.translation import gettext_lazy as _

from wendbaar.audit.models import AiCall, AuditEvent
from wendbaar.audit.selectors import audit_event_csv_rows
from wendbaar.audit.services import audit_log
from wendbaar.common.admin import ReadOnlyAdminMixin


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: nobody adds, changes or deletes audit events by hand."""

    list_display = ["at", "actor_label", "action", "object_type", "object_label", "ip", "channel"]
    list_filter = ["action", "object_type", "channel"]
    search_fields = ["actor_label", "action", "object_label", "object_id"]
    date_hierarchy = "at"
    actions = ["export_csv"]

    @admin.action(description=_("Export selected events as CSV"))
    def export_csv(self, request, queryset):
        audit_log(
            actor=request.user,
            action="audit.exported",
            data={"count": queryset.count(), "via": "admin"},
        )
        response = StreamingHttpResponse(
            audit_event_csv_rows(queryset.order_by("at", "id")),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="wendbaar-audit.csv"'
        return response


@admin.register(AiCall)
class AiCallAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only, like the audit log: the record of what went to which AI provider."""

    list_display = [
        "at",
        "actor_label",
        "capability",
        "operation",
        "provider",
        "model_name",
        "outcome",
        "tokens_in",
        "tokens_out",
        "cost",
        "duration_ms",
    ]
    list_filter = ["outcome", "provider", "operation", "capability"]
    search_fields = ["actor_label", "capability", "purpose", "model_name"]
    date_hierarchy = "at"
