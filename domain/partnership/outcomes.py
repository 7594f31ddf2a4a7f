"""Training and job outcomes: enrollments (of every program type) and their completions, hires,
wage changes and separations. Each carries its business date, so progress can be read as of
any date; corrections would be new events, never edits. Enrollments and hires record the
participant's community when they happened, which is what progress by community counts.
"""

from __future__ import annotations

from datetime import date, timedelta

from eventsourcing.domain import event

from domain.base import Aggregate, check_date, require, stored_date, typed_date
from domain.errors import Conflict
from domain.partnership.participants import Participant

PROGRAM_TYPES = ("credential", "continuing_education", "ehr_training", "professional_development",
                 "tuition_reimbursement", "preceptorship", "k12_shadowing", "pre_apprenticeship",
                 "apprenticeship")
MIN_WAGE, MAX_WAGE = 0.01, 500.0  # dollars an hour; outside this a wage is a typing slip
RETENTION_DAYS = 365


def _text(value, field: str, *, optional: bool = False) -> str | None:
    if optional and value is None:
        return None
    require(isinstance(value, str) and 0 < len(value.strip()) <= 200, field,
            "must be 1 to 200 characters")
    return value.strip()


def check_wage(value, field: str) -> float:
    require(isinstance(value, int | float) and not isinstance(value, bool)
            and MIN_WAGE <= value <= MAX_WAGE, field,
            f"must be an hourly wage between {MIN_WAGE} and {MAX_WAGE:g} dollars")
    return round(float(value), 2)


class Enrollment(Aggregate):
    @event("Enrolled")
    def __init__(self, actor: str, participant: str, community: str, organization: str,
                 program_type: str, occupation: str, provider: str | None,
                 employer: str | None, start_date: str, end_date: str | None):
        self.participant = participant
        self.community = community  # the participant's, when enrolled
        self.organization = organization
        self.program_type = program_type
        self.occupation = occupation
        self.provider = provider
        self.employer = employer
        self.start_date = typed_date(start_date)
        self.end_date = typed_date(end_date)
        self.completed_on: date | None = None
        self.credential: str | None = None

    @classmethod
    def enroll(cls, actor: str, participant: Participant, organization: str, program_type: str,
               occupation: str, provider: str | None, employer: str | None, start_date: date,
               end_date: date | None = None) -> Enrollment:
        require(program_type in PROGRAM_TYPES, "program_type",
                f"must be one of {', '.join(PROGRAM_TYPES)}")
        check_date(start_date, "start_date")
        if end_date is not None:
            check_date(end_date, "end_date")
            require(end_date >= start_date, "end_date", "must not be before start_date")
        return cls(actor, str(participant.id), participant.community, organization,
                   program_type, _text(occupation, "occupation"),
                   _text(provider, "provider", optional=True), employer,
                   stored_date(start_date), stored_date(end_date))

    def complete(self, actor: str, day: date, credential: str | None) -> None:
        if self.completed_on is not None:
            raise Conflict(f"the enrollment was already completed on {self.completed_on}",
                           code="already_completed")
        check_date(day, "date")
        require(day >= self.start_date, "date",
                f"must not be before the enrollment started ({self.start_date})")
        self._completed(actor, stored_date(day), _text(credential, "credential", optional=True))

    @event("Completed")
    def _completed(self, actor: str, date: str, credential: str | None) -> None:
        self.completed_on = typed_date(date)
        self.credential = credential


class Employment(Aggregate):
    """A job: the hire, each wage change, and the separation if there is one."""

    @event("Hired")
    def __init__(self, actor: str, participant: str, community: str, organization: str,
                 employer: str, occupation: str, hourly_wage: float, start_date: str):
        self.participant = participant
        self.community = community  # the participant's, when hired
        self.organization = organization
        self.employer = employer
        self.occupation = occupation
        self.start_date = typed_date(start_date)
        self.wages: list[dict] = [{"effective_date": self.start_date, "hourly_wage": hourly_wage}]
        self.separation: dict | None = None

    @classmethod
    def hire(cls, actor: str, participant: Participant, organization: str, employer: str,
             occupation: str, hourly_wage: float, start_date: date) -> Employment:
        return cls(actor, str(participant.id), participant.community, organization, employer,
                   _text(occupation, "occupation"),
                   check_wage(hourly_wage, "hourly_wage"),
                   stored_date(check_date(start_date, "start_date")))

    @property
    def anniversary(self) -> date:
        """The day the job has lasted RETENTION_DAYS: retention counts those reaching it."""
        return self.start_date + timedelta(days=RETENTION_DAYS)

    def change_wage(self, actor: str, effective_date: date, hourly_wage: float) -> None:
        day = check_date(effective_date, "effective_date")
        require(day >= self.start_date, "effective_date",
                f"must not be before the job started ({self.start_date})")
        if self.separation is not None:
            require(day <= self.separation["date"], "effective_date",
                    f"is after the separation ({self.separation['date']})")
        self._wage_changed(actor, stored_date(day), check_wage(hourly_wage, "hourly_wage"))

    @event("WageChanged")
    def _wage_changed(self, actor: str, effective_date: str, hourly_wage: float) -> None:
        self.wages.append({"effective_date": typed_date(effective_date),
                           "hourly_wage": hourly_wage})
        self.wages.sort(key=lambda w: w["effective_date"])

    def separate(self, actor: str, day: date, reason: str) -> None:
        if self.separation is not None:
            raise Conflict(f"the job already ended on {self.separation['date']}",
                           code="already_separated")
        check_date(day, "date")
        require(day >= self.start_date, "date",
                f"must not be before the job started ({self.start_date})")
        last = self.wages[-1]["effective_date"]
        require(day >= last, "date", f"is before the last wage change ({last})")
        self._separated(actor, stored_date(day), _text(reason, "reason"))

    @event("Separated")
    def _separated(self, actor: str, date: str, reason: str) -> None:
        self.separation = {"date": typed_date(date), "reason": reason}
