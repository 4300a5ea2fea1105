"""Writing customer questions: intake from every channel, triage, SLA deadlines, queue actions and
corrections of triage."""

import hashlib
import math
import re
import time
from dataclasses import dataclass, field
from datetime import datetime

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wendbaar.accounts.choices import BuiltinRole, Visibility
from wendbaar.accounts.models import Role, User
from wendbaar.accounts.selectors import organisation_get, user_team_ids
from wendbaar.audit.services import audit_log
from wendbaar.common.errors import BusinessRuleError
from wendbaar.service import classify, hours
from wendbaar.service.choices import (
    TRIAGE_FIELDS,
    Channel,
    Direction,
    TicketPriority,
    TicketStatus,
    TicketType,
)
from wendbaar.service.models import (
    DEFAULT_HOURS,
    DEFAULT_RESPONSE_HOURS,
    Attachment,
    BusinessHours,
    Customer,
    Message,
    Queue,
    Tag,
    Ticket,
    TriageCorrection,
)

MAX_SUBJECT = 250
MAX_TEXT = 200_000
# Attachments over this size are refused with a note on the message (the mail itself is kept).
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 20
_TICKET_TAG = re.compile(r"\[#(\d{1,10})\]")
_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")


@dataclass
class AttachmentIn:
    filename: str
    content_type: str
    data: bytes | None  # None: refused while reading (too large)
    size: int = 0
    refused: str = ""


@dataclass
class MessageIn:
    """A message as an intake channel hands it over: parsed, checked text, no HTML."""

    from_address: str
    subject: str
    text: str
    from_name: str = ""
    message_id: str = ""
    in_reply_to: str = ""
    references: list[str] = field(default_factory=list)
    to_addresses: list[str] = field(default_factory=list)
    sent_at: datetime | None = None
    raw: bytes | None = None
    attachments: list[AttachmentIn] = field(default_factory=list)
    is_auto_reply: bool = False
    notes: list[str] = field(default_factory=list)


@dataclass
class Intake:
    ticket: Ticket | None
    message: Message | None
    created: bool  # a new ticket
    duplicate: bool = False
    note: str = ""


def normal_email(address: str) -> str:
    return (address or "").strip().strip("<>").lower()


def check_email(address: str) -> str:
    address = normal_email(address)
    if not _EMAIL.match(address) or len(address) > 254:
        raise BusinessRuleError(
            _("%(address)s is not a valid e-mail address.") % {"address": address or "''"},
            code="bad_email",
            status_code=400,
        )
    return address


def business_hours_get(organisation=None) -> BusinessHours:
    organisation = organisation or organisation_get()
    row, _created = BusinessHours.objects.get_or_create(
        organisation=organisation,
        defaults={"hours": DEFAULT_HOURS, "response_hours": DEFAULT_RESPONSE_HOURS},
    )
    return row


def calendar_for(organisation) -> hours.Calendar:
    row = business_hours_get(organisation)
    closed = set()
    for value in row.closed_days or []:
        try:
            closed.add(datetime.fromisoformat(str(value)).date())
        except ValueError:
            continue
    return hours.Calendar(
        time_zone=organisation.time_zone or "Europe/Amsterdam",
        hours=row.hours or {},
        liberation_day=row.liberation_day,
        closed_days=closed,
    )


def _number(value) -> float | None:
    """A finite number of hours, or None for anything else (text, true/false, NaN)."""
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def response_hours_for(*, ticket: Ticket, business: BusinessHours | None = None) -> float | None:
    """The working hours the ticket's priority has for an answer: its queue's own response time
    when the queue sets one for that priority, else the organisation's (`business`, read when
    not given)."""
    queue = ticket.queue if ticket.queue_id else None
    own = (queue.response_hours or {}).get(ticket.priority) if queue is not None else None
    own = None if own is None else _number(own)
    if own is not None and own >= 0:
        return own
    row = business or business_hours_get(ticket.organisation)
    response = (row.response_hours or DEFAULT_RESPONSE_HOURS).get(ticket.priority)
    return None if response is None else float(response)


def sla_due(
    *,
    ticket: Ticket,
    calendar: hours.Calendar | None = None,
    business: BusinessHours | None = None,
) -> datetime | None:
    """The moment the ticket must be answered: its priority's response time in working hours,
    the queue's own where it sets one, else the organisation's. `calendar` and `business` save
    reading them again when many tickets are computed at once."""
    response = response_hours_for(ticket=ticket, business=business)
    if response is None:
        return None
    calendar = calendar or calendar_for(ticket.organisation)
    return calendar.add_working_hours(ticket.received_at, float(response))


def deadlines_refresh(*, organisation, queue: Queue | None = None) -> int:
    """Give the open tickets nobody has answered yet (in `queue`, or all) the deadline the
    opening hours and response times in force now set; returns how many moved. Called when
    those change, so the overview's "due" and "at risk" follow the new agreement; an answered
    ticket keeps the deadline it was measured against."""
    tickets = (
        Ticket.objects.filter(organisation=organisation, first_response_at__isnull=True)
        .exclude(status=TicketStatus.CLOSED)
        .select_related("queue")
        .only("pk", "priority", "received_at", "sla_due_at", "queue", "organisation")
        # A correction committing meanwhile would otherwise get a deadline from its old priority.
        .select_for_update(of=("self",))
    )
    if queue is not None:
        tickets = tickets.filter(queue=queue)
    calendar = calendar_for(organisation)
    business = business_hours_get(organisation)
    moved = []
    for ticket in tickets.iterator(chunk_size=500):
        due = sla_due(ticket=ticket, calendar=calendar, business=business)
        if due != ticket.sla_due_at:
            ticket.sla_due_at = due
            moved.append(ticket)
    Ticket.objects.bulk_update(moved, ["sla_due_at"], batch_size=500)
    return len(moved)


# -- triage ---------------------------------------------------------------------------------------


def _queues(organisation) -> list[Queue]:
    return list(Queue.objects.filter(organisation=organisation, is_active=True).order_by("pk"))


def triage_predict(*, organisation, subject: str, text: str) -> dict[str, classify.Prediction]:
    """Predictions for a ticket's text, each with confidence and signals (see `learning`)."""
    from wendbaar.service import learning

    predictions, engine = learning.predict(organisation=organisation, subject=subject, text=text)
    predictions["engine"] = engine
    return predictions


def _apply_triage(ticket: Ticket, predictions: dict[str, classify.Prediction]) -> None:
    signals = {}
    engine = predictions.pop("engine", classify.ENGINE_NAME)
    for name, prediction in predictions.items():
        signals[name] = prediction.signals
        if name == "priority" and prediction.value in TicketPriority.values:
            ticket.priority, ticket.priority_confidence = prediction.value, prediction.confidence
        elif name == "type":
            ticket.ticket_type, ticket.type_confidence = prediction.value, prediction.confidence
        elif name == "language":
            ticket.language, ticket.language_confidence = prediction.value, prediction.confidence
        elif name == "sentiment":
            ticket.sentiment, ticket.sentiment_confidence = prediction.value, prediction.confidence
        elif name == "queue":
            queue = Queue.objects.filter(
                organisation=ticket.organisation, slug=prediction.value
            ).first()
            ticket.queue, ticket.queue_confidence = queue, prediction.confidence
    ticket.triage_signals = signals
    ticket.triage_engine = engine
    ticket.triaged_at = timezone.now()


def _route(ticket: Ticket) -> None:
    """The queue's team sees the ticket; without one, every service agent does."""
    team = ticket.queue.team if ticket.queue_id and ticket.queue.team_id else None
    ticket.team = team
    ticket.visibility = Visibility.TEAM if team else Visibility.NAMED


def ticket_route(*, ticket: Ticket, queue: Queue) -> None:
    """A rule sends the ticket to `queue`: its team takes over, an assignee outside it lets go,
    and a ticket not answered yet gets the deadline of its new queue."""
    ticket.queue, ticket.queue_confidence = queue, 1.0
    _route(ticket)
    if ticket.assignee_id and not may_handle(ticket.assignee, ticket):
        ticket.assignee = None
    if ticket.first_response_at is None:
        ticket.sla_due_at = sla_due(ticket=ticket)
    ticket.save(
        update_fields=[
            "queue",
            "queue_confidence",
            "team",
            "visibility",
            "assignee",
            "sla_due_at",
            "updated_at",
        ]
    )
    _share_unrouted(ticket)


def _share_unrouted(ticket: Ticket) -> None:
    if ticket.visibility == Visibility.NAMED:
        role = Role.objects.filter(code=BuiltinRole.SERVICE_AGENT).first()
        ticket.shared_with_roles.set([role] if role else [])
    else:
        ticket.shared_with_roles.clear()


# -- intake ---------------------------------------------------------------------------------------


def customer_for(*, organisation, address: str, name: str = "") -> Customer:
    address = check_email(address)
    customer, created = Customer.objects.get_or_create(
        organisation=organisation, email=address, defaults={"name": name[:200]}
    )
    if not created and name and not customer.name:
        customer.name = name[:200]
        customer.save(update_fields=["name"])
    return customer


def _thread_ticket(organisation, incoming: MessageIn, customer_email: str) -> Ticket | None:
    """The ticket a message belongs to: by its references, else by a [#123] in the subject; from
    the ticket's own customer only. A Message-ID is no secret (it travels in every copy), so
    somebody else who knows one starts a ticket of their own instead of writing in this one."""
    ids = [i for i in [incoming.in_reply_to, *incoming.references] if i]
    if ids:
        found = (
            Message.objects.filter(
                message_id__in=ids,
                ticket__organisation=organisation,
                ticket__customer__email__iexact=customer_email,
            )
            .select_related("ticket")
            .order_by("-sent_at")
            .first()
        )
        if found is not None:
            return found.ticket
    tag = _TICKET_TAG.search(incoming.subject or "")
    if tag:
        return Ticket.objects.filter(
            organisation=organisation, pk=int(tag.group(1)), customer__email=customer_email
        ).first()
    return None


def _store_message(
    *, ticket: Ticket, incoming: MessageIn, channel: str, direction: str, author=None
) -> Message:
    message = Message(
        ticket=ticket,
        direction=direction,
        channel=channel,
        message_id=incoming.message_id[:500],
        in_reply_to=incoming.in_reply_to[:500],
        references=" ".join(incoming.references)[:10000],
        from_address=normal_email(incoming.from_address)[:254],
        from_name=incoming.from_name[:200],
        to_addresses=", ".join(incoming.to_addresses)[:2000],
        subject=incoming.subject[:500],
        text=incoming.text[:MAX_TEXT],
        is_auto_reply=incoming.is_auto_reply,
        notes="\n".join(incoming.notes),
        author=author,
        sent_at=incoming.sent_at or timezone.now(),
    )
    message.save()
    if incoming.raw:
        digest = hashlib.sha256(incoming.raw).hexdigest()[:16]
        message.raw.save(f"{message.pk}-{digest}.eml", ContentFile(incoming.raw), save=True)
    for number, item in enumerate(incoming.attachments):
        attachment = Attachment(
            message=message,
            filename=(item.filename or "bijlage")[:255],
            content_type=item.content_type[:120],
            size=item.size or len(item.data or b""),
            refused=item.refused[:250],
        )
        if not attachment.refused and number >= MAX_ATTACHMENTS:
            attachment.refused = _("too many attachments in one message")
        if not attachment.refused and (item.data is None or len(item.data) > MAX_ATTACHMENT_BYTES):
            attachment.refused = _("larger than the limit of %(mb)s MB") % {
                "mb": MAX_ATTACHMENT_BYTES // (1024 * 1024)
            }
        if attachment.refused or item.data is None:
            attachment.save()
        else:
            safe = re.sub(r"[^\w.\-]+", "_", attachment.filename)[-120:] or "bijlage"
            attachment.file.save(safe, ContentFile(item.data), save=True)
    return message


def _drop_nul(incoming: MessageIn) -> None:
    """NUL characters carry no meaning in a mail and PostgreSQL refuses them in text: without
    this one such mail would be refused on every poll and hold up the mail behind it."""
    for name in ("from_address", "subject", "text", "from_name", "message_id", "in_reply_to"):
        value = getattr(incoming, name) or ""
        if "\x00" in value:
            setattr(incoming, name, value.replace("\x00", ""))
    incoming.references = [r.replace("\x00", "") for r in incoming.references]
    incoming.to_addresses = [a.replace("\x00", "") for a in incoming.to_addresses]
    for attachment in incoming.attachments:
        attachment.filename = attachment.filename.replace("\x00", "")


def message_receive(
    *, incoming: MessageIn, channel: str, actor=None, organisation=None, run_rules: bool = True
) -> Intake:
    """A customer's message from any channel: into the thread it belongs to, or a new ticket that
    is triaged, routed and given its SLA deadline. A message seen before is not stored twice.

    Nothing is written when the message is refused."""
    organisation = organisation or organisation_get()
    _drop_nul(incoming)
    subject = " ".join((incoming.subject or "").split())[:MAX_SUBJECT]
    text = (incoming.text or "").strip()
    if not subject and not text:
        raise BusinessRuleError(
            _("A question needs a subject or a text."), code="empty_message", status_code=400
        )
    incoming.subject = subject or text.split("\n", 1)[0][:80]
    address = check_email(incoming.from_address)
    with transaction.atomic():
        if incoming.message_id:
            seen = Message.objects.filter(message_id=incoming.message_id[:500]).first()
            if seen is not None:
                return Intake(seen.ticket, seen, created=False, duplicate=True)
        ticket = _thread_ticket(organisation, incoming, address)
        created = ticket is None
        if ticket is None:
            if incoming.is_auto_reply:
                # An out-of-office to nobody in particular opens no ticket, and is never answered.
                audit_log(
                    actor=actor,
                    action="service.auto_reply_dropped",
                    data={"from": address, "subject": subject[:200]},
                )
                return Intake(None, None, created=False, note="auto_reply")
            customer = customer_for(
                organisation=organisation, address=address, name=incoming.from_name
            )
            received = incoming.sent_at or timezone.now()
            ticket = Ticket(
                organisation=organisation,
                customer=customer,
                subject=incoming.subject,
                channel=channel,
                received_at=received,
                last_message_at=received,
                owner=actor if channel == Channel.API else None,
            )
            _apply_triage(
                ticket,
                triage_predict(organisation=organisation, subject=incoming.subject, text=text),
            )
            _route(ticket)
            ticket.sla_due_at = sla_due(ticket=ticket)
            ticket.save()
            _share_unrouted(ticket)
            if not customer.language and ticket.language:
                customer.language = ticket.language
                customer.save(update_fields=["language"])
        else:
            ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
            ticket.last_message_at = max(
                filter(None, [ticket.last_message_at, incoming.sent_at or timezone.now()])
            )
            if ticket.status in (TicketStatus.CLOSED, TicketStatus.WAITING) and not (
                incoming.is_auto_reply
            ):
                ticket.status = TicketStatus.OPEN
                ticket.closed_at = None
            ticket.save(update_fields=["last_message_at", "status", "closed_at", "updated_at"])
        message = _store_message(
            ticket=ticket, incoming=incoming, channel=channel, direction=Direction.INBOUND
        )
        audit_log(
            actor=actor,
            action="service.ticket_created" if created else "service.message_received",
            target=ticket,
            data={"channel": channel, "message": message.pk, "auto_reply": incoming.is_auto_reply},
        )
        if run_rules and not incoming.is_auto_reply:
            from wendbaar.service import rules

            rules.rules_apply(ticket=ticket, message=message, new_ticket=created)
    return Intake(ticket, message, created=created)


def ticket_import(
    *,
    actor,
    organisation,
    external_ref: str,
    email: str,
    name: str,
    subject: str,
    text: str,
    received_at: datetime,
    status: str = "",
    priority: str = "",
    queue_slug: str = "",
    ticket_type: str = "",
    closed_at: datetime | None = None,
) -> Ticket:
    """A historic ticket with the labels it got back then; these labels teach triage."""
    if (
        external_ref
        and Ticket.objects.filter(organisation=organisation, external_ref=external_ref).exists()
    ):
        raise BusinessRuleError(
            _("Ticket %(ref)s was imported before.") % {"ref": external_ref}, code="duplicate"
        )
    if status and status not in TicketStatus.values:
        raise BusinessRuleError(
            _("Unknown status %(value)s (use %(choices)s).")
            % {"value": status, "choices": ", ".join(TicketStatus.values)},
            code="bad_status",
            status_code=400,
        )
    if priority and priority not in TicketPriority.values:
        raise BusinessRuleError(
            _("Unknown priority %(value)s (use %(choices)s).")
            % {"value": priority, "choices": ", ".join(TicketPriority.values)},
            code="bad_priority",
            status_code=400,
        )
    if ticket_type and ticket_type not in TicketType.values:
        raise BusinessRuleError(
            _("Unknown type %(value)s (use %(choices)s).")
            % {"value": ticket_type, "choices": ", ".join(TicketType.values)},
            code="bad_type",
            status_code=400,
        )
    queue = None
    if queue_slug:
        queue = Queue.objects.filter(organisation=organisation, slug=queue_slug).first()
        if queue is None:
            raise BusinessRuleError(
                _("Unknown queue %(value)s.") % {"value": queue_slug},
                code="bad_queue",
                status_code=400,
            )
    with transaction.atomic():
        intake = message_receive(
            incoming=MessageIn(
                from_address=email, from_name=name, subject=subject, text=text, sent_at=received_at
            ),
            channel=Channel.IMPORT,
            actor=actor,
            organisation=organisation,
            run_rules=False,
        )
        ticket = intake.ticket
        # The historic labels were set by people: they count as certain.
        if priority:
            ticket.priority, ticket.priority_confidence = priority, 1.0
        if ticket_type:
            ticket.ticket_type, ticket.type_confidence = ticket_type, 1.0
        if queue is not None:
            ticket.queue, ticket.queue_confidence = queue, 1.0
            _route(ticket)
        ticket.external_ref = external_ref[:120]
        ticket.status = status or TicketStatus.CLOSED
        if ticket.status == TicketStatus.CLOSED:
            ticket.closed_at = closed_at or received_at
        ticket.sla_due_at = sla_due(ticket=ticket)
        ticket.save()
        _share_unrouted(ticket)
    return ticket


# -- agents at work -------------------------------------------------------------------------------


def _locked_visible(*, actor, ticket: Ticket) -> Ticket:
    from wendbaar.service.selectors import ticket_visible_q

    locked = (
        Ticket.objects.select_for_update()
        .filter(pk=ticket.pk)
        .filter(pk__in=Ticket.objects.filter(ticket_visible_q(actor)).values("pk"))
        .first()
    )
    if locked is None:
        raise BusinessRuleError(_("This ticket does not exist."), code="not_found", status_code=404)
    return locked


def may_handle(person, ticket: Ticket) -> bool:
    """Whether a person can be given the ticket: in its team, or a service agent for an
    unrouted ticket."""
    if person is None or not person.is_active:
        return False
    if ticket.team_id:
        return ticket.team_id in user_team_ids(person)
    return person.has_role(BuiltinRole.SERVICE_AGENT) or person.is_org_admin


@transaction.atomic
def ticket_assign(*, actor, ticket: Ticket, assignee: User | None) -> Ticket:
    """Give the ticket to a person of its team (or take it away)."""
    ticket = _locked_visible(actor=actor, ticket=ticket)
    if assignee is not None and not may_handle(assignee, ticket):
        raise BusinessRuleError(
            _("%(name)s is not in the team of this ticket.") % {"name": assignee},
            code="not_in_team",
            status_code=400,
        )
    if ticket.assignee_id != getattr(assignee, "pk", None):
        ticket.assignee = assignee
        if assignee is not None and ticket.status == TicketStatus.NEW:
            ticket.status = TicketStatus.OPEN
        ticket.save(update_fields=["assignee", "status", "updated_at"])
        audit_log(
            actor=actor,
            action="service.ticket_assigned",
            target=ticket,
            data={"assignee": getattr(assignee, "pk", None)},
        )
    return ticket


@transaction.atomic
def ticket_set_status(*, actor, ticket: Ticket, status: str) -> Ticket:
    if status not in TicketStatus.values:
        raise BusinessRuleError(_("Unknown status."), code="bad_status", status_code=400)
    ticket = _locked_visible(actor=actor, ticket=ticket)
    if ticket.status != status:
        ticket.status = status
        ticket.closed_at = timezone.now() if status == TicketStatus.CLOSED else None
        ticket.save(update_fields=["status", "closed_at", "updated_at"])
        audit_log(
            actor=actor, action="service.ticket_status", target=ticket, data={"status": status}
        )
    return ticket


@transaction.atomic
def ticket_tag(*, actor, ticket: Ticket, tag: str) -> Ticket:
    name = " ".join((tag or "").split()).lower()[:60]
    if not name:
        raise BusinessRuleError(_("A tag needs a name."), code="empty_tag", status_code=400)
    ticket = _locked_visible(actor=actor, ticket=ticket)
    row, _created = Tag.objects.get_or_create(name=name)
    ticket.tags.add(row)
    audit_log(actor=actor, action="service.ticket_tagged", target=ticket, data={"tag": name})
    return ticket


def _current_value(ticket: Ticket, field_name: str) -> tuple[str, float]:
    if field_name == "queue":
        return (ticket.queue.slug if ticket.queue else ""), ticket.queue_confidence
    attribute = "ticket_type" if field_name == "type" else field_name
    confidence = getattr(ticket, f"{field_name}_confidence")
    return getattr(ticket, attribute) or "", confidence


def _allowed_values(organisation, field_name: str) -> list[str]:
    from wendbaar.service.choices import Sentiment

    return {
        "priority": TicketPriority.values,
        "type": TicketType.values,
        "sentiment": Sentiment.values,
        "language": ["nl", "en", "de", "fr"],
        "queue": [q.slug for q in _queues(organisation)],
    }[field_name]


@transaction.atomic
def triage_correct(
    *, actor, ticket: Ticket, field_name: str, value: str
) -> TriageCorrection | None:
    """An agent sets a prediction right. The ticket follows (a new priority or queue moves the SLA
    deadline of a ticket not answered yet, a new queue its team) and the correction is kept for
    retraining."""
    if field_name not in TRIAGE_FIELDS:
        raise BusinessRuleError(_("Unknown triage field."), code="bad_field", status_code=400)
    ticket = _locked_visible(actor=actor, ticket=ticket)
    if value not in _allowed_values(ticket.organisation, field_name):
        raise BusinessRuleError(
            _("%(value)s is not a possible value here.") % {"value": value or "''"},
            code="bad_value",
            status_code=400,
        )
    predicted, confidence = _current_value(ticket, field_name)
    if predicted == value:
        return None
    correction = TriageCorrection.objects.create(
        ticket=ticket,
        field=field_name,
        predicted=predicted,
        predicted_confidence=confidence,
        corrected=value,
        actor=actor,
    )
    if field_name == "queue":
        ticket.queue = Queue.objects.get(organisation=ticket.organisation, slug=value)
        ticket.queue_confidence = 1.0
        _route(ticket)
        if ticket.assignee_id and not may_handle(ticket.assignee, ticket):
            ticket.assignee = None
    elif field_name == "type":
        ticket.ticket_type, ticket.type_confidence = value, 1.0
    else:
        setattr(ticket, field_name, value)
        setattr(ticket, f"{field_name}_confidence", 1.0)
    if field_name in ("priority", "queue") and ticket.first_response_at is None:
        ticket.sla_due_at = sla_due(ticket=ticket)
    ticket.save()
    _share_unrouted(ticket)
    audit_log(
        actor=actor,
        action="service.triage_corrected",
        target=ticket,
        data={"field": field_name, "from": predicted, "to": value},
    )
    from wendbaar.service import learning

    learning.retrain_after_correction(actor=actor, organisation=ticket.organisation)
    return correction


def bulk_apply(*, actor, tickets, action: str, value: str = "") -> int:
    """Assign, set the priority of or close several tickets; each counts as its own change.

    All or nothing: one refused ticket changes none."""
    started = time.monotonic()
    with transaction.atomic():
        count = 0
        for ticket in tickets:
            if action == "assign":
                person = None
                if value:
                    if not (value.isascii() and value.isdigit()):
                        raise BusinessRuleError(
                            _("Choose a person."), code="bad_value", status_code=400
                        )
                    person = User.objects.filter(pk=int(value), is_active=True).first()
                    if person is None:
                        raise BusinessRuleError(
                            _("No such person."), code="unknown_person", status_code=400
                        )
                ticket_assign(actor=actor, ticket=ticket, assignee=person)
            elif action == "priority":
                triage_correct(actor=actor, ticket=ticket, field_name="priority", value=value)
            elif action == "close":
                ticket_set_status(actor=actor, ticket=ticket, status=TicketStatus.CLOSED)
            else:
                raise BusinessRuleError(_("Unknown action."), code="bad_action", status_code=400)
            count += 1
        audit_log(
            actor=actor,
            action="service.bulk",
            data={"action": action, "count": count, "ms": int((time.monotonic() - started) * 1000)},
        )
    return count


# -- setup by managers: queues, business hours ---------------------------------------------------

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def _require_manager(actor) -> None:
    from wendbaar.accounts.selectors import is_manager

    if not is_manager(actor):
        raise BusinessRuleError(
            _("Only managers and administrators can change the service setup."),
            code="forbidden",
            status_code=403,
        )


MAX_RESPONSE_HOURS = 1000


def _check_queue_response(response_hours) -> dict:
    """A queue's own response times as stored: known priorities only, each up to
    MAX_RESPONSE_HOURS working hours (more than 0, as for the organisation's); an empty value
    leaves the organisation's in force."""
    if response_hours is None:
        return {}
    if not isinstance(response_hours, dict):
        raise BusinessRuleError(
            _('Give the response times per priority, e.g. {"urgent": 2, "high": 4}.'),
            code="bad_queue",
            status_code=400,
        )
    unknown = sorted(str(p) for p in response_hours if p not in TicketPriority.values)
    if unknown:
        raise BusinessRuleError(
            _("Unknown priority %(value)s (use %(choices)s).")
            % {"value": ", ".join(unknown), "choices": ", ".join(TicketPriority.values)},
            code="bad_queue",
            status_code=400,
        )
    clean = {}
    for priority in TicketPriority.values:
        value = response_hours.get(priority)
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        number = _number(value)
        if number is None or not 0 < number <= MAX_RESPONSE_HOURS:
            raise BusinessRuleError(
                _(
                    "The response time for %(priority)s must be more than 0 and at most %(max)s "
                    "working hours, or empty for the organisation's."
                )
                % {"priority": TicketPriority(priority).label, "max": MAX_RESPONSE_HOURS},
                code="bad_queue",
                status_code=400,
            )
        clean[priority] = int(number) if number == int(number) else number
    return clean


@transaction.atomic
def queue_save(
    *,
    actor,
    name: str,
    slug: str,
    description: str = "",
    cue_words: str = "",
    team=None,
    is_active: bool = True,
    response_hours: dict | None = None,
    queue: Queue | None = None,
) -> Queue:
    """Create or change a queue; its description and cue words are what cold-start triage reads.

    `response_hours` (priority -> working hours) overrides the organisation's response times for
    tickets in the queue; None leaves a queue's present ones as they are."""
    _require_manager(actor)
    clean_response = None if response_hours is None else _check_queue_response(response_hours)
    name = " ".join((name or "").split())
    slug = (slug or "").strip().lower()
    if not name:
        raise BusinessRuleError(_("A queue needs a name."), code="bad_queue", status_code=400)
    if len(name) > 120:
        raise BusinessRuleError(
            _("The name can be at most 120 characters."), code="bad_queue", status_code=400
        )
    if not _SLUG.match(slug) or len(slug) > 60:
        raise BusinessRuleError(
            _("The code may only hold lower-case letters, digits and hyphens (at most 60)."),
            code="bad_queue",
            status_code=400,
        )
    organisation = queue.organisation if queue is not None else organisation_get()
    taken = Queue.objects.filter(organisation=organisation, slug=slug)
    if queue is not None:
        taken = taken.exclude(pk=queue.pk)
    if taken.exists():
        raise BusinessRuleError(
            _("Another queue already has the code %(slug)s.") % {"slug": slug},
            code="duplicate_queue",
            status_code=400,
        )
    if queue is None:
        queue = Queue(organisation=organisation)
        before = {}
    else:
        queue = Queue.objects.select_for_update().get(pk=queue.pk)
        before = {
            "name": queue.name,
            "slug": queue.slug,
            "description": queue.description,
            "cue_words": queue.cue_words,
            "team": queue.team_id,
            "is_active": queue.is_active,
            "response_hours": queue.response_hours,
        }
    queue.name, queue.slug = name, slug
    queue.description = (description or "").strip()
    queue.cue_words = ", ".join(
        w.strip() for w in (cue_words or "").replace("\n", ",").split(",") if w.strip()
    )
    queue.team = team
    queue.is_active = bool(is_active)
    if clean_response is not None:
        queue.response_hours = clean_response
    queue.save()
    after = {
        "name": queue.name,
        "slug": queue.slug,
        "description": queue.description,
        "cue_words": queue.cue_words,
        "team": queue.team_id,
        "is_active": queue.is_active,
        "response_hours": queue.response_hours,
    }
    changed = {k: v for k, v in after.items() if before.get(k) != v}
    data = {"changed": changed}
    if before and "response_hours" in changed:
        data["deadlines_moved"] = deadlines_refresh(organisation=organisation, queue=queue)
    audit_log(
        actor=actor,
        action="service.queue_created" if not before else "service.queue_changed",
        target=queue,
        data=data,
    )
    return queue


def _check_hours(hours: dict) -> dict:
    clean = {}
    for day, span in (hours or {}).items():
        if str(day) not in {str(d) for d in range(7)}:
            raise BusinessRuleError(
                _("Unknown weekday %(day)s (use 0 = Monday to 6 = Sunday).") % {"day": day},
                code="bad_hours",
                status_code=400,
            )
        if not span:
            continue
        if (
            not isinstance(span, (list, tuple))
            or len(span) != 2
            or not all(_TIME.match(str(t)) for t in span)
        ):
            raise BusinessRuleError(
                _("Opening hours are two times like 08:30 and 17:00."),
                code="bad_hours",
                status_code=400,
            )
        if span[1] <= span[0]:
            raise BusinessRuleError(
                _("On %(day)s the closing time must come after the opening time.")
                % {"day": hours_weekday_name(int(day))},
                code="bad_hours",
                status_code=400,
            )
        clean[str(day)] = [str(span[0]), str(span[1])]
    if not clean:
        raise BusinessRuleError(
            _("Open on at least one weekday, or no answer would ever be due."),
            code="bad_hours",
            status_code=400,
        )
    return clean


def hours_weekday_name(day: int) -> str:
    from django.utils.dates import WEEKDAYS

    return str(WEEKDAYS[day])


@transaction.atomic
def business_hours_save(
    *,
    actor,
    hours: dict,
    liberation_day: str,
    closed_days: list,
    response_hours: dict,
) -> BusinessHours:
    """Change when the organisation answers: opening hours per weekday, closed days and the
    response time per priority in working hours. The deadlines of open tickets nobody answered
    yet follow at once (`deadlines_refresh`)."""
    from datetime import date

    from wendbaar.service.choices import LiberationDay

    _require_manager(actor)
    clean_hours = _check_hours(hours)
    if liberation_day not in LiberationDay.values:
        raise BusinessRuleError(
            _("Choose how Liberation Day is kept."), code="bad_hours", status_code=400
        )
    days = set()
    for value in closed_days or []:
        try:
            days.add(date.fromisoformat(str(value).strip()))
        except ValueError:
            raise BusinessRuleError(
                _("%(value)s is not a date like 2026-12-24.") % {"value": value},
                code="bad_hours",
                status_code=400,
            ) from None
    clean_response = {}
    for priority in TicketPriority.values:
        value = (response_hours or {}).get(priority)
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = -1
        if not 0 < number <= 1000:
            raise BusinessRuleError(
                _(
                    "The response time for %(priority)s must be more than 0 and at most %(max)s "
                    "working hours."
                )
                % {"priority": TicketPriority(priority).label, "max": MAX_RESPONSE_HOURS},
                code="bad_hours",
                status_code=400,
            )
        clean_response[priority] = int(number) if number == int(number) else number
    row = business_hours_get(organisation_get())
    row = BusinessHours.objects.select_for_update().get(pk=row.pk)
    before = {
        "hours": row.hours,
        "liberation_day": row.liberation_day,
        "closed_days": row.closed_days,
        "response_hours": row.response_hours,
    }
    row.hours = clean_hours
    row.liberation_day = liberation_day
    row.closed_days = [d.isoformat() for d in sorted(days)]
    row.response_hours = clean_response
    row.save()
    after = {
        "hours": row.hours,
        "liberation_day": row.liberation_day,
        "closed_days": row.closed_days,
        "response_hours": row.response_hours,
    }
    data = {k: {"from": before[k], "to": v} for k, v in after.items() if before[k] != v}
    if data:
        data["deadlines_moved"] = deadlines_refresh(organisation=row.organisation)
    audit_log(actor=actor, action="service.business_hours_changed", target=row, data=data)
    return row
