"""Searching the index: what capabilities call to find passages a person may see."""

from collections.abc import Iterable

import numpy as np
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model

from wendbaar.ai.search.backends import Hit, get_backend


def chunk_search(
    *,
    user,
    query: str,
    k: int = 10,
    content_types: Iterable[type[Model] | ContentType] | None = None,
    record_ids: Iterable[str | int] | None = None,
    vector: np.ndarray | None = None,
) -> list[Hit]:
    """The `k` passages that best match `query` by words and meaning, among those `user` may see.

    `content_types` and `record_ids` narrow the search (e.g. to documents, or to one meeting);
    `vector` is the query's embedding when the caller has already made it.
    """
    return get_backend().search(
        user=user,
        query=query,
        k=k,
        content_types=content_types,
        record_ids=record_ids,
        vector=vector,
    )


def chunk_search_count(
    *,
    user,
    query: str,
    content_types: Iterable[type[Model] | ContentType] | None = None,
    record_ids: Iterable[str | int] | None = None,
) -> int:
    """How many passages `user` may see contain a word of `query`."""
    return get_backend().count(
        user=user, query=query, content_types=content_types, record_ids=record_ids
    )


def record_leads(
    *, model: type[Model] | ContentType, record_ids: Iterable[str | int]
) -> dict[str, np.ndarray]:
    """Each record's lead-sentence embedding (of its first passage), by record id.

    Only for ranking records the caller has already found through `chunk_search`: it reads
    vectors, not text, and applies no permissions of its own. Records without one are left out.
    """
    content_type = (
        model if isinstance(model, ContentType) else ContentType.objects.get_for_model(model)
    )
    return get_backend().load_leads(content_type, record_ids)
