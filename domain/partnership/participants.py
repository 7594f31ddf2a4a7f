"""Participants: the people the partnership follows, what they agreed to share, and with whom.

A participant is registered by one organisation, which always sees it; another organisation sees
it, refers it to its services or records its hire only while the participant's consent to share
with it stands. Revoking a consent stops new access and never erases what was recorded. Voluntary
self-identification reaches the aggregate already sealed (encrypted by the application with its
key), so the event and the read model never hold it in clear.
"""

from __future__ import annotations

import datetime
import re

from eventsourcing.domain import event

from domain.base import Aggregate, check_date, require, stored_date, typed_date
from domain.errors import Conflict

SELF_IDENTIFICATION = ("race", "ethnicity", "sex", "disability", "veteran")
FLAG_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
ZIP = re.compile(r"^\d{5}$")
ADULT = 18
MAX_CREDIT_HOURS = 10_000


def check_flags(flags: dict) -> dict[str, bool]:
    """Named facts (`tanf_eligible`, `low_income`, `refugee`, …), each true or false."""
    require(isinstance(flags, dict), "flags", "must be an object of true/false flags")
    for name, value in flags.items():
        require(isinstance(name, str) and bool(FLAG_NAME.match(name)), f"flags.{name}",
                "a flag name is lower-case letters, digits and _ (at most 40)")
        require(isinstance(value, bool), f"flags.{name}", "must be true or false")
    return dict(sorted(flags.items()))


def check_self_identification(answers: dict) -> dict[str, str]:
    """Voluntary answers: each of SELF_IDENTIFICATION may be left out, given as text, or
    "declined"."""
    require(isinstance(answers, dict), "self_identification", "must be an object")
    out = {}
    for name, value in answers.items():
        field = f"self_identification.{name}"
        require(name in SELF_IDENTIFICATION, field,
                f"unknown question; the questions are {', '.join(SELF_IDENTIFICATION)}")
        require(isinstance(value, str) and 0 < len(value.strip()) <= 100, field,
                "must be an answer of 1 to 100 characters, or \"declined\"")
        out[name] = value.strip()
    return out


class Participant(Aggregate):
    @event("Registered")
    def __init__(self, actor: str, organization: str, name: str, community: str, zip: str | None,
                 birth_year: int, incumbent_worker: bool, flags: dict,
                 self_identification: str | None):
        self.organization = organization
        self.name = name
        self.community = community
        self.zip = zip
        self.birth_year = birth_year
        self.incumbent_worker = incumbent_worker
        self.flags = flags
        self.self_identification = self_identification  # sealed text, or None
        self.consents: dict[str, dict] = {}  # organization -> {"date", "revoked"}: dates
        self.guardian_consent: dict | None = None
        self.prior_learning: list[dict] = []

    @classmethod
    def register(cls, actor: str, organization: str, name: str, community: str,
                 zip: str | None, birth_year: int, incumbent_worker: bool, flags: dict,
                 sealed_self_identification: str | None, this_year: int) -> Participant:
        require(isinstance(name, str) and bool(name.strip()), "name", "must not be blank")
        require(isinstance(community, str) and bool(community.strip()), "community",
                "must not be blank")
        require(zip is None or bool(ZIP.match(str(zip))), "zip", "must be 5 digits")
        require(isinstance(birth_year, int) and 1900 <= birth_year <= this_year, "birth_year",
                f"must be a year between 1900 and {this_year}")
        return cls(actor, organization, name.strip(), community.strip(), zip, birth_year,
                   bool(incumbent_worker), check_flags(flags), sealed_self_identification)

    def facts(self) -> dict[str, bool]:
        """What service eligibility is judged on: the flags, and `incumbent_worker`."""
        return {**self.flags, "incumbent_worker": self.incumbent_worker}

    def may_be_minor(self, year: int) -> bool:
        """With only a birth year on record, someone born in year B may be under 18 at some
        point of year Y while Y - B <= 18 (before their birthday in the year they turn 18);
        the guardian rule errs on that side."""
        return year - self.birth_year <= ADULT

    def shares_with(self, organization: str | None) -> bool:
        """Whether that organisation may see and write to this participant's record now."""
        if organization is None:
            return False
        consent = self.consents.get(organization)
        return organization == self.organization or (consent is not None
                                                     and consent["revoked"] is None)

    def give_consent(self, actor: str, organization: str, day: datetime.date) -> None:
        check_date(day, "date")
        require(organization != self.organization, "organization",
                "the registering organisation always sees its own participants")
        if not self.shares_with(organization):
            self._consent_given(actor, organization, stored_date(day))

    @event("ConsentGiven")
    def _consent_given(self, actor: str, organization: str, date: str) -> None:
        self.consents[organization] = {"date": typed_date(date), "revoked": None}

    def revoke_consent(self, actor: str, organization: str, day: datetime.date) -> None:
        check_date(day, "date")
        consent = self.consents.get(organization)
        if consent is None or consent["revoked"] is not None:
            raise Conflict("the participant has no standing consent for that organisation",
                           code="consent_missing")
        require(day >= consent["date"], "date", f"is before the consent was given "
                                                f"({consent['date']})")
        self._consent_revoked(actor, organization, stored_date(day))

    @event("ConsentRevoked")
    def _consent_revoked(self, actor: str, organization: str, date: str) -> None:
        self.consents[organization] = {**self.consents[organization],
                                       "revoked": typed_date(date)}

    def record_guardian_consent(self, actor: str, guardian_name: str,
                                day: datetime.date) -> None:
        require(isinstance(guardian_name, str) and bool(guardian_name.strip()), "guardian_name",
                "must not be blank")
        self._guardian_consented(actor, guardian_name.strip(),
                                 stored_date(check_date(day, "date")))

    @event("GuardianConsentRecorded")
    def _guardian_consented(self, actor: str, guardian_name: str, date: str) -> None:
        self.guardian_consent = {"guardian_name": guardian_name, "date": typed_date(date)}

    def credit_prior_learning(self, actor: str, event_id: str, occupation: str, hours: float,
                              basis: str) -> dict:
        require(isinstance(occupation, str) and bool(occupation.strip()), "occupation",
                "must not be blank")
        require(isinstance(hours, int | float) and not isinstance(hours, bool)
                and 0 < hours <= MAX_CREDIT_HOURS, "hours",
                f"must be more than 0 and at most {MAX_CREDIT_HOURS}")
        require(isinstance(basis, str) and bool(basis.strip()), "basis",
                "must say what the credit rests on")
        credit = {"event_id": event_id, "occupation": occupation.strip(), "hours": float(hours),
                  "basis": basis.strip()}
        self._credited(actor, credit)
        return credit

    @event("PriorLearningCredited")
    def _credited(self, actor: str, credit: dict) -> None:
        self.prior_learning.append(credit)

    def credited_hours(self, occupation: str) -> float:
        return sum(c["hours"] for c in self.prior_learning if c["occupation"] == occupation)
