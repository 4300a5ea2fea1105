"""Switching the embedding model (AI_EMBEDDING_MODEL_DIR) makes a rebuild embed every passage again."""

import io

import numpy as np
import pytest
from django.core.management import call_command

from tests.ai import tiny_onnx
from wendbaar.ai import embeddings, local_embeddings
from wendbaar.ai.search import services
from wendbaar.ai.search.backends import get_backend
from wendbaar.ai.search.models import Chunk

pytest.importorskip("onnx", reason="the dev extra builds the tiny model with onnx")
pytest.importorskip("onnxruntime", reason="a local model needs the extra 'models'")


@pytest.fixture(autouse=True)
def _fresh_models():
    local_embeddings.clear()
    yield
    local_embeddings.clear()


@pytest.mark.django_db
def test_a_rebuild_with_records_embeds_every_passage_with_the_new_model(
    alice, team_a, make_draft, settings, tmp_path
):
    first = tiny_onnx.build(tmp_path / "first", seed=1)
    second = tiny_onnx.build(tmp_path / "second", seed=2)
    settings.AI_EMBEDDING_MODEL_DIR = str(first.path)
    make_draft(text="De monteur komt dinsdag langs.", owner=alice, team=team_a)
    make_draft(text="De factuur wordt betaald.", owner=alice, team=team_a)
    passages = Chunk.objects.count()
    assert passages >= 2
    assert services.index_rebuild(records=True)["passages_embedded"] == 0  # same model

    settings.AI_EMBEDDING_MODEL_DIR = str(second.path)
    out = io.StringIO()
    call_command("search_rebuild", "--records", stdout=out)
    assert f"passages_embedded: {passages}" in out.getvalue()
    assert Chunk.objects.count() == passages
    for chunk in Chunk.objects.all():
        assert chunk.content_hash == services.content_hash(title=chunk.title, text=chunk.text)
        expected = embeddings.embed_texts(
            [services.embedded_text(title=chunk.title, text=chunk.text)]
        )[0]
        stored = np.frombuffer(bytes(chunk.embedding), dtype=np.float32)
        np.testing.assert_allclose(stored, expected, atol=1e-6)
        assert not stored[16:].any()
    assert get_backend().search(user=alice, query="monteur dinsdag", k=5)
