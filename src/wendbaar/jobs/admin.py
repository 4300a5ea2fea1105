"""The background job list in the Django admin: read-only, with a retry action for failures."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy, ngettext

from wendbaar.audit.admin_mixins import AuditedAdminMixin
from wendbaar.common.errors import BusinessRuleError
from wendbaar.jobs import services
from wendbaar.jobs.models import Job


@admin.register(Job)
class JobAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = [
        "task_path",
        "status",
        "queue_name",
        "priority",
        "attempts",
        "enqueued_at",
        "finished_at",
    ]
    list_filter = ["status", "queue_name"]
    search_fields = ["task_path"]
    date_hierarchy = "enqueued_at"
    ordering = ["-enqueued_at"]
    actions = ["retry_failed_jobs"]
    readonly_fields = [field.name for field in Job._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Jobs change only through the worker and the retry action, never by hand.
        return False

    @admin.action(description=gettext_lazy("Retry selected failed jobs"), permissions=["retry"])
    def retry_failed_jobs(self, request, queryset):
        retried = skipped = 0
        for job in queryset:
            try:
                services.job_retry(actor=request.user, job=job)
            except BusinessRuleError:
                skipped += 1
            else:
                retried += 1
        if retried:
            self.message_user(
                request,
                ngettext(
                    "%(count)d job will be retried.", "%(count)d jobs will be retried.", retried
                )
                % {"count": retried},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d job was skipped because it has not failed.",
                    "%(count)d jobs were skipped because they have not failed.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )

    def has_retry_permission(self, request):
        # Retrying changes a job, so it takes the same permission the admin uses for changes.
        return request.user.has_perm("jobs.change_job")
