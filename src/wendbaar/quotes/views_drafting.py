"""Quotes in the browser, drafting part: a new quote from a pasted e-mail, a customer question or a
short form; and the house rules page (edit, check, try on a sample request, save)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wendbaar.common.errors import BusinessRuleError
from wendbaar.quotes import drafting, selectors
from wendbaar.quotes.choices import QuoteSource
from wendbaar.service import selectors as service_selectors

MODES = ("email", "ticket", "form")
LANGUAGES = [
    ("", gettext_lazy("Detect from the text")),
    ("nl", gettext_lazy("Dutch")),
    ("en", gettext_lazy("English")),
]


class EmailForm(forms.Form):
    request_text = forms.CharField(
        label=gettext_lazy("Customer e-mail"),
        widget=forms.Textarea(attrs={"rows": 14}),
        max_length=drafting.MAX_REQUEST_CHARS,
        help_text=gettext_lazy("Paste the whole message, headers and signature included."),
    )
    language = forms.ChoiceField(label=gettext_lazy("Language"), choices=LANGUAGES, required=False)


class TicketForm(forms.Form):
    # Any ticket id may be posted; the view reads it through the service selectors (404 if unseen).
    ticket = forms.IntegerField(label=gettext_lazy("Customer question"), widget=forms.Select)
    language = forms.ChoiceField(label=gettext_lazy("Language"), choices=LANGUAGES, required=False)

    def __init__(self, *args, tickets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ticket"].widget.choices = [
            (t.pk, f"#{t.pk} {t.subject} ({t.customer.name or t.customer.email})") for t in tickets
        ]


class RequestForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Customer name"), max_length=200, required=False)
    company = forms.CharField(label=gettext_lazy("Company"), max_length=200, required=False)
    email = forms.EmailField(label=gettext_lazy("E-mail address"), required=False)
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=40, required=False)
    address = forms.CharField(
        label=gettext_lazy("Address"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    request_text = forms.CharField(
        label=gettext_lazy("What is asked for"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=drafting.MAX_REQUEST_CHARS,
    )
    language = forms.ChoiceField(label=gettext_lazy("Language"), choices=LANGUAGES, required=False)


class RulesForm(forms.Form):
    rules_text = forms.CharField(
        label=gettext_lazy("House rules (TOML)"),
        widget=forms.Textarea(attrs={"rows": 28, "spellcheck": "false", "class": "code"}),
        required=False,
        max_length=drafting.MAX_RULES_CHARS,
        strip=False,
    )
    sample = forms.CharField(
        label=gettext_lazy("Sample request to try"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=drafting.MAX_REQUEST_CHARS,
    )


def _tickets(user):
    return list(service_selectors.ticket_list(user=user)[:100])


@login_required
def quote_new(request):
    """Start a quote from a customer request; the draft engine fills in lines and open points."""
    if not selectors.quote_can_work(request.user):
        raise PermissionDenied
    mode = request.POST.get("mode") or request.GET.get("mode") or "email"
    mode = mode if mode in MODES else "email"
    tickets = _tickets(request.user)
    initial_ticket = request.GET.get("ticket", "")
    if initial_ticket:  # "make a quote" from a customer question, possibly a closed one
        chosen = _ticket_or_404(request.user, initial_ticket)
        if chosen not in tickets:
            tickets.insert(0, chosen)
    forms_by_mode = {
        "email": EmailForm(prefix="email"),
        "ticket": TicketForm(
            prefix="ticket", tickets=tickets, initial={"ticket": initial_ticket or None}
        ),
        "form": RequestForm(prefix="form"),
    }
    if initial_ticket:
        mode = "ticket"
    if request.method == "POST":
        if mode == "email":
            form = EmailForm(request.POST, prefix="email")
        elif mode == "ticket":
            form = TicketForm(request.POST, prefix="ticket", tickets=tickets)
        else:
            form = RequestForm(request.POST, prefix="form")
        forms_by_mode[mode] = form
        if form.is_valid():
            data = form.cleaned_data
            try:
                quote = _create(request.user, mode, data)
            except BusinessRuleError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    _("Quote %(number)s was drafted; check the lines and the open points.")
                    % {"number": quote.number},
                )
                return redirect(drafting.quote_url(quote))
    context = {"mode": mode, "forms": forms_by_mode, "has_tickets": bool(tickets)}
    return render(request, "quotes/quote_new.html", context)


def _create(user, mode: str, data: dict):
    language = data.get("language") or None
    if mode == "ticket":
        ticket = _ticket_or_404(user, data["ticket"])
        return drafting.quote_draft_create(
            actor=user,
            request_text="",
            source=QuoteSource.TICKET,
            ticket=ticket,
            language=language,
        )
    if mode == "form":
        customer = {key: data.get(key, "") for key in drafting.CUSTOMER_FIELDS}
        return drafting.quote_draft_create(
            actor=user,
            request_text=data["request_text"],
            source=QuoteSource.FORM,
            customer=customer,
            language=language,
        )
    return drafting.quote_draft_create(
        actor=user, request_text=data["request_text"], source=QuoteSource.EMAIL, language=language
    )


@login_required
def rules_edit(request):
    """Managers and finance keep the house rules: check them, try them on a sample, save them."""
    if not selectors.catalogue_can_edit(request.user):
        raise PermissionDenied
    settings = selectors.quote_settings_get()
    check = preview = None
    saved_error = ""
    if request.method == "POST":
        form = RulesForm(request.POST)
        if form.is_valid():
            text = form.cleaned_data["rules_text"]
            action = request.POST.get("action", "check")
            check = drafting.rules_check(text) if text.strip() else None
            if action == "try":
                if not form.cleaned_data["sample"].strip():
                    form.add_error("sample", _("Paste a sample request to try the rules on."))
                else:
                    preview = drafting.draft_preview(
                        request_text=form.cleaned_data["sample"], rules_text=text
                    )
            elif action == "save":
                try:
                    drafting.quote_rules_save(actor=request.user, rules_text=text)
                except BusinessRuleError as exc:
                    saved_error = exc.message
                else:
                    messages.success(request, _("The house rules were saved."))
                    return redirect("quotes:rules")
    else:
        form = RulesForm(initial={"rules_text": settings.rules_text})
        if settings.rules_text.strip():
            check = drafting.rules_check(settings.rules_text)
    context = {
        "form": form,
        "check": check,
        "preview": preview,
        "saved_error": saved_error,
        "settings": settings,
    }
    return render(request, "quotes/rules_edit.html", context)


def _ticket_or_404(user, pk):
    try:
        return service_selectors.ticket_get(user=user, pk=int(pk))
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
