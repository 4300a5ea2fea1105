"""The demo installation firm's customer questions: queues per team, a labelled history that
triage learns from, open questions in the queue, the spoed rule; loading twice adds nothing."""

import pytest

from wendbaar.service.demo import HISTORY, OPEN, load_demo_service
from wendbaar.service.models import Queue, Ticket, TriageModel
from wendbaar.web.demo import _organisation_load

pytestmark = pytest.mark.django_db


def test_demo_questions_load_once_with_history_and_a_trained_triage():
    org = _organisation_load(password="demo-wachtwoord-123")
    first = load_demo_service(people=org["people"], teams=org["teams"])
    assert first["history"] == 2 * len(HISTORY) and first["open"] == len(OPEN)
    assert set(Queue.objects.values_list("slug", flat=True)) == {
        "storingen",
        "offertes",
        "klachten",
        "facturen",
    }
    assert Queue.objects.get(slug="storingen").team.slug == "service-onderhoud"
    assert TriageModel.objects.filter(is_active=True).exists()
    # Open questions are triaged cold (before the retrain): a boiler's fault code is a fault.
    fault = Ticket.objects.get(subject="Ketel geeft F1")
    assert fault.queue.slug == "storingen"
    assert "F1" in fault.triage_signals["queue"]
    assert Ticket.objects.get(subject="Factuur klopt niet").queue.slug == "facturen"
    leak = Ticket.objects.get(subject="Lekkage bij de warmtepomp")
    assert leak.priority == "urgent" and leak.tags.filter(name="spoed").exists()
    assert leak.sla_due_at is not None and leak.customer.name == "Jan Bakker"
    again = load_demo_service(people=org["people"], teams=org["teams"])
    assert again["history"] == 0 and again["open"] == 0
    assert Ticket.objects.count() == 2 * len(HISTORY) + len(OPEN)
