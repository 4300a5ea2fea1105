"""Meetings in the browser: the list, adding a meeting with its transcript, one meeting."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wendbaar.accounts.selectors import team_choices
from wendbaar.common.errors import BusinessRuleError
from wendbaar.copilot import services as copilot_services
from wendbaar.copilot.selectors import draft_for_subject, draft_get
from wendbaar.meetings import (
    exports,
    forms,
    questions,
    recordings,
    selectors,
    services,
    transcripts,
)
from wendbaar.meetings.choices import TaskStatus


@login_required
def home(request):
    query = request.GET.get("q", "").strip()[:200]
    page = Paginator(selectors.meeting_list(user=request.user), 25).get_page(
        request.GET.get("page")
    )
    passages = selectors.meeting_passages(user=request.user, query=query) if query else []
    return render(
        request, "meetings/home.html", {"page": page, "query": query, "passages": passages}
    )


@login_required
@require_POST
def ask(request):
    """ "What did we decide about X?": an answer citing meeting lines the person may see."""
    question = request.POST.get("question", "")
    answer, error = None, ""
    try:
        answer = questions.meeting_question_ask(actor=request.user, question=question)
    except BusinessRuleError as exc:
        error = exc.message
    context = {"question": question.strip()[:500], "answer": answer, "answer_error": error}
    if request.htmx and not request.htmx.boosted:
        return render(request, "meetings/home.html#answer", context)
    page = Paginator(selectors.meeting_list(user=request.user), 25).get_page(1)
    return render(request, "meetings/home.html", {**context, "page": page, "query": ""})


@login_required
def create(request):
    form = forms.MeetingForm(
        request.POST or None, request.FILES or None, teams=team_choices(user=request.user)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data["transcript"]
        if recordings.is_recording(upload.name):
            return _create_from_recording(request, form, data, upload)
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


def _create_from_recording(request, form, data, upload):
    try:
        meeting = recordings.meeting_create_from_recording(
            actor=request.user,
            title=data["title"],
            meeting_date=data["date"],
            filename=upload.name,
            upload=upload,
            location_kind=data["location_kind"],
            participants=data["participants"],
            team=data["team"],
            visibility=data["visibility"],
        )
    except BusinessRuleError as exc:
        form.add_error(
            "transcript" if exc.code not in ("no_team", "not_team_member") else None, exc.message
        )
        return render(request, "meetings/create.html", {"form": form})
    messages.success(
        request, _("Recording added. It is being transcribed; this page shows how far.")
    )
    return redirect("meetings:detail", pk=meeting.pk)


@login_required
def meeting_status(request, pk: int):
    """How far the transcription of a recording is (polled by the meeting page)."""
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    response = render(request, "meetings/detail.html#status", {"meeting": meeting})
    if request.htmx and not meeting.is_transcribing:
        response["HX-Refresh"] = "true"  # done (or failed): show the whole page with its lines
    return response


@login_required
def detail(request, pk: int):
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    reviewable = selectors.minutes_reviewable_draft(user=request.user, meeting=meeting)
    if reviewable is not None:
        copilot_services.draft_open(actor=request.user, draft=reviewable)
    return render(
        request,
        "meetings/detail.html",
        {
            "meeting": meeting,
            "lines": selectors.meeting_lines(meeting=meeting),
            "participants": selectors.meeting_participants(meeting=meeting),
            "drafts": draft_for_subject(user=request.user, subject=meeting),
            "publishable": selectors.minutes_publishable_draft(user=request.user, meeting=meeting),
            "reviewable": reviewable,
            "review": selectors.minutes_review_items(meeting=meeting, draft=reviewable)
            if reviewable is not None
            else None,
            "tasks": selectors.meeting_tasks(meeting=meeting),
        },
    )


def _review_answers(post, content: dict) -> dict:
    """The reviewer's answers from the review form, one per item of the draft."""
    from wendbaar.meetings.review import KINDS

    fields = {
        "topics": ("title", "points"),
        "decisions": ("text",),
        "action_items": ("task", "owner_id", "due"),
        "open_questions": ("text",),
    }
    answers: dict = {}
    if content.get("summary"):
        answers["summary"] = {"decision": post.get("summary"), "text": post.get("summary-text")}
    for kind in KINDS:
        answers[kind] = []
        for number in range(len(content.get(kind) or [])):
            answer = {"decision": post.get(f"{kind}-{number}")}
            for name in fields[kind]:
                key = f"{kind}-{number}-{name}"
                if key in post:
                    answer[name] = post.get(key).replace("\r\n", "\n")
            answers[kind].append(answer)
    return answers


@login_required
@require_POST
def review_minutes(request, pk: int, draft_pk: int):
    """Accept, edit or reject each item of a minutes draft, from the meeting page."""
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    draft = draft_get(user=request.user, pk=draft_pk)
    try:
        services.minutes_review(
            actor=request.user,
            meeting=meeting,
            draft=draft,
            answers=_review_answers(request.POST, draft.content or {}),
            comment=request.POST.get("comment", "")[:5000],
        )
    except BusinessRuleError as exc:
        if exc.status_code == 404:
            raise Http404 from None
        if exc.status_code == 403:
            raise PermissionDenied(exc.message) from None
        messages.error(request, exc.message)
        return redirect(reverse("meetings:detail", args=[pk]) + "#minutes-review")
    draft.refresh_from_db(fields=["status"])
    if draft.status == "rejected":
        messages.info(request, _("Every item was rejected: the minutes draft is rejected."))
    else:
        messages.success(request, _("Minutes reviewed. Publish them when you are ready."))
    return redirect("meetings:detail", pk=pk)


@login_required
@require_POST
def make_minutes(request, pk: int):
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    try:
        services.minutes_propose(actor=request.user, meeting=meeting)
    except BusinessRuleError as exc:
        messages.error(request, exc.message)
        return redirect("meetings:detail", pk=pk)
    messages.success(request, _("Minutes drafted. Check them before you publish."))
    return redirect(reverse("meetings:detail", args=[pk]) + "#minutes-review")


@login_required
@require_POST
def publish(request, pk: int):
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    try:
        draft = draft_get(user=request.user, pk=int(request.POST.get("draft", "")))
    except ValueError:
        raise Http404 from None
    already = meeting.published_at is not None
    try:
        meeting = services.minutes_publish(
            actor=request.user,
            meeting=meeting,
            draft=draft,
            base_url=request.build_absolute_uri("/"),
        )
    except BusinessRuleError as exc:
        messages.error(request, exc.message)
    else:
        if already:
            messages.info(request, _("These minutes were already published."))
        else:
            messages.success(
                request,
                _(
                    "Minutes published: %(tasks)s tasks made and the minutes sent to the participants."
                )
                % {"tasks": meeting.tasks.count()},
            )
    return redirect("meetings:detail", pk=pk)


@login_required
def export(request, pk: int, fmt: str):
    """The published minutes as Markdown, DOCX or PDF, or the action items as iCalendar."""
    if fmt not in exports.CONTENT_TYPES:
        raise Http404
    meeting = selectors.meeting_published_get(user=request.user, pk=pk)
    if fmt == "md":
        body = exports.markdown(meeting).encode()
    elif fmt == "docx":
        body = exports.docx(meeting)
    elif fmt == "pdf":
        body = exports.pdf(meeting)
    else:
        body = exports.ics(
            meeting,
            selectors.meeting_tasks(meeting=meeting).select_related("meeting"),
            base_url=request.build_absolute_uri("/"),
        ).encode()
    response = HttpResponse(body, content_type=exports.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(meeting, fmt)}"'
    return response


@login_required
def tasks(request):
    status = request.GET.get("status", "")
    status = status if status in TaskStatus.values else ""
    return render(
        request,
        "meetings/tasks.html",
        {
            "tasks": selectors.task_list(user=request.user, status=status),
            "status": status,
            "statuses": TaskStatus.choices,
        },
    )


@login_required
def tasks_ics(request):
    body = exports.ics_calendar(
        list(selectors.task_list(user=request.user, status=TaskStatus.OPEN)),
        base_url=request.build_absolute_uri("/"),
    )
    response = HttpResponse(body.encode(), content_type=exports.CONTENT_TYPES["ics"])
    response["Content-Disposition"] = 'attachment; filename="tasks.ics"'
    return response


@login_required
@require_POST
def task_status(request, pk: int):
    task = selectors.task_get(user=request.user, pk=pk)
    done = request.POST.get("done") == "1"
    services.task_set_done(actor=request.user, task=task, done=done)
    if done:
        messages.success(request, _("Task marked as done."))
    else:
        messages.success(request, _("Task open again."))
    return redirect("meetings:tasks")
