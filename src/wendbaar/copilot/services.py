"""The draft lifecycle: propose, open, review, supersede, and learn from reviews."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rapidfuzz.distance import Levenshtein

from wendbaar.accounts.choices import Visibility
from wendbaar.accounts.selectors import can_view, user_team_ids
from wendbaar.audit.services import audit_log
from wendbaar.common.errors import BusinessRuleError
from wendbaar.copilot.choices import Capability, DraftStatus, ReviewDecision
from wendbaar.copilot.models import Draft, DraftSource, FeedbackExample, Review
from wendbaar.copilot.selectors import draft_may_review
from wendbaar.copilot.signals import draft_reviewed

# Reviews that take longer than this were interrupted; counting them would distort time saved.
MAX_REVIEW_SECONDS = 4 * 60 * 60


@dataclass
class SourceIn:
    """A source as a capability hands it to `draft_propose`."""

    ref: str
    quote: str = ""
    title: str = ""
    kind: str = ""
    url: str = ""
    locator: str = ""
    score: float | None = None
    extra: dict = field(default_factory=dict)


def edit_distance(before: str, after: str) -> tuple[int, float]:
    """Characters changed between the draft and the final text, and that as a share of the longer text."""
    distance = Levenshtein.distance(before or "", after or "")
    longest = max(len(before or ""), len(after or ""), 1)
    return distance, round(distance / longest, 4)


def _source_rows(sources: Iterable[SourceIn | dict]) -> list[DraftSource]:
    rows = []
    for position, source in enumerate(sources, start=1):
        source = source if isinstance(source, SourceIn) else SourceIn(**source)
        if not source.ref:
            raise BusinessRuleError(
                _("Every source needs an id."), code="source_without_id", status_code=400
            )
        if source.url and not _is_safe_link(source.url):
            raise BusinessRuleError(
                _("A source link must be a web address (http or https) or a path in Wendbaar."),
                code="unsafe_source_link",
                status_code=400,
            )
        rows.append(
            DraftSource(
                position=position,
                ref=source.ref[:200],
                kind=source.kind[:64],
                title=source.title[:250],
                quote=source.quote,
                url=source.url[:500],
                locator=source.locator[:120],
                score=source.score,
            )
        )
    return rows


def _is_safe_link(url: str) -> bool:
    # Links are shown to reviewers; javascript:, data: and other schemes must never reach a page.
    if url.startswith("/") and not url.startswith("//"):
        return True
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _check_audience(*, actor, owner, assignee, team, visibility: str) -> None:
    """The reviewer must be able to see the draft, and a person proposes only for their own teams."""
    if visibility not in Visibility.values:
        raise BusinessRuleError(
            _("Unknown visibility."), code="unknown_visibility", status_code=400
        )
    if visibility in (Visibility.TEAM, Visibility.NAMED) and team is None:
        raise BusinessRuleError(
            _("A team draft needs a team."), code="no_audience", status_code=400
        )
    if owner is None and team is None:
        # Nobody would be there to review it.
        raise BusinessRuleError(
            _("A draft needs a team or a reviewer."), code="no_audience", status_code=400
        )
    if actor is not None and team is not None and team.pk not in user_team_ids(actor):
        raise BusinessRuleError(
            _("You can only propose drafts for your own teams."),
            code="not_team_member",
            status_code=403,
        )
    if assignee is not None and assignee.pk != owner.pk:
        if visibility == Visibility.PRIVATE:
            raise BusinessRuleError(
                _("A private draft can only be reviewed by its owner."),
                code="private_draft",
                status_code=400,
            )
        if visibility != Visibility.ORGANISATION and team.pk not in user_team_ids(assignee):
            raise BusinessRuleError(
                _("The reviewer must be a member of the draft's team."),
                code="reviewer_not_in_team",
                status_code=400,
            )


@transaction.atomic
def draft_propose(
    *,
    actor,
    capability: str,
    kind: str,
    title: str,
    text: str,
    confidence: float,
    engine: str,
    sources: Iterable[SourceIn | dict] = (),
    content: dict | None = None,
    input_data: dict | None = None,
    model_name: str = "",
    prompt_version: str = "",
    engine_note: str = "",
    language: str = "",
    subject=None,
    assignee=None,
    team=None,
    visibility: str = Visibility.TEAM,
    supersedes: Draft | None = None,
) -> Draft:
    """Record an AI output as a draft for review; `actor` is who asked for it (None for the system).

    Everything is checked before anything is written, so a refused draft leaves no trace.
    """
    if capability not in Capability.values:
        raise BusinessRuleError(
            _("Unknown capability."), code="unknown_capability", status_code=400
        )
    if not (0.0 <= float(confidence) <= 1.0):
        raise BusinessRuleError(
            _("Confidence must be between 0 and 1."), code="bad_confidence", status_code=400
        )
    if not text.strip():
        raise BusinessRuleError(_("A draft needs text."), code="empty_draft", status_code=400)
    owner = actor if actor is not None else assignee
    _check_audience(actor=actor, owner=owner, assignee=assignee, team=team, visibility=visibility)
    rows = _source_rows(sources)
    old = None
    if supersedes is not None:
        old = _lock_for_replacement(actor=actor, draft=supersedes)
    draft = Draft(
        capability=capability,
        kind=kind,
        title=title[:250],
        text=text,
        content=content or {},
        input_data=input_data or {},
        confidence=float(confidence),
        engine=engine,
        model_name=model_name,
        prompt_version=prompt_version,
        engine_note=engine_note[:500],
        language=language,
        assignee=assignee,
        created_by=actor,
        owner=owner,
        team=team,
        visibility=visibility,
    )
    if subject is not None:
        draft.subject_type = ContentType.objects.get_for_model(subject)
        draft.subject_id = str(subject.pk)
    draft.full_clean(exclude=["subject_type"])
    draft.save()
    for row in rows:
        row.draft = draft
    DraftSource.objects.bulk_create(rows)
    if old is not None:
        _supersede(old=old, new=draft, actor=actor)
    audit_log(
        actor=actor,
        action="draft.proposed",
        target=draft,
        data={
            "capability": capability,
            "kind": kind,
            "engine": engine,
            "model": model_name,
            "prompt_version": prompt_version,
            "confidence": draft.confidence,
            "sources": [r.ref for r in rows],
        },
    )
    return draft


def _lock_for_replacement(*, actor, draft: Draft) -> Draft:
    """The draft to replace, re-read under a row lock: only a waiting draft can be replaced."""
    draft = Draft.objects.select_for_update().get(pk=draft.pk)
    if actor is not None and not draft_may_review(actor, draft):
        raise BusinessRuleError(
            _("Only its reviewer can replace this draft."), code="not_reviewer", status_code=403
        )
    if draft.status != DraftStatus.PROPOSED:
        raise BusinessRuleError(
            _("Only a draft that waits for review can be replaced."), code="draft_closed"
        )
    return draft


def _supersede(*, old: Draft, new: Draft, actor) -> None:
    old.status = DraftStatus.SUPERSEDED
    old.superseded_by = new
    old.save(update_fields=["status", "superseded_by", "updated_at"])
    audit_log(actor=actor, action="draft.superseded", target=old, data={"by": new.pk})


@transaction.atomic
def draft_supersede(*, actor, draft: Draft, new_draft: Draft) -> Draft:
    """Replace a waiting draft by a newer one (e.g. regenerated after the input changed)."""
    draft = _lock_for_replacement(actor=actor, draft=draft)
    _supersede(old=draft, new=new_draft, actor=actor)
    return draft


@transaction.atomic
def draft_open(*, actor, draft: Draft) -> Draft:
    """Note when a reviewer first opened the draft, so review time can be measured."""
    if draft.first_opened_at is None and draft.is_open and draft_may_review(actor, draft):
        Draft.objects.filter(pk=draft.pk, first_opened_at__isnull=True).update(
            first_opened_at=timezone.now()
        )
        draft.refresh_from_db(fields=["first_opened_at"])
    return draft


@transaction.atomic
def draft_review(
    *,
    actor,
    draft: Draft,
    decision: str,
    final_text: str | None = None,
    final_content: dict | None = None,
    seconds_spent: int | None = None,
    comment: str = "",
) -> Review:
    """A person accepts, edits or rejects a draft; the review is measured and becomes a feedback example."""
    draft = Draft.objects.select_for_update().get(pk=draft.pk)
    if not can_view(actor, draft):
        # Same answer as for a draft that does not exist: ids must not reveal anything.
        raise Draft.DoesNotExist
    if not draft.is_open:
        raise BusinessRuleError(_("This draft has already been handled."), code="draft_closed")
    if not draft_may_review(actor, draft):
        raise BusinessRuleError(
            _("This draft is assigned to someone else."), code="not_reviewer", status_code=403
        )
    if decision not in ReviewDecision.values:
        raise BusinessRuleError(_("Unknown decision."), code="unknown_decision", status_code=400)
    if decision == ReviewDecision.REJECTED:
        final_text, final_content = "", {}
    else:
        final_text = draft.text if final_text is None else final_text
        final_content = draft.content if final_content is None else final_content
        if not final_text.strip():
            raise BusinessRuleError(
                _("The final text cannot be empty; reject the draft instead."),
                code="empty_final",
                status_code=400,
            )
        # A person who changed the text edited it, whichever button they pressed.
        changed = final_text != draft.text or final_content != draft.content
        decision = ReviewDecision.EDITED if changed else ReviewDecision.ACCEPTED
    distance, ratio = (
        edit_distance(draft.text, final_text) if decision != ReviewDecision.REJECTED else (0, 0.0)
    )
    if seconds_spent is None and draft.first_opened_at is not None:
        seconds_spent = int((timezone.now() - draft.first_opened_at).total_seconds())
    if seconds_spent is not None:
        if seconds_spent < 0:
            raise BusinessRuleError(
                _("Seconds spent cannot be negative."), code="bad_seconds", status_code=400
            )
        seconds_spent = min(seconds_spent, MAX_REVIEW_SECONDS)
    review = Review.objects.create(
        draft=draft,
        decision=decision,
        reviewer=actor,
        final_text=final_text,
        final_content=final_content,
        edit_distance=distance,
        edit_ratio=ratio,
        seconds_spent=seconds_spent,
        comment=comment.strip(),
    )
    draft.status = decision
    draft.save(update_fields=["status", "updated_at"])
    FeedbackExample.objects.create(
        capability=draft.capability,
        kind=draft.kind,
        draft=draft,
        label=decision,
        input_data=draft.input_data,
        proposed_text=draft.text,
        proposed_content=draft.content,
        final_text=final_text,
        final_content=final_content,
        source_refs=list(draft.sources.values_list("ref", flat=True)),
    )
    audit_log(
        actor=actor,
        action=f"draft.{decision}",
        target=draft,
        data={
            "edit_distance": distance,
            "edit_ratio": ratio,
            "seconds_spent": seconds_spent,
        },
    )
    transaction.on_commit(lambda: draft_reviewed.send(sender=Draft, draft=draft, review=review))
    return review


@transaction.atomic
def feedback_examples_mark_consumed(*, examples: Iterable[FeedbackExample]) -> int:
    """A learner took these examples into a model; remember so they are not counted twice."""
    ids = [e.pk for e in examples]
    return FeedbackExample.objects.filter(pk__in=ids, consumed_at__isnull=True).update(
        consumed_at=timezone.now()
    )
