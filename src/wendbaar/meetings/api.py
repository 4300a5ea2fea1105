"""Meetings over the API: list, read (with the transcript), add with a transcript, draft minutes.

Only meetings the caller attended or that were shared with them, as in the web app.
"""

from datetime import date, datetime

from django.shortcuts import get_object_or_404
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status, UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate

from wendbaar.accounts.auth import api_auth
from wendbaar.accounts.choices import Visibility
from wendbaar.accounts.models import Team, User
from wendbaar.common.errors import BusinessRuleError
from wendbaar.meetings import selectors, services, transcripts
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
    """Add a meeting with its transcript (WebVTT, SRT, Teams DOCX or 'Name: text' lines).

    `participant_ids` is a comma-separated list of people's ids.
    """
    if file.size and file.size > transcripts.max_bytes():
        raise BusinessRuleError(
            _("%(name)s: the transcript is larger than %(limit)s.")
            % {"name": file.name, "limit": filesizeformat(transcripts.max_bytes())},
            code="too_large",
            status_code=413,
        )
    team = get_object_or_404(Team, pk=team_id) if team_id is not None else None
    try:
        ids = [int(i) for i in participant_ids.split(",") if i.strip()]
    except ValueError as exc:
        raise BusinessRuleError(
            _("Participants must be ids separated by commas."), code="bad_participants"
        ) from exc
    participants = list(User.objects.filter(pk__in=ids, is_active=True))
    if len(participants) != len(set(ids)):
        raise BusinessRuleError(_("Unknown participant."), code="unknown_participant")
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
