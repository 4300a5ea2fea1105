"""Benchmark of both search backends: search latency at 10k and 100k chunks, embeddings/s.

`run()` measures each backend in a fresh Python process with its own throwaway database and vector
directory, so it neither touches real data nor depends on how the caller configured Django: SQLite
in a temporary file, PostgreSQL 16 with pgvector in a throwaway server from the pgserver wheel
(reported as skipped when that cannot be started). Both get the same data: synthetic passages
(Zipf-distributed words, Dutch and English), the same permissions, the same random unit vectors
(embedding 100k passages would take minutes, and exact cosine or an HNSW walk costs about the same
for any vector) and the same queries. The query is embedded by the real model, so its cost is part
of the figures. Each search is the full public path for a person in two of twenty teams:
permission keys, the word ranking (FTS5 BM25 / tsvector ts_rank), the meaning ranking (exact cosine
over the memory-mapped matrix / pgvector HNSW, with its exact fallback), rank fusion and reading
the hits.
"""

import json
import os
import re
import time

import numpy as np

from wendbaar.bench.child import run_in_child

SIZES = (10_000, 100_000)
QUERIES = 200
TEAMS = 20
BATCH = 10_000


def run() -> list[dict]:
    """Measure each backend in a child process; returns one dict of figures per backend."""
    index = {"SEARCH_INDEX_DIR": "{folder}/index"}
    results = [run_in_child("wendbaar.ai.search.bench", extra_env=index)]
    from wendbaar.bench import postgres

    try:
        with postgres.throwaway_postgres() as url:
            results.append(
                run_in_child("wendbaar.ai.search.bench", extra_env={**index, "DATABASE_URL": url})
            )
    except postgres.PostgresUnavailable as exc:
        results.append({"backend": "postgresql", "skipped": str(exc)})
    return results


# -- the child process --------------------------------------------------------------------------

_DUTCH = (  # noqa: SIM905 - a word list reads best as words
    "factuur facturen klant klanten monteur storing storingen offerte levering planning kantoor "
    "vergadering besluit actiepunt werkdag verlof contract prijs korting betaling herinnering "
    "onderhoud ketel installatie garantie afspraak rooster thuiswerken project budget"
).split()
_ENGLISH = (  # noqa: SIM905 - a word list reads best as words
    "invoice customer technician outage quote delivery planning office meeting decision action "
    "holiday contract price discount payment reminder maintenance boiler installation warranty "
    "appointment schedule remote project budget onboarding security report"
).split()


def _vocabulary(rng: np.random.Generator, size: int = 30_000) -> list[str]:
    syllables = [a + b for a in "bdfghklmnprstvwz" for b in ("a", "e", "i", "o", "u", "aa", "ee")]
    words = {"".join(rng.choice(syllables, size=rng.integers(2, 5))) for _ in range(size * 2)}
    return _DUTCH + _ENGLISH + sorted(words)[: size - len(_DUTCH) - len(_ENGLISH)]


def _texts(rng: np.random.Generator, vocabulary: list[str], count: int) -> list[str]:
    # Zipf-like word frequencies: a few common words, a long tail of rare ones.
    ranks = np.arange(1, len(vocabulary) + 1)
    weights = 1.0 / ranks**1.07
    weights /= weights.sum()
    lengths = rng.integers(100, 200, size=count)
    words = rng.choice(len(vocabulary), size=int(lengths.sum()), p=weights)
    texts, start = [], 0
    for length in lengths:
        texts.append(" ".join(vocabulary[i] for i in words[start : start + length]) + ".")
        start += length
    return texts


def _batch(
    rng: np.random.Generator, vector_rng: np.random.Generator, vocabulary: list[str], first_id: int
) -> tuple[np.ndarray, list[str], list[tuple[int, str]], np.ndarray]:
    """`BATCH` chunks from `first_id` on: ids, texts, (chunk id, permission key) rows, vectors."""
    texts = _texts(rng, vocabulary, BATCH)
    ids = np.arange(first_id, first_id + BATCH, dtype=np.int64)
    principals = []
    for chunk_id in ids.tolist():
        # 40% whole organisation, 50% one team, 10% private to someone else.
        draw = rng.random()
        if draw < 0.4:
            key = "org"
        elif draw < 0.9:
            key = f"team:{rng.integers(1, TEAMS + 1)}"
        else:
            key = f"user:{rng.integers(1000, 2000)}"
        principals.append((chunk_id, key))
    # A separate generator, so both backends get the same texts whatever they do with vectors.
    return ids, texts, principals, _random_unit_vectors(vector_rng, BATCH)


_NOW = "2026-01-01 00:00:00"
_CHUNK_COLUMNS = (
    "id, content_type_id, object_id, position, title, text, language, locator, content_hash, "
    "embedding, created_at, updated_at"
)


def _insert_sqlite(batch, content_type_id: int) -> None:
    from django.db import connection, transaction

    ids, texts, principals, _vectors = batch
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO search_chunk ({_CHUNK_COLUMNS}) "  # noqa: S608 - a constant column list
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [
                (
                    chunk_id,
                    content_type_id,
                    str(chunk_id),
                    0,
                    "",
                    text,
                    "nl",
                    "",
                    "",
                    b"",
                    _NOW,
                    _NOW,
                )
                for chunk_id, text in zip(ids.tolist(), texts, strict=True)
            ],
        )
        cursor.executemany(
            "INSERT INTO search_chunkprincipal (chunk_id, key) VALUES (%s, %s)", principals
        )


def _insert_postgresql(batch, content_type_id: int) -> None:
    """COPY the chunks with their embedding (bytea, as the app stores it) and vector column."""
    from django.db import connection, transaction

    from wendbaar.ai.search.backends.postgresql import vector_literal

    ids, texts, principals, vectors = batch
    with transaction.atomic(), connection.cursor() as cursor:
        with cursor.copy(f"COPY search_chunk ({_CHUNK_COLUMNS}, embedding_vec) FROM STDIN") as copy:
            for chunk_id, text, vector in zip(ids.tolist(), texts, vectors, strict=True):
                copy.write_row(
                    (
                        *(chunk_id, content_type_id, str(chunk_id), 0, "", text, "nl", "", ""),
                        vector.tobytes(),
                        _NOW,
                        _NOW,
                        vector_literal(vector),
                    )
                )
        with cursor.copy("COPY search_chunkprincipal (chunk_id, key) FROM STDIN") as copy:
            for row in principals:
                copy.write_row(row)


def _random_unit_vectors(rng: np.random.Generator, count: int) -> np.ndarray:
    vectors = rng.standard_normal((count, 512), dtype=np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def _percentiles(samples: list[float]) -> dict:
    values = np.asarray(samples) * 1000
    return {
        "p50_ms": round(float(np.percentile(values, 50)), 2),
        "p95_ms": round(float(np.percentile(values, 95)), 2),
        "max_ms": round(float(values.max()), 2),
    }


class _VectorQueries:
    """Counts the PostgreSQL backend's HNSW searches and exact (fallback) vector rankings."""

    def __init__(self):
        self.hnsw = self.exact = 0

    def __call__(self, execute, sql, params, many, context):
        if "hnsw.ef_search" in sql:
            self.hnsw += 1
        elif "AS MATERIALIZED" in sql:
            self.exact += 1
        return execute(sql, params, many, context)


def _measure_search(backend, user, queries: list[str]) -> dict:
    from django.db import connection

    from wendbaar.accounts.selectors import user_principals
    from wendbaar.ai import embeddings
    from wendbaar.ai.search import query as search_query
    from wendbaar.ai.search.backends.base import Filters

    for text in queries[:10]:  # warm caches, the model and the memory map
        backend.search(user=user, query=text)
    full, words, vectors, hits = [], [], [], []
    keys = user_principals(user)
    counted = _VectorQueries()
    for text in queries:
        with connection.execute_wrapper(counted):
            start = time.perf_counter()
            found = backend.search(user=user, query=text, k=10)
            full.append(time.perf_counter() - start)
        hits.append(len(found))
        parsed = search_query.parse(text)
        start = time.perf_counter()
        if parsed.terms:
            backend.word_ranking(keys=keys, parsed=parsed, filters=Filters(), limit=50)
        words.append(time.perf_counter() - start)
        vector = embeddings.embed_texts([parsed.text], kind="query")[0]
        start = time.perf_counter()
        backend.vector_ranking(keys=keys, vector=vector, filters=Filters(), limit=50)
        vectors.append(time.perf_counter() - start)
    figures = {
        "search": _percentiles(full),
        "words_only": _percentiles(words),
        "vectors_only": _percentiles(vectors),
        "mean_hits": round(float(np.mean(hits)), 1),
    }
    if not backend.uses_matrix:
        figures["vector_plan"] = _vector_plan(backend, keys, vector)
        figures["vector_plan"].update(
            {
                "searches": len(queries),
                "hnsw_scans": counted.hnsw,  # one per search, two when asked again for more
                "exact_fallbacks": counted.exact,
            }
        )
    return figures


def _vector_plan(backend, keys, vector) -> dict:
    """How PostgreSQL runs the backend's approximate vector query (EXPLAIN ANALYZE, one query)."""
    from django.db import connection, transaction

    from wendbaar.ai.search.backends.base import Filters

    statements = []

    def capture(execute, sql, params, many, context):
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        backend.vector_ranking(keys=keys, vector=vector, filters=Filters(), limit=50)
    ef_search = next(sql for sql, _ in statements if "ef_search" in sql)
    sql, params = next(row for row in statements if "ORDER BY c.embedding_vec" in row[0])
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(ef_search)
        cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) {sql}", params)
        plan = [
            re.sub(r"'\[[^']*\]'", "'[…]'", row[0].strip().removeprefix("-> "))
            for row in cursor.fetchall()
        ]
    return {"ef_search": int(ef_search.rsplit("=", 1)[1]), "approximate_query_plan": plan}


def _measure_embeddings(rng: np.random.Generator) -> dict:
    from wendbaar.ai import embeddings

    sentences = [
        f"De {rng.choice(_DUTCH)} voor project {n} is besproken in de {rng.choice(_DUTCH)}."
        if n % 2
        else f"The {rng.choice(_ENGLISH)} for project {n} was discussed at the {rng.choice(_ENGLISH)}."
        for n in range(1000)
    ]
    embeddings.embed_texts(sentences[:10])  # load the model
    start = time.perf_counter()
    embeddings.embed_texts(sentences)
    sentence_rate = len(sentences) / (time.perf_counter() - start)
    passages = [" ".join(sentences[i : i + 12]) for i in range(0, 1000, 12)][:64]
    start = time.perf_counter()
    embeddings.embed_texts(passages)
    passage_rate = len(passages) / (time.perf_counter() - start)
    return {
        "embeddings_per_s_sentences": round(sentence_rate),
        "embeddings_per_s_passages_150_words": round(passage_rate, 1),
    }


def _postgresql_setup(backend) -> dict:
    """What the PostgreSQL figures were measured on."""
    from django.db import connection

    from wendbaar.bench.postgres import SERVER_SETTINGS

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
        cursor.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'")
        pgvector = cursor.fetchone()
        settings = {}
        for name in SERVER_SETTINGS:
            cursor.execute(f"SHOW {name}")
            settings[name] = cursor.fetchone()[0]
    return {
        "backend": "postgresql",
        "server": f"PostgreSQL {version}, pgvector {pgvector[0] if pgvector else 'missing'} "
        "(pgserver wheel, throwaway server on 127.0.0.1)",
        "server_settings": settings,
        "vectors": "random unit vectors (512 d), pgvector HNSW (m=16, ef_construction=64), "
        "exact scan over the allowed chunks when HNSW returns fewer than asked"
        if not backend.uses_matrix
        else "no pgvector: exact cosine over the memory-mapped matrix",
        "words": "tsvector (dutch + english) with GIN, ts_rank",
        "loading": "COPY in batches of 10k without the HNSW index, VACUUM ANALYZE, then the "
        "HNSW index is built over all chunks (again from scratch at 100k)",
    }


def _drop_hnsw() -> None:
    """Bulk loading goes without the HNSW index (inserting into the graph row by row is slow)."""
    from django.db import connection

    from wendbaar.ai.search.backends.postgresql import HNSW_INDEX

    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX IF EXISTS {HNSW_INDEX}")


def _postgresql_index(backend) -> dict:
    """VACUUM ANALYZE after the load, then build the HNSW index; the times of both."""
    from django.db import connection

    from wendbaar.ai.search.backends.postgresql import HNSW_INDEX, VECTOR_COLUMN

    times = {}
    with connection.cursor() as cursor:
        start = time.perf_counter()
        cursor.execute("VACUUM ANALYZE search_chunk, search_chunkprincipal")
        times["vacuum_analyze_s"] = round(time.perf_counter() - start, 1)
        if not backend.uses_matrix:
            start = time.perf_counter()
            cursor.execute(
                f"CREATE INDEX {HNSW_INDEX} ON search_chunk "
                f"USING hnsw ({VECTOR_COLUMN} vector_cosine_ops)"
            )
            times["hnsw_build_s"] = round(time.perf_counter() - start, 1)
    return times


def _main() -> dict:
    import django

    django.setup()
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import connection

    from wendbaar.accounts.models import Membership, Team, User
    from wendbaar.ai.search.backends import get_backend
    from wendbaar.ai.search.models import Chunk

    call_command("migrate", verbosity=0)
    rng = np.random.default_rng(20261128)
    vector_rng = np.random.default_rng(20261129)
    teams = [Team.objects.create(name=f"Team {n}", slug=f"team-{n}") for n in range(1, TEAMS + 1)]
    user = User.objects.create_user("bench@example.nl", full_name="Bench")
    for team in teams[:2]:
        Membership.objects.create(user=user, team=team)
    content_type_id = ContentType.objects.get_for_model(Chunk).pk
    vocabulary = _vocabulary(rng)
    queries = []
    head = len(_DUTCH) + len(_ENGLISH)
    for n in range(QUERIES):
        picks = list(rng.choice(np.arange(head, 3000), size=rng.integers(1, 4)))
        if n % 4 == 0:  # a quarter also has one of the most common words (matches ~10k passages)
            picks.append(rng.integers(0, head))
        queries.append(" ".join(vocabulary[i] for i in picks))
    backend = get_backend()
    postgresql = connection.vendor == "postgresql"
    if postgresql:
        report = _postgresql_setup(backend)
    else:
        report = {
            "backend": "sqlite",
            "vectors": "random unit vectors (512 d), exact cosine over the memory-mapped matrix",
        }
    report.update(
        {
            "user_sees_share": "40% organisation + 2 of 20 teams",
            # Multi-threaded OpenBLAS stalls small calls (the query embedding) on busy or
            # CPU-quota'd machines; the figures depend on it, so the report says which was used.
            "openblas_threads": os.environ.get("OPENBLAS_NUM_THREADS", "default"),
        }
    )
    done, matrix = 0, []
    for size in SIZES:
        if postgresql:
            _drop_hnsw()
        start = time.perf_counter()
        while done < size:
            batch = _batch(rng, vector_rng, vocabulary, done + 1)
            if postgresql:
                _insert_postgresql(batch, content_type_id)
            else:
                _insert_sqlite(batch, content_type_id)
                matrix.append((batch[0], batch[3]))
            done += BATCH
        figures = {"insert_and_word_index_s": round(time.perf_counter() - start, 1)}
        if postgresql:
            figures.update(_postgresql_index(backend))
        else:
            backend.vectors.replace_all(matrix)
        report[f"chunks_{size}"] = {**figures, **_measure_search(backend, user, queries)}
    if postgresql:
        report["embeddings"] = "the same model as for SQLite; see its line"
    else:
        report.update(_measure_embeddings(rng))
    return report


if __name__ == "__main__":
    print(json.dumps(_main()))
