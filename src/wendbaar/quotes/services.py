"""Writing quotes: catalogue items with their price history, quote numbers, totals and versions."""

import functools
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.db.models import Model as models_Model
from django.utils import timezone
from django.utils.translation import gettext as _

from wendbaar.accounts.choices import BuiltinRole
from wendbaar.accounts.selectors import organisation_get
from wendbaar.audit.models import AuditEvent
from wendbaar.audit.services import audit_log
from wendbaar.common.errors import BusinessRuleError
from wendbaar.quotes import money, selectors
from wendbaar.quotes import notify as notify_mod
from wendbaar.quotes import rules as rules_module
from wendbaar.quotes.choices import DiscountKind, PriceSource, QuoteSource, QuoteStatus, VatRate
from wendbaar.quotes.models import (
    Bundle,
    CatalogueItem,
    PriceHistory,
    Quote,
    QuoteLine,
    QuoteSequence,
    QuoteSettings,
    QuoteTemplate,
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
    customer_phone: str = "",
    reference: str = "",
    source: str = QuoteSource.MANUAL,
) -> Quote:
    """Start a draft quote with the next number of the year."""
    organisation = organisation_get()
    today = timezone.localdate()
    template = selectors.quote_template_default(organisation=organisation)
    validity = template.validity_days if template else DEFAULT_VALIDITY_DAYS
    quote = Quote(
        organisation=organisation,
        template=template,
        language=template.language if template else "nl",
        year=today.year,
        number=quote_number_next(organisation=organisation, year=today.year),
        customer_name=customer_name,
        customer_company=customer_company,
        customer_email=customer_email,
        customer_address=customer_address,
        request_text=request_text,
        customer_phone=customer_phone,
        reference=reference,
        source=source,
        valid_until=valid_until or today + timedelta(days=validity),
        created_by=actor if getattr(actor, "pk", None) else None,
        status=QuoteStatus.DRAFT,
    )
    try:
        quote.full_clean(
            exclude=["organisation", "number", "year", "template", "created_by"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as exc:
        raise BusinessRuleError(
            " ".join(exc.messages), code="invalid_input", status_code=400
        ) from exc
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


@functools.lru_cache(maxsize=16)
def _rules_minimum_margin(rules_text: str) -> Decimal | None:
    """`[pricing] minimum_margin` of house rules as drafting reads them; None when the rules are
    empty, too long or invalid (then drafting uses no minimum either) or do not set one."""
    from wendbaar.quotes.drafting import MAX_RULES_CHARS  # drafting imports this module

    text = (rules_text or "").strip()
    if not text or len(text) > MAX_RULES_CHARS:
        return None
    try:
        return rules_module.parse_rules_text(text).pricing.minimum_margin
    except (rules_module.RulesError, TypeError, AttributeError, KeyError, ValueError):
        return None


def minimum_margin_get(
    *, organisation=None, settings: QuoteSettings | None = None
) -> Decimal | None:
    """The minimum margin lines are held to, the same in the editor and the draft: the house
    rules' `[pricing] minimum_margin` when the rules set one (the admin's current rule), otherwise
    the quote settings' minimum margin."""
    settings = settings or selectors.quote_settings_get(organisation=organisation)
    from_rules = _rules_minimum_margin(settings.rules_text)
    return settings.minimum_margin if from_rules is None else from_rules


@transaction.atomic
def quote_recalculate(*, quote: Quote, minimum_margin: Decimal | None = None) -> money.Totals:
    """Store line totals, margin flags and the quote's totals from its lines.

    Without `minimum_margin` the organisation's minimum margin flags the lines: the house rules'
    when they set one, else the quote settings' (`minimum_margin_get`)."""
    if minimum_margin is None:
        minimum_margin = minimum_margin_get(organisation=quote.organisation)
    totals = quote_totals(quote, minimum_margin=minimum_margin)
    if max(abs(totals.subtotal), abs(totals.total)) >= MAX_AMOUNT:  # would not fit the columns
        raise BusinessRuleError(
            _("The quote total is too large."), code="bad_number", status_code=400
        )
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
    _review_tick(quote=quote, actor=actor)
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
    discount_kind: str = "",
    discount_value: Decimal = Decimal("0"),
) -> QuoteLine:
    """Add a line at the end; from a catalogue item it takes the item's price, VAT, unit and cost."""
    quote = Quote.objects.select_for_update().get(pk=quote.pk)
    _check_editable(quote)
    discount_value = decimal_in(discount_value if discount_kind else "0", _("Discount"))
    _discount_check(discount_kind or "", discount_value)
    if item is None and (unit_price is None or not description.strip()):
        raise BusinessRuleError(
            _("A line without a catalogue item needs a description and a price."),
            code="line_incomplete",
            status_code=400,
        )
    if item is not None and item.organisation_id != quote.organisation_id:
        raise BusinessRuleError(_("This item is not in the catalogue."), code="foreign_item")
    quantity, unit_price = _line_numbers_check(
        quantity=quantity,
        unit_price=unit_price if unit_price is not None else item.price,
        vat_rate=vat_rate or (item.vat_rate if item else "21"),
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
        unit_price=unit_price,
        cost_price=item.cost_price if item else None,
        vat_rate=vat_rate or (item.vat_rate if item else "21"),
        why=why or {},
        confidence=confidence,
        is_drafted=is_drafted,
        discount_kind=discount_kind or "",
        discount_value=discount_value,
    )
    quote_recalculate(quote=quote)
    _edited(quote=quote, actor=actor)
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
    if status == QuoteStatus.ISSUED:
        quote_recalculate(quote=quote)  # the approval check below reads the total
    if status == QuoteStatus.ISSUED and quote_approval_needed(quote) and not quote.approved_at:
        threshold = selectors.quote_settings_get(organisation=quote.organisation)
        raise BusinessRuleError(
            _(
                "Quote %(number)s totals € %(total)s incl. VAT, more than € %(threshold)s: "
                "a manager must approve it before it is issued."
            )
            % {
                "number": quote.number,
                "total": quote.total,
                "threshold": threshold.approval_threshold,
            },
            code="approval_required",
        )
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
    if status == QuoteStatus.IN_APPROVAL:
        quote.approval_requested_at = timezone.now()
        quote.approved_by = None
        quote.approved_at = None
        fields += ["approval_requested_at", "approved_by", "approved_at"]
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


# --- Review time ---------------------------------------------------------------------------------

# A person's review of a quote is the sum of the gaps between their consecutive edits (and from
# opening the quote to their first edit); a longer gap counts as this much: they were away.
REVIEW_GAP_CAP = timedelta(minutes=10)
REVIEW_ACTIONS = (
    "quotes.quote_review_started",
    "quotes.quote_updated",
    "quotes.quote_line_added",
    "quotes.quote_line_updated",
    "quotes.quote_line_removed",
    "quotes.quote_lines_reordered",
    "quotes.quote_version_saved",
    "quotes.quote_approval_requested",
)


def _person(actor) -> bool:
    return bool(getattr(actor, "pk", None))


def _last_review_event(*, quote: Quote, actor) -> AuditEvent | None:
    return (
        AuditEvent.objects.filter(
            object_type=Quote._meta.label_lower,
            object_id=str(quote.pk),
            actor_id=actor.pk,
            action__in=REVIEW_ACTIONS,
        )
        .order_by("-at", "-pk")
        .first()
    )


def _review_tick(*, quote: Quote, actor) -> int:
    """Add the time since the person's last edit (or since they opened the quote) to its review
    time, at most REVIEW_GAP_CAP; returns the seconds added. The audit log holds the moments."""
    if not _person(actor) or quote.status not in EDITABLE:
        return 0
    last = _last_review_event(quote=quote, actor=actor)
    if last is None:
        return 0
    gap = min(max(timezone.now() - last.at, timedelta(0)), REVIEW_GAP_CAP)
    seconds = int(gap.total_seconds())
    if seconds:
        Quote.objects.filter(pk=quote.pk).update(review_seconds=F("review_seconds") + seconds)
        quote.review_seconds += seconds
    return seconds


def quote_review_start(*, quote: Quote, actor) -> bool:
    """A person opens an editable quote: their review starts now, unless they are still at it
    (an edit or opening less than REVIEW_GAP_CAP ago). Returns whether a start was recorded."""
    if not _person(actor) or quote.status not in EDITABLE:
        return False
    last = _last_review_event(quote=quote, actor=actor)
    if last is not None and timezone.now() - last.at < REVIEW_GAP_CAP:
        return False
    audit_log(actor=actor, action="quotes.quote_review_started", target=quote, data={})
    return True


def _edited(*, quote: Quote, actor) -> None:
    """After every change of an editable quote: count the review time, and drop an approval (the
    manager approved what the quote was, not what it is now)."""
    _review_tick(quote=quote, actor=actor)
    if quote.approved_at is not None:
        approved_by = quote.approved_by
        Quote.objects.filter(pk=quote.pk).update(approved_by=None, approved_at=None)
        quote.approved_by = None
        quote.approved_at = None
        audit_log(
            actor=actor,
            action="quotes.quote_approval_lost",
            target=quote,
            data={"approved_by": getattr(approved_by, "pk", None)},
        )


# --- Editing -------------------------------------------------------------------------------------

MAX_AMOUNT = Decimal("100000000000")  # fits the money and quantity columns

HEADER_FIELDS = (
    "customer_name",
    "customer_company",
    "customer_email",
    "customer_phone",
    "customer_address",
    "customer_vat_number",
    "reference",
    "template",
    "language",
    "valid_until",
    "discount_kind",
    "discount_value",
)


def _locked_for_edit(quote: Quote) -> Quote:
    quote = (
        Quote.objects.select_for_update(of=("self",)).select_related("approved_by").get(pk=quote.pk)
    )
    _check_editable(quote)
    return quote


def decimal_in(value, what: str) -> Decimal:
    """A number typed by a person (Dutch comma or dot) or sent as a Decimal, refused unless it
    is finite and fits the money and quantity columns."""
    if isinstance(value, Decimal):
        result = value
    else:
        text = str(value).strip().replace(" ", "")
        if "," in text:  # Dutch decimal comma; a dot before it groups thousands
            text = text.replace(".", "").replace(",", ".")
        try:
            result = Decimal(text)
        except (InvalidOperation, ValueError) as exc:
            raise BusinessRuleError(
                _("%(what)s is not a number.") % {"what": what},
                code="bad_number",
                status_code=400,
            ) from exc
    if not result.is_finite():
        raise BusinessRuleError(
            _("%(what)s is not a number.") % {"what": what}, code="bad_number", status_code=400
        )
    if abs(result) >= MAX_AMOUNT:
        raise BusinessRuleError(
            _("%(what)s is too large.") % {"what": what}, code="bad_number", status_code=400
        )
    return result


def _line_numbers_check(*, quantity, unit_price, vat_rate: str) -> tuple[Decimal, Decimal]:
    """The quantity and price of a line, for adding and changing alike: numbers that fit the
    columns, not negative, at most three decimals for a quantity and two for a price, a known
    VAT rate and a line total that fits too."""
    quantity = decimal_in(quantity, _("Quantity"))
    unit_price = decimal_in(unit_price, _("Unit price"))
    money.line_compute(  # refuses negative quantities, prices and unknown rates
        money.LineIn(quantity=quantity, unit_price=unit_price, vat_rate=vat_rate)
    )
    if quantity != quantity.quantize(Decimal("0.001")):
        raise BusinessRuleError(
            _("A quantity has at most three decimals."), code="bad_number", status_code=400
        )
    if unit_price != unit_price.quantize(money.CENT):
        raise BusinessRuleError(
            _("A price has at most two decimals."), code="bad_number", status_code=400
        )
    if quantity * unit_price >= MAX_AMOUNT:
        raise BusinessRuleError(
            _("The line total is too large."), code="bad_number", status_code=400
        )
    return quantity, unit_price


def _discount_check(kind: str, value: Decimal) -> None:
    if kind not in DiscountKind.values:
        raise BusinessRuleError(
            _("Unknown kind of discount."), code="bad_discount", status_code=400
        )
    money.Discount(kind, value)  # refuses negative discounts
    if kind == DiscountKind.PERCENTAGE and value > 100:
        raise BusinessRuleError(
            _("A discount cannot be more than 100 %."), code="bad_discount", status_code=400
        )
    if value != value.quantize(money.CENT):
        raise BusinessRuleError(
            _("A discount has at most two decimals."), code="bad_discount", status_code=400
        )


@transaction.atomic
def quote_update(*, quote: Quote, actor, **changes) -> Quote:
    """Change the header of a draft quote (customer, reference, template, language, validity,
    quote discount); totals follow at once. Unknown fields are refused, nothing is half-saved."""
    unknown = set(changes) - set(HEADER_FIELDS)
    if unknown:
        raise BusinessRuleError(
            _("These fields cannot be changed here: %(fields)s")
            % {"fields": ", ".join(sorted(unknown))},
            code="bad_field",
            status_code=400,
        )
    quote = _locked_for_edit(quote)
    before = {name: getattr(quote, name) for name in HEADER_FIELDS}
    for name, value in changes.items():
        if name == "discount_value":
            value = decimal_in(value if value not in (None, "") else "0", _("Discount"))
        elif name == "template":
            if value is not None and (
                not isinstance(value, QuoteTemplate)
                or value.organisation_id != quote.organisation_id
            ):
                raise BusinessRuleError(
                    _("This template does not exist."), code="bad_template", status_code=400
                )
        elif name == "valid_until":
            if value is not None and value < timezone.localdate() and value != quote.valid_until:
                raise BusinessRuleError(
                    _("The quote cannot be valid until a day in the past."),
                    code="bad_validity",
                    status_code=400,
                )
        elif isinstance(value, str):
            value = value.strip()
        setattr(quote, name, value)
    if not quote.discount_kind:
        quote.discount_value = Decimal("0")
    _discount_check(quote.discount_kind or "", quote.discount_value)
    try:
        quote.full_clean(
            exclude=[f.name for f in Quote._meta.fields if f.name not in HEADER_FIELDS],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as exc:
        raise BusinessRuleError(
            " ".join(exc.messages), code="invalid_input", status_code=400
        ) from exc
    changed = {
        name: [_jsonable_plain(before[name]), _jsonable_plain(getattr(quote, name))]
        for name in HEADER_FIELDS
        if before[name] != getattr(quote, name)
    }
    if not changed:
        return quote
    quote.save(update_fields=[*changed, "updated_at"])
    quote_recalculate(quote=quote)
    _edited(quote=quote, actor=actor)
    audit_log(actor=actor, action="quotes.quote_updated", target=quote, data={"changed": changed})
    return quote


def _jsonable_plain(value):
    if isinstance(value, models_Model):
        return value.pk
    if isinstance(value, date):
        return value.isoformat()
    return _jsonable(value)


LINE_FIELDS = (
    "description",
    "quantity",
    "unit",
    "unit_price",
    "vat_rate",
    "discount_kind",
    "discount_value",
)


@transaction.atomic
def quote_line_update(*, line: QuoteLine, actor, **changes) -> QuoteLine:
    """Change a line of a draft quote (description, quantity, unit, price, VAT, discount);
    totals follow at once."""
    unknown = set(changes) - set(LINE_FIELDS)
    if unknown:
        raise BusinessRuleError(
            _("These fields cannot be changed here: %(fields)s")
            % {"fields": ", ".join(sorted(unknown))},
            code="bad_field",
            status_code=400,
        )
    quote = _locked_for_edit(line.quote)
    try:
        line = quote.lines.get(pk=line.pk)
    except QuoteLine.DoesNotExist as exc:
        raise BusinessRuleError(
            _("This line is no longer on the quote."), code="line_gone", status_code=404
        ) from exc
    before = {name: getattr(line, name) for name in LINE_FIELDS}
    for name, value in changes.items():
        if name in ("quantity", "unit_price", "discount_value"):
            labels = {
                "quantity": _("Quantity"),
                "unit_price": _("Unit price"),
                "discount_value": _("Discount"),
            }
            value = decimal_in(value if value not in (None, "") else "0", labels[name])
        elif isinstance(value, str):
            value = value.strip()
        setattr(line, name, value)
    if not line.description:
        raise BusinessRuleError(
            _("A line needs a description."), code="line_incomplete", status_code=400
        )
    if line.vat_rate not in VatRate.values:
        raise BusinessRuleError(
            _("Unknown VAT rate %(rate)s.") % {"rate": line.vat_rate},
            code="bad_vat_rate",
            status_code=400,
        )
    if not line.discount_kind:
        line.discount_value = Decimal("0")
    _discount_check(line.discount_kind or "", line.discount_value)
    line.quantity, line.unit_price = _line_numbers_check(
        quantity=line.quantity, unit_price=line.unit_price, vat_rate=line.vat_rate
    )
    line.description = line.description[:500]
    line.unit = line.unit[:20]
    changed = {
        name: [_jsonable(before[name]), _jsonable(getattr(line, name))]
        for name in LINE_FIELDS
        if before[name] != getattr(line, name)
    }
    if not changed:
        return line
    line.save(update_fields=list(changed))
    quote_recalculate(quote=quote)
    _edited(quote=quote, actor=actor)
    audit_log(
        actor=actor,
        action="quotes.quote_line_updated",
        target=quote,
        data={"line": line.pk, "sku": line.sku, "changed": changed},
    )
    line.refresh_from_db()
    return line


@transaction.atomic
def quote_line_remove(*, line: QuoteLine, actor) -> None:
    """Take a line off a draft quote; the others keep their order."""
    quote = _locked_for_edit(line.quote)
    try:
        line = quote.lines.get(pk=line.pk)
    except QuoteLine.DoesNotExist as exc:
        raise BusinessRuleError(
            _("This line is no longer on the quote."), code="line_gone", status_code=404
        ) from exc
    data = {
        "line": line.pk,
        "sku": line.sku,
        "description": line.description,
        "quantity": str(line.quantity),
        "unit_price": str(line.unit_price),
        "was_drafted": line.is_drafted,
    }
    line.delete()
    _renumber(quote)
    quote_recalculate(quote=quote)
    _edited(quote=quote, actor=actor)
    audit_log(actor=actor, action="quotes.quote_line_removed", target=quote, data=data)


def _renumber(quote: Quote, order: list[int] | None = None) -> None:
    lines = list(quote.lines.all())
    if order is not None:
        by_pk = {line.pk: line for line in lines}
        lines = [by_pk[pk] for pk in order]
    for position, line in enumerate(lines, start=1):
        if line.position != position:
            line.position = position
            line.save(update_fields=["position"])


@transaction.atomic
def quote_lines_reorder(*, quote: Quote, actor, order: list[int]) -> Quote:
    """Put the lines of a draft quote in the given order (every line id once)."""
    quote = _locked_for_edit(quote)
    current = list(quote.lines.values_list("pk", flat=True))
    if sorted(order) != sorted(current) or len(set(order)) != len(order):
        raise BusinessRuleError(
            _("The new order must name every line of the quote once; reload the page."),
            code="bad_order",
            status_code=400,
        )
    if list(order) == current:
        return quote
    _renumber(quote, list(order))
    _edited(quote=quote, actor=actor)
    audit_log(
        actor=actor,
        action="quotes.quote_lines_reordered",
        target=quote,
        data={"from": current, "to": list(order)},
    )
    return quote


@transaction.atomic
def quote_line_move(*, line: QuoteLine, actor, direction: str) -> Quote:
    """Move a line one place up or down."""
    if direction not in ("up", "down"):
        raise BusinessRuleError(_("Move a line up or down."), code="bad_order", status_code=400)
    quote = _locked_for_edit(line.quote)
    order = list(quote.lines.values_list("pk", flat=True))
    if line.pk not in order:
        raise BusinessRuleError(
            _("This line is no longer on the quote."), code="line_gone", status_code=404
        )
    index = order.index(line.pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(order):
        order[index], order[other] = order[other], order[index]
    return quote_lines_reorder(quote=quote, actor=actor, order=order)


# --- Approval ------------------------------------------------------------------------------------


def quote_approval_needed(quote: Quote) -> bool:
    """Whether the quote's total (incl. VAT) is above the organisation's approval threshold."""
    threshold = selectors.quote_settings_get(organisation=quote.organisation).approval_threshold
    return threshold is not None and quote.total > threshold


def approvers(organisation) -> list[int]:
    """The ids of the active people who may approve quotes (managers, admins, superusers)."""
    from wendbaar.accounts.models import User

    return list(
        User.objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(roles__code__in=[BuiltinRole.MANAGER, BuiltinRole.ADMIN]))
        .values_list("pk", flat=True)
        .distinct()
    )


def quote_may_approve(*, quote: Quote, user) -> bool:
    """Managers approve; not their own quote, unless nobody else could (the only manager)."""
    if not selectors.quote_can_approve(user):
        return False
    if quote.created_by_id == user.pk:
        return approvers(quote.organisation) == [user.pk]
    return True


@transaction.atomic
def quote_approval_request(
    *, quote: Quote, actor, note: str = "", base_url: str = "", notify: bool = True
) -> Quote:
    """Ask a manager to approve a draft quote before it is issued; the managers who may approve
    it get a mail (after commit, in the background) unless `notify` is off."""
    quote = Quote.objects.select_for_update().get(pk=quote.pk)
    if quote.status != QuoteStatus.DRAFT:
        raise BusinessRuleError(
            _("Only a draft quote can be put up for approval."), code="bad_transition"
        )
    if not quote.lines.exists():
        raise BusinessRuleError(
            _("A quote without lines cannot be put up for approval."), code="empty_quote"
        )
    _review_tick(quote=quote, actor=actor)
    quote = quote_status_set(quote=quote, actor=actor, status=QuoteStatus.IN_APPROVAL, note=note)
    audit_log(
        actor=actor,
        action="quotes.quote_approval_requested",
        target=quote,
        data={"total": str(quote.total), "note": note[:250]},
    )
    if notify:
        _approval_notify(quote, notify_mod.REQUESTED, actor, note, base_url)
    return quote


def _approval_notify(quote: Quote, event: str, actor, note: str, base_url: str) -> None:
    notify_mod.approval_notify_later(
        quote=quote, event=event, actor=actor, note=note, base_url=base_url
    )


def _check_approver(quote: Quote, actor) -> None:
    if not selectors.quote_can_approve(actor):
        raise BusinessRuleError(
            _("Only a manager can approve or reject a quote."),
            code="not_an_approver",
            status_code=403,
        )
    if not quote_may_approve(quote=quote, user=actor):
        raise BusinessRuleError(
            _("You made this quote; another manager must approve it."),
            code="own_quote",
            status_code=403,
        )
    if quote.status != QuoteStatus.IN_APPROVAL:
        raise BusinessRuleError(
            _("Quote %(number)s is not waiting for approval.") % {"number": quote.number},
            code="not_in_approval",
        )


@transaction.atomic
def quote_approve(
    *,
    quote: Quote,
    actor,
    note: str = "",
    total_seen: Decimal | None = None,
    base_url: str = "",
    notify: bool = True,
) -> Quote:
    """A manager approves the quote as it stands; it goes back to draft, ready to be issued.

    With `total_seen` the approval is refused when the quote changed since the manager looked."""
    quote = Quote.objects.select_for_update().get(pk=quote.pk)
    _check_approver(quote, actor)
    quote_recalculate(quote=quote)
    if total_seen is not None and total_seen != quote.total:
        raise BusinessRuleError(
            _("The quote changed while you looked at it (now € %(total)s); check it again.")
            % {"total": quote.total},
            code="quote_changed",
        )
    quote.status = QuoteStatus.DRAFT
    quote.approved_by = actor
    quote.approved_at = timezone.now()
    quote.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    audit_log(
        actor=actor,
        action="quotes.quote_approved",
        target=quote,
        data={"total": str(quote.total), "note": note[:250]},
    )
    if notify:
        _approval_notify(quote, notify_mod.APPROVED, actor, note, base_url)
    return quote


@transaction.atomic
def quote_approval_reject(*, quote: Quote, actor, note: str, base_url: str = "") -> Quote:
    """A manager sends the quote back to its maker with a note on what to change."""
    quote = Quote.objects.select_for_update().get(pk=quote.pk)
    _check_approver(quote, actor)
    if not note.strip():
        raise BusinessRuleError(
            _("Say what has to change before the quote can be approved."),
            code="note_required",
            status_code=400,
        )
    quote.status = QuoteStatus.DRAFT
    quote.approved_by = None
    quote.approved_at = None
    quote.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    audit_log(
        actor=actor,
        action="quotes.quote_approval_rejected",
        target=quote,
        data={"total": str(quote.total), "note": note.strip()[:250]},
    )
    _approval_notify(quote, notify_mod.REJECTED, actor, note.strip(), base_url)
    return quote


# --- Comparing with the AI draft -----------------------------------------------------------------


def quote_draft_compare(quote: Quote) -> list[dict]:
    """The AI draft's lines next to the current ones: kept, changed, removed or added.

    A pure read of the quote's own data (no writes), kept here next to the editing services."""
    current = list(quote.lines.all())
    unmatched = list(current)
    rows = []
    for drafted in quote.draft_snapshot or []:
        key_sku = (drafted.get("sku") or "").strip()
        key_text = (drafted.get("description") or "").strip().lower()
        match = next(
            (
                line
                for line in unmatched
                if (key_sku and line.sku == key_sku)
                or (not key_sku and line.description.strip().lower() == key_text)
            ),
            None,
        )
        draft_qty = decimal_or_none(drafted.get("quantity"))
        draft_price = decimal_or_none(drafted.get("unit_price"))
        if match is None:
            rows.append({"state": "removed", "draft": drafted, "line": None})
            continue
        unmatched.remove(match)
        same = draft_qty == match.quantity and draft_price == match.unit_price
        rows.append({"state": "kept" if same else "changed", "draft": drafted, "line": match})
    rows += [{"state": "added", "draft": None, "line": line} for line in unmatched]
    return rows


def decimal_or_none(value) -> Decimal | None:
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except InvalidOperation:
        return None
