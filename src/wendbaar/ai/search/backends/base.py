"""The search backend interface, and what the SQLite and PostgreSQL backends share.

A search is two rankings of the chunks the asking person may see, fused by reciprocal rank:

- words: the database's full-text index (SQLite FTS5 with BM25, PostgreSQL tsvector with ts_rank);
- meaning: cosine similarity of embeddings (exact over a numpy matrix, or pgvector HNSW).

Permissions are part of every query: `principal_subquery` (the chunks of the person's permission
keys) is the one place they are applied, and it is in the WHERE clause of each query that ranks,
counts or lists candidate vectors. Nothing is ranked and then filtered in Python, so neither a hit
nor a count can reveal another team's chunk. (Ranking statistics, such as BM25's inverse document
frequency, are global to the index, as in any search engine; they order a person's own hits.)
"""

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from django.contrib.contenttypes.models import ContentType
from django.db import connections, transaction
from django.db.models import Model, OuterRef, Subquery

from wendbaar.accounts.selectors import user_principals
from wendbaar.ai import embeddings
from wendbaar.ai.search import query as search_query
from wendbaar.ai.search.models import Chunk
from wendbaar.ai.search.vectors import VectorStore

logger = logging.getLogger(__name__)

# Reciprocal rank fusion constant (Cormack et al. 2009): damps the weight of the very first ranks.
RRF_K = 60
# Below this cosine a passage is unrelated for the multilingual sentence encoder (related passages
# score about 0.3 and up); without a floor every query would return the whole index by meaning.
MIN_SIMILARITY = 0.2
MAX_K = 200
# Each ranking contributes this many candidates per requested hit to the fusion.
DEPTH_FACTOR = 5
MIN_DEPTH = 50
# Chunks whose embeddings are read from the database in one query.
BATCH = 2000


@dataclass
class Hit:
    """A search result: the chunk, its fused score, its place in each ranking, and word matches."""

    chunk: Chunk
    score: float
    word_rank: int | None = None
    vector_rank: int | None = None
    highlights: list[tuple[int, int]] = field(default_factory=list)


@dataclass(frozen=True)
class Filters:
    """Optional narrowing of a search to record types and record ids."""

    content_type_ids: tuple[int, ...] | None = None
    object_ids: tuple[str, ...] | None = None

    @classmethod
    def build(cls, content_types=None, record_ids=None) -> "Filters":
        type_ids = None
        if content_types is not None:
            type_ids = tuple(
                sorted(
                    {
                        item.pk
                        if isinstance(item, ContentType)
                        else ContentType.objects.get_for_model(item).pk
                        for item in content_types
                    }
                )
            )
        object_ids = None if record_ids is None else tuple(sorted({str(i) for i in record_ids}))
        return cls(content_type_ids=type_ids, object_ids=object_ids)

    @property
    def matches_nothing(self) -> bool:
        return self.content_type_ids == () or self.object_ids == ()

    def sql(self, alias: str) -> tuple[str, list]:
        clauses, params = [], []
        if self.content_type_ids is not None:
            clauses.append(f"{alias}.content_type_id IN ({_placeholders(self.content_type_ids)})")
            params.extend(self.content_type_ids)
        if self.object_ids is not None:
            clauses.append(f"{alias}.object_id IN ({_placeholders(self.object_ids)})")
            params.extend(self.object_ids)
        return " AND ".join(clauses) or "1 = 1", params


def _placeholders(values: Sequence) -> str:
    return ", ".join(["%s"] * len(values))


def fuse(rankings: Sequence[Sequence[int]], *, k: int = RRF_K) -> list[tuple[int, float, list]]:
    """Reciprocal rank fusion: (id, score, 1-based rank in each ranking or None), best first.

    Ties are broken by the best single rank, then by id, so results are stable.
    """
    scores: dict[int, float] = {}
    ranks: dict[int, list] = {}
    for n, ranking in enumerate(rankings):
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
            ranks.setdefault(item, [None] * len(rankings))[n] = rank
    return sorted(
        ((item, scores[item], ranks[item]) for item in scores),
        key=lambda row: (-row[1], min(r for r in row[2] if r is not None), row[0]),
    )


class SearchBackend:
    """Hybrid search over `Chunk` rows; subclasses supply the word index and the vector ranking."""

    vendor = ""
    #: Whether meaning search runs over the numpy matrix (else the database ranks vectors itself).
    uses_matrix = True

    def __init__(self, *, using: str, index_dir: Path):
        self.using = using
        self.index_dir = Path(index_dir)
        self.vectors = VectorStore(self.index_dir)

    @property
    def connection(self):
        return connections[self.using]

    def describe(self) -> dict:
        """What this backend is and how it ranks, for logs and the rebuild command."""
        return {
            "backend": type(self).__name__,
            "vectors": "numpy" if self.uses_matrix else "database",
            "index_dir": str(self.index_dir),
        }

    # -- permissions --------------------------------------------------------------------------

    def principal_subquery(self, keys: Sequence[str]) -> tuple[str, list]:
        """SQL for the ids of the chunks one of `keys` may see (a `chunk_id` column).

        The only place where the index applies permissions: every ranking and count uses it.
        """
        if not keys:
            return "SELECT chunk_id FROM search_chunkprincipal WHERE 1 = 0", []
        keys_in = _placeholders(keys)
        sql = f"SELECT chunk_id FROM search_chunkprincipal WHERE key IN ({keys_in})"  # noqa: S608 - only placeholders
        return sql, list(keys)

    def principal_sql(
        self, column: str, keys: Sequence[str], *, per_row: bool = False
    ) -> tuple[str, list]:
        """The condition that `column` (a chunk id) is a chunk one of `keys` may see.

        `per_row` looks each candidate up in the (chunk, key) index instead of first collecting
        every chunk the keys may see: faster when only a few passages are candidates.
        """
        subquery, params = self.principal_subquery(keys)
        if per_row:
            return (
                f"EXISTS (SELECT 1 FROM ({subquery}) AS allowed WHERE allowed.chunk_id = {column})",  # noqa: S608 - only placeholders
                params,
            )
        return f"{column} IN ({subquery})", params

    # -- searching ----------------------------------------------------------------------------

    def search(
        self,
        *,
        user,
        query: str,
        k: int = 10,
        content_types: Iterable[type[Model] | ContentType] | None = None,
        record_ids: Iterable[str | int] | None = None,
        vector: np.ndarray | None = None,
    ) -> list[Hit]:
        """The `k` best chunks for `query` among those `user` may see, by words and meaning.

        `vector` is the query's embedding when the caller already has it (it is made otherwise).
        """
        return self._search(
            keys=user_principals(user),
            query=query,
            k=k,
            filters=Filters.build(content_types, record_ids),
            vector=vector,
        )

    def _search(
        self,
        *,
        keys: Sequence[str],
        query: str,
        k: int,
        filters: Filters,
        vector: np.ndarray | None = None,
    ) -> list[Hit]:
        """`search` for a person's permission keys (no keys see nothing)."""
        parsed = search_query.parse(query)
        k = max(0, min(int(k), MAX_K))
        if not keys or parsed.is_empty or k == 0 or filters.matches_nothing:
            return []
        depth = max(k * DEPTH_FACTOR, MIN_DEPTH)
        words = []
        if parsed.terms:
            words = self.word_ranking(keys=keys, parsed=parsed, filters=filters, limit=depth)
        meanings = []
        try:
            if vector is None:
                vector = embeddings.embed_texts([parsed.text], kind="query")[0]
        except Exception:
            # Finding passages by their words is better than finding nothing.
            logger.exception("Search: the query could not be embedded; searching by words only.")
            vector = np.zeros(embeddings.DIMENSIONS, dtype=np.float32)
        if np.any(vector):
            meanings = [
                chunk_id
                for chunk_id, similarity in self.vector_ranking(
                    keys=keys, vector=vector, filters=filters, limit=depth
                )
                if similarity >= MIN_SIMILARITY
            ]
        fused = fuse([[chunk_id for chunk_id, _ in words], meanings])[:k]
        chunks = (
            Chunk.objects.using(self.using)
            .defer("embedding", "lead_embedding")
            .select_related("content_type")
            .in_bulk([row[0] for row in fused])
        )
        hits = []
        for chunk_id, score, (word_rank, vector_rank) in fused:
            chunk = chunks.get(chunk_id)
            if chunk is None:  # removed between the ranking and this read
                continue
            hits.append(
                Hit(
                    chunk=chunk,
                    score=score,
                    word_rank=word_rank,
                    vector_rank=vector_rank,
                    highlights=search_query.highlight_spans(chunk.text, parsed.terms),
                )
            )
        return hits

    def count(
        self,
        *,
        user,
        query: str,
        content_types: Iterable[type[Model] | ContentType] | None = None,
        record_ids: Iterable[str | int] | None = None,
    ) -> int:
        """How many chunks `user` may see contain a word of `query`."""
        keys = user_principals(user)
        parsed = search_query.parse(query)
        filters = Filters.build(content_types, record_ids)
        if not keys or not parsed.terms or filters.matches_nothing:
            return 0
        return self.word_count(keys=keys, parsed=parsed, filters=filters)

    def word_ranking(
        self, *, keys: Sequence[str], parsed, filters: Filters, limit: int
    ) -> list[tuple[int, float]]:
        """(chunk id, score) by words, best first, among chunks `keys` may see."""
        raise NotImplementedError

    def word_count(self, *, keys: Sequence[str], parsed, filters: Filters) -> int:
        raise NotImplementedError

    def vector_ranking(
        self, *, keys: Sequence[str], vector: np.ndarray, filters: Filters, limit: int
    ) -> list[tuple[int, float]]:
        """(chunk id, cosine) by meaning, best first, among chunks `keys` may see."""
        return self.matrix_ranking(keys=keys, vector=vector, filters=filters, limit=limit)

    # -- the numpy matrix ---------------------------------------------------------------------

    def allowed_ids(self, *, keys: Sequence[str], filters: Filters) -> np.ndarray:
        """Ids of the chunks `keys` may see (within `filters`); duplicates are harmless."""
        raise NotImplementedError

    def matrix_ranking(
        self, *, keys: Sequence[str], vector: np.ndarray, filters: Filters, limit: int
    ) -> list[tuple[int, float]]:
        """Exact cosine ranking over the matrix rows of exactly the chunks `keys` may see."""
        allowed = self.allowed_ids(keys=keys, filters=filters)
        if not len(allowed):
            return []
        ids, scores, missing = self.vectors.score(vector, allowed)
        if len(missing):
            extra_ids, extra_vectors = self.load_embeddings(missing)
            if len(extra_ids):
                ids = np.concatenate([ids, extra_ids])
                scores = np.concatenate([scores, extra_vectors @ vector.astype(np.float32)])
                self._heal(extra_ids, extra_vectors)
        if not len(ids):
            return []
        limit = min(limit, len(ids))
        best = np.argpartition(-scores, limit - 1)[:limit]
        best = best[np.lexsort((ids[best], -scores[best]))]
        return [(int(ids[i]), float(scores[i])) for i in best]

    def _heal(self, chunk_ids: np.ndarray, vectors: np.ndarray) -> None:
        # Chunks committed by another process or machine, or whose matrix write was lost in a
        # crash. Inside a transaction they may not be committed yet, so they are only written
        # back when read outside one.
        if self.connection.in_atomic_block:
            return
        logger.info(
            "Search: adding %d chunk vector(s) the matrix in %s lacked.",
            len(chunk_ids),
            self.index_dir,
        )
        try:
            self.vectors.add(chunk_ids, vectors)
        except OSError:
            logger.exception("Search: could not write to the vector matrix in %s.", self.index_dir)

    def load_embeddings(self, chunk_ids: Iterable[int]) -> tuple[np.ndarray, np.ndarray]:
        """Embeddings stored with the chunks (non-empty ones), as (ids, float32 matrix)."""
        chunk_ids = [int(i) for i in chunk_ids]
        found_ids, blobs = [], []
        for start in range(0, len(chunk_ids), BATCH):
            rows = (
                Chunk.objects.using(self.using)
                .filter(pk__in=chunk_ids[start : start + BATCH])
                .values_list("pk", "embedding")
            )
            for pk, blob in rows:
                if blob and len(blob) == embeddings.DIMENSIONS * 4:
                    found_ids.append(pk)
                    blobs.append(bytes(blob))
        if not found_ids:
            return np.empty(0, np.int64), np.empty((0, embeddings.DIMENSIONS), np.float32)
        matrix = np.frombuffer(b"".join(blobs), dtype=np.float32).reshape(len(blobs), -1)
        return np.asarray(found_ids, dtype=np.int64), matrix

    def load_leads(
        self, content_type: ContentType, record_ids: Iterable[str]
    ) -> dict[str, np.ndarray]:
        """The lead-sentence embedding of each record's first passage, by record id.

        Records whose first passage has none yet (indexed before leads were kept) are left out.
        """
        record_ids = [str(i) for i in record_ids]
        first = (
            Chunk.objects.using(self.using)
            .filter(content_type=content_type, object_id=OuterRef("object_id"))
            .order_by("position")
            .values("pk")[:1]
        )
        found = {}
        for start in range(0, len(record_ids), BATCH):
            rows = (
                Chunk.objects.using(self.using)
                .filter(
                    content_type=content_type,
                    object_id__in=record_ids[start : start + BATCH],
                    pk=Subquery(first),
                )
                .values_list("object_id", "lead_embedding")
            )
            for object_id, blob in rows:
                if blob is not None and len(blob) == embeddings.DIMENSIONS * 4:
                    found[object_id] = np.frombuffer(bytes(blob), dtype=np.float32)
        return found

    def _embedding_batches(self):
        """(ids, vectors) batches of every chunk with a stored embedding, in id order."""
        last = 0
        while True:
            rows = list(
                Chunk.objects.using(self.using)
                .filter(pk__gt=last)
                .order_by("pk")
                .values_list("pk", "embedding")[:BATCH]
            )
            if not rows:
                return
            last = rows[-1][0]
            ids = [pk for pk, blob in rows if blob and len(blob) == embeddings.DIMENSIONS * 4]
            if ids:
                blobs = b"".join(
                    bytes(blob)
                    for _pk, blob in rows
                    if blob and len(blob) == embeddings.DIMENSIONS * 4
                )
                yield (
                    np.asarray(ids, dtype=np.int64),
                    np.frombuffer(blobs, dtype=np.float32).reshape(len(ids), -1),
                )

    # -- keeping the index up to date ---------------------------------------------------------

    def add_chunks(self, chunks: Sequence[Chunk], vectors: np.ndarray) -> None:
        """Make newly saved chunks findable by meaning (the database indexes their words)."""
        if not self.uses_matrix or not chunks:
            return
        ids = [chunk.pk for chunk in chunks]
        vectors = np.asarray(vectors, dtype=np.float32)
        # After commit: a rolled-back chunk must never reach the matrix (its id may be reused).
        transaction.on_commit(lambda: self.vectors.add(ids, vectors), using=self.using, robust=True)

    def remove_chunks(self, chunk_ids: Sequence[int]) -> None:
        """Forget removed chunks (the database drops their words and permissions itself)."""
        if not self.uses_matrix or not chunk_ids:
            return
        ids = list(chunk_ids)
        transaction.on_commit(lambda: self.vectors.remove(ids), using=self.using, robust=True)

    def rebuild(self) -> dict:
        """Rebuild what is derived from the chunk table: the word index and the vectors."""
        rows = self.vectors.replace_all(self._embedding_batches()) if self.uses_matrix else 0
        return {**self.describe(), "matrix_rows": rows}

    def compact(self) -> dict:
        """Drop deleted rows (and rows of chunks no longer in the database) from the matrix."""
        if not self.uses_matrix:
            return self.describe()
        live = np.fromiter(
            Chunk.objects.using(self.using).values_list("pk", flat=True).iterator(),
            dtype=np.int64,
        )
        return {**self.describe(), **self.vectors.compact(keep_ids=live)}
