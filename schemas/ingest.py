"""The HTTP contract upstream systems use to post tickets to ingest."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl

IngestStatus = Literal["accepted", "duplicate", "rejected"]


class IngestRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    message_id: str = Field(min_length=1, max_length=200)
    tenant: str = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9_-]*$")
    player_id: str = Field(min_length=1, max_length=200)
    text: str = Field(min_length=1)
    channel: str = Field(default="web", max_length=32)
    locale: str | None = Field(default=None, max_length=16)
    callback_url: HttpUrl | None = None
    metadata: dict[str, str | int | float | bool] = Field(default_factory=dict, max_length=50)


class IngestBatchRequest(BaseModel):
    """Items are validated one by one so one bad item does not sink the batch."""

    model_config = ConfigDict(extra="forbid")

    tickets: list[dict[str, Any]] = Field(min_length=1, max_length=500)


class IngestError(BaseModel):
    code: str
    message: str


class IngestResult(BaseModel):
    ticket_id: str | None = None
    event_id: str | None = None
    status: IngestStatus
    error: IngestError | None = None


class IngestBatchResult(BaseModel):
    results: list[IngestResult]
