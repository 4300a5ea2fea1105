"""Nobody finds, or can count, a passage they may not see: not by words, not by meaning."""

import random

import pytest

from tests.accounts.factories import RoleFactory, TeamFactory, UserFactory
from wendbaar.accounts.choices import Visibility
from wendbaar.accounts.selectors import visible_to
from wendbaar.ai.search import services
from wendbaar.ai.search.backends import SearchBackend, get_backend
from wendbaar.ai.search.models import Chunk
from wendbaar.copilot.models import Draft

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("same_meaning")]

WORD = "kwartaalrapportage"
# Shares no word with the drafts' text: only the meaning side finds them (and with the
# `same_meaning` embeddings it finds every passage, so only the permission filter decides).
MEANING_QUERY = "quarterly figures on revenue and sales"
TEXT = "De kwartaalrapportage laat zien dat de omzet en de verkoopcijfers met tien procent stegen."


@pytest.fixture
def organisation(make_draft):
    """Five teams, two custom roles, ten people and fifty drafts with every kind of audience."""
    rng = random.Random(7)
    teams = [TeamFactory() for _ in range(5)]
    roles = [RoleFactory(), RoleFactory()]
    people = []
    for _ in range(10):
        person = UserFactory(teams=rng.sample(teams, k=rng.choice([0, 1, 1, 2])))
        person.roles.add(*rng.sample(roles, k=rng.choice([0, 0, 1])))
        people.append(person)
    outsider = UserFactory(teams=[])  # in no team and holding no role
    for n in range(50):
        visibility = rng.choice(list(Visibility.values))
        make_draft(
            title=f"Rapport {n}",
            text=f"{TEXT} Kenmerk {n}.",
            owner=rng.choice(people),
            team=rng.choice(teams),
            visibility=visibility,
            shared_with_teams=rng.sample(teams, k=rng.choice([0, 1, 2])),
            shared_with_roles=rng.sample(roles, k=rng.choice([0, 1])),
        )
    return [*people, outsider]


def visible_ids(user) -> set[str]:
    return {str(pk) for pk in visible_to(Draft.objects.all(), user).values_list("pk", flat=True)}


def found_ids(backend, user, query: str) -> set[str]:
    return {hit.chunk.object_id for hit in backend.search(user=user, query=query, k=200)}


@pytest.mark.parametrize("per_row_below", [10_000, 0], ids=["probe-per-row", "allowed-set"])
def test_every_hit_and_count_is_something_the_person_may_see(
    organisation, monkeypatch, per_row_below
):
    # Both forms of the permission condition in the SQLite word query (see word_ranking).
    monkeypatch.setattr("wendbaar.ai.search.backends.sqlite.PER_ROW_BELOW", per_row_below)
    backend = get_backend()
    assert Chunk.objects.count() == 50
    seen_by_someone = set()
    for person in organisation:
        visible = visible_ids(person)
        # Every draft has the word, so the word search must return exactly what they may see.
        assert found_ids(backend, person, WORD) == visible, person
        assert backend.count(user=person, query=WORD) == len(visible), person
        by_meaning = backend.search(user=person, query=MEANING_QUERY, k=200)
        assert all(hit.word_rank is None for hit in by_meaning)
        assert {hit.chunk.object_id for hit in by_meaning} == visible, person
        seen_by_someone |= visible
    # The data set is mixed: nobody sees everything, and something is visible to someone.
    assert seen_by_someone
    assert all(len(visible_ids(person)) < 50 for person in organisation)


def test_removing_the_permission_filter_would_make_the_leak_test_fail(organisation, monkeypatch):
    """The test above is meaningful: without the filter, people would find (and count) more."""
    backend = get_backend()
    expected = {person.pk: visible_ids(person) for person in organisation}

    def everything(self, keys):
        return "SELECT chunk_id FROM search_chunkprincipal", []

    monkeypatch.setattr(SearchBackend, "principal_subquery", everything)
    leaks = [
        person
        for person in organisation
        if found_ids(backend, person, WORD) - expected[person.pk]
        or backend.count(user=person, query=WORD) > len(expected[person.pk])
    ]
    assert leaks
    by_meaning = [
        person
        for person in organisation
        if {h.chunk.object_id for h in backend.search(user=person, query=MEANING_QUERY, k=200)}
        - expected[person.pk]
    ]
    assert by_meaning


@pytest.mark.parametrize("with_matrix", [False, True])
def test_the_meaning_search_ranks_only_permitted_rows_of_the_matrix(
    alice, bob, team_a, team_b, make_draft, django_capture_on_commit_callbacks, with_matrix
):
    """With the vectors in the matrix (written on commit) or read from the database alike."""
    with django_capture_on_commit_callbacks(execute=with_matrix):
        mine = make_draft(text=TEXT, owner=alice, team=team_a)
        theirs = [make_draft(text=f"{TEXT} ({n})", owner=bob, team=team_b) for n in range(5)]
    backend = get_backend()
    if backend.uses_matrix:  # else pgvector ranks in the database, and this is the same test
        assert backend.vectors.stats()["live"] == (6 if with_matrix else 0)
    hits = backend.search(user=alice, query=MEANING_QUERY, k=50)
    assert [hit.chunk.object_id for hit in hits] == [str(mine.pk)]
    assert {h.chunk.object_id for h in backend.search(user=bob, query=MEANING_QUERY, k=50)} == {
        str(d.pk) for d in theirs
    }


def test_filters_cannot_reach_around_permissions(alice, bob, team_a, team_b, make_draft):
    hidden = make_draft(text=TEXT, owner=bob, team=team_b)
    backend = get_backend()
    assert backend.search(user=alice, query=WORD, record_ids=[hidden.pk]) == []
    assert backend.count(user=alice, query=WORD, record_ids=[hidden.pk]) == 0
    assert backend.search(user=alice, query=WORD, content_types=[Draft]) == []
    assert [
        h.chunk.object_id for h in backend.search(user=bob, query=WORD, content_types=[Draft])
    ] == [str(hidden.pk)]


def test_people_who_may_not_sign_in_find_nothing(alice, team_a, make_draft):
    from django.contrib.auth.models import AnonymousUser

    make_draft(text=TEXT, owner=alice, team=team_a, visibility=Visibility.ORGANISATION)
    backend = get_backend()
    assert backend.search(user=AnonymousUser(), query=WORD) == []
    assert backend.count(user=AnonymousUser(), query=WORD) == 0
    alice.is_active = False
    alice.save()
    assert backend.search(user=alice, query=WORD) == []


def test_joining_a_team_shows_its_passages_without_reindexing(alice, bob, team_b, make_draft):
    from wendbaar.accounts.models import Membership

    draft = make_draft(text=TEXT, owner=bob, team=team_b)
    backend = get_backend()
    assert backend.search(user=alice, query=WORD) == []
    Membership.objects.create(user=alice, team=team_b)
    assert [hit.chunk.object_id for hit in backend.search(user=alice, query=WORD)] == [
        str(draft.pk)
    ]


def test_making_a_record_private_hides_it_from_the_team_once_reindexed(
    alice, team_a, make_draft, django_capture_on_commit_callbacks
):
    colleague = UserFactory(teams=[team_a])
    draft = make_draft(text=TEXT, owner=alice, team=team_a)
    backend = get_backend()
    assert len(backend.search(user=colleague, query=WORD)) == 1
    draft.visibility = Visibility.PRIVATE
    draft.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.schedule_index(draft)
    assert backend.search(user=colleague, query=WORD) == []
    assert len(backend.search(user=alice, query=WORD)) == 1


def test_a_record_made_private_is_hidden_as_soon_as_the_change_commits(
    alice, team_a, make_draft, django_capture_on_commit_callbacks
):
    colleague = UserFactory(teams=[team_a])
    draft = make_draft(text=TEXT, owner=alice, team=team_a)
    backend = get_backend()
    assert backend.count(user=colleague, query=WORD) == 1
    draft.visibility = Visibility.PRIVATE
    draft.save()
    with django_capture_on_commit_callbacks(execute=False):  # the background job never runs
        services.schedule_index(draft)
    assert backend.search(user=colleague, query=WORD) == []
    assert backend.count(user=colleague, query=WORD) == 0
    assert len(backend.search(user=alice, query=WORD)) == 1
