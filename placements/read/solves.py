"""Read model of solves: `solves`, `solve_progress`, and the projections that fill them from the
aggregates (`@projects`, placements/readmodel.py). The commands and queries are in
placements/solves.py."""

from __future__ import annotations

from sqlalchemy import JSON, Column, Float, Integer, String, Table, Text

from domain.solves import Solve
from placements.readmodel import identity, identity_columns, metadata, projects

solves = Table(
    "solves", metadata,
    *identity(),
    Column("college", String(36)),
    Column("status", String(10), nullable=False, index=True),
    Column("attempts", Integer, nullable=False),
    Column("time_limit", Float, nullable=False),
    Column("problem_hash", String(64)),
    Column("log_position", Integer),
    Column("pieces", Integer),
    Column("result", JSON),
    Column("error", Text),
)


# Job bookkeeping, not a projection: the stages a running solve has settled so far (solver
# progress, not a domain change); the completed solution carries its own.
solve_progress = Table(
    "solve_progress", metadata,
    Column("solve", String(36), primary_key=True),
    Column("stages", JSON, nullable=False),
    info={"projected": False},
)


@projects(Solve)
def _solve_row(s: Solve):
    yield solves, {**identity_columns(s), "college": s.college, "status": s.status,
                   "attempts": s.attempts, "time_limit": s.time_limit,
                   "problem_hash": s.problem_hash, "log_position": s.log_position,
                   "pieces": s.pieces, "result": s.result, "error": s.error}
