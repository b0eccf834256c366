"""A local HTTP recorder standing in for every outside system on the local stack.

Tools (``/tools/<name>``, deduplicated by ``Idempotency-Key``), the approver
webhook (``/webhook``) and upstream callbacks (``/callbacks/<tenant>``) all land
here, so ``make run`` and the end-to-end tests can show and assert exactly what
left the pipeline.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request

from schemas import utcnow


def create_sink(log_path: Path | None = None) -> FastAPI:
    app = FastAPI(title="triage local sink")
    records: list[dict[str, Any]] = []
    seen_keys: set[str] = set()

    @app.post("/{path:path}")
    async def record(path: str, request: Request) -> dict[str, Any]:
        body = await request.body()
        try:
            payload: Any = json.loads(body)
        except ValueError:
            payload = body.decode("utf-8", errors="replace")
        # Like a real tool system honouring Idempotency-Key: a repeated key is recorded as a
        # replay (delivered again, not applied again).
        key = request.headers.get("idempotency-key")
        replay = key is not None and key in seen_keys
        if key is not None:
            seen_keys.add(key)
        entry = {
            "seq": len(records) + 1,
            "replay": replay,
            "path": "/" + path,
            "received_at": utcnow().isoformat(),
            "headers": {
                k: v
                for k, v in request.headers.items()
                if k.startswith("x-") or k == "idempotency-key"
            },
            "body": payload,
            "raw": body.decode("utf-8", errors="replace"),
        }
        records.append(entry)
        if log_path is not None:
            with log_path.open("a") as out:
                out.write(json.dumps(entry) + "\n")
        return {"ok": True, "id": f"sink-{entry['seq']}"}

    @app.get("/records")
    async def list_records(path_prefix: str = "") -> list[dict[str, Any]]:
        return [r for r in records if r["path"].startswith(path_prefix)]

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
