"""Read model of services: `services`, `referrals`, and the projections that fill them from the
aggregates (`@projects`, placements/readmodel.py). The commands and queries are in
placements/partnership/services.py."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, String, Table

from domain.base import stored_date
from domain.partnership.services import Referral, Service
from placements.readmodel import identity, identity_columns, metadata, projects

services = Table(
    "services", metadata,
    *identity(),
    Column("organization", String(36), nullable=False, index=True),
    Column("kind", String(30), nullable=False),
    Column("description", String, nullable=False),
    Column("eligibility", JSON, nullable=False),
    Column("withdrawn", Boolean, nullable=False),
)


referrals = Table(
    "referrals", metadata,
    *identity(),
    Column("participant", String(36), nullable=False, index=True),
    Column("service", String(36), nullable=False, index=True),
    Column("service_organization", String(36), nullable=False, index=True),
    Column("organization", String(36), nullable=False, index=True),
    Column("note", String),
    Column("date", String(10), nullable=False),
    Column("status", String(12), nullable=False),
    Column("outcome_date", String(10)),
)


@projects(Service)
def _service_row(s: Service):
    yield services, {**identity_columns(s), "organization": s.organization, "kind": s.kind,
                     "description": s.description, "eligibility": s.eligibility,
                     "withdrawn": s.withdrawn}


@projects(Referral)
def _referral_row(r: Referral):
    yield referrals, {**identity_columns(r), "participant": r.participant, "service": r.service,
                      "service_organization": r.service_organization,
                      "organization": r.organization, "note": r.note,
                      "date": stored_date(r.date), "status": r.status,
                      "outcome_date": stored_date(r.outcome_date)}
