"""Read model of tokens: `api_tokens`, and the projections that fill them from the aggregates
(`@projects`, placements/readmodel.py). The commands and queries are in placements/tokens.py."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, String, Table

from domain.organizations import ApiToken
from placements.readmodel import identity, identity_columns, metadata, projects

api_tokens = Table(
    "api_tokens",
    metadata,
    *identity(indexed=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("role", String(20), nullable=False),
    Column("organization", String(36)),
    Column("label", String(200)),
    Column("revoked", Boolean, nullable=False),
)


@projects(ApiToken)
def _token_row(t: ApiToken):
    yield api_tokens, {**identity_columns(t), "token_hash": t.token_hash, "role": t.role,
                       "organization": t.organization, "label": t.label, "revoked": t.revoked}
