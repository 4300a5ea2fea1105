"""Rules: when (triage fields, words, customer, time) then (assign, tag, priority, template
reply, notify); validated with clear messages; a dry run on recent tickets; managers only."""

import time

import pytest
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.service.conftest import at
from wendbaar.audit.models import AuditEvent
from wendbaar.common.errors import BusinessRuleError
from wendbaar.service import rules, selectors, services
from wendbaar.service.models import Rule, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(team_a):
    return UserFactory(
        teams=[team_a], role_codes=["manager"], full_name="Mona Manager", language="en"
    )


def test_a_rule_assigns_tags_and_sets_priority_on_arrival(manager, alice, receive):
    rules.rule_save(
        actor=manager,
        name="Lekkages naar Alice",
        conditions={"words": ["lekkage", "lekt"], "customer": ["@vve.nl"]},
        actions=[
            {"action": "assign", "email": "alice@example.nl"},
            {"action": "tag", "tag": "Lekkage"},
            {"action": "priority", "value": "urgent"},
        ],
    )
    hit = receive("Het dak lekt boven de ketel.", subject="Lekkage", email="beheer@vve.nl").ticket
    miss = receive("Het dak lekt.", subject="Lekkage", email="jan@elders.nl").ticket
    hit.refresh_from_db()
    assert hit.assignee == alice and hit.priority == "urgent" and hit.priority_confidence == 1.0
    assert list(hit.tags.values_list("name", flat=True)) == ["lekkage"]
    assert miss.assignee is None and not miss.tags.exists()


def test_a_rule_routes_to_a_queue_whose_team_takes_the_ticket_over(manager, alice, bob, receive):
    rules.rule_save(
        actor=manager,
        name="VvE-facturen naar Projecten",
        conditions={"customer": ["@vve.nl"]},
        actions=[
            {"action": "queue", "queue": "facturen"},
            {"action": "assign", "email": "bob@example.nl"},
        ],
    )
    routed = receive("De ketel lekt, storing.", subject="Storing", email="beheer@vve.nl").ticket
    other = receive("De ketel lekt, storing.", subject="Storing", email="jan@elders.nl").ticket
    routed.refresh_from_db()
    other.refresh_from_db()
    assert routed.queue.slug == "facturen" and routed.queue_confidence == 1.0
    assert routed.team.slug == "projecten" and routed.assignee == bob
    assert other.queue.slug == "storingen" and other.team.slug == "service"
    visible_to_alice = set(selectors.ticket_list(user=alice).values_list("pk", flat=True))
    visible_to_bob = set(selectors.ticket_list(user=bob).values_list("pk", flat=True))
    assert routed.pk in visible_to_bob and routed.pk not in visible_to_alice
    assert other.pk in visible_to_alice and other.pk not in visible_to_bob


def test_routing_away_lets_go_of_an_assignee_outside_the_new_team(manager, alice, receive):
    rules.rule_save(
        actor=manager,
        name="Eerst Alice, dan facturen",
        conditions={"words": ["factuur"]},
        actions=[
            {"action": "assign", "email": "alice@example.nl"},
            {"action": "queue", "queue": "facturen"},
        ],
    )
    ticket = receive("Mijn factuur klopt niet, de storing is opgelost.", subject="Factuur").ticket
    ticket.refresh_from_db()
    assert ticket.queue.slug == "facturen" and ticket.assignee is None


def test_a_template_reply_is_sent_once_and_never_to_an_auto_reply(
    manager, receive, smtp_server, django_capture_on_commit_callbacks
):
    rules.rule_save(
        actor=manager,
        name="Buiten kantoortijd",
        conditions={"outside_hours": True},
        actions=[{"action": "reply", "text": "We lezen uw bericht op de eerstvolgende werkdag."}],
    )
    with django_capture_on_commit_callbacks(execute=True):
        night = receive(
            "Storing!", subject="Storing", sent_at=at(2026, 12, 5, 23, 0), message_id="<n1@k.nl>"
        ).ticket
    with django_capture_on_commit_callbacks(execute=True):
        receive(
            "Nog iets",
            subject="Re: Storing",
            in_reply_to="<n1@k.nl>",
            sent_at=at(2026, 12, 5, 23, 30),
        )
    with django_capture_on_commit_callbacks(execute=True):
        day = receive(
            "Storing", subject="Storing", email="dag@k.nl", sent_at=at(2026, 12, 7, 10, 0)
        ).ticket
    with django_capture_on_commit_callbacks(execute=True):
        receive("Afwezig", subject="Out of office", email="ooo@k.nl", is_auto_reply=True)
    deadline = time.monotonic() + 5
    while not smtp_server.messages and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.2)
    assert [m.rcpt_tos for m in smtp_server.messages] == [["klant@example.com"]]
    assert night.messages.filter(direction="out").count() == 1
    assert not day.messages.filter(direction="out").exists()
    # Running the job again (a retry) sends nothing twice.
    rule = Rule.objects.get()
    assert rules.rule_reply_send(ticket_id=night.pk, rule_id=rule.pk) == "already"
    assert len(smtp_server.messages) == 1


def test_a_mail_server_that_is_down_costs_no_question(
    manager, receive, settings, client_for, django_capture_on_commit_callbacks
):
    from tests.conftest import free_port

    rules.rule_save(
        actor=manager,
        name="Altijd bevestigen",
        conditions={},
        actions=[{"action": "reply", "text": "Bedankt, we nemen contact op."}],
    )
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 2},
        }
    }
    with django_capture_on_commit_callbacks(execute=True):
        ticket = receive("De ketel lekt.", subject="Lekkage", email="piet@k.nl").ticket
    assert Ticket.objects.filter(pk=ticket.pk).exists()
    assert not ticket.messages.filter(direction="out").exists()
    failed = AuditEvent.objects.get(action="service.rule_reply_failed")
    assert failed.object_id == str(ticket.pk) and failed.data["error"]
    assert not AuditEvent.objects.filter(action="service.rule_reply").exists()


@pytest.mark.parametrize(
    "conditions, actions, message",
    [
        ({"colour": ["red"]}, [{"action": "tag", "tag": "x"}], "Unknown condition: colour."),
        ({}, [], "A rule needs at least one action."),
        ({"priority": ["asap"]}, [{"action": "tag", "tag": "x"}], "priority cannot be asap."),
        ({}, [{"action": "explode"}], "Action 1: unknown action"),
        ({}, [{"action": "assign", "email": "nobody@x.nl"}], "Action 1: no active person"),
        ({}, [{"action": "reply", "text": " "}], "Action 1: a template reply needs a text."),
        ({}, [{"action": "queue", "queue": "elders"}], "Action 1: no active queue with the code"),
    ],
)
def test_a_bad_rule_is_refused_with_a_clear_message(manager, conditions, actions, message):
    with pytest.raises(BusinessRuleError, match=message):
        rules.rule_save(actor=manager, name="R", conditions=conditions, actions=actions)
    assert not Rule.objects.exists()


def test_only_managers_set_up_rules(alice, client_for):
    with pytest.raises(BusinessRuleError, match="Only managers"):
        rules.rule_save(
            actor=alice, name="R", conditions={}, actions=[{"action": "tag", "tag": "x"}]
        )
    assert client_for(alice).get(reverse("service:rules")).status_code == 403


def test_a_reply_never_undoes_routing_or_assignment_but_may_raise_the_priority(
    manager, alice, bob, receive
):
    rules.rule_save(
        actor=manager,
        name="VvE naar facturen",
        conditions={"customer": ["@vve.nl"]},
        actions=[{"action": "queue", "queue": "facturen"}],
    )
    rules.rule_save(
        actor=manager,
        name="Spoed",
        conditions={"words": ["spoed"]},
        actions=[{"action": "priority", "value": "urgent"}],
    )
    rules.rule_save(
        actor=manager,
        name="Rustig",
        conditions={"words": ["geen haast"]},
        actions=[{"action": "priority", "value": "low"}],
    )
    first = receive(
        "De ketel lekt.", subject="Lekkage", email="beheer@vve.nl", message_id="<v1@vve.nl>"
    ).ticket
    first.refresh_from_db()
    assert first.queue.slug == "facturen"
    # Bob (Projecten) moves it to Storingen, where Alice takes it on.
    services.triage_correct(actor=bob, ticket=first, field_name="queue", value="storingen")
    services.ticket_assign(actor=manager, ticket=first, assignee=alice)
    receive("Nog steeds lek, spoed!", subject="Re: Lekkage", email="beheer@vve.nl",
            in_reply_to="<v1@vve.nl>", message_id="<v2@vve.nl>")  # fmt: skip
    first.refresh_from_db()
    assert first.queue.slug == "storingen" and first.assignee == alice
    assert first.priority == "urgent"  # raised by the reply
    receive("Nou, geen haast hoor.", subject="Re: Lekkage", email="beheer@vve.nl",
            in_reply_to="<v2@vve.nl>")  # fmt: skip
    first.refresh_from_db()
    assert first.priority == "urgent"  # a reply never lowers it
