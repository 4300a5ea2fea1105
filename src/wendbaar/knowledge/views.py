"""Knowledge in the browser: search and ask, documents and their versions, upload, hygiene."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wendbaar.accounts.selectors import team_choices
from wendbaar.ai.search.models import Chunk
from wendbaar.common.errors import BusinessRuleError
from wendbaar.knowledge import forms, parsing, selectors, services
from wendbaar.knowledge import hygiene as hygiene_checks
from wendbaar.knowledge.models import Document


@login_required
def home(request):
    """Search the documents (words and meaning), or browse them."""
    query = request.GET.get("q", "").strip()[: selectors.MAX_QUERY_CHARS]
    tag = request.GET.get("tag", "").strip()
    context = {"query": query, "tag": tag, "counts": selectors.document_counts(user=request.user)}
    if query:
        context["results"] = selectors.document_search(user=request.user, query=query, tag=tag)
    else:
        documents = selectors.document_list(user=request.user, tag=tag)
        context["page"] = Paginator(documents, 25).get_page(request.GET.get("page"))
    if request.htmx and not request.htmx.boosted:
        return render(request, "knowledge/home.html#results", context)
    return render(request, "knowledge/home.html", context)


@login_required
def ask(request):
    """Ask a question; the answer is a draft with numbered citations, or "not found"."""
    form = forms.AskForm(request.POST or request.GET or None)
    outcome = None
    if request.method == "POST" and form.is_valid():
        try:
            outcome = services.question_ask(actor=request.user, question=form.cleaned_data["q"])
        except BusinessRuleError as exc:
            form.add_error("q", exc.message)
    partial = request.htmx and not request.htmx.boosted and request.method == "POST"
    template = "knowledge/ask.html#answer" if partial else "knowledge/ask.html"
    return render(
        request,
        template,
        {
            "form": form,
            "outcome": outcome,
            "recent": selectors.question_list(user=request.user)[:10],
        },
    )


@login_required
def upload(request):
    teams = team_choices(user=request.user)
    form = forms.UploadForm(request.POST or None, request.FILES or None, teams=teams)
    results = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        for upload in data["files"]:
            try:
                parsing.check_size(upload.name, upload.size)
                result = services.document_import(
                    actor=request.user,
                    filename=upload.name,
                    data=upload.read(),
                    team=data["team"],
                    visibility=data["visibility"],
                    tags=data["tags"],
                    valid_until=data["valid_until"],
                    shared_with_teams=data["shared_with_teams"],
                    shared_with_roles=data["shared_with_roles"],
                )
            except BusinessRuleError as exc:
                result = services.ImportResult(
                    upload.name, services.ImportStatus.FAILED, message=exc.message, code=exc.code
                )
            results.append(result)
        imported = [r for r in results if r.status != services.ImportStatus.FAILED]
        if imported and len(imported) == len(results):
            messages.success(
                request,
                _("%(count)s document(s) added. They are searchable in a moment.")
                % {"count": len(imported)},
            )
            if len(imported) == 1:
                return redirect("knowledge:document_detail", pk=imported[0].document.pk)
            return redirect("knowledge:home")
    return render(request, "knowledge/upload.html", {"form": form, "results": results})


@login_required
def document_detail(request, pk: int):
    document = selectors.document_get(user=request.user, pk=pk)
    return render(
        request,
        "knowledge/document_detail.html",
        {
            "document": document,
            "versions": selectors.document_versions(document=document),
            "may_edit": services.document_may_edit(request.user, document),
            "version_form": forms.NewVersionForm(),
        },
    )


@login_required
def passage(request, pk: int, position: int):
    """A cited passage in its document: the exact text the answer rests on, highlighted."""
    document = selectors.document_get(user=request.user, pk=pk)
    chunk = Chunk.objects.filter(
        content_type=ContentType.objects.get_for_model(Document),
        object_id=str(document.pk),
        position=position,
    ).first()
    version = document.current_version
    if chunk is None or version is None:
        raise Http404
    before = after = ""
    start, _sep, end = chunk.locator.partition("-")
    if (
        start.isdigit()
        and end.isdigit()
        and version.text[int(start) : int(end)].strip() == chunk.text
    ):
        before = version.text[max(0, int(start) - 600) : int(start)]
        after = version.text[int(end) : int(end) + 600]
    # Opening a passage is what "found" means for the hygiene view (typing a search is not).
    services.documents_mark_retrieved([document.pk])
    return render(
        request,
        "knowledge/passage.html",
        {"document": document, "chunk": chunk, "before": before, "after": after},
    )


def _edit_initial(document: Document) -> dict:
    return {
        "title": document.title,
        "team": document.team,
        "visibility": document.visibility,
        "shared_with_teams": document.shared_with_teams.all(),
        "shared_with_roles": document.shared_with_roles.all(),
        "tags": ", ".join(document.tags.values_list("name", flat=True)),
        "valid_until": document.valid_until,
    }


@login_required
def document_edit(request, pk: int):
    document = selectors.document_get(user=request.user, pk=pk)
    if not services.document_may_edit(request.user, document):
        raise Http404
    form = forms.DocumentEditForm(
        request.POST or None, initial=_edit_initial(document), teams=team_choices(user=request.user)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.document_update(
                actor=request.user,
                document=document,
                title=data["title"],
                team=data["team"],
                visibility=data["visibility"],
                tags=data["tags"],
                valid_until=data["valid_until"],
                clear_valid_until=data["valid_until"] is None,
                shared_with_teams=data["shared_with_teams"],
                shared_with_roles=data["shared_with_roles"],
            )
        except BusinessRuleError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Document saved."))
            return redirect("knowledge:document_detail", pk=document.pk)
    return render(request, "knowledge/document_edit.html", {"document": document, "form": form})


@login_required
@require_POST
def document_new_version(request, pk: int):
    document = selectors.document_get(user=request.user, pk=pk)
    form = forms.NewVersionForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file."))
        return redirect("knowledge:document_detail", pk=pk)
    upload = form.cleaned_data["file"]
    try:
        parsing.check_size(upload.name, upload.size)
        result = services.document_import(
            actor=request.user, filename=upload.name, data=upload.read(), document=document
        )
    except BusinessRuleError as exc:
        messages.error(request, exc.message)
    else:
        if result.status == services.ImportStatus.UNCHANGED:
            messages.info(
                request, _("The file is the same as the current version; nothing changed.")
            )
        else:
            messages.success(
                request, _("Version %(number)s added.") % {"number": result.version.number}
            )
    return redirect("knowledge:document_detail", pk=pk)


@login_required
@require_POST
def document_delete(request, pk: int):
    document = selectors.document_get(user=request.user, pk=pk)
    try:
        services.document_delete(actor=request.user, document=document)
    except BusinessRuleError as exc:
        messages.error(request, exc.message)
        return redirect("knowledge:document_detail", pk=pk)
    messages.success(request, _("Document removed."))
    return redirect("knowledge:home")


@login_required
def version_download(request, pk: int, number: int):
    document = selectors.document_get(user=request.user, pk=pk)
    version = document.versions.filter(number=number).first()
    if version is None or not version.file:
        raise Http404
    try:
        handle = version.file.open("rb")
    except OSError as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=version.filename)


@login_required
def hygiene(request):
    """Documents that need attention, among those the person may see."""
    user = request.user
    return render(
        request,
        "knowledge/hygiene.html",
        {
            "expired": selectors.hygiene_expired(user=user)[:100],
            "never_retrieved": selectors.hygiene_never_retrieved(user=user)[:100],
            "pairs": hygiene_checks.similar_passages(user=user),
            "personal": hygiene_checks.personal_data_org_wide(user=user)[:100],
        },
    )
