"""Read model of capacity: `sites`, `preceptors`, `slots`, and the projections that fill them from
the aggregates (`@projects`, placements/readmodel.py). The commands and queries are in
placements/capacity.py."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Float, Integer, String, Table

from domain.capacity import Preceptor, Site, Slot
from placements.readmodel import identity, identity_columns, metadata, projects

sites = Table(
    "sites", metadata,
    *identity(),
    Column("employer", String(36), nullable=False, index=True),
    Column("name", String, nullable=False),
    Column("lat", Float, nullable=False),
    Column("lon", Float, nullable=False),
    Column("requirements", JSON, nullable=False),
    Column("phone", String(40)),
)


preceptors = Table(
    "preceptors", metadata,
    *identity(),
    Column("employer", String(36), nullable=False, index=True),
    Column("site", String(36), nullable=False, index=True),
    Column("name", String, nullable=False),
    Column("disciplines", JSON, nullable=False),
    Column("max_students", Integer, nullable=False),
    Column("journeyworker", Boolean, nullable=False),
)


slots = Table(
    "slots", metadata,
    *identity(),
    Column("employer", String(36), nullable=False, index=True),
    Column("site", String(36), nullable=False, index=True),
    Column("discipline", String(20), nullable=False),
    Column("capacity", Integer, nullable=False),
    Column("preceptor", String(36)),
    Column("start_date", String(10), nullable=False),
    Column("end_date", String(10), nullable=False),
    Column("weekdays", JSON, nullable=False),
    Column("shift_start", String(5), nullable=False),
    Column("shift_end", String(5), nullable=False),
    Column("hours", Integer, nullable=False),
    Column("colleges", JSON),
    Column("open_to", String, nullable=False),  # "*" or ",college,college," for reserved slots
    Column("status", String(10), nullable=False),
    Column("held", Integer, nullable=False),
    Column("unit", String(36), index=True),  # the unit of the site it is in, if named
)


@projects(Site)
def _site_row(s: Site):
    yield sites, {**identity_columns(s), "employer": s.employer, "name": s.name,
                  "lat": s.location["lat"], "lon": s.location["lon"],
                  "requirements": s.requirements, "phone": s.phone}


@projects(Preceptor)
def _preceptor_row(p: Preceptor):
    yield preceptors, {**identity_columns(p), "employer": p.employer, "site": p.site,
                       "name": p.name,
                       "disciplines": p.disciplines, "max_students": p.max_students,
                       "journeyworker": p.journeyworker}


@projects(Slot)
def _slot_row(s: Slot):
    yield slots, {**identity_columns(s), "employer": s.employer, "site": s.site,
                  "discipline": s.discipline, "capacity": s.capacity, "preceptor": s.preceptor,
                  **s.schedule.as_dict(), "hours": s.hours, "colleges": s.colleges,
                  "open_to": ",".join(["", *s.colleges, ""]) if s.colleges else "*",
                  "status": s.status, "held": len(s.held),
                  "unit": s.unit}
