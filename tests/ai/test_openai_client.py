"""The OpenAI-protocol client against a real HTTP server: retries, timeouts, formats, tokens."""

import time

import pytest

from wendbaar.ai.providers import openai
from wendbaar.ai.types import Usage

MESSAGES = [{"role": "user", "content": "Hallo"}]
SCHEMA = {"type": "object", "properties": {"ok": {"type": "boolean"}}, "required": ["ok"]}


def no_problems(data):
    return []


def test_a_chat_reply_carries_text_tokens_and_the_key(openai_server):
    openai_server.then(openai_server.chat_text("Goedemorgen", tokens_in=11, tokens_out=3))
    reply = openai.Client().chat(model="test-model", messages=MESSAGES)
    assert (reply.content, reply.tokens_in, reply.tokens_out) == ("Goedemorgen", 11, 3)
    request = openai_server.requests[0]
    assert request["path"] == "/v1/chat/completions"
    assert request["headers"]["Authorization"] == "Bearer sk-test-key"
    assert request["body"]["model"] == "test-model"


def test_server_errors_and_rate_limits_are_retried_with_backoff(openai_server):
    openai_server.then(
        openai_server.status(500),
        openai_server.status(429, headers={"Retry-After": "0.05"}),
        openai_server.chat_text("eindelijk"),
    )
    started = time.monotonic()
    reply = openai.Client().chat(model="test-model", messages=MESSAGES)
    assert reply.content == "eindelijk"
    assert len(openai_server.requests) == 3
    assert time.monotonic() - started >= 0.05  # Retry-After was honoured.


def test_retries_stop_after_the_configured_number(openai_server, settings):
    settings.AI_OPENAI_MAX_RETRIES = 1
    openai_server.default = openai_server.status(502)
    with pytest.raises(openai.ProviderError) as error:
        openai.Client().chat(model="test-model", messages=MESSAGES)
    assert error.value.kind == "http" and "502" in error.value.detail
    assert len(openai_server.requests) == 2


def test_client_errors_are_not_retried(openai_server):
    openai_server.default = openai_server.status(401, "bad key")
    with pytest.raises(openai.ProviderError) as error:
        openai.Client().chat(model="test-model", messages=MESSAGES)
    assert error.value.kind == "http" and "401" in error.value.detail
    assert len(openai_server.requests) == 1


def test_a_server_that_is_down_is_retried_then_reported_unreachable(settings, monkeypatch):
    from tests.conftest import free_port

    monkeypatch.setattr(openai, "BACKOFF_SECONDS", 0.01)
    settings.AI_OPENAI_BASE_URL = f"http://127.0.0.1:{free_port()}/v1"
    settings.AI_OPENAI_MAX_RETRIES = 1
    with pytest.raises(openai.ProviderError) as error:
        openai.Client().chat(model="m", messages=MESSAGES)
    assert error.value.kind == "unreachable" and "2 attempts" in error.value.detail


def test_a_slow_server_times_out_without_being_asked_again(openai_server, settings):
    settings.AI_OPENAI_TIMEOUT = 0.3
    openai_server.then(openai_server.slow(1.0, openai_server.chat_text("te laat")))
    started = time.monotonic()
    with pytest.raises(openai.ProviderError) as error:
        openai.Client().chat(model="test-model", messages=MESSAGES)
    assert error.value.kind == "timeout"
    assert time.monotonic() - started < 0.9
    assert len(openai_server.requests) == 1


def test_no_base_url_means_not_configured(settings):
    settings.AI_OPENAI_BASE_URL = ""
    with pytest.raises(openai.ProviderError) as error:
        openai.Client()
    assert error.value.kind == "not_configured"


def test_structured_output_asks_for_json_schema_first(openai_server):
    openai_server.then(openai_server.chat_json({"ok": True}))
    usage = Usage()
    data = openai.Client().complete_json(
        model="test-model", messages=MESSAGES, schema=SCHEMA, check=no_problems, usage=usage
    )
    assert data == {"ok": True}
    response_format = openai_server.chat_requests[0]["response_format"]
    assert response_format["type"] == "json_schema"
    assert response_format["json_schema"]["schema"] == SCHEMA
    assert (usage.tokens_in, usage.tokens_out) == (120, 40)


def test_a_server_without_json_schema_gets_json_object_and_is_remembered(openai_server):
    openai_server.default = openai_server.reject_json_schema(openai_server.chat_json({"ok": True}))
    client = openai.Client()
    for _ in range(2):
        client.complete_json(
            model="test-model", messages=MESSAGES, schema=SCHEMA, check=no_problems, usage=Usage()
        )
    formats = [r.get("response_format", {}).get("type") for r in openai_server.chat_requests]
    assert formats == ["json_schema", "json_object", "json_object"]


def test_an_invalid_answer_is_sent_back_once_with_the_problem(openai_server):
    openai_server.then(
        openai_server.chat_text("Natuurlijk! Hier is het: {ok: yes}", tokens_in=10, tokens_out=5),
        openai_server.chat_json({"ok": True}, tokens_in=20, tokens_out=6),
    )
    usage = Usage()
    data = openai.Client().complete_json(
        model="test-model", messages=MESSAGES, schema=SCHEMA, check=no_problems, usage=usage
    )
    assert data == {"ok": True}
    second = openai_server.chat_requests[1]["messages"]
    assert second[-2] == {"role": "assistant", "content": "Natuurlijk! Hier is het: {ok: yes}"}
    assert "not valid JSON" in second[-1]["content"]
    assert (usage.tokens_in, usage.tokens_out) == (30, 11)


def test_still_invalid_after_one_retry_is_an_error(openai_server):
    openai_server.default = openai_server.chat_json({"ok": "maybe"})
    usage = Usage()
    with pytest.raises(openai.ProviderError) as error:
        openai.Client().complete_json(
            model="test-model",
            messages=MESSAGES,
            schema=SCHEMA,
            check=lambda data: [] if data["ok"] is True else ["/ok: must be true"],
            usage=usage,
        )
    assert error.value.kind == "invalid" and "/ok" in error.value.detail
    assert len(openai_server.chat_requests) == 2
    assert usage.tokens_in == 240


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"a": 1}', {"a": 1}),
        ('```json\n{"a": 1}\n```', {"a": 1}),
        ('Here you go: {"a": 1} Hope this helps.', {"a": 1}),
    ],
)
def test_json_is_found_in_fences_and_chatter(content, expected):
    assert openai.parse_json(content) == expected


def test_embeddings_are_normalised_and_in_order(openai_server):
    vectors, tokens = openai.Client().embeddings(model="emb", texts=["een", "twee"])
    assert vectors.shape == (2, 8) and tokens == 7
    assert openai_server.requests[0]["body"] == {"model": "emb", "input": ["een", "twee"]}


def test_cost_comes_from_the_price_settings(settings):
    settings.AI_OPENAI_PRICE_INPUT = 2.0
    settings.AI_OPENAI_PRICE_OUTPUT = 8.0
    usage = Usage(tokens_in=1_000, tokens_out=500)
    openai.cost(usage)
    assert str(usage.cost) == "0.006"
