"""Quotes API, one part (templates and job bundles); added to the quotes router in quotes/api.py.

For managers and finance, who keep them: `GET/POST /api/quotes/bundles`,
`PUT /api/quotes/bundles/{id}`, `GET/POST /api/quotes/templates` and
`PUT /api/quotes/templates/{id}`. Templates are sent as form data (multipart/form-data, or
urlencoded without a logo) with the fields of the browser form and checked by that same form: a
logo file (`logo`, PNG or JPEG of at most 1 MB) replaces the old one, `remove_logo=true` removes
it. A field left out keeps its value (a new template starts from the browser form's defaults);
`is_default=true` makes the template the default and retires the old default. Invalid input
answers 400 with the form's messages per field and changes nothing."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from wendbaar.common.errors import BusinessRuleError
from wendbaar.quotes import selectors, setup
from wendbaar.quotes.forms import QuoteTemplateForm

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


class FormErrorOut(Schema):
    loc: list[str]
    message: str


class FormErrorsBody(Schema):
    code: str
    message: str
    details: list[FormErrorOut]


class FormErrorsOut(Schema):
    """The API's usual error shape, with one detail per message of the form."""

    error: FormErrorsBody


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


def _template_out(template) -> dict:
    return {
        **{f: getattr(template, f) for f in TemplateOut.model_fields if f not in ("has_logo",)},
        "id": template.pk,
        "has_logo": bool(template.logo),
    }


_FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
_TRUE = ("1", "true", "on", "yes")
_FLAGS = ("is_default", "remove_logo")  # sent as true/false, on (as browsers do) or 1/0
# Sent by browser forms along with the fields; not a field itself.
_IGNORED = ("csrfmiddlewaretoken",)


def _submitted(request) -> tuple[QueryDict, MultiValueDict]:
    """The sent fields and files. Django reads a form body for POST only (its ticket 12635), so a
    PUT is read here with the same multipart parser and upload handlers."""
    if request.content_type not in _FORM_TYPES:
        raise BusinessRuleError(
            _(
                "Send the template as form data (multipart/form-data, or urlencoded without a logo)."
            ),
            code="unsupported_media_type",
            status_code=415,
        )
    if request.method == "POST":
        return request.POST, request.FILES
    if request.content_type == "multipart/form-data":
        return request.parse_file_upload(request.META, request)
    return QueryDict(request.body, encoding=request.encoding), MultiValueDict()


def _template_form(request, template) -> QuoteTemplateForm:
    """The browser's form, bound to what was sent on top of what the browser form would show
    (the stored values, or the defaults of a new template), so a field left out is kept."""
    sent, files = _submitted(request)
    fields = [name for name in QuoteTemplateForm._meta.fields if name != "logo"]
    unknown = sorted(
        {name for name in sent if name not in (*fields, *_FLAGS, *_IGNORED)}
        | {name for name in files if name != "logo"}
    )
    if unknown:
        raise BusinessRuleError(
            _("Unknown fields: %(names)s.") % {"names": ", ".join(unknown)},
            code="unknown_fields",
            status_code=400,
        )
    shown = QuoteTemplateForm(instance=template)
    data = {name: shown.get_initial_for_field(shown.fields[name], name) for name in fields}
    data.update({name: sent[name] for name in fields if name in sent})
    if "is_default" in sent:
        data["is_default"] = sent["is_default"].strip().lower() in _TRUE
    if sent.get("remove_logo", "").strip().lower() in _TRUE:
        # Ticks the browser's "clear" box of the logo; with a new logo too, the form refuses both.
        data[QuoteTemplateForm.base_fields["logo"].widget.clear_checkbox_name("logo")] = "on"
    upload = {"logo": files["logo"]} if "logo" in files else {}
    return QuoteTemplateForm(data, upload, instance=template)


def _form_errors(form) -> Status:
    details = [
        {"loc": ["form"] if field == "__all__" else ["form", field], "message": str(message)}
        for field, messages in form.errors.items()
        for message in messages
    ]
    return Status(
        400,
        {
            "error": {
                "code": "invalid_input",
                "message": " ".join(
                    f"{d['loc'][-1]}: {d['message']}" if len(d["loc"]) > 1 else d["message"]
                    for d in details
                ),
                "details": details,
            }
        },
    )


def _template_save(request, template, *, created: bool) -> Status:
    form = _template_form(request, template)
    if not form.is_valid():
        return _form_errors(form)
    saved = setup.quote_template_save(actor=request.user, form=form)
    return Status(201 if created else 200, _template_out(saved))


_TEMPLATE_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        **{
                            name: {"type": "string"}
                            for name in QuoteTemplateForm._meta.fields
                            if name != "logo"
                        },
                        "is_default": {"type": "boolean"},
                        "validity_days": {"type": "integer"},
                        "logo": {"type": "string", "format": "binary"},
                        "remove_logo": {"type": "boolean"},
                    },
                }
            }
        },
    }
}


@router.get("/templates", response=list[TemplateOut])
def template_list(request):
    _editor(request)
    return [_template_out(t) for t in selectors.quote_template_list_for_edit(user=request.user)]


@router.post(
    "/templates", response={201: TemplateOut, 400: FormErrorsOut}, openapi_extra=_TEMPLATE_BODY
)
def template_create(request):
    """Add a quote template: form data with the browser form's fields (multipart/form-data to send
    a `logo`, PNG or JPEG of at most 1 MB), checked by that form; fields left out get the form's
    defaults. `is_default=true` makes it the default and retires the old one. Invalid input
    answers 400 with the form's messages per field, and nothing is saved."""
    _editor(request)
    return _template_save(request, None, created=True)


@router.put(
    "/templates/{int:template_id}",
    response={200: TemplateOut, 400: FormErrorsOut},
    openapi_extra=_TEMPLATE_BODY,
)
def template_update(request, template_id: int):
    """Change a quote template: only the fields sent change (send one empty to empty it). A `logo`
    file replaces the logo and `remove_logo=true` removes it; `is_default=true` makes this the
    default and retires the old one, `false` takes it off. Invalid input answers 400 with the
    form's messages per field, and nothing changes."""
    _editor(request)
    template = selectors.quote_template_get_for_edit(user=request.user, pk=template_id)
    return _template_save(request, template, created=False)
