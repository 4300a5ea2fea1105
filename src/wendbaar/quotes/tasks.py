"""Quote background work: telling the maker the customer answered, and expiring old quotes."""

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


@task()
def quotes_expire_task() -> int:
    """Issued quotes past their validity become expired; idempotent (a rerun changes nothing)."""
    from wendbaar.quotes import issuing

    return issuing.quotes_expire()
