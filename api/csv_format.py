"""CSV in and out, over a resource's own marshmallow schema (docs/BULK.md is the user's page).

The columns are the schema's field names: a nested object's fields as dotted columns
(`home.lat`), a list of codes or ids as one cell of `;`-separated items, a list of objects
(`unavailable`) as its JSON in one cell. Reading turns each row into the body the single-item
POST takes and loads it with that POST's schema (one way to validate); writing dumps items with
the list's schema, so a CSV row says what the JSON item says.

Files are UTF-8; a byte-order mark (Excel's "CSV UTF-8") is dropped, and CRLF or LF line ends
both read. Cells are trimmed. Text that a spreadsheet would run as a formula (starting with
`=`, `+`, `-`, `@`) is written with a leading `'`, which reading removes again.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import Response, request
from marshmallow import Schema, ValidationError, fields

from api.errors import flatten
from api.limits import field_type_error, value_errors
from domain.errors import DomainError, InvalidInput, RowError
from placements.imports import Rows, column_of
from placements.paging import MAX_LIMIT, Page

CSV = "text/csv"
JSON = "application/json"
SEPARATOR = ";"
MAX_ROWS = 50_000
FORMULA = ("=", "+", "-", "@")
_MISSING = object()
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_WHOLE = re.compile(r"^[+-]?[0-9]{1,18}$")
_NUMBER = re.compile(r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$")
csv.field_size_limit(1024 * 1024)  # one cell may hold a long JSON list, not more

CSV_BODY = {"required": True, "description": "a header row of the field names, then one row "
                                             "per item (docs/BULK.md)",
            "content": {CSV: {"schema": {"type": "string"}}}}
CSV_ANSWER = {"schema": {"type": "string"}, "content_type": CSV, "success": True,
              "description": "with `Accept: text/csv`: every item the filters select, one row "
                             "each (docs/BULK.md)"}


class FileRefused(DomainError):
    """A file that cannot be read at all (its type, encoding or header): nothing is written."""

    def __init__(self, status: int, code: str, message: str, fields: dict | None = None):
        super().__init__(message, code=code, fields=fields)
        self.status = status


@dataclass(frozen=True)
class Column:
    name: str  # dotted: home.lat
    path: tuple[str, ...]
    field: fields.Field
    required: bool
    server_set: bool  # dump-only: the server assigns it


def columns(schema: Schema) -> list[Column]:
    """Every column of the schema's items, in the schema's order."""
    out = []
    for name, f in schema.fields.items():
        key = f.data_key or name
        if isinstance(f, fields.Nested) and not f.many and isinstance(f.schema, Schema):
            out += [Column(f"{key}.{c.name}", (key, *c.path), c.field,
                           f.required and c.required, f.dump_only or c.server_set)
                    for c in columns(f.schema)]
        else:
            out.append(Column(key, (key,), f, f.required, f.dump_only))
    return out


# Reading -----------------------------------------------------------------------------------


def read_rows(schema: Schema) -> Rows:
    """The request's CSV body as the bodies of the single-item POST, each loaded with its
    schema; problems of single rows are collected (the import reports them with its own);
    a file that cannot be read at all is refused here."""
    mimetype = request.mimetype
    if mimetype != CSV:
        raise FileRefused(415, "unsupported_media_type",
                          f"send the file with Content-Type: {CSV} (got {mimetype or 'none'})")
    charset = request.mimetype_params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise FileRefused(415, "unsupported_media_type",
                          f"the file must be UTF-8 (charset={charset} given)")
    text = decoded(request.get_data())
    records = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(records, None)
    except csv.Error as e:
        raise FileRefused(422, "invalid_header", f"the header row cannot be read: {e}") from None
    if header is None or not any(h.strip() for h in header):
        raise FileRefused(422, "invalid_header", "the file is empty: the first row must name "
                                                 "the columns", {"header": ["missing"]})
    chosen = check_header(schema, [h.strip() for h in header])
    rows = Rows()
    n = 0
    while True:
        try:
            record = next(records, None)
        except csv.Error as e:
            rows.errors.append(RowError(n + 1, "", f"cannot be read as CSV: {e}"))
            break
        if record is None:
            break
        n += 1
        if n > MAX_ROWS:
            raise FileRefused(413, "too_large", f"the file has more than {MAX_ROWS} rows: "
                                                "import it in parts")
        if not any(cell.strip() for cell in record):
            continue  # a blank line (spreadsheets leave them at the end)
        if len(record) != len(chosen):
            rows.errors.append(RowError(n, "", f"has {len(record)} cells; the header has "
                                               f"{len(chosen)}"))
            continue
        body, errors = row_body(n, chosen, record)
        if not errors:
            try:
                body = schema.load(body)
            except ValidationError as e:
                errors = [RowError(n, *located(path, message))
                          for path, messages in flatten(e.messages).items()
                          for message in messages]
        if errors:
            rows.errors += errors
        else:
            rows.items.append((n, body))
    if n == 0:
        raise InvalidInput("body", "the file has a header but no rows")
    return rows


def decoded(raw: bytes) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[:e.start].count(b"\n") + 1
        raise FileRefused(400, "not_utf8", f"the file is not UTF-8: byte 0x{raw[e.start]:02x} "
                                           f"on line {line} (save it as \"CSV UTF-8\")",
                          {"body": [f"not UTF-8 on line {line}"]}) from None
    return text.removeprefix("\ufeff")


def check_header(schema: Schema, names: list[str]) -> list[Column]:
    """The header's columns, or 422 naming every unknown, repeated or missing one."""
    by_name = {c.name: c for c in columns(schema)}
    problems: dict[str, list[str]] = {}
    seen: set[str] = set()
    for i, name in enumerate(names):
        column = by_name.get(name)
        if not name:
            problems[f"column {i + 1}"] = ["has no name"]
        elif name in seen:
            problems[name] = ["appears twice"]
        elif column is None:
            problems[name] = ["is not a field of this import (the columns are: "
                              f"{', '.join(c for c, v in by_name.items() if not v.server_set)})"]
        elif column.server_set:
            problems[name] = ["is set by the server: remove the column"]
        seen.add(name)
    for name, column in by_name.items():
        if column.required and name not in seen:
            problems[name] = ["is required: add the column"]
    if problems:
        raise FileRefused(422, "invalid_header", "the header row is not right: "
                          + "; ".join(f"{k} {v[0]}" for k, v in problems.items()), problems)
    return [by_name[name] for name in names]


def located(path: str, message: str) -> tuple[str, str]:
    column, prefix = column_of(path)
    return column, prefix + message


def row_body(row: int, chosen: list[Column], record: list[str]) -> tuple[dict, list[RowError]]:
    body: dict = {}
    errors = []
    for column, cell in zip(chosen, record, strict=True):
        cell = cell.strip()
        if not cell:
            if column.required:
                errors.append(RowError(row, column.name, "is required: the cell is empty"))
            continue
        try:
            value = cell_value(column.field, cell)
        except ValueError as e:
            errors.append(RowError(row, column.name, str(e)))
            continue
        target = body
        for key in column.path[:-1]:
            target = target.setdefault(key, {})
        target[column.path[-1]] = value
    return body, errors


def cell_value(field: fields.Field, cell: str) -> Any:
    """A cell as the JSON value the field takes, as strict as the JSON body (a fraction is no
    whole number); ValueError saying what is wrong."""
    if isinstance(field, fields.Boolean):
        if cell.lower() not in ("true", "false"):
            raise ValueError("must be true or false")
        return cell.lower() == "true"
    if isinstance(field, fields.Integer):
        if not _WHOLE.match(cell):
            raise ValueError(f"must be a whole number (got {cell[:40]!r})")
        return int(cell)
    if isinstance(field, fields.Number):
        if not _NUMBER.match(cell) or not math.isfinite(float(cell)):
            raise ValueError(f"must be a number (got {cell[:40]!r})")
        return float(cell)
    if isinstance(field, fields.Date):
        try:
            if not _ISO_DATE.match(cell):
                raise ValueError
            date.fromisoformat(cell)
        except ValueError:
            raise ValueError(f"must be a date written YYYY-MM-DD (got {cell[:40]!r})") from None
        return cell  # the schema parses it and checks its range
    if isinstance(field, fields.Nested) or (isinstance(field, fields.List)
                                            and isinstance(field.inner, fields.Nested)):
        return json_cell(field, cell)
    if isinstance(field, fields.List):
        return [cell_value(field.inner, item.strip()) for item in cell.split(SEPARATOR)
                if item.strip()]
    if cell.startswith("'") and cell[1:2] in FORMULA:
        return cell[1:]
    return cell


def json_cell(field: fields.Field, cell: str) -> Any:
    try:
        value = json.loads(cell)
    except (ValueError, RecursionError):
        raise ValueError("must be JSON, e.g. [{\"weekdays\": [0, 2], \"start\": \"08:00\", "
                         "\"end\": \"12:00\"}]") from None
    problems = value_errors(value) or field_type_error(field, value)
    if problems:
        raise ValueError(f"has a value no field can hold: {json.dumps(problems)[:200]}")
    return value


# Writing -----------------------------------------------------------------------------------


def wants_csv() -> bool:
    """The caller asked for CSV (`Accept: text/csv` preferred to JSON)."""
    return request.accept_mimetypes.best_match([JSON, CSV]) == CSV


def every_item(list_page: Callable[..., Page], *args: Any, **filters: Any) -> Iterator[dict]:
    """Every item of a list (its filters applied), page after page from the first."""
    filters.pop("limit", None)
    filters.pop("cursor", None)
    cursor = None
    while True:
        p = list_page(*args, limit=MAX_LIMIT, cursor=cursor, **filters)
        yield from p.items
        if not p.next_cursor:
            return
        cursor = p.next_cursor


def csv_response(schema: Schema, items: Iterable[dict], name: str) -> Response:
    """The items as a CSV file (dumped with the list's schema, so as the JSON says them)."""
    cols = columns(schema)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.name for c in cols])
    for item in items:
        dumped = schema.dump(item)
        writer.writerow([cell_text(value_at(dumped, c.path)) for c in cols])
    response = Response(out.getvalue(), mimetype=CSV)
    response.headers["Content-Type"] = f"{CSV}; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def value_at(item: dict, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(item, dict):
            return None
        item = item.get(key)
    return item


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        if any(isinstance(v, dict | list) for v in value):
            return json.dumps(value, separators=(",", ":"))
        return SEPARATOR.join(cell_text(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, separators=(",", ":"))
    if isinstance(value, str) and value.startswith(FORMULA):
        return "'" + value
    return str(value)
