"""Data hygiene: near-duplicate and conflicting passages, and personal data shared organisation-wide.

Only documents the person may see are compared or listed, so the view reveals nothing else.
"""

import re
from dataclasses import dataclass

import numpy as np
from django.contrib.contenttypes.models import ContentType

from wendbaar.accounts.choices import Visibility
from wendbaar.accounts.selectors import visible_to
from wendbaar.ai.search.backends import get_backend
from wendbaar.ai.search.models import Chunk
from wendbaar.knowledge.models import Document

# Passages this close in meaning say the same thing (or answer the same question).
SIMILAR = 0.9
# Comparing more passages than this at once costs too much memory for a page view.
MAX_PASSAGES = 8000
MAX_PAIRS = 50
_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*(?:\s?%)?")
PERSONAL_TYPES = ("PERSON", "BSN", "IBAN", "PHONE", "EMAIL", "ADDRESS")


@dataclass
class SimilarPair:
    first: Chunk
    second: Chunk
    first_document: Document
    second_document: Document
    similarity: float
    conflict: bool
    first_numbers: list[str]
    second_numbers: list[str]


def _numbers(text: str) -> list[str]:
    return sorted({m.group(0).replace(" ", "") for m in _NUMBER.finditer(text)})


def similar_passages(*, user) -> list[SimilarPair]:
    """Pairs of passages from different documents that say nearly the same; a pair whose numbers
    differ (a term, an amount, a date) is a likely conflict."""
    documents = {d.pk: d for d in visible_to(Document.objects.all(), user)}
    if len(documents) < 2:
        return []
    chunks = list(
        Chunk.objects.filter(
            content_type=ContentType.objects.get_for_model(Document),
            object_id__in=[str(pk) for pk in documents],
        )
        .defer("embedding")
        .order_by("pk")[:MAX_PASSAGES]
    )
    if len(chunks) < 2:
        return []
    ids, matrix = get_backend().load_embeddings([c.pk for c in chunks])
    if len(ids) < 2:
        return []
    by_id = {c.pk: c for c in chunks}
    owners = np.array([int(by_id[int(i)].object_id) for i in ids])
    similarity = matrix @ matrix.T
    np.fill_diagonal(similarity, 0)
    similarity[owners[:, None] == owners[None, :]] = 0  # within one document is not a duplicate
    rows, cols = np.nonzero(np.triu(similarity >= SIMILAR))
    order = np.argsort(-similarity[rows, cols])[:MAX_PAIRS]
    pairs = []
    for index in order:
        a, b = by_id[int(ids[rows[index]])], by_id[int(ids[cols[index]])]
        numbers_a, numbers_b = _numbers(a.text), _numbers(b.text)
        pairs.append(
            SimilarPair(
                first=a,
                second=b,
                first_document=documents[int(a.object_id)],
                second_document=documents[int(b.object_id)],
                similarity=round(float(similarity[rows[index], cols[index]]), 3),
                conflict=bool(numbers_a or numbers_b) and numbers_a != numbers_b,
                first_numbers=numbers_a,
                second_numbers=numbers_b,
            )
        )
    return pairs


def personal_data_org_wide(*, user):
    """Documents everyone in the organisation may see whose current version holds personal data."""
    documents = (
        visible_to(Document.objects.all(), user)
        .filter(visibility=Visibility.ORGANISATION, current_version__personal_data__isnull=False)
        .select_related("current_version", "owner")
    )
    found = []
    for document in documents:
        counts = document.current_version.personal_data or {}
        relevant = {k: v for k, v in counts.items() if k in PERSONAL_TYPES and v}
        if relevant:
            document.personal_counts = relevant
            found.append(document)
    return found
