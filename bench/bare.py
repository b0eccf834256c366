"""``python -m bench.bare --port N``: the ingest baseline, a bare FastAPI JSON endpoint.

It reads and parses the same JSON body as ``POST /v1/tickets`` and answers 202,
served by the same ``libs.http.serve`` (same uvicorn settings) as ingest.
"""

from __future__ import annotations

import argparse
import json
import uuid

from fastapi import FastAPI, Request, Response

from libs.http import serve


def create_app() -> FastAPI:
    app = FastAPI()

    @app.post("/v1/tickets", status_code=202)
    async def post_ticket(request: Request) -> Response:
        data = json.loads(await request.body())
        answer = {
            "ticket_id": str(data["message_id"]),
            "event_id": str(uuid.uuid4()),
            "status": "accepted",
        }
        return Response(json.dumps(answer), status_code=202, media_type="application/json")

    @app.get("/readyz")
    async def ready() -> dict[str, bool]:
        return {"ok": True}

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    serve(create_app(), "127.0.0.1", args.port)


if __name__ == "__main__":
    main()
