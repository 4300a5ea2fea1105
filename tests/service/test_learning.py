"""Triage in the app: the engine built from the queues the admin described, retrained on the
imported history and the agents' corrections, stored and used for the next ticket."""

import io

import pytest
from django.core.management import call_command

from wendbaar.common.errors import BusinessRuleError
from wendbaar.service import importer, learning, services
from wendbaar.service.models import Ticket, TriageCorrection, TriageModel

pytestmark = pytest.mark.django_db

ROWS = [
    (
        "Factuur klopt niet",
        "Het bedrag op factuur {n} is te hoog.",
        "medium",
        "facturen",
        "billing",
    ),
    (
        "Betaling dubbel afgeschreven",
        "De incasso is twee keer gedaan, nummer {n}.",
        "medium",
        "facturen",
        "billing",
    ),
    (
        "Ketel in storing",
        "De cv-ketel geeft foutcode E{n} en het huis is koud.",
        "high",
        "storingen",
        "incident",
    ),
    (
        "Lekkage",
        "Er lekt water uit de ketel, kast {n} staat blank.",
        "urgent",
        "storingen",
        "incident",
    ),
]


def _history(n=4) -> bytes:
    lines = ["id,email,subject,text,received_at,priority,queue,type"]
    for i in range(n):
        for j, (subject, text, priority, queue, kind) in enumerate(ROWS):
            lines.append(
                f'H{i}-{j},k{i}{j}@klant.nl,{subject},"{text.format(n=i)}",2026-11-0{1 + i % 9},'
                f"{priority},{queue},{kind}"
            )
    return "\n".join(lines).encode()


def test_cold_start_uses_the_queue_descriptions_and_says_which_engine(receive):
    ticket = receive(
        "Mijn factuur van november klopt niet, het bedrag is te hoog.", subject="Factuur"
    ).ticket
    assert ticket.triage_engine == learning.ENGINE_NAME
    assert ticket.queue.slug == "facturen" and ticket.ticket_type == "billing"
    assert 0 < ticket.queue_confidence <= 1 and ticket.triage_signals


def test_retraining_learns_from_history_and_corrections(alice, queues, organisation):
    with pytest.raises(BusinessRuleError, match="at least"):
        learning.triage_retrain(organisation=organisation)
    report = importer.tickets_import(actor=alice, data=_history())
    assert report.imported == 16, report.messages
    ticket = Ticket.objects.get(external_ref="H0-2")  # a storing, in Alice's team's queue
    services.triage_correct(actor=alice, ticket=ticket, field_name="priority", value="urgent")
    out = io.StringIO()
    call_command("retrain_triage", stdout=out)
    assert "Trained on 16 tickets (1 new corrections)." in out.getvalue()
    assert "The new model is in use." in out.getvalue()  # fewer than 20: no held-out check
    model = TriageModel.objects.get(is_active=True)
    assert set(model.accuracy_after) == {"priority", "queue", "type"}
    assert not TriageCorrection.objects.filter(consumed_at__isnull=True).exists()
    # The next ticket is triaged by the stored model.
    nxt = services.message_receive(
        incoming=services.MessageIn(
            from_address="y@klant.nl", subject="Incasso", text="De incasso is dubbel gedaan."
        ),
        channel="email",
    ).ticket
    assert nxt.queue.slug == "facturen" and nxt.ticket_type == "billing"


def test_when_the_engine_fails_the_cue_words_decide(receive, monkeypatch):
    def broken(organisation):
        raise RuntimeError("no embedding model")

    monkeypatch.setattr(learning, "engine_for", broken)
    ticket = receive("Lekkage! Spoed!", subject="Lekkage").ticket
    assert ticket.triage_engine == "cue-words-1" and ticket.priority == "urgent"


def test_a_correction_made_while_training_counts_for_the_next_retrain(
    alice, queues, organisation, monkeypatch
):
    importer.tickets_import(actor=alice, data=_history())
    first, second = Ticket.objects.filter(external_ref__in=["H0-2", "H1-2"]).order_by("pk")
    services.triage_correct(actor=alice, ticket=first, field_name="priority", value="urgent")
    build = learning._build_engine

    def engine_that_trains_slowly(*args, **kwargs):
        engine = build(*args, **kwargs)
        fit = engine.fit

        def fit_while_an_agent_corrects(examples):
            report = fit(examples)
            services.triage_correct(actor=alice, ticket=second, field_name="priority", value="low")
            return report

        engine.fit = fit_while_an_agent_corrects
        return engine

    monkeypatch.setattr(learning, "_build_engine", engine_that_trains_slowly)
    row = learning.triage_retrain(organisation=organisation)
    assert row.corrections == 1
    late = TriageCorrection.objects.get(ticket=second)
    assert late.consumed_at is None  # not trained on yet: the next retrain learns from it
