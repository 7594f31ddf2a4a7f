"""Read model of participants: `participants`, `participant_access`, and the projections that fill
them from the aggregates (`@projects`, placements/readmodel.py). The commands and queries are in
placements/partnership/participants.py."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Integer, String, Table, Text

from domain.base import stored_date
from domain.partnership.participants import Participant
from placements.readmodel import identity, identity_columns, metadata, projects

participants = Table(
    "participants", metadata,
    *identity(),
    Column("organization", String(36), nullable=False, index=True),
    Column("name", String, nullable=False),
    Column("community", String(200), nullable=False, index=True),
    Column("zip", String(5)),
    Column("birth_year", Integer, nullable=False),
    Column("incumbent_worker", Boolean, nullable=False),
    Column("flags", JSON, nullable=False),
    Column("self_identification", Text),  # sealed; opened for compliance only
    Column("consents", JSON, nullable=False),
    Column("guardian_consent", JSON),
    Column("prior_learning", JSON, nullable=False),
)


# Who may see a participant now: its registering organisation and every standing consent.
participant_access = Table(
    "participant_access", metadata,
    Column("participant", String(36), primary_key=True),
    Column("organization", String(36), primary_key=True, index=True),
    Column("granted", String(10), nullable=False),
    Column("revoked", String(10)),
)


@projects(Participant)
def _participant_rows(p: Participant):
    yield participants, {
        **identity_columns(p), "organization": p.organization, "name": p.name,
                         "community": p.community,
        "zip": p.zip, "birth_year": p.birth_year, "incumbent_worker": p.incumbent_worker,
        "flags": p.flags, "self_identification": p.self_identification,
        "consents": {org: {"date": stored_date(c["date"]), "revoked": stored_date(c["revoked"])}
                     for org, c in p.consents.items()},
        "guardian_consent": p.guardian_consent and {
            **p.guardian_consent, "date": stored_date(p.guardian_consent["date"])},
        "prior_learning": p.prior_learning}
    yield participant_access, {"participant": str(p.id), "organization": p.organization,
                               "granted": p.created_on.date().isoformat(), "revoked": None}
    for org, consent in p.consents.items():
        yield participant_access, {"participant": str(p.id), "organization": org,
                                   "granted": stored_date(consent["date"]),
                                   "revoked": stored_date(consent["revoked"])}
