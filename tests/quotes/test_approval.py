"""Approval of quotes above the organisation's threshold: asked for by the maker, given or refused
by a manager (not the maker, unless they are the only manager), lost again by any later edit."""

import smtplib
from decimal import Decimal

import pytest
from django.core import mail
from django.core.mail import EmailMessage

from tests.accounts.factories import UserFactory
from wendbaar.audit.models import AuditEvent
from wendbaar.common.errors import BusinessRuleError
from wendbaar.quotes import notify, services
from wendbaar.quotes.choices import QuoteStatus
from wendbaar.quotes.selectors import quote_settings_get

pytestmark = pytest.mark.django_db


@pytest.fixture
def sales(team_a):
    return UserFactory(
        email="sanne@example.nl", full_name="Sanne Verkoop", teams=[team_a], role_codes=["sales"]
    )


@pytest.fixture
def manager(team_a):
    return UserFactory(
        email="manager@example.nl", full_name="Mark Manager", teams=[team_a], role_codes=["manager"]
    )


@pytest.fixture
def threshold():
    settings = quote_settings_get()
    settings.approval_threshold = Decimal("1000.00")
    settings.save()
    return settings


def _quote(actor, price):
    quote = services.quote_create(actor=actor, customer_name="Fam. Jansen")
    line = services.quote_line_add(
        quote=quote, actor=actor, description="Warmtepomp", unit_price=Decimal(price)
    )
    quote.refresh_from_db()
    return quote, line


def test_issuing_above_the_threshold_without_approval_is_refused(sales, threshold):
    quote, _line = _quote(sales, "1000.00")  # 1210.00 incl. VAT
    with pytest.raises(BusinessRuleError, match="must approve") as exc:
        services.quote_status_set(quote=quote, actor=sales, status=QuoteStatus.ISSUED)
    assert exc.value.code == "approval_required"
    assert "1210.00" in str(exc.value)
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.DRAFT
    assert not quote.versions.exists()


def test_below_the_threshold_issues_without_approval(sales, threshold):
    quote, _line = _quote(sales, "826.44")  # 999.99 incl. VAT
    services.quote_status_set(quote=quote, actor=sales, status=QuoteStatus.ISSUED)
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.ISSUED


def test_request_approve_issue(sales, manager, threshold):
    quote, _line = _quote(sales, "1000.00")
    services.quote_approval_request(quote=quote, actor=sales, note="graag vandaag")
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.IN_APPROVAL
    assert quote.approval_requested_at is not None
    with pytest.raises(BusinessRuleError, match="Only a manager"):
        services.quote_approve(quote=quote, actor=sales)
    services.quote_approve(quote=quote, actor=manager, total_seen=Decimal("1210.00"))
    quote.refresh_from_db()
    assert (quote.status, quote.approved_by, quote.approved_at is not None) == (
        QuoteStatus.DRAFT,
        manager,
        True,
    )
    services.quote_status_set(quote=quote, actor=sales, status=QuoteStatus.ISSUED)
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.ISSUED
    actions = list(
        AuditEvent.objects.filter(object_id=str(quote.pk), action__contains="approv")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["quotes.quote_approval_requested", "quotes.quote_approved"]


def test_an_edit_after_approval_loses_it(sales, manager, threshold):
    quote, line = _quote(sales, "1000.00")
    services.quote_approval_request(quote=quote, actor=sales)
    services.quote_approve(quote=quote, actor=manager)
    services.quote_line_update(line=line, actor=sales, quantity="2")
    quote.refresh_from_db()
    assert quote.approved_at is None and quote.approved_by is None
    assert AuditEvent.objects.filter(action="quotes.quote_approval_lost").count() == 1
    with pytest.raises(BusinessRuleError, match="must approve"):
        services.quote_status_set(quote=quote, actor=sales, status=QuoteStatus.ISSUED)


def test_approval_of_a_changed_quote_is_refused(sales, manager, threshold):
    quote, line = _quote(sales, "1000.00")
    services.quote_approval_request(quote=quote, actor=sales)
    services.quote_line_update(line=line, actor=sales, unit_price="1100")
    with pytest.raises(BusinessRuleError, match="changed while you looked"):
        services.quote_approve(quote=quote, actor=manager, total_seen=Decimal("1210.00"))
    quote.refresh_from_db()
    assert quote.approved_at is None


def test_reject_needs_a_note_and_returns_the_quote_to_draft(sales, manager, threshold):
    quote, _line = _quote(sales, "1000.00")
    services.quote_approval_request(quote=quote, actor=sales)
    with pytest.raises(BusinessRuleError, match="has to change"):
        services.quote_approval_reject(quote=quote, actor=manager, note=" ")
    services.quote_approval_reject(quote=quote, actor=manager, note="Marge te laag")
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.DRAFT and quote.approved_at is None
    event = AuditEvent.objects.get(action="quotes.quote_approval_rejected")
    assert event.data["note"] == "Marge te laag"
    with pytest.raises(BusinessRuleError, match="not waiting"):
        services.quote_approve(quote=quote, actor=manager)


def test_maker_may_not_approve_own_quote_unless_the_only_manager(manager, threshold, team_a):
    quote, _line = _quote(manager, "1000.00")
    services.quote_approval_request(quote=quote, actor=manager)
    other = UserFactory(email="tweede@example.nl", teams=[team_a], role_codes=["manager"])
    with pytest.raises(BusinessRuleError, match="another manager"):
        services.quote_approve(quote=quote, actor=manager)
    other.is_active = False
    other.save()
    services.quote_approve(quote=quote, actor=manager)
    quote.refresh_from_db()
    assert quote.approved_by == manager


def test_no_threshold_means_no_approval_needed(sales):
    quote, _line = _quote(sales, "50000.00")
    assert not services.quote_approval_needed(quote)
    services.quote_status_set(quote=quote, actor=sales, status=QuoteStatus.ISSUED)


# --- mails around approval -----------------------------------------------------------------------


def test_asking_for_approval_mails_every_manager_who_may_approve_in_their_language(
    sales, manager, threshold, team_a, django_capture_on_commit_callbacks
):
    english = UserFactory(
        email="boss@example.nl", full_name="Bo Boss", teams=[team_a], role_codes=["admin"]
    )
    english.language = "en"
    english.save()
    UserFactory(email="weg@example.nl", teams=[team_a], role_codes=["manager"], is_active=False)
    quote, _line = _quote(sales, "1000.00")
    with django_capture_on_commit_callbacks(execute=True):
        services.quote_approval_request(
            quote=quote, actor=sales, note="Graag vandaag", base_url="http://wb.example/"
        )
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {"manager@example.nl", "boss@example.nl"}
    dutch, en = by_address["manager@example.nl"], by_address["boss@example.nl"]
    assert quote.number in dutch.subject and "goedkeuring" in dutch.subject
    assert "Sanne Verkoop" in dutch.body and "Graag vandaag" in dutch.body
    assert "€ 1210,00" in dutch.body and "Fam. Jansen" in dutch.body
    assert f"http://wb.example/quotes/{quote.pk}/" in dutch.body
    assert en.subject == f"Quote {quote.number} waits for your approval"
    event = AuditEvent.objects.get(action="quotes.quote_approval_notified")
    assert sorted(event.data["to"]) == ["boss@example.nl", "manager@example.nl"]
    assert event.data["event"] == "requested"


def test_the_maker_hears_the_answer_and_the_reason(
    sales, manager, threshold, django_capture_on_commit_callbacks
):
    quote, _line = _quote(sales, "1000.00")
    services.quote_approval_request(quote=quote, actor=sales)
    with django_capture_on_commit_callbacks(execute=True):
        services.quote_approval_reject(quote=quote, actor=manager, note="Marge te laag")
    assert [m.to for m in mail.outbox] == [["sanne@example.nl"]]
    assert "Mark Manager" in mail.outbox[0].body and "Marge te laag" in mail.outbox[0].body
    assert "teruggestuurd" in mail.outbox[0].subject
    mail.outbox.clear()
    services.quote_approval_request(quote=quote, actor=sales)
    with django_capture_on_commit_callbacks(execute=True):
        services.quote_approve(quote=quote, actor=manager)
    assert [m.to for m in mail.outbox] == [["sanne@example.nl"]]
    assert "goedgekeurd" in mail.outbox[0].subject


def test_nobody_is_mailed_about_their_own_action_or_an_answered_request(
    manager, threshold, django_capture_on_commit_callbacks
):
    quote, _line = _quote(manager, "1000.00")  # the only manager asks, then approves, themselves
    with django_capture_on_commit_callbacks(execute=True):
        services.quote_approval_request(quote=quote, actor=manager)
        services.quote_approve(quote=quote, actor=manager)
    assert mail.outbox == []
    assert not AuditEvent.objects.filter(action="quotes.quote_approval_notified").exists()


def test_a_refused_address_does_not_cost_the_others_their_mail(
    sales, manager, threshold, team_a, monkeypatch
):
    UserFactory(email="boss@example.nl", teams=[team_a], role_codes=["admin"])
    quote, _line = _quote(sales, "1000.00")
    quote = services.quote_approval_request(quote=quote, actor=sales, notify=False)
    sent = []

    def send(message, fail_silently=False):
        if message.to == ["manager@example.nl"]:
            raise smtplib.SMTPRecipientsRefused({"manager@example.nl": (550, b"no such user")})
        sent.append(message.to)
        return 1

    monkeypatch.setattr(EmailMessage, "send", send)
    assert notify.quote_approval_notify(quote=quote, event="requested", actor_id=sales.pk) == [
        "boss@example.nl"
    ]
    assert sent == [["boss@example.nl"]]
    failed = AuditEvent.objects.get(action="quotes.quote_approval_notify_failed")
    assert failed.data == {"to": "manager@example.nl", "event": "requested"}
