"""A bounded cache of embeddings: an in-process LRU in front of a table shared by all processes.

Keys are hashes of model and text, so the table never holds the text itself. The table keeps the
newest MAX_ROWS rows; the LRU the most recently used MAX_MEMORY vectors.
"""

import hashlib
import threading
from collections import OrderedDict

import numpy as np
from django.db import DatabaseError, IntegrityError, transaction

from wendbaar.ai.models import EmbeddingCacheEntry

MAX_MEMORY = 4096
MAX_ROWS = 50_000

_memory: OrderedDict[str, np.ndarray] = OrderedDict()
_lock = threading.Lock()


def key_for(model: str, text: str) -> str:
    """The cache key of a text embedded by a model."""
    return hashlib.sha256(f"{model}\x00{text}".encode()).hexdigest()


def get_many(model: str, texts: list[str]) -> dict[int, np.ndarray]:
    """Cached vectors by position in `texts`; texts not in the cache are left out."""
    keys = [key_for(model, t) for t in texts]
    found: dict[int, np.ndarray] = {}
    missing: dict[str, list[int]] = {}
    with _lock:
        for i, key in enumerate(keys):
            vector = _memory.get(key)
            if vector is not None:
                _memory.move_to_end(key)
                found[i] = vector
            else:
                missing.setdefault(key, []).append(i)
    if missing:
        query = EmbeddingCacheEntry.objects.filter(key__in=list(missing)).values_list(
            "key", "vector"
        )
        try:
            if transaction.get_connection().in_atomic_block:
                # A savepoint, so a failed read cannot break the caller's transaction.
                with transaction.atomic():
                    rows = list(query)
            else:
                # A plain read: on SQLite an atomic block would take the write lock.
                rows = list(query)
        except DatabaseError:
            rows = []
        for key, blob in rows:
            vector = np.frombuffer(bytes(blob), dtype=np.float32)
            _remember(key, vector)
            for i in missing[key]:
                found[i] = vector
    return found


def put_many(model: str, texts: list[str], vectors: np.ndarray) -> None:
    """Store vectors for texts; a cache that cannot be written never fails the caller."""
    entries = {}
    for text, vector in zip(texts, vectors, strict=True):
        if not text.strip():
            continue
        key = key_for(model, text)
        vector = np.ascontiguousarray(vector, dtype=np.float32)
        _remember(key, vector)
        entries[key] = EmbeddingCacheEntry(key=key, model_name=model, vector=vector.tobytes())
    if not entries:
        return
    try:
        # A savepoint, so a locked or full database costs only the cache, not the caller's work.
        with transaction.atomic():
            EmbeddingCacheEntry.objects.bulk_create(
                entries.values(), ignore_conflicts=True, batch_size=500
            )
            newest = EmbeddingCacheEntry.objects.order_by("-id").values_list("id", flat=True)[:1]
            if newest and newest[0] > MAX_ROWS:
                EmbeddingCacheEntry.objects.filter(id__lte=newest[0] - MAX_ROWS).delete()
    except (DatabaseError, IntegrityError):
        pass


def clear_memory() -> None:
    """Forget the in-process vectors (tests, and after the model changes)."""
    with _lock:
        _memory.clear()


def _remember(key: str, vector: np.ndarray) -> None:
    with _lock:
        _memory[key] = vector
        _memory.move_to_end(key)
        while len(_memory) > MAX_MEMORY:
            _memory.popitem(last=False)
