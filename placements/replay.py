"""Rebuild every read model from the event log alone, streaming, in bounded memory.

The log is read in aggregate order (the event table's unique index on originator id and version)
in chunks: each aggregate is folded from its own events, projected when its last event has been
read, and its rows are inserted in batches. Memory holds one chunk of events, one aggregate and
one batch of rows per table, however long the log. Rows depend only on their aggregate's own
events, so the order aggregates are rebuilt in does not change the result. The whole rebuild is
one transaction: readers see the old tables until it commits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from eventsourcing.persistence import StoredEvent
from sqlalchemy import JSON, Table, func, literal, select, tuple_
from sqlalchemy.orm import Session

from placements import readmodel
from placements.base import UnitOfWork

CHUNK = 10_000  # events per query
FLUSH = 5_000  # rows per insert


def aggregates(app: UnitOfWork, session: Session, progress: Callable[[int], None] | None = None
               ) -> Iterator[Any]:
    """Every aggregate's current state, folded from the log one aggregate at a time."""
    t = app.recorder.events_record_cls.__table__
    to_event = app.mapper.to_domain_event
    query = select(t.c.originator_id, t.c.originator_version, t.c.topic, t.c.state).order_by(
        t.c.originator_id, t.c.originator_version).limit(CHUNK)
    current, state, after = None, None, None
    while True:
        # Typed literals: on SQLite the ids are 16-byte blobs, and an untyped UUID would bind
        # as text, which sorts after every blob.
        q = query if after is None else query.where(
            tuple_(t.c.originator_id, t.c.originator_version)
            > tuple_(literal(after[0], t.c.originator_id.type),
                     literal(after[1], t.c.originator_version.type)))
        rows = session.execute(q).all()
        if not rows:
            break
        for oid, version, topic, stored in rows:
            if oid != current:
                if state is not None:
                    yield state
                current, state = oid, None
            state = to_event(StoredEvent(oid, version, topic, bytes(stored))).mutate(state)
        after = rows[-1][0], rows[-1][1]
        if progress:
            progress(len(rows))
    if state is not None:
        yield state


def count_events(app: UnitOfWork) -> int:
    t = app.recorder.events_record_cls.__table__
    with app.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(t)).scalar() or 0


def insert_rows(session: Session, table: Table, rows: list[dict]) -> None:
    """Insert rows into an emptied table: COPY on PostgreSQL (several times faster than
    executemany there), executemany elsewhere."""
    conn = session.connection()
    if conn.dialect.name != "postgresql":
        conn.execute(table.insert(), rows)
        return
    from psycopg.types.json import Json

    columns = [c for c in table.columns if any(c.name in r for r in rows[:1])]
    # As SQLAlchemy's JSON type does: Python None is stored as JSON null unless none_as_null.
    as_json = [isinstance(c.type, JSON) and not c.type.none_as_null for c in columns]
    names = ", ".join(f'"{c.name}"' for c in columns)
    with conn.connection.driver_connection.cursor() as cursor:
        with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row([
                    Json(v) if j else v
                    for v, j in zip((row.get(c.name) for c in columns), as_json, strict=True)])


def replay(app: UnitOfWork, progress: Callable[[int], None] | None = None) -> int:
    """Empty the projected tables and refill them from the log; returns the aggregates written."""
    written = 0
    buffers: dict[Table, list[dict]] = {}
    with app.recorder.transaction(commit=True) as session:
        for table in reversed(readmodel.projected_tables()):
            session.execute(table.delete())

        def flush(table: Table) -> None:
            insert_rows(session, table, buffers.pop(table))

        for aggregate in aggregates(app, session, progress):
            written += 1
            for table, row in readmodel.rows_for(aggregate):
                rows = buffers.setdefault(table, [])
                rows.append(row)
                if len(rows) >= FLUSH:
                    flush(table)
        for table in list(buffers):
            flush(table)
    return written
