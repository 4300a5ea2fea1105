"""The organisation's triage engine (`wendbaar.service.triage`): built from the queues the admin
described, or loaded from the last trained state; retrained on history and corrections.

When the engine cannot run (e.g. the embedding model is missing), the cue words of `classify`
decide, and the ticket says which engine triaged it."""

import logging
import threading

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wendbaar.accounts.models import Organisation
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


def _active_model(organisation):
    return (
        TriageModel.objects.filter(organisation=organisation, is_active=True)
        .order_by("-created_at", "-pk")
        .only("pk")
        .first()
    )


def _build_engine(organisation, model, queues):
    """A fresh engine: the active trained state, or one built from the queue descriptions."""
    from wendbaar.service import triage

    if model is not None:
        return triage.Triage.from_bytes(
            bytes(TriageModel.objects.values_list("state", flat=True).get(pk=model.pk))
        )
    labels = {"type": TYPE_LABELS}
    if queues:
        labels["queue"] = _queue_labels(queues)
    return triage.Triage(labels)


def _queues(organisation) -> list[Queue]:
    return list(Queue.objects.filter(organisation=organisation, is_active=True).order_by("pk"))


def engine_for(organisation):
    """The triage engine of the organisation, cached per trained state and queue setup."""
    queues = _queues(organisation)
    model = _active_model(organisation)
    key = (
        organisation.pk,
        model.pk if model else None,
        tuple((q.slug, q.name, q.description, q.cue_words) for q in queues),
    )
    with _lock:
        engine = _cache.get(key)
        if engine is None:
            engine = _build_engine(organisation, model, queues)
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


def mean_accuracy(values: dict) -> float | None:
    """The mean accuracy over the fields that were measured, or None when none was."""
    measured = [float(v) for v in (values or {}).values() if v is not None]
    return sum(measured) / len(measured) if measured else None


def is_worse(before: dict, after: dict) -> bool:
    """Whether a retrained model did worse than the one in use on the same held-out tickets.

    Compared on the fields measured both times; with no held-out check (too few tickets) the
    new model cannot be judged worse and is used."""
    fields = [f for f in after or {} if (after or {}).get(f) is not None]
    fields = [f for f in fields if (before or {}).get(f) is not None]
    if not fields:
        return False
    return mean_accuracy({f: after[f] for f in fields}) < mean_accuracy(
        {f: before[f] for f in fields}
    )


def triage_retrain(*, organisation, actor=None) -> TriageModel:
    """Retrain triage on the history and every correction; keeps before/after accuracy.

    The new model is put in use only when it does at least as well as the one in use on the
    held-out tickets; otherwise it is kept (inactive) for the record and the old one stays."""
    from wendbaar.service import triage

    # The corrections this retrain learns from, fixed before training: one an agent makes while
    # the model trains stays unconsumed and counts for the next retrain.
    correction_ids = list(
        TriageCorrection.objects.filter(
            ticket__organisation=organisation, consumed_at__isnull=True
        ).values_list("pk", flat=True)
    )
    examples = _examples(organisation)
    if len(examples) < triage.MIN_TRAIN:
        raise BusinessRuleError(
            _("Triage needs at least %(n)s labelled tickets to learn from (found %(found)s).")
            % {"n": triage.MIN_TRAIN, "found": len(examples)},
            code="too_few_examples",
        )
    # Train a fresh copy: the cached engine keeps serving tickets while this one learns, and
    # stays as it is when the new model turns out worse.
    engine = _build_engine(organisation, _active_model(organisation), _queues(organisation))
    report = engine.fit(examples)
    corrections = TriageCorrection.objects.filter(pk__in=correction_ids)
    before = {f.field: f.accuracy_before for f in report.fields}
    after = {f.field: f.accuracy_after for f in report.fields}
    worse = is_worse(before, after)
    with transaction.atomic():
        if not worse:
            TriageModel.objects.filter(organisation=organisation, is_active=True).update(
                is_active=False
            )
        row = TriageModel.objects.create(
            organisation=organisation,
            engine=ENGINE_NAME,
            state=engine.to_bytes(),
            examples=len(examples),
            corrections=len(correction_ids),
            accuracy_before=before,
            accuracy_after=after,
            is_active=not worse,
        )
        corrections.update(consumed_at=timezone.now())
        audit_log(
            actor=actor,
            action="service.triage_retrained",
            target=row,
            data={
                "examples": len(examples),
                "before": row.accuracy_before,
                "after": row.accuracy_after,
                "activated": not worse,
            },
        )
    return row


@transaction.atomic
def triage_model_activate(*, actor, model: TriageModel) -> TriageModel:
    """A manager puts an earlier (or rejected) model back in use."""
    from wendbaar.accounts.selectors import is_manager

    if not is_manager(actor):
        raise BusinessRuleError(
            _("Only managers and administrators can change the triage model."),
            code="forbidden",
            status_code=403,
        )
    # One activation at a time: two managers at once could otherwise leave two models in use.
    Organisation.objects.select_for_update().get(pk=model.organisation_id)
    TriageModel.objects.filter(organisation=model.organisation, is_active=True).exclude(
        pk=model.pk
    ).update(is_active=False)
    if not model.is_active:
        model.is_active = True
        model.save(update_fields=["is_active"])
    audit_log(actor=actor, action="service.triage_model_activated", target=model)
    return model


# -- retraining in the background -----------------------------------------------------------------

QUEUED = "service.triage_retrain_queued"
FINISHED = "service.triage_retrain_finished"
# A queued retrain that never reported back (its job was lost) stops blocking a new one after this.
PENDING_HOURS = 2


def retrain_every() -> int:
    """How many new corrections start a retrain in the background (0: never by itself)."""
    from wendbaar.service import config

    try:
        return max(0, int(config.setting("SERVICE_RETRAIN_EVERY", "20")))
    except ValueError:
        return 20


def retrain_pending(*, organisation):
    """The audit event of the retrain that is queued or running, or None."""
    from datetime import timedelta

    from wendbaar.audit.models import AuditEvent

    events = AuditEvent.objects.filter(
        action__in=[QUEUED, FINISHED],
        object_type="accounts.organisation",
        object_id=str(organisation.pk),
    ).order_by("-at", "-id")
    last = events.first()
    if last is None or last.action != QUEUED:
        return None
    if last.at < timezone.now() - timedelta(hours=PENDING_HOURS):
        return None
    return last


def new_corrections(*, organisation) -> int:
    return TriageCorrection.objects.filter(
        ticket__organisation=organisation, consumed_at__isnull=True
    ).count()


@transaction.atomic
def triage_retrain_request(*, actor, organisation, reason: str = "manual") -> bool:
    """Queue a retrain in the background unless one is already queued; True when queued.

    The organisation row is locked while checking, so two requests at once queue one retrain."""
    from wendbaar.service.tasks import triage_retrain_task

    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    if retrain_pending(organisation=organisation) is not None:
        return False
    audit_log(
        actor=actor,
        action=QUEUED,
        target=organisation,
        data={"reason": reason, "corrections": new_corrections(organisation=organisation)},
    )
    actor_id = getattr(actor, "pk", None)
    transaction.on_commit(lambda: triage_retrain_task.enqueue(actor_id=actor_id))
    return True


def retrain_after_correction(*, actor, organisation) -> bool:
    """After a correction: queue a retrain once enough new corrections have come in."""
    every = retrain_every()
    if not every or new_corrections(organisation=organisation) < every:
        return False
    return triage_retrain_request(actor=actor, organisation=organisation, reason="corrections")


def retrain_finished(*, organisation, result: dict) -> None:
    """The background retrain reports back: a new retrain may be queued again."""
    audit_log(actor=None, action=FINISHED, target=organisation, data=result)


def min_train() -> int:
    from wendbaar.service import triage

    return triage.MIN_TRAIN
