"""Read model of units: `units`, and the projections that fill them from the aggregates
(`@projects`, placements/readmodel.py). The commands and queries are in placements/units.py."""

from __future__ import annotations

from sqlalchemy import JSON, Column, String, Table

from domain.onboarding import Unit
from placements.readmodel import identity, identity_columns, metadata, projects

units = Table(
    "units", metadata,
    *identity(),
    Column("employer", String(36), nullable=False, index=True),
    Column("site", String(36), nullable=False, index=True),
    Column("name", String, nullable=False),
    Column("requirements", JSON, nullable=False),
)


@projects(Unit)
def _unit_row(u: Unit):
    yield units, {**identity_columns(u), "employer": u.employer, "site": u.site, "name": u.name,
                  "requirements": u.requirements}
