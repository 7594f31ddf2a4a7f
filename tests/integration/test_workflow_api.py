"""The placement workflow over HTTP, for each role, on SQLite and PostgreSQL."""

from __future__ import annotations

from domain.placements import Placement
from placements.principals import OPERATOR
from tests.integration.helpers import (
    events,
    ok,
    placement_request,
    preceptor,
    site,
    slot,
    student,
)


def test_admin_registers_organisations_and_issues_tokens(client, consortium):
    org = ok(client.post("/v1/organizations", json={"name": "Chabot College", "kind": "college"},
                         headers=consortium.headers("admin")))
    assert ok(client.get(f"/v1/organizations/{org['id']}",
                         headers=consortium.headers("compliance")), 200) == org
    token = ok(client.post("/v1/tokens", json={"role": "coordinator", "organization": org["id"]},
                           headers=consortium.headers("admin")))
    mine = client.get("/v1/students", headers={"Authorization": f"Bearer {token['token']}"})
    assert ok(mine, 200)["items"] == []


def test_direct_ask_accept_cancel_and_read_back(app, client, consortium):
    s = site(client, consortium)
    p = preceptor(client, consortium, s["id"])
    sl = slot(client, consortium, s["id"], preceptor=p["id"])
    st = student(client, consortium)
    rq = placement_request(client, consortium, st["id"])
    for path, body in ((f"/v1/sites/{s['id']}", s), (f"/v1/preceptors/{p['id']}", p),
                       (f"/v1/slots/{sl['id']}", sl)):
        assert ok(client.get(path, headers=consortium.headers("employer")), 200) == body
    assert ok(client.get(f"/v1/students/{st['id']}", headers=consortium.headers("coordinator")),
              200) == st
    assert st["version"] == 1 and rq["placement"] is None
    asked = ok(client.post("/v1/placements", json={"request": rq["id"], "slot": sl["id"]},
                           headers=consortium.headers("coordinator")))
    assert asked["status"] == "requested"
    accepted = ok(client.post(f"/v1/placements/{asked['id']}/accept",
                              headers=consortium.headers("employer")), 200)
    assert accepted["status"] == "accepted" and accepted["version"] == 2
    assert ok(client.get(f"/v1/slots/{sl['id']}", headers=consortium.headers("employer")),
              200)["held"] == 1
    request_now = ok(client.get(f"/v1/placement-requests/{rq['id']}",
                                headers=consortium.headers("coordinator")), 200)
    assert request_now["placement"] == asked["id"]
    cancelled = ok(client.post(f"/v1/placements/{asked['id']}/cancel",
                               json={"reason": "student withdrew"},
                               headers=consortium.headers("coordinator")), 200)
    assert cancelled["status"] == "cancelled" and cancelled["reason"] == "student withdrew"
    assert ok(client.get(f"/v1/slots/{sl['id']}", headers=consortium.headers("employer")),
              200)["held"] == 0


def proposed(app, consortium, rq: dict, sl: dict) -> str:
    """A solve's proposal (solves are tested end to end in tests/e2e)."""
    placement = Placement(OPERATOR.actor, rq["id"], rq["student"], rq["college"], sl["id"],
                          sl["site"], sl["employer"], sl["preceptor"], "proposed", None)
    app.commit(placement)
    return str(placement.id)


def test_proposal_confirmed_then_accepted_then_withdrawn_slot_reopens_it(app, client,
                                                                         consortium):
    s = site(client, consortium)
    sl = slot(client, consortium, s["id"])
    rq = placement_request(client, consortium, student(client, consortium)["id"])
    pid = proposed(app, consortium, rq, sl)
    early = client.post(f"/v1/placements/{pid}/accept", headers=consortium.headers("employer"))
    assert early.status_code == 409
    assert ok(client.post(f"/v1/placements/{pid}/confirm",
                          headers=consortium.headers("coordinator")), 200)["status"] == "confirmed"
    assert ok(client.post(f"/v1/placements/{pid}/accept",
                          headers=consortium.headers("employer")), 200)["status"] == "accepted"
    withdrawn = ok(client.post(f"/v1/slots/{sl['id']}/withdraw", json={"reason": "unit closed"},
                               headers=consortium.headers("employer")), 200)
    assert withdrawn["status"] == "withdrawn" and withdrawn["held"] == 0
    reopened = ok(client.get(f"/v1/placements/{pid}", headers=consortium.headers("coordinator")),
                  200)
    assert reopened["status"] == "reopened" and "unit closed" in reopened["reason"]
    assert ok(client.get(f"/v1/placement-requests/{rq['id']}",
                         headers=consortium.headers("coordinator")), 200)["placement"] is None


def test_declines_by_either_side(app, client, consortium):
    s = site(client, consortium)
    sl = slot(client, consortium, s["id"], capacity=3)
    a = placement_request(client, consortium, student(client, consortium)["id"])
    b = placement_request(client, consortium, student(client, consortium)["id"])
    pa, pb = proposed(app, consortium, a, sl), proposed(app, consortium, b, sl)
    assert ok(client.post(f"/v1/placements/{pa}/decline", json={"reason": "prefers nights"},
                          headers=consortium.headers("coordinator")), 200)["status"] == "declined"
    client.post(f"/v1/placements/{pb}/confirm", headers=consortium.headers("coordinator"))
    assert ok(client.post(f"/v1/placements/{pb}/decline", json={},
                          headers=consortium.headers("employer")), 200)["status"] == "declined"
    assert ok(client.get(f"/v1/slots/{sl['id']}", headers=consortium.headers("employer")),
              200)["held"] == 0
    again = client.post(f"/v1/placements/{pb}/confirm", headers=consortium.headers("coordinator"))
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "invalid_transition"


def test_lowering_capacity_reopens_the_latest_booking(app, client, consortium):
    s = site(client, consortium)
    sl = slot(client, consortium, s["id"], capacity=2)
    ids = []
    for _ in range(2):
        rq = placement_request(client, consortium, student(client, consortium)["id"])
        pid = proposed(app, consortium, rq, sl)
        ok(client.post(f"/v1/placements/{pid}/confirm", headers=consortium.headers("coordinator")),
           200)
        ids.append(pid)
    lowered = ok(client.post(f"/v1/slots/{sl['id']}/capacity",
                             json={"capacity": 1, "reason": "preceptor on leave"},
                             headers=consortium.headers("employer")), 200)
    assert lowered["capacity"] == 1 and lowered["held"] == 1
    states = [ok(client.get(f"/v1/placements/{i}", headers=consortium.headers("coordinator")),
                 200)["status"] for i in ids]
    assert states == ["confirmed", "reopened"]


def test_a_full_slot_refuses_with_409_and_writes_nothing(app, client, consortium):
    s = site(client, consortium)
    sl = slot(client, consortium, s["id"], capacity=1)
    first = proposed(app, consortium, placement_request(
        client, consortium, student(client, consortium)["id"]), sl)
    second = proposed(app, consortium, placement_request(
        client, consortium, student(client, consortium)["id"]), sl)
    ok(client.post(f"/v1/placements/{first}/confirm", headers=consortium.headers("coordinator")),
       200)
    before = events(app)
    r = client.post(f"/v1/placements/{second}/confirm", headers=consortium.headers("coordinator"))
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "slot_full"
    assert events(app) == before


def test_student_is_never_double_booked(app, client, consortium):
    s = site(client, consortium)
    a, b = slot(client, consortium, s["id"]), slot(client, consortium, s["id"],
                                                  shift_start="12:00", shift_end="20:00")
    st = student(client, consortium)
    pa = proposed(app, consortium, placement_request(client, consortium, st["id"]), a)
    pb = proposed(app, consortium, placement_request(client, consortium, st["id"]), b)
    ok(client.post(f"/v1/placements/{pa}/confirm", headers=consortium.headers("coordinator")), 200)
    r = client.post(f"/v1/placements/{pb}/confirm", headers=consortium.headers("coordinator"))
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "student_double_booked"


def test_direct_ask_for_an_ineligible_slot_names_the_rule(client, consortium):
    s = site(client, consortium, location={"lat": 34.05, "lon": -118.24})  # Los Angeles
    sl = slot(client, consortium, s["id"])
    rq = placement_request(client, consortium, student(client, consortium)["id"])
    r = client.post("/v1/placements", json={"request": rq["id"], "slot": sl["id"]},
                    headers=consortium.headers("coordinator"))
    assert r.status_code == 422
    assert "travel" in r.get_json()["error"]["fields"]["slot"][0]


def test_a_reserved_slot_is_seen_only_by_its_colleges_one_by_one_and_in_lists(client, consortium):
    s = site(client, consortium)
    reserved = slot(client, consortium, s["id"], colleges=[consortium.other_college])
    open_slot = slot(client, consortium, s["id"])
    for who, sees_reserved in (("coordinator", False), ("other_coordinator", True),
                               ("employer", True), ("compliance", True)):
        one = client.get(f"/v1/slots/{reserved['id']}", headers=consortium.headers(who))
        assert one.status_code == (200 if sees_reserved else 404), (who, one.get_json())
        listed = {x["id"] for x in ok(client.get("/v1/slots?limit=100",
                                                 headers=consortium.headers(who)), 200)["items"]}
        assert (reserved["id"] in listed) is sees_reserved and open_slot["id"] in listed, who
    assert client.get(f"/v1/slots/{reserved['id']}",
                      headers=consortium.headers("other_employer")).status_code == 404
