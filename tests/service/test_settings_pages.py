"""Queues and business hours set up in the browser and over the API by managers: clear messages
for bad input, nothing half-saved, every change audited, and agents kept out."""

import json
from datetime import datetime

import pytest
from django.urls import reverse

from tests.accounts.factories import UserFactory
from wendbaar.audit.models import AuditEvent
from wendbaar.service import learning, services
from wendbaar.service.models import BusinessHours, Queue

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(team_a):
    return UserFactory(
        teams=[team_a], role_codes=["manager"], full_name="Mona Manager", language="en"
    )


def _queue_post(**extra):
    data = {
        "name": "Offertes",
        "slug": "offertes",
        "description": "Aanvragen voor een offerte: nieuwe ketel, warmtepomp, zonnepanelen.",
        "cue_words": "offerte, prijsopgave\nquote",
        "team": "",
        "is_active": "on",
    }
    data.update(extra)
    return data


def test_a_manager_creates_a_queue_and_triage_reads_its_description(
    manager, team_b, queues, client_for
):
    client = client_for(manager)
    page = client.get(reverse("service:queue_list"))
    assert page.status_code == 200
    assert "triage" in page.content.decode().lower() and "Storingen" in page.content.decode()
    response = client.post(reverse("service:queue_create"), _queue_post(team=str(team_b.pk)))
    assert response.status_code == 302
    queue = Queue.objects.get(slug="offertes")
    assert queue.team == team_b and queue.cue_words == "offerte, prijsopgave, quote"
    event = AuditEvent.objects.get(action="service.queue_created")
    assert event.actor_id == manager.pk and event.data["changed"]["slug"] == "offertes"
    # The cold-start engine is rebuilt from the queue descriptions, the new one included.
    engine = learning.engine_for(queue.organisation)
    assert "offertes" in engine.fields["queue"].labels


def test_editing_a_queue_is_audited_with_what_changed(manager, queues, client_for):
    storingen = queues["storingen"]
    response = client_for(manager).post(
        reverse("service:queue_edit", args=[storingen.pk]),
        _queue_post(name="Storingen", slug="storingen", description="Alles wat kapot is."),
    )
    assert response.status_code == 302
    storingen.refresh_from_db()
    assert storingen.description == "Alles wat kapot is." and storingen.team is None
    changed = AuditEvent.objects.get(action="service.queue_changed").data["changed"]
    assert set(changed) >= {"description", "cue_words", "team"} and "name" not in changed


@pytest.mark.parametrize(
    "extra, message",
    [
        ({"slug": "facturen"}, "Another queue already has the code facturen."),
        ({"slug": "Met Spaties"}, "Enter a valid"),
        ({"name": ""}, "This field is required."),
    ],
)
def test_a_bad_queue_is_refused_clearly_and_nothing_saved(
    manager, queues, client_for, extra, message
):
    before = Queue.objects.count()
    response = client_for(manager).post(reverse("service:queue_create"), _queue_post(**extra))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Queue.objects.count() == before
    assert not AuditEvent.objects.filter(action="service.queue_created").exists()


def _hours_post(**extra):
    data = {
        "liberation_day": "always",
        "closed_days": "2026-12-24\n2026-12-31",
        "response_urgent": "2",
        "response_high": "8",
        "response_medium": "16",
        "response_low": "40",
    }
    for day in range(5):
        data.update({f"open_{day}": "on", f"from_{day}": "09:00", f"to_{day}": "17:30"})
    data.update(extra)
    return data


def test_a_manager_sets_business_hours_and_new_deadlines_follow(manager, client_for, receive):
    client = client_for(manager)
    page = client.get(reverse("service:business_hours"))
    assert page.status_code == 200
    assert "Christmas Day" in page.content.decode()  # the holiday calendar in use
    response = client.post(reverse("service:business_hours"), _hours_post(open_4=""))
    assert response.status_code == 302
    row = BusinessHours.objects.get()
    assert row.hours == {str(d): ["09:00", "17:30"] for d in range(4)}
    assert row.closed_days == ["2026-12-24", "2026-12-31"] and row.liberation_day == "always"
    assert row.response_hours["urgent"] == 2
    assert AuditEvent.objects.filter(action="service.business_hours_changed").exists()
    # Friday is now closed: an urgent question on Thursday 16:30 is due Monday 10:00.
    from tests.service.conftest import at

    ticket = receive("Lekkage!", subject="Lekkage", sent_at=at(2026, 12, 3, 16, 30)).ticket
    ticket.priority = "urgent"
    ticket.received_at = at(2026, 12, 3, 16, 30)
    due = services.sla_due(ticket=ticket)
    assert due.astimezone(at(2026, 1, 1).tzinfo).replace(tzinfo=None) == datetime(
        2026, 12, 7, 10, 0
    )


@pytest.mark.parametrize(
    "extra, message",
    [
        ({"from_0": "18:00"}, "closing time must come after the opening time"),
        ({"closed_days": "24-12-2026"}, "is not a date like 2026-12-24"),
        ({"response_low": "0"}, "greater than or equal to 0.25"),
        ({"from_1": ""}, "Give the opening and closing time."),
        ({f"open_{d}": "" for d in range(7)}, "Open on at least one weekday"),
    ],
)
def test_bad_business_hours_are_refused_clearly_and_nothing_saved(
    manager, client_for, extra, message
):
    before = services.business_hours_get()
    response = client_for(manager).post(reverse("service:business_hours"), _hours_post(**extra))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert BusinessHours.objects.get().hours == before.hours
    assert not AuditEvent.objects.filter(action="service.business_hours_changed").exists()


def test_an_agent_who_is_not_a_manager_is_kept_out(alice, queues, client_for):
    client = client_for(alice)
    for name, args in [
        ("service:queue_list", []),
        ("service:queue_create", []),
        ("service:queue_edit", [queues["storingen"].pk]),
        ("service:business_hours", []),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 403
    response = client.post(reverse("service:queue_create"), _queue_post())
    assert response.status_code == 403 and not Queue.objects.filter(slug="offertes").exists()
    with pytest.raises(Exception, match="Only managers"):
        services.queue_save(actor=alice, name="X", slug="x")


def test_queues_and_hours_over_the_api(manager, alice, queues, client, token_for, team_b):
    auth = token_for(manager, ["service:read", "service:write"])
    listed = client.get("/api/service/queues", HTTP_AUTHORIZATION=auth)
    assert listed.status_code == 200
    assert {q["slug"] for q in listed.json()} == {"storingen", "facturen"}
    created = client.post(
        "/api/service/queues",
        json.dumps(
            {
                "name": "Offertes",
                "slug": "offertes",
                "description": "Offertes.",
                "team_id": team_b.pk,
            }
        ),
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
    )
    assert created.status_code == 201, created.content
    queue_id = created.json()["id"]
    patched = client.put(
        f"/api/service/queues/{queue_id}",
        json.dumps(
            {"name": "Offertes", "slug": "offertes", "description": "Nieuw.", "is_active": False}
        ),
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
    )
    assert patched.status_code == 200 and patched.json()["is_active"] is False
    duplicate = client.post(
        "/api/service/queues",
        json.dumps({"name": "Nog een", "slug": "facturen"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
    )
    assert (
        duplicate.status_code == 400
        and "already has the code" in duplicate.json()["error"]["message"]
    )
    hours = client.get("/api/service/business-hours", HTTP_AUTHORIZATION=auth).json()
    hours["response_hours"]["urgent"] = 3
    saved = client.put(
        "/api/service/business-hours",
        json.dumps(hours),
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
    )
    assert saved.status_code == 200 and saved.json()["response_hours"]["urgent"] == 3
    # An agent who is not a manager gets 403 and changes nothing.
    agent = token_for(alice, ["service:read", "service:write"])
    assert client.get("/api/service/queues", HTTP_AUTHORIZATION=agent).status_code == 403
    refused = client.put(
        "/api/service/business-hours",
        json.dumps(hours | {"response_hours": {**hours["response_hours"], "urgent": 1}}),
        content_type="application/json",
        HTTP_AUTHORIZATION=agent,
    )
    assert refused.status_code == 403
    assert BusinessHours.objects.get().response_hours["urgent"] == 3
