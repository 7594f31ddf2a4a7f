"""The audit ledger: a SHA-256 hash chain over the event log, kept beside it, and its checks.

Each event's digest covers the previous digest and the event's stored form (position, aggregate
id, version, topic and stored bytes, so it also covers encrypted payloads as stored). The event
log's recorder (placements/recorder.py) seals every event it appends, in the same transaction:
on PostgreSQL in the very statement that appends them (`APPEND_AND_SEAL`, one statement for any
number of events, the server computing the digests), elsewhere with `seal`; the append holds the
event table's lock, so the chain is extended in log order by one writer at a time. Every
CHECKPOINT_EVERY positions the digest is also written to `ledger_checkpoints`, small enough for
an operator to copy off-site.
docs/AUDIT.md says what this does and does not prove.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from eventsourcing.persistence import StoredEvent
from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    func,
    select,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy_utils.types.uuid import UUIDType

from placements.readmodel import metadata

GENESIS = "0" * 64
CHECKPOINT_EVERY = 1000  # positions between checkpoints
BATCH = 20_000  # positions verified per query: bounded memory, few round trips
EVENTS_TABLE = "placements_events"

ledger = Table(
    "ledger",
    metadata,
    Column("position", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True),
    Column("digest", String(64), nullable=False),
    info={"projected": False},
)

# Every CHECKPOINT_EVERY positions, the digest there: small enough to copy off-site (print it,
# mail it to DAS, put it in another system), so a rewrite of the log and of every digest after
# the copied checkpoint is still caught against the copy.
checkpoints = Table(
    "ledger_checkpoints",
    metadata,
    Column("position", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True),
    Column("digest", String(64), nullable=False),
    Column("sealed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    info={"projected": False},
)


def events_table(name: str = EVENTS_TABLE) -> Table:
    """The columns of eventsourcing-sqlalchemy's event table that the chain covers."""
    return Table(name, MetaData(),
                 Column("id", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True),
                 Column("originator_id", UUIDType(), nullable=False),
                 Column("originator_version", BigInteger().with_variant(Integer(), "sqlite")),
                 Column("topic", Text()), Column("state", LargeBinary()))


def digest(previous: str, position: int, originator_id: str, version: int, topic: str,
           state: bytes) -> str:
    h = hashlib.sha256(previous.encode())
    h.update(f"|{position}|{originator_id}|{version}|{topic}|".encode())
    h.update(state)
    return h.hexdigest()


def head(conn: Connection) -> tuple[int, str]:
    row = conn.execute(
        select(ledger.c.position, ledger.c.digest).order_by(ledger.c.position.desc()).limit(1)
    ).first()
    return (row[0], row[1]) if row else (0, GENESIS)


def chain(previous: tuple[int, str], events: Iterable[tuple[int, str, int, str, bytes]]
          ) -> tuple[list[dict], list[dict]]:
    """Ledger and checkpoint rows extending the chain from `previous` (position, digest) over
    (position, originator id, version, topic, state) in position order."""
    last, link = previous
    rows, marks = [], []
    for position, originator_id, version, topic, state in events:
        link = digest(link, position, originator_id, version, topic, state)
        rows.append({"position": position, "digest": link})
        if position // CHECKPOINT_EVERY > last // CHECKPOINT_EVERY:
            marks.append({"position": position, "digest": link})
        last = position
    return rows, marks


def seal(conn: Connection, events: Iterable[tuple[int, str, int, str, bytes]]) -> None:
    """Extend the chain over events just appended in this transaction: (position, originator
    id, version, topic, state) in position order."""
    rows, marks = chain(head(conn), events)
    if rows:
        conn.execute(ledger.insert(), rows)
    if marks:
        conn.execute(checkpoints.insert(), marks)


# On PostgreSQL the chain is extended by the server, in the statement that appends the events
# (migration 0016 creates the functions). `ledger_link` is one step of the chain: PostgreSQL's
# sha256() over exactly the bytes `digest` hashes, which `verify` recomputes. `ledger_chain`
# folds it over rows in position order, so as a window aggregate it gives every appended event
# its digest in one pass, starting from the ledger's head.
CHAIN_FUNCTIONS = """
CREATE OR REPLACE FUNCTION ledger_link(previous text, head text, pos bigint, oid uuid,
                                       version bigint, topic text, state bytea)
RETURNS text LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
  RETURN encode(sha256(convert_to(COALESCE(previous, head) || '|' || pos || '|' || oid || '|'
                                  || version || '|' || topic || '|', 'UTF8') || state), 'hex');
END $$;
CREATE OR REPLACE AGGREGATE ledger_chain(text, bigint, uuid, bigint, text, bytea)
  (SFUNC = ledger_link, STYPE = text);
"""

# One statement appends any number of events and seals them: the rows arrive as four arrays
# (sent in binary), are inserted in their order, chained from the head in position order, their
# digests (and a checkpoint where one is due) written, and the log's subscribers notified as
# eventsourcing's recorder does. It answers each event's position in the order given.
APPEND_AND_SEAL = f"""
WITH given AS (
  SELECT * FROM unnest(%(originator_ids)b::uuid[], %(versions)b::bigint[],
                       %(topics)b::text[], %(states)b::bytea[])
    WITH ORDINALITY AS g(originator_id, originator_version, topic, state, n)),
appended AS (
  INSERT INTO {EVENTS_TABLE} (originator_id, originator_version, topic, state)
  SELECT originator_id, originator_version, topic, state FROM given ORDER BY n
  RETURNING id, originator_id, originator_version, topic, state),
head AS (SELECT position, digest FROM ledger ORDER BY position DESC LIMIT 1),
link AS (
  SELECT a.id AS position, a.originator_id, a.originator_version,
         lag(a.id, 1, COALESCE(h.position, 0)) OVER w AS previous,
         ledger_chain(COALESCE(h.digest, '{GENESIS}'), a.id, a.originator_id,
                      a.originator_version, a.topic, a.state) OVER w AS digest
  FROM appended a LEFT JOIN head h ON true
  WINDOW w AS (ORDER BY a.id)),
sealed AS (INSERT INTO ledger (position, digest) SELECT position, digest FROM link),
marked AS (
  INSERT INTO ledger_checkpoints (position, digest) SELECT position, digest FROM link
  WHERE position / %(every)s > previous / %(every)s)
SELECT link.position FROM link JOIN given USING (originator_id, originator_version),
       pg_notify('{EVENTS_TABLE}', '')
ORDER BY given.n
"""


def append_and_seal(conn: Connection, events: Sequence[StoredEvent]) -> list[int]:
    """On PostgreSQL, append stored events and seal them, in one statement; their positions.

    The caller holds the event table's lock (taken in a statement of its own before this one),
    so the head this statement reads is the last committed digest and nothing else appends
    until the transaction ends."""
    return list(conn.exec_driver_sql(APPEND_AND_SEAL, {
        "originator_ids": [e.originator_id for e in events],
        "versions": [e.originator_version for e in events],
        "topics": [e.topic for e in events],
        "states": [e.state for e in events], "every": CHECKPOINT_EVERY}).scalars().all())


@dataclass(frozen=True)
class Checkpoint:
    position: int
    digest: str
    sealed_at: datetime | None = None

    def as_dict(self) -> dict:
        return {"position": self.position, "digest": self.digest,
                "sealed_at": self.sealed_at.isoformat() if self.sealed_at else None}

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        """`POSITION:DIGEST`, as an operator copied it off-site."""
        position, _, value = text.strip().partition(":")
        if not position.isdigit() or len(value) != 64:
            raise ValueError(f"not POSITION:SHA256: {text!r}")
        return cls(int(position), value.lower())


# What `problem` names when verification fails, and what it means.
PROBLEMS = {
    "altered": "the recomputed digest differs from the sealed one: the stored event (or its "
               "digest) was changed",
    "broken_link": "the digest does not follow from the previous link, and the positions just "
                   "before it are absent from both the log and the ledger: events were removed "
                   "together with their digests (or this event was altered)",
    "missing_event": "a ledger digest without its event: the event was deleted",
    "unsealed_event": "an event without a ledger digest: it was added outside the application",
    "checkpoint_mismatch": "the chain no longer reaches the digest checkpointed at this position: "
                           "the log and its digests were rewritten",
    "offsite_mismatch": "the chain does not reach the digest of the off-site checkpoint",
}


@dataclass(frozen=True)
class Verification:
    ok: bool
    events: int  # events verified (all of them when ok; those before the failure otherwise)
    head: str  # the digest after the last verified event
    head_position: int = 0  # the position of that event (0: none verified)
    failed_position: int | None = None
    problem: str | None = None  # a key of PROBLEMS
    checkpoints: int = 0  # checkpoints passed that still hold
    last_good_checkpoint: Checkpoint | None = None

    def as_dict(self) -> dict:
        last = self.last_good_checkpoint.as_dict() if self.last_good_checkpoint else None
        if self.ok:
            return {"ok": True, "events": self.events, "head": self.head,
                    "head_position": self.head_position, "checkpoints": self.checkpoints,
                    "last_checkpoint": last}
        return {"ok": False, "failed_position": self.failed_position, "problem": self.problem,
                "detail": PROBLEMS.get(self.problem or "", ""), "events": self.events,
                "head": self.head, "head_position": self.head_position,
                "checkpoints": self.checkpoints, "last_good_checkpoint": last}

    @property
    def keep(self) -> str:
        """What the operator keeps off-site to check the next run against: the head."""
        return f"{self.head_position}:{self.head}"


def _batches(conn: Connection, events: Table) -> Iterator[list[tuple]]:
    """(position, event row or None, sealed digest or None), merged, in position order."""
    top = max(conn.execute(select(func.max(events.c.id))).scalar() or 0,
              conn.execute(select(func.max(ledger.c.position))).scalar() or 0)
    low = 0
    while low < top:
        high = low + BATCH
        stored = conn.execute(
            select(events.c.id, events.c.originator_id, events.c.originator_version,
                   events.c.topic, events.c.state)
            .where(events.c.id > low, events.c.id <= high).order_by(events.c.id)).all()
        sealed = conn.execute(
            select(ledger.c.position, ledger.c.digest)
            .where(ledger.c.position > low, ledger.c.position <= high)
            .order_by(ledger.c.position)).all()
        merged, i, j = [], 0, 0
        while i < len(stored) or j < len(sealed):
            e = stored[i] if i < len(stored) else None
            s = sealed[j] if j < len(sealed) else None
            if s is None or (e is not None and e[0] < s[0]):
                merged.append((e[0], e, None))
                i += 1
            elif e is None or s[0] < e[0]:
                merged.append((s[0], None, s[1]))
                j += 1
            else:
                merged.append((e[0], e, s[1]))
                i, j = i + 1, j + 1
        yield merged
        low = high


def verify(engine: Engine, events: Table | None = None,
           offsite: Checkpoint | None = None) -> Verification:
    """Recompute the chain over the whole log, streaming in position order (memory stays flat).

    Stops at the first position that fails (see PROBLEMS) and names the last checkpoint that
    still holds: the log up to there is as it was sealed. With `offsite`, a checkpoint the
    operator kept elsewhere, the chain must also reach that digest at that position; when it
    does not, the checkpoints stored with the log agreed with a chain the off-site copy refutes
    (they were rewritten with it), so none of them is trusted: no checkpoint "still holds".
    """
    events = events if events is not None else events_table()
    previous, count, last_position = GENESIS, 0, 0
    good: Checkpoint | None = None
    passed = 0
    with engine.connect() as conn:
        marks = {r.position: r for r in conn.execute(select(checkpoints))}
        if offsite is not None:
            marks.setdefault(offsite.position, None)

        def failed(position: int, problem: str) -> Verification:
            if problem == "offsite_mismatch":
                return Verification(False, count, previous, last_position, position, problem)
            return Verification(False, count, previous, last_position, position, problem,
                                passed, good)

        for batch in _batches(conn, events):
            for position, e, sealed in batch:
                if sealed is None:
                    return failed(position, "unsealed_event")
                if e is None:
                    return failed(position, "missing_event")
                state = e[4]
                state = state.encode() if isinstance(state, str) else bytes(state)
                link = digest(previous, position, str(e[1]), e[2], e[3], state)
                if link != sealed:
                    gap = position - last_position > 1
                    return failed(position, "broken_link" if gap else "altered")
                if position in marks:
                    if offsite is not None and position == offsite.position \
                            and offsite.digest != link:
                        return failed(position, "offsite_mismatch")
                    mark = marks[position]
                    if mark is not None:
                        if mark.digest != link:
                            return failed(position, "checkpoint_mismatch")
                        good, passed = Checkpoint(position, link, mark.sealed_at), passed + 1
                previous, count, last_position = link, count + 1, position
        if offsite is not None and offsite.position > last_position:
            return failed(offsite.position, "missing_event")
        for position in sorted(p for p in marks if p > last_position):
            return failed(position, "missing_event")  # a checkpoint past the log's end
    return Verification(True, count, previous, last_position, checkpoints=passed,
                        last_good_checkpoint=good)


def latest_checkpoint(engine: Engine) -> Checkpoint | None:
    """The checkpoint to copy off-site now."""
    with engine.connect() as conn:
        row = conn.execute(select(checkpoints).order_by(checkpoints.c.position.desc())
                           .limit(1)).first()
    return Checkpoint(row.position, row.digest, row.sealed_at) if row else None
