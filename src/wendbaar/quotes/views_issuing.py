"""Issuing in the browser: issue, PDF, send, exports (for colleagues) and the public accept page
(for the customer, no account: the signed link is the key)."""

from datetime import date
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from wendbaar.common.errors import BusinessRuleError
from wendbaar.common.net import client_ip
from wendbaar.quotes import export, issuing, pdf, selectors
from wendbaar.quotes.choices import QuoteStatus
from wendbaar.quotes.models import Quote

# The public answer form: at most this many posts per client address per window.
PUBLIC_POSTS_PER_WINDOW = 20
PUBLIC_WINDOW_SECONDS = 15 * 60


def _back(quote: Quote):
    """Back to the quote page, whose issue panel shows the outcome."""
    return redirect("quotes:quote_detail", pk=quote.pk)


def _attachment(content: bytes | str, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def pdf_response(quote: Quote, *, inline: bool = False) -> HttpResponse:
    """The stored PDF of an issued quote; a preview rendered now for a draft."""
    if quote.pdf:
        try:
            handle = quote.pdf.open("rb")
        except FileNotFoundError as exc:
            raise Http404 from exc
        return FileResponse(
            handle,
            as_attachment=not inline,
            filename=f"{quote.number}.pdf",
            content_type="application/pdf",
        )
    if quote.status not in issuing.ISSUABLE:
        raise Http404
    response = HttpResponse(pdf.quote_pdf_render(quote), content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{quote.number}-concept.pdf"'
    return response


@login_required
@require_POST
def quote_issue(request, pk: int):
    quote = selectors.quote_get(user=request.user, pk=pk)
    try:
        quote = issuing.quote_issue(quote=quote, actor=request.user)
    except BusinessRuleError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Quote %(number)s is issued; its PDF is ready. Nothing has been sent yet.")
            % {"number": quote.number},
        )
    return _back(quote)


@login_required
@require_POST
def quote_send(request, pk: int):
    quote = selectors.quote_get(user=request.user, pk=pk)
    try:
        quote = issuing.quote_send(
            quote=quote,
            actor=request.user,
            to=request.POST.get("to", "").strip()[:254],
            message=request.POST.get("message", "")[:5000],
            base_url=request.build_absolute_uri("/"),
        )
    except BusinessRuleError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Quote %(number)s was sent to %(to)s.")
            % {"number": quote.number, "to": quote.sent_to},
        )
    return _back(quote)


@login_required
@require_POST
def quote_link_renew(request, pk: int):
    quote = selectors.quote_get(user=request.user, pk=pk)
    try:
        issuing.quote_accept_link_renew(quote=quote, actor=request.user)
    except BusinessRuleError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("The quote has a new accept link; the old link no longer works.")
        )
    return _back(quote)


@login_required
@require_GET
def quote_pdf(request, pk: int):
    quote = selectors.quote_get(user=request.user, pk=pk)
    return pdf_response(quote, inline=request.GET.get("inline") == "1")


@login_required
@require_GET
def quote_export_csv(request, pk: int):
    quote = selectors.quote_get(user=request.user, pk=pk)
    text = export.lines_csv([quote])
    return _attachment(
        "\ufeff" + text, filename=f"{quote.number}.csv", content_type="text/csv; charset=utf-8"
    )


@login_required
@require_GET
def quote_export_ubl(request, pk: int):
    quote = selectors.quote_get(user=request.user, pk=pk)
    return _attachment(
        export.quote_ubl(quote),
        filename=f"{quote.number}.xml",
        content_type="application/xml; charset=utf-8",
    )


@login_required
@require_GET
def quotes_export(request):
    """All quotes this person may see as CSV: `?kind=lines|summary&status=&since=YYYY-MM-DD`."""
    if not selectors.quote_can_work(request.user):
        raise Http404
    status = request.GET.get("status", "")
    if status and status not in QuoteStatus.values:
        status = ""
    try:
        since = date.fromisoformat(request.GET["since"]) if request.GET.get("since") else None
    except ValueError:
        since = None
    quotes = export.quotes_for_export(user=request.user, status=status, since=since)
    kind = "summary" if request.GET.get("kind") == "summary" else "lines"
    text = export.summary_csv(quotes) if kind == "summary" else export.lines_csv(quotes)
    stamp = timezone.localdate().isoformat()
    return _attachment(
        "\ufeff" + text,
        filename=f"offertes-{kind}-{stamp}.csv",
        content_type="text/csv; charset=utf-8",
    )


# --- public: the customer's accept page ---------------------------------------------------------


def _invalid(request):
    return render(request, "quotes/public_invalid.html", status=404)


def _too_many(request) -> bool:
    """Count this address's answers; True once it posted too often in the window."""
    key = f"quotes:public-post:{client_ip(request) or 'unknown'}"
    cache.add(key, 0, PUBLIC_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, PUBLIC_WINDOW_SECONDS)
        count = 1
    return count > PUBLIC_POSTS_PER_WINDOW


def _private(view):
    """The link is the key: keep it out of Referer headers to other sites, caches and search
    engines. "same-origin", not "no-referrer": with no referrer at all browsers send the form's
    POST with `Origin: null`, and Django's CSRF check refuses the customer's answer."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Referrer-Policy"] = "same-origin"
        response["X-Robots-Tag"] = "noindex, nofollow"
        patch_cache_control(response, private=True, no_store=True)
        return response

    return wrapped


@_private
def public_quote(request, token: str):
    """The customer's page: the quote in short, its PDF, and accept or decline with their name."""
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponse(status=405)
    quote = issuing.accept_token_quote(token)
    if quote is None:
        return _invalid(request)
    with translation.override(quote.language or "nl"):
        if request.method == "POST":
            if _too_many(request):
                return render(
                    request,
                    "quotes/public_quote.html",
                    _public_context(quote, token, error=_("Too many attempts; try again later.")),
                    status=429,
                )
            choice = request.POST.get("decision", "")
            if choice not in ("accept", "reject"):
                return render(
                    request,
                    "quotes/public_quote.html",
                    _public_context(quote, token, error=_("Choose accept or decline.")),
                    status=400,
                )
            try:
                decision = issuing.quote_decide(
                    token=token,
                    accept=choice == "accept",
                    name=request.POST.get("name", ""),
                    ip=client_ip(request),
                    base_url=request.build_absolute_uri("/"),
                )
            except Quote.DoesNotExist:
                return _invalid(request)
            except BusinessRuleError as exc:
                return render(
                    request,
                    "quotes/public_quote.html",
                    _public_context(
                        quote, token, error=exc.message, name=request.POST.get("name", "")
                    ),
                    status=exc.status_code if exc.status_code < 500 else 400,
                )
            # POST/redirect/GET: the page then tells the outcome from the quote's own status.
            return redirect(
                reverse("quotes:public_quote", kwargs={"token": token})
                + f"?done={decision.outcome}"
            )
        issuing.quote_expire_if_due(quote=quote)
        quote.refresh_from_db()
        return render(request, "quotes/public_quote.html", _public_context(quote, token))


def _public_context(quote: Quote, token: str, *, error="", name="") -> dict:
    template = pdf.quote_template_for(quote)
    language = quote.language or "nl"
    return {
        "quote": quote,
        "token": token,
        "template": template,
        "company": (template.company_name if template else "") or str(quote.organisation),
        "lines": list(quote.lines.all()),
        "total": pdf.money(quote.total, language),
        "subtotal": pdf.money(quote.subtotal, language),
        "vat_total": pdf.money(quote.vat_total, language),
        "is_open": quote.status == QuoteStatus.ISSUED,
        "error": error,
        "name": name,
        "statuses": QuoteStatus,
    }


@_private
@require_GET
def public_quote_pdf(request, token: str):
    """The customer's PDF download through the same link."""
    quote = issuing.accept_token_quote(token)
    if quote is None or not quote.pdf:
        return _invalid(request)
    return pdf_response(quote, inline=request.GET.get("inline") == "1")
