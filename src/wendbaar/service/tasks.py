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


@task(queue_name="mail")
def rule_reply_task(ticket_id: int, rule_id: int) -> str:
    """A rule's template reply to a new ticket (once per rule and ticket; see rules.py)."""
    from wendbaar.service import rules

    return rules.rule_reply_send(ticket_id=ticket_id, rule_id=rule_id)


@task(queue_name="ai")
def triage_retrain_task(actor_id: int | None = None) -> dict:
    """Retrain triage on the history and all corrections (idempotent: a rerun trains again on
    the same data; a model that does worse is stored but not put in use).

    Always reports back, so the next retrain (after new corrections or the manager's button)
    can be queued."""
    from wendbaar.accounts.models import User
    from wendbaar.accounts.selectors import organisation_get
    from wendbaar.common.errors import BusinessRuleError
    from wendbaar.service import learning

    organisation = organisation_get()
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    try:
        row = learning.triage_retrain(organisation=organisation, actor=actor)
    except BusinessRuleError as exc:
        result = {"error": str(exc.message)}
        learning.retrain_finished(organisation=organisation, result=result)
        return result
    except Exception as exc:
        learning.retrain_finished(organisation=organisation, result={"error": repr(exc)[:500]})
        raise
    result = {
        "model": row.pk,
        "active": row.is_active,
        "before": row.accuracy_before,
        "after": row.accuracy_after,
    }
    learning.retrain_finished(organisation=organisation, result=result)
    return result
