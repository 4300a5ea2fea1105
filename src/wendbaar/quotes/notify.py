"""Mails around internal approval: managers hear a quote waits for them, the maker hears the answer.

Each mail is written in the recipient's own language and links to the quote when the
installation's address is known (WENDBAAR_BASE_URL, else the address the request came in on).
The mails go out from a background task after the change is committed, so a slow or absent mail
server never holds up or undoes the approval itself.
"""

import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from wendbaar.audit.services import audit_log
from wendbaar.quotes.choices import QuoteStatus
from wendbaar.quotes.models import Quote

logger = logging.getLogger(__name__)

REQUESTED = "requested"
APPROVED = "approved"
REJECTED = "rejected"
EVENTS = (REQUESTED, APPROVED, REJECTED)


def approval_notify_later(*, quote: Quote, event: str, actor, note: str = "", base_url: str = ""):
    """Queue the mails for an approval event once the surrounding transaction commits."""
    from wendbaar.quotes.tasks import quote_approval_notify_task

    actor_id = getattr(actor, "pk", None)
    transaction.on_commit(
        lambda: quote_approval_notify_task.enqueue(quote.pk, event, actor_id, note[:250], base_url)
    )


def _recipients(*, quote: Quote, event: str, actor_id: int | None) -> list:
    """Who hears of the event: for a request, every manager who may approve this quote (never the
    one who asked); for an answer, the quote's maker (unless they answered it themselves)."""
    from wendbaar.quotes import services

    if event == REQUESTED:
        if quote.status != QuoteStatus.IN_APPROVAL:
            return []  # answered or changed before the mail went out: nothing to ask any more
        from wendbaar.accounts.models import User

        managers = User.objects.filter(pk__in=services.approvers(quote.organisation))
        return [
            user
            for user in managers.exclude(pk=actor_id).exclude(email="").order_by("pk")
            if services.quote_may_approve(quote=quote, user=user)
        ]
    maker = quote.created_by
    if maker is None or not maker.is_active or not maker.email or maker.pk == actor_id:
        return []
    return [maker]


def _link(quote: Quote, base_url: str) -> str:
    base = (getattr(settings, "WENDBAAR_BASE_URL", "") or base_url or "").rstrip("/")
    if not base.startswith(("http://", "https://")):
        return ""  # a link in a mail must be absolute; without a known address it is left out
    return base + reverse("quotes:quote_detail", kwargs={"pk": quote.pk})


def quote_approval_notify(
    *, quote: Quote, event: str, actor_id: int | None = None, note: str = "", base_url: str = ""
) -> list[str]:
    """Send the mails for one approval event; returns the addresses that were mailed."""
    if event not in EVENTS:
        raise ValueError(f"unknown approval event {event!r}")
    from wendbaar.accounts.models import User

    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    sent = []
    for person in _recipients(quote=quote, event=event, actor_id=actor_id):
        language = getattr(person, "language", "") or settings.LANGUAGE_CODE
        with translation.override(language):
            context = {
                "quote": quote,
                "event": event,
                "actor": actor,
                "note": note,
                "link": _link(quote, base_url),
            }
            subject = " ".join(
                render_to_string("quotes/email/approval_subject.txt", context).split()
            )
            body = render_to_string("quotes/email/approval.txt", context)
        try:
            EmailMessage(subject=subject, body=body, to=[person.email]).send()
        except (smtplib.SMTPException, OSError):
            # One refused address must not cost the others their mail; the task's retry would
            # mail everyone again, so the failure is logged and audited instead.
            logger.exception("approval mail for quote %s to %s failed", quote.pk, person.email)
            audit_log(
                actor=None,
                action="quotes.quote_approval_notify_failed",
                target=quote,
                data={"to": person.email, "event": event},
            )
            continue
        sent.append(person.email)
    if sent:
        audit_log(
            actor=None,
            action="quotes.quote_approval_notified",
            target=quote,
            data={"to": sent, "event": event},
        )
    return sent
