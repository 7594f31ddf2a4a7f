"""Read model of students: `students`, `placement_requests`, and the projections that fill them from
the aggregates (`@projects`, placements/readmodel.py). The commands and queries are in
placements/students.py."""

from __future__ import annotations

from sqlalchemy import JSON, Column, Float, Integer, String, Table

from domain.base import stored_date
from domain.students import PlacementRequest, Student
from placements.readmodel import identity, identity_columns, metadata, projects

students = Table(
    "students", metadata,
    *identity(),
    Column("college", String(36), nullable=False, index=True),
    Column("name", String, nullable=False),
    Column("lat", Float, nullable=False),
    Column("lon", Float, nullable=False),
    Column("max_travel_km", Float),
    Column("credentials", JSON, nullable=False),
    Column("unavailable", JSON, nullable=False),
    Column("participant", String(36), index=True),
    # [{"code", "issued", "expires"}] by code, and [{"code", "site", "employer", "reason",
    # "until"}] as granted (SPEC section 8); credentials above: the codes held
    Column("credential_records", JSON),
    Column("waivers", JSON),
)


placement_requests = Table(
    "placement_requests", metadata,
    *identity(),
    Column("college", String(36), nullable=False, index=True),
    Column("student", String(36), nullable=False, index=True),
    Column("discipline", String(20), nullable=False),
    Column("required_hours", Integer, nullable=False),
    Column("earliest_start", String(10), nullable=False),
    Column("latest_end", String(10), nullable=False),
    Column("priority", Integer, nullable=False),
    Column("group", String),
    Column("preferred_sites", JSON, nullable=False),
    Column("placement", String(36)),
    Column("unplaced", JSON),
    Column("status", String(10), nullable=False),  # a RequestStatus
)


@projects(Student)
def _student_row(s: Student):
    yield students, {**identity_columns(s), "college": s.college, "name": s.name,
                     "lat": s.home["lat"], "lon": s.home["lon"],
                     "max_travel_km": s.max_travel_km, "credentials": s.credentials,
                     "unavailable": s.unavailable, "participant": s.participant,
                     "credential_records": [
                         {**r, "issued": stored_date(r["issued"]),
                          "expires": stored_date(r["expires"])}
                         for r in sorted(s.credential_records.values(), key=lambda r: r["code"])],
                     "waivers": [{**w, "until": stored_date(w["until"])} for w in s.waivers]}


@projects(PlacementRequest)
def _request_row(r: PlacementRequest):
    yield placement_requests, {
        **identity_columns(r), "college": r.college, "student": r.student,
                               "discipline": r.discipline,
        "required_hours": r.required_hours, "earliest_start": stored_date(r.earliest_start),
        "latest_end": stored_date(r.latest_end), "priority": r.priority, "group": r.group,
        "preferred_sites": r.preferred_sites, "placement": r.placement, "unplaced": r.unplaced,
        "status": r.status,
    }
