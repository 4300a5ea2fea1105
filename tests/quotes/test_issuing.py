"""Issuing and sending quotes: status, stored PDF, fresh accept link, real SMTP, nothing half-saved,
permissions; the issue panel, the CLI for expiry, and the API for issue and send."""

import email
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import formats, timezone, translation

from tests.accounts.factories import UserFactory
from tests.conftest import free_port
from wendbaar.accounts.selectors import organisation_get
from wendbaar.audit.models import AuditEvent
from wendbaar.common.errors import BusinessRuleError
from wendbaar.quotes import issuing, services
from wendbaar.quotes.models import Quote, QuoteTemplate

pytestmark = pytest.mark.django_db

BASE = "https://wendbaar.example/"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.WENDBAAR_BASE_URL = ""  # links come from the request unless a test configures one


@pytest.fixture
def seller(team_a):
    return UserFactory(
        email="verkoop@example.nl", full_name="Sanne Verkoop", teams=[team_a], role_codes=["sales"]
    )


@pytest.fixture
def outsider(team_b):
    """Signed in, but does not work on quotes."""
    return UserFactory(email="buiten@example.nl", teams=[team_b])


def make_template(**fields) -> QuoteTemplate:
    values = {
        "organisation": organisation_get(),
        "name": "Standaard",
        "is_default": True,
        "company_name": "Installatiebedrijf Warmte BV",
        "company_address": "Industrieweg 12\n3542 AD Utrecht",
        "company_email": "offerte@warmte.example",
        "kvk_number": "12345678",
        "vat_number": "NL001234567B01",
        "iban": "NL91 ABNA 0417 1643 00",
        "accent_colour": "#aa3300",
        "intro": "Beste {customer}, hierbij onze offerte.",
        "delivery_terms": "Levering binnen 10 werkdagen na akkoord.",
        "payment_terms": "Betaling binnen 14 dagen na factuurdatum.",
        "closing": "Met vriendelijke groet,",
        "validity_days": 30,
    }
    values.update(fields)
    return QuoteTemplate.objects.create(**values)


def make_quote(actor, *, lines=None, **fields) -> Quote:
    """A draft quote with a 21 %, a 9 % and a reverse-charged line."""
    quote = services.quote_create(
        actor=actor,
        customer_name="Fam. Jansen",
        customer_company="Bakkerij De Bol",
        customer_email="klant@example.com",
        customer_address="Dorpsstraat 1\n1234 AB Ergens",
    )
    for description, qty, price, rate in lines or [
        ("Radiator 60 cm", "3", "189.95", "21"),
        ("Isolatie spouwmuur", "12.5", "24.00", "9"),
        ("Onderaanneming dakwerk", "1", "850.00", "reverse"),
    ]:
        services.quote_line_add(
            quote=quote,
            actor=actor,
            description=description,
            quantity=Decimal(qty),
            unit="stuk",
            unit_price=Decimal(price),
            vat_rate=rate,
        )
    if fields:
        Quote.objects.filter(pk=quote.pk).update(**fields)
    quote.refresh_from_db()
    return quote


def wait_for(smtp, count=1):
    deadline = time.monotonic() + 10
    while len(smtp.messages) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    return smtp.messages


# --- issue ---------------------------------------------------------------------------------------


def test_issue_sets_status_stores_pdf_and_a_fresh_link(seller):
    make_template()
    quote = make_quote(seller)
    issued = issuing.quote_issue(quote=quote, actor=seller)
    issued.refresh_from_db()
    assert issued.status == "issued" and issued.issued_at is not None
    assert issued.pdf and issued.pdf.read(5) == b"%PDF-"
    assert len(issued.accept_nonce) >= 24
    assert issued.template is not None and issued.template.name == "Standaard"
    assert issued.versions.count() == 1
    assert issued.sent_at is None  # issuing never sends
    assert AuditEvent.objects.filter(action="quotes.quote_issued", object_id=str(quote.pk)).exists()
    assert issuing.accept_token_quote(issuing.accept_token_make(issued)) == issued


def test_issuing_twice_is_refused_and_changes_nothing(seller):
    quote = issuing.quote_issue(quote=make_quote(seller), actor=seller)
    nonce = quote.accept_nonce
    with pytest.raises(BusinessRuleError):
        issuing.quote_issue(quote=quote, actor=seller)
    quote.refresh_from_db()
    assert quote.accept_nonce == nonce and quote.versions.count() == 1


def test_an_empty_quote_cannot_be_issued_and_leaves_no_pdf(seller, settings):
    quote = services.quote_create(actor=seller, customer_email="klant@example.com")
    with pytest.raises(BusinessRuleError):
        issuing.quote_issue(quote=quote, actor=seller)
    quote.refresh_from_db()
    assert quote.status == "draft" and not quote.pdf and not quote.accept_nonce
    assert not list((settings.MEDIA_ROOT).rglob("*.pdf")) if settings.MEDIA_ROOT.exists() else True


def test_a_failing_pdf_rolls_everything_back(seller, monkeypatch):
    quote = make_quote(seller)

    def broken(quote):
        raise RuntimeError("renderer broke")

    monkeypatch.setattr(issuing.pdf, "quote_pdf_render", broken)
    with pytest.raises(RuntimeError):
        issuing.quote_issue(quote=quote, actor=seller)
    quote.refresh_from_db()
    assert quote.status == "draft" and not quote.accept_nonce and quote.versions.count() == 0


def test_an_expired_validity_restarts_from_the_template_on_issue(seller):
    make_template(validity_days=14)
    quote = make_quote(seller, valid_until=timezone.localdate() - timedelta(days=3))
    issued = issuing.quote_issue(quote=quote, actor=seller)
    assert issued.valid_until == timezone.localdate() + timedelta(days=14)
    snapshot = issued.versions.get().snapshot
    assert snapshot["valid_until"] == issued.valid_until.isoformat()


def test_someone_who_does_not_work_on_quotes_cannot_issue(seller, outsider):
    quote = make_quote(seller)
    with pytest.raises(BusinessRuleError):
        issuing.quote_issue(quote=quote, actor=outsider)
    quote.refresh_from_db()
    assert quote.status == "draft"


def test_renewing_the_link_invalidates_the_old_one(seller):
    quote = issuing.quote_issue(quote=make_quote(seller), actor=seller)
    old = issuing.accept_token_make(quote)
    renewed = issuing.quote_accept_link_renew(quote=quote, actor=seller)
    assert issuing.accept_token_quote(old) is None
    assert issuing.accept_token_quote(issuing.accept_token_make(renewed)) == renewed


# --- send ----------------------------------------------------------------------------------------


def test_send_mails_pdf_and_accept_link_over_real_smtp(seller, smtp_server):
    make_template()
    quote = issuing.quote_issue(quote=make_quote(seller), actor=seller)
    sent = issuing.quote_send(
        quote=quote,
        actor=seller,
        message="Beste familie Jansen,\n\nZoals besproken.",
        base_url="https://wendbaar.example/",
    )
    assert sent.sent_at is not None and sent.sent_to == "klant@example.com"
    envelope = wait_for(smtp_server)[0]
    assert envelope.rcpt_tos == ["klant@example.com"]
    message = email.message_from_bytes(envelope.content)
    assert quote.number in message["Subject"]
    assert message["Reply-To"] == "offerte@warmte.example"
    parts = {part.get_content_type(): part for part in message.walk()}
    body = parts["text/plain"].get_payload(decode=True).decode()
    token = issuing.accept_token_make(sent)
    assert f"https://wendbaar.example/quotes/accept/{token}/" in body
    assert "Zoals besproken." in body
    attachment = parts["application/pdf"]
    assert attachment.get_filename() == f"{quote.number}.pdf"
    assert attachment.get_payload(decode=True).startswith(b"%PDF-")
    event = AuditEvent.objects.get(action="quotes.quote_sent")
    assert event.actor_id == seller.pk and event.data["to"] == "klant@example.com"


def test_send_is_in_the_quotes_language(seller):
    make_template()
    quote = make_quote(seller, language="nl")
    quote = issuing.quote_issue(quote=quote, actor=seller)
    issuing.quote_send(quote=quote, actor=seller, base_url=BASE)
    assert formats.date_format(quote.valid_until, "j F Y") not in mail.outbox[0].body
    with translation.override("nl"):
        assert formats.date_format(quote.valid_until, "j F Y") in mail.outbox[0].body
    english = make_quote(seller, language="en")
    english = issuing.quote_issue(quote=english, actor=seller)
    issuing.quote_send(quote=english, actor=seller, base_url=BASE)
    assert mail.outbox[1].subject.startswith("Quote ")
    assert formats.date_format(english.valid_until, "j F Y") in mail.outbox[1].body


def test_a_refused_mail_records_nothing_as_sent(seller, settings):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 2},
        }
    }
    quote = issuing.quote_issue(quote=make_quote(seller), actor=seller)
    with pytest.raises(BusinessRuleError, match="nothing was sent") as caught:
        issuing.quote_send(quote=quote, actor=seller, base_url=BASE)
    assert caught.value.status_code == 502
    quote.refresh_from_db()
    assert quote.status == "issued"  # still issued: the PDF and link are valid
    assert quote.sent_at is None and quote.sent_to == ""
    assert not AuditEvent.objects.filter(action="quotes.quote_sent").exists()


def refusing_mail_server(settings):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 2},
        }
    }


def test_a_refused_mail_leaves_no_orphan_pdf(seller, settings):
    quote = issuing.quote_issue(quote=make_quote(seller), actor=seller)
    quote.pdf.storage.delete(quote.pdf.name)
    Quote.objects.filter(pk=quote.pk).update(pdf="")  # issued without a stored PDF (e.g. older)
    refusing_mail_server(settings)
    with pytest.raises(BusinessRuleError) as caught:
        issuing.quote_send(quote=quote, actor=seller, base_url=BASE)
    assert caught.value.code == "send_failed"
    quote.refresh_from_db()
    assert quote.status == "issued" and quote.sent_at is None and quote.sent_to == ""
    # The PDF made for the mail is the quote's own (the link in it is valid), never an orphan.
    root = settings.MEDIA_ROOT
    assert [p.relative_to(root).as_posix() for p in root.rglob("*.pdf")] == [quote.pdf.name]
    assert not AuditEvent.objects.filter(action="quotes.quote_sent").exists()


def test_a_send_failing_before_the_mail_removes_the_new_pdf(seller, settings):
    quote = issuing.quote_issue(quote=make_quote(seller), actor=seller)
    quote.pdf.storage.delete(quote.pdf.name)
    Quote.objects.filter(pk=quote.pk).update(pdf="")
    settings.WENDBAAR_BASE_URL = ""
    with pytest.raises(BusinessRuleError) as caught:
        issuing.quote_send(quote=quote, actor=seller)  # no address: the first step rolls back
    assert caught.value.code == "no_base_url"
    quote.refresh_from_db()
    assert not quote.pdf and quote.sent_at is None
    assert not list(settings.MEDIA_ROOT.rglob("*.pdf")) and not mail.outbox


def test_the_mail_is_sent_outside_any_transaction(seller, smtp_server, monkeypatch):
    from django.db import connection

    quote = issuing.quote_issue(quote=make_quote(seller), actor=seller)
    nonce = quote.accept_nonce
    seen = {}
    real_send = issuing.EmailMessage.send

    def send(self, *args, **kwargs):
        seen["atomic_blocks"] = len(connection.atomic_blocks)
        seen["committed_nonce"] = Quote.objects.get(pk=quote.pk).accept_nonce
        seen["sent_at"] = Quote.objects.get(pk=quote.pk).sent_at
        return real_send(self, *args, **kwargs)

    monkeypatch.setattr(issuing.EmailMessage, "send", send)
    outer = len(connection.atomic_blocks)  # the test's own wrapping transaction
    sent = issuing.quote_send(quote=quote, actor=seller, base_url=BASE)
    assert seen == {"atomic_blocks": outer, "committed_nonce": nonce, "sent_at": None}
    assert sent.sent_at is not None and sent.sent_to == "klant@example.com"
    assert wait_for(smtp_server)[0].rcpt_tos == ["klant@example.com"]
    assert AuditEvent.objects.filter(action="quotes.quote_sent").count() == 1


def test_the_configured_address_wins_over_the_requests_host(seller, settings):
    settings.WENDBAAR_BASE_URL = "https://offerte.example.nl"
    quote = issuing.quote_issue(quote=make_quote(seller), actor=seller)
    issuing.quote_send(quote=quote, actor=seller, base_url="https://evil.example/")
    body = mail.outbox[0].body
    assert "https://offerte.example.nl/quotes/accept/" in body and "evil.example" not in body
    assert issuing.accept_url(quote, base_url="https://evil.example/").startswith(
        "https://offerte.example.nl/quotes/accept/"
    )


def test_send_refuses_a_draft_a_bad_address_and_no_address(seller):
    draft = make_quote(seller)
    with pytest.raises(BusinessRuleError, match="Only an issued quote"):
        issuing.quote_send(quote=draft, actor=seller)
    quote = issuing.quote_issue(quote=make_quote(seller, customer_email=""), actor=seller)
    with pytest.raises(BusinessRuleError, match="no e-mail address"):
        issuing.quote_send(quote=quote, actor=seller)
    with pytest.raises(BusinessRuleError, match="not a valid e-mail address"):
        issuing.quote_send(quote=quote, actor=seller, to="klant@@example")
    quote.refresh_from_db()
    assert quote.sent_at is None and not mail.outbox


def test_send_needs_the_installations_address_for_the_link(seller, settings):
    settings.WENDBAAR_BASE_URL = ""
    quote = issuing.quote_issue(quote=make_quote(seller), actor=seller)
    with pytest.raises(BusinessRuleError, match="webadres van deze Wendbaar-installatie"):
        issuing.quote_send(quote=quote, actor=seller)
    quote.refresh_from_db()
    assert quote.sent_at is None and not mail.outbox
    settings.WENDBAAR_BASE_URL = "https://offerte.warmte.example"
    issuing.quote_send(quote=quote, actor=seller)
    assert "https://offerte.warmte.example/quotes/accept/" in mail.outbox[0].body


def test_send_refuses_an_expired_quote(seller):
    quote = issuing.quote_issue(quote=make_quote(seller), actor=seller)
    Quote.objects.filter(pk=quote.pk).update(valid_until=timezone.localdate() - timedelta(days=1))
    with pytest.raises(BusinessRuleError, match="expired"):
        issuing.quote_send(quote=quote, actor=seller)
    assert not mail.outbox


# --- browser -------------------------------------------------------------------------------------


def test_issue_and_send_from_the_panel(seller, client_for):
    make_template()
    quote = make_quote(seller)
    client = client_for(seller)
    page = client.get(reverse("quotes:quote_detail", args=[quote.pk]))
    assert page.status_code == 200
    assert b'data-testid="issue-button"' in page.content
    assert b'data-testid="send-form"' not in page.content
    response = client.post(reverse("quotes:quote_issue", args=[quote.pk]))
    assert response.status_code == 302
    quote.refresh_from_db()
    assert quote.status == "issued"
    page = client.get(reverse("quotes:quote_detail", args=[quote.pk]))
    assert b'data-testid="issue-button"' not in page.content
    assert b'data-testid="send-form"' in page.content
    assert reverse("quotes:quote_pdf", args=[quote.pk]).encode() in page.content
    response = client.post(
        reverse("quotes:quote_send", args=[quote.pk]), {"to": "inkoop@example.com", "message": ""}
    )
    assert response.status_code == 302
    quote.refresh_from_db()
    assert quote.sent_to == "inkoop@example.com" and mail.outbox[0].to == ["inkoop@example.com"]
    page = client.get(reverse("quotes:quote_detail", args=[quote.pk]))
    assert b"inkoop@example.com" in page.content and b'data-testid="issue-sent"' in page.content


def test_panel_shows_a_clear_message_when_sending_fails(seller, client_for, settings):
    quote = issuing.quote_issue(quote=make_quote(seller), actor=seller)
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 2},
        }
    }
    response = client_for(seller).post(
        reverse("quotes:quote_send", args=[quote.pk]), {"to": "klant@example.com"}, follow=True
    )
    assert b"er is niets verstuurd" in response.content
    quote.refresh_from_db()
    assert quote.sent_at is None


def test_pdf_download_and_preview(seller, client_for):
    quote = make_quote(seller)
    client = client_for(seller)
    preview = client.get(reverse("quotes:quote_pdf", args=[quote.pk]))
    assert preview.status_code == 200 and preview.content.startswith(b"%PDF-")
    assert "concept" in preview["Content-Disposition"]
    issuing.quote_issue(quote=quote, actor=seller)
    stored = client.get(reverse("quotes:quote_pdf", args=[quote.pk]))
    assert stored.status_code == 200
    assert b"".join(stored.streaming_content).startswith(b"%PDF-")
    assert f"{quote.number}.pdf" in stored["Content-Disposition"]


def test_colleagues_without_quote_rights_get_404_everywhere(seller, outsider, client_for):
    quote = make_quote(seller)
    client = client_for(outsider)
    for name in ("quote_detail", "quote_pdf", "quote_export_csv", "quote_export_ubl"):
        assert client.get(reverse(f"quotes:{name}", args=[quote.pk])).status_code == 404, name
    for name in ("quote_issue", "quote_send", "quote_link_renew"):
        assert client.post(reverse(f"quotes:{name}", args=[quote.pk])).status_code == 404, name
    assert client.get(reverse("quotes:quotes_export")).status_code == 404
    quote.refresh_from_db()
    assert quote.status == "draft"


def test_issue_needs_a_post_and_sign_in(seller):
    quote = make_quote(seller)
    client = Client()
    assert client.post(reverse("quotes:quote_issue", args=[quote.pk])).status_code == 302
    quote.refresh_from_db()
    assert quote.status == "draft"


# --- expiry --------------------------------------------------------------------------------------


def test_expire_command_is_idempotent_and_audited(seller, capsys):
    old = issuing.quote_issue(quote=make_quote(seller), actor=seller)
    fresh = issuing.quote_issue(quote=make_quote(seller), actor=seller)
    draft = make_quote(seller, valid_until=timezone.localdate() - timedelta(days=5))
    Quote.objects.filter(pk=old.pk).update(valid_until=timezone.localdate() - timedelta(days=1))
    call_command("expire_quotes")
    assert "1 quote(s) expired." in capsys.readouterr().out
    statuses = dict(Quote.objects.values_list("pk", "status"))
    assert statuses == {old.pk: "expired", fresh.pk: "issued", draft.pk: "draft"}
    events = AuditEvent.objects.filter(action="quotes.quote_status_changed", object_id=str(old.pk))
    assert events.filter(data__to="expired").count() == 1
    call_command("expire_quotes")
    assert "0 quote(s) expired." in capsys.readouterr().out
    assert events.filter(data__to="expired").count() == 1


def test_expire_task_runs_the_same_job(seller):
    from wendbaar.quotes.tasks import quotes_expire_task

    quote = issuing.quote_issue(quote=make_quote(seller), actor=seller)
    Quote.objects.filter(pk=quote.pk).update(valid_until=timezone.localdate() - timedelta(days=1))
    result = quotes_expire_task.enqueue()
    assert result.return_value == 1
    quote.refresh_from_db()
    assert quote.status == "expired"


# --- API -----------------------------------------------------------------------------------------


def test_issue_and_send_over_the_api(seller, token_for, smtp_server):
    quote = make_quote(seller)
    api = Client()
    read_only = token_for(seller, ["quotes:read"])
    refused = api.post(f"/api/quotes/{quote.pk}/issue", HTTP_AUTHORIZATION=read_only)
    assert refused.status_code == 403
    auth = token_for(seller, ["quotes:read", "quotes:write"])
    response = api.post(f"/api/quotes/{quote.pk}/issue", HTTP_AUTHORIZATION=auth)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "issued" and response.json()["has_pdf"] is True
    again = api.post(f"/api/quotes/{quote.pk}/issue", HTTP_AUTHORIZATION=auth)
    assert again.status_code == 409
    response = api.post(
        f"/api/quotes/{quote.pk}/send",
        {"to": "inkoop@example.com", "message": "Zie bijlage."},
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
    )
    assert response.status_code == 200, response.content
    assert response.json()["sent_to"] == "inkoop@example.com"
    assert wait_for(smtp_server)[0].rcpt_tos == ["inkoop@example.com"]
    bad = api.post(
        f"/api/quotes/{quote.pk}/send",
        {"to": "nope"},
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
    )
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "bad_address"


def test_api_is_404_for_someone_outside_quotes(seller, outsider, token_for):
    quote = make_quote(seller)
    auth = token_for(outsider, ["quotes:read", "quotes:write"])
    api = Client()
    assert api.post(f"/api/quotes/{quote.pk}/issue", HTTP_AUTHORIZATION=auth).status_code == 404
    assert api.get(f"/api/quotes/{quote.pk}/pdf", HTTP_AUTHORIZATION=auth).status_code == 404
    quote.refresh_from_db()
    assert quote.status == "draft"


# --- approval (rules in services.quote_status_set) ----------------------------------------------


def test_above_the_threshold_issuing_waits_for_approval(seller, team_a, client_for):
    from wendbaar.quotes import selectors

    quote_settings = selectors.quote_settings_get()
    quote_settings.approval_threshold = Decimal("1000")
    quote_settings.save()
    quote = make_quote(seller)  # 1,866.52 incl. VAT
    response = client_for(seller).post(reverse("quotes:quote_issue", args=[quote.pk]), follow=True)
    assert b"moet de offerte goedkeuren" in response.content
    quote.refresh_from_db()
    assert quote.status == "draft" and not quote.pdf and not quote.accept_nonce
    manager = UserFactory(email="baas@example.nl", teams=[team_a], role_codes=["manager"])
    services.quote_approval_request(quote=quote, actor=seller)
    services.quote_approve(quote=quote, actor=manager)
    issued = issuing.quote_issue(quote=quote, actor=seller)
    assert issued.status == "issued" and issued.pdf
