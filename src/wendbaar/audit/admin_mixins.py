from wendbaar.audit.services import audit_log


class AuditedAdminMixin:
    """Changes made in the Django admin land in the audit log like changes made in the app."""

    def log_addition(self, request, obj, message):
        audit_log(
            actor=request.user,
            action=f"{obj._meta.model_name}.created",
            target=obj,
            data={"via": "admin"},
        )
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        audit_log(
            actor=request.user,
            action=f"{obj._meta.model_name}.updated",
            target=obj,
            data={"via": "admin", "change": str(message)[:2000]},
        )
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            audit_log(
                actor=request.user,
                action=f"{obj._meta.model_name}.deleted",
                target=obj,
                data={"via": "admin"},
            )
        return super().log_deletions(request, queryset)
