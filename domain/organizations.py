"""Organisations of the consortium and the API tokens issued to their people."""

from __future__ import annotations

from eventsourcing.domain import event

from domain.base import Aggregate, require

KINDS = ("college", "employer", "union", "community", "workforce_board")
# A college's segment of California education (AB 1577 counts requests from `ccc` and `csu`).
SEGMENTS = ("ccc", "csu", "uc", "private", "adult_school", "k12")
AB1577_SEGMENTS = ("ccc", "csu")
AB1577_DISCIPLINES = ("RN", "LVN")  # the nursing rotation types AB 1577 covers
ROLES = ("coordinator", "employer", "compliance", "admin", "partner")
# A role bound to one organisation must name one of these kinds.
ROLE_ORG_KINDS = {"coordinator": ("college",), "employer": ("employer",),
                  "partner": ("union", "community", "workforce_board")}


class Organization(Aggregate):
    @event("Registered")
    def __init__(self, actor: str, name: str, kind: str, segment: str | None = None):
        self.name = name
        self.kind = kind
        self.segment = segment  # events recorded before segments existed have none

    @classmethod
    def register(cls, actor: str, name: str, kind: str,
                 segment: str | None = None) -> Organization:
        require(bool(name and name.strip()), "name", "must not be blank")
        require(kind in KINDS, "kind", f"must be one of {', '.join(KINDS)}")
        require(segment is None or kind == "college", "segment", "only a college has a segment")
        require(segment is None or segment in SEGMENTS, "segment",
                f"must be one of {', '.join(SEGMENTS)}")
        return cls(actor, name.strip(), kind, segment)


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
        kinds = ROLE_ORG_KINDS.get(role)
        if kinds:
            require(organization is not None, "organization",
                    f"role {role} needs an organisation")
            require(organization.kind in kinds, "organization",
                    f"role {role} needs a {' or '.join(kinds)} organisation")
        label = label.strip() if label else None
        org_id = str(organization.id) if organization is not None else None
        return cls(actor, role, org_id, token_hash, label or None)

    def revoke(self, actor: str) -> None:
        if not self.revoked:
            self._revoked(actor)

    @event("Revoked")
    def _revoked(self, actor: str) -> None:
        self.revoked = True
