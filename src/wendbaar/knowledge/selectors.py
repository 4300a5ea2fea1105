"""Reading knowledge: documents a person may see, and passages that answer their question.

Every function starts from what the person may see: documents through `visible_to`, passages
through the search index's permission filter, and the two are checked against each other, so a
passage whose document was just made private is not shown even before the index catches up.
"""

import logging
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from django.db.models import Count, Q, QuerySet, prefetch_related_objects
from django.utils import timezone

from wendbaar.accounts.selectors import get_visible_or_404, visible_to
from wendbaar.ai.embeddings import embed_texts
from wendbaar.ai.search.backends import get_backend
from wendbaar.ai.search.selectors import chunk_search, record_leads
from wendbaar.knowledge import ranking
from wendbaar.knowledge.models import Document, PassageFeedback, Question
from wendbaar.knowledge.ranking import passage_hash

logger = logging.getLogger(__name__)

# Passages the index hands over for re-ranking; more finds more, costs more.
CANDIDATES = 60
MAX_QUERY_CHARS = 1000


def document_list(
    *,
    user,
    query: str = "",
    tag: str = "",
    team_id: int | None = None,
    expired: bool = False,
) -> QuerySet[Document]:
    documents = (
        visible_to(Document.objects.all(), user)
        .select_related("team", "owner", "current_version")
        .defer("current_version__text")
    )
    if query:
        documents = documents.filter(title__icontains=query)
    if tag:
        documents = documents.filter(tags__name=tag)
    if team_id:
        documents = documents.filter(team_id=team_id)
    if expired:
        documents = documents.filter(valid_until__lt=timezone.localdate())
    return documents.prefetch_related("tags").distinct()


def document_get(*, user, pk: int) -> Document:
    return get_visible_or_404(
        Document.objects.select_related("team", "owner", "current_version"), user, pk=pk
    )


def document_versions(*, document: Document):
    return document.versions.select_related("created_by").order_by("-number")


@dataclass
class Passage:
    """A passage of a document, ranked for a question."""

    document: Document
    chunk_id: int
    position: int
    text: str
    locator: str
    score: float
    parts: dict
    highlights: list[tuple[int, int]] = field(default_factory=list)

    @property
    def ref(self) -> str:
        return f"document:{self.document.pk}#{self.position}"

    def highlighted(self) -> list[tuple[str, bool]]:
        """The text as (piece, is-match) pairs, for templates that escape each piece."""
        pieces, cursor = [], 0
        for start, end in sorted(self.highlights):
            if start < cursor:
                continue
            if start > cursor:
                pieces.append((self.text[cursor:start], False))
            pieces.append((self.text[start:end], True))
            cursor = end
        if cursor < len(self.text):
            pieces.append((self.text[cursor:], False))
        return pieces


@dataclass
class DocumentHit:
    document: Document
    score: float
    passages: list[Passage]


def passages_rank(
    *,
    user,
    query: str,
    k: int = 10,
    tag: str = "",
    team_id: int | None = None,
    include_expired: bool = True,
) -> list[Passage]:
    """The `k` best passages for `query` among the documents `user` may see, best first."""
    query = (query or "").strip()[:MAX_QUERY_CHARS]
    if not query:
        return []
    try:
        question_vector = embed_texts([query], kind="query")[0]
    except Exception:
        # Passages are still found by their words; the index says so in its log.
        logger.exception("Knowledge: the question could not be embedded.")
        question_vector = None
    hits = chunk_search(
        user=user, query=query, k=CANDIDATES, content_types=[Document], vector=question_vector
    )
    if not hits:
        return []
    documents = visible_to(Document.objects.all(), user).filter(
        pk__in={int(h.chunk.object_id) for h in hits}
    )
    if tag:
        documents = documents.filter(tags__name=tag)
    if team_id:
        documents = documents.filter(team_id=team_id)
    if not include_expired:
        documents = documents.filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=timezone.localdate())
        )
    # The versions' full texts are not needed to rank passages, and may be megabytes each.
    documents = documents.select_related("team", "current_version").defer("current_version__text")
    by_id = {d.pk: d for d in documents}
    hits = [h for h in hits if int(h.chunk.object_id) in by_id]
    if not hits:
        return []
    ids, matrix = get_backend().load_embeddings([h.chunk.pk for h in hits])
    vectors = dict(zip(ids.tolist(), matrix, strict=True))
    hashes = {h.chunk.pk: passage_hash(h.chunk.text) for h in hits}
    feedback = _feedback_for(hits, hashes)
    leads = record_leads(model=Document, record_ids=by_id)
    if any(str(pk) not in leads for pk in by_id):
        # Passages indexed before lead sentences were kept (until `search_rebuild --records`):
        # a lead for some documents only would tilt the order, so none counts.
        leads = {}
    candidates = [
        ranking.Candidate(
            key=h,
            text=h.chunk.text,
            vector=vectors.get(h.chunk.pk),
            lead=leads.get(h.chunk.object_id),
            feedback=feedback.get((int(h.chunk.object_id), hashes[h.chunk.pk]), 0.0),
        )
        for h in hits
    ]
    usable = question_vector is not None and np.any(question_vector)
    ranked = ranking.rank(query, question_vector if usable else None, candidates)
    return [
        Passage(
            document=by_id[int(c.key.chunk.object_id)],
            chunk_id=c.key.chunk.pk,
            position=c.key.chunk.position,
            text=c.key.chunk.text,
            locator=c.key.chunk.locator,
            score=round(c.score, 4),
            parts=c.parts,
            highlights=c.key.highlights,
        )
        for c in ranked[:k]
    ]


def _feedback_for(hits, hashes: dict[int, str]) -> dict[tuple[int, str], float]:
    """(document id, passage hash) → -1..1 from reviews of answers that cited the passage."""
    keys = {(int(h.chunk.object_id), hashes[h.chunk.pk]) for h in hits}
    rows = PassageFeedback.objects.filter(
        document_id__in={d for d, _ in keys}, passage_hash__in={p for _, p in keys}
    )
    out = {}
    for row in rows:
        total = row.accepted + row.rejected
        # Shrunk towards 0 until several reviews agree.
        out[(row.document_id, row.passage_hash)] = (row.accepted - row.rejected) / (total + 2)
    return out


def document_search(*, user, query: str, k: int = 10, **filters) -> list[DocumentHit]:
    """Documents for `query`, best first, each with its matching passages."""
    passages = passages_rank(user=user, query=query, k=CANDIDATES, **filters)
    grouped: dict[int, DocumentHit] = {}
    for passage in passages:
        hit = grouped.get(passage.document.pk)
        if hit is None:
            if len(grouped) >= k:
                continue
            hit = grouped[passage.document.pk] = DocumentHit(passage.document, passage.score, [])
        if len(hit.passages) < 3:
            hit.passages.append(passage)
    hits = list(grouped.values())
    prefetch_related_objects([h.document for h in hits], "tags")
    return hits


def question_list(*, user) -> QuerySet[Question]:
    return Question.objects.filter(asker=user).select_related("draft")


# -- data hygiene ---------------------------------------------------------------------------------


def hygiene_expired(*, user, today: date | None = None) -> QuerySet[Document]:
    today = today or timezone.localdate()
    return document_list(user=user).filter(valid_until__lt=today).order_by("valid_until")


def hygiene_never_retrieved(*, user, older_than_days: int = 30) -> QuerySet[Document]:
    cutoff = timezone.now() - timezone.timedelta(days=older_than_days)
    return (
        document_list(user=user)
        .filter(retrieval_count=0, created_at__lt=cutoff)
        .order_by("created_at")
    )


def document_counts(*, user) -> dict:
    documents = visible_to(Document.objects.all(), user)
    today = timezone.localdate()
    return documents.aggregate(
        total=Count("pk"),
        expired=Count("pk", filter=Q(valid_until__lt=today)),
    )
