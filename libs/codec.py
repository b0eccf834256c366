"""Bytes <-> contract models, and dead letters for what cannot be handled."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import TypeVar

from pydantic import ValidationError

from schemas import DeadLetter, Envelope, utcnow

M = TypeVar("M", bound=Envelope)


class DecodeError(Exception):
    """A message value is not JSON of the topic's model."""


def encode(model: Envelope | DeadLetter) -> bytes:
    return model.model_dump_json(by_alias=True).encode()


def decode(model: type[M], raw: bytes | None) -> M:
    if raw is None:
        raise DecodeError("message has no value")
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_input=False, include_context=False)
        raise DecodeError(f"not a valid {model.SCHEMA}: {errors}") from exc


def _text(raw: bytes | None) -> str:
    return "" if raw is None else raw.decode("utf-8", errors="backslashreplace")


def dead_letter(
    *,
    stage: str,
    topic: str,
    partition: int,
    offset: int,
    key: bytes | None,
    value: bytes | None,
    headers: Iterable[tuple[str, bytes]] = (),
    error: BaseException,
) -> DeadLetter:
    """The DLQ record for a message; its id is stable for the same source offset."""
    return DeadLetter(
        dead_letter_id=uuid.uuid5(uuid.NAMESPACE_URL, f"dlq:{stage}:{topic}:{partition}:{offset}"),
        stage=stage,
        topic=topic,
        partition=partition,
        offset=offset,
        key=None if key is None else _text(key),
        value=_text(value),
        headers={k: _text(v) for k, v in headers},
        error_type=type(error).__name__,
        error=str(error)[:4000],
        failed_at=utcnow(),
    )
