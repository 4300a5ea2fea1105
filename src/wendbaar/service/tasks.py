import logging

from django.tasks import task

logger = logging.getLogger(__name__)


@task(queue_name="mail")
def mailbox_poll_task() -> dict:
    """Take in new mail of the service mailbox; resumes where the last poll stopped, so running
    it twice (or after a crash) takes in nothing twice."""
    from wendbaar.service import mailbox

    try:
        result = mailbox.mailbox_poll()
    except mailbox.MailboxError as exc:
        logger.warning("Service mailbox: %s", exc)
        return {"error": str(exc)}
    return {"fetched": result.fetched, "tickets": result.tickets, "left": result.left}
