"""Who is acting: the principal behind a bearer token, and how tokens are made and stored."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from domain.errors import Forbidden, NotFound


@dataclass(frozen=True)
class Principal:
    """The caller of a command: a role, the organisation it is bound to, and the token id."""

    role: str
    org: str | None = None
    token: str | None = None  # ApiToken id; None for the operator's own command line
    label: str | None = None  # who holds the token (a person or a system), as issued

    @property
    def actor(self) -> str:
        """What every event records as its cause: `role:token-id@organisation (label)`."""
        who = self.token or "cli"
        return (f"{self.role}:{who}" + (f"@{self.org}" if self.org else "")
                + (f" ({self.label})" if self.label else ""))

    def require(self, *roles: str) -> None:
        if self.role not in roles:
            raise Forbidden(f"role {self.role} may not do this (needs {' or '.join(roles)})")

    def require_org(self, org: str, what: str = "resource") -> None:
        """Refuse a resource of another organisation as if it did not exist."""
        if self.role in ("admin", "compliance"):
            return
        if self.org != org:
            raise NotFound(f"no such {what}")


OPERATOR = Principal(role="admin")  # the operator at the command line (`placements token create`)


def new_token() -> str:
    return "plc_" + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    # Tokens are 256 random bits, so a plain SHA-256 is a safe way to store them.
    return hashlib.sha256(token.encode()).hexdigest()
