from django.tasks import task

from wendbaar.meetings import services


@task(queue_name="mail")
def minutes_email_task(participant_id: int, base_url: str) -> bool:
    """Mail the published minutes to one participant; a participant who already has them gets
    nothing, so running twice does no harm."""
    return services.minutes_mail_send(participant_id=participant_id, base_url=base_url)
