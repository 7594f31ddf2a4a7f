"""Rebuild every read model from the event log alone."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from placements import readmodel
from placements.base import Base

BATCH = 5000


def rebuild_aggregates(app: Base, progress: Callable[[int], None] | None = None
                       ) -> dict[UUID, Any]:
    """Every aggregate's current state, folded from the log in position order."""
    aggregates: dict[UUID, Any] = {}
    recorder, mapper = app.recorder, app.mapper
    start = 1
    while True:
        batch = recorder.select_notifications(start, BATCH)
        if not batch:
            return aggregates
        for notification in batch:
            event = mapper.to_domain_event(notification)
            aggregates[event.originator_id] = event.mutate(aggregates.get(event.originator_id))
        if progress:
            progress(len(batch))
        start = batch[-1].id + 1


def replay(app: Base, progress: Callable[[int], None] | None = None) -> int:
    """Empty the projected tables and refill them from the log; returns the aggregates written."""
    aggregates = rebuild_aggregates(app, progress)
    with app.recorder.transaction(commit=True) as session:
        for table in reversed(readmodel.projected_tables()):
            session.execute(table.delete())
        readmodel.project(session, aggregates.values())
    return len(aggregates)
