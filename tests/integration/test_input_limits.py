"""Input limits (issue 12, SPEC section 5): every input that used to get a 500, a silent
coercion or a leak is answered 4xx naming the field, and nothing is written."""

from __future__ import annotations

import base64
import json

import pytest

from tests.integration.helpers import SLOT, events, ok, placement_request, site, slot, student
from tests.integration.test_apprenticeship_api import STANDARDS, ojt
from tests.integration.test_apprenticeship_api import world as world  # noqa: F401 (fixture)


def raw(client, consortium, path, data: bytes | str, who="employer", **headers):
    return client.post(path, data=data, content_type="application/json",
                       headers=consortium.headers(who, **headers))


def error(response, status: int) -> dict:
    assert response.status_code == status, (response.status_code, response.get_data()[:300])
    return response.get_json()["error"]


def test_hostile_json_bodies_are_refused_and_nothing_is_written(app, client, consortium):
    s = site(client, consortium)
    before = events(app)
    body = json.dumps({**SLOT, "site": s["id"]})
    error(raw(client, consortium, "/v1/slots", "[" * 10_000 + "]" * 10_000), 400)
    error(raw(client, consortium, "/v1/slots", body.replace('"capacity": 2',
                                                            '"capacity": ' + "9" * 5001)), 422)
    assert "capacity" in error(raw(client, consortium, "/v1/slots", body.replace(
        '"capacity": 2', '"capacity": ' + "9" * 5001)), 422)["fields"]
    lone = error(raw(client, consortium, "/v1/sites",
                     '{"name": "\\ud800", "location": {"lat": 1, "lon": 1}}'), 422)
    assert "name" in lone["fields"]
    nul = error(raw(client, consortium, "/v1/sites",
                    '{"name": "a\\u0000b", "location": {"lat": 1, "lon": 1}}'), 422)
    assert "name" in nul["fields"]
    error(raw(client, consortium, "/v1/slots", body.replace('"capacity": 2', '"capacity": NaN')),
          400)
    huge = error(raw(client, consortium, "/v1/slots",
                     body.replace('"hours": 128', '"hours": 1e400')), 422)
    assert "hours" in huge["fields"]
    too_big = raw(client, consortium, "/v1/sites",
                  json.dumps({"name": "x" * (5 * 1024 * 1024),
                              "location": {"lat": 1, "lon": 1}}))
    assert error(too_big, 413)["code"] == "too_large"
    assert events(app) == before


@pytest.mark.parametrize("change, field", [
    ({"capacity": 2.5}, "capacity"),
    ({"capacity": "5"}, "capacity"),
    ({"capacity": True}, "capacity"),
    ({"hours": "128"}, "hours"),
    ({"weekdays": [0, "1"]}, "weekdays.1"),
    ({"weekdays": [0, 1.0]}, "weekdays.1"),
])
def test_wrong_json_types_are_422_never_coerced(app, client, consortium, change, field):
    s = site(client, consortium)
    before = events(app)
    r = client.post("/v1/slots", json={**SLOT, "site": s["id"], **change},
                    headers=consortium.headers("employer"))
    assert field in error(r, 422)["fields"]
    location = client.post("/v1/sites", json={"name": "x", "location": {"lat": "1", "lon": 1}},
                           headers=consortium.headers("employer"))
    assert "location.lat" in error(location, 422)["fields"]
    flag = client.post("/v1/preceptors", json={"site": s["id"], "name": "x", "disciplines": ["RN"],
                                               "max_students": 1, "journeyworker": "yes"},
                       headers=consortium.headers("employer"))
    assert "journeyworker" in error(flag, 422)["fields"]
    assert events(app) == before


def test_a_slot_cannot_promise_more_hours_than_its_schedule_delivers(app, client, consortium):
    s = site(client, consortium)
    before = events(app)
    # Mondays 2027-01-11..2027-01-25 (3 sessions of 8h30): 25.5 hours at most.
    r = client.post("/v1/slots", json={**SLOT, "site": s["id"], "end_date": "2027-01-25",
                                       "weekdays": [0], "hours": 9999},
                    headers=consortium.headers("employer"))
    assert "hours" in error(r, 422)["fields"]
    assert events(app) == before
    ok(client.post("/v1/slots", json={**SLOT, "site": s["id"], "end_date": "2027-01-25",
                                      "weekdays": [0], "hours": 25},
                   headers=consortium.headers("employer")))


def cursor(value) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode()


@pytest.mark.parametrize("value", [[{"a": 1}, "x"], [[1], "x"], [None, None], [5, "x"], "x"])
def test_forged_cursors_are_422(client, consortium, value):
    r = client.get(f"/v1/students?cursor={cursor(value)}", headers=consortium.headers("admin"))
    assert "cursor" in error(r, 422)["fields"]


def test_headers_queries_and_paths_out_of_range(client, consortium):
    s = site(client, consortium)
    sl = slot(client, consortium, s["id"])
    r = client.post(f"/v1/slots/{sl['id']}/withdraw", json={"reason": "x"},
                    headers=consortium.headers("employer", **{"If-Match": "²"}))
    assert "If-Match" in error(r, 422)["fields"]
    r = client.get(f"/v1/audit/events?after={2**64}", headers=consortium.headers("compliance"))
    assert "after" in error(r, 422)["fields"]
    error(client.get("/v1/students/a%00b", headers=consortium.headers("admin")), 404)
    r = client.get("/v1/slots?site=a%00b", headers=consortium.headers("employer"))
    assert "site" in error(r, 422)["fields"]
    r = client.post("/v1/sites", json={"name": "x", "location": {"lat": 1, "lon": 1}},
                    headers=consortium.headers("employer", **{"Idempotency-Key": "a\x7fb"}))
    assert "Idempotency-Key" in error(r, 422)["fields"]


def test_reports_refuse_dates_out_of_range_and_never_answer_infinity(client, consortium,
                                                                      world):  # noqa: F811
    w = world
    for path in (f"/v1/apprentices/{w['apprentice']}/compliance",
                 f"/v1/apprenticeship-programs/{w['program']}/compliance"):
        r = client.get(f"{path}?as_of=9999-12-31", headers=consortium.headers("compliance"))
        assert "as_of" in error(r, 422)["fields"]
    r = client.post("/v1/apprenticeship-programs", json={**STANDARDS, "journeyworker_rate": 1e308},
                    headers=consortium.headers("employer"))
    assert "journeyworker_rate" in error(r, 422)["fields"]
    ok(client.post(f"/v1/apprentices/{w['apprentice']}/ojt-hours", json=ojt(w),
                   headers=consortium.headers("employer")))


def test_what_a_caller_may_not_see_is_uniformly_refused(app, client, consortium):
    """Whether the id exists or not: 403 for a role that may not read students at all, 404 for
    another college."""
    st = student(client, consortium)
    for ident in (st["id"], "00000000-0000-0000-0000-000000000000"):
        r = client.get(f"/v1/students/{ident}", headers=consortium.headers("employer"))
        assert r.status_code == 403, r.get_json()
        r = client.get(f"/v1/students/{ident}", headers=consortium.headers("other_coordinator"))
        assert r.status_code == 404, r.get_json()
    r = client.post("/v1/solves", json={"college": consortium.other_college},
                    headers=consortium.headers("coordinator"))
    assert "college" in error(r, 422)["fields"]


def test_one_direct_ask_per_request_and_a_booked_student_is_refused_at_once(app, client,
                                                                            consortium):
    s = site(client, consortium)
    first, second = slot(client, consortium, s["id"]), slot(client, consortium, s["id"])
    st = student(client, consortium)
    rq = placement_request(client, consortium, st["id"])
    ok(client.post("/v1/placements", json={"request": rq["id"], "slot": first["id"]},
                   headers=consortium.headers("coordinator")))
    twice = client.post("/v1/placements", json={"request": rq["id"], "slot": second["id"]},
                        headers=consortium.headers("coordinator"))
    assert error(twice, 409)["code"] == "request_already_placed"
    asked = ok(client.post("/v1/placements", json={
        "request": placement_request(client, consortium, st["id"])["id"], "slot": first["id"]},
        headers=consortium.headers("coordinator")))
    accepted = client.post(f"/v1/placements/{asked['id']}/accept",
                           headers=consortium.headers("employer"))
    assert accepted.status_code == 200, accepted.get_json()
    # The student is now booked on Mondays and Tuesdays: a third ask at the same time is refused.
    third = client.post("/v1/placements", json={
        "request": placement_request(client, consortium, st["id"])["id"], "slot": second["id"]},
        headers=consortium.headers("coordinator"))
    assert error(third, 409)["code"] == "student_double_booked"


def test_no_other_tenants_id_in_an_entry(client, consortium, world):  # noqa: F811
    """Hours under another employer's journeyworker are recorded (and flagged by the report),
    but the answer does not disclose that employer's id."""
    w = world
    entry = ok(client.post(f"/v1/apprentices/{w['apprentice']}/ojt-hours",
                           json=ojt(w, journeyworker=w["other_jw"]),
                           headers=consortium.headers("employer")))
    assert consortium.other_employer not in json.dumps(entry)
    assert entry["journeyworker_employer"] == "another employer"
    own = ok(client.post(f"/v1/apprentices/{w['apprentice']}/ojt-hours",
                         json=ojt(w, day="2025-01-08"), headers=consortium.headers("employer")))
    assert own["journeyworker_employer"] == consortium.employer
