"""Reciprocal rank fusion (k=60) of the word and the meaning ranking."""

import pytest

from wendbaar.ai.search.backends import fuse, get_backend
from wendbaar.ai.search.backends.base import MIN_SIMILARITY, RRF_K
from wendbaar.ai.search.models import Chunk

pytestmark = pytest.mark.usefixtures("same_meaning")


def test_a_passage_in_both_rankings_beats_the_top_of_one():
    fused = fuse([[1, 2, 3], [4, 2, 5]])
    assert [row[0] for row in fused] == [2, 1, 4, 3, 5]
    assert fused[0] == (2, pytest.approx(2 / (RRF_K + 2)), [2, 2])
    assert fused[1] == (1, pytest.approx(1 / (RRF_K + 1)), [1, None])


def test_first_and_third_beats_second_and_second():
    # 1/61 + 1/63 = 0.032266 > 2/62 = 0.032258: agreement is rewarded, but a top rank counts more.
    assert [row[0] for row in fuse([[7, 8], [9, 8, 7]])] == [7, 8, 9]


def test_equal_scores_are_ordered_by_id_so_results_are_stable():
    assert [row[0] for row in fuse([[5], [3]])] == [3, 5]
    assert [row[0] for row in fuse([[6, 4], [4, 6]])] == [4, 6]


def test_fusion_with_an_empty_ranking_keeps_the_other_order():
    assert [row[0] for row in fuse([[], [3, 1, 2]])] == [3, 1, 2]
    assert fuse([[], []]) == []


@pytest.mark.django_db
def test_search_orders_hits_by_fused_rank_and_reports_both_ranks(
    alice, team_a, make_draft, monkeypatch
):
    drafts = [make_draft(text=f"Passage nummer {n}.", owner=alice, team=team_a) for n in range(4)]
    ids = [Chunk.objects.get(object_id=str(d.pk)).pk for d in drafts]
    backend = get_backend()
    # Words: 0, 1, 2. Meaning: 3, 1, 0. Fused: 0 (1st + 3rd), 1 (2nd + 2nd), 3 (1st), 2 (3rd).
    words = [(ids[0], 9.0), (ids[1], 8.0), (ids[2], 7.0)]
    meanings = [(ids[3], 0.9), (ids[1], 0.8), (ids[0], 0.7)]
    monkeypatch.setattr(type(backend), "word_ranking", lambda self, **kwargs: words)
    monkeypatch.setattr(type(backend), "vector_ranking", lambda self, **kwargs: meanings)
    hits = get_backend().search(user=alice, query="passage", k=10)
    assert [hit.chunk.pk for hit in hits] == [ids[0], ids[1], ids[3], ids[2]]
    assert [(hit.word_rank, hit.vector_rank) for hit in hits] == [
        (1, 3),
        (2, 2),
        (None, 1),
        (3, None),
    ]
    assert hits[0].score == pytest.approx(1 / (RRF_K + 1) + 1 / (RRF_K + 3))
    assert len(get_backend().search(user=alice, query="passage", k=2)) == 2


@pytest.mark.django_db
def test_meaning_matches_below_the_similarity_floor_are_left_out(
    alice, team_a, make_draft, monkeypatch
):
    draft = make_draft(text="Passage.", owner=alice, team=team_a)
    chunk_id = Chunk.objects.get(object_id=str(draft.pk)).pk
    backend = get_backend()
    monkeypatch.setattr(type(backend), "word_ranking", lambda self, **kwargs: [])
    monkeypatch.setattr(
        type(backend), "vector_ranking", lambda self, **kwargs: [(chunk_id, MIN_SIMILARITY - 0.01)]
    )
    assert backend.search(user=alice, query="iets anders") == []
