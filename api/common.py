"""What every resource blueprint shares: paging arguments, list envelopes, If-Match, the caller."""

from __future__ import annotations

import re
from datetime import datetime, time

from flask import current_app, g, request
from marshmallow import Schema, ValidationError, fields, validate

from domain.base import DATE_MAX, DATE_MIN
from domain.errors import InvalidInput
from placements.app import PlacementsApp
from placements.paging import MAX_LIMIT, Page
from placements.principals import Principal

VERSION = re.compile(r"^[0-9]{1,18}$")
DATE_RANGE = validate.Range(DATE_MIN, DATE_MAX)
DATE_RANGE_TEXT = f"between {DATE_MIN} and {DATE_MAX}"


def instant_in_range(value: datetime) -> None:
    """A timestamp validator: its date in the accepted range."""
    low = datetime.combine(DATE_MIN, time(), value.tzinfo)
    high = datetime.combine(DATE_MAX, time.max, value.tzinfo)
    if not low <= value <= high:
        raise ValidationError(f"must be {DATE_RANGE_TEXT}")


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
    if not VERSION.match(value):
        raise InvalidInput("If-Match", "must be the resource's integer version")
    return int(value)


class ReasonSchema(Schema):
    reason = fields.String(load_default=None, validate=validate.Length(max=2000))


class RequiredReasonSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class IsoDate(fields.Date):
    """An ISO date between 1900-01-01 and 2199-12-31: parsed to `date` on the way in, kept as
    the stored ISO text on the way out."""

    def __init__(self, **kwargs):
        kwargs.setdefault("validate", DATE_RANGE)
        kwargs.setdefault("metadata", {}).setdefault("description", DATE_RANGE_TEXT)
        super().__init__(**kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return value if isinstance(value, str) or value is None else value.isoformat()

