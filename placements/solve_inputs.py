"""The exact inputs solves ran on, kept by SHA-256 content hash.

A Solve's `InputRecorded` event carries the hash, so the log vouches for the input, any past
solve can be re-run bit for bit, and every job of a split solve reads the same problem.
"""

from __future__ import annotations

import hashlib
import json

from sqlalchemy import Column, String, Table, Text, select
from sqlalchemy.engine import Connection

from placements.readmodel import metadata, upsert

solve_inputs = Table(
    "solve_inputs", metadata,
    Column("hash", String(64), primary_key=True),
    Column("problem", Text, nullable=False),
    info={"projected": False},
)


def canonical(problem: dict) -> str:
    return json.dumps(problem, sort_keys=True, separators=(",", ":"))


def store(conn: Connection, problem: dict) -> str:
    """Keep the problem; returns its hash. Content-addressed: storing it twice is harmless."""
    text = canonical(problem)
    digest = hashlib.sha256(text.encode()).hexdigest()
    upsert(conn, solve_inputs, [{"hash": digest, "problem": text}])
    return digest


def load(conn: Connection, digest: str | None) -> dict | None:
    text = conn.execute(select(solve_inputs.c.problem).where(
        solve_inputs.c.hash == digest)).scalar()
    return None if text is None else json.loads(text)
