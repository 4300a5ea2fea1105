"""Quotes in the browser: the catalogue, its import with a preview, and its export."""

import base64
import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from wendbaar.common.errors import BusinessRuleError
from wendbaar.quotes import catalogue, selectors

# The uploaded file waits in the session between preview and apply; catalogues are small.
MAX_WEB_UPLOAD = 2 * 1024 * 1024
SESSION_KEY = "quotes:catalogue_upload"


@login_required
def home(request):
    """The capability opens on the list of quotes (the same page as quotes:quote_list)."""
    from wendbaar.quotes import views_editor

    return views_editor.quote_list(request)


@login_required
def catalogue_list(request):
    """The catalogue: every active item with its price, VAT rate and unit."""
    query = request.GET.get("q", "").strip()[:100]
    category = request.GET.get("category", "").strip()[:120]
    items = selectors.catalogue_list(user=request.user, query=query, category=category)
    page = Paginator(items, 100).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "query": query,
        "category": category,
        "categories": selectors.catalogue_categories(user=request.user),
        "can_edit": selectors.catalogue_can_edit(request.user),
    }
    if request.htmx and not request.htmx.boosted:
        return render(request, "quotes/catalogue_list.html#rows", context)
    return render(request, "quotes/catalogue_list.html", context)


@login_required
def catalogue_item_detail(request, pk: int):
    """One item with its price history; cost prices only for those who maintain the catalogue."""
    item = selectors.catalogue_item_get(user=request.user, pk=pk)
    context = {
        "item": item,
        "history": selectors.price_history(item=item),
        "can_edit": selectors.catalogue_can_edit(request.user),
    }
    return render(request, "quotes/catalogue_item_detail.html", context)


def _stash(request, data: bytes, filename: str) -> str:
    digest = hashlib.sha256(data).hexdigest()
    request.session[SESSION_KEY] = {
        "name": filename[:200],
        "digest": digest,
        "data": base64.b64encode(data).decode("ascii"),
    }
    return digest


def _stashed(request, digest: str) -> tuple[bytes, str] | None:
    stash = request.session.get(SESSION_KEY) or {}
    if not digest or stash.get("digest") != digest:
        return None
    return base64.b64decode(stash["data"]), stash["name"]


@login_required
def catalogue_import(request):
    """Upload a price list, see what would change, then apply it (all rows or none)."""
    if not selectors.catalogue_can_edit(request.user):
        raise PermissionDenied
    context = {"preview": None, "error": "", "digest": "", "filename": ""}
    if request.method == "POST":
        encoding = request.POST.get("encoding", "").strip()[:20]
        if request.POST.get("apply"):
            stashed = _stashed(request, request.POST.get("digest", ""))
            if stashed is None:
                context["error"] = _("The uploaded file is no longer here; upload it again.")
            else:
                data, filename = stashed
                try:
                    preview = catalogue.catalogue_import(
                        actor=request.user,
                        data=data,
                        filename=filename,
                        encoding=encoding,
                        apply=True,
                    )
                except BusinessRuleError as exc:
                    context["error"] = exc.message
                else:
                    request.session.pop(SESSION_KEY, None)
                    counts = preview.counts
                    messages.success(
                        request,
                        _("Catalogue imported: %(new)s new, %(changed)s changed.")
                        % {"new": counts["new"], "changed": counts["changed"]},
                    )
                    return redirect("quotes:catalogue")
        else:
            upload = request.FILES.get("file")
            if upload is None:
                context["error"] = _("Choose a CSV or Excel file.")
            elif upload.size > MAX_WEB_UPLOAD:
                context["error"] = _(
                    "The file is larger than 2 MB; import it with wendbaar import-catalogue."
                )
            else:
                data = upload.read()
                try:
                    context["preview"] = catalogue.catalogue_preview(
                        data=data, filename=upload.name, encoding=encoding
                    )
                except BusinessRuleError as exc:
                    context["error"] = exc.message
                else:
                    context["digest"] = _stash(request, data, upload.name)
                    context["filename"] = upload.name
                    context["encoding"] = encoding
    return render(request, "quotes/catalogue_import.html", context)


@login_required
def catalogue_export(request):
    """The catalogue for Excel and accounting: CSV (semicolons, decimal commas) or, with
    `?format=xlsx`, an Excel workbook. Both import back unchanged."""
    if not selectors.catalogue_can_edit(request.user):
        raise PermissionDenied
    file_format = request.GET.get("format", "csv")
    if file_format not in catalogue.EXPORT_FORMATS:
        raise Http404
    content, content_type = catalogue.catalogue_export(file_format=file_format)
    response = HttpResponse(content, content_type=content_type)
    name = f"catalogus-{timezone.localdate().isoformat()}.{file_format}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
