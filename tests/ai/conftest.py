"""Fixtures for the AI engine: a real OpenAI-protocol server on 127.0.0.1 and sources to cite."""

import pytest
from django.utils import translation

from tests.ai import fake_openai
from wendbaar.ai import cache
from wendbaar.ai.models import EngineChoice
from wendbaar.ai.providers import openai
from wendbaar.ai.types import Source

ANSWER_SCHEMA = {
    "type": "object",
    "properties": {
        "answer": {"type": "string"},
        "claims": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"text": {"type": "string"}, "source_id": {"type": "string"}},
                "required": ["text", "source_id"],
            },
        },
    },
    "required": ["answer", "claims"],
}


@pytest.fixture(autouse=True)
def _english(request):
    """Messages are asserted in English (their msgids); the Dutch catalogue is checked elsewhere."""
    if request.node.get_closest_marker("dutch"):
        yield
        return
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _fresh_embedding_memory():
    """Each test sees the cache table it wrote itself, not vectors another test left in memory."""
    cache.clear_memory()


@pytest.fixture
def openai_server(settings, monkeypatch):
    """The fake server, with the engine's settings pointing at it and quick retries."""
    fake, server = fake_openai.start()
    settings.AI_OPENAI_BASE_URL = fake.url
    settings.AI_OPENAI_API_KEY = "sk-test-key"
    settings.AI_OPENAI_MODEL = "test-model"
    settings.AI_OPENAI_EMBEDDING_MODEL = ""
    settings.AI_OPENAI_TIMEOUT = 2.0
    settings.AI_OPENAI_MAX_RETRIES = 2
    settings.AI_OPENAI_PRICE_INPUT = 2.0
    settings.AI_OPENAI_PRICE_OUTPUT = 8.0
    monkeypatch.setattr(openai, "BACKOFF_SECONDS", 0.01)
    openai._format_level.clear()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        openai._format_level.clear()


@pytest.fixture
def external(db, openai_server):
    """Capability "service" generates on the fake server, chosen as an administrator would."""
    EngineChoice.objects.create(capability="service", operation="generate", provider="openai")
    return openai_server


@pytest.fixture
def sources():
    return [
        Source(
            id="doc:1#p1",
            title="Onderhoud",
            text=(
                "De cv-ketel van klant Jansen wordt op 15 maart vervangen. "
                "Het onderhoudscontract loopt tot eind december."
            ),
        ),
        Source(
            id="doc:2#p4",
            title="Facturen",
            text="Facturen worden binnen dertig dagen betaald. Bij twijfel belt u de administratie.",
        ),
    ]
