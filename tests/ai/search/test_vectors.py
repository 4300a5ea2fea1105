"""The on-disk vector matrix: append, delete, compact, reload in other processes, rebuild."""

import subprocess
import sys
import textwrap

import numpy as np
import pytest
from django.db import connection

from wendbaar.ai.search import services
from wendbaar.ai.search.backends import get_backend
from wendbaar.ai.search.models import Chunk
from wendbaar.ai.search.vectors import ROW_BYTES, VectorStore


def unit(seed: int, n: int = 1) -> np.ndarray:
    vectors = np.random.default_rng(seed).standard_normal((n, 512)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def scores(store, query, ids):
    found, values, missing = store.score(query, np.asarray(ids))
    return dict(zip(found.tolist(), values.tolist(), strict=True)), set(missing.tolist())


def test_added_vectors_are_scored_only_for_the_ids_asked(tmp_path):
    store = VectorStore(tmp_path)
    vectors = unit(1, 4)
    store.add([10, 11, 12, 13], vectors)
    found, missing = scores(store, vectors[1], [11, 13, 99])
    assert set(found) == {11, 13} and missing == {99}
    assert found[11] == pytest.approx(1.0, abs=1e-5)
    assert found[13] == pytest.approx(float(vectors[3] @ vectors[1]), abs=1e-5)
    # Ids listed twice (a chunk matching several keys) are scored once.
    assert scores(store, vectors[0], [10, 10, 10])[0].keys() == {10}


def test_removed_and_replaced_vectors(tmp_path):
    store = VectorStore(tmp_path)
    store.add([1, 2, 3], unit(2, 3))
    store.remove([2])
    found, missing = scores(store, unit(3)[0], [1, 2, 3])
    assert set(found) == {1, 3} and missing == {2}
    replacement = unit(4)
    store.add([3], replacement)
    assert scores(store, replacement[0], [3])[0][3] == pytest.approx(1.0, abs=1e-5)
    assert store.stats()["live"] == 2
    # Adding the same vector again writes nothing.
    assert store.add([3], replacement) == 0


def test_another_process_sees_appends_deletions_and_compaction(tmp_path):
    writer, reader = VectorStore(tmp_path), VectorStore(tmp_path)
    writer.add([1, 2], unit(5, 2))
    assert reader.stats()["live"] == 2
    writer.add([3], unit(6))
    writer.remove([1])
    found, missing = scores(reader, unit(7)[0], [1, 2, 3])
    assert set(found) == {2, 3} and missing == {1}
    generation = reader.stats()["generation"]
    report = writer.compact()
    assert report == {"rows_before": 3, "rows_after": 2}
    stats = reader.stats()
    assert stats["generation"] != generation and stats["rows"] == 2 and stats["live"] == 2
    assert len(list(tmp_path.iterdir())) == 3  # CURRENT, lock and one generation


def test_a_real_second_process_writes_and_this_one_reloads(tmp_path):
    store = VectorStore(tmp_path)
    store.add([1], unit(8))
    assert store.stats()["live"] == 1
    script = textwrap.dedent(
        f"""
        import numpy as np
        from wendbaar.ai.search.vectors import VectorStore
        store = VectorStore({str(tmp_path)!r})
        v = np.ones((2, 512), dtype=np.float32) / np.sqrt(512)
        store.add([2, 3], v)
        store.remove([1])
        """
    )
    subprocess.run([sys.executable, "-c", script], check=True)
    found, missing = scores(store, np.ones(512, dtype=np.float32) / np.sqrt(512), [1, 2, 3])
    assert set(found) == {2, 3} and missing == {1}
    assert found[2] == pytest.approx(1.0, abs=1e-5)


def test_compaction_can_drop_rows_of_chunks_that_are_gone(tmp_path):
    store = VectorStore(tmp_path)
    store.add([1, 2, 3, 4], unit(9, 4))
    assert store.compact(keep_ids=np.array([2, 4])) == {"rows_before": 4, "rows_after": 2}
    assert store.live_ids().tolist() == [2, 4]


def test_a_half_written_append_is_cut_off(tmp_path):
    store = VectorStore(tmp_path)
    store.add([1, 2], unit(10, 2))
    generation = store.stats()["generation"]
    # A crash after writing a vector but before its id: the row does not count, and the next
    # append starts cleanly after the last whole row.
    with (tmp_path / generation / "vectors").open("ab") as file:
        file.write(b"\0" * (ROW_BYTES + 17))
    assert VectorStore(tmp_path).stats()["live"] == 2
    store.add([3], unit(11))
    found, _missing = scores(VectorStore(tmp_path), unit(11)[0], [1, 2, 3])
    assert found[3] == pytest.approx(1.0, abs=1e-5)
    assert (tmp_path / generation / "vectors").stat().st_size == 3 * ROW_BYTES


def test_an_empty_store_reports_everything_missing(tmp_path):
    found, missing = scores(VectorStore(tmp_path / "nothing-yet"), unit(12)[0], [5, 6])
    assert found == {} and missing == {5, 6}


# -- with the database ----------------------------------------------------------------------------


@pytest.fixture
def matrix(monkeypatch):
    """The backend ranks meaning over the numpy matrix (on PostgreSQL: as without pgvector)."""
    backend = get_backend()
    if not backend.uses_matrix:
        monkeypatch.setattr(type(backend), "uses_matrix", property(lambda self: True))
    return backend


@pytest.fixture
def indexed(alice, team_a, make_draft, same_meaning, django_capture_on_commit_callbacks, matrix):
    with django_capture_on_commit_callbacks(execute=True):
        return [
            make_draft(text=f"Passage {n} over de monteur.", owner=alice, team=team_a)
            for n in range(5)
        ]


@pytest.mark.django_db
def test_vectors_are_written_after_commit_and_removed_with_the_record(
    alice, indexed, django_capture_on_commit_callbacks
):
    backend = get_backend()
    assert backend.vectors.stats()["live"] == 5
    with django_capture_on_commit_callbacks(execute=True):
        services.unindex_record(record=indexed[0])
    assert backend.vectors.stats()["live"] == 4
    assert backend.compact()["rows_after"] == 4


@pytest.mark.django_db
def test_rebuild_recreates_the_matrix_from_the_database(alice, indexed, search_index):
    import shutil

    backend = get_backend()
    shutil.rmtree(search_index)
    assert backend.vectors.stats()["live"] == 0
    # Searching still works meanwhile: the vectors come from the database.
    assert len(backend.search(user=alice, query="iets", k=10)) == 5
    report = services.index_rebuild()
    assert report["matrix_rows"] == 5
    assert backend.vectors.live_ids().tolist() == sorted(Chunk.objects.values_list("pk", flat=True))


@pytest.mark.django_db(transaction=True)
def test_a_search_outside_a_transaction_writes_missing_vectors_back(
    alice, team_a, make_draft, same_meaning, matrix
):
    # Written by another process or machine (or lost in a crash): the matrix lacks them.
    make_draft(text="De monteur komt dinsdag.", owner=alice, team=team_a)
    backend = get_backend()
    assert not connection.in_atomic_block
    backend.vectors.remove(Chunk.objects.values_list("pk", flat=True))
    assert backend.vectors.stats()["live"] == 0
    assert len(backend.search(user=alice, query="iets")) == 1
    assert backend.vectors.stats()["live"] == 1


@pytest.mark.django_db
def test_inside_a_transaction_missing_vectors_are_used_but_not_written(alice, indexed):
    backend = get_backend()
    backend.vectors.remove(Chunk.objects.values_list("pk", flat=True)[:2])
    assert len(backend.search(user=alice, query="iets", k=10)) == 5
    assert backend.vectors.stats()["live"] == 3


def test_concurrent_writers_lose_nothing(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    def write(worker: int) -> None:
        store = VectorStore(tmp_path)  # as a separate process would
        for n in range(20):
            chunk_id = worker * 100 + n
            store.add([chunk_id], unit(chunk_id))

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(write, range(4)))
    store = VectorStore(tmp_path)
    ids = [w * 100 + n for w in range(4) for n in range(20)]
    assert sorted(store.live_ids().tolist()) == ids
    for chunk_id in ids[::7]:
        assert scores(store, unit(chunk_id)[0], [chunk_id])[0][chunk_id] == pytest.approx(
            1, abs=1e-5
        )
