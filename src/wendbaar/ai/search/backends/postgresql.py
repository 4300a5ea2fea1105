"""The scale backend: PostgreSQL full text (Dutch and English) and pgvector HNSW.

Words: a stored generated `search_vector` column holds the text analysed with both the `dutch` and
the `english` configuration (so each language gets its own stemming and stop words, and a passage
that mixes them is covered); one GIN index serves it. The query is analysed with both as well.

Meaning: an `embedding_vec vector(512)` column with an HNSW index when the pgvector extension is
available (migration 0003, or `search_rebuild --pgvector` once it is installed). Without it the
backend ranks by exact cosine over the numpy matrix, like the SQLite backend, and says so in the log.
"""

import logging
import math

import numpy as np
from django.db import transaction

from wendbaar.ai import embeddings
from wendbaar.ai.search import query as search_query
from wendbaar.ai.search.backends.base import SearchBackend

logger = logging.getLogger(__name__)

VECTOR_COLUMN = "embedding_vec"
HNSW_INDEX = "search_chunk_embedding_hnsw"
# Candidates the HNSW graph search keeps; more finds more of a person's chunks when they are a
# small share of the index (the permission filter applies inside the index scan).
EF_SEARCH_MIN = 100
EF_SEARCH_MAX = 1000
# pgvector before 0.8 has no iterative index scans: the graph search yields at most ef_search
# candidates and the permission filter keeps the person's share of them. When that leaves too few,
# the search is asked again with this many times the candidates that share needs.
EF_SEARCH_MARGIN = 2

_SET_VECTOR = "UPDATE search_chunk SET embedding_vec = %s::vector WHERE id = %s"
# The query analysed with both configurations, so either language's stemming can match.
_QUERY = "(SELECT to_tsquery('dutch', %s) || to_tsquery('english', %s) AS q) AS query"

_warned_fallback: set[str] = set()


def vector_literal(vector: np.ndarray) -> str:
    """A pgvector text literal ("[0.1,0.2,…]") for a query parameter cast with ::vector."""
    return "[" + ",".join(f"{float(x):.7g}" for x in vector) + "]"


def pgvector_available(connection) -> bool:
    """Whether this PostgreSQL server can load the `vector` extension (installed or not)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'")
        return cursor.fetchone() is not None


def enable_pgvector(connection) -> bool:
    """Create the extension, the vector column and its HNSW index if pgvector is available.

    The same steps as migration 0003, for a server that got pgvector after migrating.
    """
    if not pgvector_available(connection):
        return False
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS vector")
        cursor.execute(
            f"ALTER TABLE search_chunk ADD COLUMN IF NOT EXISTS {VECTOR_COLUMN} "
            f"vector({embeddings.DIMENSIONS})"
        )
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {HNSW_INDEX} ON search_chunk "
            f"USING hnsw ({VECTOR_COLUMN} vector_cosine_ops)"
        )
    return True


class PostgresBackend(SearchBackend):
    """PostgreSQL tsvector (dutch + english, GIN) for words; pgvector HNSW or numpy for meaning."""

    vendor = "postgresql"

    def __init__(self, *, using, index_dir):
        super().__init__(using=using, index_dir=index_dir)
        self._has_vector_column: bool | None = None

    @property
    def uses_matrix(self) -> bool:
        if self._has_vector_column is None:
            with self.connection.cursor() as cursor:
                cursor.execute(
                    "SELECT 1 FROM information_schema.columns "
                    "WHERE table_name = 'search_chunk' AND column_name = %s "
                    "AND table_schema = ANY(current_schemas(false))",
                    [VECTOR_COLUMN],
                )
                self._has_vector_column = cursor.fetchone() is not None
            if not self._has_vector_column and self.using not in _warned_fallback:
                _warned_fallback.add(self.using)
                logger.warning(
                    "Search: the pgvector extension is not available in database %r; meaning "
                    "search uses exact cosine over the numpy matrix in %s instead. Install "
                    "pgvector and run `wendbaar search_rebuild --pgvector` to use HNSW.",
                    self.connection.settings_dict.get("NAME"),
                    self.index_dir,
                )
        return not self._has_vector_column

    def describe(self) -> dict:
        return {**super().describe(), "pgvector": not self.uses_matrix}

    def enable_pgvector(self) -> bool:
        """Switch to pgvector if the server has it; fills the column on the next `rebuild`."""
        enabled = enable_pgvector(self.connection)
        self._has_vector_column = None
        return enabled

    # -- words --------------------------------------------------------------------------------

    def _where(self, keys, filters) -> tuple[str, list]:
        permission, params = self.principal_sql("c.id", keys)
        narrowing, narrowing_params = filters.sql("c")
        return f"{permission} AND {narrowing}", params + narrowing_params

    def word_ranking(self, *, keys, parsed, filters, limit):
        where, params = self._where(keys, filters)
        text = search_query.tsquery_text(parsed.terms)
        sql = (
            f"SELECT c.id, ts_rank(c.search_vector, query.q) AS rank FROM search_chunk c, {_QUERY} "  # noqa: S608 - only placeholders
            f"WHERE c.search_vector @@ query.q AND {where} ORDER BY rank DESC, c.id LIMIT %s"
        )
        with self.connection.cursor() as cursor:
            cursor.execute(sql, [text, text, *params, limit])
            return [(chunk_id, float(rank)) for chunk_id, rank in cursor.fetchall()]

    def word_count(self, *, keys, parsed, filters):
        where, params = self._where(keys, filters)
        text = search_query.tsquery_text(parsed.terms)
        sql = f"SELECT count(*) FROM search_chunk c, {_QUERY} WHERE c.search_vector @@ query.q AND {where}"  # noqa: S608 - only placeholders
        with self.connection.cursor() as cursor:
            cursor.execute(sql, [text, text, *params])
            return cursor.fetchone()[0]

    # -- meaning ------------------------------------------------------------------------------

    def allowed_ids(self, *, keys, filters):
        where, params = self._where(keys, filters)
        sql = f"SELECT string_agg(c.id::text, ',') FROM search_chunk c WHERE {where}"  # noqa: S608 - only placeholders
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            joined = cursor.fetchone()[0]
        if not joined:
            return np.empty(0, dtype=np.int64)
        return np.fromstring(joined, dtype=np.int64, sep=",")

    def vector_ranking(self, *, keys, vector, filters, limit):
        if self.uses_matrix:
            return self.matrix_ranking(keys=keys, vector=vector, filters=filters, limit=limit)
        where, params = self._where(keys, filters)
        literal = vector_literal(vector)
        approximate = (
            "SELECT c.id, 1 - (c.embedding_vec <=> %s::vector) FROM search_chunk c "  # noqa: S608 - only placeholders
            f"WHERE c.embedding_vec IS NOT NULL AND {where} "
            "ORDER BY c.embedding_vec <=> %s::vector LIMIT %s"
        )
        # A materialised set cannot use the HNSW index: exact distances over the allowed chunks.
        exact = (
            "WITH allowed AS MATERIALIZED (SELECT c.id, c.embedding_vec AS v FROM search_chunk c "  # noqa: S608 - only placeholders
            f"WHERE c.embedding_vec IS NOT NULL AND {where}) "
            "SELECT id, 1 - (v <=> %s::vector) AS similarity FROM allowed "
            "ORDER BY v <=> %s::vector, id LIMIT %s"
        )
        with transaction.atomic(using=self.using), self.connection.cursor() as cursor:
            ef_search = min(max(EF_SEARCH_MIN, limit * 2), EF_SEARCH_MAX)
            cursor.execute(f"SET LOCAL hnsw.ef_search = {int(ef_search)}")
            cursor.execute(approximate, [literal, *params, literal, limit])
            rows = cursor.fetchall()
            if rows and len(rows) < limit:
                # The share of the candidates the person may see estimates their share of the
                # index (about 45% for someone in two of twenty teams): enough candidates for
                # that share keep the index scan, which is far cheaper than the exact ranking.
                needed = math.ceil(limit * ef_search / len(rows) * EF_SEARCH_MARGIN)
                if ef_search < needed <= EF_SEARCH_MAX:
                    cursor.execute(f"SET LOCAL hnsw.ef_search = {int(needed)}")
                    cursor.execute(approximate, [literal, *params, literal, limit])
                    rows = cursor.fetchall()
            if len(rows) < limit:
                # The person may see few chunks, so the graph search ran out of allowed
                # candidates; their chunks are few enough to rank exactly.
                cursor.execute(exact, [*params, literal, literal, limit])
                rows = cursor.fetchall()
        return [(chunk_id, float(similarity)) for chunk_id, similarity in rows]

    def add_chunks(self, chunks, vectors):
        # Look again: another process may have switched to pgvector (search_rebuild --pgvector)
        # since this one started, and a chunk without its vector would be missed by HNSW.
        self._has_vector_column = None
        if self.uses_matrix:
            return super().add_chunks(chunks, vectors)
        with self.connection.cursor() as cursor:
            cursor.executemany(
                _SET_VECTOR,
                [
                    (vector_literal(vector), chunk.pk)
                    for chunk, vector in zip(chunks, vectors, strict=True)
                    if np.any(vector)
                ],
            )

    def rebuild(self) -> dict:
        if self.uses_matrix:
            return super().rebuild()
        filled = 0
        for ids, vectors in self._embedding_batches():
            with transaction.atomic(using=self.using), self.connection.cursor() as cursor:
                rows = [
                    (vector_literal(v), int(i))
                    for i, v in zip(ids, vectors, strict=True)
                    if v.any()
                ]
                cursor.executemany(_SET_VECTOR, rows)
                filled += len(rows)
        return {**self.describe(), "vectors_filled": filled}
