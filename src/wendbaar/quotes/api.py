"""Quotes over the API: read the catalogue, import a price list (preview, or apply with
`apply=true`: all rows or none), and export it (`GET /catalogue/export?format=csv|xlsx`)."""

from decimal import Decimal
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate

from wendbaar.accounts.auth import api_auth
from wendbaar.common.errors import BusinessRuleError
from wendbaar.quotes import (
    api_drafting,
    api_editor,
    api_issuing,
    api_pilot,
    api_setup,
    catalogue,
    selectors,
)

router = Router(tags=["quotes"], auth=api_auth("quotes:read", "quotes:write"))
router.add_router("", api_editor.router)
router.add_router("", api_drafting.router)
router.add_router("", api_issuing.router)
router.add_router("", api_pilot.router)
router.add_router("", api_setup.router)


class CatalogueItemOut(Schema):
    id: int
    sku: str
    name: str
    description: str
    unit: str
    price: Decimal
    vat_rate: str
    cost_price: Decimal | None
    stock: int | None
    lead_time_days: int | None
    category: str
    is_active: bool

    @staticmethod
    def resolve_cost_price(obj, context) -> Decimal | None:
        # Cost prices show margins; only those who maintain the catalogue see them.
        request = context["request"] if context else None
        if request is None or not selectors.catalogue_can_edit(request.user):
            return None
        return obj.cost_price


class CatalogueFilter(Schema):
    q: str = ""
    category: str = ""


class ExportFilter(Schema):
    format: Literal["csv", "xlsx"] = "csv"


class PreviewRowOut(Schema):
    line: int
    sku: str
    name: str
    status: str
    price: Decimal | None
    old_price: Decimal | None
    changes: dict
    errors: list[str]
    notes: list[str]


class PreviewOut(Schema):
    applied: bool
    can_apply: bool
    counts: dict[str, int]
    price_changes: int
    rows: list[PreviewRowOut]


@router.get("/catalogue", response=list[CatalogueItemOut])
@paginate(LimitOffsetPagination)
def catalogue_list(request, filters: Query[CatalogueFilter]):
    return selectors.catalogue_list(
        user=request.user, query=filters.q[:100], category=filters.category[:120]
    )


@router.post("/catalogue/import", response=PreviewOut)
def catalogue_import(
    request,
    file: File[UploadedFile],
    apply: Form[bool] = False,
    encoding: Form[str] = "",
):
    """Preview a CSV or XLSX price list against the catalogue; with `apply`, import it."""
    if not selectors.catalogue_can_edit(request.user):
        raise PermissionDenied
    if file.size > catalogue.MAX_BYTES:
        raise BusinessRuleError(
            _("The file is larger than 20 MB."), code="too_large", status_code=400
        )
    preview = catalogue.catalogue_import(
        actor=request.user,
        data=file.read(),
        filename=file.name or "",
        encoding=encoding[:20],
        apply=apply,
    )
    return {
        "applied": preview.applied,
        "can_apply": preview.can_apply,
        "counts": preview.counts,
        "price_changes": preview.price_changes,
        "rows": [row.__dict__ for row in preview.rows],
    }


@router.get("/catalogue/export")
def catalogue_export(request, filters: Query[ExportFilter]):
    """The whole catalogue with cost prices as a file that imports back unchanged: CSV
    (semicolons, decimal commas, UTF-8 with BOM) or XLSX. Only for those who may import it."""
    if not selectors.catalogue_can_edit(request.user):
        raise PermissionDenied
    content, content_type = catalogue.catalogue_export(file_format=filters.format)
    if filters.format == "csv":
        content_type += "; charset=utf-8"
    response = HttpResponse(content, content_type=content_type)
    name = f"catalogus-{timezone.localdate().isoformat()}.{filters.format}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
