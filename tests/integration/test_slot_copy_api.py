"""POST /v1/slots/copy: next term's slots from this term's, all or none."""

from __future__ import annotations

import pytest

from tests.integration.helpers import events, ok, site, slot


def copy(client, consortium, who: str = "employer", **body):
    return client.post("/v1/slots/copy", json=body, headers=consortium.headers(who))


def test_copies_the_open_slots_starting_in_the_range_with_dates_moved(app, client,
                                                                      consortium):
    s = site(client, consortium)
    jan = slot(client, consortium, s["id"], colleges=[consortium.college])
    feb = slot(client, consortium, s["id"], start_date="2027-02-01", end_date="2027-03-26",
               hours=100)
    slot(client, consortium, s["id"], start_date="2027-06-07", end_date="2027-07-30",
         hours=100)  # outside the range
    gone = slot(client, consortium, s["id"], start_date="2027-01-18", hours=100)
    ok(client.post(f"/v1/slots/{gone['id']}/withdraw", json={"reason": "unit closed"},
                   headers=consortium.headers("employer")), 200)
    slot(client, consortium, site(client, consortium, who="other_employer")["id"],
         who="other_employer")  # another employer's

    copied = ok(copy(client, consortium, **{"from": "2027-01-01", "to": "2027-02-28",
                                           "shift_days": 182}))["items"]
    assert [(c["start_date"], c["end_date"]) for c in copied] == [
        ("2027-07-12", "2027-09-03"), ("2027-08-02", "2027-09-24")]
    for new, old in zip(copied, (jan, feb), strict=True):
        assert new["id"] != old["id"] and new["status"] == "open" and new["held"] == 0
        for key in ("site", "discipline", "capacity", "preceptor", "weekdays", "shift_start",
                    "shift_end", "hours", "colleges"):
            assert new[key] == old[key], key
        assert ok(client.get(f"/v1/slots/{new['id']}",
                             headers=consortium.headers("employer")), 200) == new

    # The same copy again would duplicate them: refused, nothing written.
    before = events(app)
    r = copy(client, consortium, **{"from": "2027-01-01", "to": "2027-02-28",
                                    "shift_days": 182})
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "duplicate"
    assert events(app) == before


@pytest.mark.parametrize(("body", "field"), [
    ({"from": "2027-03-01", "to": "2027-01-01", "shift_days": 7}, "to"),
    ({"from": "2027-01-01", "to": "2027-03-01", "shift_days": 0}, "shift_days"),
    ({"from": "2027-01-01", "to": "2027-03-01", "shift_days": 100000}, "shift_days"),
    ({"from": "2027-01-01", "to": "2027-03-01", "shift_days": 1.5}, "shift_days"),
    ({"from": "2027-02-30", "to": "2027-03-01", "shift_days": 7}, "from"),
    ({"from": "2030-01-01", "to": "2030-03-01", "shift_days": 7}, "from"),  # nothing there
    ({"from": "2027-01-01", "to": "2027-03-01", "shift_days": 1}, "shift_days"),  # hours
])
def test_bad_copies_are_refused_naming_the_field(app, client, consortium, body, field):
    s = site(client, consortium)
    slot(client, consortium, s["id"])  # Mon and Tue: 128 h delivered, 128 h promised
    before = events(app)
    r = copy(client, consortium, **body)
    assert r.status_code == 422 and field in r.get_json()["error"]["fields"], r.get_json()
    assert events(app) == before
