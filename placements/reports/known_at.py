"""Read models as they stood at an instant (`known_at`), for reports read from them.

The tables hold the present; what they held at an instant is the present with every aggregate
changed since then put back as it was: found in the log (positions after the instant's), rebuilt
from its events up to that position with the same projection that fills its rows (nothing, if
it did not exist yet). Cheap when the instant is recent; at worst a replay of what changed.

The instant's position is found by bisecting the log on its events' timestamps. A timestamp is
taken when the command runs and the position when it commits, so two commands committing within
the same few milliseconds can be ordered differently by the two; the report is exact for any
instant not inside such a window (the DAS report, read from events, is exact for every instant).
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import func, select

from domain.base import Aggregate
from placements.base import AreaService, fold
from placements.readmodel import rows_for


class KnownAt(AreaService):
    def position_at(self, known_at: datetime) -> int:
        """The last log position whose event was recorded at or before `known_at` (0: none)."""
        table = self.uow.recorder.events_record_cls.__table__
        with self.uow.engine.connect() as conn:
            high = conn.execute(select(func.max(table.c.id))).scalar() or 0
        low = 0
        while low < high:  # invariant: positions <= low are known, > high are not
            middle = (low + high + 1) // 2
            entry = self.uow.log(after=middle - 1, limit=1)
            if entry and entry[0].event.timestamp <= known_at:
                low = entry[0].position
            else:
                high = middle - 1
        return low

    def changed_after(self, position: int) -> set[str]:
        """Ids of the aggregates with events after that position."""
        table = self.uow.recorder.events_record_cls.__table__
        with self.uow.engine.connect() as conn:
            return {str(r[0]) for r in conn.execute(
                select(table.c.originator_id).where(table.c.id > position).distinct())}

    def rows_at(self, aggregate_id: str, position: int) -> list[tuple]:
        """The read-model rows of an aggregate as they stood at that position."""
        table = self.uow.recorder.events_record_cls.__table__
        with self.uow.engine.connect() as conn:
            version = conn.execute(select(func.max(table.c.originator_version)).where(
                table.c.originator_id == UUID(aggregate_id),
                table.c.id <= position)).scalar()
        if version is None:
            return []
        aggregate: Aggregate = self.uow.unsnapshotted.get(UUID(aggregate_id), version=version,
                                                          projector_func=fold)
        return rows_for(aggregate)
