"""A signed ingest client, as an upstream system would post tickets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from libs.security import SIGNATURE_HEADER, sign

SAMPLES = Path(__file__).with_name("samples.jsonl")


def load_samples(path: Path = SAMPLES) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def signed_post(
    client: httpx.Client, url: str, payload: dict[str, Any], secret: str
) -> httpx.Response:
    body = json.dumps(payload).encode()
    headers = {"Content-Type": "application/json", SIGNATURE_HEADER: sign(secret, body)}
    return client.post(url, content=body, headers=headers)
