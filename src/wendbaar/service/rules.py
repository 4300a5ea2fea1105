"""Rules the team set up for repetitive work: when (triage fields, words, customer, time) then
(assign, tag, set priority, send a template reply, notify).

Conditions (all must hold; a missing condition holds):
  {"priority": ["urgent"], "queue": ["storingen"], "type": ["billing"], "language": ["en"],
   "sentiment": ["negative"], "channel": ["email"], "words": ["lekkage", "water"],
   "customer": ["jan@example.nl", "@bedrijf.nl"], "outside_hours": true, "weekdays": [5, 6]}
Actions, in order:
  {"action": "assign", "email": "piet@..."} · {"action": "tag", "tag": "vip"}
  {"action": "priority", "value": "high"} · {"action": "notify", "email": "team@..."}
  {"action": "reply", "text": "Bedankt voor uw bericht ..."} · {"action": "queue", "queue": "storingen"}
  (routing to a queue hands the ticket to that queue's team)
"""

import re
from datetime import timedelta

from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wendbaar.accounts.models import User
from wendbaar.audit.models import AuditEvent
from wendbaar.audit.services import audit_log
from wendbaar.common.errors import BusinessRuleError
from wendbaar.service import config
from wendbaar.service.choices import Channel, Sentiment, TicketPriority, TicketType
from wendbaar.service.models import Message, Queue, Rule, Tag, Ticket

CONDITION_KEYS = {
    "priority",
    "queue",
    "type",
    "language",
    "sentiment",
    "channel",
    "words",
    "customer",
    "outside_hours",
    "weekdays",
}
ACTIONS = {"assign", "queue", "tag", "priority", "notify", "reply"}


_PRIORITY_RANK = {p: rank for rank, p in enumerate(TicketPriority.values)}  # low … urgent


def _as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def rule_validate(*, conditions, actions) -> tuple[dict, list]:
    """Conditions and actions as they are stored, or a clear message about what is wrong."""
    if not isinstance(conditions, dict):
        raise BusinessRuleError(
            _("Conditions must be an object."), code="bad_rule", status_code=400
        )
    if not isinstance(actions, list) or not actions:
        raise BusinessRuleError(
            _("A rule needs at least one action."), code="bad_rule", status_code=400
        )
    unknown = set(conditions) - CONDITION_KEYS
    if unknown:
        raise BusinessRuleError(
            _("Unknown condition: %(names)s.") % {"names": ", ".join(sorted(unknown))},
            code="bad_rule",
            status_code=400,
        )
    allowed = {
        "priority": TicketPriority.values,
        "type": TicketType.values,
        "sentiment": Sentiment.values,
        "channel": Channel.values,
    }
    for key, values in allowed.items():
        wrong = [v for v in _as_list(conditions.get(key)) if v not in values]
        if wrong:
            raise BusinessRuleError(
                _("%(key)s cannot be %(value)s.")
                % {"key": key, "value": ", ".join(map(str, wrong))},
                code="bad_rule",
                status_code=400,
            )
    for number, action in enumerate(actions, start=1):
        kind = action.get("action") if isinstance(action, dict) else None
        if kind not in ACTIONS:
            raise BusinessRuleError(
                _("Action %(n)s: unknown action (use %(choices)s).")
                % {"n": number, "choices": ", ".join(sorted(ACTIONS))},
                code="bad_rule",
                status_code=400,
            )
        if (
            kind == "assign"
            and not User.objects.filter(
                email__iexact=str(action.get("email", "")), is_active=True
            ).exists()
        ):
            raise BusinessRuleError(
                _("Action %(n)s: no active person with that e-mail address.") % {"n": number},
                code="bad_rule",
                status_code=400,
            )
        if (
            kind == "queue"
            and not Queue.objects.filter(slug=str(action.get("queue", "")), is_active=True).exists()
        ):
            raise BusinessRuleError(
                _("Action %(n)s: no active queue with the code %(code)s.")
                % {"n": number, "code": str(action.get("queue", "")) or "''"},
                code="bad_rule",
                status_code=400,
            )
        if kind == "priority" and action.get("value") not in TicketPriority.values:
            raise BusinessRuleError(
                _("Action %(n)s: unknown priority.") % {"n": number},
                code="bad_rule",
                status_code=400,
            )
        if kind in ("tag",) and not str(action.get("tag", "")).strip():
            raise BusinessRuleError(
                _("Action %(n)s: a tag needs a name.") % {"n": number},
                code="bad_rule",
                status_code=400,
            )
        if kind == "reply" and not str(action.get("text", "")).strip():
            raise BusinessRuleError(
                _("Action %(n)s: a template reply needs a text.") % {"n": number},
                code="bad_rule",
                status_code=400,
            )
        if kind == "notify" and "@" not in str(action.get("email", "")):
            raise BusinessRuleError(
                _("Action %(n)s: notify needs an e-mail address.") % {"n": number},
                code="bad_rule",
                status_code=400,
            )
    return conditions, actions


def matches(rule_conditions: dict, ticket: Ticket, text: str, calendar=None) -> list[str]:
    """The reasons the rule hits the ticket, or an empty list when it does not."""
    reasons = []
    fields = {
        "priority": ticket.priority,
        "queue": ticket.queue.slug if ticket.queue_id else "",
        "type": ticket.ticket_type,
        "language": ticket.language,
        "sentiment": ticket.sentiment,
        "channel": ticket.channel,
    }
    for key, value in fields.items():
        wanted = _as_list(rule_conditions.get(key))
        if wanted:
            if value not in wanted:
                return []
            reasons.append(f"{key}={value}")
    words = [str(w).lower() for w in _as_list(rule_conditions.get("words")) if str(w).strip()]
    if words:
        haystack = f"{ticket.subject}\n{text}".lower()
        hit = [w for w in words if re.search(r"(?<!\w)" + re.escape(w) + r"(?!\w)", haystack)]
        if not hit:
            return []
        reasons.append(_("words: %(words)s") % {"words": ", ".join(hit)})
    customers = [str(c).lower() for c in _as_list(rule_conditions.get("customer"))]
    if customers:
        email = ticket.customer.email.lower()
        if not any(email == c or (c.startswith("@") and email.endswith(c)) for c in customers):
            return []
        reasons.append(f"customer={email}")
    if "outside_hours" in rule_conditions and calendar is not None:
        window = calendar.window(timezone.localtime(ticket.received_at).date())
        inside = window is not None and window[0] <= ticket.received_at < window[1]
        if bool(rule_conditions["outside_hours"]) == inside:
            return []
        reasons.append(_("outside business hours") if not inside else _("in business hours"))
    weekdays = [int(d) for d in _as_list(rule_conditions.get("weekdays")) if str(d).isdigit()]
    if weekdays:
        if timezone.localtime(ticket.received_at).weekday() not in weekdays:
            return []
        reasons.append("weekday")
    return reasons or [_("always")]


def _ticket_text(ticket: Ticket) -> str:
    first = ticket.messages.filter(direction="in").order_by("sent_at", "pk").first()
    return first.text if first else ""


def _already_replied(ticket: Ticket, rule: Rule) -> bool:
    return AuditEvent.objects.filter(
        action="service.rule_reply",
        object_type="service.ticket",
        object_id=str(ticket.pk),
        data__rule=rule.pk,
    ).exists()


def _is_loop(message: Message | None) -> bool:
    if message is None:
        return False
    return message.is_auto_reply or message.from_address.lower() in config.own_addresses()


def rules_apply(*, ticket: Ticket, message: Message | None, new_ticket: bool) -> list[int]:
    """Run the active rules on a ticket that just came in; returns the rules that hit.

    A template reply is never sent to an automatic reply or to our own address, and at most once
    per rule per ticket."""
    from wendbaar.service import services

    if _is_loop(message):
        return []
    calendar = services.calendar_for(ticket.organisation)
    text = message.text if message is not None else _ticket_text(ticket)
    hits = []
    for rule in Rule.objects.filter(organisation=ticket.organisation, is_active=True):
        reasons = matches(rule.conditions or {}, ticket, text, calendar)
        if not reasons:
            continue
        hits.append(rule.pk)
        for action in rule.actions or []:
            _act(rule, ticket, action, new_ticket=new_ticket)
        audit_log(
            actor=None,
            action="service.rule_applied",
            target=ticket,
            data={"rule": rule.pk, "reasons": [str(r) for r in reasons]},
        )
        if rule.stop_processing:
            break
    return hits


def _act(rule: Rule, ticket: Ticket, action: dict, *, new_ticket: bool) -> None:
    from wendbaar.service import services

    kind = action.get("action")
    # On a customer's reply a rule may tag, notify and raise the priority, but never undo what a
    # person decided since the ticket arrived: routing and assignment are for new tickets only.
    if not new_ticket and kind in ("assign", "queue"):
        return
    if (
        not new_ticket
        and kind == "priority"
        and _PRIORITY_RANK.get(action.get("value"), -1) <= _PRIORITY_RANK.get(ticket.priority, -1)
    ):
        return
    if kind == "assign":
        person = User.objects.filter(
            email__iexact=str(action.get("email", "")), is_active=True
        ).first()
        if person is not None and services.may_handle(person, ticket):
            ticket.assignee = person
            ticket.save(update_fields=["assignee", "updated_at"])
    elif kind == "queue":
        queue = Queue.objects.filter(
            organisation=ticket.organisation, slug=str(action.get("queue", "")), is_active=True
        ).first()
        if queue is not None and queue.pk != ticket.queue_id:
            services.ticket_route(ticket=ticket, queue=queue)
    elif kind == "tag":
        tag, _created = Tag.objects.get_or_create(name=str(action["tag"]).strip().lower()[:60])
        ticket.tags.add(tag)
    elif kind == "priority" and action.get("value") in TicketPriority.values:
        ticket.priority, ticket.priority_confidence = action["value"], 1.0
        if ticket.first_response_at is None:
            ticket.sla_due_at = services.sla_due(ticket=ticket)
        ticket.save(update_fields=["priority", "priority_confidence", "sla_due_at", "updated_at"])
    elif kind == "notify":
        address = str(action.get("email", ""))
        link = f"#{ticket.pk} {ticket.subject}"
        transaction.on_commit(
            lambda: EmailMessage(
                subject=_("Rule %(rule)s: %(ticket)s") % {"rule": rule.name, "ticket": link},
                body=_("Ticket %(ticket)s matched the rule %(rule)s.")
                % {"ticket": link, "rule": rule.name},
                to=[address],
            ).send(fail_silently=True)
        )
    elif kind == "reply" and new_ticket and not _already_replied(ticket, rule):
        # Sent in the background once the ticket is stored: a mail server that is down must not
        # cost the customer their question (the form, the API and the mailbox all get here).
        from wendbaar.service.tasks import rule_reply_task

        transaction.on_commit(lambda: rule_reply_task.enqueue(ticket_id=ticket.pk, rule_id=rule.pk))


def rule_reply_send(*, ticket_id: int, rule_id: int) -> str:
    """Send a rule's template reply to a new ticket's customer, at most once per rule and ticket.

    No lock is held while the mail server is talked to, so agents keep working on the ticket. A
    refused send is audited and raised, so the job system tries again later; a reply already sent
    is never sent again. Returns what happened."""
    from wendbaar.service.replies import mail_send

    ticket = Ticket.objects.select_related("customer").filter(pk=ticket_id).first()
    rule = Rule.objects.filter(pk=rule_id).first()
    if ticket is None or rule is None:
        return "gone"
    if _already_replied(ticket, rule):
        return "already"
    text = next(
        (str(a.get("text", "")).strip() for a in rule.actions or [] if a.get("action") == "reply"),
        "",
    )
    if not text:
        return "no-text"
    try:
        with transaction.atomic():
            message = mail_send(ticket=ticket, text=text)
            audit_log(
                actor=None,
                action="service.rule_reply",
                target=ticket,
                data={"rule": rule.pk, "message": message.pk},
            )
    except OSError as exc:
        audit_log(
            actor=None,
            action="service.rule_reply_failed",
            target=ticket,
            data={"rule": rule.pk, "error": str(exc)[:300]},
        )
        raise
    return "sent"


def rule_dry_run(*, user, conditions: dict, days: int = 30, limit: int = 200) -> list[dict]:
    """Which recent tickets (that `user` may see) a rule with these conditions would hit."""
    from wendbaar.accounts.selectors import organisation_get
    from wendbaar.service import services
    from wendbaar.service.selectors import ticket_visible_q

    rule_validate(conditions=conditions, actions=[{"action": "tag", "tag": "dry-run"}])
    organisation = organisation_get()
    calendar = services.calendar_for(organisation)
    since = timezone.now() - timedelta(days=days)
    tickets = (
        Ticket.objects.filter(ticket_visible_q(user), received_at__gte=since)
        .select_related("customer", "queue")
        .order_by("-received_at")[:limit]
    )
    out = []
    for ticket in tickets:
        reasons = matches(conditions, ticket, _ticket_text(ticket), calendar)
        if reasons:
            out.append({"ticket": ticket, "reasons": [str(r) for r in reasons]})
    return out


@transaction.atomic
def rule_save(
    *,
    actor,
    name: str,
    conditions,
    actions,
    rule: Rule | None = None,
    position: int = 100,
    is_active: bool = True,
    stop_processing: bool = False,
) -> Rule:
    """Create or change a rule; only administrators and managers set up rules."""
    from wendbaar.accounts.selectors import is_manager, organisation_get

    if not is_manager(actor):
        raise BusinessRuleError(
            _("Only managers and administrators can set up rules."),
            code="forbidden",
            status_code=403,
        )
    if not (name or "").strip():
        raise BusinessRuleError(_("A rule needs a name."), code="bad_rule", status_code=400)
    conditions, actions = rule_validate(conditions=conditions, actions=actions)
    rule = rule or Rule(organisation=organisation_get(), created_by=actor)
    rule.name = name.strip()[:200]
    rule.conditions, rule.actions = conditions, actions
    rule.position, rule.is_active, rule.stop_processing = position, is_active, stop_processing
    rule.save()
    audit_log(actor=actor, action="service.rule_saved", target=rule, data={"actions": len(actions)})
    return rule
