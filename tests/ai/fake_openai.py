"""A real HTTP server on 127.0.0.1 that speaks the OpenAI chat and embeddings protocol.

Each test scripts what it answers, request by request, and reads back exactly what it received.
"""

import hashlib
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    status: int = 200
    body: dict | str | None = None
    delay: float = 0.0
    headers: dict | None = None


Step = Callable[[dict], Reply | None]


class FakeOpenAI:
    """What the server answers (`script`, then `default`) and what it was sent (`requests`)."""

    def __init__(self):
        self.requests: list[dict] = []
        self.script: list[Step] = []
        self.default: Step | None = None
        self.model = "test-model"
        self.url = ""
        self._lock = threading.Lock()

    # Scripting --------------------------------------------------------------------------------

    def then(self, *steps: Step) -> "FakeOpenAI":
        self.script.extend(steps)
        return self

    def chat_json(self, data, *, tokens_in=120, tokens_out=40) -> Step:
        return self.chat_text(json.dumps(data), tokens_in=tokens_in, tokens_out=tokens_out)

    def chat_text(self, content: str, *, tokens_in=120, tokens_out=40) -> Step:
        def step(body):
            return Reply(
                body={
                    "id": "chatcmpl-test",
                    "object": "chat.completion",
                    "model": body.get("model", self.model),
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": content},
                            "finish_reason": "stop",
                        }
                    ],
                    "usage": {
                        "prompt_tokens": tokens_in,
                        "completion_tokens": tokens_out,
                        "total_tokens": tokens_in + tokens_out,
                    },
                }
            )

        return step

    def chat_from(self, make: Callable[[dict], object], *, tokens_in=120, tokens_out=40) -> Step:
        """Answer with JSON computed from the request (e.g. quoting what the server was sent)."""
        return lambda body: self.chat_json(make(body), tokens_in=tokens_in, tokens_out=tokens_out)(
            body
        )

    @staticmethod
    def status(code: int, message: str = "error", headers: dict | None = None) -> Step:
        return lambda body: Reply(
            status=code, body={"error": {"message": message}}, headers=headers
        )

    @staticmethod
    def slow(seconds: float, then: Step) -> Step:
        def step(body):
            reply = then(body)
            reply.delay = seconds
            return reply

        return step

    @staticmethod
    def reject_json_schema(then: Step | None = None) -> Step:
        """Like older llama.cpp servers: 400 for response_format json_schema, else `then`."""

        def step(body):
            if (body.get("response_format") or {}).get("type") == "json_schema":
                return Reply(status=400, body={"error": {"message": "json_schema not supported"}})
            return then(body) if then else None

        return step

    @staticmethod
    def embeddings(dims: int = 8, tokens: int = 7) -> Step:
        def step(body):
            texts = body["input"] if isinstance(body["input"], list) else [body["input"]]
            data = []
            for index, text in enumerate(texts):
                digest = hashlib.sha256(text.encode()).digest()
                data.append(
                    {"object": "embedding", "index": index, "embedding": list(digest[:dims])}
                )
            return Reply(body={"object": "list", "data": data, "usage": {"prompt_tokens": tokens}})

        return step

    # Reading back -----------------------------------------------------------------------------

    @property
    def chat_requests(self) -> list[dict]:
        return [r["body"] for r in self.requests if r["path"].endswith("/chat/completions")]

    def everything_received(self) -> str:
        return "\n".join(r["raw"] for r in self.requests)

    def _next(self, path: str, body: dict) -> Reply:
        with self._lock:
            while self.script:
                reply = self.script.pop(0)(body)
                if reply is not None:
                    return reply
        if path.endswith("/embeddings"):
            return self.embeddings()(body)
        if self.default is not None:
            return self.default(body)
        return Reply(status=500, body={"error": {"message": "nothing scripted"}})


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        fake: FakeOpenAI = self.server.fake
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        try:
            body = json.loads(raw)
        except ValueError:
            body = {}
        fake.requests.append(
            {"path": self.path, "body": body, "raw": raw, "headers": dict(self.headers)}
        )
        reply = fake._next(self.path, body)
        if reply.delay:
            time.sleep(reply.delay)
        payload = reply.body if isinstance(reply.body, str) else json.dumps(reply.body)
        data = payload.encode()
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (reply.headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # The client gave up waiting, as a timeout test wants it to.

    def log_message(self, format, *args):
        pass


def start() -> tuple[FakeOpenAI, ThreadingHTTPServer]:
    fake = FakeOpenAI()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    server.fake = fake
    fake.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True).start()
    return fake, server
