"""Quotes in the browser: the list, one quote with its header, lines and totals (every change goes
through HTMX and re-renders lines and totals at once), versions, approval and the AI draft compare.

Every view reads the quote through `selectors.quote_get`, so someone without a quote role gets a
404 for every quote, whatever URL or partial they ask for."""

from datetime import date
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wendbaar.common.errors import BusinessRuleError
from wendbaar.quotes import money, selectors, services
from wendbaar.quotes.choices import DiscountKind, QuoteStatus, VatRate
from wendbaar.quotes.models import QuoteLine

WORK_TEMPLATE = "quotes/_editor_work.html"


def _number_input(value: Decimal | None, places: int | None = None) -> str:
    """A number as a person types it in their language: 2,5 in Dutch, no trailing zeros."""
    if value is None:
        return ""
    if places is None:
        text = format(value.normalize(), "f")
        places = len(text.split(".")[1]) if "." in text else 0
    return formats.number_format(value, places)


def _vat_label(rate: str) -> str:
    return VatRate(rate).label if rate in VatRate.values else rate


def _line_rows(quote, user) -> list[QuoteLine]:
    see_cost = selectors.catalogue_can_edit(user)
    lines = list(quote.lines.select_related("catalogue_item"))
    for line in lines:
        line.quantity_input = _number_input(line.quantity)
        line.price_input = _number_input(line.unit_price, 2)
        line.discount_input = _number_input(line.discount_value) if line.discount_kind else ""
        line.why_words = [str(w) for w in (line.why or {}).get("words", []) if w]
        line.confidence_percent = (
            round(line.confidence * 100) if line.confidence is not None else None
        )
        line.margin_percent = None
        if see_cost and line.cost_price is not None and line.line_total > 0:
            cost = line.cost_price * line.quantity
            line.margin_percent = round((line.line_total - cost) * 100 / line.line_total, 1)
    return lines


def _work_context(request, quote, **extra) -> dict:
    settings = selectors.quote_settings_get(organisation=quote.organisation)
    editable = quote.status in services.EDITABLE
    context = {
        "quote": quote,
        "user": request.user,
        "lines": _line_rows(quote, request.user),
        "vat_rows": [
            {
                **row,
                "label": _vat_label(row.get("rate", "")),
                "base": services.decimal_or_none(row.get("base")),
                "vat": services.decimal_or_none(row.get("vat")),
            }
            for row in quote.vat_breakdown or []
        ],
        "editable": editable,
        "vat_rates": VatRate.choices,
        "discount_kinds": DiscountKind.choices,
        "bundles": selectors.bundle_list(user=request.user),
        "settings": settings,
        "approval_needed": services.quote_approval_needed(quote),
        "may_approve": quote.status == QuoteStatus.IN_APPROVAL
        and services.quote_may_approve(quote=quote, user=request.user),
        "can_approve_role": selectors.quote_can_approve(request.user),
        "below_margin_count": sum(1 for line in quote.lines.all() if line.below_margin),
        # The figure the lines are held to (house rules first), for those who see margins.
        "minimum_margin": services.minimum_margin_get(settings=settings)
        if selectors.catalogue_can_edit(request.user)
        else None,
        "error": "",
        "notice": "",
    }
    context.update(extra)
    return context


def _work(request, quote, **extra):
    """The re-rendered lines, totals and approval state after an HTMX change."""
    quote.refresh_from_db()
    return render(request, WORK_TEMPLATE, _work_context(request, quote, **extra))


def _after_change(request, quote, *, error: str = "", notice: str = ""):
    if request.htmx:
        return _work(request, quote, error=error, notice=notice)
    if error:
        messages.error(request, error)
    elif notice:
        messages.success(request, notice)
    return redirect("quotes:quote_detail", pk=quote.pk)


@login_required
def quote_list(request):
    """Quotes of the organisation: by status, search, who made them; managers see what waits for
    their approval."""
    status = request.GET.get("status", "")
    status = status if status in QuoteStatus.values else ""
    query = request.GET.get("q", "").strip()[:100]
    mine = request.GET.get("mine") == "1"
    can_work = selectors.quote_can_work(request.user)
    quotes = selectors.quote_list(user=request.user, status=status, query=query, mine=mine)
    page = Paginator(quotes, 50).get_page(request.GET.get("page"))
    waiting = selectors.quote_list(user=request.user, status=QuoteStatus.IN_APPROVAL)
    context = {
        "page": page,
        "status": status,
        "query": query,
        "mine": mine,
        "statuses": QuoteStatus.choices,
        "count": page.paginator.count,
        "sum_total": money.cents(quotes.aggregate(total=Sum("total"))["total"] or Decimal("0")),
        "can_work": can_work,
        "can_approve": selectors.quote_can_approve(request.user),
        "waiting_count": waiting.count() if selectors.quote_can_approve(request.user) else 0,
        "can_manage": selectors.catalogue_can_edit(request.user),
    }
    if request.htmx and not request.htmx.boosted:
        return render(request, "quotes/quote_list.html#rows", context)
    return render(request, "quotes/quote_list.html", context)


@login_required
@require_POST
def quote_blank(request):
    """Start an empty draft quote by hand (without a customer request to draft from)."""
    if not selectors.quote_can_work(request.user):
        raise Http404
    quote = services.quote_create(actor=request.user)
    return redirect("quotes:quote_detail", pk=quote.pk)


@login_required
def quote_detail(request, pk: int):
    """One quote: header, lines, totals, approval, versions and the AI draft compare."""
    quote = selectors.quote_get(user=request.user, pk=pk)
    if request.htmx and not request.htmx.boosted:
        return _work(request, quote)
    services.quote_review_start(quote=quote, actor=request.user)
    context = _work_context(request, quote)
    context.update(
        {
            "templates": selectors.quote_template_list(user=request.user),
            "languages": [(code, name) for code, name in _languages()],
            "versions": quote.versions.select_related("created_by"),
            "review_minutes": (quote.review_seconds + 30) // 60,
            "compare": services.quote_draft_compare(quote) if quote.draft_snapshot else [],
            "valid_until_input": quote.valid_until.isoformat() if quote.valid_until else "",
            "discount_value_input": _number_input(quote.discount_value)
            if quote.discount_kind
            else "",
        }
    )
    return render(request, "quotes/quote_detail.html", context)


def _languages():
    from django.conf import settings

    return settings.LANGUAGES


def _id(text: str) -> int | None:
    """An id from a form field, or None: `isdigit` lets "²" through, which `int` refuses."""
    text = text.strip()
    return int(text) if text.isdecimal() and len(text) <= 18 else None


def _parse_date(text: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise BusinessRuleError(
            _("Give the date as year-month-day."), code="bad_date", status_code=400
        ) from exc


@login_required
@require_POST
def quote_header(request, pk: int):
    """Save the header (customer, reference, template, language, validity, quote discount)."""
    quote = selectors.quote_get(user=request.user, pk=pk)
    post = request.POST
    changes = {
        name: post.get(name, "")
        for name in (
            "customer_name",
            "customer_company",
            "customer_email",
            "customer_phone",
            "customer_address",
            "customer_vat_number",
            "reference",
            "language",
            "discount_kind",
            "discount_value",
        )
        if name in post
    }
    try:
        if "valid_until" in post:
            changes["valid_until"] = _parse_date(post["valid_until"])
        if "template" in post:
            template_id = post["template"]
            template_pk = _id(template_id)
            changes["template"] = selectors.quote_template_find(user=request.user, pk=template_pk)
            if template_id and changes["template"] is None:
                raise BusinessRuleError(_("This template does not exist."), code="bad_template")
        services.quote_update(quote=quote, actor=request.user, **changes)
    except BusinessRuleError as exc:
        return _after_change(request, quote, error=str(exc.message))
    return _after_change(request, quote, notice=_("Quote saved."))


@login_required
@require_POST
def quote_line_add(request, pk: int):
    """Add a line: a catalogue item, a job bundle, or a free line with a description and price."""
    quote = selectors.quote_get(user=request.user, pk=pk)
    post = request.POST
    kind = post.get("kind", "")
    try:
        quantity = services.decimal_in(post.get("quantity") or "1", _("Quantity"))
        if kind == "item":
            item_pk = _id(post.get("item", ""))
            item = (
                selectors.catalogue_list(user=request.user).filter(pk=item_pk).first()
                if item_pk is not None
                else None
            )
            if item is None:
                raise BusinessRuleError(_("Choose an item from the catalogue."), code="no_item")
            services.quote_line_add(quote=quote, actor=request.user, item=item, quantity=quantity)
        elif kind == "bundle":
            bundle_pk = _id(post.get("bundle", ""))
            bundle = selectors.bundle_find(user=request.user, pk=bundle_pk)
            if bundle is None:
                raise BusinessRuleError(_("Choose a job bundle."), code="no_bundle")
            services.quote_bundle_add(
                quote=quote, actor=request.user, bundle=bundle, times=quantity
            )
        elif kind == "free":
            price = post.get("unit_price", "").strip()
            if not price:
                raise BusinessRuleError(
                    _("A line without a catalogue item needs a description and a price."),
                    code="line_incomplete",
                )
            vat_rate = post.get("vat_rate", VatRate.HIGH)
            if vat_rate not in VatRate.values:
                raise BusinessRuleError(_("Unknown VAT rate."), code="bad_vat_rate")
            services.quote_line_add(
                quote=quote,
                actor=request.user,
                description=post.get("description", "").strip(),
                quantity=quantity,
                unit=post.get("unit", "").strip()[:20],
                unit_price=services.decimal_in(price, _("Unit price")),
                vat_rate=vat_rate,
            )
        else:
            raise BusinessRuleError(_("Choose what to add."), code="bad_kind")
    except BusinessRuleError as exc:
        return _after_change(request, quote, error=str(exc.message))
    return _after_change(request, quote)


def _line(request, pk: int, line_pk: int):
    line = selectors.quote_line_get(user=request.user, quote_pk=pk, pk=line_pk)
    return line.quote, line


@login_required
@require_POST
def quote_line_edit(request, pk: int, line_pk: int):
    """Change a line's description, quantity, unit, price, VAT or discount (inline)."""
    quote, line = _line(request, pk, line_pk)
    fields = ("description", "quantity", "unit", "unit_price", "vat_rate")
    fields += ("discount_kind", "discount_value")
    changes = {name: request.POST[name] for name in fields if name in request.POST}
    try:
        services.quote_line_update(line=line, actor=request.user, **changes)
    except BusinessRuleError as exc:
        return _after_change(request, quote, error=str(exc.message))
    return _after_change(request, quote)


@login_required
@require_POST
def quote_line_remove(request, pk: int, line_pk: int):
    quote, line = _line(request, pk, line_pk)
    try:
        services.quote_line_remove(line=line, actor=request.user)
    except BusinessRuleError as exc:
        return _after_change(request, quote, error=str(exc.message))
    return _after_change(request, quote)


@login_required
@require_POST
def quote_line_move(request, pk: int, line_pk: int):
    quote, line = _line(request, pk, line_pk)
    try:
        services.quote_line_move(
            line=line, actor=request.user, direction=request.POST.get("direction", "")
        )
    except BusinessRuleError as exc:
        return _after_change(request, quote, error=str(exc.message))
    return _after_change(request, quote)


@login_required
@require_POST
def quote_lines_reorder(request, pk: int):
    """The order after dragging: every line id once, top to bottom."""
    quote = selectors.quote_get(user=request.user, pk=pk)
    order = [_id(value) for value in request.POST.getlist("order")]
    try:
        if None in order:
            raise BusinessRuleError(_("The new order is not readable."), code="bad_order")
        services.quote_lines_reorder(quote=quote, actor=request.user, order=order)
    except BusinessRuleError as exc:
        return _after_change(request, quote, error=str(exc.message))
    return _after_change(request, quote)


@login_required
def quote_catalogue_search(request, pk: int):
    """The picker: catalogue items matching what the person types, each with an add button."""
    quote = selectors.quote_get(user=request.user, pk=pk)
    query = request.GET.get("q", "").strip()[:100]
    items = selectors.catalogue_list(user=request.user, query=query)[:20] if query else []
    return render(
        request,
        "quotes/_editor_picker.html",
        {"quote": quote, "items": items, "query": query},
    )


@login_required
@require_POST
def quote_version_save(request, pk: int):
    quote = selectors.quote_get(user=request.user, pk=pk)
    note = request.POST.get("note", "").strip()[:250]
    version = services.quote_version_save(quote=quote, actor=request.user, note=note)
    messages.success(request, _("Version %(number)s saved.") % {"number": version.number})
    return redirect("quotes:quote_detail", pk=quote.pk)


@login_required
def quote_version_detail(request, pk: int, number: int):
    """A saved version as it stood: header, lines and totals from its snapshot."""
    quote = selectors.quote_get(user=request.user, pk=pk)
    version = get_object_or_404(quote.versions.select_related("created_by"), number=number)
    snapshot = dict(version.snapshot or {})
    for key in ("subtotal", "discount_total", "vat_total", "total"):
        snapshot[key] = services.decimal_or_none(snapshot.get(key))
    try:
        snapshot["valid_until"] = date.fromisoformat(snapshot.get("valid_until") or "")
    except (TypeError, ValueError):
        snapshot["valid_until"] = None
    lines = [dict(line) for line in snapshot.get("lines", [])]
    for line in lines:
        line["vat_label"] = _vat_label(line.get("vat_rate", ""))
        for key in ("quantity", "unit_price", "line_total"):
            line[key] = services.decimal_or_none(line.get(key))
        line["quantity"] = _number_input(line["quantity"])
    context = {
        "quote": quote,
        "version": version,
        "snap": snapshot,
        "lines": lines,
        "vat_rows": [
            {
                **row,
                "label": _vat_label(row.get("rate", "")),
                "base": services.decimal_or_none(row.get("base")),
                "vat": services.decimal_or_none(row.get("vat")),
            }
            for row in snapshot.get("vat_breakdown", [])
        ],
        "status_label": dict(QuoteStatus.choices).get(snapshot.get("status"), ""),
    }
    return render(request, "quotes/quote_version.html", context)


@login_required
@require_POST
def quote_approval_request(request, pk: int):
    quote = selectors.quote_get(user=request.user, pk=pk)
    try:
        services.quote_approval_request(
            quote=quote,
            actor=request.user,
            note=request.POST.get("note", "")[:250],
            base_url=request.build_absolute_uri("/"),
        )
    except BusinessRuleError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Approval requested."))
    return redirect("quotes:quote_detail", pk=quote.pk)


@login_required
@require_POST
def quote_approve(request, pk: int):
    quote = selectors.quote_get(user=request.user, pk=pk)
    try:
        seen = request.POST.get("total_seen", "")
        services.quote_approve(
            quote=quote,
            actor=request.user,
            note=request.POST.get("note", "")[:250],
            total_seen=services.decimal_in(seen, _("Total")) if seen else None,
            base_url=request.build_absolute_uri("/"),
        )
    except BusinessRuleError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Quote approved."))
    return redirect("quotes:quote_detail", pk=quote.pk)


@login_required
@require_POST
def quote_approval_reject(request, pk: int):
    quote = selectors.quote_get(user=request.user, pk=pk)
    try:
        services.quote_approval_reject(
            quote=quote,
            actor=request.user,
            note=request.POST.get("note", "")[:250],
            base_url=request.build_absolute_uri("/"),
        )
    except BusinessRuleError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Quote sent back to its maker."))
    return redirect("quotes:quote_detail", pk=quote.pk)
