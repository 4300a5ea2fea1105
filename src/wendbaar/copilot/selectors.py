"""Reads of drafts: every query starts from what the asking person may see."""

from django.db.models import Count, Q, QuerySet

from wendbaar.accounts.models import Membership
from wendbaar.accounts.selectors import get_visible_or_404, user_team_ids, visible_to
from wendbaar.copilot.choices import DraftStatus
from wendbaar.copilot.models import Draft, FeedbackExample


def draft_visible(*, user) -> QuerySet[Draft]:
    return visible_to(Draft.objects.all(), user)


def draft_inbox(*, user, capability: str = "", query: str = "") -> QuerySet[Draft]:
    """'Mijn drafts': open drafts assigned to the person, or to nobody in a team they belong to."""
    team_ids = Membership.objects.filter(user_id=user.pk).values("team_id")
    drafts = (
        draft_visible(user=user)
        .filter(status=DraftStatus.PROPOSED)
        .filter(Q(assignee_id=user.pk) | Q(assignee__isnull=True, team_id__in=team_ids))
    )
    if capability:
        drafts = drafts.filter(capability=capability)
    if query:
        drafts = drafts.filter(Q(title__icontains=query) | Q(text__icontains=query))
    return drafts.select_related("assignee", "team").order_by("-created_at", "-id")


def draft_inbox_counts(*, user) -> dict[str, int]:
    """Open drafts per capability for the inbox filters and the navigation badge."""
    rows = draft_inbox(user=user).order_by().values("capability").annotate(n=Count("id"))
    return {row["capability"]: row["n"] for row in rows}


def draft_list(*, user, status: str = "", capability: str = "") -> QuerySet[Draft]:
    """All drafts the person may see, newest first (history, not only the inbox)."""
    drafts = draft_visible(user=user)
    if status:
        drafts = drafts.filter(status=status)
    if capability:
        drafts = drafts.filter(capability=capability)
    return drafts.select_related("assignee", "team").order_by("-created_at", "-id")


def draft_history(*, user) -> QuerySet[Draft]:
    """Handled drafts the person may see (accepted, edited, rejected or replaced), newest first."""
    return (
        draft_list(user=user)
        .exclude(status=DraftStatus.PROPOSED)
        .select_related("review__reviewer")
    )


def draft_may_review(user, draft: Draft) -> bool:
    """Seeing a draft is not enough to decide on it: its reviewer does, or else its team."""
    if draft.assignee_id is not None:
        return draft.assignee_id == user.pk
    if draft.team_id is not None:
        return draft.team_id in user_team_ids(user)
    return draft.owner_id == user.pk


def draft_get(*, user, pk: int) -> Draft:
    """One draft with its sources and review, or 404 when it does not exist or is not the person's to see."""
    queryset = Draft.objects.select_related(
        "assignee", "team", "created_by", "review__reviewer"
    ).prefetch_related("sources")
    return get_visible_or_404(queryset, user, pk=pk)


def draft_for_subject(*, user, subject) -> QuerySet[Draft]:
    from django.contrib.contenttypes.models import ContentType

    return draft_visible(user=user).filter(
        subject_type=ContentType.objects.get_for_model(subject), subject_id=str(subject.pk)
    )


def feedback_examples(
    *, capability: str, kind: str = "", only_unconsumed: bool = False
) -> QuerySet[FeedbackExample]:
    """Learning examples for a capability's learner (a system reader; not for display to people)."""
    examples = FeedbackExample.objects.filter(capability=capability)
    if kind:
        examples = examples.filter(kind=kind)
    if only_unconsumed:
        examples = examples.unconsumed()
    return examples.order_by("created_at", "id")
