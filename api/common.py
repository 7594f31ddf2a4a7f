"""What every resource blueprint shares: paging arguments, list envelopes, If-Match, the caller."""

from __future__ import annotations

from datetime import date

from flask import current_app, g, request
from marshmallow import Schema, fields, validate

from domain.errors import InvalidInput
from placements.app import PlacementsApp
from placements.paging import MAX_LIMIT, Page
from placements.principals import Principal


class PageArgs(Schema):
    limit = fields.Integer(load_default=50, validate=validate.Range(1, MAX_LIMIT))
    cursor = fields.String(load_default=None)


def list_schema(item: type[Schema]) -> type[Schema]:
    """The list envelope {"items": [...], "next_cursor": ...} of an item schema."""
    return Schema.from_dict(
        {"items": fields.List(fields.Nested(item)), "next_cursor": fields.String(allow_none=True)},
        name=f"{item.__name__.removesuffix('Schema')}List",
    )


def as_list(p: Page) -> dict:
    return {"items": p.items, "next_cursor": p.next_cursor}


def app() -> PlacementsApp:
    return current_app.extensions["placements"]


def principal() -> Principal:
    return g.principal


def if_match() -> int | None:
    """The version named by If-Match (a bare or quoted integer), or None."""
    value = request.headers.get("If-Match")
    if value is None:
        return None
    value = value.strip().removeprefix("W/").strip('"')
    if not value.isdigit():
        raise InvalidInput("If-Match", "must be the resource's integer version")
    return int(value)


class ReasonSchema(Schema):
    reason = fields.String(load_default=None, validate=validate.Length(max=2000))


class RequiredReasonSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


def iso(body: dict) -> dict:
    """Dates parsed by the schema go to the application as ISO text."""
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in body.items()}


class IsoDate(fields.Date):
    """An ISO date: parsed to `date` on the way in, kept as the stored ISO text on the way out."""

    def _serialize(self, value, attr, obj, **kwargs):
        return value if isinstance(value, str) or value is None else value.isoformat()


class StrictBoolean(fields.Boolean):
    """true or false only: no "yes", 1 or "true" taken for a boolean."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


class StrictFloat(fields.Float):
    """A JSON number only: a string such as "22" is refused, not read as 22.0."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.make_error("invalid", input=value)
        return super()._deserialize(value, attr, data, **kwargs)
