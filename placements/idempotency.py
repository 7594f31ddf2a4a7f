"""Idempotency keys: a retried write returns the first response and writes nothing new.

The key (unique per principal) is claimed, the command run and its answer stored in **one
transaction**, the command's own: a crash anywhere before the commit leaves neither the write nor
the claim, so the retry runs the command once; after the commit, the retry finds the answer and
replays it. A second request with the key while the first runs waits for it (the claim is a row
the first transaction holds) and then replays its answer; one with a different method, path or
body is refused (422). A refused or failed command stores nothing, so the key is free again.

Rows without an answer are claims left by the earlier design (claimed and completed in separate
transactions); one is released when its key is next used.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import Column, Integer, String, Table, Text, delete, select, update
from sqlalchemy.exc import IntegrityError

from domain.errors import InvalidInput
from placements.base import UnitOfWork, retried
from placements.readmodel import metadata

idempotency_keys = Table(
    "idempotency_keys", metadata,
    Column("principal", String(200), primary_key=True),
    Column("key", String(255), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
    Column("status", Integer),  # null only in a claim the earlier design left behind
    Column("body", Text),
    info={"projected": False},
)
KEY = re.compile(r"^[\x21-\x7e]{1,255}$")  # visible ASCII, as HTTP header tokens are


@dataclass(frozen=True)
class Stored:
    status: int
    body: dict


class Response(Protocol):
    status_code: int

    def get_json(self) -> dict | None: ...


class _Taken(Exception):
    """The key was used before: its stored answer is to be replayed."""


class _Refused(Exception):
    """The command answered other than 2xx: roll back, remember nothing."""

    def __init__(self, response: Response):
        super().__init__(response.status_code)
        self.response = response


def fingerprint(method: str, path: str, body: bytes) -> str:
    return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + body).hexdigest()


def run_once(app: UnitOfWork, principal: str, key: str, fp: str,
             call: Callable[[], Response]) -> Response | Stored:
    """`call()` with the key claimed and its answer stored in its transaction, or the answer
    stored by the first request with this key."""
    if not KEY.match(key):
        raise InvalidInput("Idempotency-Key", "must be 1 to 255 visible ASCII characters")

    def body(session) -> Response:
        conn = session.connection()
        try:  # on PostgreSQL this waits while another transaction holds the same key
            conn.execute(idempotency_keys.insert().values(principal=principal, key=key,
                                                          fingerprint=fp))
        except IntegrityError:
            raise _Taken() from None
        response = call()
        if not 200 <= response.status_code < 300:
            raise _Refused(response)
        conn.execute(update(idempotency_keys).where(
            idempotency_keys.c.principal == principal, idempotency_keys.c.key == key,
        ).values(status=response.status_code, body=json.dumps(response.get_json())))
        return response

    while True:
        try:
            return retried(app, body)
        except _Refused as refused:
            return refused.response
        except _Taken:
            stored = _stored(app, principal, key, fp)
            if stored is not None:
                return stored


def _stored(app: UnitOfWork, principal: str, key: str, fp: str) -> Stored | None:
    """The first answer given with the key; None when there is none (a stale claim, now
    released, or a claim released since): run the command."""
    where = (idempotency_keys.c.principal == principal, idempotency_keys.c.key == key)
    with app.engine.begin() as conn:
        row = conn.execute(select(idempotency_keys).where(*where)).first()
        if row is None:
            return None
        if row.fingerprint != fp:
            raise InvalidInput("Idempotency-Key", "was used before with a different request")
        if row.status is None:
            conn.execute(delete(idempotency_keys).where(*where))
            return None
    return Stored(row.status, json.loads(row.body))
