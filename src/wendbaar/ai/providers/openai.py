"""A client for any server that speaks the OpenAI chat and embeddings API (Ollama, vLLM, Azure …).

Connection errors, 429 and 5xx are retried with exponential backoff. A server that does not answer
within the timeout is not asked again: it is slow, and a retry would only keep the person waiting.
Structured output is asked for with `response_format` json_schema; a server that refuses that gets
json_object, then plain instructions (and is remembered, so it is not asked the wrong way twice).
"""

import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx
import numpy as np
from django.conf import settings

from wendbaar.ai.types import Usage

PROMPT_VERSION = "json-1"
# Seconds before the first retry; doubled for each further one.
BACKOFF_SECONDS = 0.5
MAX_RETRY_AFTER_SECONDS = 10.0
_FORMATS = ("json_schema", "json_object", "none")
_format_level: dict[tuple[str, str], int] = {}
_format_lock = threading.Lock()
_FENCE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.DOTALL | re.IGNORECASE)
LANGUAGE_NAMES = {"nl": "Dutch", "en": "English"}


class ProviderError(Exception):
    """The model server could not give a usable answer; `kind` says why, for the log and the note."""

    def __init__(self, kind: str, detail: str, usage: Usage | None = None):
        super().__init__(f"{kind}: {detail}")
        self.kind = kind  # "not_configured", "unreachable", "timeout", "http", "invalid"
        self.detail = detail
        self.usage = usage or Usage()


@dataclass
class ChatReply:
    content: str
    tokens_in: int
    tokens_out: int
    model: str


def is_configured() -> bool:
    """Whether a model server is set up at all."""
    return bool(settings.AI_OPENAI_BASE_URL)


def cost(usage: Usage) -> None:
    """Set the money a call cost from its tokens and the price settings (per million tokens)."""
    from decimal import Decimal

    price_in = Decimal(str(settings.AI_OPENAI_PRICE_INPUT))
    price_out = Decimal(str(settings.AI_OPENAI_PRICE_OUTPUT))
    usage.cost = (usage.tokens_in * price_in + usage.tokens_out * price_out) / Decimal(1_000_000)


class Client:
    """One model server, with the timeout and retries from the settings."""

    def __init__(
        self,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        timeout: float | None = None,
        max_retries: int | None = None,
    ):
        self.base_url = (base_url or settings.AI_OPENAI_BASE_URL).rstrip("/")
        self.api_key = settings.AI_OPENAI_API_KEY if api_key is None else api_key
        self.timeout = settings.AI_OPENAI_TIMEOUT if timeout is None else timeout
        self.max_retries = settings.AI_OPENAI_MAX_RETRIES if max_retries is None else max_retries
        if not self.base_url:
            raise ProviderError("not_configured", "AI_OPENAI_BASE_URL is not set")

    def _post(self, path: str, payload: dict) -> dict:
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        last = ""
        delay = BACKOFF_SECONDS
        for attempt in range(self.max_retries + 1):
            if attempt:
                time.sleep(delay)
                delay *= 2
            try:
                with httpx.Client(timeout=self.timeout) as http:
                    response = http.post(f"{self.base_url}{path}", json=payload, headers=headers)
            except (httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
                last = f"could not connect: {exc!r}"
                continue
            except httpx.TimeoutException as exc:
                raise ProviderError("timeout", f"no answer within {self.timeout} s") from exc
            except httpx.TransportError as exc:
                last = f"could not connect: {exc!r}"
                continue
            if response.status_code == 429 or response.status_code >= 500:
                last = f"HTTP {response.status_code}: {response.text[:300]}"
                retry_after = response.headers.get("Retry-After", "")
                if retry_after.replace(".", "", 1).isdigit():
                    delay = min(float(retry_after), MAX_RETRY_AFTER_SECONDS)
                continue
            if response.status_code >= 400:
                raise ProviderError("http", f"HTTP {response.status_code}: {response.text[:500]}")
            try:
                return response.json()
            except ValueError as exc:
                raise ProviderError("invalid", "the server did not answer with JSON") from exc
        kind = "unreachable" if last.startswith("could not connect") else "http"
        raise ProviderError(kind, f"{last} (after {self.max_retries + 1} attempts)")

    def chat(
        self, *, model: str, messages: list[dict], response_format: dict | None = None
    ) -> ChatReply:
        """One chat completion; the reply's text and the tokens it took."""
        payload = {"model": model, "messages": messages, "temperature": 0.2}
        if response_format is not None:
            payload["response_format"] = response_format
        body = self._post("/chat/completions", payload)
        try:
            content = body["choices"][0]["message"]["content"] or ""
        except (KeyError, IndexError, TypeError) as exc:
            raise ProviderError("invalid", "the answer has no choices[0].message") from exc
        usage = body.get("usage") or {}
        return ChatReply(
            content=content,
            tokens_in=int(usage.get("prompt_tokens") or 0),
            tokens_out=int(usage.get("completion_tokens") or 0),
            model=str(body.get("model") or model),
        )

    def embeddings(self, *, model: str, texts: list[str]) -> tuple[np.ndarray, int]:
        """Unit vectors for texts from the server's embeddings endpoint, and the tokens used."""
        body = self._post("/embeddings", {"model": model, "input": texts})
        try:
            rows = sorted(body["data"], key=lambda row: row.get("index", 0))
            vectors = np.asarray([row["embedding"] for row in rows], dtype=np.float32)
        except (KeyError, TypeError, ValueError) as exc:
            raise ProviderError("invalid", "the answer has no usable data[].embedding") from exc
        if vectors.shape[0] != len(texts):
            raise ProviderError("invalid", f"{vectors.shape[0]} vectors for {len(texts)} texts")
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        tokens = int((body.get("usage") or {}).get("prompt_tokens") or 0)
        return vectors / np.where(norms == 0, 1, norms), tokens

    def complete_json(
        self,
        *,
        model: str,
        messages: list[dict],
        schema: dict,
        check: Callable[[object], list[str]],
        usage: Usage,
    ) -> object:
        """Ask for JSON that passes `check`; one more try with the errors, else ProviderError.

        `check` returns the problems with an answer (empty when it is fine). Tokens of every
        request, including failed ones, are added to `usage`.
        """
        messages = list(messages)
        problems: list[str] = []
        for attempt in range(2):
            reply = self._chat_with_format(model=model, messages=messages, schema=schema)
            usage.add(reply.tokens_in, reply.tokens_out)
            try:
                data = parse_json(reply.content)
            except ValueError as exc:
                problems = [f"the answer is not valid JSON ({exc})"]
            else:
                problems = check(data)
                if not problems:
                    return data
            if attempt == 0:
                messages += [
                    {"role": "assistant", "content": reply.content[:20_000]},
                    {
                        "role": "user",
                        "content": "That answer is not valid: "
                        + "; ".join(problems)
                        + ". Reply again with only the corrected JSON object, citing only the "
                        "given source ids.",
                    },
                ]
        raise ProviderError("invalid", "; ".join(problems)[:900], usage)

    def _chat_with_format(self, *, model: str, messages: list[dict], schema: dict) -> ChatReply:
        key = (self.base_url, model)
        level = _format_level.get(key, 0)
        while True:
            fmt = _FORMATS[level]
            response_format = {
                "json_schema": {
                    "type": "json_schema",
                    "json_schema": {"name": "answer", "schema": schema, "strict": False},
                },
                "json_object": {"type": "json_object"},
                "none": None,
            }[fmt]
            try:
                return self.chat(model=model, messages=messages, response_format=response_format)
            except ProviderError as exc:
                # Only a refusal of the answer format means "try a simpler format"; a 400 for an
                # over-long prompt would just be sent again, and must not downgrade the model.
                refused = (
                    exc.kind == "http"
                    and re.match(r"HTTP 4(00|22)", exc.detail)
                    and re.search(
                        r"response_format|json_schema|json_object|schema", exc.detail, re.I
                    )
                )
                if not refused or level == len(_FORMATS) - 1:
                    raise
                level += 1
                with _format_lock:
                    _format_level[key] = level


def parse_json(content: str) -> object:
    """The JSON in a reply, also when a model wraps it in ``` fences or a sentence."""
    text = content.strip()
    fenced = _FENCE.match(text)
    if fenced:
        text = fenced.group(1)
    try:
        return json.loads(text)
    except ValueError:
        start, end = text.find("{"), text.rfind("}")
        if start == -1 or end <= start:
            raise
        return json.loads(text[start : end + 1])


def build_messages(
    *, task: str, instructions: str, sources: list[dict], schema: dict, language: str
) -> list[dict]:
    """The conversation for a structured answer: rules and schema, then the task and sources."""
    system = (
        "You write drafts that a person will review. Use only the sources you are given; do not "
        "add facts that are not in them. Answer with one JSON object that matches this JSON "
        "schema, and nothing else:\n"
        f"{json.dumps(schema, ensure_ascii=False)}\n"
        'Every claim must cite the id of the source it comes from (such as "S1"); never cite '
        "an id that is not in the list. "
        f"Write in {LANGUAGE_NAMES.get(language[:2], 'the language of the sources')}. "
        "Some personal data has been replaced by placeholders such as [PERSON_1]; copy "
        "placeholders exactly as they are and never guess what they stand for."
    )
    if instructions.strip():
        system += f"\n\nInstructions:\n{instructions.strip()}"
    user = json.dumps({"task": task, "sources": sources}, ensure_ascii=False)
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]
