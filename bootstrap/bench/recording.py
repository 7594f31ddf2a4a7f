"""`placements bench store`, its first part: a state-scale solve's result recorded in one
transaction, against a bare multi-row INSERT of the same rows in the same run.

A consortium of N requests (one college, one employer, one site, slots of 50 seats, a student
and a request each) is written in a few large transactions through `PlacementsApp.commit`. Two
solves are then begun (the input built from the read models and recorded, as a worker does) and
recorded by `record_solution`, the command a worker runs: the first proposes every request into
a slot (N `Placement.Created`), the second moves every request to another slot (N
`Placement.Superseded` and N `Placement.Created`). Each recording is timed whole (the command:
building the events and rows, loading the proposals it supersedes, writing, committing), from
its first write to its commit (the read-model rows, the append, the commit), and from its lock
to its commit (the span the event table is locked: the appending statement and the commit),
with the appending statement's own span beside it.
The reference inserts the same stored events as the second recording into a table of the event
table's shape and unique index, in one multi-row INSERT (sent as the appending statement sends
its rows) in one transaction, through the same engine and driver.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date
from uuid import uuid4

from sqlalchemy import Index, Table, event, text

SEATS = 50  # per slot
CHUNK = 5_000  # aggregates per transaction while building the consortium


@dataclass
class Consortium:
    requests: list[str]
    slots: list[str]


def consortium(app, requests: int) -> Consortium:
    """N requests (and students) and enough 50-seat slots, written in large transactions."""
    from domain.capacity import Site, Slot
    from domain.organizations import Organization
    from domain.schedule import Schedule
    from domain.students import PlacementRequest, Student

    actor = "bench"
    college = Organization.register(actor, "Bench College", "college")
    employer = Organization.register(actor, "Bench Health", "employer")
    site = Site.register(actor, str(employer.id), "Bench campus", {"lat": 37.8, "lon": -122.3},
                         [])
    schedule = Schedule.parse("2027-01-18", "2027-04-30", [0, 1], "07:00", "15:30")
    slots = [Slot.publish(actor, site, "RN", SEATS, None, schedule, 120, None)
             for _ in range(-(-requests // SEATS) + 1)]  # one to spare, to move requests into
    app.commit(college, employer, site, *slots)
    filed = []
    for start in range(0, requests, CHUNK):
        batch = []
        for i in range(start, min(requests, start + CHUNK)):
            student = Student.register(actor, str(college.id), f"Student {i}",
                                       {"lat": 37.9, "lon": -122.5}, None, [], [])
            request = PlacementRequest.file(actor, student.college, str(student.id), "RN",
                                            120, date(2027, 1, 4), date(2027, 5, 28))
            batch += [student, request]
            filed.append(str(request.id))
        app.commit(*batch)
    return Consortium(filed, [str(s.id) for s in slots])


def solution(c: Consortium, shift: int) -> dict:
    """Every request placed: the i-th into slot (i // SEATS + shift)."""
    assignments = [{"request": r, "slot": c.slots[i // SEATS + shift]}
                   for i, r in enumerate(c.requests)]
    return {"assignments": assignments, "unplaced": [], "status": "FEASIBLE",
            "objective": len(assignments), "metrics": {"placed": len(assignments)},
            "solve_seconds": 0.0}


class Spans:
    """When the recording transaction starts writing (its first INSERT: the read-model rows)
    and when it locks the event table (the statement just before the appending one); the
    command's return, right after its commit, ends both."""

    def __init__(self, engine):
        self.writing: float | None = None
        self.locked: float | None = None
        self.appending: float | None = None  # the appending statement's start
        self.appended: float | None = None  # and its end
        self.events = 0
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def remove(self, engine) -> None:
        event.remove(engine, "before_cursor_execute", self._before)
        event.remove(engine, "after_cursor_execute", self._after)

    def _before(self, conn, cursor, statement, parameters, context, executemany):
        if self.writing is None and statement.lstrip().startswith("INSERT"):
            self.writing = time.perf_counter()
        if statement.lstrip().startswith("LOCK TABLE"):
            self.locked = time.perf_counter()
        if "ledger_chain" in statement:
            self.events += len(parameters["versions"])
            self.appending = time.perf_counter()

    def _after(self, conn, cursor, statement, parameters, context, executemany):
        if "ledger_chain" in statement:
            self.appended = time.perf_counter()


def record(app, c: Consortium, shift: int) -> dict:
    """One solve's result recorded by the worker's command; its figures."""
    from domain.solves import Solve

    solve = Solve("bench", None, 60.0)
    app.commit(solve)
    begun = app.solves.begin_solve(str(solve.id), "bench")  # the recorded input, as a worker has it
    spans = Spans(app.engine)
    started = time.perf_counter()
    try:
        assert app.solves.record_solution(str(solve.id), "bench", begun.problem, solution(c, shift))
    finally:
        spans.remove(app.engine)
    ended = time.perf_counter()
    return {"events": spans.events, "seconds": ended - started,
            "writing_seconds": ended - spans.writing, "locked_seconds": ended - spans.locked,
            "append_seconds": spans.appended - spans.appending,
            "commit_seconds": ended - spans.appended}


def bare_table(app) -> Table:
    """A table of the event table's shape (and unique index) for the reference."""
    from placements import ledger

    table = ledger.events_table("bench_bare_events")
    Index("bench_bare_events_aggregate", table.c.originator_id, table.c.originator_version,
          unique=True)
    table.drop(app.engine, checkfirst=True)
    table.create(app.engine)
    return table


BARE_INSERT = """
INSERT INTO bench_bare_events (originator_id, originator_version, topic, state)
SELECT * FROM unnest(%(originator_ids)b::uuid[], %(versions)b::bigint[], %(topics)b::text[],
                     %(states)b::bytea[])
"""


def bare_insert(app, rows: list[tuple]) -> float:
    """The reference: the same stored events in one multi-row INSERT (sent as the appending
    statement sends them, without the ledger and the read models), in one transaction."""
    table = bare_table(app)
    columns = list(zip(*rows, strict=True))
    started = time.perf_counter()
    with app.engine.begin() as conn:
        conn.exec_driver_sql(BARE_INSERT, {
            "originator_ids": [uuid4() for _ in rows], "versions": list(columns[0]),
            "topics": list(columns[1]), "states": list(columns[2])})
    seconds = time.perf_counter() - started
    table.drop(app.engine)
    return seconds


def measure_recording(app, requests: int) -> dict:
    """Build the consortium, record the two solves, run the reference; all figures."""
    built = time.perf_counter()
    c = consortium(app, requests)
    built = time.perf_counter() - built
    first = record(app, c, 0)
    with app.engine.connect() as conn:
        after = conn.execute(text("SELECT max(id) FROM placements_events")).scalar()
    second = record(app, c, 1)
    with app.engine.connect() as conn:
        rows = [(v, t, bytes(s)) for v, t, s in conn.execute(text(
            "SELECT originator_version, topic, state FROM placements_events "
            "WHERE id > :after AND topic LIKE '%Placement.%'"), {"after": after})]
    return {"built_seconds": built, "first": first, "second": second,
            "bare_seconds": bare_insert(app, rows), "bare_events": len(rows)}
