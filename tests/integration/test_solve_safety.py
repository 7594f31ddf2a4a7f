"""No tenant's data can break a consortium solve (issue 12): what the API accepts is a valid
problem, and the solve builder leaves out (and reports) any stored record that is not."""

from __future__ import annotations

import pytest

from domain.capacity import Site, Slot
from domain.schedule import Schedule
from domain.students import PlacementRequest
from placements import exclusions
from placements.principals import OPERATOR
from placements.solving import run_solve
from solver import parse_problem
from tests.integration.helpers import events, ok, placement_request, site, slot, student


class Jobs:
    """A job queue that keeps what it was given; the test runs the job itself."""

    def __init__(self) -> None:
        self.solves: list[str] = []

    def check(self) -> None:
        pass

    def enqueue_solve(self, solve_id: str) -> None:
        self.solves.append(solve_id)


def solved(app, principal=OPERATOR, college: str | None = None) -> dict:
    app.jobs = Jobs()
    solve = app.solves.request_solve(principal, college, time_limit=5)
    run_solve(app, "test", solve["id"])
    return app.solves.solve(principal, solve["id"])


def test_a_slot_reserved_for_an_unknown_college_is_refused(app, client, consortium):
    s = site(client, consortium)
    before = events(app)
    for colleges in (["nonexistent"], [consortium.employer]):
        r = client.post("/v1/slots", json={**_slot(s["id"]), "colleges": colleges},
                        headers=consortium.headers("employer"))
        assert r.status_code == 422, r.get_json()
        assert "colleges.0" in r.get_json()["error"]["fields"]
    assert events(app) == before
    ok(client.post("/v1/slots", json={**_slot(s["id"]), "colleges": [consortium.college]},
                   headers=consortium.headers("employer")))


def _slot(site_id: str) -> dict:
    from tests.integration.helpers import SLOT
    return {**SLOT, "site": site_id}


def test_dates_outside_1900_to_2199_are_refused_at_the_door(app, client, consortium):
    st = student(client, consortium)
    s = site(client, consortium)
    before = events(app)
    for field, value in (("earliest_start", "0001-01-01"), ("latest_end", "2200-01-01")):
        r = client.post("/v1/placement-requests", json={
            "student": st["id"], "discipline": "RN", "required_hours": 120,
            "earliest_start": "2027-01-04", "latest_end": "2027-05-28", field: value},
            headers=consortium.headers("coordinator"))
        assert r.status_code == 422 and field in r.get_json()["error"]["fields"], r.get_json()
    r = client.post("/v1/slots", json={**_slot(s["id"]), "start_date": "1899-12-31"},
                    headers=consortium.headers("employer"))
    assert r.status_code == 422 and "start_date" in r.get_json()["error"]["fields"]
    assert events(app) == before


@pytest.mark.slow  # runs a solve
def test_groups_are_scoped_by_college(app, client, consortium):
    """College B's unplaceable request under A's group name neither blocks A's cohort nor
    shows up in A's reasons."""
    s = site(client, consortium)
    slot(client, consortium, s["id"], capacity=4)
    cohort = [placement_request(client, consortium, student(client, consortium)["id"],
                                group="cohort-1")["id"] for _ in range(2)]
    intruder = student(client, consortium, who="other_coordinator",
                       home={"lat": 10.0, "lon": 10.0})  # too far from every site
    placement_request(client, consortium, intruder["id"], who="other_coordinator",
                      group="cohort-1")
    done = solved(app)
    assert done["status"] == "done", done
    placed = {p["request"] for p in app.workflow.placements(OPERATOR, 500, None).items}
    assert set(cohort) <= placed
    # The intruder's own reason counts its own college's group only: A's cohort is invisible.
    [reason] = [u for u in done["unplaced"]]
    assert reason["reason"] == "no_eligible_slot", reason


@pytest.mark.slow  # runs a solve
def test_a_solve_leaves_out_and_reports_records_that_would_make_it_invalid(app, client,
                                                                             consortium):
    """Records stored before the door was checked (or by any other path) cannot fail a solve."""
    s = site(client, consortium)
    good = slot(client, consortium, s["id"])
    rq = placement_request(client, consortium, student(client, consortium)["id"])
    site_agg = app.load(Site, s["id"])
    bad_slot = Slot.publish("employer:legacy", site_agg, "RN", 2, None, Schedule.parse(
        "2027-01-11", "2027-03-05", [0], "07:00", "15:30"), 64, ["nonexistent"])
    # As recorded before dates were checked (the factory refuses it now).
    ancient = PlacementRequest("coordinator:legacy", consortium.college, rq["student"], "RN", 40,
                               "0001-01-01", "2027-05-28", 1, None, [])
    app.commit(bad_slot, ancient)

    with app.engine.connect() as conn:
        problem, _, excluded = exclusions.valid_problem(conn)
    parse_problem(problem)  # valid: raises otherwise
    assert {e["id"] for e in excluded} == {str(bad_slot.id), str(ancient.id)}
    assert good["id"] in {sl["id"] for sl in problem["slots"]}

    done = solved(app)
    assert done["status"] == "done", done
    assert {e["id"] for e in done["excluded"]} == {str(bad_slot.id), str(ancient.id)}
    assert rq["id"] in {p["request"] for p in app.workflow.placements(OPERATOR, 500, None).items}
    # A coordinator sees only its own college's exclusions.
    mine = app.solves.solve(app.tokens.principal_for(consortium.tokens["other_coordinator"]),
                            done["id"])
    assert mine["excluded"] == []


@pytest.mark.slow  # runs a solve
def test_a_coordinator_withdraws_a_request_and_no_later_solve_has_it(app, client, consortium):
    s = site(client, consortium)
    slot(client, consortium, s["id"])
    rq = placement_request(client, consortium, student(client, consortium)["id"])
    other = client.post(f"/v1/placement-requests/{rq['id']}/withdraw", json={"reason": "left"},
                        headers=consortium.headers("other_coordinator"))
    assert other.status_code == 404
    done = ok(client.post(f"/v1/placement-requests/{rq['id']}/withdraw",
                          json={"reason": "left the program"},
                          headers=consortium.headers("coordinator")), 200)
    assert done["status"] == "withdrawn" and done["version"] == rq["version"] + 1
    again = client.post(f"/v1/placement-requests/{rq['id']}/withdraw", json={"reason": "x"},
                        headers=consortium.headers("coordinator"))
    assert again.status_code == 409
    with app.engine.connect() as conn:
        problem, _, _ = exclusions.valid_problem(conn)
    assert rq["id"] not in {r["id"] for r in problem["requests"]}
    assert solved(app)["metrics"]["requests"] == 0
