"""The embedded default: solve jobs run in a thread of the API process, on SQLite."""

from __future__ import annotations

from api.app import create_app
from placements import demo
from placements.principals import OPERATOR
from placements.settings import Settings
from tests.e2e.conftest import wait_for


def test_solve_runs_in_a_thread_without_redis(tmp_path):
    flask_app = create_app(settings=Settings(database_url=f"sqlite:///{tmp_path}/p.db",
                                             solve_time_limit=20))
    app = flask_app.extensions["placements"]
    data = demo.load(app)
    token = app.issue_token(OPERATOR, "admin", None)[0]
    client = flask_app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    r = client.post("/v1/solves", json={}, headers=headers)
    assert r.status_code == 202
    done = wait_for(lambda: (b := client.get(f"/v1/solves/{r.get_json()['id']}",
                                             headers=headers).get_json())["status"]
                    in ("done", "failed") and b)
    assert done["status"] == "done", done
    assert done["metrics"]["requests"] == len(data.requests)
    assert done["problem_hash"] and done["log_position"] > 0
    # The recorded input is exactly what can be re-run.
    problem = app.solve_input(done["id"])
    assert len(problem["requests"]) == len(data.requests)
