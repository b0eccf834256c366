"""A local HTTP server on a free loopback port that records every POST (tools, webhooks).

Each path answers 200 with a small JSON body unless ``answer(path, status)`` says
otherwise, so tests can make one endpoint fail for good (4xx) or for now (5xx);
``answer_containing(needle, status)`` does the same for bodies carrying ``needle``, so
one event can fail on an endpoint that others reach fine.
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
class Call:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class HttpRecorder:
    def __init__(self) -> None:
        self._calls: list[Call] = []
        self._status: dict[str, int] = {}
        self._status_for_body: dict[bytes, int] = {}
        self._lock = threading.Lock()
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with recorder._lock:
                    recorder._calls.append(Call(self.path, dict(self.headers.items()), body))
                    status = recorder._status_for(self.path, body)
                    reply = json.dumps({"ok": status < 400, "n": len(recorder._calls)}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, format: str, *args: object) -> None:
                return None  # requests are recorded above; keep test output quiet

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> HttpRecorder:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def answer(self, path: str, status: int) -> None:
        with self._lock:
            self._status[path] = status

    def answer_containing(self, needle: str, status: int) -> None:
        """Answer ``status`` to any body containing ``needle`` (``answer`` on the path wins)."""
        with self._lock:
            self._status_for_body[needle.encode()] = status

    def _status_for(self, path: str, body: bytes) -> int:
        """The answer for one request; the caller holds ``_lock``."""
        if path in self._status:
            return self._status[path]
        matches = (s for needle, s in self._status_for_body.items() if needle in body)
        return next(matches, 200)

    def calls(self, path: str | None = None, containing: str | None = None) -> list[Call]:
        with self._lock:
            return [
                c
                for c in self._calls
                if (path is None or c.path == path)
                and (containing is None or containing.encode() in c.body)
            ]

    async def wait_for(self, ready: Callable[[], bool], timeout_s: float = 30.0) -> None:
        deadline = time.monotonic() + timeout_s
        while not ready():
            if time.monotonic() > deadline:
                raise AssertionError(f"expected requests did not arrive: {self.calls()}")
            await asyncio.sleep(0.05)
