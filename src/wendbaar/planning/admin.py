"""Setting up planning in the Django admin: capacity, work patterns, agreements and rules.

Calendars, events, assignments and bookings are personal: the admin shows a calendar's fetch
status (not its URL, which often holds a secret) and a plan's totals, never anyone's events or days.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from wendbaar.audit.admin_mixins import AuditedAdminMixin
from wendbaar.common.admin import ReadOnlyAdminMixin
from wendbaar.planning.models import (
    AvailabilityAgreement,
    CalendarSource,
    LocationCapacity,
    MeetingRoom,
    OfficePlan,
    PlanningRule,
    TeamNorms,
    WorkPattern,
)


@admin.register(LocationCapacity)
class LocationCapacityAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["location", "weekday", "desks", "rooms"]
    list_filter = ["location", "weekday"]
    list_editable = ["desks", "rooms"]


@admin.register(WorkPattern)
class WorkPatternAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["person", "min_office_days", "max_office_days", "updated_at"]
    search_fields = ["person__full_name", "person__email"]
    autocomplete_fields = ["person"]
    filter_horizontal = ["locations"]


@admin.register(AvailabilityAgreement)
class AvailabilityAgreementAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["team", "channel", "response_minutes", "hours_start", "hours_end"]
    list_filter = ["team", "channel"]


@admin.register(PlanningRule)
class PlanningRuleAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "team", "kind", "weekday", "is_active"]
    list_filter = ["team", "kind", "is_active"]
    exclude = ["created_by"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(CalendarSource)
class CalendarSourceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "person", "kind", "status", "event_count", "last_fetched_at"]
    list_filter = ["kind", "status"]
    fields = ["person", "name", "kind", "status", "message", "event_count", "last_fetched_at"]

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    @admin.display(description=_("message"))
    def short_message(self, obj):
        return obj.message[:200]


@admin.register(OfficePlan)
class OfficePlanAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["week_start", "status", "objective", "bound", "seconds", "approved_at"]
    list_filter = ["status"]


@admin.register(TeamNorms)
class TeamNormsAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["team", "max_meeting_hours_week", "max_back_to_back", "updated_at"]
    exclude = ["updated_by"]

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(MeetingRoom)
class MeetingRoomAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Rooms per location; the location's number of meeting rooms follows the active rooms."""

    list_display = ["name", "location", "seats", "is_active"]
    list_filter = ["location", "is_active"]
    list_editable = ["seats", "is_active"]
    search_fields = ["name"]

    def save_model(self, request, obj, form, change):
        from wendbaar.planning.services import meeting_rooms_sync

        old = MeetingRoom.objects.filter(pk=obj.pk).values_list("location_id", flat=True).first()
        super().save_model(request, obj, form, change)
        meeting_rooms_sync(obj.location)
        if old and old != obj.location_id:
            from wendbaar.accounts.models import Location

            meeting_rooms_sync(Location.objects.get(pk=old))

    def delete_model(self, request, obj):
        from wendbaar.planning.services import meeting_rooms_sync

        location = obj.location
        super().delete_model(request, obj)
        meeting_rooms_sync(location)

    def delete_queryset(self, request, queryset):
        from wendbaar.accounts.models import Location
        from wendbaar.planning.services import meeting_rooms_sync

        locations = set(queryset.values_list("location_id", flat=True))
        super().delete_queryset(request, queryset)
        for location in Location.objects.filter(pk__in=locations):
            meeting_rooms_sync(location)
