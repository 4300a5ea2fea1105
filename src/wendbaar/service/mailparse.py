"""Reading a customer's e-mail robustly: malformed MIME, mixed and unknown encodings, HTML turned
into plain text (customer HTML is never shown), attachments over the limit refused with a note,
and automatic replies recognised so they are never answered."""

import email
import html
import re
from email import policy
from email.utils import getaddresses, parsedate_to_datetime
from html.parser import HTMLParser

from django.utils import timezone
from django.utils.translation import gettext as _

from wendbaar.service.services import AttachmentIn, MessageIn

_MSGID = re.compile(r"<[^<>\s]+>")
AUTO_SUBJECT = re.compile(
    r"^\s*(automatic reply|auto(matisch)?[ -]?(reply|antwoord)|out of (the )?office|"
    r"afwezig|afwezigheidsbericht|niet aanwezig|undeliverable|onbestelbaar|"
    r"delivery status notification|mail delivery failed)\b",
    re.IGNORECASE,
)
MAX_TEXT = 200_000


class _TextFromHtml(HTMLParser):
    """Visible text of an HTML mail: scripts, styles and heads dropped, blocks on their own line,
    links shown as their text followed by the address."""

    BLOCKS = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "hr"}
    SKIP = {"script", "style", "head", "title", "noscript", "template"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0
        self.href: list[str | None] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")
        if tag == "a":
            href = dict(attrs).get("href") or ""
            self.href.append(href if href.startswith(("http://", "https://", "mailto:")) else None)

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.skipping:
            self.skipping -= 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")
        if tag == "a" and self.href:
            href = self.href.pop()
            if href:
                self.parts.append(f" ({href})")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    parser = _TextFromHtml()
    try:
        parser.feed(markup)
        parser.close()
        text = "".join(parser.parts)
    except Exception:  # a parser error must not lose the mail: fall back to stripping tags
        text = html.unescape(re.sub(r"<[^>]*>", " ", markup))
    return _tidy(text)


def _tidy(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
    text = "\n".join(" ".join(line.split()) for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip()[:MAX_TEXT]


def _header(message, name: str) -> str:
    try:
        value = message.get(name)
    except Exception:  # a malformed header: keep the raw value
        value = message.get_all(name, [""])[0] if hasattr(message, "get_all") else ""
    return " ".join(str(value or "").split())


def _decoded(part) -> str:
    payload = part.get_payload(decode=True) or b""
    charset = part.get_content_charset() or "utf-8"
    for candidate in (charset, "utf-8", "cp1252"):
        try:
            return payload.decode(candidate)
        except (LookupError, UnicodeDecodeError):
            continue
    return payload.decode("utf-8", errors="replace")


def is_auto_reply(message, subject: str, sender: str) -> bool:
    """Out-of-office, bounce or bulk mail: never answered, and opens no ticket on its own."""
    auto = _header(message, "Auto-Submitted").lower()
    if auto and auto != "no":
        return True
    if _header(message, "X-Autoreply") or _header(message, "X-Autorespond"):
        return True
    if _header(message, "X-Auto-Response-Suppress").lower() in ("all", "oof", "autoreply"):
        return True
    if _header(message, "Precedence").lower() in ("bulk", "auto_reply", "junk", "list"):
        return True
    if _header(message, "Return-Path") == "<>":
        return True
    local = sender.split("@", 1)[0]
    if local in ("mailer-daemon", "postmaster", "noreply", "no-reply", "donotreply"):
        return True
    return bool(AUTO_SUBJECT.match(subject))


def parse(raw: bytes, *, max_attachment_bytes: int) -> MessageIn:
    """A raw RFC 822 message as a `MessageIn`, with notes about what was odd or refused."""
    notes: list[str] = []
    message = email.message_from_bytes(raw, policy=policy.default)
    if message.defects:
        notes.append(_("The mail is not well-formed MIME; it was read as well as possible."))
    from_header = _header(message, "From")
    pairs = [(n, a) for n, a in getaddresses([from_header]) if "@" in a]
    sender_name, sender = pairs[0] if pairs else ("", "")
    reply_to = [a for _n, a in getaddresses([_header(message, "Reply-To")]) if "@" in a]
    subject = _header(message, "Subject")[:500]
    message_id = (_MSGID.findall(_header(message, "Message-ID")) or [""])[0]
    in_reply_to = (_MSGID.findall(_header(message, "In-Reply-To")) or [""])[0]
    references = _MSGID.findall(_header(message, "References"))[-50:]
    try:
        sent_at = parsedate_to_datetime(_header(message, "Date"))
        if timezone.is_naive(sent_at):
            sent_at = timezone.make_aware(sent_at)
    except (TypeError, ValueError, IndexError):
        sent_at = None
    if sent_at is not None and not (1990 <= sent_at.year <= 2100):
        sent_at = None
    plain, html_text, attachments = [], [], []
    for part in message.walk() if message.is_multipart() else [message]:
        if part.is_multipart():
            continue
        disposition = (part.get_content_disposition() or "").lower()
        try:
            filename = part.get_filename() or ""
        except Exception:
            filename = "bijlage"
        content_type = part.get_content_type()
        if disposition == "attachment" or filename or not content_type.startswith("text/"):
            data = part.get_payload(decode=True) or b""
            if len(data) > max_attachment_bytes:
                attachments.append(
                    AttachmentIn(
                        filename=filename or "bijlage",
                        content_type=content_type,
                        data=None,
                        size=len(data),
                        refused=_("larger than the limit of %(mb)s MB")
                        % {"mb": max_attachment_bytes // (1024 * 1024)},
                    )
                )
                notes.append(
                    _("Attachment %(name)s was refused: it is larger than %(mb)s MB.")
                    % {"name": filename or "bijlage", "mb": max_attachment_bytes // (1024 * 1024)}
                )
            else:
                attachments.append(
                    AttachmentIn(
                        filename=filename or "bijlage",
                        content_type=content_type,
                        data=data,
                        size=len(data),
                    )
                )
            continue
        if content_type == "text/plain":
            plain.append(_decoded(part))
        elif content_type == "text/html":
            html_text.append(_decoded(part))
    if plain and any(p.strip() for p in plain):
        text = _tidy("\n\n".join(plain))
    elif html_text:
        text = html_to_text("\n".join(html_text))
        notes.append(_("HTML mail: shown as plain text."))
    else:
        text = ""
    if not text and not subject:
        text = _("(empty message)")
    return MessageIn(
        from_address=(reply_to[0] if reply_to else sender).lower(),
        from_name=sender_name[:200],
        subject=subject,
        text=text,
        message_id=message_id,
        in_reply_to=in_reply_to,
        references=references,
        to_addresses=[a for _n, a in getaddresses([_header(message, "To")]) if a][:50],
        sent_at=sent_at,
        raw=raw,
        attachments=attachments,
        is_auto_reply=is_auto_reply(message, subject, sender.lower()),
        notes=notes,
    )
