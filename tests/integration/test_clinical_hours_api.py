"""Clinical hours and evaluations over HTTP on SQLite and PostgreSQL: logging within the
placement's dates and sessions, the 16-hour day, sign-off by the site's own employer naming a
preceptor, corrections citing the entry, totals and `behind` as of a date and as recorded at an
instant, and evaluations falling due when the placement ends."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import quote

import pytest

from tests.integration.helpers import events, ok

# A rotation that has ended (today is after 2026-11-27): Mondays and Tuesdays, 8.5-hour days.
PAST = {"discipline": "RN", "capacity": 2, "start_date": "2026-09-07", "end_date": "2026-11-24",
        "weekdays": [0, 1], "shift_start": "07:00", "shift_end": "15:30", "hours": 128}
EVENING = {**PAST, "shift_start": "16:00", "shift_end": "00:30"}


def post(client, c, who, path, body, status=201):
    return ok(client.post(path, json=body, headers=c.headers(who)), status)


def get(client, c, who, path, status=200):
    return ok(client.get(path, headers=c.headers(who)), status)


def placed(client, c, slot_id, student_id):
    request = post(client, c, "coordinator", "/v1/placement-requests", {
        "student": student_id, "discipline": "RN", "required_hours": 120,
        "earliest_start": "2026-09-01", "latest_end": "2026-12-31"})
    p = post(client, c, "coordinator", "/v1/placements", {"request": request["id"],
                                                          "slot": slot_id})
    post(client, c, "employer", f"/v1/placements/{p['id']}/accept", {}, 200)
    return p["id"]


@pytest.fixture
def world(client, consortium):
    c = consortium
    site = post(client, c, "employer", "/v1/sites", {
        "name": "Greenbrae", "location": {"lat": 37.95, "lon": -122.53}, "requirements": ["BLS"]})
    other_site = post(client, c, "employer", "/v1/sites", {
        "name": "Novato", "location": {"lat": 38.1, "lon": -122.56}})
    jw = post(client, c, "employer", "/v1/preceptors", {
        "site": site["id"], "name": "Dana Lee, RN", "disciplines": ["RN"], "max_students": 2,
        "journeyworker": True})
    elsewhere = post(client, c, "employer", "/v1/preceptors", {
        "site": other_site["id"], "name": "Sam Roe, RN", "disciplines": ["RN"],
        "max_students": 2, "journeyworker": False})
    slot = post(client, c, "employer", "/v1/slots", {**PAST, "site": site["id"],
                                                     "preceptor": jw["id"]})
    student = post(client, c, "coordinator", "/v1/students", {
        "name": "Ana Garcia", "home": {"lat": 37.96, "lon": -122.51}, "max_travel_km": 40,
        "credentials": ["BLS", "TB"]})
    return {"site": site["id"], "jw": jw["id"], "elsewhere": elsewhere["id"],
            "slot": slot["id"], "student": student["id"],
            "placement": placed(client, c, slot["id"], student["id"])}


def test_hours_logged_signed_corrected_and_totalled(client, consortium, app, world):
    c, path = consortium, f"/v1/placements/{world['placement']}/hours"
    first = post(client, c, "coordinator", path, {"date": "2026-09-07", "hours": 8,
                                                  "note": "orientation"})
    second = post(client, c, "employer", path, {"date": "2026-09-08", "hours": 8.5})
    assert first["status"] == "unsigned" and first["position"] < second["position"]

    signed = post(client, c, "employer", f"{path}/{first['id']}/sign-off",
                  {"preceptor": world["jw"]})
    assert signed["entry"] == first["id"] and signed["preceptor"] == world["jw"]
    before_midpoint = get(client, c, "coordinator", f"{path}?as_of=2026-09-30")
    assert (before_midpoint["signed_hours"], before_midpoint["unsigned_hours"]) == (8, 8.5)
    assert before_midpoint["behind"] is False
    entry = before_midpoint["entries"][0]
    assert entry["status"] == "signed" and entry["signed_off"]["id"] == signed["event_id"]
    assert entry["signed_off"]["position"] == signed["position"]
    # Past the midpoint (2026-10-16) with 8 of 128 hours signed: behind.
    assert get(client, c, "compliance", f"{path}?as_of=2026-10-20")["behind"] is True
    assert get(client, c, "employer", f"{path}?as_of=2026-09-07")["unsigned_hours"] == 0

    known = quote(datetime.now(UTC).isoformat())
    # A signed entry is corrected by the site's employer only; the correction cites it and the
    # replacement needs a new sign-off.
    r = client.post(f"{path}/{first['id']}/corrections", json={"reason": "typo", "replacement": {
        "date": "2026-09-07", "hours": 6}}, headers=c.headers("coordinator"))
    assert r.status_code == 403
    fix = post(client, c, "employer", f"{path}/{first['id']}/corrections",
               {"reason": "left at noon", "replacement": {"date": "2026-09-07", "hours": 6}})
    assert fix["corrects"] == first["id"] and fix["replacement"]["hours"] == 6
    void = post(client, c, "coordinator", f"{path}/{second['id']}/corrections",
                {"reason": "logged twice", "replacement": None})
    now = get(client, c, "coordinator", f"{path}?as_of=2026-09-30")
    assert (now["signed_hours"], now["unsigned_hours"]) == (0, 6)
    corrected = now["entries"][0]
    assert corrected["status"] == "unsigned" and corrected["corrections"][0]["id"] == \
        fix["event_id"]
    assert now["entries"][1]["status"] == "void"
    assert now["entries"][1]["corrections"][0]["position"] == void["position"]
    # As recorded before the corrections: the record then.
    then = get(client, c, "compliance", f"{path}?as_of=2026-09-30&known_at={known}")
    assert (then["signed_hours"], then["unsigned_hours"]) == (8, 8.5)

    # Every change is an event naming its actor.
    log = get(client, c, "compliance", "/v1/audit/events?limit=500")["events"]
    kinds = {e["type"].split(".")[-1]: e["actor"] for e in log}
    assert kinds["HoursSignedOff"].startswith("employer:")
    assert kinds["HoursCorrected"].startswith("coordinator:")


def test_hours_refused_outside_dates_sessions_and_the_day(client, consortium, app, world):
    c, path = consortium, f"/v1/placements/{world['placement']}/hours"
    written = events(app)
    for body, field in [({"date": "2026-12-01", "hours": 4}, "date"),   # after the end
                        ({"date": "2026-09-09", "hours": 4}, "date"),   # a Wednesday
                        ({"date": "2026-09-07", "hours": 9}, "hours"),  # over the 8.5 h session
                        ({"date": "2026-09-07", "hours": "x"}, "hours")]:
        r = client.post(path, json=body, headers=c.headers("employer"))
        assert r.status_code == 422 and field in r.get_json()["error"]["fields"], r.get_json()
    assert events(app) == written
    # Another employer, or a college that is not the student's, cannot see the placement.
    assert client.post(path, json={"date": "2026-09-07", "hours": 4},
                       headers=c.headers("other_employer")).status_code == 404
    assert client.post(path, json={"date": "2026-09-07", "hours": 4},
                       headers=c.headers("other_coordinator")).status_code == 404

    # A second placement the same evening: 8.5 + 8 hours is over the 16-hour day.
    evening = post(client, c, "employer", "/v1/slots", {**EVENING, "site": world["site"]})
    other = placed(client, c, evening["id"], world["student"])
    post(client, c, "coordinator", path, {"date": "2026-09-14", "hours": 8.5})
    r = client.post(f"/v1/placements/{other}/hours", json={"date": "2026-09-14", "hours": 8},
                    headers=c.headers("coordinator"))
    assert r.status_code == 422 and "16" in r.get_json()["error"]["fields"]["hours"][0]
    post(client, c, "coordinator", f"/v1/placements/{other}/hours",
         {"date": "2026-09-14", "hours": 7.5})


def test_sign_off_only_by_the_sites_employer_naming_its_preceptor(client, consortium, world):
    c, path = consortium, f"/v1/placements/{world['placement']}/hours"
    entry = post(client, c, "coordinator", path, {"date": "2026-09-07", "hours": 8})
    sign = f"{path}/{entry['id']}/sign-off"
    assert client.post(sign, json={"preceptor": world["jw"]},
                       headers=c.headers("coordinator")).status_code == 403
    assert client.post(sign, json={"preceptor": world["jw"]},
                       headers=c.headers("other_employer")).status_code == 404
    r = client.post(sign, json={"preceptor": world["elsewhere"]}, headers=c.headers("employer"))
    assert r.status_code == 422 and "preceptor" in r.get_json()["error"]["fields"]
    assert client.post(f"{path}/nope/sign-off", json={"preceptor": world["jw"]},
                       headers=c.headers("employer")).status_code == 404
    post(client, c, "employer", sign, {"preceptor": world["jw"]})
    r = client.post(sign, json={"preceptor": world["jw"]}, headers=c.headers("employer"))
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "already_signed"


def test_evaluations_fall_due_when_the_placement_ends(client, consortium, world):
    c, pid = consortium, world["placement"]
    owed = get(client, c, "employer", "/v1/evaluations?due=true")["items"]
    assert [(x["placement"], x["of"]) for x in owed] == [(pid, "student")]
    owed = get(client, c, "coordinator", "/v1/evaluations?due=true")["items"]
    assert [(x["placement"], x["of"]) for x in owed] == [(pid, "site")]
    assert get(client, c, "other_employer", "/v1/evaluations?due=true")["items"] == []
    # Before the placement ended, nothing was due.
    assert get(client, c, "employer", "/v1/evaluations?due=true&as_of=2026-11-01")["items"] == []

    path = f"/v1/placements/{pid}/evaluations"
    r = client.post(path, json={"of": "site", "scores": {"teaching": 4}},
                    headers=c.headers("employer"))
    assert r.status_code == 403
    r = client.post(path, json={"of": "student", "scores": {"skills": 6}},
                    headers=c.headers("employer"))
    assert r.status_code == 422 and "scores" in str(r.get_json()["error"]["fields"])
    done = post(client, c, "employer", path, {"of": "student", "scores": {"skills": 4,
                                                                         "safety": 5},
                                              "comments": "ready for practice"})
    assert done["scores"] == {"skills": 4, "safety": 5}
    r = client.post(path, json={"of": "student", "scores": {"skills": 3}},
                    headers=c.headers("employer"))
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "already_evaluated"
    assert get(client, c, "employer", "/v1/evaluations?due=true")["items"] == []
    seen = get(client, c, "coordinator", "/v1/evaluations")["items"]
    assert [e["id"] for e in seen] == [done["id"]]
    assert get(client, c, "other_coordinator", "/v1/evaluations")["items"] == []
    admin = get(client, c, "admin", "/v1/evaluations?due=true")["items"]
    assert [(x["placement"], x["of"]) for x in admin] == [(pid, "site")]


def test_prior_learning_reduces_the_hours_a_placement_requires(client, consortium, world):
    """SPEC section 10: hours of prior learning credited to the participant a student names,
    for the slot's discipline, reduce the placement's required hours (and so `behind`), as
    recorded at `known_at`, citing the credit events; another discipline's credit does not."""
    from tests.integration.partnership_helpers import consent, participant

    c = consortium
    p = participant(client, c)
    consent(client, c, p["id"], c.college)
    student = post(client, c, "coordinator", "/v1/students", {
        "name": "Rosa Martinez", "home": {"lat": 37.96, "lon": -122.51}, "max_travel_km": 40,
        "credentials": ["BLS", "TB"], "participant": p["id"]})
    slot = post(client, c, "employer", "/v1/slots", {**PAST, "site": world["site"],
                                                     "preceptor": world["jw"]})
    placement = placed(client, c, slot["id"], student["id"])
    path = f"/v1/placements/{placement}/hours"
    entry = post(client, c, "employer", path, {"date": "2026-09-07", "hours": 8.5})
    post(client, c, "employer", f"{path}/{entry['id']}/sign-off", {"preceptor": world["jw"]})
    for day in ("2026-09-08", "2026-09-14", "2026-09-15", "2026-09-21", "2026-09-22",
                "2026-09-28"):
        signed = post(client, c, "employer", path, {"date": day, "hours": 8.5})
        post(client, c, "employer", f"{path}/{signed['id']}/sign-off",
             {"preceptor": world["jw"]})
    # 59.5 of the slot's 128 hours signed: past the midpoint that is under half of them.
    before = get(client, c, "coordinator", f"{path}?as_of=2026-10-20")
    assert before["signed_hours"] == 59.5 and before["behind"] is True
    assert before["prior_learning"] == {"hours": 0.0, "events": [], "slot_hours": 128,
                                        "required_hours": 128}
    known_before = datetime.now(UTC).isoformat()
    credit = post(client, c, "partner", f"/v1/participants/{p['id']}/prior-learning",
                  {"occupation": "RN", "hours": 20, "basis": "LVN work experience"})
    post(client, c, "partner", f"/v1/participants/{p['id']}/prior-learning",
         {"occupation": "MA", "hours": 100, "basis": "another discipline"})
    after = get(client, c, "coordinator", f"{path}?as_of=2026-10-20")
    assert after["prior_learning"]["hours"] == 20
    assert after["prior_learning"]["required_hours"] == 108
    assert [e["id"] for e in after["prior_learning"]["events"]] == [credit["event_id"]]
    assert after["behind"] is False  # 59.5 of 108 required: over half
    assert after["signed_hours"] == 59.5  # the hours worked are unchanged
    then = get(client, c, "compliance",
               f"{path}?as_of=2026-10-20&known_at={quote(known_before)}")
    assert then["prior_learning"]["required_hours"] == 128 and then["behind"] is True
    # A student naming no participant has no credit.
    plain = get(client, c, "coordinator", f"/v1/placements/{world['placement']}/hours")
    assert plain["prior_learning"]["hours"] == 0.0
