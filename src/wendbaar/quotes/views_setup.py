"""Pages where managers and finance keep the quote templates and job bundles."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from wendbaar.common.errors import BusinessRuleError
from wendbaar.quotes import selectors, setup
from wendbaar.quotes.forms import BundleForm, QuoteTemplateForm


def _editor_only(request) -> None:
    if not selectors.catalogue_can_edit(request.user):
        raise PermissionDenied


@login_required
def template_list(request):
    _editor_only(request)
    templates = selectors.quote_template_list_for_edit(user=request.user)
    return render(request, "quotes/template_list.html", {"templates": templates})


@login_required
def template_edit(request, pk: int | None = None):
    _editor_only(request)
    template = (
        selectors.quote_template_get_for_edit(user=request.user, pk=pk) if pk is not None else None
    )
    if request.method == "POST":
        form = QuoteTemplateForm(request.POST, request.FILES, instance=template)
        if form.is_valid():
            saved = setup.quote_template_save(actor=request.user, form=form)
            messages.success(request, _("The template %(name)s was saved.") % {"name": saved.name})
            return redirect("quotes:templates")
        status = 400
    else:
        form = QuoteTemplateForm(instance=template)
        status = 200
    return render(
        request,
        "quotes/template_form.html",
        {"form": form, "template": template},
        status=status,
    )


@login_required
def bundle_list(request):
    _editor_only(request)
    bundles = selectors.bundle_list_for_edit(user=request.user)
    return render(request, "quotes/bundle_list.html", {"bundles": bundles})


def _items_text(bundle) -> str:
    return "\n".join(f"{row.item.sku} {row.quantity.normalize():f}" for row in bundle.items.all())


@login_required
def bundle_edit(request, pk: int | None = None):
    _editor_only(request)
    bundle = selectors.bundle_get_for_edit(user=request.user, pk=pk) if pk is not None else None
    status = 200
    if request.method == "POST":
        form = BundleForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                saved = setup.bundle_save(
                    actor=request.user,
                    bundle=bundle,
                    name=data["name"],
                    description=data["description"],
                    is_active=data["is_active"],
                    items=data["items"],
                )
            except BusinessRuleError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request, _("The job bundle %(name)s was saved.") % {"name": saved.name}
                )
                return redirect("quotes:bundles")
        status = 400
    elif bundle is not None:
        form = BundleForm(
            initial={
                "name": bundle.name,
                "description": bundle.description,
                "items": _items_text(bundle),
                "is_active": bundle.is_active,
            }
        )
    else:
        form = BundleForm()
    return render(
        request, "quotes/bundle_form.html", {"form": form, "bundle": bundle}, status=status
    )
