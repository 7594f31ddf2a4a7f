"""The base of the application: persistence settings and the unit of work every command uses.

A command is one database transaction (`@command`): it loads aggregates, calls their command
methods and hands them to `commit`, which appends their new events, writes their read-model rows
and seals them into the audit ledger; the transaction commits when the command returns, and
nothing of it is written if the command raises. Its answer is read from the rows it wrote. A
command that loses an optimistic-concurrency race is re-run from the start, so it sees the
winner's state and refuses or succeeds on fresh facts.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol, TypeVar
from uuid import UUID

from eventsourcing.application import (
    AggregateNotFoundError,
    Application,
    ProcessingEvent,
    Repository,
)
from eventsourcing.persistence import (
    IntegrityError,
    JSONTranscoder,
    Notification,
    Recording,
    StoredEvent,
    Transcoding,
)
from sqlalchemy import Table, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from domain.base import Aggregate
from domain.das import Recorded
from domain.errors import Conflict, InvalidInput, NotFound, StaleVersion
from placements import readmodel
from placements.settings import Settings

if TYPE_CHECKING:
    from placements.proposals import Batch

T = TypeVar("T")
A = TypeVar("A", bound=Aggregate)
ATTEMPTS = 8


@dataclass
class Work:
    """The running command's transaction and its identity maps: loading one aggregate twice gives
    the same object (a command touching it along two paths, two placements under one preceptor,
    saves it once), and a read-model row it wrote is answered without reading it back."""

    session: Session
    loaded: dict[UUID, Aggregate] = field(default_factory=dict)
    written: dict[tuple[Table, str], dict] = field(default_factory=dict)


_work: ContextVar[Work | None] = ContextVar("work", default=None)


def command(method: Callable[..., T]) -> Callable[..., T]:
    """Run the method (of a service, or of the core) as one transaction; re-run it when it lost
    a concurrency race, and after ATTEMPTS losses refuse with 409."""

    @functools.wraps(method)
    def run(self: AreaService | UnitOfWork, *args: Any, **kwargs: Any) -> T:
        if _work.get() is not None:  # called from another command: part of its unit of work
            return method(self, *args, **kwargs)
        uow = self.uow if isinstance(self, AreaService) else self
        return retried(uow, lambda _session: method(self, *args, **kwargs))

    return run


def retried(app: UnitOfWork, body: Callable[[Session], T]) -> T:
    """`body(session)` as one unit of work, re-run when it lost a concurrency race; after
    ATTEMPTS losses, 409. Commands that `body` calls join its transaction."""
    for _ in range(ATTEMPTS):
        try:
            with app.recorder.transaction(commit=True) as session:
                token = _work.set(Work(session))
                try:
                    return body(session)
                finally:
                    _work.reset(token)
        except IntegrityError:
            continue
    raise Conflict("too many concurrent changes to the same resources; retry", code="busy")


def fold(aggregate: Any, events: Iterable[Any]) -> Any:
    """The aggregate with the events applied in order: eventsourcing's project_aggregate without
    its per-event runtime Protocol check, which costs more than applying the event (Python 3.11)."""
    for event in events:
        aggregate = event.mutate(aggregate)
    return aggregate


def environment(settings: Settings) -> dict[str, str]:
    env = {
        "PERSISTENCE_MODULE": "placements.recorder:Factory",
        "SQLALCHEMY_URL": settings.database_url,
        "CREATE_TABLE": "no",  # the schema is the migrations' (placements/schema.py)
    }
    if settings.cipher_key:
        env["CIPHER_TOPIC"] = "eventsourcing.cipher:AESCipher"
        env["CIPHER_KEY"] = settings.cipher_key
    return env


class StoreUnreadable(RuntimeError):
    """The stored events cannot be decoded with this process's settings."""


class JobQueue(Protocol):
    """Where solve jobs go (workers/job_queue.py: RQ on Redis, or a thread without REDIS_URL)."""

    def check(self) -> None:
        """Raise domain.errors.Unavailable when jobs cannot be enqueued now."""

    def enqueue_solve(self, solve_id: str) -> None: ...

    def enqueue_piece(self, solve_id: str, piece: int) -> None: ...

    def enqueue_join(self, solve_id: str) -> None: ...


class DateAsISO(Transcoding):
    """A `date` as ISO text. Events never hold one (they store dates as text: domain/base.py
    `stored_date`), but a snapshot holds its aggregate's state, whose dates are `date`s."""

    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class UnitOfWork(Application):
    """The application's core: persistence, the log and the unit of work every service's
    commands run in."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # eventsourcing names an application (and so its event table) after its class; every
        # class here shares one log, `placements_events`.
        cls.name = "placements"

    def __init__(self, settings: Settings | None = None, jobs: JobQueue | None = None) -> None:
        self.settings = settings or Settings.from_env()
        self.jobs = jobs
        super().__init__(env=environment(self.settings))
        # Only the classes in snapshotting_intervals are ever snapshotted; the others are loaded
        # from their events without looking for a snapshot first.
        self.unsnapshotted = Repository(self.events)

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())

    def check_readable(self) -> None:
        """Raise StoreUnreadable when the stored events cannot be read with these settings (an
        encrypted store without PLACEMENTS_CIPHER_KEY, or with another key): every process
        checks at start rather than failing request by request."""
        table = self.recorder.events_record_cls.__table__
        with self.engine.connect() as conn:
            row = conn.execute(select(table.c.originator_id, table.c.originator_version,
                                      table.c.topic, table.c.state)
                               .order_by(table.c.id).limit(1)).first()
        if row is None:
            return
        try:
            self.mapper.to_domain_event(StoredEvent(row[0], row[1], row[2], bytes(row[3])))
        except Exception:
            if self.settings.cipher_key is None:
                raise StoreUnreadable("the event store is encrypted: set PLACEMENTS_CIPHER_KEY "
                                      "to its key") from None
            raise StoreUnreadable("the event store cannot be read with this "
                                  "PLACEMENTS_CIPHER_KEY (another key, or not encrypted)"
                                  ) from None

    @property
    def engine(self) -> Engine:
        return self.recorder.datastore.engine

    def commit(self, *aggregates: Aggregate,
               before_commit: Callable[[], None] | None = None,
               batch: Batch | None = None) -> list[Recording]:
        """Write the aggregates' read-model rows and append their new events (the recorder seals
        them into the ledger), in the running command's transaction (or, outside a command, in
        one of their own). However many aggregates, that is one statement per read-model table
        and one appending statement (on PostgreSQL).

        `batch`: stored events built without aggregates (placements/proposals.py) and their
        read-model rows (those of aggregates it creates inserted, the others upserted with the
        aggregates' rows), its events appended after the aggregates' in the same statement.
        The recordings returned are the aggregates' events'.

        `before_commit` runs inside the transaction: if it raises, nothing is written.
        """
        unique = list({a.id: a for a in aggregates}.values())
        with self.recorder.transaction(commit=True) as session:
            conn = session.connection()
            written = readmodel.project(conn, unique, batch.rows if batch is not None else None)
            if batch is not None:
                for table, rows in batch.created_rows.items():
                    readmodel.insert(conn, table, rows)
                    written.setdefault(table, []).extend(rows)
            if before_commit is not None:
                before_commit()
            # Last, so the event table's lock (taken by the recorder just before its appending
            # statement) is held only for that statement and the commit.
            recordings = self._save(unique, batch.stored if batch is not None else [])
        work = _work.get()
        if work is not None:
            answered = work.written
            for table, rows in written.items():
                for row in rows:
                    if "id" in row:
                        answered[(table, row["id"])] = row
        return recordings

    def _save(self, aggregates: list[Aggregate], stored: list[StoredEvent]) -> list[Recording]:
        """eventsourcing's `Application.save` for aggregates, without its two runtime `Protocol`
        checks per aggregate (Python 3.11: ≈ 0.1 ms each, more than the rest of saving it);
        `stored`, events already encoded, are appended after theirs in the same statement."""
        processing = ProcessingEvent()
        for aggregate in aggregates:
            processing.events.extend(aggregate.collect_events())
            processing.aggregates[aggregate.id] = aggregate
        if stored:
            own = [self.mapper.to_stored_event(e) for e in processing.events]
            positions = self.recorder.insert_events(own + stored)
            recordings = [Recording(e, Notification(s.originator_id, s.originator_version,
                                                    s.topic, s.state, n))
                          for e, s, n in zip(processing.events, own, positions, strict=False)]
        else:
            recordings = self._record(processing)
        self._take_snapshots(processing)
        self._notify(recordings)
        return recordings

    def load(self, cls: type[A], aggregate_id: str | UUID, what: str | None = None) -> A:
        """The aggregate of that class, or NotFound naming `what`."""
        what = what or cls.__name__.lower()
        work = _work.get()
        snapshotted = any(issubclass(s, cls) for s in self.snapshotting_intervals)
        repository = self.repository if snapshotted else self.unsnapshotted
        try:
            uid = aggregate_id if isinstance(aggregate_id, UUID) else UUID(str(aggregate_id))
            aggregate = (work.loaded[uid] if work and uid in work.loaded
                         else repository.get(uid, projector_func=fold))
        except (ValueError, AggregateNotFoundError):
            raise NotFound(f"no such {what}: {aggregate_id}") from None
        if work is not None:
            work.loaded[uid] = aggregate
        if not isinstance(aggregate, cls):
            raise NotFound(f"no such {what}: {aggregate_id}")
        return aggregate

    def load_many(self, cls: type[A], aggregate_ids: Iterable[str | UUID],
                  what: str | None = None) -> list[A]:
        """`load` of many aggregates of a class that is never snapshotted, in a few queries
        rather than one each; in the order given."""
        ids = [str(i) for i in aggregate_ids]
        found = self.load_found(cls, ids)
        for ident in ids:
            if ident not in found:
                raise NotFound(f"no such {what or cls.__name__.lower()}: {ident}")
        return [found[ident] for ident in ids]

    def load_found(self, cls: type[A], aggregate_ids: Iterable[str]) -> dict[str, A]:
        """Of the ids a body names, those of aggregates of that class (never snapshotted), by
        the id as named; unknown ids, and texts that are no id, left out. A few queries for
        any number: references checked once for a whole file."""
        work = _work.get()
        assert not any(issubclass(s, cls) for s in self.snapshotting_intervals), cls
        named: dict[UUID, set[str]] = {}
        for ident in aggregate_ids:
            try:
                named.setdefault(UUID(str(ident)), set()).add(str(ident))
            except ValueError:
                continue
        loaded = work.loaded if work is not None else {}
        by_aggregate: dict[UUID, list] = {}
        to_event = self.mapper.to_domain_event
        for stored in self.recorder.select_aggregates(sorted(set(named) - set(loaded))):
            by_aggregate.setdefault(stored.originator_id, []).append(to_event(stored))
        found = {}
        for uid, idents in named.items():
            aggregate = loaded.get(uid) or fold(None, by_aggregate.get(uid, ()))
            if isinstance(aggregate, cls):
                if work is not None:
                    work.loaded[uid] = aggregate
                found.update(dict.fromkeys(idents, aggregate))
        return found

    @contextmanager
    def connection(self) -> Iterator[Connection]:
        """Inside a command, the command's own connection: its reads see what it wrote, its
        writes commit or roll back with it, and it needs no second connection from the pool.
        Outside a command, a fresh connection to read with."""
        work = _work.get()
        if work is not None:
            yield work.session.connection()
            return
        with self.engine.connect() as conn:
            yield conn

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

    def recorded(self, originator_ids: list[str]) -> dict[str, list[Recorded]]:
        """The recorded events of these aggregates with their log positions."""
        out: dict[str, list[Recorded]] = {str(i): [] for i in originator_ids}
        if not originator_ids:
            return out
        for entry in self.log(originator_ids):
            data = entry.event.__dict__
            oid = str(entry.originator_id)
            out[oid].append(Recorded(data.get("event_id") or f"{oid}:{entry.version}",
                                     entry.position, entry.event.timestamp,
                                     type(entry.event).__name__, data))
        return out

    def referenced(self, cls: type[A], aggregate_id: str, field: str, what: str) -> A:
        """An aggregate a request body names: an unknown id is bad input in that field (422)."""
        try:
            return self.load(cls, aggregate_id, what)
        except NotFound as e:
            raise InvalidInput(field, e.message) from None

    def read_row(self, table: Table, ident: str, what: str) -> dict:
        """One read-model row by id (as the running command wrote it, if it did), or NotFound
        naming `what`."""
        work = _work.get()
        row = work.written.get((table, str(ident))) if work is not None else None
        if row is not None:
            return dict(row)
        with self.connection() as conn:
            found = conn.execute(select(table).where(table.c.id == str(ident))).first()
        if found is None:
            raise NotFound(f"no such {what}: {ident}")
        return dict(found._mapping)


class AreaService:
    """One area's commands and queries (placements/<area>.py), over the application's one unit of
    work: `self.uow` loads and commits aggregates, reads rows and the log. A service that needs
    another area's queries is given that service when the application is built (placements/app.py).
    """

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow


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
