"""Mail in over a REAL IMAP server (pymap, started by the tests on 127.0.0.1): new mail by UID,
threads, resume after a crash or an outage without duplicates or loss, UIDVALIDITY changes,
automatic replies and loops, HTML, encodings, malformed MIME, huge attachments, mail bombs."""

import imaplib
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import free_port
from wendbaar.service import mailbox, services
from wendbaar.service.models import Attachment, MailboxState, Message, Rule, Ticket

pytestmark = pytest.mark.django_db

USER, PASSWORD = "service", "geheim-42"


def _pymap() -> str:
    found = Path(sys.executable).with_name("pymap")
    return str(found) if found.exists() else (shutil.which("pymap") or "pymap")


class ImapServer:
    def __init__(self):
        self.port = free_port()
        self.process = subprocess.Popen(
            [
                _pymap(),
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--no-tls",
                "dict",
                "--demo-user",
                USER,
                "--demo-password",
                PASSWORD,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            self.stop()
            raise RuntimeError("pymap did not start")

    @property
    def url(self) -> str:
        return f"imap://{USER}:{PASSWORD}@127.0.0.1:{self.port}/INBOX"

    def append(self, raw: bytes | str):
        raw = raw.encode() if isinstance(raw, str) else raw
        conn = imaplib.IMAP4("127.0.0.1", self.port)
        conn.login(USER, PASSWORD)
        assert conn.append("INBOX", None, None, raw.replace(b"\n", b"\r\n"))[0] == "OK"
        conn.logout()

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def imap():
    server = ImapServer()
    yield server
    server.stop()


def mail(
    n,
    *,
    sender="jan@klant.nl",
    subject="Storing ketel",
    body="De ketel werkt niet.",
    headers="",
    reply_to="",
):
    extra = f"In-Reply-To: {reply_to}\nReferences: {reply_to}\n" if reply_to else ""
    return (
        f"From: Jan Bakker <{sender}>\nTo: service@warmtewerk.test\nSubject: {subject}\n"
        f"Message-ID: <m{n}@klant.nl>\nDate: Mon, 07 Dec 2026 09:0{n % 10}:00 +0100\n{extra}{headers}"
        f"MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n{body}\n"
    )


def test_new_mail_becomes_tickets_and_replies_join_their_thread(imap, queues):
    imap.append(mail(1))
    imap.append(mail(2, sender="els@klant.nl", subject="Factuur", body="Factuur 12 klopt niet."))
    imap.append(
        mail(3, subject="Re: Storing ketel", body="Nog steeds koud!", reply_to="<m1@klant.nl>")
    )
    result = mailbox.mailbox_poll(url=imap.url)
    assert (result.fetched, result.tickets, result.replies) == (3, 2, 1)
    storing = Ticket.objects.get(customer__email="jan@klant.nl")
    assert storing.queue.slug == "storingen" and storing.messages.count() == 2
    assert storing.messages.first().raw.read().startswith(b"From: Jan Bakker")
    state = MailboxState.objects.get()
    assert state.last_uid > 0 and state.uidvalidity > 0 and state.last_error == ""
    again = mailbox.mailbox_poll(url=imap.url)
    assert again.fetched == 0 and Message.objects.count() == 3


def test_a_crash_halfway_resumes_without_duplicates_or_loss(imap, queues, monkeypatch):
    for n in range(1, 4):
        imap.append(mail(n, sender=f"k{n}@klant.nl"))
    real = services.message_receive
    calls = {"n": 0}

    def crash_on_second(**kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise ConnectionResetError("worker killed")
        return real(**kwargs)

    monkeypatch.setattr(services, "message_receive", crash_on_second)
    with pytest.raises(mailbox.MailboxError, match="stopped answering"):
        mailbox.mailbox_poll(url=imap.url)
    assert Ticket.objects.count() == 1
    assert "worker killed" in MailboxState.objects.get().last_error
    monkeypatch.setattr(services, "message_receive", real)
    result = mailbox.mailbox_poll(url=imap.url)
    assert result.tickets == 2 and result.duplicates == 0
    assert sorted(Ticket.objects.values_list("customer__email", flat=True)) == [
        "k1@klant.nl",
        "k2@klant.nl",
        "k3@klant.nl",
    ]


def test_a_mailbox_that_is_down_is_reported_and_nothing_is_lost(imap, queues):
    imap.append(mail(1))
    down = f"imap://{USER}:{PASSWORD}@127.0.0.1:{free_port()}/INBOX"
    with pytest.raises(mailbox.MailboxError, match="Could not reach"):
        mailbox.mailbox_poll(url=down)
    assert PASSWORD not in str(MailboxState.objects.first() or "")
    assert mailbox.mailbox_poll(url=imap.url).tickets == 1


def test_a_new_uidvalidity_reads_again_without_duplicates(imap, queues):
    imap.append(mail(1))
    mailbox.mailbox_poll(url=imap.url)
    MailboxState.objects.update(uidvalidity=1, last_uid=10**9)
    result = mailbox.mailbox_poll(url=imap.url)
    assert result.duplicates == 1 and Ticket.objects.count() == 1


def test_mail_bombs_are_limited_per_poll_and_per_sender(imap, queues, settings):
    settings.SERVICE_MAX_TICKETS_PER_SENDER_PER_HOUR = 3
    for n in range(1, 8):
        imap.append(mail(n, subject=f"Bom {n}"))
    first = mailbox.mailbox_poll(url=imap.url, limit=5)
    assert first.fetched == 5 and first.left == 2
    mailbox.mailbox_poll(url=imap.url, limit=5)
    # Nothing lost, but one sender opens at most 3 tickets an hour; the rest joins the last one.
    assert Message.objects.count() == 7 and Ticket.objects.count() == 3


def test_auto_replies_and_our_own_mail_are_never_answered(
    imap, queues, organisation, smtp_server, django_capture_on_commit_callbacks
):
    Rule.objects.create(
        organisation=organisation,
        name="Ontvangstbevestiging",
        conditions={},
        actions=[{"action": "reply", "text": "Bedankt, we hebben uw vraag ontvangen."}],
    )
    imap.append(mail(1))
    with django_capture_on_commit_callbacks(execute=True):  # the confirmation goes after commit
        mailbox.mailbox_poll(url=imap.url)
    ticket = Ticket.objects.get()
    assert ticket.messages.filter(direction="out").count() == 1  # the rule's confirmation
    imap.append(
        mail(
            2,
            subject="Automatisch antwoord: Storing ketel",
            reply_to="<m1@klant.nl>",
            headers="Auto-Submitted: auto-replied\n",
        )
    )
    imap.append(
        mail(3, sender="afwezig@klant.nl", subject="Out of office", headers="X-Autoreply: yes\n")
    )
    imap.append(mail(4, sender="x@klant.nl", subject="Nieuwsbrief", headers="Precedence: bulk\n"))
    imap.append(mail(5, sender="service@warmtewerk.test", subject="Re: Storing ketel [#1]"))
    with django_capture_on_commit_callbacks(execute=True):
        result = mailbox.mailbox_poll(url=imap.url)
    assert result.ignored == 3 and result.replies == 1
    assert Ticket.objects.count() == 1
    auto = ticket.messages.get(message_id="<m2@klant.nl>")
    assert auto.is_auto_reply
    assert ticket.messages.filter(direction="out").count() == 1  # nothing sent to the auto-reply
    time.sleep(0.3)
    assert len(smtp_server.messages) == 1


HTML_MAIL = """From: Els <els@klant.nl>
Subject: =?iso-8859-1?q?Storing_warmtepomp_-_caf=E9?=
Message-ID: <h1@klant.nl>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: text/html; charset=iso-8859-1
Content-Transfer-Encoding: quoted-printable

<html><head><style>p{color:red}</style><script>alert('x')</script></head><body>
<p>Onze warmtepomp in het caf=E9 geeft <b>foutcode</b> E5.</p><img src=3D"http://track.example/p.gif" onerror=3D"alert(1)">
<a href=3D"javascript:alert(2)">klik</a></body></html>
--b1
Content-Type: application/pdf; name="groot.pdf"
Content-Disposition: attachment; filename="groot.pdf"
Content-Transfer-Encoding: base64

{big}
--b1
Content-Type: text/plain; name="klein.txt"; charset=x-unknown-charset
Content-Disposition: attachment; filename="klein.txt"

serienummer 123
--b1--
"""


def test_html_mail_is_plain_text_and_a_huge_attachment_is_refused(imap, queues, settings):
    import base64

    settings.SERVICE_MAX_ATTACHMENT_BYTES = 2000
    big = base64.encodebytes(b"%PDF" + b"x" * 5000).decode()
    imap.append(HTML_MAIL.replace("{big}", big))
    mailbox.mailbox_poll(url=imap.url)
    message = Message.objects.get()
    assert message.subject == "Storing warmtepomp - café"
    assert "Onze warmtepomp in het café geeft foutcode E5." in message.text
    assert "alert" not in message.text and "<" not in message.text and "color" not in message.text
    assert "HTML mail" in message.notes and "groot.pdf was refused" in message.notes
    refused = Attachment.objects.get(filename="groot.pdf")
    assert refused.refused and not refused.file
    kept = Attachment.objects.get(filename="klein.txt")
    assert b"serienummer 123" in kept.file.read()


BROKEN = b"""From: =?utf-8?b?SsO2cmc=?= <jorg@klant.de>
Subject: =?utf-8?q?Heizung_kaputt?= =?bogus?x?nonsense?=
Message-ID: <b1@klant.de>
Content-Type: multipart/alternative; boundary="missing-end"

--missing-end
Content-Type: text/plain; charset=latin-1
Content-Transfer-Encoding: 8bit

Die Heizung ist kaputt. Gr\xfc\xdfe aus K\xf6ln
"""


def test_malformed_mime_and_mixed_encodings_are_read_as_well_as_possible(imap, queues):
    imap.append(BROKEN)
    result = mailbox.mailbox_poll(url=imap.url)
    assert result.tickets == 1
    message = Message.objects.get()
    assert message.from_name == "Jörg" and message.from_address == "jorg@klant.de"
    assert "Grüße aus Köln" in message.text
    assert "not well-formed" in message.notes


def test_poll_mailbox_command(imap, queues):
    import io

    from django.core.management import call_command

    imap.append(mail(1))
    out = io.StringIO()
    call_command("poll_mailbox", url=imap.url, stdout=out)
    assert "1 fetched, 1 new tickets" in out.getvalue()
