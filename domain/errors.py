"""Errors the domain raises; the API maps each family to one HTTP status."""

from __future__ import annotations

from dataclasses import dataclass


class DomainError(Exception):
    """Base of every refusal the domain or the application gives."""

    code = "domain_error"

    def __init__(self, message: str, *, code: str | None = None, fields: dict | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.fields = fields or {}


class InvalidInput(DomainError):
    """A value that can never be right (422), naming the field."""

    code = "invalid"

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}", fields={field: [message]})
        self.field = field


class NotFound(DomainError):
    """No such resource, or none the caller may see (404)."""

    code = "not_found"


class Forbidden(DomainError):
    """The caller's role may not do this (403)."""

    code = "forbidden"


class Conflict(DomainError):
    """The command would break an invariant or an allowed state change (409); nothing is written."""

    code = "conflict"


class StaleVersion(DomainError):
    """If-Match named a version that is no longer current (412)."""

    code = "stale_version"


class Unavailable(DomainError):
    """A service the command needs (the job queue) does not answer (503); nothing was written."""

    code = "unavailable"


@dataclass(frozen=True)
class RowError:
    """One problem of one row of an imported file: the row (counted from 1 after the header),
    the column, what is wrong."""

    row: int
    column: str
    message: str


class InvalidRows(DomainError):
    """Rows of an imported file that cannot be imported (422 `invalid_rows`); nothing written."""

    code = "invalid_rows"

    def __init__(self, message: str, rows: list[RowError]):
        super().__init__(message)
        self.rows = rows
