"""Organisations: their read model and the admin's command that registers one."""

from __future__ import annotations

from sqlalchemy import select

from domain.organizations import Organization
from placements.base import AreaService, command
from placements.paging import Page, page
from placements.principals import Principal
from placements.read.organizations import organizations


class Organizations(AreaService):
    @command
    def register_organization(self, principal: Principal, name: str, kind: str,
                              segment: str | None = None) -> dict:
        principal.require("admin")
        org = Organization.register(principal.actor, name, kind, segment)
        self.uow.commit(org)
        return self.organization(principal, str(org.id))

    def organization(self, principal: Principal, org_id: str) -> dict:
        org = self.uow.load(Organization, org_id, "organization")
        return {"id": str(org.id), "version": org.version, "name": org.name, "kind": org.kind,
                "segment": org.segment}

    def organizations(self, principal: Principal, limit: int, cursor: str | None,
                      kind: str | None = None) -> Page:
        q = select(organizations.c.id, organizations.c.seq, organizations.c.version,
                   organizations.c.name, organizations.c.kind, organizations.c.segment)
        if kind:
            q = q.where(organizations.c.kind == kind)
        return page(self.uow.engine, organizations, q, limit, cursor)
