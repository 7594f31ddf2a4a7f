"""Split solves end to end: pieces as separate jobs on real `placements worker` processes,
joined once, through a killed worker and a job lost from Redis.

The split threshold is lowered so the demo consortium (60 requests in several independent
parts) is split into three pieces of about 20 requests.
"""

from __future__ import annotations

import subprocess

import pytest
from rq.job import Job
from sqlalchemy import select

from placements.read.pieces import solve_pieces
from tests.e2e.conftest import PLACEMENTS, bearer, events, solve_done, wait_for
from workers.job_queue import piece_job_id

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow,
              pytest.mark.xdist_group("workers")]

SPLIT = {"PLACEMENTS_SOLVE_SPLIT_ABOVE": "10", "PLACEMENTS_SOLVE_PIECE_REQUESTS": "20"}


def pieces(app, solve_id: str) -> list:
    with app.engine.connect() as conn:
        return conn.execute(select(solve_pieces).where(solve_pieces.c.solve == solve_id)
                            .order_by(solve_pieces.c.piece)).all()


def proposals(client, token) -> dict[str, str]:
    items = client.get("/v1/placements?status=proposed&limit=500",
                       headers=bearer(token)).get_json()["items"]
    return {p["request"]: p["slot"] for p in items}


def assert_joined_once(app, client, token, done: dict) -> list:
    """Done, from its pieces: one Completed, and one proposal per assignment of the join,
    which keeps the pieces' weighted placements and moves requests within their parts only to
    raise the lowest college rate across the pieces (docs/JOBS.md)."""
    assert done["status"] == "done", done
    rows = pieces(app, done["id"])
    assert len(rows) == done["pieces"]["total"] == done["pieces"]["done"] > 1
    assert all(r.result is not None for r in rows)
    problem = app.solves.solve_input(done["id"])
    share = [r for row in rows for r in row.requests]
    assert sorted(share) == sorted(r["id"] for r in problem["requests"])  # a partition
    assigned = {r: s for row in rows for r, s in row.result["assignments"].items()}
    placed = proposals(client, token)
    priority = {r["id"]: r["priority"] for r in problem["requests"]}
    assert sum(map(priority.get, placed)) >= sum(map(priority.get, assigned))
    fairness = done["stages"][1]
    assert placed == assigned or (fairness["status"] != "FEASIBLE"
                                  and fairness["bound"] is not None)
    assert events(app, ":Placement.Created") == len(placed) == done["metrics"]["placed"]
    assert events(app, ":Solve.Split") == 1
    assert events(app, ":Solve.Completed") == 1
    return rows


def test_large_solve_is_split_into_pieces_and_joined(rq_app, workers, loaded):
    client, tokens, data = loaded
    workers.start("w1", **SPLIT)
    workers.start("w2", **SPLIT)
    solve = client.post("/v1/solves", json={}, headers=bearer(tokens["admin"])).get_json()
    done = wait_for(lambda: solve_done(client, tokens["admin"], solve["id"]))
    rows = assert_joined_once(rq_app, client, tokens["admin"], done)
    assert done["pieces"]["total"] == 3
    assert done["metrics"]["requests"] == len(data.requests)
    assert all(r.attempts == 1 for r in rows)


def test_killed_piece_worker_leaves_the_piece_retried_and_the_solve_joined_once(
        rq_app, workers, loaded):
    client, tokens, _ = loaded
    # It splits the solve (not held), then holds the first piece it takes.
    doomed = workers.start("doomed", PLACEMENTS_FAULT_SOLVE_DELAY="30", **SPLIT)
    solve = client.post("/v1/solves", json={}, headers=bearer(tokens["admin"])).get_json()
    held = wait_for(lambda: [r.piece for r in pieces(rq_app, solve["id"]) if r.attempts])
    workers.kill(doomed)
    workers.start("survivor", **SPLIT)  # finds the dead worker's piece at start-up
    done = wait_for(lambda: solve_done(client, tokens["admin"], solve["id"]), timeout=90)
    rows = assert_joined_once(rq_app, client, tokens["admin"], done)
    assert [r.attempts for r in rows] == [2 if r.piece in held else 1 for r in rows]
    assert {r.worker for r in rows} == {"survivor"}


def test_piece_job_lost_from_redis_is_requeued_alone(rq_app, workers, loaded):
    client, tokens, _ = loaded
    workers.start("w1", PLACEMENTS_FAULT_SOLVE_DELAY="3", **SPLIT)
    solve = client.post("/v1/solves", json={}, headers=bearer(tokens["admin"])).get_json()
    total = len(wait_for(lambda: pieces(rq_app, solve["id"])))
    last = piece_job_id(solve["id"], total - 1)
    Job.fetch(last, connection=rq_app.jobs.connection).delete()  # before any worker took it
    wait_for(lambda: sum(r.result is not None for r in pieces(rq_app, solve["id"])) == total - 1)
    assert solve_done(client, tokens["admin"], solve["id"]) is None  # no join without it
    out = subprocess.run([PLACEMENTS, "requeue"],
                         env=workers.env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == f"re-enqueued 1 job(s): {last}"
    done = wait_for(lambda: solve_done(client, tokens["admin"], solve["id"]))
    rows = assert_joined_once(rq_app, client, tokens["admin"], done)
    assert all(r.attempts == 1 for r in rows)  # stored pieces were not solved again
