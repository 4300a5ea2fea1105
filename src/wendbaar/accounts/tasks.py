from django.tasks import task

from wendbaar.accounts import services
from wendbaar.accounts.models import User


@task(queue_name="mail")
def password_reset_email_task(user_id: int, base_url: str) -> bool:
    """Send a password reset link; a fresh link each run, so running twice does no harm."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return False
    services.password_reset_send(user=user, base_url=base_url)
    return True
