from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wendbaar.common.errors import BusinessRuleError
from wendbaar.copilot import selectors, services
from wendbaar.copilot.choices import Capability
from wendbaar.copilot.forms import ReviewForm


@login_required
def draft_inbox(request):
    """'Mijn drafts': everything waiting for the person's review, from any capability."""
    capability = request.GET.get("capability", "")
    if capability not in Capability.values:
        capability = ""
    query = request.GET.get("q", "").strip()
    drafts = selectors.draft_inbox(user=request.user, capability=capability, query=query)
    context = {
        "page": Paginator(drafts, 25).get_page(request.GET.get("page")),
        "capability": capability,
        "query": query,
        "counts": selectors.draft_inbox_counts(user=request.user),
        "capabilities": Capability.choices,
    }
    if request.htmx and not request.htmx.boosted:
        return render(request, "copilot/draft_inbox.html#rows", context)
    return render(request, "copilot/draft_inbox.html", context)


@login_required
def draft_history(request):
    """Drafts the person may see that have been handled, for looking back."""
    page = Paginator(selectors.draft_history(user=request.user), 25).get_page(
        request.GET.get("page")
    )
    return render(request, "copilot/draft_history.html", {"page": page})


@login_required
def draft_detail(request, pk: int):
    draft = selectors.draft_get(user=request.user, pk=pk)
    services.draft_open(actor=request.user, draft=draft)
    form = ReviewForm(initial={"final_text": draft.text, "decision": "accepted"})
    return render(request, "copilot/draft_detail.html", _detail_context(request, draft, form))


def _detail_context(request, draft, form) -> dict:
    return {
        "draft": draft,
        "form": form,
        "may_review": selectors.draft_may_review(request.user, draft),
    }


@login_required
@require_POST
def draft_review(request, pk: int):
    draft = selectors.draft_get(user=request.user, pk=pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        decision = form.cleaned_data["decision"]
        final_text = (
            form.cleaned_data["final_text"].replace("\r\n", "\n")
            if decision != "rejected"
            else None
        )
        try:
            services.draft_review(
                actor=request.user,
                draft=draft,
                decision=decision,
                final_text=final_text,
                comment=form.cleaned_data["comment"],
            )
        except BusinessRuleError as exc:
            form.add_error(None, str(exc))
        else:
            draft.refresh_from_db(fields=["status"])
            messages.success(
                request,
                _("“%(title)s” is now: %(status)s.")
                % {"title": draft.title, "status": draft.get_status_display().lower()},
            )
            return redirect("copilot:draft_inbox")
    return render(
        request, "copilot/draft_detail.html", _detail_context(request, draft, form), status=400
    )
