"""Input limits (SPEC section 5): what any request may carry, checked before a route runs.

- A body over 1 MiB: 413; a CSV file sent to /v1/imports/ may be up to MAX_IMPORT_BODY
  (20 MiB, docs/BULK.md). JSON that is not JSON, nests deeper than MAX_DEPTH, or spells
  `NaN`/`Infinity`: 400.
- A text with a NUL byte or a lone surrogate (PostgreSQL cannot store either), a number no field
  can hold (an integer beyond 64 bits, a float that overflows to infinity): 422 naming the field;
  in the query string, 422 naming the argument; in the path, 404 (no resource has such an id).
- Strict types: a field given as the wrong JSON type (a string for a number, a fraction for a
  count, a number for a flag) is 422, never coerced. marshmallow itself turns "5" into 5 and 2.5
  into 2, so the parser checks the JSON types against the schema's fields before it loads.
- Answers never carry `NaN` or `Infinity` (they are not JSON): the JSON provider refuses them.

Ranges of numbers and dates live on the schemas' fields (`api/common.py` has the date range).
"""

from __future__ import annotations

import json
import math
from typing import Any

import flask_smorest
from flask import Flask, request
from flask.json.provider import DefaultJSONProvider
from marshmallow import Schema, ValidationError, fields
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request

from api.errors import error_response

MAX_BODY = 1024 * 1024
MAX_IMPORT_BODY = 20 * 1024 * 1024
IMPORTS = "/v1/imports/"
MAX_DEPTH = 32
MAX_INT = 2**63 - 1


class _Huge(str):
    """An integer literal too long to be any field's value (Python refuses over 4,300 digits)."""


def _integer(text: str) -> int | _Huge:
    return _Huge(text) if len(text) > 20 else int(text)


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def parse_json(raw: bytes) -> Any:
    """The body as JSON, or json.JSONDecodeError (webargs answers that 400)."""
    text = raw.decode("utf-8")  # a UnicodeDecodeError is answered 400 too
    try:
        return json.loads(text, parse_int=_integer, parse_constant=_no_constant)
    except (RecursionError, ValueError) as e:
        if isinstance(e, json.JSONDecodeError):
            raise
        raise json.JSONDecodeError(str(e) or "nested too deeply", text, 0) from None


def _bad_text(value: str) -> str | None:
    if "\x00" in value:
        return "must not contain a NUL character"
    if any("\ud800" <= ch <= "\udfff" for ch in value):
        return "must not contain a lone surrogate (not valid Unicode)"
    return None


def value_errors(data: Any) -> dict:
    """{path: [message]} for every value no field could accept, walking iteratively."""
    errors: dict[str, list[str]] = {}
    stack: list[tuple[str, Any, int]] = [("", data, 0)]
    while stack:
        path, value, depth = stack.pop()
        where = path or "body"
        if depth > MAX_DEPTH:
            errors[where] = [f"nested deeper than {MAX_DEPTH} levels"]
        elif isinstance(value, _Huge) or (isinstance(value, int) and abs(value) > MAX_INT):
            errors[where] = ["number out of range"]
        elif isinstance(value, float) and not math.isfinite(value):
            errors[where] = ["number out of range"]
        elif isinstance(value, str):
            problem = _bad_text(value)
            if problem:
                errors[where] = [problem]
        elif isinstance(value, dict):
            for key, item in value.items():
                inner = f"{path}.{key}" if path else str(key)
                problem = _bad_text(key)
                if problem:
                    errors[where] = [f"a key {problem}"]
                else:
                    stack.append((inner, item, depth + 1))
        elif isinstance(value, list):
            stack.extend((f"{path}.{i}" if path else str(i), item, depth + 1)
                         for i, item in enumerate(value))
    return errors


def type_errors(schema: Schema, data: Any) -> dict:
    """marshmallow's nested messages for fields given as the wrong JSON type."""
    if not isinstance(data, dict):
        return {}
    errors: dict = {}
    for name, field in schema.fields.items():
        key = field.data_key or name
        if field.dump_only or key not in data:
            continue
        problem = field_type_error(field, data[key])
        if problem:
            errors[key] = problem
    return errors


def field_type_error(field: fields.Field, value: Any) -> Any:
    if value is None:
        return None  # allow_none decides
    if isinstance(field, fields.Boolean):
        return None if isinstance(value, bool) else ["must be true or false"]
    if isinstance(field, fields.Integer):
        ok = isinstance(value, int) and not isinstance(value, bool)
        return None if ok else ["must be a whole number (a JSON number without a fraction)"]
    if isinstance(field, fields.Number):
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return None if ok else ["must be a JSON number"]
    if isinstance(field, fields.Nested) and isinstance(field.schema, Schema):
        if field.many and isinstance(value, list):
            nested = {i: type_errors(field.schema, v) for i, v in enumerate(value)}
            return {i: e for i, e in nested.items() if e} or None
        return type_errors(field.schema, value) or None
    if isinstance(field, fields.List) and isinstance(value, list):
        inner = {i: field_type_error(field.inner, v) for i, v in enumerate(value)}
        return {i: e for i, e in inner.items() if e} or None
    return None


class StrictParser(FlaskParser):
    """webargs' parser with the limits above on JSON bodies."""

    def load_json(self, req, schema):
        if not is_json_request(req):
            return core.missing
        raw = req.get_data(cache=True)
        if not raw:
            return core.missing
        try:
            data = parse_json(raw)
        except (json.JSONDecodeError, UnicodeDecodeError) as e:
            return self._handle_invalid_json_error(e, req)
        errors = value_errors(data)
        if errors:
            raise ValidationError(errors)
        return data

    def pre_load(self, location_data, *, schema, req, location):
        if location == "json":
            errors = type_errors(schema, location_data)
            if errors:
                raise ValidationError(errors)
        return location_data


class Blueprint(flask_smorest.Blueprint):
    """Every resource's blueprint: flask-smorest's, parsing with the limits above."""

    ARGUMENTS_PARSER = StrictParser()


class JSONProvider(DefaultJSONProvider):
    """Answers are strict JSON: a NaN or an infinity is a bug to log, never sent."""

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        kwargs.setdefault("allow_nan", False)
        return super().dumps(obj, **kwargs)


def check_request():
    """The path and query string: no NUL byte or lone surrogate anywhere; a body over the
    limit is refused before anyone reads it."""
    limit = MAX_IMPORT_BODY if request.path.startswith(IMPORTS) else MAX_BODY
    request.max_content_length = limit  # a body sent without a length stops there too
    if request.content_length is not None and request.content_length > limit:
        return error_response(413, "too_large", f"the body is over {limit} bytes")
    for value in (request.view_args or {}).values():
        if isinstance(value, str) and _bad_text(value):
            return error_response(404, "not_found", "no such resource")
    for name, value in request.args.items(multi=True):
        problem = _bad_text(name) or _bad_text(value)
        if problem:
            return error_response(422, "invalid", f"{name!r}: {problem}",
                                  {name: [problem]})
    return None


def register(app: Flask) -> None:
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY
    app.json = JSONProvider(app)
    app.before_request(check_request)
