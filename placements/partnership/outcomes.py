"""Enrollments, completions and employment: their read models and commands.

Any organisation the participant shares its record with may record its training and jobs
(409 `consent_missing` otherwise). The rows keep each fact's business date, and the wage
history keeps one row per wage in force from its effective date, so progress reads what was
true on any date straight from these tables (placements/partnership/progress.py).
"""

from __future__ import annotations

from sqlalchemy import Column, Float, Integer, String, Table, select

from domain.errors import InvalidInput
from domain.organizations import Organization
from domain.partnership.outcomes import Employment, Enrollment
from placements.base import AreaService, UnitOfWork, command
from placements.partnership.participants import Participants, writable
from placements.principals import Principal
from placements.readmodel import identity_columns, metadata, projects

enrollments = Table(
    "enrollments", metadata,
    Column("id", String(36), primary_key=True),
    Column("seq", String(40), nullable=False, index=True),
    Column("version", Integer, nullable=False),
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
    Column("id", String(36), primary_key=True),
    Column("seq", String(40), nullable=False, index=True),
    Column("version", Integer, nullable=False),
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
                        "employer": e.employer, "start_date": e.start_date,
                        "end_date": e.end_date, "completed_on": e.completed_on,
                        "credential": e.credential}


@projects(Employment)
def _employment_rows(e: Employment):
    separation = e.separation or {}
    yield employments, {**identity_columns(e), "participant": e.participant,
                        "community": e.community,
                        "organization": e.organization, "employer": e.employer,
                        "occupation": e.occupation, "start_date": e.start_date,
                        "start_wage": e.wages[0]["hourly_wage"],
                        "hourly_wage": e.wages[-1]["hourly_wage"], "anniversary": e.anniversary,
                        "separated_on": separation.get("date"),
                        "separation_reason": separation.get("reason")}
    for n, wage in enumerate(e.wages):
        until = e.wages[n + 1]["effective_date"] if n + 1 < len(e.wages) else None
        yield wage_history, {"employment": str(e.id), "n": n, "participant": e.participant,
                             "employer": e.employer, "occupation": e.occupation,
                             "until": until, **wage}


def enrollment_view(row: dict) -> dict:
    return {k: v for k, v in row.items() if k != "seq"}


def employment_view(row: dict, wages: list[dict]) -> dict:
    return {**{k: v for k, v in row.items() if k != "seq"}, "wages": wages}


class Outcomes(AreaService):
    """Training and job outcomes recorded for participants."""

    def __init__(self, uow: UnitOfWork, participants: Participants) -> None:
        super().__init__(uow)
        self.participants = participants

    def _organization(self, org_id: str | None, field: str, kind: str | None = None) -> None:
        if org_id is None:
            return
        org = self.uow.referenced(Organization, org_id, field, "organization")
        if kind is not None and org.kind != kind:
            raise InvalidInput(field, f"must be an organisation of kind {kind}")

    @command
    def enroll(self, principal: Principal, participant_id: str, program_type: str,
               occupation: str, start_date: str, provider: str | None = None,
               employer: str | None = None, end_date: str | None = None) -> dict:
        participant = writable(self.uow, principal, participant_id)
        self._organization(employer, "employer", "employer")
        enrollment = Enrollment.enroll(principal.actor, participant, principal.org,
                                       program_type, occupation, provider, employer,
                                       start_date, end_date)
        self.uow.commit(enrollment)
        return self.enrollment(principal, str(enrollment.id))

    @command
    def complete_enrollment(self, principal: Principal, enrollment_id: str, date: str,
                            credential: str | None = None) -> dict:
        enrollment = self.uow.load(Enrollment, enrollment_id, "enrollment")
        writable(self.uow, principal, enrollment.participant)
        enrollment.complete(principal.actor, date, credential)
        self.uow.commit(enrollment)
        return self.enrollment(principal, enrollment_id)

    @command
    def hire(self, principal: Principal, participant_id: str, employer: str, occupation: str,
             hourly_wage: float, start_date: str) -> dict:
        participant = writable(self.uow, principal, participant_id)
        self._organization(employer, "employer", "employer")
        job = Employment.hire(principal.actor, participant, principal.org, employer,
                              occupation, hourly_wage, start_date)
        self.uow.commit(job)
        return self.employment(principal, str(job.id))

    def _job(self, principal: Principal, employment_id: str) -> Employment:
        job = self.uow.load(Employment, employment_id, "employment")
        writable(self.uow, principal, job.participant)
        return job

    @command
    def change_wage(self, principal: Principal, employment_id: str, effective_date: str,
                    hourly_wage: float) -> dict:
        job = self._job(principal, employment_id)
        job.change_wage(principal.actor, effective_date, hourly_wage)
        self.uow.commit(job)
        return self.employment(principal, employment_id)

    @command
    def separate(self, principal: Principal, employment_id: str, date: str,
                 reason: str) -> dict:
        job = self._job(principal, employment_id)
        job.separate(principal.actor, date, reason)
        self.uow.commit(job)
        return self.employment(principal, employment_id)

    # Reads: visible with the participant they belong to ----------------------------------

    def enrollment(self, principal: Principal, enrollment_id: str) -> dict:
        row = self.uow.read_row(enrollments, enrollment_id, "enrollment")
        self.participants.participant_row(principal, row["participant"])
        return enrollment_view(row)

    def employment(self, principal: Principal, employment_id: str) -> dict:
        row = self.uow.read_row(employments, employment_id, "employment")
        self.participants.participant_row(principal, row["participant"])
        return employment_view(row, self._wages(employment_id))

    def _wages(self, employment_id: str) -> list[dict]:
        with self.uow.connection() as conn:
            return [{"effective_date": r.effective_date, "hourly_wage": r.hourly_wage}
                    for r in conn.execute(select(wage_history).where(
                        wage_history.c.employment == employment_id).order_by(wage_history.c.n))]

    def participant_outcomes(self, principal: Principal, participant_id: str) -> dict:
        """A participant's enrollments and jobs, oldest first."""
        self.participants.participant_row(principal, participant_id)
        with self.uow.connection() as conn:
            ens = conn.execute(select(enrollments).where(
                enrollments.c.participant == participant_id).order_by(enrollments.c.seq)).all()
            jobs = conn.execute(select(employments).where(
                employments.c.participant == participant_id).order_by(employments.c.seq)).all()
        return {"enrollments": [enrollment_view(dict(r._mapping)) for r in ens],
                "employment": [employment_view(dict(r._mapping), self._wages(r.id))
                               for r in jobs]}
