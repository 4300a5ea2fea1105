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


@task(queue_name="ai")
def triage_retrain_task() -> dict:
    """Retrain triage on the history and all corrections (idempotent: a rerun trains again on
    the same data and replaces the model)."""
    from wendbaar.accounts.selectors import organisation_get
    from wendbaar.common.errors import BusinessRuleError
    from wendbaar.service import learning

    try:
        row = learning.triage_retrain(organisation=organisation_get())
    except BusinessRuleError as exc:
        return {"error": str(exc.message)}
    return {"model": row.pk, "before": row.accuracy_before, "after": row.accuracy_after}
