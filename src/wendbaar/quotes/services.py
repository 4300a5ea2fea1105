"""Writing quotes: catalogue items with their price history, quote numbers, totals and versions."""

from datetime import date, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wendbaar.accounts.selectors import organisation_get
from wendbaar.audit.services import audit_log
from wendbaar.common.errors import BusinessRuleError
from wendbaar.quotes import money
from wendbaar.quotes.choices import PriceSource, QuoteStatus
from wendbaar.quotes.models import (
    Bundle,
    CatalogueItem,
    PriceHistory,
    Quote,
    QuoteLine,
    QuoteSequence,
    QuoteVersion,
)

DEFAULT_VALIDITY_DAYS = 30


def price_history_add(
    *, item: CatalogueItem, previous: Decimal | None, actor, source: str
) -> PriceHistory:
    """Record the item's current price (called whenever a price is set or changes)."""
    return PriceHistory.objects.create(
        item=item,
        price=item.price,
        previous_price=previous,
        cost_price=item.cost_price,
        source=source,
        changed_by=actor if getattr(actor, "pk", None) else None,
    )


@transaction.atomic
def catalogue_item_save(
    *, item: CatalogueItem, actor, source: str = PriceSource.MANUAL
) -> CatalogueItem:
    """Create or update a catalogue item; a new price leaves a row in the price history."""
    if item.price is None or item.price <= 0:
        raise BusinessRuleError(
            _("A price must be more than zero."), code="bad_price", status_code=400
        )
    if not item.organisation_id:
        item.organisation = organisation_get()
    previous = None
    created = item.pk is None
    if not created:
        previous = CatalogueItem.objects.filter(pk=item.pk).values_list("price", flat=True).first()
    item.full_clean()
    item.save()
    if created or previous != item.price:
        price_history_add(item=item, previous=previous, actor=actor, source=source)
    audit_log(
        actor=actor,
        action="quotes.catalogue_item_created" if created else "quotes.catalogue_item_updated",
        target=item,
        data={
            "sku": item.sku,
            "price": str(item.price),
            "previous_price": str(previous) if previous is not None else None,
            "source": str(source),
        },
    )
    return item


def quote_number_next(*, organisation, year: int) -> str:
    """The next number of the year, OFF-YYYY-NNNN; the row lock makes two at once impossible.

    Must run inside the transaction that saves the quote, so a rolled-back quote gives its
    number back."""
    for _attempt in range(3):
        try:
            with transaction.atomic():
                sequence, _created = QuoteSequence.objects.select_for_update().get_or_create(
                    organisation=organisation, year=year
                )
            break
        except IntegrityError:  # another process created this year's row at the same moment
            continue
    sequence = QuoteSequence.objects.select_for_update().get(organisation=organisation, year=year)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return f"OFF-{year}-{sequence.last_number:04d}"


@transaction.atomic
def quote_create(
    *,
    actor,
    customer_name: str = "",
    customer_company: str = "",
    customer_email: str = "",
    customer_address: str = "",
    request_text: str = "",
    valid_until: date | None = None,
) -> Quote:
    """Start a draft quote with the next number of the year."""
    organisation = organisation_get()
    today = timezone.localdate()
    quote = Quote(
        organisation=organisation,
        year=today.year,
        number=quote_number_next(organisation=organisation, year=today.year),
        customer_name=customer_name,
        customer_company=customer_company,
        customer_email=customer_email,
        customer_address=customer_address,
        request_text=request_text,
        valid_until=valid_until or today + timedelta(days=DEFAULT_VALIDITY_DAYS),
        created_by=actor if getattr(actor, "pk", None) else None,
        status=QuoteStatus.DRAFT,
    )
    quote.save()
    audit_log(actor=actor, action="quotes.quote_created", target=quote, data={})
    return quote


def quote_totals(quote: Quote, *, minimum_margin: Decimal | None = None) -> money.Totals:
    lines = list(quote.lines.all())
    return money.quote_compute(
        [
            money.LineIn(
                quantity=line.quantity,
                unit_price=line.unit_price,
                vat_rate=line.vat_rate,
                discount=money.Discount(line.discount_kind or "", line.discount_value),
                cost_price=line.cost_price,
            )
            for line in lines
        ],
        discount=money.Discount(quote.discount_kind or "", quote.discount_value),
        minimum_margin=minimum_margin,
    )


@transaction.atomic
def quote_recalculate(*, quote: Quote, minimum_margin: Decimal | None = None) -> money.Totals:
    """Store line totals, margin flags and the quote's totals from its lines."""
    totals = quote_totals(quote, minimum_margin=minimum_margin)
    for line, result in zip(quote.lines.all(), totals.lines, strict=True):
        if line.line_total != result.total or line.below_margin != result.below_margin:
            line.line_total = result.total
            line.below_margin = result.below_margin
            line.save(update_fields=["line_total", "below_margin"])
    quote.subtotal = totals.subtotal
    quote.discount_total = totals.discount
    quote.vat_total = totals.vat_total
    quote.total = totals.total
    quote.vat_breakdown = [
        {"rate": g.rate, "base": str(g.base), "vat": str(g.vat), "note": g.note}
        for g in totals.vat_groups
    ]
    quote.save(update_fields=["subtotal", "discount_total", "vat_total", "total", "vat_breakdown"])
    return totals


def _snapshot(quote: Quote) -> dict:
    fields = ["number", "status", "customer_name", "customer_company", "customer_email"]
    fields += ["customer_address", "reference", "discount_kind", "subtotal", "discount_total"]
    fields += ["vat_total", "total", "vat_breakdown"]
    data = {name: getattr(quote, name) for name in fields}
    data["valid_until"] = quote.valid_until.isoformat() if quote.valid_until else None
    data["discount_value"] = quote.discount_value
    data["lines"] = [
        {
            "position": line.position,
            "catalogue_item": line.catalogue_item_id,
            "sku": line.sku,
            "description": line.description,
            "quantity": line.quantity,
            "unit": line.unit,
            "unit_price": line.unit_price,
            "vat_rate": line.vat_rate,
            "discount_kind": line.discount_kind,
            "discount_value": line.discount_value,
            "line_total": line.line_total,
            "is_drafted": line.is_drafted,
            "why": line.why,
            "confidence": line.confidence,
        }
        for line in quote.lines.all()
    ]
    return _jsonable(data)


def _jsonable(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


@transaction.atomic
def quote_version_save(*, quote: Quote, actor, note: str = "") -> QuoteVersion:
    """Keep the quote as it stands now (header, lines and totals) as the next version."""
    quote = Quote.objects.select_for_update().get(pk=quote.pk)
    quote_recalculate(quote=quote)
    last = quote.versions.order_by("-number").values_list("number", flat=True).first() or 0
    version = QuoteVersion.objects.create(
        quote=quote,
        number=last + 1,
        snapshot=_snapshot(quote),
        note=note[:250],
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_log(
        actor=actor,
        action="quotes.quote_version_saved",
        target=quote,
        data={"version": version.number, "total": str(quote.total)},
    )
    return version


# Which status may follow which; the customer's answer and expiry end a quote.
TRANSITIONS = {
    QuoteStatus.DRAFT: {QuoteStatus.IN_APPROVAL, QuoteStatus.ISSUED},
    QuoteStatus.IN_APPROVAL: {QuoteStatus.DRAFT, QuoteStatus.ISSUED},
    QuoteStatus.ISSUED: {QuoteStatus.ACCEPTED, QuoteStatus.REJECTED, QuoteStatus.EXPIRED},
    QuoteStatus.ACCEPTED: set(),
    QuoteStatus.REJECTED: set(),
    QuoteStatus.EXPIRED: set(),
}
EDITABLE = {QuoteStatus.DRAFT, QuoteStatus.IN_APPROVAL}


def _check_editable(quote: Quote) -> None:
    if quote.status not in EDITABLE:
        raise BusinessRuleError(
            _("Quote %(number)s has been issued; its lines can no longer change.")
            % {"number": quote.number},
            code="quote_not_editable",
        )


@transaction.atomic
def quote_line_add(
    *,
    quote: Quote,
    actor,
    item: CatalogueItem | None = None,
    description: str = "",
    quantity: Decimal = Decimal("1"),
    unit: str = "",
    unit_price: Decimal | None = None,
    vat_rate: str = "",
    why: dict | None = None,
    confidence: float | None = None,
    is_drafted: bool = False,
) -> QuoteLine:
    """Add a line at the end; from a catalogue item it takes the item's price, VAT, unit and cost."""
    quote = Quote.objects.select_for_update().get(pk=quote.pk)
    _check_editable(quote)
    if item is None and (unit_price is None or not description.strip()):
        raise BusinessRuleError(
            _("A line without a catalogue item needs a description and a price."),
            code="line_incomplete",
            status_code=400,
        )
    if item is not None and item.organisation_id != quote.organisation_id:
        raise BusinessRuleError(_("This item is not in the catalogue."), code="foreign_item")
    money.line_compute(  # refuses negative quantities, prices and unknown rates up front
        money.LineIn(
            quantity=quantity,
            unit_price=unit_price if unit_price is not None else item.price,
            vat_rate=vat_rate or (item.vat_rate if item else "21"),
        )
    )
    last = quote.lines.order_by("-position").values_list("position", flat=True).first() or 0
    line = QuoteLine.objects.create(
        quote=quote,
        position=last + 1,
        catalogue_item=item,
        sku=item.sku if item else "",
        description=(description or (item.name if item else ""))[:500],
        quantity=quantity,
        unit=unit or (item.unit if item else ""),
        unit_price=unit_price if unit_price is not None else item.price,
        cost_price=item.cost_price if item else None,
        vat_rate=vat_rate or (item.vat_rate if item else "21"),
        why=why or {},
        confidence=confidence,
        is_drafted=is_drafted,
    )
    quote_recalculate(quote=quote)
    audit_log(
        actor=actor,
        action="quotes.quote_line_added",
        target=quote,
        data={"line": line.pk, "sku": line.sku, "quantity": str(line.quantity)},
    )
    return line


@transaction.atomic
def quote_bundle_add(*, quote: Quote, actor, bundle: Bundle, times: Decimal = Decimal("1")):
    """Add every item of a job bundle, its quantity multiplied by `times`."""
    if bundle.organisation_id != quote.organisation_id:
        raise BusinessRuleError(_("This job bundle is not in the catalogue."), code="foreign_item")
    return [
        quote_line_add(
            quote=quote,
            actor=actor,
            item=part.item,
            quantity=part.quantity * times,
            why={"bundle": bundle.name},
        )
        for part in bundle.items.select_related("item")
    ]


@transaction.atomic
def quote_status_set(*, quote: Quote, actor, status: str, note: str = "") -> Quote:
    """Move a quote on (approval, issue, the customer's answer, expiry); issuing keeps a version."""
    quote = Quote.objects.select_for_update().get(pk=quote.pk)
    if status not in TRANSITIONS.get(quote.status, set()):
        raise BusinessRuleError(
            _("A quote that is %(current)s cannot become %(new)s.")
            % {
                "current": QuoteStatus(quote.status).label,
                "new": QuoteStatus(status).label if status in QuoteStatus.values else status,
            },
            code="bad_transition",
        )
    today = timezone.localdate()
    if status == QuoteStatus.ISSUED and not quote.lines.exists():
        raise BusinessRuleError(_("A quote without lines cannot be issued."), code="empty_quote")
    if status == QuoteStatus.ACCEPTED and quote.valid_until and quote.valid_until < today:
        raise BusinessRuleError(
            _("Quote %(number)s expired on %(date)s and can no longer be accepted.")
            % {"number": quote.number, "date": quote.valid_until.isoformat()},
            code="quote_expired",
        )
    previous = quote.status
    quote.status = status
    fields = ["status", "updated_at"]
    if status == QuoteStatus.ISSUED:
        quote.issued_at = timezone.now()
        fields.append("issued_at")
    if status in (QuoteStatus.ACCEPTED, QuoteStatus.REJECTED):
        quote.decided_at = timezone.now()
        fields.append("decided_at")
    quote.save(update_fields=fields)
    audit_log(
        actor=actor,
        action="quotes.quote_status_changed",
        target=quote,
        data={"from": previous, "to": status, "note": note[:250]},
    )
    if status == QuoteStatus.ISSUED:
        quote_version_save(quote=quote, actor=actor, note=note or _("Issued"))
    return quote
