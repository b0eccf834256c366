"""A local fake of the Anthropic Messages API (``POST /v1/messages``) for tests and the bench.

Runs uvicorn in a thread on 127.0.0.1:<free port>; point the real SDK at ``url``.
Replies are scripted per request (FIFO): a ``submit_triage`` tool call, an
invalid tool input, a text answer, an error status with ``retry-after``, a slow
answer. When the script is empty the ``default`` reply is used: a valid triage
after ``latency_s`` (the bench's LLM of fixed latency). Every request body is
recorded. Usage reports cache writes on the first request and cache reads after.
"""

from __future__ import annotations

import asyncio
import itertools
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

_ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    429: "rate_limit_error",
    500: "api_error",
    529: "overloaded_error",
}
#: Tokens of the cached prefix (system prompt + tool definition) the fake reports.
PREFIX_TOKENS = 1800


def valid_triage(**overrides: Any) -> dict[str, Any]:
    """A valid ``submit_triage`` input (a billing ticket); keyword arguments replace fields."""
    reply = "Sorry about the double charge, we are checking your order ORD-1 now."
    answer: dict[str, Any] = {
        "category": "billing",
        "urgency": "high",
        "sentiment": "negative",
        "language": "en",
        "confidence": 0.92,
        "rationale": "charged twice for one purchase",
        "extracted": {
            "error_codes": [],
            "platform": "ps5",
            "order_ids": ["ORD-1"],
            "amounts": [{"value": 9.99, "currency": "USD"}],
            "game_mode": None,
        },
        "draft_reply": reply,
        "actions": [
            {"tool": "send_reply", "args": {"reply": reply}},
            {
                "tool": "grant_compensation",
                "args": {"amount": 9.99, "currency": "USD", "reason": "double charge"},
            },
        ],
    }
    answer.update(overrides)
    return answer


@dataclass(frozen=True)
class Reply:
    """One scripted answer."""

    status: int = 200
    tool_input: dict[str, Any] | None = None
    text: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float | None = None
    input_tokens: int = 150
    output_tokens: int = 300

    @classmethod
    def tool(cls, tool_input: dict[str, Any] | None = None, **kw: Any) -> Reply:
        return cls(tool_input=valid_triage() if tool_input is None else tool_input, **kw)

    @classmethod
    def error(cls, status: int, retry_after: float | None = None) -> Reply:
        headers = {} if retry_after is None else {"retry-after": str(retry_after)}
        return cls(status=status, headers=headers)

    @classmethod
    def slow(cls, delay_s: float) -> Reply:
        return cls(tool_input=valid_triage(), delay_s=delay_s)


class FakeAnthropic:
    def __init__(
        self, latency_s: float = 0.0, default: Callable[[dict[str, Any]], Reply] | None = None
    ) -> None:
        self.latency_s = latency_s
        self.default = default or (lambda _body: Reply.tool())
        self._script: deque[Reply] = deque()
        self._requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._in_flight = 0
        self.max_in_flight = 0
        self._server = uvicorn.Server(
            uvicorn.Config(self._app(), log_level="warning", lifespan="off", access_log=False)
        )
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._socket.getsockname()[1]}"
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )

    def __enter__(self) -> FakeAnthropic:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("fake Anthropic server did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._socket.close()

    def script(self, *replies: Reply) -> None:
        with self._lock:
            self._script.extend(replies)

    @property
    def requests(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._requests)

    def _next(self, body: dict[str, Any]) -> tuple[Reply, bool]:
        with self._lock:
            first = not self._requests
            self._requests.append(body)
            reply = self._script.popleft() if self._script else None
        return reply or self.default(body), first

    def _message(self, body: dict[str, Any], reply: Reply, first: bool) -> dict[str, Any]:
        number = next(self._ids)
        if reply.text is not None:
            content: list[dict[str, Any]] = [{"type": "text", "text": reply.text}]
            stop = "end_turn"
        else:
            content = [
                {
                    "type": "tool_use",
                    "id": f"toolu_{number:06d}",
                    "name": "submit_triage",
                    "input": reply.tool_input,
                }
            ]
            stop = "tool_use"
        return {
            "id": f"msg_{number:06d}",
            "type": "message",
            "role": "assistant",
            "model": body.get("model", "unknown"),
            "content": content,
            "stop_reason": stop,
            "stop_sequence": None,
            "usage": {
                "input_tokens": reply.input_tokens,
                "output_tokens": reply.output_tokens,
                "cache_creation_input_tokens": PREFIX_TOKENS if first else 0,
                "cache_read_input_tokens": 0 if first else PREFIX_TOKENS,
            },
        }

    def _app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/v1/messages")
        async def messages(request: Request) -> JSONResponse:
            body = await request.json()
            reply, first = self._next(body)
            with self._lock:
                self._in_flight += 1
                self.max_in_flight = max(self.max_in_flight, self._in_flight)
            try:
                delay = self.latency_s if reply.delay_s is None else reply.delay_s
                if delay:
                    await asyncio.sleep(delay)
            finally:
                with self._lock:
                    self._in_flight -= 1
            if reply.status != 200:
                kind = _ERROR_TYPES.get(reply.status, "api_error")
                error = {"type": "error", "error": {"type": kind, "message": f"fake {kind}"}}
                return JSONResponse(error, status_code=reply.status, headers=reply.headers)
            return JSONResponse(self._message(body, reply, first), headers=reply.headers)

        return app
