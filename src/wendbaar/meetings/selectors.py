"""Reading meetings: only those a person attended, or that were shared with them."""

from django.db.models import Exists, OuterRef, QuerySet

from wendbaar.accounts.models import visible_q
from wendbaar.meetings.choices import TaskStatus
from wendbaar.meetings.models import ActionTask, Meeting, Participant


def meeting_visible_q(user):
    """Visible by the meeting's audience rules, or because the person took part."""
    if user is None or not user.is_authenticated or not user.is_active:
        return visible_q(Meeting, user)
    attended = Exists(Participant.objects.filter(meeting=OuterRef("pk"), person_id=user.pk))
    return visible_q(Meeting, user) | attended


def meeting_list(*, user, query: str = "") -> QuerySet[Meeting]:
    meetings = Meeting.objects.filter(meeting_visible_q(user)).select_related("team", "owner")
    if query:
        meetings = meetings.filter(title__icontains=query)
    return meetings


def meeting_get(*, user, pk: int) -> Meeting:
    from django.http import Http404

    meeting = meeting_list(user=user).filter(pk=pk).first()
    if meeting is None:
        raise Http404
    return meeting


def meeting_lines(*, meeting: Meeting):
    return meeting.lines.select_related("person").order_by("index")


def meeting_participants(*, meeting: Meeting):
    return meeting.participant_rows.select_related("person").order_by("name", "pk")


def meeting_published_get(*, user, pk: int) -> Meeting:
    """A meeting the person may see whose minutes are published, else 404."""
    from django.http import Http404

    meeting = meeting_get(user=user, pk=pk)
    if meeting.published_at is None:
        raise Http404
    return meeting


def minutes_publishable_draft(*, user, meeting: Meeting):
    """The newest accepted minutes draft of the meeting that this person may publish, if any."""
    from wendbaar.copilot.choices import Capability
    from wendbaar.copilot.selectors import draft_for_subject, draft_may_review
    from wendbaar.meetings.services import publishable_statuses

    if meeting.published_at is not None:
        return None
    drafts = draft_for_subject(user=user, subject=meeting).filter(
        capability=Capability.MEETINGS, kind="minutes", status__in=publishable_statuses()
    )
    for draft in drafts.order_by("-updated_at", "-pk"):
        if draft_may_review(user, draft):
            return draft
    return None


def minutes_reviewable_draft(*, user, meeting: Meeting):
    """The newest minutes draft of the meeting waiting for review by this person, if any."""
    from wendbaar.copilot.choices import Capability, DraftStatus
    from wendbaar.copilot.selectors import draft_for_subject, draft_may_review

    if meeting.published_at is not None:
        return None
    drafts = draft_for_subject(user=user, subject=meeting).filter(
        capability=Capability.MEETINGS, kind="minutes", status=DraftStatus.PROPOSED
    )
    for draft in drafts.order_by("-created_at", "-pk"):
        if draft_may_review(user, draft):
            return draft
    return None


def minutes_review_items(*, meeting: Meeting, draft) -> dict:
    """The items of a minutes draft as the review form shows them: each with the transcript lines
    it cites (number and timestamp) and, for action items, the owner and date to start from;
    owners and dates the engine was unsure of are flagged and left open."""
    from wendbaar.meetings import review, services

    content = draft.content or {}
    lines = list(meeting.lines.order_by("index").only("index", "start_seconds"))

    def cited(item) -> list[dict]:
        turns = [t for t in item.get("turns") or [] if isinstance(t, int)]
        return [
            {"index": lines[t].index, "timestamp": lines[t].timestamp}
            for t in sorted(set(turns))
            if 0 <= t < len(lines)
        ]

    def items(kind):
        found = [i for i in content.get(kind) or [] if isinstance(i, dict)]
        return [{**item, "name": f"{kind}-{n}"} for n, item in enumerate(found)]

    owner_ids = services.minutes_proposed_owner_ids(meeting=meeting, content=content)
    actions = []
    for item, owner_id in zip(items("action_items"), owner_ids, strict=False):
        start = review.proposed_action(item, owner_id)
        actions.append(
            {
                **item,
                "start": start,
                "cited": cited(item),
                "suggested_owner": item.get("owner") if item.get("owner_flagged") else "",
                "unresolved_owner": start["owner"] if start["owner_id"] is None else "",
            }
        )
    return {
        "summary": content.get("summary") or "",
        "topics": [
            {
                **t,
                "cited": cited(t),
                "points_text": "\n".join(p.get("text", "") for p in t.get("points") or []),
            }
            for t in items("topics")
        ],
        "decisions": [{**d, "cited": cited(d)} for d in items("decisions")],
        "action_items": actions,
        "open_questions": [{**q, "cited": cited(q)} for q in items("open_questions")],
        "owners": list(services.minutes_owner_choices().items()),
    }


def meeting_tasks(*, meeting: Meeting) -> QuerySet[ActionTask]:
    return meeting.tasks.select_related("owner").order_by("position")


def task_list(*, user, status: str = "") -> QuerySet[ActionTask]:
    """A person's own tasks from published minutes: open ones first, soonest due first."""
    from django.db.models import F

    tasks = ActionTask.objects.filter(owner_id=getattr(user, "pk", None)).select_related("meeting")
    if status in TaskStatus.values:
        tasks = tasks.filter(status=status)
    # "open" sorts after "done": descending puts the open tasks first.
    return tasks.order_by("-status", F("due").asc(nulls_last=True), "meeting__date", "pk")


def task_get(*, user, pk: int) -> ActionTask:
    """One of the person's own tasks, or 404: other people's tasks are not there for them."""
    from django.http import Http404

    task = task_list(user=user).filter(pk=pk).first()
    if task is None:
        raise Http404
    return task


def meeting_passages(*, user, query: str, k: int = 20) -> list:
    """Transcript passages that match `query` by words and meaning, from meetings `user` may see
    (the index holds the participants' and audience's keys; the meetings are checked again)."""
    from wendbaar.ai.search.selectors import chunk_search

    query = (query or "").strip()[:1000]
    if not query:
        return []
    hits = chunk_search(user=user, query=query, k=k, content_types=[Meeting])
    meetings = meeting_list(user=user).in_bulk([int(h.chunk.object_id) for h in hits])
    return [
        {"meeting": meetings[int(h.chunk.object_id)], "hit": h}
        for h in hits
        if int(h.chunk.object_id) in meetings
    ]
