"""API tokens: issuing, listing and revoking them (admin), and who a bearer token stands for.

A token's secret is shown once, when issued; only its SHA-256 digest is stored. A revoked token
answers 401 from the next request on. Lists never carry a secret or its digest.
"""

from __future__ import annotations

from sqlalchemy import select

from domain.organizations import ApiToken, Organization
from placements.base import AreaService, command
from placements.paging import Page, page
from placements.principals import Principal, hash_token, new_token
from placements.read.tokens import api_tokens


def token_view(row) -> dict:
    """What anyone may read of a token: never its secret or digest."""
    return {"id": row["id"], "version": row["version"], "role": row["role"],
            "organization": row["organization"], "label": row["label"],
            "created": row["seq"], "revoked": row["revoked"]}


class Tokens(AreaService):
    @command
    def issue_token(self, principal: Principal, role: str, org: str | None,
                    label: str | None = None) -> tuple[str, dict]:
        """A new bearer token (returned once, never stored) and its record."""
        principal.require("admin")
        organization = (self.uow.referenced(Organization, org, "organization", "organization")
                        if org else None)
        token = new_token()
        record = ApiToken.issue(principal.actor, role, organization, hash_token(token), label)
        self.uow.commit(record)
        return token, self.token(principal, str(record.id))

    @command
    def revoke_token(self, principal: Principal, token_id: str) -> dict:
        principal.require("admin")
        record = self.uow.load(ApiToken, token_id, "token")
        record.revoke(principal.actor)
        self.uow.commit(record)
        return self.token(principal, token_id)

    def token(self, principal: Principal, token_id: str) -> dict:
        principal.require("admin")
        return token_view(self.uow.read_row(api_tokens, token_id, "token"))

    def tokens(self, principal: Principal, limit: int, cursor: str | None) -> Page:
        principal.require("admin")
        p = page(self.uow.engine, api_tokens, select(api_tokens), limit, cursor)
        return Page([token_view(r) for r in p.items], p.next_cursor)

    def me(self, principal: Principal) -> dict:
        """The caller's own token: id, role, organisation and label."""
        return {"id": principal.token, "role": principal.role, "organization": principal.org,
                "label": principal.label}

    def principal_for(self, token: str) -> Principal | None:
        """The principal a bearer token stands for, or None when unknown or revoked."""
        with self.uow.engine.connect() as conn:
            row = conn.execute(
                select(api_tokens.c.id, api_tokens.c.role, api_tokens.c.organization,
                       api_tokens.c.label).where(
                    api_tokens.c.token_hash == hash_token(token),
                    api_tokens.c.revoked.is_(False),
                )
            ).first()
        return (Principal(role=row.role, org=row.organization, token=row.id, label=row.label)
                if row else None)
