"""Sign-ins, sign-outs and failed attempts go into the audit log."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from wendbaar.audit.services import audit_log


@receiver(user_logged_in, dispatch_uid="audit_login")
def _logged_in(sender, request, user, **kwargs):
    audit_log(actor=user, action="auth.login", target=user)


@receiver(user_logged_out, dispatch_uid="audit_logout")
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit_log(actor=user, action="auth.logout", target=user)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    # Only the name that was tried; never the password.
    audit_log(
        actor=None,
        action="auth.login_failed",
        data={"username": str(credentials.get("username", ""))[:200]},
    )
