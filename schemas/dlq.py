"""<topic>.dlq records: a message a stage could not handle, with where it came from."""

from __future__ import annotations

import uuid
from typing import ClassVar

from pydantic import Field

from schemas.envelope import Contract, UtcDatetime


class DeadLetter(Contract):
    SCHEMA: ClassVar[str] = "dlq/1"

    dead_letter_id: uuid.UUID
    schema_id: str = Field(default="dlq/1", alias="schema")
    stage: str
    topic: str
    partition: int
    offset: int
    key: str | None
    value: str = Field(description="original value, UTF-8 (undecodable bytes escaped)")
    headers: dict[str, str] = Field(default_factory=dict)
    error_type: str
    error: str
    failed_at: UtcDatetime
