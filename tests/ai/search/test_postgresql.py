"""The PostgreSQL backend: pgvector when the server has it, the numpy matrix when it does not.

Runs when DATABASE_URL points to PostgreSQL (CI runs the suite on PostgreSQL 15 without pgvector,
and can run it on a server with pgvector too); the backend-neutral tests in this folder cover
words, meaning, permissions and indexing on PostgreSQL as well.
"""

import logging
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wendbaar.accounts.selectors import user_principals
from wendbaar.ai import embeddings
from wendbaar.ai.search.backends import Filters, get_backend
from wendbaar.ai.search.models import Chunk

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only"),
]

TEXT = "De monteur komt dinsdag de cv-ketel repareren."


def has_vector_column() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM information_schema.columns "
            "WHERE table_name = 'search_chunk' AND column_name = 'embedding_vec'"
        )
        return cursor.fetchone() is not None


@pytest.fixture
def pgvector():
    """Skip unless the test database got pgvector from the migrations."""
    if not has_vector_column():
        pytest.skip("this PostgreSQL server has no pgvector")


def test_the_backend_uses_pgvector_exactly_when_the_column_exists(caplog, monkeypatch):
    from wendbaar.ai.search.backends import postgresql

    monkeypatch.setattr(postgresql, "_warned_fallback", set())
    backend = get_backend()
    assert isinstance(backend, postgresql.PostgresBackend)
    with caplog.at_level(logging.WARNING):
        uses_matrix = backend.uses_matrix
    assert uses_matrix is not has_vector_column()
    assert ("pgvector extension is not available" in caplog.text) is uses_matrix


def test_without_pgvector_meaning_search_uses_the_matrix_and_keeps_permissions(
    alice, bob, team_a, team_b, make_draft, same_meaning, monkeypatch
):
    mine = make_draft(text=TEXT, owner=alice, team=team_a)
    for _ in range(5):
        make_draft(text=TEXT, owner=bob, team=team_b)
    backend = get_backend()
    monkeypatch.setattr(type(backend), "uses_matrix", property(lambda self: True))
    assert backend.uses_matrix
    hits = backend.search(user=alice, query="iets heel anders", k=20)
    assert [hit.chunk.object_id for hit in hits] == [str(mine.pk)]


@pytest.mark.usefixtures("pgvector")
def test_embeddings_are_stored_in_the_vector_column(alice, team_a, make_draft):
    make_draft(text=TEXT, owner=alice, team=team_a)
    with connection.cursor() as cursor:
        cursor.execute("SELECT vector_dims(embedding_vec) FROM search_chunk")
        assert cursor.fetchall() == [(512,)]


@pytest.mark.usefixtures("pgvector")
def test_hnsw_search_finds_a_persons_few_chunks_among_many_others(
    alice, bob, team_a, team_b, make_draft, same_meaning
):
    # The graph search may run out of permitted candidates; then the exact ranking takes over.
    mine = [make_draft(text=f"{TEXT} {n}", owner=alice, team=team_a) for n in range(2)]
    for n in range(80):
        make_draft(text=f"{TEXT} ({n})", owner=bob, team=team_b)
    backend = get_backend()
    assert not backend.uses_matrix
    hits = backend.search(user=alice, query="iets heel anders", k=10)
    assert {hit.chunk.object_id for hit in hits} == {str(d.pk) for d in mine}
    assert len(backend.search(user=bob, query="iets heel anders", k=10)) == 10


def test_switching_to_pgvector_needs_the_extension(make_draft):
    out = StringIO()
    if has_vector_column():
        call_command("search_rebuild", "--pgvector", stdout=out)
        assert "pgvector_enabled: True" in out.getvalue()
    else:
        with pytest.raises(CommandError, match="pgvector"):
            call_command("search_rebuild", "--pgvector", stdout=out)


def test_dutch_and_english_stemming_both_apply(alice, team_a, make_draft, same_meaning):
    make_draft(text="De facturen zijn verstuurd.", owner=alice, team=team_a)
    make_draft(text="The invoices were sent.", owner=alice, team=team_a, language="en")
    backend = get_backend()
    assert backend.count(user=alice, query="factuur") == 1
    assert backend.count(user=alice, query="invoice") == 1
    assert backend.count(user=alice, query="verstuur") == 1


@pytest.mark.usefixtures("pgvector")
def test_hnsw_asks_for_more_candidates_before_ranking_exactly(
    alice, bob, team_a, team_b, make_draft, same_meaning
):
    # Alice sees 30% of the chunks: the first graph search (100 candidates) leaves her about 30
    # of the 50 asked; a second one with enough candidates for her share finds them all.
    for n in range(250):
        mine = n % 10 < 3
        make_draft(
            text=f"{TEXT} {n}", owner=alice if mine else bob, team=team_a if mine else team_b
        )
    backend = get_backend()
    vector = embeddings.embed_texts(["iets heel anders"])[0]
    keys = user_principals(alice)
    with connection.cursor() as cursor:  # a table this small would be sorted, not walked by HNSW
        cursor.execute("SET LOCAL enable_sort = off")
    with CaptureQueriesContext(connection) as queries:
        ranked = backend.vector_ranking(keys=keys, vector=vector, filters=Filters(), limit=50)
    statements = [query["sql"] for query in queries.captured_queries]
    assert len([sql for sql in statements if "hnsw.ef_search" in sql]) == 2
    assert not any("MATERIALIZED" in sql for sql in statements)  # no exact ranking
    assert len(ranked) == 50
    visible = set(Chunk.objects.filter(principals__key__in=keys).values_list("pk", flat=True))
    assert {chunk_id for chunk_id, _ in ranked} <= visible
