"""Intake: the API, the public form (spam protection), CSV import; triage and SLA on arrival;
threads kept together; nothing half-saved on bad input."""

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.service.conftest import at
from wendbaar.common.errors import BusinessRuleError
from wendbaar.service import forms, importer, services
from wendbaar.service.models import Customer, Message, Ticket

pytestmark = pytest.mark.django_db


def test_a_question_over_the_api_is_triaged_routed_and_given_a_deadline(alice, queues, token_for):
    response = Client().post(
        "/api/service/tickets",
        {
            "email": "Jan@Example.com",
            "name": "Jan Bakker",
            "subject": "Spoed: lekkage bij de cv-ketel",
            "text": "Er is een lekkage, het water loopt over de vloer. De ketel werkt niet.",
        },
        content_type="application/json",
        HTTP_AUTHORIZATION=token_for(alice, ["service:write", "service:read"]),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["customer_email"] == "jan@example.com"
    assert body["queue"] == "storingen" and body["team_id"] == queues["storingen"].team_id
    triage = body["triage"]
    assert triage["priority"]["value"] in ("high", "urgent") and triage["priority"]["signals"]
    assert triage["language"]["value"] == "nl" and 0 < triage["language"]["confidence"] <= 1
    assert triage["type"]["value"] == "incident"
    assert body["sla_due_at"] is not None
    assert body["messages"][0]["text"].startswith("Er is een lekkage")


def test_a_token_without_the_service_scope_is_refused(alice, queues, token_for):
    response = Client().post(
        "/api/service/tickets",
        {"email": "jan@example.com", "text": "Hallo"},
        content_type="application/json",
        HTTP_AUTHORIZATION=token_for(alice, ["meetings:write"]),
    )
    assert response.status_code == 403 and not Ticket.objects.exists()


def test_bad_input_over_the_api_saves_nothing(alice, queues, token_for):
    response = Client().post(
        "/api/service/tickets",
        {"email": "geen-adres", "subject": "Hoi", "text": "Hallo"},
        content_type="application/json",
        HTTP_AUTHORIZATION=token_for(alice, ["service:write"]),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "geen-adres is not a valid e-mail address" in response.json()["error"]["message"]
    assert not Ticket.objects.exists() and not Customer.objects.exists()


def test_a_reply_joins_its_thread_and_a_repeated_message_is_stored_once(receive):
    first = receive("Mijn ketel geeft foutcode E12.", message_id="<a1@klant.nl>")
    again = receive("Mijn ketel geeft foutcode E12.", message_id="<a1@klant.nl>")
    assert again.duplicate and again.ticket == first.ticket
    follow = receive(
        "Hij doet het nog steeds niet.",
        subject="Re: Vraag",
        message_id="<a2@klant.nl>",
        in_reply_to="<a1@klant.nl>",
        references=["<a1@klant.nl>"],
    )
    assert not follow.created and follow.ticket == first.ticket
    assert Ticket.objects.count() == 1 and Message.objects.count() == 2
    # The [#id] in a subject threads too, but only for the same customer.
    tagged = receive("Nog een vraag", subject=f"Re: Vraag [#{first.ticket.pk}]")
    assert tagged.ticket == first.ticket
    other = receive("Nog een vraag", subject=f"Re: [#{first.ticket.pk}]", email="x@other.nl")
    assert other.created and other.ticket != first.ticket


def test_the_same_customer_is_recognised_by_address(receive):
    receive("Vraag een", email="Piet@Example.com")
    receive("Vraag twee", email="piet@example.com", subject="Andere vraag")
    assert Customer.objects.count() == 1 and Ticket.objects.count() == 2


def test_an_auto_reply_opens_no_ticket(receive):
    intake = receive("Ik ben afwezig tot maandag.", is_auto_reply=True)
    assert intake.ticket is None and not Ticket.objects.exists()


def _stamp(seconds_ago):
    signer = signing.TimestampSigner(salt="service.contact-form")
    import time
    from unittest import mock

    with mock.patch("time.time", return_value=time.time() - seconds_ago):
        return signer.sign("contact")


def _post_form(client, stamp, **extra):
    data = {
        "name": "Jan",
        "email": "jan@example.com",
        "subject": "Offerte warmtepomp",
        "text": "Graag een offerte voor een warmtepomp.",
        "stamp": stamp,
        **extra,
    }
    return client.post(reverse("service:contact"), data)


def test_the_public_form_takes_a_question_without_signing_in(queues):
    client = Client()
    page = client.get(reverse("service:contact"))
    assert page.status_code == 200 and 'name="website"' in page.content.decode()
    response = _post_form(client, _stamp(30))
    assert response.status_code == 302 and response.url == reverse("service:contact_thanks")
    ticket = Ticket.objects.get()
    assert ticket.channel == "form" and ticket.ticket_type == "request"


@pytest.mark.parametrize(
    "stamp, extra",
    [
        (lambda: _stamp(30), {"website": "http://spam.example"}),  # honeypot
        (lambda: _stamp(0), {}),  # faster than a person types
        (lambda: _stamp(3 * 24 * 3600), {}),  # a replayed old page
        (lambda: "forged:stamp", {}),
    ],
)
def test_spam_on_the_public_form_is_thanked_and_dropped(queues, stamp, extra):
    response = _post_form(Client(), stamp(), **extra)
    assert response.status_code == 302 and not Ticket.objects.exists()


def test_the_public_form_is_rate_limited_per_address(queues):
    from django.core.cache import cache

    cache.clear()
    client = Client()
    for _ in range(5):
        assert _post_form(client, _stamp(30)).status_code == 302
    blocked = _post_form(client, _stamp(30))
    assert blocked.status_code == 429 and "Too many questions" in blocked.content.decode()
    assert Ticket.objects.count() == 5
    cache.clear()


def test_form_stamp_is_fresh():
    assert forms.form_stamp().startswith("contact:")


CSV = """id;email;naam;onderwerp;tekst;ontvangen;status;prioriteit;wachtrij;type
T-1;a@klant.nl;Anna;Factuur klopt niet;Het bedrag op factuur 123 is te hoog.;2026-11-02 10:00;closed;laag;facturen;billing
T-2;geen-adres;Bert;Storing;Ketel kapot;2026-11-03;closed;high;storingen;incident
T-3;c@klant.nl;Cor;Storing;Ketel kapot;03-11-2026;closed;hoog;onbekend;incident
T-4;d@klant.nl;Dirk;Lekkage;Water in de meterkast;gisteren;closed;urgent;storingen;incident
T-5;e@klant.nl;Eva;Lekkage;Water in de meterkast;2026-11-04T08:00:00;closed;urgent;storingen;incident
"""


def test_csv_import_keeps_good_rows_and_says_what_is_wrong_with_each_bad_row(alice, queues):
    report = importer.tickets_import(actor=alice, data=CSV.encode())
    assert report.imported == 2 and report.skipped == 3
    assert report.messages[0].startswith("Row 3: geen-adres is not a valid e-mail address")
    assert report.messages[1] == "Row 4: Unknown queue onbekend."
    assert report.messages[2].startswith("Row 5: gisteren is not a date")
    billing = Ticket.objects.get(external_ref="T-1")
    assert billing.priority == "low" and billing.priority_confidence == 1.0
    assert billing.queue == queues["facturen"] and billing.team == queues["facturen"].team
    assert billing.status == "closed" and billing.received_at == at(2026, 11, 2, 10, 0)
    assert not Customer.objects.filter(email__in=["c@klant.nl", "d@klant.nl"]).exists()
    again = importer.tickets_import(actor=alice, data=CSV.encode())
    assert again.imported == 0 and "Row 2: Ticket T-1 was imported before." in again.messages


def test_a_long_historic_thread_and_nul_characters_are_imported(alice, queues):
    thread = "Eerder bericht. " * 12_000  # about 190 KB, past the csv module's default field limit
    data = (
        "id;email;subject;text;received_at\n"
        "L-1;a@klant.nl;Kort;Ketel kapot;2026-11-02\n"
        f'L-2;b@klant.nl;Lang;"{thread}";2026-11-03\n'
        "L-3;c@klant.nl;Nul\x00teken;Ketel\x00 kapot;2026-11-04\n"
    ).encode()
    report = importer.tickets_import(actor=alice, data=data)
    assert report.imported == 3 and report.skipped == 0, report.messages
    long = Ticket.objects.get(external_ref="L-2")
    assert long.messages.get().text.startswith("Eerder bericht.")
    nul = Ticket.objects.get(external_ref="L-3")
    assert nul.subject == "Nulteken" and "\x00" not in nul.messages.get().text


def test_csv_without_the_needed_columns_is_refused(alice):
    with pytest.raises(BusinessRuleError, match="header must name"):
        importer.tickets_import(actor=alice, data=b"foo,bar\n1,2\n")


def test_import_tickets_command(alice, queues, tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    path = tmp_path / "tickets.csv"
    path.write_text(CSV)
    import io

    out, err = io.StringIO(), io.StringIO()
    call_command("import_tickets", str(path), stdout=out, stderr=err)
    assert "2 tickets imported, 3 rows skipped." in out.getvalue()
    assert "Row 3:" in err.getvalue()
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_tickets", str(tmp_path / "nope.csv"))


def test_sla_deadline_counts_working_hours(receive, organisation):
    intake = receive(
        "Mijn ketel is kapot, storing.",
        subject="Storing",
        sent_at=at(2026, 12, 24, 16, 0),
    )
    ticket = intake.ticket
    assert ticket.priority == "high"  # 8 working hours
    # Thursday 16:00-17:00 is 1 hour, Christmas and the weekend are closed, Monday 08:30 + 7h.
    assert ticket.sla_due_at == at(2026, 12, 28, 15, 30)


def test_unrouted_ticket_is_for_service_agents(organisation, team_a):
    agent = UserFactory(role_codes=["service_agent"])
    other = UserFactory()
    intake = services.message_receive(
        incoming=services.MessageIn(from_address="x@klant.nl", subject="Hallo", text="Een vraag"),
        channel="email",
    )
    from wendbaar.service import selectors

    assert list(selectors.ticket_list(user=agent)) == [intake.ticket]
    assert list(selectors.ticket_list(user=other)) == []


def test_a_reply_threads_only_from_the_tickets_own_customer(receive):
    first = receive("Ketel kapot.", subject="Storing", email="jan@klant.nl", message_id="<t1@k.nl>")
    same = receive(
        "Nog steeds.", subject="Re: Storing", email="JAN@klant.nl", in_reply_to="<t1@k.nl>"
    )
    other = receive(
        "Ik lees mee.", subject="Re: Storing", email="iemand@elders.nl", in_reply_to="<t1@k.nl>"
    )
    assert same.ticket == first.ticket and not same.created
    assert other.created and other.ticket != first.ticket
    assert first.ticket.messages.count() == 2


def test_nul_characters_in_a_message_are_dropped_and_nothing_else(receive):
    intake = receive(
        "Ketel\x00 geeft F1", subject="Sto\x00ring", name="Ja\x00n", message_id="<n\x00ul@k.nl>"
    )
    message = intake.message
    assert message.subject == "Storing" and message.text == "Ketel geeft F1"
    assert message.from_name == "Jan" and message.message_id == "<nul@k.nl>"
