"""Idempotency keys: a retried write returns the first response and writes nothing new.

A key is claimed (unique per principal) before the command runs and completed with the response
after it; a second request with the key while the first is running is refused (409), one with a
different method, path or body is refused (422). A failed command frees the key for a retry.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import Column, Integer, String, Table, Text, delete, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from domain.errors import Conflict, InvalidInput
from placements.readmodel import metadata

idempotency_keys = Table(
    "idempotency_keys", metadata,
    Column("principal", String(200), primary_key=True),
    Column("key", String(255), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
    Column("status", Integer),  # null while the first request is still running
    Column("body", Text),
    info={"projected": False},
)


@dataclass(frozen=True)
class Stored:
    status: int
    body: dict


def fingerprint(method: str, path: str, body: bytes) -> str:
    return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + body).hexdigest()


def claim(engine: Engine, principal: str, key: str, fp: str) -> Stored | None:
    """Claim the key; if it was used already, the stored first response."""
    if not 1 <= len(key) <= 255:
        raise InvalidInput("Idempotency-Key", "must be 1 to 255 characters")
    try:
        with engine.begin() as conn:
            conn.execute(idempotency_keys.insert().values(principal=principal, key=key,
                                                          fingerprint=fp))
        return None
    except IntegrityError:
        pass
    with engine.connect() as conn:
        row = conn.execute(select(idempotency_keys).where(
            idempotency_keys.c.principal == principal, idempotency_keys.c.key == key)).first()
    if row is None:  # released between our insert and read: claim again
        return claim(engine, principal, key, fp)
    if row.fingerprint != fp:
        raise InvalidInput("Idempotency-Key", "was used before with a different request")
    if row.status is None:
        raise Conflict("a request with this Idempotency-Key is still running", code="in_progress")
    return Stored(row.status, json.loads(row.body))


def complete(engine: Engine, principal: str, key: str, status: int, body: dict) -> None:
    with engine.begin() as conn:
        conn.execute(update(idempotency_keys).where(
            idempotency_keys.c.principal == principal, idempotency_keys.c.key == key,
        ).values(status=status, body=json.dumps(body)))


def release(engine: Engine, principal: str, key: str) -> None:
    with engine.begin() as conn:
        conn.execute(delete(idempotency_keys).where(
            idempotency_keys.c.principal == principal, idempotency_keys.c.key == key))
