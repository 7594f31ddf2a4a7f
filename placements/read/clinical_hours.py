"""Read model of clinical hours: `clinical_hours`, `evaluations`, and the projections that fill them
from the aggregates (`@projects`, placements/readmodel.py). The commands and queries are in
placements/clinical_hours.py."""

from __future__ import annotations

from sqlalchemy import JSON, Column, Float, String, Table

from domain.base import stored_date
from domain.clinical_hours import ClinicalHours, EntryStatus
from domain.evaluations import Evaluation
from placements.readmodel import identity, identity_columns, metadata, projects

clinical_hours = Table(
    "clinical_hours", metadata,
    Column("id", String(36), primary_key=True),  # the entry's event id
    Column("student", String(36), nullable=False, index=True),
    Column("placement", String(36), nullable=False, index=True),
    Column("slot", String(36), nullable=False, index=True),
    Column("site", String(36), nullable=False, index=True),
    Column("discipline", String(20), nullable=False),
    Column("date", String(10), nullable=False, index=True),
    Column("hours", Float, nullable=False),
    Column("status", String(10), nullable=False),  # unsigned, signed, void
    Column("preceptor", String(36)),
)


evaluations = Table(
    "evaluations", metadata,
    *identity(),
    Column("placement", String(36), nullable=False, index=True),
    Column("of", String(10), nullable=False),
    Column("scores", JSON, nullable=False),
    Column("comments", String),
    Column("submitted_on", String(10), nullable=False),
)


@projects(ClinicalHours)
def _hours_rows(h: ClinicalHours):
    for entry_id, e in h.entries.items():
        facts = h.placements[e["placement"]]
        yield clinical_hours, {
            "id": entry_id, "student": h.student, "placement": e["placement"],
            "slot": facts.slot, "site": facts.site, "discipline": facts.discipline,
            "date": stored_date(e["date"]), "hours": e["hours"],
            "status": EntryStatus.of(e["void"], e["signed_by"] is not None),
            "preceptor": e["signed_by"]}


@projects(Evaluation)
def _evaluation_row(e: Evaluation):
    yield evaluations, {**identity_columns(e), "placement": e.placement, "of": e.of,
                        "scores": e.scores,
                        "comments": e.comments, "submitted_on": stored_date(e.submitted_on)}
