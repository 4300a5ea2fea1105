"""Quotes API, one part (templates and job bundles); added to the quotes router in quotes/api.py.

For managers and finance, who keep them: `GET/POST /api/quotes/bundles`,
`PUT /api/quotes/bundles/{id}` and `GET /api/quotes/templates` (templates, with their logo, are
edited in the browser)."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from ninja import Field, Router, Schema, Status

from wendbaar.quotes import selectors, setup

router = Router()


class BundleItemIO(Schema):
    sku: str = Field(..., max_length=64)
    quantity: Decimal = Field(Decimal("1"), max_digits=12, decimal_places=3)


class BundleItemOut(Schema):
    sku: str
    name: str
    quantity: str


class BundleIn(Schema):
    name: str = Field(..., max_length=200)
    description: str = Field("", max_length=5000)
    is_active: bool = True
    items: list[BundleItemIO] = Field(..., max_length=40)


class BundleOut(Schema):
    id: int
    name: str
    description: str
    is_active: bool
    items: list[BundleItemOut]


class TemplateOut(Schema):
    id: int
    name: str
    is_default: bool
    language: str
    validity_days: int
    intro: str
    closing: str
    delivery_terms: str
    payment_terms: str
    company_name: str
    has_logo: bool


def _editor(request) -> None:
    if not selectors.catalogue_can_edit(request.user):
        raise PermissionDenied


def _bundle_out(bundle) -> dict:
    return {
        "id": bundle.pk,
        "name": bundle.name,
        "description": bundle.description,
        "is_active": bundle.is_active,
        "items": [
            {"sku": row.item.sku, "name": row.item.name, "quantity": f"{row.quantity:.3f}"}
            for row in bundle.items.all()  # prefetched with their catalogue items
        ],
    }


def _save(request, bundle, payload: BundleIn) -> dict:
    saved = setup.bundle_save(
        actor=request.user,
        bundle=bundle,
        name=payload.name,
        description=payload.description,
        is_active=payload.is_active,
        items=[(row.sku.strip(), row.quantity) for row in payload.items],
    )
    return _bundle_out(selectors.bundle_get_for_edit(user=request.user, pk=saved.pk))


@router.get("/bundles", response=list[BundleOut])
def bundle_list(request):
    _editor(request)
    return [_bundle_out(b) for b in selectors.bundle_list_for_edit(user=request.user)]


@router.post("/bundles", response={201: BundleOut})
def bundle_create(request, payload: BundleIn):
    _editor(request)
    return Status(201, _save(request, None, payload))


@router.put("/bundles/{int:bundle_id}", response=BundleOut)
def bundle_update(request, bundle_id: int, payload: BundleIn):
    _editor(request)
    bundle = selectors.bundle_get_for_edit(user=request.user, pk=bundle_id)
    return _save(request, bundle, payload)


@router.get("/templates", response=list[TemplateOut])
def template_list(request):
    _editor(request)
    return [
        {
            **{f: getattr(t, f) for f in TemplateOut.model_fields if f not in ("has_logo",)},
            "id": t.pk,
            "has_logo": bool(t.logo),
        }
        for t in selectors.quote_template_list_for_edit(user=request.user)
    ]
