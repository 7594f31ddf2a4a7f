"""Bulk imports: many students, placement requests or slots in one transaction, all or none.

Each row is checked as the single-item command checks its body (the same builders:
`new_student`, `new_request`, `new_slot`), with what the rows reference loaded once for the
whole file, and against duplicates: the same natural key twice in the file, or a key that
already exists. Any problem in any row refuses the whole file (`InvalidRows`, every problem
named by row and column) and nothing is written; otherwise every aggregate is saved in one
`commit`, the batch path of the event store (one append and seal for all their events, one
statement per read-model table), so each row is recorded as the same events the single-item
command records, naming the caller.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select

from domain.base import Aggregate
from domain.capacity import SlotStatus
from domain.errors import Conflict, DomainError, InvalidInput, InvalidRows, RowError
from placements.base import AreaService, UnitOfWork, command
from placements.capacity import Capacity
from placements.principals import Principal
from placements.read.capacity import slots
from placements.read.students import placement_requests, students
from placements.students import Students

MAX_REPORTED = 1000  # problems listed in one answer; the message says how many there were


@dataclass
class Rows:
    """A file's rows as bodies of the single-item POST (each with its row number, counted from
    1 after the header), and the problems already found while reading them."""

    items: list[tuple[int, dict]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def column_of(path: str) -> tuple[str, str]:
    """A field path as a CSV column and a prefix for the message: `preferred_sites.1` is the
    column `preferred_sites`, its item 2 (a list is one cell, its items counted from 1), and
    `unavailable.0.start` the column `unavailable`, `item 1: start: `."""
    parts = [p for p in re.split(r"[.\[\]]", path) if p]
    for i, part in enumerate(parts):
        if part.isdigit() and i > 0:
            rest = ".".join(parts[i + 1:])
            return ".".join(parts[:i]), f"item {int(part) + 1}: " + (f"{rest}: " if rest else "")
    return path, ""


def row_error(row: int, error: DomainError, column: str = "") -> RowError:
    if isinstance(error, InvalidInput):
        name, prefix = column_of(error.field)
        return RowError(row, name, prefix + error.fields[error.field][0])
    return RowError(row, column, error.message)


def student_key(body: dict) -> Hashable:
    """Students are the same person when name (case and spacing aside) and home are."""
    home = body.get("home") or {}
    return (" ".join(str(body.get("name", "")).split()).casefold(), home.get("lat"),
            home.get("lon"))


def request_key(body: dict) -> Hashable:
    """One open request per student, discipline and window."""
    return (body.get("student"), body.get("discipline"), str(body.get("earliest_start")),
            str(body.get("latest_end")))


def slot_key(body: dict) -> Hashable:
    """One open slot per site, unit, discipline, preceptor, dates and weekly session."""
    return (body.get("site"), body.get("unit"), body.get("discipline"), body.get("preceptor"),
            str(body.get("start_date")), str(body.get("end_date")),
            tuple(sorted(set(body.get("weekdays") or ()))), body.get("shift_start"),
            body.get("shift_end"))


KEY_COLUMNS = {student_key: "name", request_key: "student", slot_key: "site"}


class Imports(AreaService):
    """The CSV imports' commands (api/imports.py reads the files) and next term's slots."""

    def __init__(self, uow: UnitOfWork, capacity: Capacity, students: Students) -> None:
        super().__init__(uow)
        self.capacity = capacity
        self.students = students

    @command
    def import_students(self, principal: Principal, rows: Rows) -> dict:
        principal.require("coordinator")
        with self.uow.connection() as conn:
            existing = {student_key({"name": r.name, "home": {"lat": r.lat, "lon": r.lon}})
                        for r in conn.execute(select(students.c.name, students.c.lat,
                                                     students.c.lon)
                                              .where(students.c.college == principal.org))}
        return self._import(rows, student_key, existing,
                            lambda body: self.students.new_student(principal, **body),
                            {"consent_missing": "participant"})

    @command
    def import_placement_requests(self, principal: Principal, rows: Rows) -> dict:
        principal.require("coordinator")
        refs = self.students.request_references(principal, [body for _, body in rows.items])
        t = placement_requests.c
        with self.uow.connection() as conn:
            existing = {request_key(r._asdict()) for r in conn.execute(
                select(t.student, t.discipline, t.earliest_start, t.latest_end)
                .where(t.college == principal.org, t.status == SlotStatus.OPEN))}
        return self._import(rows, request_key, existing,
                            lambda body: self.students.new_request(principal, refs, **body))

    @command
    def import_slots(self, principal: Principal, rows: Rows) -> dict:
        principal.require("employer")
        refs = self.capacity.slot_references(principal, [body for _, body in rows.items])
        return self._import(rows, slot_key, self._open_slot_keys(principal),
                            lambda body: self.capacity.new_slot(principal, refs, **body))

    @command
    def copy_slots(self, principal: Principal, start: date, end: date,
                   shift_days: int) -> list[dict]:
        """Next term: the caller's open slots starting in [start, end], published again with
        their dates moved by `shift_days`; refused whole if any copy cannot be published or
        would duplicate an open slot."""
        principal.require("employer")
        if end < start:
            raise InvalidInput("to", "must not be before from")
        if shift_days == 0:
            raise InvalidInput("shift_days", "must not be 0 (the copies would be the slots)")
        t = slots.c
        with self.uow.connection() as conn:
            sources = [dict(r._mapping) for r in conn.execute(
                select(slots).where(t.employer == principal.org, t.status == SlotStatus.OPEN,
                                    t.start_date >= start.isoformat(),
                                    t.start_date <= end.isoformat()).order_by(t.seq, t.id))]
        if not sources:
            raise InvalidInput("from", f"you have no open slot starting between {start} and "
                                       f"{end}")
        bodies = []
        for s in sources:
            body = {k: s[k] for k in COPIED if k in s}
            try:
                for name in ("start_date", "end_date"):
                    body[name] = date.fromisoformat(s[name]) + timedelta(days=shift_days)
            except OverflowError:
                raise InvalidInput("shift_days", "moves the dates out of range") from None
            bodies.append(body)
        refs = self.capacity.slot_references(principal, bodies)
        existing = self._open_slot_keys(principal)
        new: list[Aggregate] = []
        for s, body in zip(sources, bodies, strict=True):
            if slot_key(body) in existing:
                raise Conflict(f"slot {s['id']} was copied to those dates before: the copy "
                               "would duplicate an open slot", code="duplicate")
            try:
                new.append(self.capacity.new_slot(principal, refs, **body))
            except InvalidInput as e:
                raise InvalidInput("shift_days", f"slot {s['id']} cannot be moved so: "
                                                 f"{e.message}") from None
        self.uow.commit(*new)
        return [self.capacity.slot(principal, str(s.id)) for s in new]

    def _open_slot_keys(self, principal: Principal) -> set:
        t = slots.c
        with self.uow.connection() as conn:
            return {slot_key({**r._asdict(), "unit": getattr(r, "unit", None)})
                    for r in conn.execute(select(*(t[c] for c in KEYED if c in t)).where(
                        t.employer == principal.org, t.status == SlotStatus.OPEN))}

    def _import(self, rows: Rows, key: Callable[[dict], Hashable], existing: set,
                build: Callable[[dict], Aggregate],
                column_of_refusal: dict[str, str] | None = None) -> dict:
        """Every row built (not saved) and checked for duplicates; all saved in one commit,
        or InvalidRows naming every problem and nothing saved. A refusal that names no field
        (a participant's missing consent) is put in the column its code names."""
        errors = list(rows.errors)
        seen: dict[Hashable, int] = {}
        built: list[Aggregate] = []
        for row, body in rows.items:
            k = key(body)
            if k in seen:
                errors.append(RowError(row, KEY_COLUMNS[key],
                                       f"duplicates row {seen[k]} (the same {describe(key)})"))
                continue
            seen[k] = row
            if k in existing:
                errors.append(RowError(row, KEY_COLUMNS[key],
                                       f"already exists (the same {describe(key)})"))
                continue
            try:
                built.append(build(body))
            except DomainError as e:
                errors.append(row_error(row, e, (column_of_refusal or {}).get(e.code, "")))
        if errors:
            raise invalid_rows(errors)
        if not built:
            raise InvalidInput("body", "the file has a header but no rows")
        self.uow.commit(*built)
        return {"created": len(built), "ids": [str(a.id) for a in built]}


COPIED = ("site", "unit", "discipline", "capacity", "preceptor", "start_date", "end_date",
          "weekdays", "shift_start", "shift_end", "hours", "colleges")
KEYED = ("site", "unit", "discipline", "preceptor", "start_date", "end_date", "weekdays",
         "shift_start", "shift_end")


def describe(key: Callable) -> str:
    return {student_key: "name and home", request_key: "student, discipline and dates",
            slot_key: "site, discipline, preceptor, dates and session"}[key]


def invalid_rows(errors: Iterable[RowError]) -> InvalidRows:
    ordered = sorted(errors, key=lambda e: (e.row, e.column))
    bad = len({e.row for e in ordered})
    shown = ordered[:MAX_REPORTED]
    more = (f"; the first {len(shown)} of {len(ordered)} problems are listed"
            if len(shown) < len(ordered) else "")
    return InvalidRows(f"{bad} row{'s' if bad != 1 else ''} cannot be imported; nothing was "
                       f"written{more}", shown)
