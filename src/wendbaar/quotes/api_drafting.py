"""Quotes API, one part (drafting); added to the quotes router in quotes/api.py.

`POST /draft` makes a quote from a customer request (or a customer question) with drafted lines,
open points and a covering letter; `POST /draft/preview` shows what would be drafted without saving;
`GET/PUT /rules` read and change the house rules (managers and finance)."""

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from ninja import Router, Schema, Status

from wendbaar.quotes import drafting, selectors
from wendbaar.quotes.choices import QuoteSource
from wendbaar.service import selectors as service_selectors

router = Router()


class CustomerIn(Schema):
    name: str = ""
    company: str = ""
    email: str = ""
    phone: str = ""
    address: str = ""


class DraftIn(Schema):
    request_text: str = ""
    ticket_id: int | None = None
    customer: CustomerIn | None = None
    language: str | None = None


class PreviewIn(Schema):
    request_text: str
    rules_text: str | None = None
    language: str | None = None


class DraftLineOut(Schema):
    id: int
    position: int
    sku: str
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    discount_kind: str
    discount_value: Decimal
    line_total: Decimal
    is_drafted: bool
    why: dict
    confidence: float | None


class DraftedQuoteOut(Schema):
    id: int
    number: str
    status: str
    url: str
    customer_name: str
    customer_company: str
    customer_email: str
    customer_phone: str
    customer_address: str
    language: str
    source: str
    ticket_id: int | None
    request_text: str
    requested_at: datetime | None
    drafted_at: datetime | None
    valid_until: date | None
    pilot_group: str
    draft_confidence: float | None
    copilot_draft_id: int | None
    open_points: list[str]
    covering_letter: str
    subtotal: Decimal
    vat_total: Decimal
    total: Decimal
    lines: list[DraftLineOut]

    @staticmethod
    def resolve_url(obj) -> str:
        return drafting.quote_url(obj)

    @staticmethod
    def resolve_lines(obj) -> list:
        return list(obj.lines.all())


class PreviewLineOut(Schema):
    sku: str
    name: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    why: dict
    confidence: float
    discount_percent: Decimal | None
    discount_why: str


class PreviewOut(Schema):
    language: str
    lines: list[PreviewLineOut]
    open_points: list[str]
    confidence: float
    rules_error: str
    missing_skus: list[str]


class RulesIn(Schema):
    rules_text: str


class RulesOut(Schema):
    rules_text: str
    valid: bool
    error: str
    missing_skus: list[str]
    updated_at: datetime | None
    updated_by: str


def _rules_out(settings) -> dict:
    check = drafting.rules_check(settings.rules_text)
    return {
        "rules_text": settings.rules_text,
        "valid": check.ok,
        "error": "" if check.ok else check.error,
        "missing_skus": check.missing_skus,
        "updated_at": settings.rules_updated_at,
        "updated_by": str(settings.rules_updated_by or ""),
    }


@router.post("/draft", response={201: DraftedQuoteOut})
def quote_draft(request, payload: DraftIn):
    """Make a quote from a customer request: drafted lines with why and confidence, open points."""
    if not selectors.quote_can_work(request.user):
        raise PermissionDenied
    ticket = None
    if payload.ticket_id is not None:
        ticket = service_selectors.ticket_get(user=request.user, pk=payload.ticket_id)
    quote = drafting.quote_draft_create(
        actor=request.user,
        request_text=payload.request_text,
        source=QuoteSource.TICKET if ticket is not None else QuoteSource.API,
        ticket=ticket,
        customer=payload.customer.model_dump() if payload.customer else None,
        language=payload.language,
    )
    return Status(201, selectors.quote_get(user=request.user, pk=quote.pk))


@router.post("/draft/preview", response=PreviewOut)
def quote_draft_preview(request, payload: PreviewIn):
    """What would be drafted for a request, nothing saved; other `rules_text` only for rule editors."""
    if not selectors.quote_can_work(request.user):
        raise PermissionDenied
    if payload.rules_text is not None and not selectors.catalogue_can_edit(request.user):
        raise PermissionDenied
    preview = drafting.draft_preview(
        request_text=payload.request_text[: drafting.MAX_REQUEST_CHARS],
        rules_text=payload.rules_text,
        language=payload.language,
    )
    return {
        "language": preview.language,
        "lines": [line.__dict__ for line in preview.lines],
        "open_points": preview.open_points,
        "confidence": preview.confidence,
        "rules_error": preview.rules_error,
        "missing_skus": preview.missing_skus,
    }


@router.get("/rules", response=RulesOut)
def rules_get(request):
    """The house rules as stored, whether they are valid and which item codes the catalogue lacks."""
    if not selectors.catalogue_can_edit(request.user):
        raise PermissionDenied
    return _rules_out(selectors.quote_settings_get())


@router.put("/rules", response=RulesOut)
def rules_put(request, payload: RulesIn):
    """Replace the house rules; invalid rules are refused (400) naming the section and entry."""
    settings = drafting.quote_rules_save(actor=request.user, rules_text=payload.rules_text)
    return _rules_out(settings)
