"""Write the JSON Schema of every contract to ``schemas/jsonschema`` (``make schemas``).

The files are the data team's contract; ``tests/unit/test_schemas.py`` fails when
they and the models differ, so a change to a model is always a visible diff.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from schemas.actions import ActionOutcome, PendingAction
from schemas.dlq import DeadLetter
from schemas.ingest import IngestBatchRequest, IngestRequest
from schemas.tickets import BlockedTicket, GuardedTicket, RawTicket, TriagedTicket
from schemas.tools import TOOL_ARGS

OUT = Path(__file__).with_name("jsonschema")

CONTRACTS: dict[str, type[BaseModel]] = {
    "tickets.raw.v1": RawTicket,
    "tickets.guarded.v1": GuardedTicket,
    "tickets.blocked.v1": BlockedTicket,
    "tickets.triaged.v1": TriagedTicket,
    "actions.pending.v1": PendingAction,
    "actions.executed.v1": ActionOutcome,
    "dlq": DeadLetter,
    "ingest.request": IngestRequest,
    "ingest.batch_request": IngestBatchRequest,
    **{f"tool.{name}": model for name, model in TOOL_ARGS.items()},
}


def render(model: type[BaseModel]) -> str:
    schema: dict[str, Any] = model.model_json_schema(by_alias=True, mode="serialization")
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for name, model in CONTRACTS.items():
        (OUT / f"{name}.json").write_text(render(model))
    print(f"wrote {len(CONTRACTS)} schemas to {OUT}")


if __name__ == "__main__":
    main()
