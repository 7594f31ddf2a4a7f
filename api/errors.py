"""One error body for every failure: {"error": {"code", "message", "fields"}}.

Domain refusals map to their status; webargs' validation errors (422) and bad JSON (400) keep
theirs with the offending fields named; anything unexpected is logged and answered 500 without
detail (a client's input must never reach that branch: the schemathesis test checks it).
"""

from __future__ import annotations

import logging

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException

from domain.errors import (
    Conflict,
    DomainError,
    Forbidden,
    InvalidInput,
    InvalidRows,
    NotFound,
    StaleVersion,
    Unavailable,
)

log = logging.getLogger(__name__)

STATUS = {InvalidInput: 422, InvalidRows: 422, NotFound: 404, Forbidden: 403, Conflict: 409,
          StaleVersion: 412, Unavailable: 503}
CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
         405: "method_not_allowed", 409: "conflict", 412: "stale_version", 413: "too_large",
         415: "bad_request", 422: "invalid", 428: "precondition_required", 503: "unavailable"}


def error_response(status: int, code: str, message: str, fields: dict | None = None):
    body = {"error": {"code": code, "message": message, "fields": fields or {}}}
    return jsonify(body), status


def flatten(messages: dict, prefix: str = "") -> dict[str, list[str]]:
    """webargs' nested {"json": {"home": {"lat": [...]}}} as {"home.lat": [...]}."""
    out: dict[str, list[str]] = {}
    for key, value in messages.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict):
            out.update(flatten(value, path))
        else:
            out[path] = [str(v) for v in value] if isinstance(value, list) else [str(value)]
    return out


def handle_domain_error(error: DomainError):
    status = getattr(error, "status", None) or next(
        (s for cls, s in STATUS.items() if isinstance(error, cls)), 409)
    if isinstance(error, InvalidRows):
        body = {"error": {"code": error.code, "message": error.message, "fields": {},
                          "rows": [{"row": e.row, "column": e.column, "message": e.message}
                                   for e in error.rows]}}
        return jsonify(body), status
    return error_response(status, error.code, error.message, error.fields)


def handle_http_exception(error: HTTPException):
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    messages = data.get("messages")
    if status == 400:  # webargs says 400 only when the body is not JSON at all
        return error_response(400, "malformed_json", "the body is not valid JSON",
                              {"body": ["not valid JSON"]})
    if messages:
        fields = {}
        for location, per_field in messages.items():
            fields.update(flatten(per_field) if isinstance(per_field, dict) else
                          {location: per_field})
        names = ", ".join(sorted(fields))
        return error_response(status, CODES.get(status, "invalid"), f"invalid fields: {names}",
                              fields)
    message = data.get("message") or error.description or error.name
    return error_response(status, CODES.get(status, "error"), str(message))


def handle_unexpected(error: Exception):
    log.exception("unhandled error")
    return error_response(500, "internal", "internal error; it has been logged")


def register(app: Flask) -> None:
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)
