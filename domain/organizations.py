"""Organisations of the consortium and the API tokens issued to their people."""

from __future__ import annotations

from eventsourcing.domain import event

from domain.base import Aggregate, require

KINDS = ("college", "employer", "union", "community", "workforce_board")
ROLES = ("coordinator", "employer", "compliance", "admin")
# A role bound to one organisation must name one of this kind.
ROLE_ORG_KIND = {"coordinator": "college", "employer": "employer"}


class Organization(Aggregate):
    @event("Registered")
    def __init__(self, actor: str, name: str, kind: str):
        self.name = name
        self.kind = kind

    @classmethod
    def register(cls, actor: str, name: str, kind: str) -> Organization:
        require(bool(name and name.strip()), "name", "must not be blank")
        require(kind in KINDS, "kind", f"must be one of {', '.join(KINDS)}")
        return cls(actor, name.strip(), kind)


class ApiToken(Aggregate):
    """A bearer token; only its SHA-256 digest is ever stored. Its label names the person or
    system holding it, and shows beside the token id as the actor of every event it causes."""

    class Issued(Aggregate.Created):
        """Version 2 added `label`; version 1 events are upcast with none."""

        class_version = 2
        actor: str
        role: str
        organization: str | None
        token_hash: str
        label: str | None

        @staticmethod
        def upcast_v1_v2(state: dict) -> None:
            state["label"] = None

    @event(Issued)
    def __init__(self, actor: str, role: str, organization: str | None, token_hash: str,
                 label: str | None = None):
        self.role = role
        self.organization = organization
        self.token_hash = token_hash
        self.label = label
        self.revoked = False

    @classmethod
    def issue(
        cls, actor: str, role: str, organization: Organization | None, token_hash: str,
        label: str | None = None,
    ) -> ApiToken:
        require(role in ROLES, "role", f"must be one of {', '.join(ROLES)}")
        kind = ROLE_ORG_KIND.get(role)
        if kind:
            require(organization is not None, "organization",
                    f"role {role} needs an organisation")
            require(organization.kind == kind, "organization",
                    f"role {role} needs a {kind} organisation")
        label = label.strip() if label else None
        org_id = str(organization.id) if organization is not None else None
        return cls(actor, role, org_id, token_hash, label or None)

    def revoke(self, actor: str) -> None:
        if not self.revoked:
            self._revoked(actor)

    @event("Revoked")
    def _revoked(self, actor: str) -> None:
        self.revoked = True
