"""A solve's proposals built in bulk (placements/proposals.py), on SQLite and PostgreSQL, with and
without encryption at rest: the stored events are byte for byte what the mapper writes for the
same events, the read-model rows are what the projections give for the aggregates those events
rebuild (replay writes the same tables), the chain verifies, and a supersession built from a
stale read-model row is refused by the event table's unique index with nothing written."""

from __future__ import annotations

import pytest
from eventsourcing.cipher import AESCipher
from eventsourcing.persistence import IntegrityError
from sqlalchemy import func, select

from bootstrap.bench import recording
from domain.placements import Placement
from domain.solves import Solve
from placements import ledger
from placements.principals import OPERATOR, Principal
from placements.proposals import Proposals
from placements.read.placements import placement_rows
from placements.replay import replay
from tests.conftest import application_on
from tests.integration.test_replay import snapshot

REQUESTS = 120  # three slots of 50 seats (and one to spare): every request placed


@pytest.fixture(params=["sqlite", "postgres", "sqlite-ciphered", "postgres-ciphered"])
def any_app(request):
    store, _, ciphered = request.param.partition("-")
    with application_on(request, store, AESCipher.create_key(32) if ciphered else None) as app:
        yield app


def solve_and_record(app, c: recording.Consortium, shift: int) -> str:
    solve = Solve("test", None, 60.0)
    app.commit(solve)
    begun = app.solves.begin_solve(str(solve.id), "w1")
    assert app.solves.record_solution(str(solve.id), "w1", begun.problem,
                                      recording.solution(c, shift))
    return str(solve.id)


def test_bulk_proposals_are_the_events_and_rows_of_the_aggregate_path(any_app):
    app = any_app
    c = recording.consortium(app, REQUESTS)
    first = solve_and_record(app, c, 0)
    second = solve_and_record(app, c, 1)  # every request moves: supersessions and proposals

    entries = [e for e in app.log() if e.topic.startswith("domain.placements:Placement.")]
    created = [e for e in entries if isinstance(e.event, Placement.Created)]
    superseded = [e for e in entries if isinstance(e.event, Placement.Superseded)]
    assert (len(created), len(superseded)) == (2 * REQUESTS, REQUESTS)
    assert {e.event.solve for e in superseded} == {second}
    assert all(e.version == 2 and e.event.actor == "worker:w1" for e in superseded)
    assert all(e.version == 1 and e.event.status == "proposed" for e in created)
    if app.mapper.cipher is None:  # ciphertexts differ run to run; decoding is checked below
        table = ledger.events_table()
        with app.engine.connect() as conn:
            stored = {(r.originator_id, r.originator_version): bytes(r.state)
                      for r in conn.execute(select(table).where(
                          table.c.topic.like("domain.placements:Placement.%")))}
        for e in entries:
            again = app.mapper.to_stored_event(e.event)
            assert stored[(e.originator_id, e.version)] == again.state
            assert e.topic == again.topic

    # Each placement, rebuilt from its events, is what its read-model row says.
    with app.engine.connect() as conn:
        rows = {r.id: dict(r._mapping) for r in conn.execute(select(placement_rows))}
    assert len(rows) == 2 * REQUESTS
    for ident, row in rows.items():
        p = app.load(Placement, ident)
        assert (row["version"], row["status"], row["solve"], row["reason"], row["slot"]) == (
            p.version, p.status, p.solve, p.reason, p.slot)
        assert row["seq"] == p.created_on.isoformat()
    moved = [r for r in rows.values() if r["status"] == "superseded"]
    assert {r["solve"] for r in moved} == {first}
    assert {r["reason"] for r in moved} == {f"superseded by solve {second}"}

    # Replay (the projections over aggregates rebuilt from the log) writes the same tables.
    live = snapshot(app)
    replay(app)
    assert snapshot(app) == live
    assert ledger.verify(app.engine).ok

    # A new proposal is a placement like any other: the college confirms it.
    row = next(r for r in rows.values() if r["status"] == "proposed")
    confirmed = app.workflow.confirm_placement(Principal("coordinator", row["college"]), row["id"])
    assert confirmed["status"] == "confirmed" and confirmed["version"] == 2


def test_a_supersession_from_a_stale_row_is_refused_and_writes_nothing(app):
    c = recording.consortium(app, REQUESTS)
    solve_and_record(app, c, 0)
    with app.engine.connect() as conn:
        stale = dict(conn.execute(select(placement_rows).limit(1)).first()._mapping)
    # The college confirms it after the row was read (the placement is now at version 2).
    app.workflow.confirm_placement(Principal("coordinator", stale["college"]), stale["id"])

    def counted() -> tuple[int, int]:
        with app.engine.connect() as conn:
            return (conn.execute(select(func.count()).select_from(
                ledger.events_table())).scalar(),
                conn.execute(select(func.count()).select_from(ledger.ledger)).scalar())

    before = counted()
    built = Proposals(app.mapper, "worker:late", "a-later-solve")
    built.supersede(stale)
    with pytest.raises(IntegrityError):
        app.commit(batch=built.batch)
    assert counted() == before
    assert app.workflow.placement(OPERATOR, stale["id"])["status"] == "confirmed"
    assert ledger.verify(app.engine).ok
