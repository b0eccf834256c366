"""A local stand-in for the Telegram Bot API and the Slack Web API on a free loopback port.

Records every POST and answers like the real APIs do on success
(``sendMessage`` → ``{"ok": true, "result": {"message_id": …}}``,
``chat.postMessage`` → ``{"ok": true, "channel": …, "ts": …}``); ``fail(suffix, status,
body)`` makes every path ending in ``suffix`` answer otherwise.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class ChatCall:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    answer: dict[str, Any]

    @property
    def method(self) -> str:
        return self.path.rsplit("/", 1)[-1]


class FakeChatApi:
    def __init__(self) -> None:
        self._calls: list[ChatCall] = []
        self._failures: dict[str, tuple[int, dict[str, Any]]] = {}
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                body = json.loads(raw) if raw else {}
                with fake._lock:
                    status, answer = fake._answer(self.path, body, len(fake._calls) + 1)
                    fake._calls.append(
                        ChatCall(self.path, dict(self.headers.items()), body, answer)
                    )
                reply = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, format: str, *args: object) -> None:
                return None  # calls are recorded above

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def _answer(self, path: str, body: dict[str, Any], n: int) -> tuple[int, dict[str, Any]]:
        for suffix, failure in self._failures.items():
            if path.endswith(suffix):
                return failure
        if path.endswith("/sendMessage"):
            return 200, {"ok": True, "result": {"message_id": n, "chat": {"id": body["chat_id"]}}}
        if path.endswith("/chat.postMessage"):
            return 200, {"ok": True, "channel": body["channel"], "ts": f"1700000000.{n:06d}"}
        return 200, {"ok": True, "result": True}

    def __enter__(self) -> FakeChatApi:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def fail(self, suffix: str, status: int, body: dict[str, Any]) -> None:
        with self._lock:
            self._failures[suffix] = (status, body)

    def calls(self, method: str | None = None, containing: str | None = None) -> list[ChatCall]:
        with self._lock:
            return [
                c
                for c in self._calls
                if (method is None or c.method == method)
                and (containing is None or containing in json.dumps(c.body))
            ]

    async def wait_for(self, ready: Callable[[], bool], timeout_s: float = 15.0) -> None:
        deadline = time.monotonic() + timeout_s
        while not ready():
            if time.monotonic() > deadline:
                raise AssertionError(f"expected chat API calls did not arrive: {self.calls()}")
            await asyncio.sleep(0.05)
