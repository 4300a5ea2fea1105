"""Customer questions in the browser: the public question form, the queue, one ticket with its
thread, triage and reply draft, and the rules."""

import json
from email.utils import make_msgid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
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
            count = services.bulk_apply(
                actor=request.user, tickets=tickets, action=action, value=value
            )
        except BusinessRuleError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("%(count)s tickets changed.") % {"count": count})
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, {request.get_host()}, request.is_secure()
    ):
        return HttpResponseRedirect(next_url)
    return redirect("service:home")


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


# -- setup by managers: rules, queues, business hours, triage learning ---------------------------


def _manager_only(request) -> None:
    if not selectors.may_manage(request.user):
        raise PermissionDenied


def _describe_rule(rule: Rule, ckinds: dict, akinds: dict) -> dict:
    """A rule in words, for the list."""
    conditions = []
    for key, value in (rule.conditions or {}).items():
        spec = ckinds.get(key, {"label": key})
        names = {str(v): str(label) for v, label in spec.get("choices", [])}
        if isinstance(value, bool):
            shown = names.get("1" if value else "0", str(value))
        else:
            shown = ", ".join(names.get(str(v), str(v)) for v in rules._as_list(value))
        conditions.append(f"{spec['label']}: {shown}")
    actions = []
    for action in rule.actions or []:
        spec = akinds.get(action.get("action"), {"label": action.get("action")})
        value = forms._action_value(action)
        value = str(dict(spec.get("choices", [])).get(value, value))
        actions.append(f"{spec['label']}: {value[:80]}")
    return {"rule": rule, "conditions": conditions, "actions": actions}


@login_required
def rule_list(request):
    _manager_only(request)
    organisation = organisation_get()
    ckinds, akinds = forms.condition_kinds(organisation), forms.action_kinds()
    context = {
        "rules": [
            _describe_rule(r, ckinds, akinds)
            for r in selectors.rule_list(organisation=organisation)
        ],
    }
    return render(request, "service/rule_list.html", context)


def _rule_context(request, organisation, builder, rule=None, **extra) -> dict:
    stored = None
    if rule is not None:
        stored = json.dumps(
            {"conditions": rule.conditions, "actions": rule.actions}, indent=2, ensure_ascii=False
        )
    return {
        "rule": rule,
        "builder": builder,
        "condition_kinds": builder.ckinds,
        "action_kinds": builder.akinds,
        "stored_json": stored,
        **extra,
    }


@login_required
def rule_edit(request, pk: int | None = None):
    """Create or change a rule with form rows; saving needs a dry run of the same rule first."""
    from django.http import QueryDict

    _manager_only(request)
    organisation = organisation_get()
    rule = (
        selectors.rule_get_for_edit(user=request.user, organisation=organisation, pk=pk)
        if pk
        else None
    )
    if request.method != "POST":
        data = QueryDict(mutable=True)
        if rule is not None:
            crows, arows = forms.rows_for_rule(
                organisation=organisation, conditions=rule.conditions, actions=rule.actions
            )
            data.update(
                {
                    "name": rule.name,
                    "position": str(rule.position),
                    "is_active": "on" if rule.is_active else "",
                    "stop_processing": "on" if rule.stop_processing else "",
                }
            )
        else:
            crows, arows = [], []
            data.update({"position": "100", "is_active": "on"})
        builder = forms.RuleBuilder(data, organisation=organisation)
        builder.condition_rows = crows or [forms.condition_row(builder.ckinds, forms.new_row_id())]
        builder.action_rows = arows or [forms.action_row(builder.akinds, forms.new_row_id())]
        return render(
            request, "service/rule_form.html", _rule_context(request, organisation, builder, rule)
        )

    builder = forms.RuleBuilder(request.POST, organisation=organisation)
    context = _rule_context(request, organisation, builder, rule)
    if request.POST.get("add") or request.POST.get("remove"):
        return render(request, "service/rule_form.html", context)
    errors = list(builder.errors)
    if not errors:
        try:
            rules.rule_validate(conditions=builder.conditions, actions=builder.actions)
            if not builder.name:
                raise BusinessRuleError(_("A rule needs a name."), code="bad_rule")
        except BusinessRuleError as exc:
            errors.append(exc.message)
    if errors:
        context["errors"] = errors
        return render(request, "service/rule_form.html", context, status=400)
    checked = request.POST.get("checked", "")
    if request.POST.get("save") and checked == builder.checksum():
        try:
            rules.rule_save(
                actor=request.user,
                name=builder.name,
                conditions=builder.conditions,
                actions=builder.actions,
                rule=rule,
                position=builder.position_value(),
                is_active=builder.is_active,
                stop_processing=builder.stop_processing,
            )
        except BusinessRuleError as exc:
            context["errors"] = [exc.message]
            return render(request, "service/rule_form.html", context, status=400)
        messages.success(request, _("Rule saved."))
        return redirect("service:rules")
    if request.POST.get("save"):
        context["notice"] = _(
            "Check which recent questions this rule would hit, then save it."
            if not checked
            else "The rule changed since the last try; check the hits again, then save it."
        )
    context["dry_run"] = rules.rule_dry_run(user=request.user, conditions=builder.conditions)
    context["checksum"] = builder.checksum()
    return render(request, "service/rule_form.html", context)


@login_required
def rule_row(request):
    """One condition or action row of the rule form (HTMX: add, change kind, remove)."""
    import re

    _manager_only(request)
    part = request.GET.get("part", "")
    row_id = request.GET.get("id", "")
    if part not in ("condition", "action") or not re.fullmatch(r"[a-z0-9]{1,12}", row_id or "x"):
        return HttpResponse(_("Unknown row."), status=400, content_type="text/plain")
    if request.GET.get("remove"):
        return HttpResponse("")
    row_id = row_id or forms.new_row_id()
    organisation = organisation_get()
    if part == "condition":
        kinds = forms.condition_kinds(organisation)
        kind = request.GET.get(f"cond-{row_id}-kind", "")
        row = forms.condition_row(kinds, row_id, kind if kind in kinds else "")
        return render(
            request,
            "service/rule_form.html#condition_row",
            {"row": row, "condition_kinds": kinds},
        )
    kinds = forms.action_kinds()
    kind = request.GET.get(f"act-{row_id}-kind", "")
    row = forms.action_row(kinds, row_id, kind if kind in kinds else "")
    return render(request, "service/rule_form.html#action_row", {"row": row, "action_kinds": kinds})


@login_required
@require_POST
def rule_toggle(request, pk: int):
    _manager_only(request)
    rule = selectors.rule_get_for_edit(user=request.user, organisation=organisation_get(), pk=pk)
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


@login_required
def queue_list(request):
    _manager_only(request)
    organisation = organisation_get()
    return render(
        request,
        "service/queue_list.html",
        {
            "queues": selectors.queue_list_all(user=request.user, organisation=organisation),
            "hours": services.business_hours_get(organisation),
        },
    )


@login_required
def queue_edit(request, pk: int | None = None):
    """Create or change a queue: name, code, description (triage reads it), cue words, team and
    its own response times per priority."""
    _manager_only(request)
    organisation = organisation_get()
    queue = (
        selectors.queue_get_for_edit(user=request.user, organisation=organisation, pk=pk)
        if pk
        else None
    )
    initial = forms.QueueForm.initial_for(queue) if queue is not None else {"is_active": True}
    form = forms.QueueForm(
        request.POST or None,
        initial=initial,
        organisation_hours=services.business_hours_get(organisation).response_hours,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.queue_save(actor=request.user, queue=queue, **form.values())
        except BusinessRuleError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Queue saved."))
            return redirect("service:queue_list")
    return render(
        request,
        "service/queue_form.html",
        {"form": form, "queue": queue},
        status=400 if request.method == "POST" else 200,
    )


def _holidays(row) -> list[tuple]:
    from datetime import date

    from wendbaar.service import hours

    today = timezone.localdate()
    days = []
    for year in (today.year, today.year + 1):
        days += [(d, name) for d, name in hours.dutch_holidays(year, row.liberation_day).items()]
    for value in row.closed_days or []:
        try:
            days.append((date.fromisoformat(value), _("Closed (own day off)")))
        except ValueError:
            continue
    return sorted(d for d in days if d[0] >= today)


@login_required
def business_hours(request):
    """Opening hours per weekday, the holiday calendar and response times per priority."""
    _manager_only(request)
    organisation = organisation_get()
    row = services.business_hours_get(organisation)
    form = forms.BusinessHoursForm(
        request.POST or None, initial=forms.BusinessHoursForm.initial_for(row)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.business_hours_save(actor=request.user, **form.values())
        except BusinessRuleError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Business hours saved."))
            return redirect("service:business_hours")
    return render(
        request,
        "service/business_hours.html",
        {"form": form, "holidays": _holidays(row), "time_zone": organisation.time_zone},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def triage_learning(request):
    """What triage learned: the model history with accuracy before and after each retrain."""
    from wendbaar.service import learning

    _manager_only(request)
    organisation = organisation_get()
    return render(
        request,
        "service/triage_learning.html",
        {
            "models": selectors.triage_model_history(user=request.user, organisation=organisation),
            "state": selectors.triage_learning_state(user=request.user, organisation=organisation),
            "min_train": learning.min_train(),
        },
    )


@login_required
@require_POST
def triage_retrain(request):
    from wendbaar.service import learning

    _manager_only(request)
    if learning.triage_retrain_request(
        actor=request.user, organisation=organisation_get(), reason="manual"
    ):
        messages.success(
            request, _("Retraining is queued; the result appears here when it is done.")
        )
    else:
        messages.info(request, _("A retrain is already queued or running."))
    return redirect("service:triage_learning")


@login_required
@require_POST
def triage_model_activate(request, pk: int):
    from wendbaar.service import learning

    _manager_only(request)
    model = selectors.triage_model_get(user=request.user, organisation=organisation_get(), pk=pk)
    try:
        learning.triage_model_activate(actor=request.user, model=model)
    except BusinessRuleError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("This model is now used for new questions."))
    return redirect("service:triage_learning")


def attachment_download(request, pk: int):
    """An attachment, only for someone who may see its ticket; never shown inline."""
    from django.http import FileResponse

    attachment = selectors.attachment_get(user=request.user, pk=pk)
    response = FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.filename
    )
    response["Content-Type"] = "application/octet-stream"
    response["X-Content-Type-Options"] = "nosniff"
    return response


__all__ = ["HttpResponse"]
