"""Reading customer questions: only tickets of the person's teams, those assigned to them, or
(unrouted) those shared with service agents."""

from datetime import timedelta

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from wendbaar.accounts.models import visible_q
from wendbaar.service.choices import PRIORITY_RANK, TicketStatus
from wendbaar.service.models import Message, Queue, Rule, Ticket

# "About to breach": the answer is due within this many hours (or overdue).
AT_RISK_HOURS = 4


def ticket_visible_q(user) -> Q:
    if user is None or not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    return visible_q(Ticket, user) | Q(assignee_id=user.pk)


def ticket_list(
    *,
    user,
    status: str = "",
    team_id: int | None = None,
    assignee: str = "",
    queue_id: int | None = None,
    priority: str = "",
    query: str = "",
    at_risk: bool = False,
) -> QuerySet[Ticket]:
    """The queue: open tickets first by priority, then by how soon the answer is due."""
    tickets = Ticket.objects.filter(ticket_visible_q(user)).select_related(
        "customer", "queue", "assignee", "team"
    )
    if status == "all":
        pass
    elif status in TicketStatus.values:
        tickets = tickets.filter(status=status)
    else:
        tickets = tickets.open()
    if team_id:
        tickets = tickets.for_team(team_id)
    if assignee == "me":
        tickets = tickets.assigned_to(user.pk)
    elif assignee == "none":
        tickets = tickets.filter(assignee__isnull=True)
    elif assignee.isdigit():
        tickets = tickets.assigned_to(int(assignee))
    if queue_id:
        tickets = tickets.filter(queue_id=queue_id)
    if priority:
        tickets = tickets.filter(priority=priority)
    if query:
        tickets = tickets.filter(
            Q(subject__icontains=query)
            | Q(customer__email__icontains=query)
            | Q(customer__name__icontains=query)
        )
    if at_risk:
        tickets = tickets.open().filter(
            first_response_at__isnull=True,
            sla_due_at__lte=timezone.now() + timedelta(hours=AT_RISK_HOURS),
        )
    rank = Case(
        *(When(priority=p, then=Value(n)) for p, n in PRIORITY_RANK.items()),
        default=Value(9),
        output_field=IntegerField(),
    )
    return tickets.annotate(priority_rank=rank).order_by(
        "priority_rank", "sla_due_at", "received_at", "pk"
    )


def ticket_get(*, user, pk: int) -> Ticket:
    ticket = (
        Ticket.objects.filter(ticket_visible_q(user), pk=pk)
        .select_related("customer", "queue", "assignee", "team", "organisation")
        .first()
    )
    if ticket is None:
        raise Http404
    return ticket


def attachment_get(*, user, pk: int):
    """A stored attachment of a ticket `user` may see (refused ones have no file to give)."""
    from wendbaar.service.models import Attachment

    visible = Ticket.objects.filter(ticket_visible_q(user)).values("pk")
    attachment = (
        Attachment.objects.select_related("message")
        .filter(pk=pk, refused="", message__ticket_id__in=visible)
        .first()
    )
    if attachment is None or not attachment.file:
        raise Http404
    return attachment


def ticket_messages(*, ticket: Ticket) -> QuerySet[Message]:
    return ticket.messages.select_related("author").prefetch_related("attachments")


def sla_state(ticket: Ticket, now=None) -> str:
    """breached, at_risk, ok, met or none: how the ticket stands against its deadline."""
    now = now or timezone.now()
    if ticket.first_response_at is not None:
        return (
            "met"
            if not ticket.sla_due_at or ticket.first_response_at <= ticket.sla_due_at
            else "late"
        )
    if ticket.sla_due_at is None or ticket.status == TicketStatus.CLOSED:
        return "none"
    if ticket.sla_due_at <= now:
        return "breached"
    if ticket.sla_due_at <= now + timedelta(hours=AT_RISK_HOURS):
        return "at_risk"
    return "ok"


def queue_list(*, organisation) -> QuerySet[Queue]:
    return Queue.objects.filter(organisation=organisation, is_active=True).select_related("team")


def rule_list(*, organisation) -> QuerySet[Rule]:
    return Rule.objects.filter(organisation=organisation).order_by("position", "pk")


def agent_choices(*, ticket: Ticket):
    """People a ticket can be given to."""
    from wendbaar.accounts.models import User
    from wendbaar.service.services import may_handle

    people = User.objects.filter(is_active=True).prefetch_related("roles")
    if ticket.team_id:
        people = people.filter(memberships__team_id=ticket.team_id)
    return [p for p in people.order_by("full_name") if may_handle(p, ticket)]


# -- setup pages: managers and administrators only ------------------------------------------------


def may_manage(user) -> bool:
    from wendbaar.accounts.selectors import is_manager

    return is_manager(user) and user.is_active


def queue_list_all(*, user, organisation) -> QuerySet[Queue]:
    """Every queue, inactive ones too, for the people who set them up (others get none)."""
    if not may_manage(user):
        return Queue.objects.none()
    return (
        Queue.objects.filter(organisation=organisation)
        .select_related("team")
        .annotate(open_tickets=Count("tickets", filter=~Q(tickets__status=TicketStatus.CLOSED)))
        .order_by("-is_active", "name")
    )


def queue_get_for_edit(*, user, organisation, pk: int) -> Queue:
    queue = queue_list_all(user=user, organisation=organisation).filter(pk=pk).first()
    if queue is None:
        raise Http404
    return queue


def rule_get_for_edit(*, user, organisation, pk: int) -> Rule:
    if not may_manage(user):
        raise Http404
    rule = Rule.objects.filter(organisation=organisation, pk=pk).first()
    if rule is None:
        raise Http404
    return rule


def triage_model_get(*, user, organisation, pk: int):
    """One trained triage model (without its weights), for the people who manage triage."""
    from wendbaar.service.models import TriageModel

    if not may_manage(user):
        raise Http404
    model = TriageModel.objects.defer("state").filter(organisation=organisation, pk=pk).first()
    if model is None:
        raise Http404
    return model


def triage_model_history(*, user, organisation, limit: int = 50) -> list:
    """The trained triage models, newest first, with the verdict of each retrain."""
    from wendbaar.service import learning
    from wendbaar.service.models import TriageModel

    if not may_manage(user):
        return []
    rows = list(
        TriageModel.objects.filter(organisation=organisation)
        .defer("state")
        .order_by("-created_at", "-pk")[:limit]
    )
    for row in rows:
        fields = sorted(set(row.accuracy_before or {}) | set(row.accuracy_after or {}))
        row.per_field = [
            {
                "field": f,
                "before": (row.accuracy_before or {}).get(f),
                "after": (row.accuracy_after or {}).get(f),
            }
            for f in fields
        ]
        for item in row.per_field:
            b, a = item["before"], item["after"]
            item["change"] = None if a is None or b is None else round(a - b, 4)
        row.mean_before = learning.mean_accuracy(row.accuracy_before)
        row.mean_after = learning.mean_accuracy(row.accuracy_after)
        row.worse = learning.is_worse(row.accuracy_before, row.accuracy_after)
    return rows


def triage_learning_state(*, user, organisation) -> dict:
    """What the learning page shows above the history: the model in use, new corrections, and
    whether a retrain is waiting."""
    from wendbaar.service import learning
    from wendbaar.service.models import TriageModel

    if not may_manage(user):
        return {}
    from wendbaar.audit.models import AuditEvent

    pending = learning.retrain_pending(organisation=organisation)
    last = (
        AuditEvent.objects.filter(
            action=learning.FINISHED,
            object_type="accounts.organisation",
            object_id=str(organisation.pk),
        )
        .order_by("-at", "-id")
        .first()
    )
    return {
        "last_error": (last.data or {}).get("error", "") if last else "",
        "last_finished": last,
        "active": TriageModel.objects.filter(organisation=organisation, is_active=True)
        .defer("state")
        .order_by("-created_at", "-pk")
        .first(),
        "new_corrections": learning.new_corrections(organisation=organisation),
        "retrain_every": learning.retrain_every(),
        "pending": pending,
        "queue_descriptions": Queue.objects.filter(organisation=organisation, is_active=True)
        .exclude(description="")
        .count(),
    }
