"""Customer questions in the browser: the public question form, the queue, one ticket with its
thread, triage and reply draft, and the rules."""

import json
from email.utils import make_msgid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wendbaar.accounts.models import Team, User
from wendbaar.accounts.selectors import is_manager, organisation_get
from wendbaar.common.errors import BusinessRuleError
from wendbaar.common.net import client_ip
from wendbaar.service import forms, replies, rules, selectors, services
from wendbaar.service.choices import (
    TRIAGE_FIELDS,
    Channel,
    Sentiment,
    TicketPriority,
    TicketStatus,
    TicketType,
)
from wendbaar.service.models import Rule

# The public form: at most this many questions per address in the window.
FORM_LIMIT = 5
FORM_WINDOW_SECONDS = 10 * 60


def contact(request):
    """The public page where customers ask a question (no sign-in)."""
    form = forms.ContactForm(request.POST or None, initial={"stamp": forms.form_stamp()})
    if request.method == "POST" and form.is_valid():
        key = f"service:form:{client_ip(request) or 'unknown'}"
        count = cache.get_or_set(key, 0, FORM_WINDOW_SECONDS)
        if count >= FORM_LIMIT:
            form.add_error(None, _("Too many questions from your address; try again later."))
            return render(request, "service/contact.html", {"form": form}, status=429)
        cache.incr(key)
        if form.is_spam():
            # Spam gets the same thanks, so a bot learns nothing.
            return redirect("service:contact_thanks")
        data = form.cleaned_data
        try:
            services.message_receive(
                incoming=services.MessageIn(
                    from_address=data["email"],
                    from_name=data["name"],
                    subject=data["subject"],
                    text=data["text"],
                    message_id=make_msgid(domain="wendbaar.form"),  # so replies thread to it
                ),
                channel=Channel.FORM,
            )
        except BusinessRuleError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("service:contact_thanks")
    return render(request, "service/contact.html", {"form": form})


def contact_thanks(request):
    return render(request, "service/contact_thanks.html")


def _filters(request) -> dict:
    get = request.GET
    return {
        "status": get.get("status", ""),
        "team_id": int(get["team"]) if get.get("team", "").isdigit() else None,
        "assignee": get.get("assignee", "")[:10],
        "queue_id": int(get["queue"]) if get.get("queue", "").isdigit() else None,
        "priority": get.get("priority", "") if get.get("priority") in TicketPriority.values else "",
        "query": get.get("q", "").strip()[:200],
        "at_risk": get.get("at_risk") == "1",
    }


@login_required
def home(request):
    """The queue: open tickets by priority and how soon the answer is due."""
    filters = _filters(request)
    tickets = selectors.ticket_list(user=request.user, **filters)
    page = Paginator(tickets, 50).get_page(request.GET.get("page"))
    for ticket in page:
        ticket.sla = selectors.sla_state(ticket)
    organisation = organisation_get()
    context = {
        "page": page,
        "filters": filters,
        "teams": Team.objects.filter(memberships__user=request.user).order_by("name"),
        "queues": selectors.queue_list(organisation=organisation),
        "statuses": TicketStatus.choices,
        "priorities": TicketPriority.choices,
        "agents": User.objects.filter(
            is_active=True,
            memberships__team__in=Team.objects.filter(memberships__user=request.user),
        )
        .distinct()
        .order_by("full_name"),
        "at_risk_count": selectors.ticket_list(user=request.user, at_risk=True).count(),
        "may_edit_rules": is_manager(request.user),
    }
    if request.htmx and not request.htmx.boosted:
        return render(request, "service/ticket_list.html#rows", context)
    return render(request, "service/ticket_list.html", context)


@login_required
@require_POST
def bulk(request):
    ids = [int(i) for i in request.POST.getlist("ticket") if i.isdigit()]
    action = request.POST.get("action", "")
    value = request.POST.get("value", "")
    tickets = list(selectors.ticket_list(user=request.user, status="all").filter(pk__in=ids))
    if not tickets:
        messages.error(request, _("Choose at least one ticket."))
    else:
        try:
            if action == "assign" and value and not value.isdigit():
                raise BusinessRuleError(_("Choose a person."), code="bad_value", status_code=400)
            count = services.bulk_apply(
                actor=request.user, tickets=tickets, action=action, value=value
            )
        except BusinessRuleError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("%(count)s tickets changed.") % {"count": count})
    return redirect(request.POST.get("next") or "service:home")


def _detail_context(request, ticket, **extra) -> dict:
    from wendbaar.copilot.selectors import draft_for_subject

    organisation = ticket.organisation
    predictions = [
        {
            "field": "priority",
            "label": _("Priority"),
            "value": ticket.priority,
            "display": ticket.get_priority_display(),
            "confidence": ticket.priority_confidence,
            "choices": TicketPriority.choices,
        },
        {
            "field": "queue",
            "label": _("Queue"),
            "value": ticket.queue.slug if ticket.queue else "",
            "display": ticket.queue.name if ticket.queue else "—",
            "confidence": ticket.queue_confidence,
            "choices": [(q.slug, q.name) for q in selectors.queue_list(organisation=organisation)],
        },
        {
            "field": "type",
            "label": _("Type"),
            "value": ticket.ticket_type,
            "display": dict(TicketType.choices).get(ticket.ticket_type, ticket.ticket_type),
            "confidence": ticket.type_confidence,
            "choices": TicketType.choices,
        },
        {
            "field": "language",
            "label": _("Language"),
            "value": ticket.language,
            "display": ticket.language,
            "confidence": ticket.language_confidence,
            "choices": [
                ("nl", _("Dutch")),
                ("en", _("English")),
                ("de", "Deutsch"),
                ("fr", "Français"),
            ],
        },
        {
            "field": "sentiment",
            "label": _("Sentiment"),
            "value": ticket.sentiment,
            "display": ticket.get_sentiment_display(),
            "confidence": ticket.sentiment_confidence,
            "choices": Sentiment.choices,
        },
    ]
    for row in predictions:
        row["signals"] = (ticket.triage_signals or {}).get(row["field"], [])
        row["percent"] = round(row["confidence"] * 100)
    drafts = draft_for_subject(user=request.user, subject=ticket).filter(kind="reply")
    open_draft = drafts.filter(status="proposed").order_by("-created_at").first()
    if open_draft is not None:
        from wendbaar.copilot import services as copilot

        copilot.draft_open(actor=request.user, draft=open_draft)
    return {
        "ticket": ticket,
        "sla": selectors.sla_state(ticket),
        "thread": selectors.ticket_messages(ticket=ticket),
        "predictions": predictions,
        "agents": selectors.agent_choices(ticket=ticket),
        "statuses": TicketStatus.choices,
        "draft": open_draft,
        "draft_sources": list(open_draft.sources.all()) if open_draft else [],
        "corrections": ticket.corrections.select_related("actor")[:20],
        **extra,
    }


@login_required
def ticket_detail(request, pk: int):
    ticket = selectors.ticket_get(user=request.user, pk=pk)
    return render(request, "service/ticket_detail.html", _detail_context(request, ticket))


def _after_change(request, ticket, partial: str = ""):
    from django.http import Http404
    from django_htmx.http import HttpResponseClientRedirect

    try:
        ticket = selectors.ticket_get(user=request.user, pk=ticket.pk)
    except Http404:
        # Moved to a queue of another team: back to the queue.
        messages.success(request, _("The ticket went to the team of its new queue."))
        if request.htmx:
            return HttpResponseClientRedirect(reverse("service:home"))
        return redirect("service:home")
    if request.htmx and not request.htmx.boosted and partial:
        return render(
            request, f"service/ticket_detail.html#{partial}", _detail_context(request, ticket)
        )
    return redirect("service:ticket_detail", pk=ticket.pk)


@login_required
@require_POST
def ticket_assign(request, pk: int):
    ticket = selectors.ticket_get(user=request.user, pk=pk)
    value = request.POST.get("assignee", "")
    person = User.objects.filter(pk=int(value), is_active=True).first() if value.isdigit() else None
    try:
        services.ticket_assign(actor=request.user, ticket=ticket, assignee=person)
    except BusinessRuleError as exc:
        messages.error(request, exc.message)
    return redirect("service:ticket_detail", pk=pk)


@login_required
@require_POST
def ticket_status(request, pk: int):
    ticket = selectors.ticket_get(user=request.user, pk=pk)
    try:
        services.ticket_set_status(
            actor=request.user, ticket=ticket, status=request.POST.get("status", "")
        )
    except BusinessRuleError as exc:
        messages.error(request, exc.message)
    return redirect("service:ticket_detail", pk=pk)


@login_required
@require_POST
def ticket_correct(request, pk: int):
    """An agent corrects one prediction; kept as a TriageCorrection for retraining."""
    ticket = selectors.ticket_get(user=request.user, pk=pk)
    form = forms.CorrectionForm(request.POST)
    error = ""
    if not form.is_valid() or form.cleaned_data["field"] not in TRIAGE_FIELDS:
        error = _("Choose a prediction and a value.")
    else:
        try:
            services.triage_correct(
                actor=request.user,
                ticket=ticket,
                field_name=form.cleaned_data["field"],
                value=form.cleaned_data["value"],
            )
        except BusinessRuleError as exc:
            error = exc.message
    if error:
        messages.error(request, error)
    return _after_change(request, ticket, "triage")


@login_required
@require_POST
def reply_draft(request, pk: int):
    ticket = selectors.ticket_get(user=request.user, pk=pk)
    try:
        replies.reply_propose(actor=request.user, ticket=ticket)
    except BusinessRuleError as exc:
        messages.error(request, exc.message)
    return redirect("service:ticket_detail", pk=pk)


@login_required
@require_POST
def reply_send(request, pk: int):
    """The agent's explicit send of the (edited) draft."""
    from wendbaar.copilot.models import Draft

    ticket = selectors.ticket_get(user=request.user, pk=pk)
    draft_id = request.POST.get("draft", "")
    draft = Draft.objects.filter(pk=int(draft_id)).first() if draft_id.isdigit() else None
    if draft is None:
        messages.error(request, _("This draft does not exist."))
        return redirect("service:ticket_detail", pk=pk)
    try:
        replies.reply_send(
            actor=request.user, ticket=ticket, draft=draft, text=request.POST.get("text", "")
        )
    except BusinessRuleError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Reply sent to %(email)s.") % {"email": ticket.customer.email})
    return redirect("service:ticket_detail", pk=pk)


# -- rules ----------------------------------------------------------------------------------------


def _rule_input(request) -> tuple[str, dict, list, str]:
    name = request.POST.get("name", "")
    error = ""
    try:
        conditions = json.loads(request.POST.get("conditions") or "{}")
        actions = json.loads(request.POST.get("actions") or "[]")
    except json.JSONDecodeError as exc:
        conditions, actions = {}, []
        error = _("The conditions or actions are not valid JSON: %(error)s") % {"error": exc}
    return name, conditions, actions, error


@login_required
def rule_list(request):
    if not is_manager(request.user):
        raise PermissionDenied
    organisation = organisation_get()
    context = {
        "rules": selectors.rule_list(organisation=organisation),
        "name": "",
        "conditions": '{"words": ["lekkage"], "priority": ["high", "urgent"]}',
        "actions": '[{"action": "tag", "tag": "lekkage"}]',
        "condition_keys": sorted(rules.CONDITION_KEYS),
        "action_keys": sorted(rules.ACTIONS),
    }
    if request.method == "POST":
        name, conditions, actions, error = _rule_input(request)
        context.update(
            name=name,
            conditions=request.POST.get("conditions", ""),
            actions=request.POST.get("actions", ""),
        )
        if not error:
            try:
                if request.POST.get("dry_run"):
                    context["dry_run"] = rules.rule_dry_run(
                        user=request.user, conditions=conditions
                    )
                else:
                    rules.rule_save(
                        actor=request.user, name=name, conditions=conditions, actions=actions
                    )
                    messages.success(request, _("Rule saved."))
                    return redirect("service:rules")
            except BusinessRuleError as exc:
                error = exc.message
        context["error"] = error
    return render(request, "service/rule_list.html", context)


@login_required
@require_POST
def rule_toggle(request, pk: int):
    if not is_manager(request.user):
        raise PermissionDenied
    rule = get_object_or_404(Rule, pk=pk, organisation=organisation_get())
    rules.rule_save(
        actor=request.user,
        name=rule.name,
        conditions=rule.conditions,
        actions=rule.actions,
        rule=rule,
        position=rule.position,
        is_active=not rule.is_active,
        stop_processing=rule.stop_processing,
    )
    return redirect("service:rules")


def attachment_download(request, pk: int):
    """An attachment, only for someone who may see its ticket; never shown inline."""
    from django.http import FileResponse, Http404

    from wendbaar.service.models import Attachment

    if not request.user.is_authenticated:
        raise Http404
    attachment = get_object_or_404(Attachment.objects.select_related("message"), pk=pk, refused="")
    selectors.ticket_get(user=request.user, pk=attachment.message.ticket_id)
    if not attachment.file:
        raise Http404
    response = FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.filename
    )
    response["Content-Type"] = "application/octet-stream"
    response["X-Content-Type-Options"] = "nosniff"
    return response


__all__ = ["HttpResponse"]
