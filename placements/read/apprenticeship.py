"""Read model of apprenticeship: `programs`, `apprentices`, and the projections that fill them from
the aggregates (`@projects`, placements/readmodel.py). The commands and queries are in
placements/apprenticeship.py."""

from __future__ import annotations

from sqlalchemy import JSON, Column, Float, Integer, String, Table

from domain.apprenticeship import Apprentice, ApprenticeshipProgram
from domain.base import stored_date
from placements.readmodel import identity, identity_columns, metadata, projects

programs = Table(
    "apprenticeship_programs", metadata,
    *identity(),
    Column("sponsor", String(36), index=True),
    Column("name", String, nullable=False),
    Column("occupation", String(40), nullable=False),
    Column("effective_date", String(10), nullable=False),
    Column("standards", JSON, nullable=False),   # the latest standards, every amendment applied
    Column("amendments", JSON, nullable=False),  # [{effective_date, changes, event_id}]
)


apprentices = Table(
    "apprentices", metadata,
    *identity(),
    Column("program", String(36), nullable=False, index=True),
    Column("employer", String(36), nullable=False, index=True),
    Column("name", String, nullable=False),
    Column("signed_date", String(10), nullable=False),
    Column("registration_number", String),
    Column("registered_date", String(10)),
    Column("status", String(10), nullable=False),
    Column("completed_on", String(10)),
    Column("cancelled_on", String(10)),
    Column("ojt_hours", Float, nullable=False),
    Column("rsi_hours", Float, nullable=False),
    Column("rsi_by_provider", JSON, nullable=False),
    Column("rsi_providers", String, nullable=False),  # ",p1,p2," for a coordinator's filter
    Column("corrections", Integer, nullable=False),
    Column("participant", String(36), index=True),
    Column("student", String(36), index=True),  # the bridge to clinical hours
)


@projects(ApprenticeshipProgram)
def _program_row(p: ApprenticeshipProgram):
    latest = p.standards
    yield programs, {**identity_columns(p), "sponsor": p.sponsor, "name": latest["name"],
                     "occupation": latest["occupation"],
                     "effective_date": stored_date(p.effective_date),
                     "standards": latest,
                     "amendments": [{"effective_date": stored_date(a["effective_date"]),
                                     "changes": a["changes"], "event_id": a["ref"]}
                                    for a in p.history[1:]]}


@projects(Apprentice)
def _apprentice_row(a: Apprentice):
    totals = a.totals()
    providers = sorted(k for k, v in totals["rsi_by_provider"].items() if v > 0)
    yield apprentices, {**identity_columns(a), "program": a.program, "employer": a.employer,
                        "name": a.name, "signed_date": stored_date(a.signed_date),
                        "registration_number": a.registration_number,
                        "registered_date": stored_date(a.registered_date), "status": a.status,
                        "completed_on": stored_date(a.completed_on),
                        "cancelled_on": stored_date(a.cancelled_on),
                        "ojt_hours": totals["ojt_hours"], "rsi_hours": totals["rsi_hours"],
                        "rsi_by_provider": totals["rsi_by_provider"],
                        "rsi_providers": ",".join(["", *providers, ""]),
                        "corrections": a.corrections, "participant": a.participant,
                        "student": a.student}
