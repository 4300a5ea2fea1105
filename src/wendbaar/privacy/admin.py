from django.contrib import admin

from wendbaar.audit.admin_mixins import AuditedAdminMixin
from wendbaar.privacy.models import AiPolicy


@admin.register(AiPolicy)
class AiPolicyAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """The AI-use policy per capability; the page under Privacy in the app is the usual place."""

    list_display = [
        "capability",
        "allowed_providers",
        "mask_personal_data",
        "updated_by",
        "updated_at",
    ]
    list_filter = ["mask_personal_data"]
    readonly_fields = ["updated_by", "updated_at"]

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
