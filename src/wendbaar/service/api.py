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


class BulkIn(Schema):
    tickets: list[int] = Field(..., min_length=1, max_length=500)
    action: str = Field(..., description="assign, priority or close")
    value: str = Field("", description="the person's id (assign) or the priority")


class BulkOut(Schema):
    changed: int


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


@router.post("/tickets/bulk", response=BulkOut)
def tickets_bulk(request, payload: BulkIn):
    """Assign, set the priority of or close several tickets at once; all or nothing. A ticket the
    caller may not see counts as not found."""
    tickets = list(
        selectors.ticket_list(user=request.user, status="all").filter(pk__in=payload.tickets)
    )
    if len(tickets) != len(set(payload.tickets)):
        raise BusinessRuleError(
            _("One or more tickets do not exist."), code="not_found", status_code=404
        )
    count = services.bulk_apply(
        actor=request.user, tickets=tickets, action=payload.action, value=payload.value
    )
    return {"changed": count}


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


# -- setup by managers: queues, business hours, rules, triage learning ---------------------------


def _manager(request) -> None:
    from django.core.exceptions import PermissionDenied

    if not selectors.may_manage(request.user):
        raise PermissionDenied(_("Only managers and administrators can change the service setup."))


class QueueIn(Schema):
    name: str = Field(..., max_length=120)
    slug: str = Field(..., max_length=60)
    description: str = Field("", max_length=5000)
    cue_words: str = Field("", max_length=2000)
    team_id: int | None = None
    is_active: bool = True
    response_hours: dict[str, float | None] | None = Field(
        None,
        description="The queue's own response time per priority (low, medium, high, urgent) in "
        'working hours, e.g. {"urgent": 2, "high": 4}; a priority left out keeps the '
        "organisation's. Omitted or null: the queue's present response times stay as they are.",
    )


class QueueOut(Schema):
    id: int
    name: str
    slug: str
    description: str
    cue_words: str
    team_id: int | None
    is_active: bool
    response_hours: dict[str, float]


def _queue_out(queue) -> dict:
    return {
        "id": queue.pk,
        "name": queue.name,
        "slug": queue.slug,
        "description": queue.description,
        "cue_words": queue.cue_words,
        "team_id": queue.team_id,
        "is_active": queue.is_active,
        "response_hours": queue.response_hours or {},
    }


def _team(team_id):
    from wendbaar.accounts.models import Team

    if team_id is None:
        return None
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        raise BusinessRuleError(_("No such team."), code="unknown_team", status_code=400)
    return team


@router.get("/queues", response=list[QueueOut])
def queue_list(request):
    """Every queue, inactive ones too (managers only). Triage reads their descriptions."""
    from wendbaar.accounts.selectors import organisation_get

    _manager(request)
    return [
        _queue_out(q)
        for q in selectors.queue_list_all(user=request.user, organisation=organisation_get())
    ]


@router.post("/queues", response={201: QueueOut})
def queue_create(request, payload: QueueIn):
    _manager(request)
    data = payload.dict()
    team = _team(data.pop("team_id"))
    queue = services.queue_save(actor=request.user, team=team, **data)
    return Status(201, _queue_out(queue))


@router.get("/queues/{int:queue_id}", response=QueueOut)
def queue_detail(request, queue_id: int):
    from wendbaar.accounts.selectors import organisation_get

    _manager(request)
    return _queue_out(
        selectors.queue_get_for_edit(
            user=request.user, organisation=organisation_get(), pk=queue_id
        )
    )


@router.put("/queues/{int:queue_id}", response=QueueOut)
def queue_update(request, queue_id: int, payload: QueueIn):
    from wendbaar.accounts.selectors import organisation_get

    _manager(request)
    queue = selectors.queue_get_for_edit(
        user=request.user, organisation=organisation_get(), pk=queue_id
    )
    data = payload.dict()
    team = _team(data.pop("team_id"))
    return _queue_out(services.queue_save(actor=request.user, queue=queue, team=team, **data))


class BusinessHoursIO(Schema):
    hours: dict[str, list[str]] = Field(
        ..., description='Per weekday (0 = Monday): ["08:30", "17:00"]; a missing day is closed.'
    )
    liberation_day: str
    closed_days: list[str] = []
    response_hours: dict[str, float]


def _hours_out(row) -> dict:
    return {
        "hours": row.hours,
        "liberation_day": row.liberation_day,
        "closed_days": row.closed_days,
        "response_hours": row.response_hours,
    }


@router.get("/business-hours", response=BusinessHoursIO)
def business_hours_detail(request):
    _manager(request)
    return _hours_out(services.business_hours_get())


@router.put("/business-hours", response=BusinessHoursIO)
def business_hours_update(request, payload: BusinessHoursIO):
    _manager(request)
    return _hours_out(services.business_hours_save(actor=request.user, **payload.dict()))


class RuleIn(Schema):
    name: str = Field(..., max_length=200)
    conditions: dict = Field(
        default_factory=dict,
        description='E.g. {"words": ["lekkage"], "priority": ["high", "urgent"], '
        '"customer": ["@vve.nl"], "outside_hours": true, "weekdays": [5, 6]}',
    )
    actions: list[dict] = Field(
        ...,
        description='E.g. [{"action": "tag", "tag": "lekkage"}, {"action": "assign", '
        '"email": "piet@example.nl"}]',
    )
    position: int = Field(100, ge=0, le=10_000)
    is_active: bool = True
    stop_processing: bool = False


class RuleOut(Schema):
    id: int
    name: str
    conditions: dict
    actions: list[dict]
    position: int
    is_active: bool
    stop_processing: bool


class DryRunIn(Schema):
    conditions: dict = Field(default_factory=dict)


class DryRunHit(Schema):
    ticket_id: int
    subject: str
    reasons: list[str]


def _rule_out(rule) -> dict:
    return {
        "id": rule.pk,
        "name": rule.name,
        "conditions": rule.conditions,
        "actions": rule.actions,
        "position": rule.position,
        "is_active": rule.is_active,
        "stop_processing": rule.stop_processing,
    }


@router.get("/rules", response=list[RuleOut])
def rule_list(request):
    from wendbaar.accounts.selectors import organisation_get

    _manager(request)
    return [_rule_out(r) for r in selectors.rule_list(organisation=organisation_get())]


@router.post("/rules", response={201: RuleOut})
def rule_create(request, payload: RuleIn):
    from wendbaar.service import rules

    _manager(request)
    return Status(201, _rule_out(rules.rule_save(actor=request.user, **payload.dict())))


@router.put("/rules/{int:rule_id}", response=RuleOut)
def rule_update(request, rule_id: int, payload: RuleIn):
    from wendbaar.accounts.selectors import organisation_get
    from wendbaar.service import rules

    _manager(request)
    rule = selectors.rule_get_for_edit(
        user=request.user, organisation=organisation_get(), pk=rule_id
    )
    return _rule_out(rules.rule_save(actor=request.user, rule=rule, **payload.dict()))


@router.post("/rules/dry-run", response=list[DryRunHit])
def rule_dry_run(request, payload: DryRunIn):
    """Which recent tickets (of the last 30 days, that you may see) these conditions would hit."""
    from wendbaar.service import rules

    _manager(request)
    return [
        {"ticket_id": h["ticket"].pk, "subject": h["ticket"].subject, "reasons": h["reasons"]}
        for h in rules.rule_dry_run(user=request.user, conditions=payload.conditions)
    ]


class TriageModelOut(Schema):
    id: int
    engine: str
    trained_at: datetime
    examples: int
    corrections: int
    accuracy_before: dict
    accuracy_after: dict
    is_active: bool
    worse: bool


class TriageStateOut(Schema):
    active_model_id: int | None
    new_corrections: int
    retrain_every: int
    retrain_queued: bool
    models: list[TriageModelOut]


def _learning_state(request) -> dict:
    from wendbaar.accounts.selectors import organisation_get

    organisation = organisation_get()
    state = selectors.triage_learning_state(user=request.user, organisation=organisation)
    models = selectors.triage_model_history(user=request.user, organisation=organisation)
    return {
        "active_model_id": state["active"].pk if state["active"] else None,
        "new_corrections": state["new_corrections"],
        "retrain_every": state["retrain_every"],
        "retrain_queued": state["pending"] is not None,
        "models": [
            {
                "id": m.pk,
                "engine": m.engine,
                "trained_at": m.created_at,
                "examples": m.examples,
                "corrections": m.corrections,
                "accuracy_before": m.accuracy_before,
                "accuracy_after": m.accuracy_after,
                "is_active": m.is_active,
                "worse": m.worse,
            }
            for m in models
        ],
    }


@router.get("/triage/models", response=TriageStateOut)
def triage_models(request):
    """The triage model history: when trained, on how much, accuracy before and after, in use."""
    _manager(request)
    return _learning_state(request)


@router.post("/triage/retrain", response={202: TriageStateOut})
def triage_retrain(request):
    """Queue a retrain in the background (nothing new is queued while one is waiting)."""
    from wendbaar.accounts.selectors import organisation_get
    from wendbaar.service import learning

    _manager(request)
    learning.triage_retrain_request(
        actor=request.user, organisation=organisation_get(), reason="manual"
    )
    return Status(202, _learning_state(request))


@router.post("/triage/models/{int:model_id}/activate", response=TriageStateOut)
def triage_model_activate(request, model_id: int):
    from wendbaar.accounts.selectors import organisation_get
    from wendbaar.service import learning

    _manager(request)
    model = selectors.triage_model_get(
        user=request.user, organisation=organisation_get(), pk=model_id
    )
    learning.triage_model_activate(actor=request.user, model=model)
    return _learning_state(request)
