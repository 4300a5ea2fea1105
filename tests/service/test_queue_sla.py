"""Response times per queue: a queue's own response time per priority overrides the
organisation's (counted in working hours), a priority it leaves out keeps the organisation's, a
ticket moved to another queue before it is answered gets the new queue's deadline, and only
managers change it (browser, API, service)."""

import json
import math

import pytest
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.service.conftest import at
from wendbaar.audit.models import AuditEvent
from wendbaar.common.errors import BusinessRuleError
from wendbaar.service import rules, services
from wendbaar.service.models import Queue, Ticket

pytestmark = pytest.mark.django_db

# The organisation keeps its defaults: Monday to Friday 08:30-17:00, urgent 4, high 8,
# medium 16 and low 40 working hours.


@pytest.fixture
def manager(team_a):
    return UserFactory(
        teams=[team_a], role_codes=["manager"], full_name="Mona Manager", language="en"
    )


@pytest.fixture
def storingen(queues):
    """Storingen answers faster: urgent within 2, high within 4 working hours."""
    queue = queues["storingen"]
    queue.response_hours = {"urgent": 2, "high": 4}
    queue.save(update_fields=["response_hours"])
    return queue


def _ticket(organisation, queue, priority, received_at) -> Ticket:
    return Ticket(
        organisation=organisation, queue=queue, priority=priority, received_at=received_at
    )


def test_a_queue_override_sets_the_deadline_in_working_hours(organisation, storingen, queues):
    # Friday 4 Dec 2026 16:00, urgent: 1 hour on Friday, the evening and the weekend are closed,
    # Monday from 08:30 another hour.
    urgent = _ticket(organisation, storingen, "urgent", at(2026, 12, 4, 16, 0))
    assert services.sla_due(ticket=urgent) == at(2026, 12, 7, 9, 30)
    # The same question in Facturen keeps the organisation's 4 hours: Monday 11:30.
    elsewhere = _ticket(organisation, queues["facturen"], "urgent", at(2026, 12, 4, 16, 0))
    assert services.sla_due(ticket=elsewhere) == at(2026, 12, 7, 11, 30)
    # Without a queue the organisation's counts too.
    assert services.sla_due(ticket=_ticket(organisation, None, "urgent", at(2026, 12, 4, 16, 0)))


def test_a_priority_the_queue_leaves_out_keeps_the_organisations(organisation, storingen):
    # Medium is not overridden: the organisation's 16 hours from Friday 15:00 are 2 on Friday,
    # 8.5 on Monday and 5.5 on Tuesday.
    medium = _ticket(organisation, storingen, "medium", at(2026, 12, 4, 15, 0))
    assert services.response_hours_for(ticket=medium) == 16
    assert services.sla_due(ticket=medium) == at(2026, 12, 8, 14, 0)


def test_a_new_ticket_in_an_overriding_queue_gets_its_deadline(storingen, receive):
    # As in test_intake: triage sends this to Storingen with high priority. High is 4 hours
    # here (the organisation's 8 would make it Monday 15:30): 1 on Thursday 24 Dec, Christmas
    # and the weekend closed, Monday 28 from 08:30 another 3.
    ticket = receive(
        "Mijn ketel is kapot, storing.", subject="Storing", sent_at=at(2026, 12, 24, 16, 0)
    ).ticket
    assert ticket.queue == storingen and ticket.priority == "high"
    assert ticket.sla_due_at == at(2026, 12, 28, 11, 30)


def _received(receive, queue, priority, **extra) -> Ticket:
    ticket = receive("Een vraag over mijn factuur.", subject="Factuur", **extra).ticket
    ticket.queue, ticket.priority = queue, priority
    ticket.received_at = at(2026, 12, 4, 15, 0)
    ticket.sla_due_at = services.sla_due(ticket=ticket)
    services._route(ticket)
    ticket.save()
    return ticket


def test_moving_an_unanswered_ticket_to_another_queue_moves_its_deadline(
    bob, queues, storingen, receive
):
    ticket = _received(receive, queues["facturen"], "high")
    # The organisation's 8 hours from Friday 15:00: 2 on Friday, Monday 08:30 + 6.
    assert ticket.sla_due_at == at(2026, 12, 7, 14, 30)
    services.triage_correct(actor=bob, ticket=ticket, field_name="queue", value="storingen")
    ticket.refresh_from_db()
    # Storingen's 4 hours: 2 on Friday, Monday 08:30 + 2.
    assert ticket.queue == storingen and ticket.sla_due_at == at(2026, 12, 7, 10, 30)


def test_an_answered_ticket_keeps_its_deadline_when_it_moves(
    bob, alice, queues, storingen, receive
):
    ticket = _received(receive, queues["facturen"], "high")
    ticket.first_response_at = at(2026, 12, 4, 15, 30)
    ticket.save(update_fields=["first_response_at"])
    services.triage_correct(actor=bob, ticket=ticket, field_name="queue", value="storingen")
    ticket.refresh_from_db()
    assert ticket.queue == storingen and ticket.sla_due_at == at(2026, 12, 7, 14, 30)
    # Routed back by a rule: still the deadline it had.
    services.ticket_route(ticket=ticket, queue=queues["facturen"])
    ticket.refresh_from_db()
    assert ticket.queue.slug == "facturen" and ticket.sla_due_at == at(2026, 12, 7, 14, 30)


def test_routing_by_a_rule_gives_an_unanswered_ticket_the_new_queues_deadline(
    queues, storingen, receive
):
    ticket = _received(receive, queues["facturen"], "urgent")
    assert ticket.sla_due_at == at(2026, 12, 7, 10, 30)  # the organisation's 4 hours
    services.ticket_route(ticket=ticket, queue=storingen)
    ticket.refresh_from_db()
    assert ticket.sla_due_at == at(2026, 12, 4, 17, 0)  # Storingen's 2: Friday 15:00-17:00


@pytest.mark.parametrize(
    "actions",
    [
        [{"action": "queue", "queue": "storingen"}, {"action": "priority", "value": "urgent"}],
        [{"action": "priority", "value": "urgent"}, {"action": "queue", "queue": "storingen"}],
    ],
    ids=["queue-then-priority", "priority-then-queue"],
)
def test_rule_actions_in_either_order_end_with_the_queues_deadline(
    manager, storingen, receive, actions
):
    rules.rule_save(actor=manager, name="Facturen met spoed", conditions={}, actions=actions)
    ticket = receive(
        "Een vraag over mijn factuur.", subject="Factuur", sent_at=at(2026, 12, 4, 16, 0)
    ).ticket
    ticket.refresh_from_db()
    assert ticket.queue == storingen and ticket.priority == "urgent"
    assert ticket.sla_due_at == at(2026, 12, 7, 9, 30)


def test_a_new_priority_uses_the_queues_response_time(alice, storingen, receive):
    ticket = _received(receive, storingen, "medium")
    assert ticket.sla_due_at == at(2026, 12, 8, 14, 0)  # the organisation's 16 hours
    services.triage_correct(actor=alice, ticket=ticket, field_name="priority", value="high")
    ticket.refresh_from_db()
    assert ticket.sla_due_at == at(2026, 12, 7, 10, 30)  # Storingen's 4 hours


def test_new_response_times_move_the_deadlines_of_unanswered_tickets_only(
    manager, alice, bob, queues, storingen, receive
):
    waiting = _received(receive, storingen, "high")
    answered = _received(receive, storingen, "high", email="ander@example.com")
    answered.first_response_at = at(2026, 12, 4, 15, 30)
    answered.save(update_fields=["first_response_at"])
    closed = _received(receive, storingen, "high", email="derde@example.com")
    closed.status = "closed"
    closed.save(update_fields=["status"])
    elsewhere = _received(receive, queues["facturen"], "high", email="vierde@example.com")
    assert waiting.sla_due_at == answered.sla_due_at == at(2026, 12, 7, 10, 30)  # 4 hours
    services.queue_save(
        actor=manager,
        queue=storingen,
        name="Storingen",
        slug="storingen",
        team=storingen.team,
        response_hours={"urgent": 1, "high": 2},
    )
    # High is now 2 working hours from Friday 15:00: Friday 17:00.
    for ticket in (waiting, answered, closed, elsewhere):
        ticket.refresh_from_db()
    assert waiting.sla_due_at == at(2026, 12, 4, 17, 0)
    # Answered and closed tickets keep what they were measured against; other queues are as
    # they were.
    assert answered.sla_due_at == closed.sla_due_at == at(2026, 12, 7, 10, 30)
    assert elsewhere.sla_due_at == at(2026, 12, 7, 14, 30)
    event = AuditEvent.objects.get(action="service.queue_changed")
    assert event.data["deadlines_moved"] == 1
    # The organisation's response times move the deadlines of every queue that has none of its
    # own for that priority.
    row = services.business_hours_get()
    services.business_hours_save(
        actor=manager,
        hours=row.hours,
        liberation_day=row.liberation_day,
        closed_days=row.closed_days,
        response_hours={**row.response_hours, "high": 1},
    )
    for ticket in (waiting, elsewhere):
        ticket.refresh_from_db()
    assert elsewhere.sla_due_at == at(2026, 12, 4, 16, 0)
    assert waiting.sla_due_at == at(2026, 12, 4, 17, 0)  # Storingen's own 2 hours still count
    event = AuditEvent.objects.get(action="service.business_hours_changed")
    assert event.data["deadlines_moved"] == 1


# -- validation -----------------------------------------------------------------------------------


def test_response_times_are_stored_cleanly(manager, queues):
    queue = services.queue_save(
        actor=manager,
        queue=queues["facturen"],
        name="Facturen",
        slug="facturen",
        response_hours={"urgent": 0.5, "high": 2.5, "medium": 8.0, "low": None},
    )
    assert queue.response_hours == {"medium": 8, "high": 2.5, "urgent": 0.5}
    changed = AuditEvent.objects.get(action="service.queue_changed").data["changed"]
    assert changed["response_hours"] == {"medium": 8, "high": 2.5, "urgent": 0.5}
    # Left out (None): the queue's response times stay as they are.
    queue = services.queue_save(
        actor=manager, queue=queue, name="Facturen", slug="facturen", description="Rekeningen."
    )
    assert Queue.objects.get(pk=queue.pk).response_hours == {
        "medium": 8,
        "high": 2.5,
        "urgent": 0.5,
    }


@pytest.mark.parametrize(
    "response_hours, message",
    [
        ({"urgent": 0}, "The response time for Urgent must be more than 0 and at most 1000"),
        ({"urgent": -1}, "The response time for Urgent must be more than 0 and at most 1000"),
        ({"high": 1000.5}, "The response time for High must be more than 0 and at most 1000"),
        ({"low": "veel"}, "The response time for Low must be more than 0 and at most 1000"),
        ({"medium": True}, "The response time for Medium must be more than 0 and at most 1000"),
        ({"urgent": math.nan}, "The response time for Urgent must be more than 0"),
        ({"critical": 2}, "Unknown priority critical (use low, medium, high, urgent)."),
        (["urgent", 2], "Give the response times per priority"),
    ],
)
def test_bad_response_times_are_refused_clearly_and_nothing_saved(
    manager, storingen, response_hours, message
):
    with pytest.raises(BusinessRuleError, match=message.replace("(", r"\(").replace(")", r"\)")):
        services.queue_save(
            actor=manager,
            queue=storingen,
            name="Storingen hernoemd",
            slug="storingen",
            response_hours=response_hours,
        )
    storingen.refresh_from_db()
    assert storingen.name == "Storingen" and storingen.response_hours == {"urgent": 2, "high": 4}
    with pytest.raises(BusinessRuleError):
        services.queue_save(
            actor=manager, name="Offertes", slug="offertes", response_hours=response_hours
        )
    assert not Queue.objects.filter(slug="offertes").exists()
    assert not AuditEvent.objects.filter(action__startswith="service.queue_").exists()


# -- the browser form -----------------------------------------------------------------------------


def _queue_post(**extra):
    data = {
        "name": "Storingen",
        "slug": "storingen",
        "description": "Storingen aan cv-ketels.",
        "cue_words": "storing",
        "team": "",
        "is_active": "on",
        "response_low": "",
        "response_medium": "",
        "response_high": "",
        "response_urgent": "",
    }
    data.update(extra)
    return data


def test_response_times_in_the_queue_form_round_trip(manager, queues, client_for):
    client = client_for(manager)
    queue = queues["storingen"]
    url = reverse("service:queue_edit", args=[queue.pk])
    page = client.get(url).content.decode()
    assert 'name="response_urgent"' in page and 'name="response_low"' in page
    assert "Urgent: response time (working hours)" in page
    assert "Empty: the organisation&#x27;s response time (4 working hours)." in page
    response = client.post(url, _queue_post(response_urgent="2", response_high="4.5"))
    assert response.status_code == 302
    queue.refresh_from_db()
    assert queue.response_hours == {"high": 4.5, "urgent": 2}
    changed = AuditEvent.objects.get(action="service.queue_changed").data["changed"]
    assert changed["response_hours"] == {"high": 4.5, "urgent": 2}
    page = client.get(url).content.decode()
    assert 'name="response_urgent" value="2"' in page
    assert 'name="response_high" value="4.5"' in page
    listed = client.get(reverse("service:queue_list")).content.decode()
    assert "Urgent: 2</span>" in listed and "High: 4.5</span>" in listed
    # Emptied again: the organisation's response times count.
    assert client.post(url, _queue_post()).status_code == 302
    queue.refresh_from_db()
    assert queue.response_hours == {}


def test_a_new_queue_from_the_form_with_its_own_response_time(manager, queues, client_for):
    response = client_for(manager).post(
        reverse("service:queue_create"),
        _queue_post(name="Spoed", slug="spoed", response_urgent="1"),
    )
    assert response.status_code == 302
    assert Queue.objects.get(slug="spoed").response_hours == {"urgent": 1}


@pytest.mark.parametrize(
    "extra, message",
    [
        ({"response_low": "-1"}, "greater than or equal to 0"),
        ({"response_high": "1001"}, "less than or equal to 1000"),
        ({"response_urgent": "snel"}, "Enter a number."),
    ],
)
def test_bad_response_times_in_the_form_are_refused(manager, storingen, client_for, extra, message):
    response = client_for(manager).post(
        reverse("service:queue_edit", args=[storingen.pk]), _queue_post(**extra)
    )
    assert response.status_code == 400 and message in response.content.decode()
    storingen.refresh_from_db()
    assert storingen.response_hours == {"urgent": 2, "high": 4}


# -- the API --------------------------------------------------------------------------------------


def test_response_times_over_the_api(manager, alice, queues, client, token_for):
    auth = token_for(manager, ["service:read", "service:write"])

    def call(method, path, body=None, token=auth):
        return getattr(client, method)(
            path,
            json.dumps(body) if body is not None else None,
            content_type="application/json",
            HTTP_AUTHORIZATION=token,
        )

    created = call(
        "post",
        "/api/service/queues",
        {"name": "Spoed", "slug": "spoed", "response_hours": {"urgent": 2, "high": 4}},
    )
    assert created.status_code == 201, created.content
    assert created.json()["response_hours"] == {"urgent": 2, "high": 4}
    path = f"/api/service/queues/{created.json()['id']}"
    assert call("get", path).json()["response_hours"] == {"urgent": 2, "high": 4}
    # Left out: unchanged. A null drops that priority's override.
    kept = call("put", path, {"name": "Spoed", "slug": "spoed", "description": "Nu."})
    assert kept.status_code == 200 and kept.json()["response_hours"] == {"urgent": 2, "high": 4}
    dropped = call(
        "put", path, {"name": "Spoed", "slug": "spoed", "response_hours": {"urgent": None}}
    )
    assert dropped.status_code == 200 and dropped.json()["response_hours"] == {}
    bad = call("put", path, {"name": "Spoed", "slug": "spoed", "response_hours": {"urgent": -2}})
    assert bad.status_code == 400
    assert "The response time for Urgent" in bad.json()["error"]["message"]
    unknown = call("put", path, {"name": "Spoed", "slug": "spoed", "response_hours": {"nu": 1}})
    assert (
        unknown.status_code == 400 and "Unknown priority nu" in unknown.json()["error"]["message"]
    )
    listed = {q["slug"]: q for q in call("get", "/api/service/queues").json()}
    assert listed["spoed"]["response_hours"] == {} and listed["storingen"]["response_hours"] == {}
    # An agent who is not a manager changes nothing.
    agent = token_for(alice, ["service:read", "service:write"])
    refused = call(
        "put",
        path,
        {"name": "Spoed", "slug": "spoed", "response_hours": {"urgent": 1}},
        token=agent,
    )
    assert refused.status_code == 403
    assert Queue.objects.get(slug="spoed").response_hours == {}


# -- agents ---------------------------------------------------------------------------------------


def test_agents_cannot_change_response_times(alice, storingen, client_for):
    response = client_for(alice).post(
        reverse("service:queue_edit", args=[storingen.pk]), _queue_post(response_urgent="1")
    )
    assert response.status_code == 403
    with pytest.raises(BusinessRuleError, match="Only managers"):
        services.queue_save(
            actor=alice,
            queue=storingen,
            name="Storingen",
            slug="storingen",
            response_hours={"urgent": 1},
        )
    storingen.refresh_from_db()
    assert storingen.response_hours == {"urgent": 2, "high": 4}
