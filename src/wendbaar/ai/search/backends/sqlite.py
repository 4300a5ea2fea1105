"""The embedded backend: SQLite FTS5 (BM25) for words, exact cosine over the numpy matrix."""

from collections.abc import Sequence

import numpy as np

from wendbaar.ai.search import query as search_query
from wendbaar.ai.search.backends.base import Filters, SearchBackend

# BM25 column weights: a word in the title counts twice as much as one in the text.
TITLE_WEIGHT = 2.0
TEXT_WEIGHT = 1.0
# Below this many candidate passages, the permission check probes each candidate (see word_ranking).
PER_ROW_BELOW = 10_000
# Words in more than half of the passages are left out of the match only in an index this large.
PRUNE_FROM_PASSAGES = 100


class SqliteBackend(SearchBackend):
    """FTS5 (unicode61, diacritics folded) with BM25 and query-side light stemming; numpy vectors.

    The FTS5 table is an external-content index of `search_chunk` kept in sync by triggers (see
    migration 0002), so words are indexed in the same transaction that writes the chunk.
    """

    vendor = "sqlite"

    def _filtered(
        self, column: str, keys: Sequence[str], filters: Filters, *, per_row: bool = False
    ) -> tuple[str, list]:
        permission, params = self.principal_sql(column, keys, per_row=per_row)
        if filters.content_type_ids is None and filters.object_ids is None:
            return permission, params
        narrowing, narrowing_params = filters.sql("c")
        # "+": the full-text index must find its matches first, never be probed per record id.
        narrowed = f"+{column.lstrip('+')} IN (SELECT c.id FROM search_chunk c WHERE {narrowing})"  # noqa: S608 - only placeholders
        return f"{permission} AND {narrowed}", params + narrowing_params

    def _match(self, parsed) -> tuple[str, int]:
        """The MATCH expression, without words that are in more than half of all passages, and
        an estimate of how many passages it matches.

        FTS5's BM25 gives such a word an IDF of ~0 (log((N - n + 0.5) / (n + 0.5)) is clamped to
        1e-6), so it changes no score, yet walking its posting list of nearly every passage is
        most of the cost of a query. It stays in when nothing else is left to search for.
        """
        parts = search_query.match_parts(parsed.terms)
        selects, params = [], []
        for text, prefix in parts:
            if prefix:
                upper = text[:-1] + chr(ord(text[-1]) + 1)
                selects.append(
                    "SELECT coalesce(sum(doc), 0) FROM search_chunk_fts_vocab "
                    "WHERE term >= %s AND term < %s"
                )
                params.extend([text, upper])
            else:
                selects.append(
                    "SELECT coalesce(sum(doc), 0) FROM search_chunk_fts_vocab WHERE term = %s"
                )
                params.append(text)
        with self.connection.cursor() as cursor:
            # max(id) bounds the number of passages from above: cheap, and errs on keeping words.
            cursor.execute("SELECT coalesce(max(id), 0) FROM search_chunk")
            passages = cursor.fetchone()[0]
            cursor.execute(" UNION ALL ".join(selects), params)
            counts = [row[0] for row in cursor.fetchall()]
        every = list(zip(parts, counts, strict=True))
        # In a small index "more than half" says nothing about a word being common.
        kept = (
            [(part, n) for part, n in every if n * 2 <= passages]
            if passages >= PRUNE_FROM_PASSAGES
            else every
        )
        if not any(n for _part, n in kept):
            # Only the common words match at all: search for them rather than for nothing.
            kept = every
        return search_query.fts5_match([part for part, _n in kept]), sum(n for _p, n in kept)

    def word_ranking(self, *, keys, parsed, filters, limit):
        match, estimate = self._match(parsed)
        # Up to ~10k candidates, probing each one's keys beats building the person's whole set.
        per_row = estimate < PER_ROW_BELOW
        column = "search_chunk_fts.rowid" if per_row else "+search_chunk_fts.rowid"
        where, params = self._filtered(column, keys, filters, per_row=per_row)
        sql = (
            "SELECT search_chunk_fts.rowid, bm25(search_chunk_fts, %s, %s) AS rank "  # noqa: S608 - only placeholders
            "FROM search_chunk_fts WHERE search_chunk_fts MATCH %s "
            f"AND {where} ORDER BY rank, search_chunk_fts.rowid LIMIT %s"
        )
        with self.connection.cursor() as cursor:
            cursor.execute(sql, [TITLE_WEIGHT, TEXT_WEIGHT, match, *params, limit])
            # BM25 in FTS5 is negative, lower is better; flip it so higher is better everywhere.
            return [(chunk_id, -rank) for chunk_id, rank in cursor.fetchall()]

    def word_count(self, *, keys, parsed, filters):
        # Every word counts here: a passage that only has a common word still contains it.
        where, params = self._filtered("+search_chunk_fts.rowid", keys, filters)
        sql = f"SELECT count(*) FROM search_chunk_fts WHERE search_chunk_fts MATCH %s AND {where}"  # noqa: S608 - only placeholders
        match = search_query.fts5_match(search_query.match_parts(parsed.terms))
        with self.connection.cursor() as cursor:
            cursor.execute(sql, [match, *params])
            return cursor.fetchone()[0]

    def allowed_ids(self, *, keys, filters):
        if filters.content_type_ids is None and filters.object_ids is None:
            # Straight from the (key, chunk) index, never touching the wide chunk rows.
            subquery, params = self.principal_subquery(keys)
            sql = f"SELECT group_concat(chunk_id) FROM ({subquery})"  # noqa: S608 - only placeholders
        else:
            # Driven by the (type, record) index, which holds the ids: no wide chunk rows read.
            narrowing, params = filters.sql("c")
            permission, permission_params = self.principal_sql("c.id", keys)
            sql = (
                f"SELECT group_concat(c.id) FROM search_chunk c WHERE {narrowing} AND {permission}"  # noqa: S608 - only placeholders
            )
            params += permission_params
        # One string instead of a row per chunk: fetching 100k rows one by one costs ~25 ms.
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            joined = cursor.fetchone()[0]
        if not joined:
            return np.empty(0, dtype=np.int64)
        return np.fromstring(joined, dtype=np.int64, sep=",")

    def rebuild(self) -> dict:
        with self.connection.cursor() as cursor:
            cursor.execute("INSERT INTO search_chunk_fts(search_chunk_fts) VALUES ('rebuild')")
        return super().rebuild()

    def compact(self) -> dict:
        with self.connection.cursor() as cursor:
            cursor.execute("INSERT INTO search_chunk_fts(search_chunk_fts) VALUES ('optimize')")
        return super().compact()
