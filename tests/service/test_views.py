"""The queue page, the ticket page, assignment, bulk actions, the about-to-breach view and
correcting triage in the browser."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.accounts.factories import UserFactory
from wendbaar.service import services
from wendbaar.service.models import Attachment, Ticket, TriageCorrection

pytestmark = pytest.mark.django_db


@pytest.fixture
def tickets(receive, queues):
    """Three tickets of team A's queue, whatever triage made of them."""
    made = {
        "low": receive("Graag informatie over een offerte, geen haast.", subject="Offerte"),
        "urgent": receive("Spoed! Lekkage, het water loopt.", subject="Lekkage", email="b@k.nl"),
        "high": receive("De ketel werkt niet, storing.", subject="Storing", email="c@k.nl"),
    }
    storingen = queues["storingen"]
    for priority, intake in made.items():
        ticket = intake.ticket
        ticket.priority, ticket.queue, ticket.team = priority, storingen, storingen.team
        ticket.visibility = "team"
        ticket.sla_due_at = services.sla_due(ticket=ticket)
        ticket.save()
    return {name: intake.ticket for name, intake in made.items()}


def test_queue_is_sorted_by_priority_then_deadline(alice, tickets, client_for):
    page = client_for(alice).get(reverse("service:home"))
    assert page.status_code == 200
    order = [t.pk for t in page.context["page"]]
    assert order == [tickets["urgent"].pk, tickets["high"].pk, tickets["low"].pk]


def test_filters_return_a_partial_for_htmx(alice, tickets, client_for):
    client = client_for(alice)
    response = client.get(reverse("service:home"), {"priority": "urgent"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and "Lekkage" in html and ">Storing</a>" not in html


def test_about_to_breach_shows_only_tickets_due_soon(alice, tickets, client_for):
    Ticket.objects.filter(pk=tickets["high"].pk).update(
        sla_due_at=timezone.now() + timedelta(hours=1)
    )
    Ticket.objects.exclude(pk=tickets["high"].pk).update(
        sla_due_at=timezone.now() + timedelta(days=3)
    )
    response = client_for(alice).get(reverse("service:home"), {"at_risk": "1"})
    assert [t.pk for t in response.context["page"]] == [tickets["high"].pk]


def test_someone_outside_the_team_sees_nothing_and_gets_404(bob, tickets, client_for):
    client = client_for(bob)
    assert list(client.get(reverse("service:home")).context["page"]) == []
    pk = tickets["urgent"].pk
    assert client.get(reverse("service:ticket_detail", args=[pk])).status_code == 404
    post = client.post(
        reverse("service:ticket_correct", args=[pk]), {"field": "priority", "value": "low"}
    )
    assert post.status_code == 404 and not TriageCorrection.objects.exists()


def test_ticket_page_shows_thread_triage_with_signals_and_escapes_customer_text(
    alice, receive, client_for
):
    ticket = receive(
        "<script>alert('x')</script> Lekkage in de badkamer!", subject="Lekkage"
    ).ticket
    html = (
        client_for(alice).get(reverse("service:ticket_detail", args=[ticket.pk])).content.decode()
    )
    assert "&lt;script&gt;" in html and "<script>alert" not in html
    assert 'data-testid="prediction-priority"' in html and "lekkage" in html
    assert "%" in html
    # the question can become a quote: the link preselects this ticket
    assert f"{reverse('quotes:quote_new')}?ticket={ticket.pk}" in html


def test_correcting_a_prediction_is_stored_and_moves_the_ticket(alice, bob, tickets, client_for):
    ticket = tickets["high"]
    response = client_for(alice).post(
        reverse("service:ticket_correct", args=[ticket.pk]),
        {"field": "queue", "value": "facturen"},
        HTTP_HX_REQUEST="true",
    )
    # The ticket left Alice's team: htmx is sent back to the queue.
    assert response.status_code == 200 and response["HX-Redirect"] == reverse("service:home")
    correction = TriageCorrection.objects.get()
    assert (correction.field, correction.predicted, correction.corrected) == (
        "queue",
        "storingen",
        "facturen",
    )
    ticket.refresh_from_db()
    assert ticket.queue.slug == "facturen" and ticket.queue_confidence == 1.0
    # The ticket went to the invoices team: now Bob's, no longer Alice's.
    assert (
        client_for(bob).get(reverse("service:ticket_detail", args=[ticket.pk])).status_code == 200
    )
    assert (
        client_for(alice).get(reverse("service:ticket_detail", args=[ticket.pk])).status_code == 404
    )


def test_a_new_priority_moves_the_deadline(alice, tickets, client_for):
    ticket = tickets["high"]
    before = ticket.sla_due_at
    response = client_for(alice).post(
        reverse("service:ticket_correct", args=[ticket.pk]),
        {"field": "priority", "value": "urgent"},
        HTTP_HX_REQUEST="true",
    )
    assert 'data-testid="prediction-priority"' in response.content.decode()
    assert "<html" not in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.priority == "urgent" and ticket.sla_due_at < before


def test_a_bad_correction_is_refused_clearly(alice, tickets, client_for):
    response = client_for(alice).post(
        reverse("service:ticket_correct", args=[tickets["low"].pk]),
        {"field": "priority", "value": "asap"},
        follow=True,
    )
    assert "asap is not a possible value here." in response.content.decode()
    assert not TriageCorrection.objects.exists()


def test_assign_by_hand_and_bulk_actions(alice, team_a, tickets, client_for):
    colleague = UserFactory(teams=[team_a], full_name="Carla Smit")
    client = client_for(alice)
    client.post(
        reverse("service:ticket_assign", args=[tickets["high"].pk]), {"assignee": colleague.pk}
    )
    tickets["high"].refresh_from_db()
    assert tickets["high"].assignee == colleague and tickets["high"].status == "open"
    mine = [tickets["urgent"].pk, tickets["high"].pk]
    client.post(reverse("service:bulk"), {"ticket": mine, "action": "priority", "value": "low"})
    assert set(Ticket.objects.filter(pk__in=mine).values_list("priority", flat=True)) == {"low"}
    client.post(reverse("service:bulk"), {"ticket": mine, "action": "close"})
    assert set(Ticket.objects.filter(pk__in=mine).values_list("status", flat=True)) == {"closed"}


def test_bulk_is_all_or_nothing(alice, bob, tickets, client_for):
    # Bob is not in the team: assigning him fails for every ticket, so none changes.
    mine = [tickets["urgent"].pk, tickets["high"].pk]
    response = client_for(alice).post(
        reverse("service:bulk"), {"ticket": mine, "action": "assign", "value": bob.pk}, follow=True
    )
    assert "not in the team" in response.content.decode()
    assert not Ticket.objects.filter(pk__in=mine, assignee__isnull=False).exists()


def test_bulk_goes_back_to_the_page_it_came_from_but_never_off_site(alice, tickets, client_for):
    mine = [tickets["urgent"].pk]
    client = client_for(alice)
    back = client.post(
        reverse("service:bulk"),
        {"ticket": mine, "action": "priority", "value": "low", "next": "/service/?at_risk=1"},
    )
    assert back.url == "/service/?at_risk=1"
    away = client.post(
        reverse("service:bulk"),
        {"ticket": mine, "action": "close", "next": "https://evil.example/phish"},
    )
    assert away.url == reverse("service:home")
    plain = client.post(reverse("service:bulk"), {"ticket": mine, "action": "close", "next": "foo"})
    assert plain.status_code == 302 and plain.url == "foo"  # a relative path of this site


def test_bulk_over_the_api_is_all_or_nothing_and_sees_only_visible_tickets(
    alice, bob, tickets, token_for
):
    from django.test import Client

    api = Client(HTTP_AUTHORIZATION=token_for(alice, ["service:write", "service:read"]))
    mine = [tickets["urgent"].pk, tickets["high"].pk]
    changed = api.post(
        "/api/service/tickets/bulk",
        {"tickets": mine, "action": "priority", "value": "low"},
        content_type="application/json",
    )
    assert changed.status_code == 200 and changed.json() == {"changed": 2}
    assert set(Ticket.objects.filter(pk__in=mine).values_list("priority", flat=True)) == {"low"}
    refused = api.post(
        "/api/service/tickets/bulk",
        {"tickets": mine, "action": "assign", "value": str(bob.pk)},
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert "not in the team" in refused.json()["error"]["message"]
    assert not Ticket.objects.filter(pk__in=mine, assignee__isnull=False).exists()
    services.ticket_assign(actor=alice, ticket=tickets["urgent"], assignee=alice)
    for value in ("99999", "²"):
        unknown = api.post(
            "/api/service/tickets/bulk",
            {"tickets": mine, "action": "assign", "value": value},
            content_type="application/json",
        )
        assert unknown.status_code == 400, value
    assert Ticket.objects.get(pk=tickets["urgent"].pk).assignee == alice  # nothing cleared
    outsider = Client(HTTP_AUTHORIZATION=token_for(bob, ["service:write", "service:read"]))
    hidden = outsider.post(
        "/api/service/tickets/bulk",
        {"tickets": mine, "action": "close"},
        content_type="application/json",
    )
    assert hidden.status_code == 404
    assert not Ticket.objects.filter(pk__in=mine, status="closed").exists()


def test_queue_page_query_count_does_not_grow_with_tickets(
    alice, receive, client_for, django_assert_max_num_queries
):
    for n in range(12):
        receive(f"Storing nummer {n}", subject=f"Storing {n}", email=f"k{n}@k.nl")
    client = client_for(alice)
    with django_assert_max_num_queries(20):
        client.get(reverse("service:home"))


def test_an_attachment_downloads_only_for_who_may_see_its_ticket(
    alice, bob, receive, queues, client_for
):
    intake = receive(
        "De ketel geeft een storing, foto bijgevoegd.",
        subject="Storing",
        attachments=[
            services.AttachmentIn(filename="ketel.txt", content_type="text/plain", data=b"E133"),
            services.AttachmentIn(
                filename="groot.pdf",
                content_type="application/pdf",
                data=None,
                refused="too large",
            ),
        ],
    )
    ticket, storingen = intake.ticket, queues["storingen"]
    ticket.queue, ticket.team, ticket.visibility = storingen, storingen.team, "team"
    ticket.save()
    kept = Attachment.objects.get(filename="ketel.txt")
    refused = Attachment.objects.get(filename="groot.pdf")
    url = reverse("service:attachment", args=[kept.pk])
    response = client_for(alice).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"E133"
    assert response["Content-Disposition"].startswith("attachment")
    assert client_for(bob).get(url).status_code == 404
    assert (
        client_for(alice).get(reverse("service:attachment", args=[refused.pk])).status_code == 404
    )
    assert Client().get(url).status_code == 404
