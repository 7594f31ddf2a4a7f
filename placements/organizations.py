"""Organisations and API tokens: their read models and the commands that change them."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Integer, String, Table, select

from domain.organizations import ApiToken, Organization
from placements.base import Base, command
from placements.paging import Page, page
from placements.principals import Principal, hash_token, new_token
from placements.readmodel import metadata, projects

organizations = Table(
    "organizations",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("seq", String(40), nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("name", String, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("segment", String(20)),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("seq", String(40), nullable=False),
    Column("version", Integer, nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("role", String(20), nullable=False),
    Column("organization", String(36)),
    Column("revoked", Boolean, nullable=False),
)


def common(aggregate) -> dict:
    """Columns every read model has: id, creation order and version."""
    return {"id": str(aggregate.id), "seq": aggregate.created_on.isoformat(),
            "version": aggregate.version}


@projects(Organization)
def _organization_row(o: Organization):
    yield organizations, {**common(o), "name": o.name, "kind": o.kind,
                          "segment": o.segment}


@projects(ApiToken)
def _token_row(t: ApiToken):
    yield api_tokens, {**common(t), "token_hash": t.token_hash, "role": t.role,
                       "organization": t.organization, "revoked": t.revoked}


class Organizations(Base):
    @command
    def register_organization(self, principal: Principal, name: str, kind: str,
                              segment: str | None = None) -> dict:
        principal.require("admin")
        org = Organization.register(principal.actor, name, kind, segment)
        self.commit(org)
        return self.organization(principal, str(org.id))

    def organization(self, principal: Principal, org_id: str) -> dict:
        org = self.load(Organization, org_id, "organization")
        return {"id": str(org.id), "version": org.version, "name": org.name, "kind": org.kind,
                "segment": org.segment}

    def organizations(self, principal: Principal, limit: int, cursor: str | None,
                      kind: str | None = None) -> Page:
        q = select(organizations.c.id, organizations.c.seq, organizations.c.version,
                   organizations.c.name, organizations.c.kind, organizations.c.segment)
        if kind:
            q = q.where(organizations.c.kind == kind)
        return page(self.engine, organizations, q, limit, cursor)

    @command
    def issue_token(self, principal: Principal, role: str, org: str | None) -> tuple[str, dict]:
        """A new bearer token (returned once, never stored) and its record."""
        principal.require("admin")
        organization = self.referenced(Organization, org, "org", "organization") if org else None
        token = new_token()
        record = ApiToken.issue(principal.actor, role, organization, hash_token(token))
        self.commit(record)
        return token, {"id": str(record.id), "role": role, "org": record.organization}

    def principal_for(self, token: str) -> Principal | None:
        """The principal a bearer token stands for, or None when unknown or revoked."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(api_tokens.c.id, api_tokens.c.role, api_tokens.c.organization).where(
                    api_tokens.c.token_hash == hash_token(token),
                    api_tokens.c.revoked.is_(False),
                )
            ).first()
        return Principal(role=row.role, org=row.organization, token=row.id) if row else None
