from django.contrib import admin

from wendbaar.ai.models import EngineChoice
from wendbaar.audit.admin_mixins import AuditedAdminMixin


@admin.register(EngineChoice)
class EngineChoiceAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Administrators choose per capability which provider and model the engine uses."""

    list_display = ["capability", "operation", "provider", "model_name", "updated_at"]
    list_filter = ["provider", "operation"]
    search_fields = ["capability", "model_name"]
