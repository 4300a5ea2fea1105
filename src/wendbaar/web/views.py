from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from wendbaar.accounts.selectors import organisation_get
from wendbaar.copilot.selectors import draft_inbox
from wendbaar.web.navigation import CAPABILITIES, CAPABILITY_BY_CODE


@login_required
def home(request):
    inbox = draft_inbox(user=request.user)
    return render(
        request,
        "web/home.html",
        {
            "organisation": organisation_get(),
            "recent_drafts": inbox[:5],
            "capabilities": CAPABILITIES,
        },
    )


@login_required
def capability(request, code: str):
    """A capability that is not built yet says so, instead of showing made-up content."""
    entry = CAPABILITY_BY_CODE.get(code)
    if entry is None:
        raise Http404
    return render(request, "web/capability_pending.html", {"capability": entry})


@never_cache
@require_GET
def health(request):
    """For load balancers and `make run`: the app answers and the database is reachable."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
