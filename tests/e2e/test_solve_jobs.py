"""Solves as jobs, end to end: HTTP, real `placements worker` processes, Redis and PostgreSQL."""

from __future__ import annotations

import subprocess

import pytest
import redis
from sqlalchemy import text

from placements import ledger
from placements.principals import OPERATOR, Principal
from tests.e2e.conftest import PLACEMENTS, bearer, events, solve_done, wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow,
              pytest.mark.xdist_group("workers")]


def test_solve_proposes_and_explains(rq_app, workers, loaded):
    client, tokens, data = loaded
    workers.start("w1")
    r = client.post("/v1/solves", json={}, headers=bearer(tokens["admin"]))
    assert r.status_code == 202, r.get_json()
    assert r.get_json()["status"] == "queued"
    done = wait_for(lambda: solve_done(client, tokens["admin"], r.get_json()["id"]))
    assert done["status"] == "done", done
    assert done["solver_status"] == "OPTIMAL"
    assert done["metrics"]["requests"] == len(data.requests)
    placed = done["metrics"]["placed"]
    assert placed + len(done["unplaced"]) == len(data.requests)
    assert events(rq_app, ":Placement.Created") == placed
    # Each request shows its proposal or its reason.
    for request_id in data.requests:
        req = client.get(f"/v1/placement-requests/{request_id}",
                         headers=bearer(tokens["admin"])).get_json()
        proposals = client.get(f"/v1/placements?request={request_id}&status=proposed",
                               headers=bearer(tokens["admin"])).get_json()["items"]
        assert bool(proposals) != bool(req["unplaced"]), (req, proposals)
    # A coordinator sees only its own students' reasons.
    mine = client.get(f"/v1/solves/{done['id']}", headers=bearer(tokens["coordinator"])).get_json()
    college = next(iter(data.colleges.values()))
    assert all(u["college"] == college for u in mine["unplaced"])
    assert len(mine["unplaced"]) <= len(done["unplaced"])


def test_resolve_keeps_confirmed_and_moves_nobody_needlessly(rq_app, workers, loaded):
    client, tokens, data = loaded
    workers.start("w1")
    first = client.post("/v1/solves", json={}, headers=bearer(tokens["admin"])).get_json()
    wait_for(lambda: solve_done(client, tokens["admin"], first["id"]))
    proposals = client.get("/v1/placements?status=proposed&limit=500",
                           headers=bearer(tokens["admin"])).get_json()["items"]
    confirmed = proposals[:5]
    for p in confirmed:
        rq_app.workflow.confirm_placement(Principal("coordinator", p["college"]), p["id"])
    second = client.post("/v1/solves", json={}, headers=bearer(tokens["admin"])).get_json()
    done = wait_for(lambda: solve_done(client, tokens["admin"], second["id"]))
    assert done["status"] == "done"
    assert done["metrics"]["moved_from_existing"] == 0
    for p in confirmed:
        again = client.get(f"/v1/placements/{p['id']}", headers=bearer(tokens["admin"])).get_json()
        assert again["status"] == "confirmed"
    # Nothing changed between the solves, so no new proposal and none superseded.
    assert events(rq_app, ":Placement.Superseded") == 0
    assert events(rq_app, ":Placement.Created") == len(proposals)


def test_withdrawn_slot_reopens_and_resolve_places_elsewhere(rq_app, workers, loaded):
    client, tokens, data = loaded
    workers.start("w1")
    first = client.post("/v1/solves", json={}, headers=bearer(tokens["admin"])).get_json()
    wait_for(lambda: solve_done(client, tokens["admin"], first["id"]))
    proposal = client.get("/v1/placements?status=proposed",
                          headers=bearer(tokens["admin"])).get_json()["items"][0]
    coordinator = Principal("coordinator", proposal["college"])
    employer = Principal("employer", proposal["employer"])
    rq_app.workflow.confirm_placement(coordinator, proposal["id"])
    rq_app.capacity.withdraw_slot(employer, proposal["slot"], "ward closed for renovation")
    reopened = rq_app.workflow.placement(OPERATOR, proposal["id"])
    assert reopened["status"] == "reopened"
    assert "ward closed" in reopened["reason"]
    second = client.post("/v1/solves", json={}, headers=bearer(tokens["admin"])).get_json()
    done = wait_for(lambda: solve_done(client, tokens["admin"], second["id"]))
    assert done["status"] == "done"
    request = rq_app.students.placement_request(OPERATOR, proposal["request"])
    new = rq_app.workflow.placements(OPERATOR, limit=10, cursor=None, request=proposal["request"],
                                     status="proposed").items
    assert (new and new[0]["slot"] != proposal["slot"]) or request["unplaced"]


def test_idempotent_solve_request_enqueues_once(rq_app, workers, loaded):
    client, tokens, _ = loaded
    headers = bearer(tokens["admin"], **{"Idempotency-Key": "solve-2027-spring"})
    a = client.post("/v1/solves", json={}, headers=headers)
    b = client.post("/v1/solves", json={}, headers=headers)
    assert a.status_code == b.status_code == 202
    assert a.get_json()["id"] == b.get_json()["id"]
    assert events(rq_app, ":Solve.Requested") == 1
    assert len(rq_app.jobs.queue) == 1


def test_redis_down_gives_503_and_writes_nothing(rq_app, loaded):
    from placements.settings import Settings
    from workers.job_queue import RQJobs

    client, tokens, _ = loaded
    rq_app.jobs = RQJobs(Settings(database_url=rq_app.settings.database_url,
                                  redis_url="redis://127.0.0.1:1/0"))  # nothing listens there
    before = events(rq_app, "")
    r = client.post("/v1/solves", json={}, headers=bearer(tokens["admin"]))
    assert r.status_code == 503
    assert "Redis" in r.get_json()["error"]["message"]
    assert events(rq_app, "") == before


def test_killed_worker_leaves_solve_retried_and_completed_once(rq_app, workers, loaded):
    client, tokens, _ = loaded
    doomed = workers.start("doomed", PLACEMENTS_FAULT_SOLVE_DELAY="30")
    solve = client.post("/v1/solves", json={}, headers=bearer(tokens["admin"])).get_json()
    wait_for(lambda: client.get(f"/v1/solves/{solve['id']}", headers=bearer(tokens["admin"]))
             .get_json()["status"] == "running")
    workers.kill(doomed)
    workers.start("survivor")  # finds the dead worker's job at start-up and runs it again
    done = wait_for(lambda: solve_done(client, tokens["admin"], solve["id"]), timeout=90)
    assert done["status"] == "done"
    assert done["attempts"] == 2
    assert events(rq_app, ":Solve.Completed") == 1
    assert events(rq_app, ":Placement.Created") == done["metrics"]["placed"]


def recording_backend(app) -> int | None:
    """The server process of a session idle inside a transaction that holds the event table's
    lock and whose last statement was the append: a worker held inside its recording."""
    with app.engine.connect() as conn:
        return conn.execute(text(
            "SELECT a.pid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            " AND l.relation = 'placements_events'::regclass AND l.mode = 'ExclusiveLock'"
            " AND l.granted AND a.state = 'idle in transaction'"
            " AND a.query LIKE '%INSERT INTO placements_events%'")).scalar()


def written_by(app, backend: int) -> set[str]:
    """The tables a server process has inserted into in its open transaction."""
    with app.engine.connect() as conn:
        return set(conn.execute(text(
            "SELECT relation::regclass::text FROM pg_locks WHERE pid = :pid AND "
            "mode = 'RowExclusiveLock' AND locktype = 'relation'"), {"pid": backend}).scalars())


def committed(app) -> dict:
    with app.engine.connect() as conn:
        return {table: conn.execute(text(f"SELECT count(*) FROM {table}")).scalar()
                for table in ("placements_events", "ledger", "ledger_checkpoints", "placements")
                } | {"solve": conn.execute(text("SELECT status FROM solves")).scalar_one()}


def test_worker_killed_inside_the_recording_transaction_leaves_nothing_half_written(
        rq_app, workers, loaded):
    client, tokens, _ = loaded
    # The worker solves, writes the proposals' rows, appends and seals their events, and is
    # held before its commit, the event table locked.
    doomed = workers.start("doomed", PLACEMENTS_FAULT_RECORD_DELAY="120")
    solve = client.post("/v1/solves", json={}, headers=bearer(tokens["admin"])).get_json()
    backend = wait_for(lambda: recording_backend(rq_app), timeout=90)
    assert {"placements", "solves", "placements_events", "ledger"} <= written_by(rq_app, backend)
    before = committed(rq_app)
    assert before["placements"] == 0 and before["solve"] == "running"
    workers.kill(doomed)
    wait_for(lambda: recording_backend(rq_app) != backend)  # the server rolled it back
    assert committed(rq_app) == before  # not one row, event, digest or checkpoint of it
    assert ledger.verify(rq_app.engine).ok
    workers.start("survivor")  # runs the dead worker's job again
    done = wait_for(lambda: solve_done(client, tokens["admin"], solve["id"]), timeout=90)
    assert done["status"] == "done" and done["attempts"] == 2
    assert events(rq_app, ":Solve.Completed") == 1
    assert events(rq_app, ":Placement.Created") == done["metrics"]["placed"] > 0
    # The dead transaction's positions are a gap in the log with no digest; the chain over the
    # survivor's events links straight across it.
    with rq_app.engine.connect() as conn:
        ids = conn.execute(text("SELECT id FROM placements_events ORDER BY id")).scalars().all()
    assert ids[-1] > len(ids)
    assert ledger.verify(rq_app.engine).ok


def test_job_lost_with_redis_is_requeued(rq_app, workers, loaded):
    client, tokens, _ = loaded
    solve = client.post("/v1/solves", json={}, headers=bearer(tokens["admin"])).get_json()
    redis.Redis.from_url(rq_app.settings.redis_url).flushdb()  # Redis restarted empty
    out = subprocess.run([PLACEMENTS, "requeue"],
                         env=workers.env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert solve["id"] in out.stdout
    workers.start("w1")
    done = wait_for(lambda: solve_done(client, tokens["admin"], solve["id"]))
    assert done["status"] == "done"
    assert events(rq_app, ":Solve.Completed") == 1
