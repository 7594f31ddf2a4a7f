"""The base of the application: persistence settings and the unit of work every command uses.

A command loads aggregates, calls their command methods and hands them to `commit`, which
appends their new events, writes their read-model rows and seals them into the audit ledger in
one database transaction. A command that loses an optimistic-concurrency race is re-run from the
start (`@command`), so it sees the winner's state and refuses or succeeds on fresh facts.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import IntegrityError, Recording, StoredEvent
from sqlalchemy import Table, select
from sqlalchemy.engine import Engine

from domain.base import Aggregate
from domain.errors import Conflict, InvalidInput, NotFound, StaleVersion
from placements import ledger, readmodel
from placements.settings import Settings

T = TypeVar("T")
A = TypeVar("A", bound=Aggregate)
ATTEMPTS = 8

# The identity map of the running command: loading one aggregate twice gives the same object, so
# a command touching it along two paths (two placements under one preceptor) saves it once.
_loaded: ContextVar[dict[UUID, Aggregate] | None] = ContextVar("loaded", default=None)


def command(method: Callable[..., T]) -> Callable[..., T]:
    """Re-run a command that lost a concurrency race; after ATTEMPTS losses, refuse with 409."""

    @functools.wraps(method)
    def run(self: Any, *args: Any, **kwargs: Any) -> T:
        if _loaded.get() is not None:  # called from another command: part of its unit of work
            return method(self, *args, **kwargs)
        for _ in range(ATTEMPTS):
            token = _loaded.set({})
            try:
                return method(self, *args, **kwargs)
            except IntegrityError:
                continue
            finally:
                _loaded.reset(token)
        raise Conflict("too many concurrent changes to the same resources; retry", code="busy")

    return run


def environment(settings: Settings) -> dict[str, str]:
    env = {
        "PERSISTENCE_MODULE": "eventsourcing_sqlalchemy",
        "SQLALCHEMY_URL": settings.database_url,
    }
    if settings.cipher_key:
        env["CIPHER_TOPIC"] = "eventsourcing.cipher:AESCipher"
        env["CIPHER_KEY"] = settings.cipher_key
    return env


class JobQueue(Protocol):
    """Where solve jobs go (workers/queue.py: RQ on Redis, or a thread when REDIS_URL is unset)."""

    def check(self) -> None:
        """Raise domain.errors.Unavailable when jobs cannot be enqueued now."""

    def enqueue_solve(self, solve_id: str) -> None: ...


class Base(Application):
    """Persistence and unit of work shared by every command mixin."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # eventsourcing names an application (and so its event table) after its class; every
        # class here shares one log, `placements_events`.
        cls.name = "placements"

    def __init__(self, settings: Settings | None = None, jobs: JobQueue | None = None) -> None:
        self.settings = settings or Settings.from_env()
        self.jobs = jobs
        super().__init__(env=environment(self.settings))
        readmodel.create_tables(self.engine)

    @property
    def engine(self) -> Engine:
        return self.recorder.datastore.engine

    def commit(self, *aggregates: Aggregate,
               before_commit: Callable[[], None] | None = None) -> list[Recording]:
        """Append the aggregates' new events with their read-model rows, in one transaction.

        `before_commit` runs last inside the transaction: if it raises, nothing is written.
        """
        unique = list({a.id: a for a in aggregates}.values())
        with self.recorder.transaction(commit=True) as session:
            recordings = self.save(*unique)
            readmodel.project(session, unique)
            ledger.seal(session, recordings)
            if before_commit is not None:
                before_commit()
        return recordings

    def load(self, cls: type[A], aggregate_id: str | UUID, what: str | None = None) -> A:
        """The aggregate of that class, or NotFound naming `what`."""
        what = what or cls.__name__.lower()
        loaded = _loaded.get()
        try:
            uid = aggregate_id if isinstance(aggregate_id, UUID) else UUID(str(aggregate_id))
            aggregate = loaded[uid] if loaded and uid in loaded else self.repository.get(uid)
        except (ValueError, AggregateNotFoundError):
            raise NotFound(f"no such {what}: {aggregate_id}") from None
        if loaded is not None:
            loaded[uid] = aggregate
        if not isinstance(aggregate, cls):
            raise NotFound(f"no such {what}: {aggregate_id}")
        return aggregate

    def log(self, originator_ids: list[str] | None = None, after: int = 0,
            limit: int | None = None) -> list[LogEntry]:
        """Stored events in log order (the event table's `id` is the position), decoded by the
        application's mapper, so ciphers and upcasters apply; optionally of some aggregates."""
        table = self.recorder.events_record_cls.__table__
        q = select(table.c.id, table.c.originator_id, table.c.originator_version,
                   table.c.topic, table.c.state).where(table.c.id > after).order_by(table.c.id)
        if originator_ids is not None:
            q = q.where(table.c.originator_id.in_([UUID(str(i)) for i in originator_ids]))
        if limit is not None:
            q = q.limit(limit)
        with self.engine.connect() as conn:
            rows = conn.execute(q).all()
        to_event = self.mapper.to_domain_event
        return [LogEntry(position, oid, version, topic,
                         to_event(StoredEvent(oid, version, topic, bytes(state))))
                for position, oid, version, topic, state in rows]

    def referenced(self, cls: type[A], aggregate_id: str, field: str, what: str) -> A:
        """An aggregate a request body names: an unknown id is bad input in that field (422)."""
        try:
            return self.load(cls, aggregate_id, what)
        except NotFound as e:
            raise InvalidInput(field, e.message) from None

    def read_row(self, table: Table, ident: str, what: str) -> dict:
        """One read-model row by id, or NotFound naming `what`."""
        with self.engine.connect() as conn:
            row = conn.execute(select(table).where(table.c.id == str(ident))).first()
        if row is None:
            raise NotFound(f"no such {what}: {ident}")
        return dict(row._mapping)


@dataclass(frozen=True)
class LogEntry:
    """One stored event, decoded: its log position, aggregate, version, topic and the event."""

    position: int
    originator_id: UUID
    version: int
    topic: str
    event: Any


def check_version(aggregate: Aggregate, if_match: int | None) -> None:
    """If-Match: refuse with 412 when the caller's copy is not the current version."""
    if if_match is not None and if_match != aggregate.version:
        raise StaleVersion(
            f"version {if_match} is stale; the current version is {aggregate.version}"
        )
