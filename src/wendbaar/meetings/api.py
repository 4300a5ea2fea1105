"""Meetings over the API: list, read (with the transcript), add with a transcript, draft minutes.

Only meetings the caller attended or that were shared with them, as in the web app.
"""

from datetime import date, datetime
from typing import Literal

from django.shortcuts import get_object_or_404
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate

from wendbaar.accounts.auth import api_auth
from wendbaar.accounts.choices import Visibility
from wendbaar.accounts.models import Team, User
from wendbaar.common.errors import BusinessRuleError
from wendbaar.copilot.schemas import ReviewOut
from wendbaar.meetings import recordings, selectors, services, transcripts
from wendbaar.meetings.choices import LocationKind

router = Router(tags=["meetings"], auth=api_auth("meetings:read", "meetings:write"))


class MeetingOut(Schema):
    id: int
    title: str
    date: date
    location_kind: str
    visibility: str
    team_id: int | None
    owner_id: int | None
    language: str
    transcript_format: str
    duration_seconds: int | None
    status: str
    progress: int
    status_message: str
    created_at: datetime


class LineOut(Schema):
    index: int
    speaker: str
    person_id: int | None
    text: str
    start_seconds: float | None
    end_seconds: float | None


class ParticipantOut(Schema):
    person_id: int | None
    name: str


class MeetingDetailOut(MeetingOut):
    participants: list[ParticipantOut]
    lines: list[LineOut]
    import_notes: str


class MinutesOut(Schema):
    draft_id: int
    text: str
    content: dict
    confidence: float


@router.get("/", response=list[MeetingOut])
@paginate(LimitOffsetPagination)
def meeting_list(request, q: str = ""):
    return selectors.meeting_list(user=request.user, query=q)


@router.get("/{int:meeting_id}", response=MeetingDetailOut)
def meeting_detail(request, meeting_id: int):
    meeting = selectors.meeting_get(user=request.user, pk=meeting_id)
    return {
        **{field: getattr(meeting, field) for field in MeetingOut.model_fields if field != "id"},
        "id": meeting.pk,
        "team_id": meeting.team_id,
        "owner_id": meeting.owner_id,
        "import_notes": meeting.import_notes,
        "participants": [
            {"person_id": p.person_id, "name": p.person.full_name if p.person else p.name}
            for p in selectors.meeting_participants(meeting=meeting)
        ],
        "lines": list(selectors.meeting_lines(meeting=meeting)),
    }


def _participants(participant_ids: str) -> list[User]:
    try:
        ids = [int(i) for i in participant_ids.split(",") if i.strip()]
    except ValueError as exc:
        raise BusinessRuleError(
            _("Participants must be ids separated by commas."), code="bad_participants"
        ) from exc
    participants = list(User.objects.filter(pk__in=ids, is_active=True))
    if len(participants) != len(set(ids)):
        raise BusinessRuleError(_("Unknown participant."), code="unknown_participant")
    return participants


@router.post("/", response={201: MeetingOut})
def meeting_create(
    request,
    file: File[UploadedFile],
    title: Form[str],
    date: Form[date],
    location_kind: Form[LocationKind] = LocationKind.HYBRID,
    visibility: Form[Visibility] = Visibility.PRIVATE,
    team_id: Form[int | None] = None,
    participant_ids: Form[str] = "",
):
    """Add a meeting with its transcript (WebVTT, SRT, Teams DOCX or 'Name: text' lines), or
    with a recording (WAV, MP3, M4A) when audio transcription is configured: the meeting is then
    "transcribing" (see `status` and `progress`) until its transcript is written.

    `participant_ids` is a comma-separated list of people's ids.
    """
    if recordings.is_recording(file.name or ""):
        team = get_object_or_404(Team, pk=team_id) if team_id is not None else None
        meeting = recordings.meeting_create_from_recording(
            actor=request.user,
            title=title,
            meeting_date=date,
            filename=file.name,
            upload=file,
            location_kind=location_kind,
            participants=_participants(participant_ids),
            team=team,
            visibility=visibility,
        )
        return Status(201, meeting)
    if file.size and file.size > transcripts.max_bytes():
        raise BusinessRuleError(
            _("%(name)s: the transcript is larger than %(limit)s.")
            % {"name": file.name, "limit": filesizeformat(transcripts.max_bytes())},
            code="too_large",
            status_code=413,
        )
    team = get_object_or_404(Team, pk=team_id) if team_id is not None else None
    participants = _participants(participant_ids)
    meeting = services.meeting_create(
        actor=request.user,
        title=title,
        meeting_date=date,
        filename=file.name or "transcript.txt",
        data=file.read(),
        location_kind=location_kind,
        participants=participants,
        team=team,
        visibility=visibility,
    )
    return Status(201, meeting)


@router.post("/{int:meeting_id}/minutes", response={201: MinutesOut})
def minutes_draft(request, meeting_id: int):
    """Draft minutes (summary, topics, decisions, action items) citing transcript lines."""
    meeting = selectors.meeting_get(user=request.user, pk=meeting_id)
    draft = services.minutes_propose(actor=request.user, meeting=meeting)
    return Status(
        201,
        {
            "draft_id": draft.pk,
            "text": draft.text,
            "content": draft.content,
            "confidence": draft.confidence,
        },
    )


class ItemReviewIn(Schema):
    """What the reviewer decided on one item; the fields that fit the item's kind may change it."""

    decision: Literal["accept", "edit", "reject"]
    text: str | None = Field(None, max_length=20000)
    title: str | None = Field(None, max_length=250)
    points: list[str] | None = Field(None, max_length=100)
    task: str | None = Field(None, max_length=5000)
    owner_id: int | None = None
    due: date | None = None


class MinutesReviewIn(Schema):
    """One answer per item of the draft, in the draft's order."""

    summary: ItemReviewIn | None = None
    topics: list[ItemReviewIn] = Field(default_factory=list, max_length=200)
    decisions: list[ItemReviewIn] = Field(default_factory=list, max_length=200)
    action_items: list[ItemReviewIn] = Field(default_factory=list, max_length=200)
    open_questions: list[ItemReviewIn] = Field(default_factory=list, max_length=200)
    seconds_spent: int | None = Field(None, ge=0)
    comment: str = Field("", max_length=5000)


class MinutesReviewOut(Schema):
    draft_id: int
    status: str
    review: ReviewOut
    final_content: dict


class TaskOut(Schema):
    id: int
    position: int
    task: str
    owner_id: int | None
    owner_name: str
    due: date | None
    status: str
    lines: list[int]


class PublishedOut(Schema):
    meeting_id: int
    published_at: datetime | None
    text: str
    tasks: list[TaskOut]


def _minutes_draft(request, meeting_id: int, draft_id: int):
    from wendbaar.copilot.selectors import draft_get

    meeting = selectors.meeting_get(user=request.user, pk=meeting_id)
    return meeting, draft_get(user=request.user, pk=draft_id)


@router.post("/{int:meeting_id}/minutes/{int:draft_id}/review", response={201: MinutesReviewOut})
def minutes_review(request, meeting_id: int, draft_id: int, payload: MinutesReviewIn):
    """Accept, edit or reject each item of a minutes draft (summary, topics, decisions, action
    items with owner and due date, open questions). Only the draft's reviewer may."""
    meeting, draft = _minutes_draft(request, meeting_id, draft_id)
    answers = {
        key: (
            [item.dict(exclude_unset=True) for item in value]
            if isinstance(value, list)
            else value.dict(exclude_unset=True)
        )
        for key in ("summary", "topics", "decisions", "action_items", "open_questions")
        if (value := getattr(payload, key)) is not None
    }
    for item in answers.get("action_items", []):
        if item.get("due") is not None:
            item["due"] = item["due"].isoformat()
    review = services.minutes_review(
        actor=request.user,
        meeting=meeting,
        draft=draft,
        answers=answers,
        seconds_spent=payload.seconds_spent,
        comment=payload.comment,
    )
    draft.refresh_from_db(fields=["status"])
    return Status(
        201,
        {
            "draft_id": draft.pk,
            "status": draft.status,
            "review": review,
            "final_content": review.final_content,
        },
    )


@router.post("/{int:meeting_id}/minutes/{int:draft_id}/publish", response={200: PublishedOut})
def minutes_publish(request, meeting_id: int, draft_id: int):
    """Publish reviewed minutes: the kept action items become tasks, participants get a mail."""
    meeting, draft = _minutes_draft(request, meeting_id, draft_id)
    meeting = services.minutes_publish(
        actor=request.user,
        meeting=meeting,
        draft=draft,
        base_url=request.build_absolute_uri("/"),
    )
    return {
        "meeting_id": meeting.pk,
        "published_at": meeting.published_at,
        "text": meeting.published_text,
        "tasks": list(selectors.meeting_tasks(meeting=meeting)),
    }


class QuestionIn(Schema):
    question: str = Field(..., min_length=1, max_length=500)


class AnswerSentenceOut(Schema):
    text: str
    citations: list[int]


class AnswerCitationOut(Schema):
    n: int
    kind: str
    meeting_id: int
    meeting_title: str
    meeting_date: date
    line: int
    timestamp: str
    speaker: str
    quote: str
    url: str


class AnswerOut(Schema):
    question: str
    found: bool
    text: str
    sentences: list[AnswerSentenceOut]
    citations: list[AnswerCitationOut]
    draft_id: int | None


@router.post("/ask", response=AnswerOut)
def ask(request, payload: QuestionIn):
    """'What did we decide about X?': an answer from the meetings the caller attended or that
    were shared with them, each sentence citing a meeting line; found is false when none fits."""
    from wendbaar.meetings import questions

    answer = questions.meeting_question_ask(actor=request.user, question=payload.question)
    return {
        "question": answer.question,
        "found": answer.found,
        "text": answer.text,
        "sentences": answer.sentences,
        "citations": answer.citations,
        "draft_id": getattr(answer.draft, "pk", None),
    }
