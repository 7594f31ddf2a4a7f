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
from sqlalchemy import BigInteger, Column, Integer, String, Table, select
from sqlalchemy.orm import Session

from placements.readmodel import metadata

GENESIS = "0" * 64

ledger = Table(
    "ledger",
    metadata,
    Column("position", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True),
    Column("digest", String(64), nullable=False),
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
    _, previous = head(session)
    rows = []
    for n in notifications:
        previous = digest(previous, n.id, str(n.originator_id), n.originator_version, n.topic,
                          n.state)
        rows.append({"position": n.id, "digest": previous})
    session.execute(ledger.insert(), rows)


@dataclass(frozen=True)
class Verification:
    ok: bool
    events: int
    head: str
    failed_position: int | None = None
    problem: str | None = None
