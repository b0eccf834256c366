"""The one terminal tool Claude answers through, generated from pydantic models.

``submit_triage``'s input schema is :class:`Submission`'s JSON Schema; actions are a
discriminated union with one member per registry tool (``schemas.tools.TOOL_ARGS``),
so Claude sees each tool's typed arguments and an unknown tool fails validation.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union, cast

from pydantic import BaseModel, ConfigDict, Field, create_model

from schemas.tickets import Category, ExtractedFields, Sentiment, Urgency
from schemas.tools import TOOL_ARGS, ToolArgs
from services.agent.triager import ToolCall

TOOL_NAME = "submit_triage"
CACHE = {"type": "ephemeral"}


def _action_model(tool: str, args: type[ToolArgs]) -> type[BaseModel]:
    return create_model(
        f"{args.__name__.removesuffix('Args')}Action",
        __config__=ConfigDict(extra="forbid"),
        __doc__=args.__doc__,
        tool=(cast(Any, Literal)[tool], ...),
        args=(args, ...),
    )


_ACTIONS = tuple(_action_model(tool, args) for tool, args in TOOL_ARGS.items())
ProposedActionInput = Annotated[Union[_ACTIONS], Field(discriminator="tool")]  # type: ignore[valid-type]  # noqa: UP007


class Submission(BaseModel):
    """The triage of one player message."""

    model_config = ConfigDict(extra="forbid")

    category: Category
    urgency: Urgency
    sentiment: Sentiment
    language: str = Field(
        min_length=2, max_length=8, description="ISO 639-1 code of the player's language"
    )
    confidence: float = Field(ge=0.0, le=1.0, description="probability the category is right")
    rationale: str = Field(min_length=1, max_length=300, description="one line: why")
    extracted: ExtractedFields
    draft_reply: str = Field(
        min_length=1, max_length=5000, description="reply to the player, in their language"
    )
    actions: list[ProposedActionInput] = Field(
        max_length=5, description="proposed actions; the studio's policy decides what runs"
    )

    def tool_calls(self) -> tuple[ToolCall, ...]:
        return tuple(
            ToolCall(a.tool, a.args.model_dump(mode="json", exclude_none=True))
            for a in cast(list[Any], self.actions)
        )


def submit_tool() -> dict[str, Any]:
    """The tool definition; ``cache_control`` caches it (with the system prompt) between calls."""
    return {
        "name": TOOL_NAME,
        "description": (
            "Submit the triage of the player's message. Call this exactly once; it is the "
            "only way to answer."
        ),
        "input_schema": Submission.model_json_schema(),
        "cache_control": CACHE,
    }
