"""Quotes API, one part (editor); added to the quotes router in quotes/api.py (/api/quotes/).

List, read, create and edit quotes and their lines, keep versions, and ask for, give or refuse
approval: the same services and selectors as the browser. Someone without a quote role finds no
quote (404) and may not create one (403); only managers approve (403 otherwise)."""

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from wendbaar.common.errors import BusinessRuleError
from wendbaar.quotes import selectors, services
from wendbaar.quotes.choices import QuoteSource, QuoteStatus
from wendbaar.quotes.models import Quote, QuoteLine

router = Router()


class QuoteLineOut(Schema):
    id: int
    position: int
    catalogue_item_id: int | None
    sku: str
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    vat_rate: str
    discount_kind: str
    discount_value: Decimal
    line_total: Decimal
    below_margin: bool
    is_drafted: bool
    why: dict
    confidence: float | None


class QuoteSummaryOut(Schema):
    id: int
    number: str
    status: str
    customer_name: str
    customer_company: str
    reference: str
    total: Decimal
    valid_until: date | None
    created_by: str
    created_at: datetime
    approval_requested_at: datetime | None
    approved_at: datetime | None

    @staticmethod
    def resolve_created_by(obj) -> str:
        return obj.created_by.full_name if obj.created_by else ""


class QuoteOut(QuoteSummaryOut):
    year: int
    customer_email: str
    customer_phone: str
    customer_address: str
    customer_vat_number: str
    template_id: int | None
    language: str
    source: str
    discount_kind: str
    discount_value: Decimal
    subtotal: Decimal
    discount_total: Decimal
    vat_total: Decimal
    vat_breakdown: list
    approval_needed: bool
    approved_by: str
    issued_at: datetime | None
    review_seconds: int
    draft_confidence: float | None
    lines: list[QuoteLineOut]

    @staticmethod
    def resolve_approval_needed(obj) -> bool:
        return services.quote_approval_needed(obj)

    @staticmethod
    def resolve_approved_by(obj) -> str:
        return obj.approved_by.full_name if obj.approved_by else ""

    @staticmethod
    def resolve_lines(obj) -> list:
        return list(obj.lines.all())


class QuoteFilter(Schema):
    status: str = ""
    q: str = ""


class QuoteIn(Schema):
    customer_name: str = ""
    customer_company: str = ""
    customer_email: str = ""
    customer_phone: str = ""
    customer_address: str = ""
    reference: str = ""
    request_text: str = ""
    valid_until: date | None = None


class QuotePatch(Schema):
    customer_name: str | None = None
    customer_company: str | None = None
    customer_email: str | None = None
    customer_phone: str | None = None
    customer_address: str | None = None
    customer_vat_number: str | None = None
    reference: str | None = None
    template_id: int | None = None
    language: str | None = None
    valid_until: date | None = None
    discount_kind: str | None = None
    discount_value: Decimal | None = None


class LineIn(Schema):
    """A catalogue item (`item_id`), a job bundle (`bundle_id`, quantity = how many times), or a
    free line (`description` and `unit_price`)."""

    item_id: int | None = None
    bundle_id: int | None = None
    description: str = ""
    quantity: Decimal = Decimal("1")
    unit: str = ""
    unit_price: Decimal | None = None
    vat_rate: str = ""


class LinePatch(Schema):
    description: str | None = None
    quantity: Decimal | None = None
    unit: str | None = None
    unit_price: Decimal | None = None
    vat_rate: str | None = None
    discount_kind: str | None = None
    discount_value: Decimal | None = None


class OrderIn(Schema):
    order: list[int]


class NoteIn(Schema):
    note: str = ""


class ApproveIn(Schema):
    note: str = ""
    total_seen: Decimal | None = None


class VersionOut(Schema):
    number: int
    note: str
    created_by: str
    created_at: datetime
    total: str

    @staticmethod
    def resolve_created_by(obj) -> str:
        return obj.created_by.full_name if obj.created_by else ""

    @staticmethod
    def resolve_total(obj) -> str:
        return str((obj.snapshot or {}).get("total", ""))


class VersionDetailOut(VersionOut):
    snapshot: dict


def _quote(request, quote_id: int) -> Quote:
    return selectors.quote_get(user=request.user, pk=quote_id)


def _fresh(request, quote_id: int) -> Quote:
    return (
        selectors.quote_list(user=request.user)
        .select_related("approved_by")
        .prefetch_related("lines")
        .get(pk=quote_id)
    )


@router.get("/", response=list[QuoteSummaryOut])
@paginate(LimitOffsetPagination)
def quote_list(request, filters: Query[QuoteFilter]):
    """The organisation's quotes, newest first (none for someone without a quote role)."""
    status = filters.status if filters.status in QuoteStatus.values else ""
    if filters.status and not status:
        raise BusinessRuleError(_("Unknown status."), code="bad_status", status_code=400)
    return selectors.quote_list(user=request.user, status=status, query=filters.q[:100])


@router.post("/", response={201: QuoteOut})
def quote_create(request, payload: QuoteIn):
    """Start an empty draft quote."""
    if not selectors.quote_can_work(request.user):
        raise PermissionDenied(_("Quotes are for sales, finance, service agents and managers."))
    quote = services.quote_create(actor=request.user, source=QuoteSource.API, **payload.dict())
    return Status(201, _fresh(request, quote.pk))


@router.get("/{int:quote_id}", response=QuoteOut)
def quote_get(request, quote_id: int):
    _quote(request, quote_id)
    return _fresh(request, quote_id)


@router.patch("/{int:quote_id}", response=QuoteOut)
def quote_update(request, quote_id: int, payload: QuotePatch):
    """Change the header of a draft quote; only the fields sent change."""
    quote = _quote(request, quote_id)
    changes = payload.dict(exclude_unset=True)
    if "template_id" in changes:
        template_id = changes.pop("template_id")
        template = None
        if template_id is not None:
            template = selectors.quote_template_find(user=request.user, pk=template_id)
            if template is None:
                raise BusinessRuleError(
                    _("This template does not exist."), code="bad_template", status_code=400
                )
        changes["template"] = template
    for name in ("discount_kind", "customer_name", "customer_company", "customer_email"):
        if name in changes and changes[name] is None:
            changes[name] = ""
    services.quote_update(quote=quote, actor=request.user, **changes)
    return _fresh(request, quote_id)


@router.post("/{int:quote_id}/lines", response={201: QuoteOut})
def quote_line_add(request, quote_id: int, payload: LineIn):
    """Add a catalogue item, a job bundle or a free line at the end; totals follow."""
    quote = _quote(request, quote_id)
    if payload.item_id is not None and payload.bundle_id is not None:
        raise BusinessRuleError(
            _("Add an item or a job bundle, not both at once."), code="bad_line", status_code=400
        )
    if payload.item_id is not None:
        item = selectors.catalogue_list(user=request.user).filter(pk=payload.item_id).first()
        if item is None:
            raise BusinessRuleError(
                _("This item is not in the catalogue."), code="no_item", status_code=400
            )
        services.quote_line_add(
            quote=quote,
            actor=request.user,
            item=item,
            quantity=payload.quantity,
            description=payload.description,
            unit=payload.unit,
            unit_price=payload.unit_price,
            vat_rate=payload.vat_rate,
        )
    elif payload.bundle_id is not None:
        bundle = selectors.bundle_find(user=request.user, pk=payload.bundle_id)
        if bundle is None:
            raise BusinessRuleError(
                _("This job bundle is not in the catalogue."), code="no_bundle", status_code=400
            )
        services.quote_bundle_add(
            quote=quote, actor=request.user, bundle=bundle, times=payload.quantity
        )
    else:
        services.quote_line_add(
            quote=quote,
            actor=request.user,
            description=payload.description.strip(),
            quantity=payload.quantity,
            unit=payload.unit.strip()[:20],
            unit_price=payload.unit_price,
            vat_rate=payload.vat_rate,
        )
    return Status(201, _fresh(request, quote_id))


def _line(request, quote_id: int, line_id: int) -> tuple[Quote, QuoteLine]:
    line = selectors.quote_line_get(user=request.user, quote_pk=quote_id, pk=line_id)
    return line.quote, line


@router.patch("/{int:quote_id}/lines/{int:line_id}", response=QuoteOut)
def quote_line_update(request, quote_id: int, line_id: int, payload: LinePatch):
    _quote_obj, line = _line(request, quote_id, line_id)
    changes = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    services.quote_line_update(line=line, actor=request.user, **changes)
    return _fresh(request, quote_id)


@router.delete("/{int:quote_id}/lines/{int:line_id}", response=QuoteOut)
def quote_line_remove(request, quote_id: int, line_id: int):
    _quote_obj, line = _line(request, quote_id, line_id)
    services.quote_line_remove(line=line, actor=request.user)
    return _fresh(request, quote_id)


@router.post("/{int:quote_id}/lines/order", response=QuoteOut)
def quote_lines_reorder(request, quote_id: int, payload: OrderIn):
    """Put the lines in this order: every line id of the quote once, top to bottom."""
    quote = _quote(request, quote_id)
    services.quote_lines_reorder(quote=quote, actor=request.user, order=payload.order)
    return _fresh(request, quote_id)


@router.get("/{int:quote_id}/versions", response=list[VersionOut])
def quote_versions(request, quote_id: int):
    return list(_quote(request, quote_id).versions.select_related("created_by"))


@router.post("/{int:quote_id}/versions", response={201: VersionDetailOut})
def quote_version_save(request, quote_id: int, payload: NoteIn):
    quote = _quote(request, quote_id)
    return Status(
        201, services.quote_version_save(quote=quote, actor=request.user, note=payload.note)
    )


@router.get("/{int:quote_id}/versions/{int:number}", response=VersionDetailOut)
def quote_version_get(request, quote_id: int, number: int):
    quote = _quote(request, quote_id)
    version = quote.versions.select_related("created_by").filter(number=number).first()
    if version is None:
        raise Http404
    return version


def _base(request) -> str:
    """The address this request came in on, for links in the approval mails."""
    return request.build_absolute_uri("/")


@router.post("/{int:quote_id}/approval/request", response=QuoteOut)
def quote_approval_request(request, quote_id: int, payload: NoteIn):
    quote = _quote(request, quote_id)
    services.quote_approval_request(
        quote=quote, actor=request.user, note=payload.note, base_url=_base(request)
    )
    return _fresh(request, quote_id)


@router.post("/{int:quote_id}/approval/approve", response=QuoteOut)
def quote_approve(request, quote_id: int, payload: ApproveIn):
    """A manager approves (send `total_seen` to refuse approving a quote that changed since)."""
    quote = _quote(request, quote_id)
    services.quote_approve(
        quote=quote,
        actor=request.user,
        note=payload.note,
        total_seen=payload.total_seen,
        base_url=_base(request),
    )
    return _fresh(request, quote_id)


@router.post("/{int:quote_id}/approval/reject", response=QuoteOut)
def quote_approval_reject(request, quote_id: int, payload: NoteIn):
    quote = _quote(request, quote_id)
    services.quote_approval_reject(
        quote=quote, actor=request.user, note=payload.note, base_url=_base(request)
    )
    return _fresh(request, quote_id)
