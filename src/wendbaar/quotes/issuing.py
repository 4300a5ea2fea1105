"""Issuing a quote: the PDF, the e-mail with an accept link, the customer's answer and expiry.

The accept link carries a `django.core.signing` token over the quote's id and its `accept_nonce`.
Issuing (and renewing the link) draws a new nonce, so every older link stops working. The
customer's answer needs no account: the token is the key, and the page asks for their name.

When the mail server refuses the mail, the quote stays issued (the PDF and link are valid) but
`sent_at` stays empty and the sender gets a clear message, so they can try again.
"""

import logging
import secrets
import smtplib
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from wendbaar.audit.services import audit_log
from wendbaar.common.errors import BusinessRuleError
from wendbaar.quotes import pdf, selectors, services
from wendbaar.quotes.choices import QuoteStatus
from wendbaar.quotes.models import Quote

logger = logging.getLogger(__name__)

ACCEPT_LINK_SALT = "wendbaar.quotes.accept"
ISSUABLE = {QuoteStatus.DRAFT, QuoteStatus.IN_APPROVAL}
DECIDED = {QuoteStatus.ACCEPTED, QuoteStatus.REJECTED}


def _check_can_work(actor) -> None:
    if not selectors.quote_can_work(actor):
        raise BusinessRuleError(
            _("You may not issue or send quotes."), code="forbidden", status_code=403
        )


# --- the accept link ---------------------------------------------------------------------------


def accept_token_make(quote: Quote) -> str:
    """The signed token of the quote's current accept link (empty before it is issued)."""
    if not quote.accept_nonce:
        return ""
    return signing.Signer(salt=ACCEPT_LINK_SALT).sign_object(
        {"q": quote.pk, "n": quote.accept_nonce}, compress=True
    )


def accept_token_quote(token: str) -> Quote | None:
    """The quote a token belongs to, or None for a tampered, unknown or replaced link."""
    try:
        data = signing.Signer(salt=ACCEPT_LINK_SALT).unsign_object(token)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("n"), str) or not data.get("n"):
        return None
    return (
        Quote.objects.select_related("organisation", "template", "created_by")
        .filter(pk=data.get("q"), accept_nonce=data["n"])
        .first()
    )


def accept_url(quote: Quote, *, base_url: str = "") -> str:
    """The absolute accept link; the base is WENDBAAR_BASE_URL when it is set, else the request's.

    The configured address wins so that the Host header of whoever triggers a mail cannot choose
    where the link points."""
    path = reverse("quotes:public_quote", kwargs={"token": accept_token_make(quote)})
    base = _base_url(base_url)
    if not base.startswith(("http://", "https://")):
        raise BusinessRuleError(
            _("The address of this installation is unknown, so the accept link cannot be made."),
            code="no_base_url",
            status_code=400,
        )
    return f"{base}{path}"


def _base_url(base_url: str = "") -> str:
    """The installation's address for links in mails: WENDBAAR_BASE_URL, else the given one."""
    return (getattr(settings, "WENDBAAR_BASE_URL", "") or base_url or "").rstrip("/")


def _new_nonce() -> str:
    return secrets.token_urlsafe(24)


# --- issuing ------------------------------------------------------------------------------------


def quote_issue(*, quote: Quote, actor) -> Quote:
    """Issue a draft (or approved) quote: status ISSUED, its PDF stored, a fresh accept link.

    Approval rules are checked by `services.quote_status_set`; nothing is sent here. Earlier
    PDFs stay in storage: they are what the customer may have received."""
    _check_can_work(actor)
    stored = ""
    try:
        with transaction.atomic():
            # Template and validity first, so the version kept on issue has them too; a refused
            # issue rolls them back.
            quote = Quote.objects.select_for_update().get(pk=quote.pk)
            fields = []
            template = pdf.quote_template_for(quote)
            if quote.template_id is None and template is not None:
                quote.template = template
                fields.append("template")
            today = timezone.localdate()
            if quote.valid_until is None or quote.valid_until < today:
                days = template.validity_days if template else services.DEFAULT_VALIDITY_DAYS
                quote.valid_until = today + timedelta(days=days)
                fields.append("valid_until")
            if fields:
                quote.save(update_fields=[*fields, "updated_at"])
            services.quote_status_set(quote=quote, actor=actor, status=QuoteStatus.ISSUED)
            quote = (
                Quote.objects.select_for_update(of=("self",))
                .select_related("organisation", "template")
                .get(pk=quote.pk)
            )
            quote.accept_nonce = _new_nonce()
            stored = _pdf_save(quote)
            quote.save(update_fields=["pdf", "accept_nonce", "updated_at"])
            audit_log(
                actor=actor,
                action="quotes.quote_issued",
                target=quote,
                data={
                    "pdf": stored,
                    "valid_until": quote.valid_until.isoformat(),
                    "total": str(quote.total),
                },
            )
    except Exception:
        if stored:  # nothing was saved, so the new file belongs to nothing
            quote.pdf.storage.delete(stored)
        raise
    return quote


def _pdf_save(quote: Quote) -> str:
    """Render the PDF and store it in `quote.pdf` (the caller saves the quote)."""
    content = pdf.quote_pdf_render(quote)
    quote.pdf.save(f"{quote.number}.pdf", ContentFile(content), save=False)
    return quote.pdf.name


@transaction.atomic
def quote_accept_link_renew(*, quote: Quote, actor) -> Quote:
    """A new accept link for an issued quote (e.g. when the old one went to the wrong person);
    every older link stops working."""
    _check_can_work(actor)
    quote = Quote.objects.select_for_update().get(pk=quote.pk)
    if quote.status != QuoteStatus.ISSUED:
        raise BusinessRuleError(
            _("Only an issued quote has an accept link."), code="not_issued", status_code=409
        )
    quote.accept_nonce = _new_nonce()
    quote.save(update_fields=["accept_nonce", "updated_at"])
    audit_log(actor=actor, action="quotes.quote_accept_link_renewed", target=quote, data={})
    return quote


# --- sending ------------------------------------------------------------------------------------


def _from_address(quote: Quote) -> str:
    return getattr(settings, "QUOTES_FROM_EMAIL", "") or settings.DEFAULT_FROM_EMAIL


def quote_send(
    *, quote: Quote, actor, to: str | None = None, message: str = "", base_url: str = ""
) -> Quote:
    """Mail the issued quote with its PDF and accept link, in the quote's language.

    Only ever called when a person presses send. A refused mail records nothing as sent."""
    _check_can_work(actor)
    to = (to or quote.customer_email or "").strip()
    if not to:
        raise BusinessRuleError(
            _("The quote has no e-mail address to send it to."), code="no_address", status_code=400
        )
    try:
        validate_email(to)
    except ValidationError as exc:
        raise BusinessRuleError(
            _("%(address)s is not a valid e-mail address.") % {"address": to},
            code="bad_address",
            status_code=400,
        ) from exc
    message = (message or "").strip()[:5000]
    # 1. A short locked transaction: check the status, store a missing PDF and accept link, and
    # build the mail. Nothing waits for the mail server while the row is locked, and the link in
    # the mail is committed before the mail leaves.
    stored = ""
    try:
        with transaction.atomic():
            quote = (
                Quote.objects.select_for_update(of=("self",))
                .select_related("organisation", "template", "created_by")
                .get(pk=quote.pk)
            )
            if quote.status != QuoteStatus.ISSUED:
                raise BusinessRuleError(
                    _("Only an issued quote can be sent; this one is %(status)s.")
                    % {"status": QuoteStatus(quote.status).label},
                    code="not_issued",
                )
            if quote.valid_until and quote.valid_until < timezone.localdate():
                raise BusinessRuleError(
                    _("Quote %(number)s expired on %(date)s; it can no longer be sent.")
                    % {"number": quote.number, "date": quote.valid_until.isoformat()},
                    code="quote_expired",
                )
            fields = []
            if not quote.pdf:
                stored = _pdf_save(quote)
                fields.append("pdf")
            if not quote.accept_nonce:
                quote.accept_nonce = _new_nonce()
                fields.append("accept_nonce")
            if fields:
                quote.save(update_fields=[*fields, "updated_at"])
            mail = _quote_mail(quote, to=to, message=message, actor=actor, base_url=base_url)
    except Exception:
        if stored:  # nothing was saved, so the new file belongs to nothing
            quote.pdf.storage.delete(stored)
        raise
    # 2. The mail, outside any transaction. A refusal leaves the quote issued and not sent.
    try:
        mail.send()
    except (OSError, smtplib.SMTPException) as exc:
        logger.warning("Quote %s could not be sent: %s", quote.number, exc)
        raise BusinessRuleError(
            _(
                "The mail server did not accept the quote (%(error)s); nothing was sent. "
                "The quote stays issued; try sending again."
            )
            % {"error": exc},
            code="send_failed",
            status_code=502,
        ) from exc
    # 3. A second short transaction records that it was sent.
    try:
        with transaction.atomic():
            quote = (
                Quote.objects.select_for_update(of=("self",))
                .select_related("organisation", "template", "created_by")
                .get(pk=quote.pk)
            )
            quote.sent_at = timezone.now()
            quote.sent_to = to
            quote.save(update_fields=["sent_at", "sent_to", "updated_at"])
            audit_log(
                actor=actor,
                action="quotes.quote_sent",
                target=quote,
                data={"to": to, "with_message": bool(message)},
            )
    except Exception:
        logger.exception("Quote %s was mailed to %s, but recording that failed", quote.number, to)
        raise
    return quote


def _quote_mail(quote: Quote, *, to: str, message: str, actor, base_url: str) -> EmailMessage:
    template = pdf.quote_template_for(quote)
    with translation.override(quote.language or "nl"):
        context = {
            "quote": quote,
            "company": (template.company_name if template else "") or str(quote.organisation),
            "template": template,
            "message": message,
            "link": accept_url(quote, base_url=base_url),
            "sender": actor,
            "total": pdf.money(quote.total, quote.language or "nl"),
            "valid_until": quote.valid_until,
        }
        subject = " ".join(render_to_string("quotes/email/quote_send_subject.txt", context).split())
        body = render_to_string("quotes/email/quote_send.txt", context)
    reply_to = [
        a for a in [(template.company_email if template else ""), getattr(actor, "email", "")] if a
    ][:1]
    mail = EmailMessage(
        subject=subject,
        body=body,
        from_email=_from_address(quote),
        to=[to],
        reply_to=reply_to,
    )
    with quote.pdf.open("rb") as handle:
        mail.attach(f"{quote.number}.pdf", handle.read(), "application/pdf")
    return mail


# --- the customer's answer ----------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    """What happened to the customer's answer: `done`, `already` (decided before), `expired`, or
    `closed` (the quote is no longer open for an answer)."""

    outcome: str
    quote: Quote


def quote_expire_if_due(*, quote: Quote, today=None) -> bool:
    """Mark an issued quote past its validity as expired; True when it was changed now."""
    today = today or timezone.localdate()
    with transaction.atomic():
        quote = Quote.objects.select_for_update().get(pk=quote.pk)
        if quote.status != QuoteStatus.ISSUED or not quote.valid_until:
            return False
        if quote.valid_until >= today:
            return False
        services.quote_status_set(
            quote=quote, actor=None, status=QuoteStatus.EXPIRED, note="valid_until passed"
        )
    return True


def quote_decide(
    *, token: str, accept: bool, name: str, ip: str | None = None, base_url: str = ""
) -> Decision:
    """The customer accepts or rejects through the link, giving their name.

    A second use changes nothing (`already`); an answer after `valid_until` marks the quote
    expired (`expired`). An unknown or replaced link raises `Quote.DoesNotExist`."""
    quote = accept_token_quote(token)
    if quote is None:
        raise Quote.DoesNotExist
    name = " ".join((name or "").split())
    if not name:
        raise BusinessRuleError(_("Please type your name."), code="name_missing", status_code=400)
    if len(name) > 200:
        raise BusinessRuleError(_("That name is too long."), code="name_too_long", status_code=400)
    if quote_expire_if_due(quote=quote):
        quote.refresh_from_db()
        return Decision("expired", quote)
    with transaction.atomic():
        # The nonce again, under the lock: a link renewed since the check above no longer counts.
        quote = (
            Quote.objects.select_for_update()
            .filter(pk=quote.pk, accept_nonce=quote.accept_nonce)
            .first()
        )
        if quote is None:
            raise Quote.DoesNotExist
        if quote.status in DECIDED:
            return Decision("already", quote)
        if quote.status == QuoteStatus.EXPIRED:
            return Decision("expired", quote)
        if quote.status != QuoteStatus.ISSUED:
            return Decision("closed", quote)
        status = QuoteStatus.ACCEPTED if accept else QuoteStatus.REJECTED
        services.quote_status_set(
            quote=quote, actor=None, status=status, note=_("Answered by the customer")
        )
        quote.refresh_from_db()
        quote.decided_by_name = name
        quote.save(update_fields=["decided_by_name", "updated_at"])
        audit_log(
            actor=None,
            action="quotes.quote_accepted" if accept else "quotes.quote_rejected",
            target=quote,
            data={"name": name, "ip": ip, "channel": "accept_link"},
        )
        if quote.created_by_id:
            from wendbaar.quotes.tasks import quote_decision_notify_task

            transaction.on_commit(
                lambda pk=quote.pk: quote_decision_notify_task.enqueue(pk, base_url)
            )
    return Decision("done", quote)


def quote_decision_notify(*, quote: Quote, base_url: str = "") -> bool:
    """Mail the quote's maker that the customer answered, in the maker's language."""
    maker = quote.created_by
    if maker is None or not maker.is_active or not maker.email or quote.status not in DECIDED:
        return False
    with translation.override(getattr(maker, "language", "") or settings.LANGUAGE_CODE):
        context = {"quote": quote, "maker": maker, "accepted": quote.status == QuoteStatus.ACCEPTED}
        base = _base_url(base_url)
        context["link"] = ""
        if base:  # a link in a mail must be absolute; without a known address it is left out
            context["link"] = base + reverse("quotes:quote_detail", kwargs={"pk": quote.pk})
        subject = " ".join(render_to_string("quotes/email/decision_subject.txt", context).split())
        body = render_to_string("quotes/email/decision.txt", context)
    EmailMessage(subject=subject, body=body, to=[maker.email]).send()
    audit_log(
        actor=None,
        action="quotes.quote_decision_notified",
        target=quote,
        data={"to": maker.email, "status": quote.status},
    )
    return True


def quotes_expire(*, today=None) -> int:
    """Every issued quote past its validity becomes expired; returns how many changed now."""
    today = today or timezone.localdate()
    due = Quote.objects.filter(status=QuoteStatus.ISSUED, valid_until__lt=today).values_list(
        "pk", flat=True
    )
    return sum(1 for pk in list(due) if quote_expire_if_due(quote=Quote(pk=pk), today=today))
