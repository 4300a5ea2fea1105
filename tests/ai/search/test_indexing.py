"""Indexing records: replacing passages, skipping unchanged text, tasks, deletes, chunking."""

import itertools

import numpy as np
import pytest
from django.contrib.contenttypes.models import ContentType

from tests.copilot.factories import DraftFactory
from wendbaar.accounts.choices import Visibility
from wendbaar.ai import embeddings
from wendbaar.ai.search import registry, services, tasks
from wendbaar.ai.search.backends import get_backend
from wendbaar.ai.search.chunking import ChunkIn, chunk_text, lead_sentence
from wendbaar.ai.search.models import Chunk, ChunkPrincipal
from wendbaar.ai.search.selectors import record_leads
from wendbaar.copilot.models import Draft

pytestmark = pytest.mark.django_db

PARAGRAPHS = [
    "De monteur komt dinsdag tussen acht en twaalf uur langs voor het onderhoud van de ketel.",
    "Facturen worden binnen dertig dagen betaald; bij een herinnering rekenen we geen kosten.",
    "Verlof vraag je twee weken vooraf aan bij je leidinggevende, via het formulier op intranet.",
]


def passages(*texts, title="Handboek"):
    return [ChunkIn(text=text, title=title, language="nl") for text in texts]


def chunks_of(record):
    return list(
        Chunk.objects.filter(
            content_type=ContentType.objects.get_for_model(record), object_id=str(record.pk)
        ).order_by("position")
    )


def test_indexing_stores_passages_with_the_records_permission_keys(alice, team_a):
    draft = DraftFactory(owner=alice, team=team_a, visibility=Visibility.TEAM)
    result = services.index_record(record=draft, chunks=passages(*PARAGRAPHS))
    assert (result.created, result.kept, result.removed, result.embedded) == (3, 0, 0, 3)
    stored = chunks_of(draft)
    assert [c.position for c in stored] == [0, 1, 2]
    assert [c.text for c in stored] == PARAGRAPHS
    assert {c.title for c in stored} == {"Handboek"} and {c.language for c in stored} == {"nl"}
    assert all(len(c.content_hash) == 64 and len(c.embedding) == 512 * 4 for c in stored)
    # Each passage's first sentence is embedded on its own too (search compares questions to it).
    assert all(len(c.lead_embedding) == 512 * 4 for c in stored)
    for chunk in stored:
        assert sorted(chunk.principals.values_list("key", flat=True)) == draft.principals()
    assert draft.principals() == [f"team:{team_a.pk}", f"user:{alice.pk}"]


def test_reindexing_unchanged_text_computes_no_embeddings(alice, team_a, embed_calls):
    draft = DraftFactory(owner=alice, team=team_a)
    services.index_record(record=draft, chunks=passages(*PARAGRAPHS))
    before = [c.pk for c in chunks_of(draft)]
    embed_calls.clear()
    result = services.index_record(record=draft, chunks=passages(*PARAGRAPHS))
    assert embed_calls == []
    assert (result.kept, result.created, result.embedded) == (3, 0, 0)
    assert [c.pk for c in chunks_of(draft)] == before


def test_only_the_changed_passage_is_embedded_again(alice, team_a, embed_calls):
    draft = DraftFactory(owner=alice, team=team_a)
    services.index_record(record=draft, chunks=passages(*PARAGRAPHS))
    before = [c.pk for c in chunks_of(draft)]
    embed_calls.clear()
    changed = [PARAGRAPHS[0], "Facturen betalen we binnen veertien dagen.", PARAGRAPHS[2]]
    result = services.index_record(record=draft, chunks=passages(*changed))
    assert embed_calls == [
        [
            "Handboek\nFacturen betalen we binnen veertien dagen.",
            "Facturen betalen we binnen veertien dagen.",  # its lead sentence
        ]
    ]
    assert (result.kept, result.created, result.removed, result.embedded) == (2, 1, 1, 1)
    after = chunks_of(draft)
    # New text is a new row; the unchanged passages keep theirs.
    assert after[0].pk == before[0] and after[2].pk == before[2] and after[1].pk not in before


def test_passages_that_moved_or_exist_elsewhere_reuse_their_embedding(alice, team_a, embed_calls):
    first = DraftFactory(owner=alice, team=team_a)
    services.index_record(record=first, chunks=passages(*PARAGRAPHS))
    embed_calls.clear()
    second = DraftFactory(owner=alice, team=team_a)
    services.index_record(record=second, chunks=passages(*reversed(PARAGRAPHS)))
    services.index_record(record=first, chunks=passages("Nieuw begin.", *PARAGRAPHS))
    # Only the new passage and its lead (two words: they lead as they are) go to the model.
    assert embed_calls == [["Handboek\nNieuw begin.", "Nieuw begin."]]


def test_passages_indexed_without_a_lead_get_one_when_reindexed(alice, team_a, embed_calls):
    draft = DraftFactory(owner=alice, team=team_a)
    services.index_record(record=draft, chunks=passages(*PARAGRAPHS))
    before = chunks_of(draft)
    # As an index from before lead sentences were kept holds them.
    Chunk.objects.filter(pk=before[1].pk).update(lead_embedding=None)
    assert str(draft.pk) in record_leads(model=Draft, record_ids=[draft.pk])  # the first has one
    Chunk.objects.filter(pk=before[0].pk).update(lead_embedding=None)
    assert record_leads(model=Draft, record_ids=[draft.pk]) == {}
    embed_calls.clear()
    result = services.index_record(record=draft, chunks=passages(*PARAGRAPHS))
    # Only the two lead sentences go to the model; the passages keep their rows and vectors.
    assert sorted(embed_calls[0]) == sorted([PARAGRAPHS[0], PARAGRAPHS[1]])
    assert (result.kept, result.created, result.embedded) == (3, 0, 0)
    after = chunks_of(draft)
    assert [c.pk for c in after] == [c.pk for c in before]
    expected = embeddings.embed_texts([PARAGRAPHS[0]])[0]
    leads = record_leads(model=Draft, record_ids=[draft.pk, "404"])
    assert list(leads) == [str(draft.pk)]
    assert np.allclose(leads[str(draft.pk)], expected, atol=1e-6)


def test_a_visibility_change_updates_permission_keys_without_embedding(
    alice, team_a, team_b, embed_calls
):
    draft = DraftFactory(owner=alice, team=team_a, visibility=Visibility.TEAM)
    services.index_record(record=draft, chunks=passages(*PARAGRAPHS))
    embed_calls.clear()
    draft.visibility = Visibility.NAMED
    draft.save()
    draft.shared_with_teams.set([team_b])
    result = services.index_record(record=draft, chunks=passages(*PARAGRAPHS))
    assert embed_calls == [] and result.kept == 3
    expected = {f"team:{team_a.pk}", f"team:{team_b.pk}", f"user:{alice.pk}"}
    for chunk in chunks_of(draft):
        assert set(chunk.principals.values_list("key", flat=True)) == expected


def test_fewer_passages_remove_the_rest_and_none_unindex(alice, team_a):
    draft = DraftFactory(owner=alice, team=team_a)
    services.index_record(record=draft, chunks=passages(*PARAGRAPHS))
    assert services.index_record(record=draft, chunks=passages(PARAGRAPHS[0])).removed == 2
    assert [c.text for c in chunks_of(draft)] == [PARAGRAPHS[0]]
    services.index_record(record=draft, chunks=[ChunkIn(text="   ")])
    assert chunks_of(draft) == []
    assert ChunkPrincipal.objects.count() == 0


def test_records_that_are_not_restricted_need_explicit_permission_keys(team_a):
    with pytest.raises(ValueError, match="principals"):
        services.index_record(record=team_a, chunks=passages("Over ons team."))
    services.index_record(record=team_a, chunks=passages("Over ons team."), principals=["org"])
    assert [c.principals.get().key for c in chunks_of(team_a)] == ["org"]


@pytest.mark.parametrize("key", ["", "team", "team:", "Team:1", "team:1 OR 1=1", "x" * 90])
def test_malformed_permission_keys_are_refused(team_a, key):
    with pytest.raises(ValueError, match="permission key"):
        services.index_record(record=team_a, chunks=passages("Tekst."), principals=[key])
    assert Chunk.objects.count() == 0


def test_positions_must_be_unique(alice, team_a):
    draft = DraftFactory(owner=alice, team=team_a)
    with pytest.raises(ValueError, match="unique"):
        services.index_record(
            record=draft, chunks=[ChunkIn(text="a", position=1), ChunkIn(text="b", position=1)]
        )


def test_a_changed_record_is_reindexed_in_the_background_after_commit(
    alice, team_a, make_draft, django_capture_on_commit_callbacks, same_meaning
):
    draft = make_draft(text="De monteur komt dinsdag.", owner=alice, team=team_a, index=False)
    with django_capture_on_commit_callbacks() as callbacks:
        services.schedule_index(draft)
    assert chunks_of(draft) == []  # nothing before the commit
    for callback in callbacks:
        callback()
    backend = get_backend()
    assert [h.chunk.object_id for h in backend.search(user=alice, query="monteur")] == [
        str(draft.pk)
    ]
    draft.text = "De loodgieter komt woensdag."
    draft.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.schedule_index(draft)
    assert backend.count(user=alice, query="monteur") == 0
    assert backend.count(user=alice, query="loodgieter") == 1


def test_a_deleted_record_is_removed_from_the_index(
    alice, team_a, make_draft, django_capture_on_commit_callbacks, same_meaning
):
    draft = make_draft(text="De monteur komt dinsdag.", owner=alice, team=team_a)
    content_type, pk = ContentType.objects.get_for_model(Draft), draft.pk
    draft.delete()
    with django_capture_on_commit_callbacks(execute=True):
        services.schedule_unindex(content_type, pk)
    assert Chunk.objects.count() == 0
    assert get_backend().search(user=alice, query="monteur") == []


def test_the_index_task_unindexes_a_record_that_is_gone_and_may_run_twice(
    alice, team_a, make_draft, same_meaning
):
    draft = make_draft(text="De monteur komt dinsdag.", owner=alice, team=team_a)
    content_type_id, object_id = ContentType.objects.get_for_model(Draft).pk, str(draft.pk)
    first = tasks.index_record_task.call(content_type_id, object_id)
    assert first == {"created": 0, "kept": 1, "removed": 0, "embedded": 0}
    draft.delete()
    assert tasks.index_record_task.call(content_type_id, object_id)["removed"] == 1
    assert tasks.index_record_task.call(content_type_id, object_id)["removed"] == 0
    assert tasks.unindex_record_task.call(content_type_id, object_id) == 0


def test_records_of_an_unregistered_model_are_unindexed_with_a_warning(
    alice, team_a, make_draft, same_meaning, caplog
):
    draft = make_draft(text="De monteur komt dinsdag.", owner=alice, team=team_a)
    registry.unregister(Draft)
    content_type_id = ContentType.objects.get_for_model(Draft).pk
    assert tasks.index_record_task.call(content_type_id, str(draft.pk))["removed"] == 1
    assert "not registered" in caplog.text


def test_a_registration_may_supply_permission_keys(team_a, same_meaning):
    from wendbaar.accounts.models import Team

    registry.register(
        Team, lambda team: passages(team.name), principals=lambda team: [f"team:{team.pk}"]
    )
    try:
        content_type_id = ContentType.objects.get_for_model(Team).pk
        tasks.index_record_task.call(content_type_id, str(team_a.pk))
    finally:
        registry.unregister(Team)
    assert [c.principals.get().key for c in chunks_of(team_a)] == [f"team:{team_a.pk}"]


# -- chunking -------------------------------------------------------------------------------------


def words(n: int, word: str = "woord") -> str:
    return " ".join([word] * n)


def test_the_lead_sentence_is_the_first_that_says_something():
    text = "Verlof\n\nOp tijd.\n\nVerlof vraag je twee weken vooraf aan. Daarna beslist je leidinggevende."
    assert lead_sentence(text) == "Verlof vraag je twee weken vooraf aan."
    assert lead_sentence("Zie bijv. het formulier op intranet. Meer niet.") == (
        "Zie bijv. het formulier op intranet."
    )
    assert lead_sentence(" ".join(["woord"] * 100)) == " ".join(["woord"] * 40)
    # No sentence of three words: the text's first words lead (a list, a heading alone).
    assert lead_sentence("Kort.\n\nOok kort.") == "Kort. Ook kort."
    assert lead_sentence("") == lead_sentence("  \n ") == ""


def test_short_text_is_one_passage_and_empty_text_none():
    assert [c.text for c in chunk_text("Eén zin.")] == ["Eén zin."]
    assert chunk_text("") == [] and chunk_text("  \n\n ") == []


def test_long_text_is_split_along_sentences_within_the_word_limits():
    sentences = [f"Zin nummer {n} gaat over {words(12, 'iets')}." for n in range(60)]
    text = " ".join(sentences)
    chunks = chunk_text(text, title="T", language="nl")
    assert len(chunks) > 3
    for chunk in chunks:
        assert len(chunk.text.split()) <= 250
        assert chunk.text.startswith("Zin nummer") and chunk.text.endswith(".")
        start, end = (int(x) for x in chunk.locator.split("-"))
        assert text[start:end].strip() == chunk.text
    assert [c.position for c in chunks] == list(range(len(chunks)))
    assert {c.title for c in chunks} == {"T"} and {c.language for c in chunks} == {"nl"}
    # Consecutive passages overlap by a sentence, so nothing falls between them.
    for before, after in itertools.pairwise(chunks):
        assert after.text.split(".")[0] in before.text
    assert all(len(c.text.split()) >= 100 for c in chunks[:-1])


def test_a_paragraph_break_ends_a_passage_once_it_is_long_enough():
    first = " ".join(f"Alinea een, zin {n}: {words(15)}." for n in range(8))
    second = " ".join(f"Alinea twee, zin {n}: {words(15)}." for n in range(8))
    chunks = chunk_text(f"{first}\n\n{second}", overlap_words=0)
    assert [c.text for c in chunks] == [first, second]


def test_abbreviations_do_not_end_a_sentence():
    text = " ".join(
        f"Zie bijv. d.w.z. dhr. J. Jansen, o.a. {words(20)} nr. {n}." for n in range(12)
    )
    for chunk in chunk_text(text, overlap_words=0):
        assert chunk.text.startswith("Zie bijv.")


def test_a_sentence_longer_than_a_passage_is_cut_in_windows():
    chunks = chunk_text(words(600), overlap_words=0)
    assert [len(c.text.split()) for c in chunks] == [250, 250, 100]
