"""Meetings in the browser: the list, adding a meeting with its transcript, one meeting."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wendbaar.accounts.models import Team
from wendbaar.accounts.selectors import is_admin
from wendbaar.common.errors import BusinessRuleError
from wendbaar.copilot.selectors import draft_for_subject
from wendbaar.meetings import forms, selectors, services, transcripts


def _teams_for(user):
    return Team.objects.all() if is_admin(user) else Team.objects.filter(memberships__user=user)


@login_required
def home(request):
    query = request.GET.get("q", "").strip()[:200]
    page = Paginator(selectors.meeting_list(user=request.user, query=query), 25).get_page(
        request.GET.get("page")
    )
    return render(request, "meetings/home.html", {"page": page, "query": query})


@login_required
def create(request):
    form = forms.MeetingForm(
        request.POST or None, request.FILES or None, teams=_teams_for(request.user)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data["transcript"]
        try:
            if upload.size > transcripts.max_bytes():
                raise BusinessRuleError(
                    _("%(name)s: the transcript is larger than %(limit)s.")
                    % {"name": upload.name, "limit": filesizeformat(transcripts.max_bytes())},
                    code="too_large",
                )
            meeting = services.meeting_create(
                actor=request.user,
                title=data["title"],
                meeting_date=data["date"],
                filename=upload.name,
                data=upload.read(),
                location_kind=data["location_kind"],
                participants=data["participants"],
                team=data["team"],
                visibility=data["visibility"],
            )
        except BusinessRuleError as exc:
            form.add_error(
                "transcript" if exc.code not in ("no_team", "not_team_member") else None,
                exc.message,
            )
        else:
            messages.success(
                request,
                _("Meeting added with %(count)s transcript lines.")
                % {"count": meeting.lines.count()},
            )
            return redirect("meetings:detail", pk=meeting.pk)
    return render(request, "meetings/create.html", {"form": form})


@login_required
def detail(request, pk: int):
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    return render(
        request,
        "meetings/detail.html",
        {
            "meeting": meeting,
            "lines": selectors.meeting_lines(meeting=meeting),
            "participants": selectors.meeting_participants(meeting=meeting),
            "drafts": draft_for_subject(user=request.user, subject=meeting),
        },
    )


@login_required
@require_POST
def make_minutes(request, pk: int):
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    try:
        draft = services.minutes_propose(actor=request.user, meeting=meeting)
    except BusinessRuleError as exc:
        messages.error(request, exc.message)
        return redirect("meetings:detail", pk=pk)
    messages.success(request, _("Minutes drafted. Check them before you publish."))
    return redirect("copilot:draft_detail", pk=draft.pk)
