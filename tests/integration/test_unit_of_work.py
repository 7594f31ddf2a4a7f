"""The unit of work on SQLite and PostgreSQL: a command's events, read-model rows and ledger
digests are written in one transaction or not at all; its answer is the row as committed; the
recorder seals every append in log order (with checkpoints) and still notifies subscribers; only
apprentices are snapshotted, and a command over other aggregates never looks for a snapshot."""

from __future__ import annotations

from datetime import date

import psycopg
import pytest
from sqlalchemy import event, func, select, text

from domain.apprenticeship import Apprentice
from domain.errors import Unavailable
from domain.organizations import Organization
from placements import ledger, readmodel
from placements.principals import OPERATOR, Principal
from placements.read.capacity import slots
from placements.read.solves import solves

WEEKLY = ("RN", 2, None, "2027-01-11", "2027-03-05", [0, 1], "07:00", "15:30", 128)


def counts(app) -> dict[str, int]:
    with app.engine.connect() as conn:
        return {name: conn.execute(text(f"SELECT count(*) FROM {name}")).scalar()
                for name in ("placements_events", "ledger", "slots", "solves")}


@pytest.fixture
def employer(app, consortium) -> tuple[Principal, str]:
    who = Principal("employer", consortium.employer)
    site = app.capacity.register_site(who, "Greenbrae", {"lat": 37.9, "lon": -122.5}, [])["id"]
    return who, site


def test_a_command_writes_its_event_row_and_digest_together(app, employer):
    who, site = employer
    before = counts(app)
    answer = app.capacity.publish_slot(who, site, *WEEKLY)
    after = counts(app)
    assert {k: after[k] - before[k] for k in after} == {
        "placements_events": 1, "ledger": 1, "slots": 1, "solves": 0}
    # The answer, built from the row the command wrote, is the row as committed.
    assert answer == app.capacity.slot(who, answer["id"])
    assert ledger.verify(app.engine).ok


def test_a_command_failing_after_its_append_writes_nothing(app, employer, monkeypatch):
    who, site = employer
    before = counts(app)

    def broken(conn, table, rows):
        raise RuntimeError("the read model is unwritable")

    monkeypatch.setattr(readmodel, "upsert", broken)  # fails after the event was appended
    with pytest.raises(RuntimeError):
        app.capacity.publish_slot(who, site, *WEEKLY)
    assert counts(app) == before
    monkeypatch.undo()
    app.capacity.publish_slot(who, site, *WEEKLY)  # the next command continues the chain
    assert ledger.verify(app.engine).ok


class QueueDown:
    """A job queue that answers the check and then fails to take the job."""

    def check(self) -> None:
        pass

    def enqueue_solve(self, solve_id: str) -> None:
        raise Unavailable("the job queue went away")


def test_a_failing_before_commit_writes_nothing(app, consortium):
    app.jobs = QueueDown()
    before = counts(app)
    with pytest.raises(Unavailable):
        app.solves.request_solve(OPERATOR)
    assert counts(app) == before
    with app.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(solves)).scalar() == 0


def test_several_aggregates_are_sealed_in_position_order_with_checkpoints(app, monkeypatch):
    monkeypatch.setattr(ledger, "CHECKPOINT_EVERY", 3)
    # Outside a command, commit is a transaction of its own.
    for n in range(3):
        app.commit(*(Organization.register("test", f"Org {n}.{i}", "college")
                     for i in range(4)))
    result = ledger.verify(app.engine)
    with app.engine.connect() as conn:
        events = conn.execute(text("SELECT id FROM placements_events ORDER BY id")).scalars()
        sealed = conn.execute(select(ledger.ledger.c.position).order_by(
            ledger.ledger.c.position)).scalars()
        marks = conn.execute(select(ledger.checkpoints.c.position)).scalars().all()
    assert result.ok and list(events) == list(sealed) and result.events == 12
    assert len(marks) == 4 and result.checkpoints == 4


def test_only_apprentice_loads_look_for_a_snapshot(app, employer, consortium):
    who, site = employer
    statements: list[str] = []
    event.listen(app.engine, "before_cursor_execute",
                 lambda conn, cursor, sql, *args: statements.append(sql))
    slot = app.capacity.publish_slot(who, site, *WEEKLY)
    app.capacity.change_slot_capacity(who, slot["id"], 3, "a second preceptor")
    assert statements and not any("placements_snapshots" in s for s in statements)

    program = app.apprenticeship.create_program(who, {
        "name": "CHW", "occupation": "CHW", "term_type": "time", "ojt_hours": 2000,
        "work_processes": [{"code": "OUT", "name": "Outreach", "hours": 2000}],
        "rsi_hours_per_year": 144, "journeyworker_rate": 30,
        "wage_steps": [{"after_ojt_hours": 0, "hourly_rate": 21}],
        "ratio": {"apprentices": 1, "journeyworkers": 1, "basis": "journeyworker"},
        "probationary_hours": 500, "probationary_rsi_hours": 40,
        "effective_date": date(2025, 1, 1)})["id"]
    apprentice = app.apprenticeship.sign_apprentice(who, program, "Ana Garcia",
                                                    date(2025, 1, 6))["id"]
    for day in range(100):
        app.apprenticeship.log_rsi_hours(who, apprentice,
                                         {"date": date(2025, 2 + day // 28, 1 + day % 28),
                                          "course": "CHW 101",
                                          "provider": consortium.college, "hours": 1})
    with app.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM placements_snapshots")).scalar() == 1
    statements.clear()
    loaded = app.load(Apprentice, apprentice)
    assert any("placements_snapshots" in s for s in statements)
    assert loaded.signed_date == date(2025, 1, 6)  # the snapshot's dates are dates again
    assert loaded.version == 101 and app.apprenticeship.apprentice(who,
                                                                   apprentice)["rsi_hours"] == 100


@pytest.mark.postgres
def test_a_command_is_four_statements_in_one_transaction_and_notifies(pg_app):
    who = Principal("employer", pg_app.organizations.register_organization(OPERATOR, "Marin Health",
                                                                           "employer")["id"])
    site = pg_app.capacity.register_site(who, "Greenbrae", {"lat": 37.9, "lon": -122.5}, [])["id"]
    statements: list[str] = []
    transactions: list[str] = []
    event.listen(pg_app.engine, "before_cursor_execute",
                 lambda conn, cursor, sql, *args: statements.append(" ".join(sql.split())))
    event.listen(pg_app.engine, "commit", lambda conn: transactions.append("commit"))
    dsn = pg_app.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as listener:
        listener.execute("LISTEN placements_events")
        answer = pg_app.capacity.publish_slot(who, site, *WEEKLY)
        notified = list(listener.notifies(timeout=5, stop_after=1))
    # The read-model row first, so the event table is locked only for the append and the commit.
    assert [s.split()[0] for s in statements] == ["SELECT", "INSERT", "LOCK", "WITH"]
    assert "placements_events" in statements[0] and '"slots"' in statements[1]
    assert transactions == ["commit"]
    assert [n.channel for n in notified] == ["placements_events"]
    with pg_app.engine.connect() as conn:
        assert conn.execute(select(slots.c.id)).scalars().all() == [answer["id"]]
