"""The word index the migrations create, per database."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only")
def test_sqlite_keeps_the_word_index_in_step_with_triggers():
    # Django rebuilds SQLite tables for some schema changes and drops their triggers: a later
    # migration of search_chunk must create them again, or this test fails.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
            ["search_chunk"],
        )
        triggers = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT name FROM sqlite_master WHERE name LIKE 'search_chunk_fts%%'")
        tables = {row[0] for row in cursor.fetchall()}
    assert triggers == {
        "search_chunk_fts_insert",
        "search_chunk_fts_delete",
        "search_chunk_fts_update",
    }
    assert {"search_chunk_fts", "search_chunk_fts_vocab"} <= tables


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_postgresql_has_a_generated_search_vector_with_a_gin_index():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT is_generated FROM information_schema.columns "
            "WHERE table_name = 'search_chunk' AND column_name = 'search_vector'"
        )
        assert cursor.fetchone() == ("ALWAYS",)
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'search_chunk_search_vector_gin'"
        )
        assert "gin" in cursor.fetchone()[0]
