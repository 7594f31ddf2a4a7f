"""Participants: their read models, who may see or write them, and the commands on them.

Visibility: the registering organisation, compliance and admin, and each organisation the
participant consented to share with (while the consent stands). A write by an organisation
without that consent is refused with 409 `consent_missing`; a read answers 404. Only compliance
reads the self-identification, opened with the application's key.
"""

from __future__ import annotations

import functools
import uuid
from datetime import UTC, date, datetime

from sqlalchemy import select

from domain.errors import Conflict, NotFound
from domain.organizations import Organization
from domain.partnership.participants import Participant, check_self_identification
from placements.base import AreaService, UnitOfWork, command
from placements.paging import Page, page
from placements.partnership.sealing import Sealer
from placements.principals import Principal
from placements.read.participants import participant_access, participants

WRITERS = ("coordinator", "employer", "partner")


def visible_ids(org: str | None):
    """The participants an organisation may see now, as a subquery."""
    return select(participant_access.c.participant).where(
        participant_access.c.organization == org, participant_access.c.revoked.is_(None))


def sees_all(principal: Principal) -> bool:
    return principal.role in ("admin", "compliance")


def writable(app: UnitOfWork, principal: Principal, participant_id: str,
             field: str | None = None) -> Participant:
    """The participant, for a write by the caller's organisation: 409 `consent_missing` when
    it has no standing consent. `field` names the body field that referenced it (an unknown id
    there is 422; in the path it is 404)."""
    principal.require(*WRITERS)
    if field is not None:
        participant = app.referenced(Participant, participant_id, field, "participant")
    else:
        participant = app.load(Participant, participant_id, "participant")
    if not participant.shares_with(principal.org):
        raise Conflict("the participant has not consented to share their record with your "
                       "organisation", code="consent_missing")
    return participant


def link(app: UnitOfWork, principal: Principal, participant_id: str | None) -> str | None:
    """A student's or apprentice's `participant`: one the caller's organisation may write to."""
    if participant_id is None:
        return None
    return str(writable(app, principal, participant_id, "participant").id)


def require_guardian_consent(app: UnitOfWork, start_date: date,
                             student_participant: str | None) -> None:
    """A placement of a student naming a participant who may be under 18 in the year the
    placement starts is accepted only once a guardian's consent is on record."""
    if student_participant is None:
        return
    participant = app.load(Participant, student_participant, "participant")
    if participant.may_be_minor(start_date.year) and participant.guardian_consent is None:
        raise Conflict("the student is a participant under 18 with no guardian consent on "
                       "record (POST /v1/participants/{id}/guardian-consent)",
                       code="guardian_consent_missing")


def prior_learning_credit(app: UnitOfWork, participant_id: str, occupation: str,
                          known_at: datetime | None = None) -> dict:
    """Hours of prior learning credited to the participant for an occupation (as recorded at
    `known_at`), with the events they rest on."""
    hours, refs = 0.0, []
    for entry in app.log([participant_id]):
        e = entry.event
        if type(e).__name__ != "PriorLearningCredited" or e.credit["occupation"] != occupation:
            continue
        if known_at is not None and e.timestamp > known_at:
            continue
        hours += e.credit["hours"]
        refs.append({"id": e.credit["event_id"], "position": entry.position})
    return {"hours": hours, "events": refs}


class Participants(AreaService):
    """Registering participants, their consents, guardian consent and prior learning."""

    @functools.cached_property
    def sealer(self) -> Sealer:
        return Sealer(self.uow.settings.cipher_key)

    @command
    def register_participant(self, principal: Principal, name: str, community: str,
                             birth_year: int, zip: str | None = None,
                             incumbent_worker: bool = False, flags: dict | None = None,
                             self_identification: dict | None = None) -> dict:
        principal.require(*WRITERS)
        sealed = (self.sealer.seal(check_self_identification(self_identification))
                  if self_identification else None)
        participant = Participant.register(principal.actor, principal.org, name, community, zip,
                                           birth_year, incumbent_worker, flags or {}, sealed,
                                           datetime.now(UTC).year)
        self.uow.commit(participant)
        return self.participant(principal, str(participant.id))

    def _owned(self, principal: Principal, participant_id: str) -> Participant:
        participant = writable(self.uow, principal, participant_id)
        if participant.organization != principal.org:
            raise NotFound(f"no such participant of your organisation: {participant_id}")
        return participant

    @command
    def give_consent(self, principal: Principal, participant_id: str, organization: str,
                     date: date) -> dict:
        """Recorded by the registering organisation, as the participant agreed."""
        participant = self._owned(principal, participant_id)
        self.referenced_organization(organization)
        participant.give_consent(principal.actor, organization, date)
        self.uow.commit(participant)
        return self.participant(principal, participant_id)

    @command
    def revoke_consent(self, principal: Principal, participant_id: str, organization: str,
                       date: date) -> dict:
        participant = self._owned(principal, participant_id)
        participant.revoke_consent(principal.actor, organization, date)
        self.uow.commit(participant)
        return self.participant(principal, participant_id)

    def referenced_organization(self, org_id: str, field: str = "organization") -> None:
        self.uow.referenced(Organization, org_id, field, "organization")

    @command
    def record_guardian_consent(self, principal: Principal, participant_id: str,
                                guardian_name: str, date: date) -> dict:
        participant = writable(self.uow, principal, participant_id)
        participant.record_guardian_consent(principal.actor, guardian_name, date)
        self.uow.commit(participant)
        return self.participant(principal, participant_id)

    @command
    def credit_prior_learning(self, principal: Principal, participant_id: str,
                              occupation: str, hours: float, basis: str) -> dict:
        participant = writable(self.uow, principal, participant_id)
        credit = participant.credit_prior_learning(principal.actor, str(uuid.uuid4()),
                                                   occupation, hours, basis)
        self.uow.commit(participant)
        return {"participant": participant_id, **credit}

    # Reads -------------------------------------------------------------------------------

    def participant_row(self, principal: Principal, participant_id: str) -> dict:
        row = self.uow.read_row(participants, participant_id, "participant")
        if not sees_all(principal):
            with self.uow.connection() as conn:
                ok = conn.execute(visible_ids(principal.org).where(
                    participant_access.c.participant == row["id"])).first()
            if ok is None:
                raise NotFound(f"no such participant: {participant_id}")
        return row

    def participant(self, principal: Principal, participant_id: str) -> dict:
        return self.participant_view(principal, self.participant_row(principal, participant_id))

    def participant_view(self, principal: Principal, row: dict) -> dict:
        view = {k: v for k, v in row.items() if k not in ("seq", "self_identification")}
        if principal.role == "compliance":
            view["self_identification"] = self.sealer.open(row["self_identification"])
        return view

    def participants(self, principal: Principal, limit: int, cursor: str | None,
                     community: str | None = None) -> Page:
        q = select(participants)
        if not sees_all(principal):
            q = q.where(participants.c.id.in_(visible_ids(principal.org)))
        if community:
            q = q.where(participants.c.community == community)
        p = page(self.uow.engine, participants, q, limit, cursor)
        return Page([self.participant_view(principal, r) for r in p.items], p.next_cursor)

