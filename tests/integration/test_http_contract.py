"""SPEC section 5's conventions: Idempotency-Key, If-Match, errors naming fields, paging."""

from __future__ import annotations

import pytest

from domain.placements import Placement
from placements.principals import OPERATOR
from tests.integration.helpers import SLOT, events, placement_request, site, slot, student


def test_retried_post_with_the_same_key_writes_once(app, client, consortium):
    s = site(client, consortium)
    headers = consortium.headers("employer", **{"Idempotency-Key": "slot-spring-1"})
    before = events(app)
    first = client.post("/v1/slots", json={**SLOT, "site": s["id"]}, headers=headers)
    after_first = events(app)
    again = client.post("/v1/slots", json={**SLOT, "site": s["id"]}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert after_first == before + 1 and events(app) == after_first
    other = client.post("/v1/slots", json={**SLOT, "site": s["id"], "capacity": 3},
                        headers=headers)
    assert other.status_code == 422
    assert "Idempotency-Key" in other.get_json()["error"]["fields"]
    assert events(app) == after_first


def test_stale_if_match_gives_412_and_writes_nothing(app, client, consortium):
    s = site(client, consortium)
    sl = slot(client, consortium, s["id"])
    rq = placement_request(client, consortium, student(client, consortium)["id"])
    placement = Placement(OPERATOR.actor, rq["id"], rq["student"], rq["college"], sl["id"],
                          s["id"], consortium.employer, None, "proposed", None)
    app.commit(placement)
    before = events(app)
    stale = client.post(f"/v1/placements/{placement.id}/confirm",
                        headers=consortium.headers("coordinator", **{"If-Match": "7"}))
    assert stale.status_code == 412 and stale.get_json()["error"]["code"] == "stale_version"
    assert events(app) == before
    fresh = client.post(f"/v1/placements/{placement.id}/confirm",
                        headers=consortium.headers("coordinator", **{"If-Match": '"1"'}))
    assert fresh.status_code == 200 and fresh.get_json()["version"] == 2
    bad = client.post(f"/v1/slots/{sl['id']}/withdraw", json={"reason": "x"},
                      headers=consortium.headers("employer", **{"If-Match": "latest"}))
    assert bad.status_code == 422 and "If-Match" in bad.get_json()["error"]["fields"]


BAD_SLOTS = [
    ({"capacity": -2}, "capacity"),
    ({"capacity": "two"}, "capacity"),
    ({"start_date": "2027-02-30"}, "start_date"),
    ({"end_date": "2027-01-01"}, "end_date"),          # before start_date
    ({"weekdays": [7]}, "weekdays.0"),
    ({"shift_start": "7am"}, "shift_start"),
    ({"discipline": "ASTRONAUT"}, "discipline"),
    ({"preceptor": "00000000-0000-0000-0000-000000000000"}, "preceptor"),
    ({"site": "nope"}, "site"),
    ({"surprise": 1}, "surprise"),
]


@pytest.mark.parametrize(("change", "field"), BAD_SLOTS, ids=[f for _, f in BAD_SLOTS])
def test_bad_slot_input_names_the_field_and_writes_nothing(app, client, consortium, change,
                                                           field):
    s = site(client, consortium)
    before = events(app)
    r = client.post("/v1/slots", json={**SLOT, "site": s["id"], **change},
                    headers=consortium.headers("employer"))
    assert 400 <= r.status_code < 500, r.get_json()
    assert field in r.get_json()["error"]["fields"], r.get_json()
    assert events(app) == before


def test_malformed_json_is_400(client, consortium):
    r = client.post("/v1/sites", data="{not json", content_type="application/json",
                    headers=consortium.headers("employer"))
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "malformed_json"


def test_bad_student_and_request_input(app, client, consortium):
    before = events(app)
    r = client.post("/v1/students", json={"name": "A", "home": {"lat": 123, "lon": 0}},
                    headers=consortium.headers("coordinator"))
    assert r.status_code == 422 and "home.lat" in r.get_json()["error"]["fields"]
    r = client.post("/v1/placement-requests", json={
        "student": "00000000-0000-0000-0000-000000000000", "discipline": "RN",
        "required_hours": 10, "earliest_start": "2027-01-04", "latest_end": "2027-05-28"},
        headers=consortium.headers("coordinator"))
    assert r.status_code == 422 and "student" in r.get_json()["error"]["fields"]
    assert client.get("/v1/slots/not-a-uuid", headers=consortium.headers("admin")).status_code \
        == 404
    assert events(app) == before


def test_cursor_paging_visits_each_item_once(client, consortium):
    made = {student(client, consortium, name=f"Student {i}")["id"] for i in range(7)}
    seen, cursor = [], None
    while True:
        query = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = client.get("/v1/students", query_string=query,
                          headers=consortium.headers("coordinator")).get_json()
        seen += [s["id"] for s in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(made) and len(seen) == len(set(seen))
    r = client.get("/v1/students?cursor=garbage", headers=consortium.headers("coordinator"))
    assert r.status_code == 422 and "cursor" in r.get_json()["error"]["fields"]
    r = client.get("/v1/students?limit=0", headers=consortium.headers("coordinator"))
    assert r.status_code == 422 and "limit" in r.get_json()["error"]["fields"]
