"""`wendbaar search_rebuild`: rebuild, re-chunk and compact the index from the database."""

import shutil
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from wendbaar.ai.search.backends import get_backend
from wendbaar.ai.search.models import Chunk

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("same_meaning")]


def run(*args) -> str:
    out = StringIO()
    call_command("search_rebuild", *args, stdout=out)
    return out.getvalue()


def test_rebuild_writes_the_vectors_of_every_chunk(alice, team_a, make_draft, search_index):
    for n in range(3):
        make_draft(text=f"Passage {n}.", owner=alice, team=team_a)
    shutil.rmtree(search_index, ignore_errors=True)
    output = run()
    if get_backend().uses_matrix:
        assert "matrix_rows: 3" in output
        assert get_backend().vectors.stats()["live"] == 3
    else:
        assert "vectors_filled: 3" in output


def test_rebuild_with_records_rechunks_and_drops_passages_of_deleted_records(
    alice, team_a, make_draft
):
    kept = make_draft(text="Blijft staan.", owner=alice, team=team_a)
    gone = make_draft(text="Verdwijnt.", owner=alice, team=team_a)
    never_indexed = make_draft(text="Nog niet in de index.", owner=alice, team=team_a, index=False)
    gone.delete()
    output = run("--records")
    assert "records_indexed: 2" in output and "chunks_removed: 1" in output
    assert set(Chunk.objects.values_list("object_id", flat=True)) == {
        str(kept.pk),
        str(never_indexed.pk),
    }


def test_compact_reclaims_deleted_rows(alice, team_a, make_draft):
    make_draft(text="Passage.", owner=alice, team=team_a)
    output = run("--compact")
    assert "backend:" in output


@pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite has no pgvector")
def test_pgvector_is_refused_on_sqlite():
    with pytest.raises(CommandError, match="PostgreSQL"):
        run("--pgvector")
