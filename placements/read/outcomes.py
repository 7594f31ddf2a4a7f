"""Read model of outcomes: `enrollments`, `employments`, `wage_history`, and the projections that
fill them from the aggregates (`@projects`, placements/readmodel.py). The commands and queries
are in placements/partnership/outcomes.py."""

from __future__ import annotations

from sqlalchemy import Column, Float, Integer, String, Table

from domain.base import stored_date
from domain.partnership.outcomes import Employment, Enrollment
from placements.readmodel import identity, identity_columns, metadata, projects

enrollments = Table(
    "enrollments", metadata,
    *identity(),
    Column("participant", String(36), nullable=False, index=True),
    Column("community", String(200), nullable=False),
    Column("organization", String(36), nullable=False),
    Column("program_type", String(30), nullable=False, index=True),
    Column("occupation", String(200), nullable=False),
    Column("provider", String(200)),
    Column("employer", String(36)),
    Column("start_date", String(10), nullable=False, index=True),
    Column("end_date", String(10)),
    Column("completed_on", String(10), index=True),
    Column("credential", String(200)),
)


employments = Table(
    "employments", metadata,
    *identity(),
    Column("participant", String(36), nullable=False, index=True),
    Column("community", String(200), nullable=False),
    Column("organization", String(36), nullable=False),
    Column("employer", String(36), nullable=False),
    Column("occupation", String(200), nullable=False),
    Column("start_date", String(10), nullable=False, index=True),
    Column("start_wage", Float, nullable=False),
    Column("hourly_wage", Float, nullable=False),  # the latest recorded
    Column("anniversary", String(10), nullable=False),  # start + 365 days, for retention
    Column("separated_on", String(10)),
    Column("separation_reason", String(200)),
)


# One row per wage in force from its effective date until the next change (the hire's wage is
# the first), so the wage on any date is one row: effective_date <= day < until.
wage_history = Table(
    "wage_history", metadata,
    Column("employment", String(36), primary_key=True),
    Column("n", Integer, primary_key=True, autoincrement=False),
    Column("participant", String(36), nullable=False, index=True),
    Column("employer", String(36), nullable=False),
    Column("occupation", String(200), nullable=False),
    Column("effective_date", String(10), nullable=False, index=True),
    Column("until", String(10), index=True),  # the next change's date; null: still in force
    Column("hourly_wage", Float, nullable=False),
)


@projects(Enrollment)
def _enrollment_row(e: Enrollment):
    yield enrollments, {**identity_columns(e), "participant": e.participant,
                        "community": e.community,
                        "organization": e.organization, "program_type": e.program_type,
                        "occupation": e.occupation, "provider": e.provider,
                        "employer": e.employer, "start_date": stored_date(e.start_date),
                        "end_date": stored_date(e.end_date),
                        "completed_on": stored_date(e.completed_on),
                        "credential": e.credential}


@projects(Employment)
def _employment_rows(e: Employment):
    separation = e.separation or {}
    yield employments, {**identity_columns(e), "participant": e.participant,
                        "community": e.community,
                        "organization": e.organization, "employer": e.employer,
                        "occupation": e.occupation, "start_date": stored_date(e.start_date),
                        "start_wage": e.wages[0]["hourly_wage"],
                        "hourly_wage": e.wages[-1]["hourly_wage"],
                        "anniversary": stored_date(e.anniversary),
                        "separated_on": stored_date(separation.get("date")),
                        "separation_reason": separation.get("reason")}
    for n, wage in enumerate(e.wages):
        until = e.wages[n + 1]["effective_date"] if n + 1 < len(e.wages) else None
        yield wage_history, {"employment": str(e.id), "n": n, "participant": e.participant,
                             "employer": e.employer, "occupation": e.occupation,
                             "until": stored_date(until),
                             "effective_date": stored_date(wage["effective_date"]),
                             "hourly_wage": wage["hourly_wage"]}
