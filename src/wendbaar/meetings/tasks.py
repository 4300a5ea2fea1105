from django.tasks import task

from wendbaar.meetings import services


@task(queue_name="mail")
def minutes_email_task(participant_id: int, base_url: str) -> bool:
    """Mail the published minutes to one participant; a participant who already has them gets
    nothing, so running twice does no harm."""
    return services.minutes_mail_send(participant_id=participant_id, base_url=base_url)


@task(queue_name="ai")
def meeting_transcribe_task(meeting_id: int) -> bool:
    """Transcribe a meeting's recording and write its lines; a meeting already transcribed (or
    failed) is left alone, so a retry does no harm."""
    from wendbaar.meetings import recordings

    return recordings.meeting_transcribe(meeting_id=meeting_id)
