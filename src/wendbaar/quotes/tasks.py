"""Quote background work: mails about approval and the customer's answer, and expiring old quotes."""

from django.tasks import task


@task(queue_name="mail")
def quote_decision_notify_task(quote_id: int, base_url: str = "") -> bool:
    """Mail the quote's maker that the customer accepted or rejected it (a rerun mails again,
    which does no harm)."""
    from wendbaar.quotes import issuing
    from wendbaar.quotes.models import Quote

    quote = Quote.objects.select_related("created_by").filter(pk=quote_id).first()
    if quote is None:
        return False
    return issuing.quote_decision_notify(quote=quote, base_url=base_url)


@task(queue_name="mail")
def quote_approval_notify_task(
    quote_id: int, event: str, actor_id: int | None = None, note: str = "", base_url: str = ""
) -> list[str]:
    """Mail the managers that a quote waits for approval, or its maker that it was approved or
    sent back. A failed address is logged, not retried, so a rerun never mails twice."""
    from wendbaar.quotes import notify
    from wendbaar.quotes.models import Quote

    quote = Quote.objects.select_related("created_by").filter(pk=quote_id).first()
    if quote is None:
        return []
    return notify.quote_approval_notify(
        quote=quote, event=event, actor_id=actor_id, note=note, base_url=base_url
    )


@task()
def quotes_expire_task() -> int:
    """Issued quotes past their validity become expired; idempotent (a rerun changes nothing)."""
    from wendbaar.quotes import issuing

    return issuing.quotes_expire()
