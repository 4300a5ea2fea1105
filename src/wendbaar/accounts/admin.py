from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from wendbaar.accounts.models import ApiToken, Location, Membership, Organisation, Role, Team, User
from wendbaar.accounts.services import sync_staff_flag
from wendbaar.audit.admin_mixins import AuditedAdminMixin


class PersonCreationForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ["email", "full_name"]


class PersonChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(User)
class UserAdmin(AuditedAdminMixin, BaseUserAdmin):
    form = PersonChangeForm
    add_form = PersonCreationForm
    ordering = ["full_name"]
    list_display = ["full_name", "email", "job_title", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "roles", "teams"]
    search_fields = ["full_name", "email"]
    filter_horizontal = ["roles", "groups", "user_permissions"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["full_name", "job_title", "phone", "language", "home_location"]}),
        (
            _("Permissions"),
            {
                "fields": [
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "roles",
                    "groups",
                    "user_permissions",
                ]
            },
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]})
    ]
    inlines = [MembershipInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Roles are saved after the person; the admin role decides access to this site.
        sync_staff_flag(form.instance)


@admin.register(Team)
class TeamAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "email"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(Role)
class RoleAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "code", "is_builtin"]
    readonly_fields = ["is_builtin"]

    def has_delete_permission(self, request, obj=None):
        return obj is None or not obj.is_builtin


@admin.register(Location)
class LocationAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "city", "desks", "meeting_rooms", "is_active"]
    list_filter = ["kind", "is_active"]


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "time_zone", "default_language"]

    def has_add_permission(self, request):
        return not Organisation.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are made by people on their account page; here an admin can only see and revoke them."""

    list_display = [
        "name",
        "user",
        "prefix",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    readonly_fields = [
        "user",
        "name",
        "prefix",
        "scopes",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    exclude = ["key_hash"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Revoke selected tokens"))
    def revoke(self, request, queryset):
        from wendbaar.accounts.services import api_token_revoke

        for token in queryset:
            api_token_revoke(actor=request.user, token=token)
