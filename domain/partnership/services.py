"""Support services (the common-customer matrix) and referrals to them.

A service belongs to the organisation that offers it and says whom it serves: `eligibility`
maps a participant fact (a flag, or `incumbent_worker`) to the value it must have. A referral
is refused when a rule is unmet, naming the rule; its outcome is recorded later.
"""

from __future__ import annotations

import datetime
from enum import StrEnum

from eventsourcing.domain import event

from domain.base import Aggregate, check_date, require, stored_date, typed_date
from domain.errors import Conflict
from domain.partnership.participants import FLAG_NAME

KINDS = ("child_care", "books", "tuition", "housing", "transportation", "wage_replacement",
         "other")


class ReferralStatus(StrEnum):
    OPEN = "open"  # no outcome recorded yet
    RECEIVED = "received"
    DECLINED = "declined"
    INELIGIBLE = "ineligible"


OUTCOMES = (ReferralStatus.RECEIVED, ReferralStatus.DECLINED, ReferralStatus.INELIGIBLE)


def check_eligibility(rules: dict) -> dict[str, bool]:
    require(isinstance(rules, dict), "eligibility", "must be an object of fact: true/false")
    for name, value in rules.items():
        require(isinstance(name, str) and bool(FLAG_NAME.match(name)), f"eligibility.{name}",
                "a rule names a participant flag (lower-case letters, digits and _)")
        require(isinstance(value, bool), f"eligibility.{name}", "must be true or false")
    return dict(sorted(rules.items()))


def unmet(rules: dict[str, bool], facts: dict[str, bool]) -> list[dict]:
    """The rules a participant's facts do not meet; a flag never recorded counts as false."""
    return [{"rule": name, "required": wanted, "actual": facts.get(name, False)}
            for name, wanted in rules.items() if facts.get(name, False) != wanted]


class Service(Aggregate):
    @event("Published")
    def __init__(self, actor: str, organization: str, kind: str, description: str,
                 eligibility: dict):
        self.organization = organization
        self.kind = kind
        self.description = description
        self.eligibility = eligibility
        self.withdrawn = False

    @classmethod
    def publish(cls, actor: str, organization: str, kind: str, description: str,
                eligibility: dict) -> Service:
        require(kind in KINDS, "kind", f"must be one of {', '.join(KINDS)}")
        require(isinstance(description, str) and 0 < len(description.strip()) <= 2000,
                "description", "must be 1 to 2000 characters")
        return cls(actor, organization, kind, description.strip(), check_eligibility(eligibility))

    def withdraw(self, actor: str) -> None:
        if not self.withdrawn:
            self._withdrawn(actor)

    @event("Withdrawn")
    def _withdrawn(self, actor: str) -> None:
        self.withdrawn = True


class Referral(Aggregate):
    @event("Referred")
    def __init__(self, actor: str, participant: str, service: str, service_organization: str,
                 organization: str, note: str | None, date: str):
        self.participant = participant
        self.service = service
        self.service_organization = service_organization
        self.organization = organization  # who referred
        self.note = note
        self.date = typed_date(date)
        self.status = ReferralStatus.OPEN
        self.outcome_date: datetime.date | None = None

    @classmethod
    def refer(cls, actor: str, participant: str, service: Service, facts: dict[str, bool],
              organization: str, note: str | None, day: datetime.date) -> Referral:
        if service.withdrawn:
            raise Conflict("the service has been withdrawn", code="service_withdrawn")
        broken = unmet(service.eligibility, facts)
        if broken:
            rules = [f"{r['rule']} must be {str(r['required']).lower()}" for r in broken]
            raise Conflict("the participant is not eligible for this service: "
                           + ", ".join(rules), code="not_eligible", fields={"service": rules})
        require(note is None or (isinstance(note, str) and len(note) <= 2000), "note",
                "must be at most 2000 characters")
        return cls(actor, participant, str(service.id), service.organization, organization,
                   note, stored_date(check_date(day, "date")))

    def record_outcome(self, actor: str, status: ReferralStatus, day: datetime.date) -> None:
        require(status in OUTCOMES, "status", f"must be one of {', '.join(OUTCOMES)}")
        check_date(day, "date")
        require(day >= self.date, "date", f"must not be before the referral ({self.date})")
        if self.status != ReferralStatus.OPEN:
            raise Conflict(f"the referral's outcome is already recorded ({self.status})",
                           code="outcome_recorded")
        self._outcome(actor, status.value, stored_date(day))

    @event("OutcomeRecorded")
    def _outcome(self, actor: str, status: str, date: str) -> None:
        self.status = ReferralStatus(status)
        self.outcome_date = typed_date(date)
