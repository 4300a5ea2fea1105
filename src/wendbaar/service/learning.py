"""The organisation's triage engine (`wendbaar.service.triage`): built from the queues the admin
described, or loaded from the last trained state; retrained on history and corrections.

When the engine cannot run (e.g. the embedding model is missing), the cue words of `classify`
decide, and the ticket says which engine triaged it."""

import logging
import threading

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wendbaar.audit.services import audit_log
from wendbaar.common.errors import BusinessRuleError
from wendbaar.service import classify
from wendbaar.service.choices import TicketStatus
from wendbaar.service.models import Queue, Ticket, TriageCorrection, TriageModel

logger = logging.getLogger(__name__)

ENGINE_NAME = "triage-1"
TYPE_LABELS = {
    "incident": "Something broke or stopped working: a failure, leak, error code. "
    "Een storing, lekkage, foutcode, iets werkt niet of is kapot.",
    "request": "A request for a quote, an appointment, maintenance or an installation. "
    "Een offerteaanvraag, afspraak, onderhoud of installatie aanvragen.",
    "question": "A question for information or advice. Een vraag om informatie of advies.",
    "complaint": "The customer is unhappy about work, waiting time or an employee. "
    "Een klacht: ontevreden, teleurgesteld, nog steeds niet opgelost.",
    "billing": "About an invoice, payment, direct debit or refund. "
    "Over een factuur, betaling, incasso, creditnota of bedrag.",
}
_cache: dict[tuple, object] = {}
_lock = threading.Lock()


def _queue_labels(queues: list[Queue]) -> dict[str, str]:
    return {
        q.slug: " ".join(filter(None, [q.name + ".", q.description, ", ".join(q.cue_list)]))
        for q in queues
    }


def engine_for(organisation):
    """The triage engine of the organisation, cached per trained state and queue setup."""
    from wendbaar.service import triage

    queues = list(Queue.objects.filter(organisation=organisation, is_active=True).order_by("pk"))
    model = (
        TriageModel.objects.filter(organisation=organisation, is_active=True)
        .order_by("-created_at", "-pk")
        .only("pk")
        .first()
    )
    key = (
        organisation.pk,
        model.pk if model else None,
        tuple((q.slug, q.name, q.description, q.cue_words) for q in queues),
    )
    with _lock:
        engine = _cache.get(key)
        if engine is None:
            if model is not None:
                engine = triage.Triage.from_bytes(
                    bytes(TriageModel.objects.values_list("state", flat=True).get(pk=model.pk))
                )
            else:
                labels = {"type": TYPE_LABELS}
                if queues:
                    labels["queue"] = _queue_labels(queues)
                engine = triage.Triage(labels)
            _cache.clear()  # one organisation per installation: keep only the current engine
            _cache[key] = engine
    return engine


def predict(*, organisation, subject: str, text: str) -> tuple[dict, str]:
    """Predictions per field and the name of the engine that made them."""
    try:
        result = engine_for(organisation).predict({"subject": subject, "body": text})
    except Exception:
        logger.exception("Triage engine failed; the cue words decide.")
        queues = [
            classify.QueueInfo(q.slug, q.name, q.description, q.cue_list)
            for q in Queue.objects.filter(organisation=organisation, is_active=True)
        ]
        return classify.cue_predict(subject=subject, text=text, queues=queues), classify.ENGINE_NAME
    out = {}
    for name in ("priority", "queue", "type", "language", "sentiment"):
        field = getattr(result, name)
        out[name] = classify.Prediction(field.label, float(field.confidence), list(field.signals))
    return out, ENGINE_NAME


def _examples(organisation):
    """Labelled tickets: those imported or closed, with every correction applied on top."""
    from wendbaar.service import triage

    corrected: dict[int, dict[str, str]] = {}
    for row in TriageCorrection.objects.filter(ticket__organisation=organisation).order_by(
        "created_at", "pk"
    ):
        corrected.setdefault(row.ticket_id, {})[row.field] = row.corrected
    from django.db.models import Q

    tickets = Ticket.objects.filter(organisation=organisation).filter(
        Q(pk__in=list(corrected)) | ~Q(external_ref="") | Q(status=TicketStatus.CLOSED)
    )
    examples = []
    for ticket in tickets.select_related("queue"):
        first = ticket.messages.filter(direction="in").order_by("sent_at", "pk").first()
        labels = {
            "priority": ticket.priority,
            "queue": ticket.queue.slug if ticket.queue else "",
            "type": ticket.ticket_type,
        }
        labels.update({k: v for k, v in corrected.get(ticket.pk, {}).items() if k in labels})
        examples.append(
            triage.Example(
                triage.Ticket(ticket.subject, first.text if first else "", ticket.language or None),
                {k: v for k, v in labels.items() if v},
            )
        )
    return examples


def triage_retrain(*, organisation, actor=None) -> TriageModel:
    """Retrain triage on the history and every correction; keeps before/after accuracy."""
    from wendbaar.service import triage

    examples = _examples(organisation)
    if len(examples) < triage.MIN_TRAIN:
        raise BusinessRuleError(
            _("Triage needs at least %(n)s labelled tickets to learn from (found %(found)s).")
            % {"n": triage.MIN_TRAIN, "found": len(examples)},
            code="too_few_examples",
        )
    engine = engine_for(organisation)
    report = engine.fit(examples)
    corrections = TriageCorrection.objects.filter(
        ticket__organisation=organisation, consumed_at__isnull=True
    )
    with transaction.atomic():
        TriageModel.objects.filter(organisation=organisation, is_active=True).update(
            is_active=False
        )
        row = TriageModel.objects.create(
            organisation=organisation,
            engine=ENGINE_NAME,
            state=engine.to_bytes(),
            examples=len(examples),
            corrections=corrections.count(),
            accuracy_before={f.field: f.accuracy_before for f in report.fields},
            accuracy_after={f.field: f.accuracy_after for f in report.fields},
        )
        corrections.update(consumed_at=timezone.now())
        audit_log(
            actor=actor,
            action="service.triage_retrained",
            target=row,
            data={"examples": len(examples), "after": row.accuracy_after},
        )
    return row
