"""Answers written by an OpenAI-compatible model server: still only citing what was retrieved,
with personal data masked on the way out and the draft saying which engine wrote it."""

import pytest

from tests.ai import fake_openai
from wendbaar.ai.models import EngineChoice
from wendbaar.ai.providers import openai
from wendbaar.audit.models import AiCall
from wendbaar.knowledge import services

pytestmark = pytest.mark.django_db

RETENTION = (
    "Facturen en andere administratie moet je zeven jaar bewaren. Dat is de wettelijke "
    "bewaarplicht voor bedrijven. Vragen hierover stel je aan Pieter Bakker van de administratie."
)


@pytest.fixture
def model_server(settings, monkeypatch):
    fake, server = fake_openai.start()
    settings.AI_OPENAI_BASE_URL = fake.url
    settings.AI_OPENAI_API_KEY = "sk-test-key"
    settings.AI_OPENAI_MODEL = "test-model"
    settings.AI_OPENAI_EMBEDDING_MODEL = ""
    settings.AI_OPENAI_TIMEOUT = 2.0
    settings.AI_OPENAI_MAX_RETRIES = 1
    monkeypatch.setattr(openai, "BACKOFF_SECONDS", 0.01)
    openai._format_level.clear()
    EngineChoice.objects.create(capability="knowledge", operation="generate", provider="openai")
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        openai._format_level.clear()


def test_a_written_answer_keeps_only_claims_that_cite_a_retrieved_passage(
    alice, team_a, import_text, model_server
):
    document = import_text(actor=alice, text=RETENTION, title="Bewaarplicht", team=team_a)
    model_server.then(
        model_server.chat_json(
            {
                "answer": [
                    {"text": "Je bewaart facturen zeven jaar.", "source_id": "1"},
                    {"text": "En salarissen tien jaar.", "source_id": "7"},
                ]
            }
        )
    )
    outcome = services.question_ask(actor=alice, question="Hoe lang moet ik facturen bewaren?")
    assert outcome.found
    assert outcome.text == "Je bewaart facturen zeven jaar. [1]"
    assert [c["document_id"] for c in outcome.citations] == [document.pk]
    assert outcome.draft.engine == "openai" and outcome.draft.model_name == "test-model"
    sent = model_server.everything_received()
    assert "zeven jaar" in sent and "Bakker" not in sent  # masked before it left
    call = AiCall.objects.get(capability="knowledge", provider="openai")
    assert call.masked_counts.get("PERSON", 0) >= 1


def test_a_model_server_that_fails_falls_back_to_quotes_and_says_so(
    alice, team_a, import_text, model_server
):
    import_text(actor=alice, text=RETENTION, title="Bewaarplicht", team=team_a)
    model_server.default = model_server.status(500, "down")
    outcome = services.question_ask(actor=alice, question="Hoe lang moet ik facturen bewaren?")
    assert outcome.found and "zeven jaar" in outcome.text
    assert outcome.draft.engine == "embedded" and outcome.draft.engine_note
