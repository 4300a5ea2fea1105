"""Customer questions over the API: add a question, list the queue, read a ticket with its thread,
assign, correct triage, draft and send a reply.

Only tickets the caller may see, as in the web app."""

from datetime import datetime

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from wendbaar.accounts.auth import api_auth
from wendbaar.accounts.models import User
from wendbaar.common.errors import BusinessRuleError
from wendbaar.service import replies, selectors, services
from wendbaar.service.choices import Channel

router = Router(tags=["service"], auth=api_auth("service:read", "service:write"))


class TicketIn(Schema):
    email: str = Field(..., max_length=254)
    name: str = Field("", max_length=200)
    subject: str = Field("", max_length=500)
    text: str = Field(..., max_length=services.MAX_TEXT)
    message_id: str = Field("", max_length=500)


class PredictionOut(Schema):
    value: str
    confidence: float
    signals: list[str]


class TicketOut(Schema):
    id: int
    subject: str
    status: str
    channel: str
    customer_email: str
    customer_name: str
    queue: str | None
    team_id: int | None
    assignee_id: int | None
    received_at: datetime
    sla_due_at: datetime | None
    sla_state: str
    tags: list[str]
    triage: dict[str, PredictionOut]


class MessageOut(Schema):
    id: int
    direction: str
    from_address: str
    subject: str
    text: str
    sent_at: datetime
    is_auto_reply: bool
    attachments: list[dict]


class TicketDetailOut(TicketOut):
    messages: list[MessageOut]


class AssignIn(Schema):
    assignee_id: int | None


class CorrectionIn(Schema):
    field: str
    value: str


class DraftOut(Schema):
    draft_id: int
    text: str
    language: str
    confidence: float
    citations: list[dict]


class SendIn(Schema):
    draft_id: int
    text: str = Field(..., max_length=50_000)
    seconds_spent: int | None = None


def ticket_out(ticket) -> dict:
    triage = {
        "priority": (ticket.priority, ticket.priority_confidence),
        "queue": (ticket.queue.slug if ticket.queue else "", ticket.queue_confidence),
        "type": (ticket.ticket_type, ticket.type_confidence),
        "language": (ticket.language, ticket.language_confidence),
        "sentiment": (ticket.sentiment, ticket.sentiment_confidence),
    }
    return {
        "id": ticket.pk,
        "subject": ticket.subject,
        "status": ticket.status,
        "channel": ticket.channel,
        "customer_email": ticket.customer.email,
        "customer_name": ticket.customer.name,
        "queue": ticket.queue.slug if ticket.queue else None,
        "team_id": ticket.team_id,
        "assignee_id": ticket.assignee_id,
        "received_at": ticket.received_at,
        "sla_due_at": ticket.sla_due_at,
        "sla_state": selectors.sla_state(ticket),
        "tags": [t.name for t in ticket.tags.all()],
        "triage": {
            name: {
                "value": value or "",
                "confidence": confidence,
                "signals": (ticket.triage_signals or {}).get(name, []),
            }
            for name, (value, confidence) in triage.items()
        },
    }


def _detail(request, ticket) -> dict:
    messages = [
        {
            "id": m.pk,
            "direction": m.direction,
            "from_address": m.from_address,
            "subject": m.subject,
            "text": m.text,
            "sent_at": m.sent_at,
            "is_auto_reply": m.is_auto_reply,
            "attachments": [
                {"filename": a.filename, "size": a.size, "refused": a.refused}
                for a in m.attachments.all()
            ],
        }
        for m in selectors.ticket_messages(ticket=ticket)
    ]
    return {**ticket_out(ticket), "messages": messages}


@router.post("/tickets", response={201: TicketDetailOut, 200: TicketDetailOut})
def ticket_create(request, payload: TicketIn):
    """A customer's question from another system; triaged and given an SLA deadline at once."""
    intake = services.message_receive(
        incoming=services.MessageIn(
            from_address=payload.email,
            from_name=payload.name,
            subject=payload.subject,
            text=payload.text,
            message_id=payload.message_id.strip(),
        ),
        channel=Channel.API,
        actor=request.user,
    )
    if intake.ticket is None:
        raise BusinessRuleError(_("Automatic replies are not taken in."), code="auto_reply")
    ticket = selectors.ticket_get(user=request.user, pk=intake.ticket.pk)
    return Status(201 if intake.created else 200, _detail(request, ticket))


@router.get("/tickets", response=list[TicketOut])
@paginate(LimitOffsetPagination)
def ticket_list(
    request,
    status: str = "",
    team: int | None = None,
    assignee: str = "",
    queue: int | None = None,
    priority: str = "",
    q: str = "",
    at_risk: bool = False,
):
    tickets = selectors.ticket_list(
        user=request.user,
        status=status,
        team_id=team,
        assignee=assignee,
        queue_id=queue,
        priority=priority,
        query=q[:200],
        at_risk=at_risk,
    ).prefetch_related("tags")
    return [ticket_out(t) for t in tickets]


@router.get("/tickets/{int:ticket_id}", response=TicketDetailOut)
def ticket_detail(request, ticket_id: int):
    return _detail(request, selectors.ticket_get(user=request.user, pk=ticket_id))


@router.post("/tickets/{int:ticket_id}/assign", response=TicketOut)
def ticket_assign(request, ticket_id: int, payload: AssignIn):
    ticket = selectors.ticket_get(user=request.user, pk=ticket_id)
    person = None
    if payload.assignee_id is not None:
        person = User.objects.filter(pk=payload.assignee_id, is_active=True).first()
        if person is None:
            raise BusinessRuleError(_("No such person."), code="unknown_person", status_code=400)
    services.ticket_assign(actor=request.user, ticket=ticket, assignee=person)
    return ticket_out(selectors.ticket_get(user=request.user, pk=ticket_id))


@router.post("/tickets/{int:ticket_id}/corrections", response=TicketOut)
def ticket_correct(request, ticket_id: int, payload: CorrectionIn):
    ticket = selectors.ticket_get(user=request.user, pk=ticket_id)
    services.triage_correct(
        actor=request.user, ticket=ticket, field_name=payload.field, value=payload.value
    )
    return ticket_out(selectors.ticket_get(user=request.user, pk=ticket_id))


@router.post("/tickets/{int:ticket_id}/draft", response=DraftOut)
def ticket_draft(request, ticket_id: int):
    """A reply draft from knowledge documents marked for customers; never sent by itself."""
    ticket = selectors.ticket_get(user=request.user, pk=ticket_id)
    draft = replies.reply_propose(actor=request.user, ticket=ticket)
    return {
        "draft_id": draft.pk,
        "text": draft.text,
        "language": draft.language,
        "confidence": draft.confidence,
        "citations": draft.content.get("citations", []),
    }


@router.post("/tickets/{int:ticket_id}/reply", response=MessageOut)
def ticket_reply(request, ticket_id: int, payload: SendIn):
    """Send the (edited) draft to the customer: the agent's explicit send."""
    from wendbaar.copilot.models import Draft

    ticket = selectors.ticket_get(user=request.user, pk=ticket_id)
    draft = Draft.objects.filter(pk=payload.draft_id).first()
    if draft is None:
        raise BusinessRuleError(_("This draft does not exist."), code="not_found", status_code=404)
    message = replies.reply_send(
        actor=request.user,
        ticket=ticket,
        draft=draft,
        text=payload.text,
        seconds_spent=payload.seconds_spent,
    )
    return {
        "id": message.pk,
        "direction": message.direction,
        "from_address": message.from_address,
        "subject": message.subject,
        "text": message.text,
        "sent_at": message.sent_at,
        "is_auto_reply": False,
        "attachments": [],
    }
