"""The event log's recorder: eventsourcing-sqlalchemy's, appending, sealing and reading with Core.

Every event it appends is sealed into the audit ledger (placements/ledger.py) in the same
transaction, so no path that saves events can leave them unsealed; on PostgreSQL one statement
appends all of a transaction's events (one or twenty thousand), seals them and notifies the
log's subscribers. Otherwise it is the library's recorder: the same table and unique index, the
same lock (`LOCK TABLE … IN EXCLUSIVE MODE` on PostgreSQL, so positions are assigned in commit
order, which the chain relies on), inside the library's transactions. Instead of the library's
ORM flush and queries, which cost more per command than the database work itself
(docs/BENCHMARKS.md, "Event store"), it reads and writes with SQLAlchemy Core on the session's
connection, the PostgreSQL-only statements (the lock, the append) as plain SQL
(`exec_driver_sql`, so driver errors still arrive as SQLAlchemy's, which the library turns into
its IntegrityError for the commands' retry). The application selects it with
PERSISTENCE_MODULE=placements.recorder:Factory.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID
from weakref import WeakSet

from eventsourcing.persistence import StoredEvent
from eventsourcing_sqlalchemy.datastore import SQLAlchemyDatastore
from eventsourcing_sqlalchemy.factory import SQLAlchemyFactory
from eventsourcing_sqlalchemy.recorders import SQLAlchemyApplicationRecorder
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, SessionTransaction

from placements import ledger

AGGREGATES_PER_QUERY = 1000


class Recorder(SQLAlchemyApplicationRecorder):
    def __init__(self, datastore: SQLAlchemyDatastore, *, events_table_name: str,
                 schema_name: str | None = None) -> None:
        super().__init__(datastore, events_table_name=events_table_name,
                         schema_name=schema_name)
        table = self.events_record_cls.__table__
        self._columns = table.c
        # The transactions that hold the event table's lock (until they end, and are dropped).
        self._locked: WeakSet[SessionTransaction] = WeakSet()
        self._append = table.insert().returning(table.c.id, sort_by_parameter_order=True)
        self._select = select(table.c.originator_id, table.c.originator_version, table.c.topic,
                              table.c.state).where(
            table.c.originator_id == bindparam("originator_id")
        ).order_by(table.c.originator_version)

    def _insert_stored_events(self, session: Session, stored_events: Sequence[StoredEvent],
                              **kwargs: Any) -> Sequence[int]:
        # The lock is a statement of its own, before the appends: under READ COMMITTED each
        # statement sees what was committed when it started, so an append that started only
        # after the lock was granted sees the previous writer's digest as the ledger's head.
        self._lock_table(session)
        conn = session.connection()
        if conn.dialect.name == "postgresql":
            return ledger.append_and_seal(conn, stored_events)
        positions = conn.execute(self._append, [
            {"originator_id": e.originator_id, "originator_version": e.originator_version,
             "topic": e.topic, "state": e.state} for e in stored_events]).scalars().all()
        appended = sorted(zip(positions, stored_events, strict=True), key=lambda pe: pe[0])
        ledger.seal(conn, ((p, str(e.originator_id), e.originator_version, e.topic, e.state)
                           for p, e in appended))
        return positions

    def _lock_table(self, session: Session) -> None:
        """The library's lock, sent as plain SQL on the session's connection: through the ORM
        session it cost more than the append itself. Once per transaction: a unit of work
        running many commands (placements/base.py) holds it from its first append to its
        commit, so nothing else can have appended since, and asking again is a round trip for
        nothing."""
        conn = session.connection()
        if conn.dialect.name == "postgresql":
            transaction = session.get_transaction()
            if transaction in self._locked:
                return
            name = self.events_table_name
            if self.schema_name is not None:
                name = f"{self.schema_name}.{name}"
            conn.exec_driver_sql(f"LOCK TABLE {name} IN EXCLUSIVE MODE")
            self._locked.add(transaction)

    def select_events(self, originator_id: UUID | str, gt: int | None = None,
                      lte: int | None = None, desc: bool = False,
                      limit: int | None = None) -> list[StoredEvent]:
        c = self._columns
        q = self._select  # built once: most loads read all of an aggregate's events
        if gt is not None:
            q = q.where(c.originator_version > gt)
        if lte is not None:
            q = q.where(c.originator_version <= lte)
        if desc:
            q = q.order_by(None).order_by(c.originator_version.desc())
        if limit is not None:
            q = q.limit(limit)
        with self.transaction(commit=False) as session:
            rows = session.connection().execute(q, {"originator_id": originator_id}).all()
        return [StoredEvent(oid, version, topic, bytes(state))
                for oid, version, topic, state in rows]

    def select_aggregates(self, originator_ids: Sequence[UUID]) -> list[StoredEvent]:
        """Every event of the given aggregates, by aggregate and version: many aggregates loaded
        in a few queries (AGGREGATES_PER_QUERY ids each) instead of one query each."""
        c = self._columns
        q = select(c.originator_id, c.originator_version, c.topic, c.state).where(
            c.originator_id.in_(bindparam("ids", expanding=True))
        ).order_by(c.originator_id, c.originator_version)
        stored = []
        with self.transaction(commit=False) as session:
            conn = session.connection()
            for start in range(0, len(originator_ids), AGGREGATES_PER_QUERY):
                ids = originator_ids[start:start + AGGREGATES_PER_QUERY]
                stored += [StoredEvent(oid, version, topic, bytes(state))
                           for oid, version, topic, state in conn.execute(q, {"ids": ids})]
        return stored


class Factory(SQLAlchemyFactory):
    application_recorder_class = Recorder
