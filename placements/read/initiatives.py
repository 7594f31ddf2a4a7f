"""Read model of initiatives: `initiatives`, `pathways`, and the projections that fill them from the
aggregates (`@projects`, placements/readmodel.py). The commands and queries are in
placements/partnership/initiatives.py."""

from __future__ import annotations

from sqlalchemy import JSON, Column, String, Table

from domain.base import stored_date, stored_dates
from domain.partnership.initiatives import Initiative, Pathway
from placements.readmodel import identity, identity_columns, metadata, projects

initiatives = Table(
    "initiatives", metadata,
    *identity(),
    Column("name", String, nullable=False),
    Column("targets", JSON, nullable=False),
    Column("communities", JSON),
    Column("start_date", String(10)),
)


pathways = Table(
    "pathways", metadata,
    *identity(),
    Column("name", String, nullable=False),
    Column("steps", JSON, nullable=False),
)


@projects(Initiative)
def _initiative_row(i: Initiative):
    yield initiatives, {**identity_columns(i), "name": i.name,
                        "targets": [stored_dates(t, "by") for t in i.targets],
                        "communities": i.communities, "start_date": stored_date(i.start_date)}


@projects(Pathway)
def _pathway_row(p: Pathway):
    yield pathways, {**identity_columns(p), "name": p.name, "steps": p.steps}
