"""The audit ledger: a SHA-256 hash chain over the event log, kept beside it.

Each event's digest covers the previous digest and the event's stored form (position, aggregate
id, version, topic and stored bytes, so it also covers encrypted payloads as stored). Digests are
written in the same transaction as the events; on PostgreSQL that transaction holds the event
table's lock, so the chain is extended in log order by one writer at a time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from eventsourcing.persistence import Recording
from sqlalchemy import BigInteger, Column, DateTime, Integer, String, Table, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from placements.readmodel import metadata

GENESIS = "0" * 64
CHECKPOINT_EVERY = 1000  # positions between checkpoints
BATCH = 10_000  # positions verified per query

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


def digest(previous: str, position: int, originator_id: str, version: int, topic: str,
           state: bytes) -> str:
    h = hashlib.sha256()
    h.update(previous.encode())
    h.update(f"|{position}|{originator_id}|{version}|{topic}|".encode())
    h.update(state)
    return h.hexdigest()


def head(session: Session) -> tuple[int, str]:
    row = session.execute(
        select(ledger.c.position, ledger.c.digest).order_by(ledger.c.position.desc()).limit(1)
    ).first()
    return (row[0], row[1]) if row else (0, GENESIS)


def seal(session: Session, recordings: Iterable[Recording]) -> None:
    """Extend the chain with the events just appended in this transaction."""
    notifications = sorted((r.notification for r in recordings), key=lambda n: n.id)
    if not notifications:
        return
    last, previous = head(session)
    rows, marks = [], []
    for n in notifications:
        previous = digest(previous, n.id, str(n.originator_id), n.originator_version, n.topic,
                          n.state)
        rows.append({"position": n.id, "digest": previous})
        if n.id // CHECKPOINT_EVERY > last // CHECKPOINT_EVERY:
            marks.append({"position": n.id, "digest": previous})
        last = n.id
    session.execute(ledger.insert(), rows)
    if marks:
        session.execute(checkpoints.insert(), marks)


@dataclass(frozen=True)
class Verification:
    ok: bool
    events: int
    head: str
    failed_position: int | None = None
    problem: str | None = None
    checkpoints: int = 0

    def as_dict(self) -> dict:
        if self.ok:
            return {"ok": True, "events": self.events, "head": self.head,
                    "checkpoints": self.checkpoints}
        return {"ok": False, "events": self.events, "failed_position": self.failed_position,
                "problem": self.problem, "head": self.head}


def verify(engine: Engine, events: Table) -> Verification:
    """Recompute the chain over the whole log, streaming in position order.

    Fails at the first position where an event and its digest disagree: an altered event (or
    digest), an event without a digest (inserted behind the ledger's back), a digest without an
    event (deleted), or a checkpoint that no longer matches.
    """
    previous, count, checked = GENESIS, 0, 0
    with engine.connect() as conn:
        marks = dict(conn.execute(select(checkpoints.c.position, checkpoints.c.digest)).all())
        top = max(conn.execute(select(func.max(events.c.id))).scalar() or 0,
                  conn.execute(select(func.max(ledger.c.position))).scalar() or 0)
        low = 0
        while low < top:
            high = low + BATCH
            stored = {r.id: r for r in conn.execute(
                select(events.c.id, events.c.originator_id, events.c.originator_version,
                       events.c.topic, events.c.state)
                .where(events.c.id > low, events.c.id <= high))}
            sealed = dict(conn.execute(select(ledger.c.position, ledger.c.digest).where(
                ledger.c.position > low, ledger.c.position <= high)).all())
            for position in sorted(stored.keys() | sealed.keys()):
                problem = None
                if position not in sealed:
                    problem = "event without a ledger digest (added outside the app?)"
                elif position not in stored:
                    problem = "ledger digest without its event (event deleted?)"
                else:
                    e = stored[position]
                    state = e.state.encode() if isinstance(e.state, str) else bytes(e.state)
                    previous = digest(previous, position, str(e.originator_id),
                                      e.originator_version, e.topic, state)
                    if previous != sealed[position]:
                        problem = "digest mismatch: the event or its digest was altered"
                    elif position in marks and marks[position] != previous:
                        problem = "checkpoint mismatch: the chain was rewritten"
                if problem:
                    return Verification(False, count, previous, position, problem, checked)
                checked += position in marks
                count += 1
            low = high
    return Verification(True, count, previous, checkpoints=checked)
