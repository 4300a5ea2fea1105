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
# Passages compared for one page view (the first ones by id beyond that), and rows per block.
MAX_PASSAGES = 20_000
BLOCK = 512
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
        .defer("embedding", "lead_embedding")
        .order_by("pk")[:MAX_PASSAGES]
    )
    if len(chunks) < 2:
        return []
    ids, matrix = get_backend().load_embeddings([c.pk for c in chunks])
    if len(ids) < 2:
        return []
    by_id = {c.pk: c for c in chunks}
    owners = np.array([int(by_id[int(i)].object_id) for i in ids])
    found: list[tuple[float, int, int]] = []
    # Row blocks keep memory flat: BLOCK x N similarities at a time, never N x N.
    for start in range(0, len(ids), BLOCK):
        block = matrix[start : start + BLOCK] @ matrix.T
        rows = np.arange(start, start + len(block))
        block[owners[rows][:, None] == owners[None, :]] = 0  # one document is not a duplicate
        block[np.arange(len(block))[:, None] >= (np.arange(len(ids))[None, :] - start)] = 0
        for r, c in zip(*np.nonzero(block >= SIMILAR), strict=True):
            found.append((float(block[r, c]), int(start + r), int(c)))
    found.sort(key=lambda item: -item[0])
    pairs = []
    for similarity, row, col in found[:MAX_PAIRS]:
        a, b = by_id[int(ids[row])], by_id[int(ids[col])]
        numbers_a, numbers_b = _numbers(a.text), _numbers(b.text)
        pairs.append(
            SimilarPair(
                first=a,
                second=b,
                first_document=documents[int(a.object_id)],
                second_document=documents[int(b.object_id)],
                similarity=round(similarity, 3),
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
