from django.contrib.auth.backends import ModelBackend


class OrganisationAdminBackend(ModelBackend):
    """The organisation's administrators hold every model permission in the Django admin.

    What the admin site itself forbids (changing audit events, adding drafts) stays forbidden: those
    ModelAdmins refuse regardless of permissions.
    """

    def authenticate(self, request, **credentials):
        return None  # permissions only; signing in goes through ModelBackend (and axes)

    def has_perm(self, user_obj, perm, obj=None):
        return bool(user_obj.is_active and getattr(user_obj, "is_org_admin", False))

    def has_module_perms(self, user_obj, app_label):
        return bool(user_obj.is_active and getattr(user_obj, "is_org_admin", False))
