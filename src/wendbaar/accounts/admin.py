from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from wendbaar.accounts.choices import BuiltinRole
from wendbaar.accounts.models import ApiToken, Location, Membership, Organisation, Role, Team, User
from wendbaar.accounts.selectors import other_admins_exist
from wendbaar.accounts.services import sync_staff_flag
from wendbaar.audit.admin_mixins import AuditedAdminMixin


class EmailNormalisingMixin:
    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("A person with this e-mail address already exists."))
        return email


class PersonCreationForm(EmailNormalisingMixin, BaseUserCreationForm):
    class Meta:
        model = User
        fields = ["email", "full_name"]


class PersonChangeForm(EmailNormalisingMixin, UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        person = self.instance
        stays_admin = cleaned.get("is_active", person.is_active) and (
            cleaned.get("is_superuser", person.is_superuser)
            or any(role.code == BuiltinRole.ADMIN for role in cleaned.get("roles") or [])
        )
        if person.is_org_admin and not stays_admin and not other_admins_exist(person):
            raise forms.ValidationError(
                _("The organisation must keep at least one active administrator.")
            )
        return cleaned


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
    filter_horizontal = ["roles"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["full_name", "job_title", "phone", "language", "home_location"]}),
        (
            _("Permissions"),
            {
                # Access to this site follows the admin role; Django's groups are not used.
                "fields": ["is_active", "is_superuser", "roles"]
            },
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]})
    ]
    inlines = [MembershipInline]

    def get_readonly_fields(self, request, obj=None):
        # Only a superuser makes superusers: an organisation admin cannot grant more than they have.
        return [] if request.user.is_superuser else ["is_superuser"]

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
class ApiTokenAdmin(AuditedAdminMixin, admin.ModelAdmin):
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
    list_select_related = ["user"]
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

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the token stays on record

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Revoke selected tokens"))
    def revoke(self, request, queryset):
        from wendbaar.accounts.services import api_token_revoke

        for token in queryset:
            api_token_revoke(actor=request.user, token=token)
