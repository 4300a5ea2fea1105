"""Polling the service mailbox over IMAP.

New mail is fetched by UID. The last UID taken in is saved after every message, under the
mailbox's UIDVALIDITY: after an outage polling resumes where it stopped, and when the server
renumbers the mailbox (a new UIDVALIDITY) it starts over while Message-IDs keep out duplicates.

SERVICE_IMAP_URL: imap://user:password@host:143/INBOX or imaps://user:password@host:993/INBOX
"""

import contextlib
import imaplib
import logging
import re
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import unquote, urlsplit

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wendbaar.audit.services import audit_log
from wendbaar.common.errors import BusinessRuleError
from wendbaar.service import config, mailparse, services
from wendbaar.service.choices import Channel
from wendbaar.service.models import MailboxState, Ticket

logger = logging.getLogger(__name__)

_UIDVALIDITY = re.compile(rb"UIDVALIDITY (\d+)")
_SIZE = re.compile(rb"RFC822\.SIZE (\d+)")


class MailboxError(Exception):
    """The mailbox could not be reached or read; the message says why (no password in it)."""


@dataclass
class PollResult:
    mailbox: str
    fetched: int = 0
    tickets: int = 0
    replies: int = 0
    duplicates: int = 0
    ignored: int = 0
    left: int = 0  # waiting for the next poll (mail bomb limit)
    notes: list[str] = field(default_factory=list)


@dataclass
class MailboxConfig:
    scheme: str
    host: str
    port: int
    username: str
    password: str
    folder: str

    @property
    def key(self) -> str:
        return f"{self.scheme}://{self.username}@{self.host}:{self.port}/{self.folder}"[:300]


def mailbox_config(url: str) -> MailboxConfig:
    parts = urlsplit(url)
    if parts.scheme not in ("imap", "imaps") or not parts.hostname:
        raise MailboxError(_("SERVICE_IMAP_URL must look like imaps://user:password@host/INBOX."))
    return MailboxConfig(
        scheme=parts.scheme,
        host=parts.hostname,
        port=parts.port or (993 if parts.scheme == "imaps" else 143),
        username=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        folder=unquote(parts.path.lstrip("/")) or "INBOX",
    )


def _int_setting(name: str, default: int) -> int:
    try:
        return int(config.setting(name, str(default)))
    except ValueError:
        return default


def _connect(cfg: MailboxConfig, timeout: float):
    try:
        if cfg.scheme == "imaps":
            conn = imaplib.IMAP4_SSL(cfg.host, cfg.port, timeout=timeout)
        else:
            conn = imaplib.IMAP4(cfg.host, cfg.port, timeout=timeout)
        conn.login(cfg.username, cfg.password)
    except (OSError, imaplib.IMAP4.error) as exc:
        raise MailboxError(
            _("Could not reach the mailbox %(mailbox)s: %(error)s")
            % {"mailbox": cfg.key, "error": exc}
        ) from exc
    return conn


def _ok(response, what: str):
    typ, data = response
    if typ != "OK":
        raise MailboxError(_("The mail server refused %(what)s.") % {"what": what})
    return data


def _flooding(address: str, limit: int) -> Ticket | None:
    """The sender's newest ticket when they opened `limit` tickets in the last hour already."""
    since = timezone.now() - timedelta(hours=1)
    recent = Ticket.objects.filter(
        customer__email=services.normal_email(address), created_at__gte=since
    )
    if recent.count() < limit:
        return None
    return recent.order_by("-created_at").first()


def mailbox_poll(*, url: str = "", limit: int | None = None) -> PollResult:
    """Take in the mailbox's new mail; returns what happened. Safe to run twice at once: the
    mailbox's state row is locked while a message is taken in."""
    url = url or config.setting("SERVICE_IMAP_URL")
    if not url:
        raise MailboxError(_("No mailbox configured (set SERVICE_IMAP_URL)."))
    cfg = mailbox_config(url)
    limit = limit or _int_setting("SERVICE_IMAP_MAX_PER_POLL", 200)
    max_message = _int_setting("SERVICE_IMAP_MAX_MESSAGE_BYTES", 25 * 1024 * 1024)
    max_attachment = _int_setting("SERVICE_MAX_ATTACHMENT_BYTES", services.MAX_ATTACHMENT_BYTES)
    per_sender = _int_setting("SERVICE_MAX_TICKETS_PER_SENDER_PER_HOUR", 20)
    own = config.own_addresses()
    state, _created = MailboxState.objects.get_or_create(mailbox=cfg.key)
    result = PollResult(mailbox=cfg.key)
    conn = _connect(cfg, timeout=float(_int_setting("SERVICE_IMAP_TIMEOUT", 30)))
    try:
        try:
            _ok(conn.select(_quote(cfg.folder), readonly=True), "SELECT")
            validity_data = conn.response("UIDVALIDITY")[1]
            uidvalidity = int(validity_data[0]) if validity_data and validity_data[0] else 0
            if state.uidvalidity != uidvalidity:
                if state.uidvalidity:
                    result.notes.append(
                        _("The mailbox was renumbered (UIDVALIDITY changed); reading it again.")
                    )
                MailboxState.objects.filter(pk=state.pk).update(uidvalidity=uidvalidity, last_uid=0)
                state.refresh_from_db()
            data = _ok(conn.uid("SEARCH", None, f"UID {state.last_uid + 1}:*"), "UID SEARCH")
            # "n:*" always names the newest message, even when it is older than n.
            uids = sorted(int(u) for u in (data[0] or b"").split() if int(u) > state.last_uid)
            result.left = max(0, len(uids) - limit)
            for uid in uids[:limit]:
                _take_in(
                    conn,
                    uid,
                    state=state,
                    result=result,
                    max_message=max_message,
                    max_attachment=max_attachment,
                    per_sender=per_sender,
                    own=own,
                )
        except (OSError, imaplib.IMAP4.error) as exc:
            raise MailboxError(
                _("The mailbox %(mailbox)s stopped answering: %(error)s")
                % {"mailbox": cfg.key, "error": exc}
            ) from exc
    except MailboxError as exc:
        MailboxState.objects.filter(pk=state.pk).update(last_error=str(exc)[:2000])
        raise
    finally:
        with contextlib.suppress(OSError, imaplib.IMAP4.error):
            conn.logout()
    MailboxState.objects.filter(pk=state.pk).update(last_polled_at=timezone.now(), last_error="")
    return result


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _fetch(conn, uid: int, what: str) -> bytes:
    data = _ok(conn.uid("FETCH", str(uid), what), "UID FETCH")
    for item in data:
        if isinstance(item, tuple) and len(item) == 2:
            return item[1]
    return b""


def _take_in(conn, uid, *, state, result, max_message, max_attachment, per_sender, own):
    meta = _ok(conn.uid("FETCH", str(uid), "(RFC822.SIZE)"), "UID FETCH")
    size_match = _SIZE.search(b" ".join(m if isinstance(m, bytes) else m[0] for m in meta if m))
    size = int(size_match.group(1)) if size_match else 0
    too_big = size > max_message
    raw = _fetch(conn, uid, "(BODY.PEEK[HEADER])" if too_big else "(BODY.PEEK[])")
    result.fetched += 1
    incoming = mailparse.parse(raw, max_attachment_bytes=max_attachment)
    if too_big:
        incoming.text = _(
            "This mail (%(mb)s MB) is larger than the limit; only its headers were taken in. "
            "Ask the customer to send the files another way."
        ) % {"mb": size // (1024 * 1024)}
        incoming.notes.append(incoming.text)
    with transaction.atomic():
        locked = MailboxState.objects.select_for_update().get(pk=state.pk)
        if uid <= locked.last_uid:
            return  # another poller took it in meanwhile
        sender = incoming.from_address
        if sender in own or not sender:
            # Our own mail coming back (a loop) or mail without a sender: never taken in.
            result.ignored += 1
            audit_log(
                actor=None,
                action="service.mail_ignored",
                data={"uid": uid, "reason": "own_address" if sender else "no_sender"},
            )
        else:
            flood = _flooding(sender, per_sender)
            if flood is not None:
                last = flood.messages.exclude(message_id="").order_by("-sent_at").first()
                incoming.in_reply_to = last.message_id if last else ""
                incoming.subject = f"{incoming.subject} [#{flood.pk}]"
                incoming.notes.append(
                    _("Many mails from this sender within an hour: added to ticket #%(n)s.")
                    % {"n": flood.pk}
                )
            try:
                intake = services.message_receive(
                    incoming=incoming, channel=Channel.EMAIL, run_rules=flood is None
                )
            except BusinessRuleError as exc:
                result.ignored += 1
                result.notes.append(f"UID {uid}: {exc.message}")
                audit_log(
                    actor=None,
                    action="service.mail_refused",
                    data={"uid": uid, "reason": str(exc.message)[:500]},
                )
            else:
                if intake.duplicate:
                    result.duplicates += 1
                elif intake.ticket is None:
                    result.ignored += 1
                elif intake.created:
                    result.tickets += 1
                else:
                    result.replies += 1
        locked.last_uid = uid
        locked.save(update_fields=["last_uid"])
        state.last_uid = uid
