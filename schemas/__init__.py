"""Topic contracts: the only shapes that travel between services.

Each module holds one topic family. Every message carries the common
:class:`~schemas.envelope.Envelope`; JSON Schema exports of the models live in
``schemas/jsonschema`` and a test keeps them equal.
"""

from schemas.actions import ActionOutcome, ActionStatus, PendingAction, PendingKind
from schemas.dlq import DeadLetter
from schemas.envelope import Envelope, derive_event_id, ticket_id_for, utcnow
from schemas.ingest import IngestBatchRequest, IngestRequest, IngestResult, IngestStatus
from schemas.tickets import (
    BlockedTicket,
    Category,
    ExtractedFields,
    GuardedTicket,
    GuardFinding,
    GuardVerdict,
    PiiRedaction,
    ProposedAction,
    RawTicket,
    Sentiment,
    Triage,
    TriagedTicket,
    TriageSource,
    Urgency,
)

__all__ = [
    "ActionOutcome",
    "ActionStatus",
    "BlockedTicket",
    "Category",
    "DeadLetter",
    "Envelope",
    "ExtractedFields",
    "GuardFinding",
    "GuardVerdict",
    "GuardedTicket",
    "IngestBatchRequest",
    "IngestRequest",
    "IngestResult",
    "IngestStatus",
    "PendingAction",
    "PendingKind",
    "PiiRedaction",
    "ProposedAction",
    "RawTicket",
    "Sentiment",
    "Triage",
    "TriageSource",
    "TriagedTicket",
    "Urgency",
    "derive_event_id",
    "ticket_id_for",
    "utcnow",
]
