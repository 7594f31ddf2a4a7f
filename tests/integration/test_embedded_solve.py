"""The embedded default: solve jobs run in a thread of the API process, on SQLite."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bootstrap import demo
from bootstrap.app import create_wsgi_app
from placements.principals import OPERATOR
from placements.read.solves import solve_progress
from placements.settings import Settings
from tests.e2e.conftest import wait_for

pytestmark = pytest.mark.slow


def solved_in_the_thread(settings: Settings):
    """The demo consortium on SQLite, one consortium-wide solve through the API: the app, the
    demo's data and the finished solve as GET /v1/solves/{id} shows it."""
    flask_app = create_wsgi_app(settings)
    app = flask_app.extensions["placements"]
    data = demo.load(app)
    token = app.tokens.issue_token(OPERATOR, "admin", None)[0]
    client = flask_app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    r = client.post("/v1/solves", json={}, headers=headers)
    assert r.status_code == 202
    done = wait_for(lambda: (b := client.get(f"/v1/solves/{r.get_json()['id']}",
                                             headers=headers).get_json())["status"]
                    in ("done", "failed") and b)
    return app, data, done


def test_solve_runs_in_a_thread_without_redis(tmp_path):
    app, data, done = solved_in_the_thread(
        Settings(database_url=f"sqlite:///{tmp_path}/p.db", solve_time_limit=20))
    assert done["status"] == "done", done
    assert done["metrics"]["requests"] == len(data.requests)
    assert done["problem_hash"] and done["log_position"] > 0
    # The recorded input is exactly what can be re-run.
    problem = app.solves.solve_input(done["id"])
    assert len(problem["requests"]) == len(data.requests)
    # Each stage as it settled (shown while running), then the solution's own.
    assert [s["name"] for s in done["stages"]] == ["L1", "L2", "L3"]
    assert done["stages"][0]["bound"] == done["objective"]["bound"]
    with app.connection() as conn:
        reported = conn.execute(select(solve_progress.c.stages)
                                .where(solve_progress.c.solve == done["id"])).scalar()
    assert [s["name"] for s in reported] == ["L1", "L2", "L3"]


def test_split_solve_runs_its_pieces_then_the_join_in_the_thread(tmp_path):
    app, data, done = solved_in_the_thread(
        Settings(database_url=f"sqlite:///{tmp_path}/p.db", solve_time_limit=20,
                 solve_split_above=10, solve_piece_requests=20))
    assert done["status"] == "done", done
    assert done["pieces"] == {"done": 3, "total": 3}
    assert [s["name"] for s in done["stages"]] == ["L1", "L2", "L3"]
    assert done["metrics"]["requests"] == len(data.requests)
    proposed = app.workflow.placements(OPERATOR, limit=500, cursor=None, status="proposed").items
    assert len(proposed) == done["metrics"]["placed"]
    kinds = [e.topic.rsplit(":", 1)[-1] for e in app.log([done["id"]])]
    assert kinds == ["Solve.Requested", "Solve.Started", "Solve.InputRecorded", "Solve.Split",
                     "Solve.Completed"]
