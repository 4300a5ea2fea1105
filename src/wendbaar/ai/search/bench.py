"""Benchmark of the embedded search backend: search latency at 10k and 100k chunks, embeddings/s.

`run()` starts a fresh Python process with its own throwaway SQLite database and vector directory,
so it neither touches real data nor depends on how the caller configured Django. The passages are
synthetic (Zipf-distributed words, Dutch and English) and their vectors are random unit vectors:
embedding 100k passages would take minutes and exact cosine costs the same for any vector. The
query is embedded by the real model, so its cost is part of the figures. Each search is the full
public path for a person in two of twenty teams: permission keys, FTS5 BM25, the allowed-id set,
exact cosine over the memory-mapped matrix, rank fusion and reading the hits.
"""

import json
import os
import time

import numpy as np

from wendbaar.bench.child import run_in_child

SIZES = (10_000, 100_000)
QUERIES = 200
TEAMS = 20


def run() -> dict:
    """Measure in a child process; returns the figures as a dict."""
    return run_in_child(
        "wendbaar.ai.search.bench", extra_env={"SEARCH_INDEX_DIR": "{folder}/index"}
    )


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


def _insert(texts: list[str], first_id: int, rng: np.random.Generator, content_type_id: int):
    from django.db import connection, transaction

    now = "2026-01-01 00:00:00"
    with transaction.atomic(), connection.cursor() as cursor:
        chunk_rows, principal_rows = [], []
        for n, text in enumerate(texts):
            chunk_id = first_id + n
            chunk_rows.append(
                (chunk_id, content_type_id, str(chunk_id), 0, "", text, "nl", "", "", b"", now, now)
            )
            # 40% whole organisation, 50% one team, 10% private to someone else.
            draw = rng.random()
            if draw < 0.4:
                keys = ["org"]
            elif draw < 0.9:
                keys = [f"team:{rng.integers(1, TEAMS + 1)}"]
            else:
                keys = [f"user:{rng.integers(1000, 2000)}"]
            principal_rows.extend((chunk_id, key) for key in keys)
        cursor.executemany(
            "INSERT INTO search_chunk (id, content_type_id, object_id, position, title, text, "
            "language, locator, content_hash, embedding, created_at, updated_at) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            chunk_rows,
        )
        cursor.executemany(
            "INSERT INTO search_chunkprincipal (chunk_id, key) VALUES (%s, %s)", principal_rows
        )


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


def _measure_search(backend, user, queries: list[str]) -> dict:
    from wendbaar.accounts.selectors import user_principals
    from wendbaar.ai import embeddings
    from wendbaar.ai.search import query as search_query
    from wendbaar.ai.search.backends.base import Filters

    for text in queries[:10]:  # warm caches, the model and the memory map
        backend.search(user=user, query=text)
    full, words, vectors, hits = [], [], [], []
    keys = user_principals(user)
    for text in queries:
        start = time.perf_counter()
        found = backend.search(user=user, query=text, k=10)
        full.append(time.perf_counter() - start)
        hits.append(len(found))
        parsed = search_query.parse(text)
        start = time.perf_counter()
        if parsed.terms:
            backend.word_ranking(keys=keys, parsed=parsed, filters=Filters(), limit=50)
        words.append(time.perf_counter() - start)
        vector = embeddings.embed_texts([parsed.text])[0]
        start = time.perf_counter()
        backend.matrix_ranking(keys=keys, vector=vector, filters=Filters(), limit=50)
        vectors.append(time.perf_counter() - start)
    return {
        "search": _percentiles(full),
        "words_only": _percentiles(words),
        "vectors_only": _percentiles(vectors),
        "mean_hits": round(float(np.mean(hits)), 1),
    }


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


def _main() -> dict:
    import django

    django.setup()
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command

    from wendbaar.accounts.models import Membership, Team, User
    from wendbaar.ai.search.backends import get_backend
    from wendbaar.ai.search.models import Chunk

    call_command("migrate", verbosity=0)
    rng = np.random.default_rng(20261128)
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
    report: dict = {
        "backend": "sqlite",
        "vectors": "random unit vectors (512 d), exact cosine over the memory-mapped matrix",
        "user_sees_share": "40% organisation + 2 of 20 teams",
        # Multi-threaded OpenBLAS stalls small calls (the query embedding) on busy or
        # CPU-quota'd machines; the figures depend on it, so the report says which was used.
        "openblas_threads": os.environ.get("OPENBLAS_NUM_THREADS", "default"),
    }
    done = 0
    for size in SIZES:
        start = time.perf_counter()
        batch = 10_000
        while done < size:
            count = min(batch, size - done)
            _insert(_texts(rng, vocabulary, count), done + 1, rng, content_type_id)
            done += count
        insert_s = time.perf_counter() - start
        ids = np.arange(1, size + 1, dtype=np.int64)
        backend.vectors.replace_all([(ids, _random_unit_vectors(rng, size))])
        report[f"chunks_{size}"] = {
            "insert_and_word_index_s": round(insert_s, 1),
            **_measure_search(backend, user, queries),
        }
    report.update(_measure_embeddings(rng))
    return report


if __name__ == "__main__":
    print(json.dumps(_main()))
