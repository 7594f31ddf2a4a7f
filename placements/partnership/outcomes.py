"""Enrollments, completions and employment: their read models and commands.

Any organisation the participant shares its record with may record its training and jobs
(409 `consent_missing` otherwise). The rows keep each fact's business date, and the wage
history keeps one row per wage in force from its effective date, so progress reads what was
true on any date straight from these tables (placements/partnership/progress.py).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from domain.errors import InvalidInput
from domain.organizations import Organization
from domain.partnership.outcomes import Employment, Enrollment
from placements.base import AreaService, UnitOfWork, command
from placements.partnership.participants import Participants, writable
from placements.principals import Principal
from placements.read.outcomes import employments, enrollments, wage_history


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
               occupation: str, start_date: date, provider: str | None = None,
               employer: str | None = None, end_date: date | None = None) -> dict:
        participant = writable(self.uow, principal, participant_id)
        self._organization(employer, "employer", "employer")
        enrollment = Enrollment.enroll(principal.actor, participant, principal.org,
                                       program_type, occupation, provider, employer,
                                       start_date, end_date)
        self.uow.commit(enrollment)
        return self.enrollment(principal, str(enrollment.id))

    @command
    def complete_enrollment(self, principal: Principal, enrollment_id: str, date: date,
                            credential: str | None = None) -> dict:
        enrollment = self.uow.load(Enrollment, enrollment_id, "enrollment")
        writable(self.uow, principal, enrollment.participant)
        enrollment.complete(principal.actor, date, credential)
        self.uow.commit(enrollment)
        return self.enrollment(principal, enrollment_id)

    @command
    def hire(self, principal: Principal, participant_id: str, employer: str, occupation: str,
             hourly_wage: float, start_date: date) -> dict:
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
    def change_wage(self, principal: Principal, employment_id: str, effective_date: date,
                    hourly_wage: float) -> dict:
        job = self._job(principal, employment_id)
        job.change_wage(principal.actor, effective_date, hourly_wage)
        self.uow.commit(job)
        return self.employment(principal, employment_id)

    @command
    def separate(self, principal: Principal, employment_id: str, date: date,
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
