"""Read model of placements: `placement_rows`, and the projections that fill them from the
aggregates (`@projects`, placements/readmodel.py). The commands and queries are in
placements/workflow.py."""

from __future__ import annotations

from sqlalchemy import Column, String, Table

from domain.placements import Placement
from placements.readmodel import identity, identity_columns, metadata, projects

placement_rows = Table(
    "placements", metadata,
    *identity(),
    Column("request", String(36), nullable=False, index=True),
    Column("student", String(36), nullable=False, index=True),
    Column("college", String(36), nullable=False, index=True),
    Column("slot", String(36), nullable=False, index=True),
    Column("site", String(36), nullable=False),
    Column("employer", String(36), nullable=False, index=True),
    Column("preceptor", String(36)),
    Column("status", String(12), nullable=False, index=True),
    Column("solve", String(36)),
    Column("reason", String),
    Column("reason_code", String(20)),
)


@projects(Placement)
def _placement_row(p: Placement):
    yield placement_rows, {**identity_columns(p), "request": p.request, "student": p.student,
                           "college": p.college, "slot": p.slot, "site": p.site,
                           "employer": p.employer, "preceptor": p.preceptor, "status": p.status,
                           "solve": p.solve, "reason": p.reason, "reason_code": p.reason_code}
