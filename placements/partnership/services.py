"""Support services (the common-customer matrix), eligibility matching and referrals.

An organisation publishes and withdraws its own services only. A referral to a service the
participant is not eligible for is refused with 409 `not_eligible`, naming each unmet rule; a
referral to another organisation's service needs the participant's consent to share with that
organisation (409 `consent_missing`). The service's organisation or the referring one records
the outcome.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from domain.errors import Conflict, Forbidden, NotFound
from domain.partnership.services import KINDS, Referral, ReferralStatus, Service, unmet
from placements.base import AreaService, UnitOfWork, check_version, command
from placements.paging import Page, page
from placements.partnership.participants import Participants, sees_all, writable
from placements.principals import Principal
from placements.read.organizations import organizations
from placements.read.services import referrals, services

PUBLISHERS = ("partner", "employer", "coordinator")


def view(row: dict) -> dict:
    return {k: v for k, v in row.items() if k != "seq"}


class Services(AreaService):
    """The services every organisation offers, and referrals of participants to them."""

    def __init__(self, uow: UnitOfWork, participants: Participants) -> None:
        super().__init__(uow)
        self.participants = participants

    @command
    def publish_service(self, principal: Principal, kind: str, description: str,
                        eligibility: dict | None = None, organization: str | None = None
                        ) -> dict:
        principal.require(*PUBLISHERS)
        if organization not in (None, principal.org):
            raise Forbidden("an organisation publishes its own services only",
                            fields={"organization": ["must be your own organisation"]})
        service = Service.publish(principal.actor, principal.org, kind, description,
                                  eligibility or {})
        self.uow.commit(service)
        return self.service(principal, str(service.id))

    @command
    def withdraw_service(self, principal: Principal, service_id: str,
                         if_match: int | None = None) -> dict:
        principal.require(*PUBLISHERS)
        service = self.uow.load(Service, service_id, "service")
        if service.organization != principal.org:
            raise Forbidden("an organisation withdraws its own services only")
        check_version(service, if_match)
        service.withdraw(principal.actor)
        self.uow.commit(service)
        return self.service(principal, service_id)

    def service(self, principal: Principal, service_id: str) -> dict:
        # The matrix is shared: every member of the partnership may read every service.
        return view(self.uow.read_row(services, service_id, "service"))

    def services(self, principal: Principal, limit: int, cursor: str | None,
                 kind: str | None = None, organization: str | None = None) -> Page:
        q = select(services).where(services.c.withdrawn.is_(False))
        if kind:
            q = q.where(services.c.kind == kind)
        if organization:
            q = q.where(services.c.organization == organization)
        p = page(self.uow.engine, services, q, limit, cursor)
        return Page([view(r) for r in p.items], p.next_cursor)

    def service_matrix(self, principal: Principal) -> dict:
        """Organisations × kinds: which organisation can give what, with the services' ids."""
        with self.uow.engine.connect() as conn:
            rows = conn.execute(select(services.c.id, services.c.organization, services.c.kind,
                                       organizations.c.name).join(
                organizations, organizations.c.id == services.c.organization).where(
                services.c.withdrawn.is_(False)).order_by(organizations.c.name,
                                                          services.c.seq)).all()
        by_org: dict[str, dict] = {}
        for r in rows:
            entry = by_org.setdefault(r.organization, {
                "organization": r.organization, "name": r.name,
                "kinds": {k: [] for k in KINDS}})
            entry["kinds"][r.kind].append(r.id)
        return {"kinds": list(KINDS), "rows": list(by_org.values())}

    def eligible_services(self, principal: Principal, participant_id: str) -> dict:
        """Every open service, split into those the participant is eligible for (each with its
        organisation, and whether a referral there needs a consent first) and the rest with
        the rules they miss."""
        row = self.participants.participant_row(principal, participant_id)
        facts = {**row["flags"], "incumbent_worker": row["incumbent_worker"]}
        sharing = {row["organization"]} | {o for o, c in row["consents"].items()
                                           if c["revoked"] is None}
        with self.uow.engine.connect() as conn:
            rows = conn.execute(select(services).where(services.c.withdrawn.is_(False))
                                .order_by(services.c.seq)).all()
        eligible, not_eligible = [], []
        for r in rows:
            missing = unmet(r.eligibility, facts)
            item = {"id": r.id, "organization": r.organization, "kind": r.kind,
                    "description": r.description}
            if missing:
                not_eligible.append({**item, "unmet": missing})
            else:
                eligible.append({**item, "consent_needed": r.organization not in sharing})
        return {"participant": participant_id, "eligible": eligible,
                "not_eligible": not_eligible}

    @command
    def refer(self, principal: Principal, participant_id: str, service: str,
              note: str | None = None, date: date | None = None) -> dict:
        participant = writable(self.uow, principal, participant_id)
        target = self.uow.referenced(Service, service, "service", "service")
        if not participant.shares_with(target.organization):
            raise Conflict("the participant has not consented to share their record with the "
                           "service's organisation", code="consent_missing")
        referral = Referral.refer(principal.actor, str(participant.id), target,
                                  participant.facts(), principal.org, note,
                                  date or datetime.now(UTC).date())
        self.uow.commit(referral)
        return self.referral(principal, str(referral.id))

    @command
    def record_referral_outcome(self, principal: Principal, referral_id: str,
                                status: ReferralStatus, date: date) -> dict:
        principal.require(*PUBLISHERS)
        referral = self.uow.load(Referral, referral_id, "referral")
        if principal.org not in (referral.organization, referral.service_organization):
            raise NotFound(f"no such referral: {referral_id}")
        referral.record_outcome(principal.actor, status, date)
        self.uow.commit(referral)
        return self.referral(principal, referral_id)

    def referral(self, principal: Principal, referral_id: str) -> dict:
        row = self.uow.read_row(referrals, referral_id, "referral")
        if not sees_all(principal) and principal.org not in (row["organization"],
                                                             row["service_organization"]):
            raise NotFound(f"no such referral: {referral_id}")
        return view(row)

    def participant_referrals(self, principal: Principal, participant_id: str) -> list[dict]:
        self.participants.participant_row(principal, participant_id)
        with self.uow.engine.connect() as conn:
            rows = conn.execute(select(referrals).where(
                referrals.c.participant == participant_id).order_by(referrals.c.seq)).all()
        return [view(dict(r._mapping)) for r in rows]
