from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from wendbaar.accounts.decorators import admin_required
from wendbaar.audit import selectors
from wendbaar.audit.forms import AuditFilterForm
from wendbaar.audit.models import AuditEvent
from wendbaar.audit.services import audit_log


@admin_required
def event_list(request):
    form = AuditFilterForm(request.GET or None)
    invalid = form.is_bound and not form.is_valid()
    # Wrong filters show their errors and no events, never the unfiltered log.
    events = (
        AuditEvent.objects.none()
        if invalid
        else selectors.audit_event_list(user=request.user, **form.filters())
    )
    context = {
        "form": form,
        "page": Paginator(events, 50).get_page(request.GET.get("page")),
        "query": _without_page(request.GET),
    }
    template = (
        "audit/event_list.html#rows"
        if request.htmx and not request.htmx.boosted
        else "audit/event_list.html"
    )
    return render(request, template, context, status=400 if invalid else 200)


@admin_required
def event_export(request):
    """The filtered log as CSV, streamed."""
    form = AuditFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return HttpResponseBadRequest(
            " ".join(str(e) for errors in form.errors.values() for e in errors)
        )
    filters = form.filters()
    events = selectors.audit_event_list(user=request.user, **filters).order_by("at", "id")
    audit_log(
        actor=request.user, action="audit.exported", data={k: str(v) for k, v in filters.items()}
    )
    response = StreamingHttpResponse(
        selectors.audit_event_csv_rows(events), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="wendbaar-audit-{stamp}.csv"'
    return response


def _without_page(params) -> str:
    params = params.copy()
    params.pop("page", None)
    return params.urlencode()
