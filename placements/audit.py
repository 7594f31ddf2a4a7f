"""The audit trail: the global log, any aggregate as recorded at an instant, and verification."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

from domain.errors import NotFound
from domain.schedule import Schedule
from placements import ledger
from placements.base import AreaService, LogEntry
from placements.principals import Principal

STANDARD = ("originator_id", "originator_version", "timestamp", "originator_topic")


def plain(value: Any) -> Any:
    """A JSON-friendly copy of an event's or aggregate's value."""
    if isinstance(value, Schedule):  # as its events store it
        return value.as_dict()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, UUID | Decimal | Enum):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def entry_view(entry: LogEntry) -> dict:
    event = entry.event
    module, _, qualname = entry.topic.partition(":")
    aggregate_type = qualname.rsplit(".", 1)[0]
    payload = {k: plain(v) for k, v in event.__dict__.items() if k not in STANDARD}
    return {"position": entry.position, "aggregate_id": str(entry.originator_id),
            "aggregate_type": aggregate_type, "version": entry.version,
            "type": qualname, "timestamp": event.timestamp.isoformat(),
            "actor": payload.pop("actor", None), "payload": payload}


class Audit(AreaService):
    def audit_events(self, principal: Principal, after: int, limit: int) -> dict:
        principal.require("compliance", "admin")
        entries = self.uow.log(after=after, limit=limit)
        return {"events": [entry_view(e) for e in entries],
                "next_after": entries[-1].position if len(entries) == limit else None}

    def audit_aggregate(self, principal: Principal, aggregate_id: str,
                        known_at: datetime | None = None) -> dict:
        """The aggregate's events recorded up to `known_at` and its state as they made it."""
        principal.require("compliance", "admin")
        try:
            UUID(str(aggregate_id))
        except ValueError:
            raise NotFound(f"no such aggregate: {aggregate_id}") from None
        instant = known_at if known_at is None or known_at.tzinfo else known_at.replace(
            tzinfo=UTC)
        entries = [e for e in self.uow.log([aggregate_id])
                   if instant is None or e.event.timestamp <= instant]
        if not entries:
            raise NotFound(f"no such aggregate recorded by then: {aggregate_id}")
        state = None
        for e in entries:
            state = e.event.mutate(state)
        fields = {k.lstrip("_"): plain(v) for k, v in state.__dict__.items()
                  if k not in ("_pending_events",)}
        return {"aggregate_id": str(aggregate_id), "aggregate_type": type(state).__name__,
                "known_at": instant.isoformat() if instant else None,
                "version": entries[-1].version, "state": fields,
                "events": [entry_view(e) for e in entries]}

    def verify_log(self, principal: Principal,
                   offsite: ledger.Checkpoint | None = None) -> ledger.Verification:
        """Recompute the hash chain (and, if given, check a checkpoint kept off-site)."""
        principal.require("compliance", "admin")
        return ledger.verify(self.uow.engine, self.uow.recorder.events_record_cls.__table__,
                             offsite)
