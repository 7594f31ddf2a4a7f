"""Read model of organizations: `organizations`, and the projections that fill them from the
aggregates (`@projects`, placements/readmodel.py). The commands and queries are in
placements/organizations.py."""

from __future__ import annotations

from sqlalchemy import Column, String, Table

from domain.organizations import Organization
from placements.readmodel import identity, identity_columns, metadata, projects

organizations = Table(
    "organizations",
    metadata,
    *identity(),
    Column("name", String, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("segment", String(20)),
)


@projects(Organization)
def _organization_row(o: Organization):
    yield organizations, {**identity_columns(o), "name": o.name, "kind": o.kind,
                          "segment": o.segment}
