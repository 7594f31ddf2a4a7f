"""Units, dated credentials, waivers, compliance per slot and the accept gate, over HTTP, on
SQLite and PostgreSQL (SPEC section 8; docs/ONBOARDING.md)."""

from __future__ import annotations

import pytest

from placements.exclusions import valid_problem
from solver import solve
from tests.integration.helpers import SLOT, events, ok, placement_request, site, slot, student

END = "2027-03-05"  # the helpers' slot ends on this day


def unit(client, c, site_id: str, who: str = "employer", **extra) -> dict:
    body = {"site": site_id, "name": "4 West ICU", "requirements": ["TB"], **extra}
    return ok(client.post("/v1/units", json=body, headers=c.headers(who)))


def credential(client, c, student_id: str, code: str, expires: str | None,
               issued: str = "2026-09-01", who: str = "coordinator"):
    return client.post(f"/v1/students/{student_id}/credentials",
                       json={"code": code, "issued": issued, "expires": expires},
                       headers=c.headers(who))


def compliance(client, c, student_id: str, slot_id: str, who: str = "coordinator") -> dict:
    return ok(client.get(f"/v1/students/{student_id}/compliance?slot={slot_id}",
                         headers=c.headers(who)), 200)


def setting(client, c):
    """A site requiring BLS with a unit requiring TB, a slot in the unit, a student holding BLS
    (no expiry) and a request of its."""
    s = site(client, c)
    u = unit(client, c, s["id"])
    sl = slot(client, c, s["id"], unit=u["id"])
    st = student(client, c, credentials=["BLS"])
    rq = placement_request(client, c, st["id"])
    return s, u, sl, st, rq


def test_units_are_the_employers_and_slots_name_them(app, client, consortium):
    s = site(client, consortium)
    u = unit(client, consortium, s["id"], requirements=["TB", "FLU", "TB"])
    assert u["requirements"] == ["FLU", "TB"] and u["site"] == s["id"] and u["version"] == 1
    assert ok(client.get(f"/v1/units/{u['id']}", headers=consortium.headers("coordinator")),
              200) == u
    listed = ok(client.get(f"/v1/units?site={s['id']}", headers=consortium.headers("employer")),
                200)["items"]
    assert [i["id"] for i in listed] == [u["id"]]
    assert ok(client.get("/v1/units", headers=consortium.headers("other_employer")),
              200)["items"] == []
    sl = slot(client, consortium, s["id"], unit=u["id"])
    assert sl["unit"] == u["id"]
    assert ok(client.get(f"/v1/slots/{sl['id']}", headers=consortium.headers("employer")),
              200)["unit"] == u["id"]
    slot(client, consortium, s["id"])  # not in the unit
    in_unit = ok(client.get(f"/v1/slots?unit={u['id']}", headers=consortium.headers("employer")),
                 200)["items"]
    assert [i["id"] for i in in_unit] == [sl["id"]]


def test_bad_units_and_slot_units_are_refused_by_field_with_nothing_written(app, client,
                                                                           consortium):
    s = site(client, consortium)
    other_site = site(client, consortium, name="Novato")
    theirs = site(client, consortium, who="other_employer")
    u = unit(client, consortium, s["id"])
    their_unit = unit(client, consortium, theirs["id"], who="other_employer")
    before = events(app)
    cases = [
        ("/v1/units", {"site": theirs["id"], "name": "ICU"}, "site"),
        ("/v1/units", {"site": "nope", "name": "ICU"}, "site"),
        ("/v1/units", {"site": s["id"], "name": " "}, "name"),
        ("/v1/units", {"site": s["id"], "name": "ICU", "requirements": "TB"}, "requirements"),
        ("/v1/units", {"site": s["id"], "name": "ICU", "requirements": [""]},
         "requirements.0"),
    ]
    for path, body, field in cases:
        r = client.post(path, json=body, headers=consortium.headers("employer"))
        assert r.status_code == 422 and field in r.get_json()["error"]["fields"], (body, r.json)
    for bad in (their_unit["id"], "00000000-0000-0000-0000-000000000000", "nope"):
        r = client.post("/v1/slots", json={**slot_body(s["id"]), "unit": bad},
                        headers=consortium.headers("employer"))
        assert r.status_code == 422 and "unit" in r.get_json()["error"]["fields"], r.json
    r = client.post("/v1/slots", json={**slot_body(other_site["id"]), "unit": u["id"]},
                    headers=consortium.headers("employer"))
    assert r.status_code == 422
    assert r.get_json()["error"]["fields"] == {"unit": ["belongs to another site"]}
    assert events(app) == before


def slot_body(site_id: str) -> dict:
    return {**SLOT, "site": site_id}


def test_credentials_are_dated_events_of_the_student_naming_the_coordinator(app, client,
                                                                            consortium):
    st = student(client, consortium, credentials=["BLS"])
    recorded = ok(credential(client, consortium, st["id"], "TB", "2027-02-15"))
    assert recorded == {"student": st["id"], "version": 2, "code": "TB",
                        "issued": "2026-09-01", "expires": "2027-02-15"}
    ok(credential(client, consortium, st["id"], "FLU", None))
    read = ok(client.get(f"/v1/students/{st['id']}", headers=consortium.headers("coordinator")),
              200)
    assert read["credentials"] == ["BLS", "FLU", "TB"]
    assert read["credential_records"] == [
        {"code": "BLS", "issued": None, "expires": None},
        {"code": "FLU", "issued": "2026-09-01", "expires": None},
        {"code": "TB", "issued": "2026-09-01", "expires": "2027-02-15"}]
    # A renewal replaces the code's record.
    ok(credential(client, consortium, st["id"], "TB", "2027-09-01", issued="2027-01-20"))
    read = ok(client.get(f"/v1/students/{st['id']}", headers=consortium.headers("admin")), 200)
    assert read["credential_records"][2] == {"code": "TB", "issued": "2027-01-20",
                                             "expires": "2027-09-01"}
    history = ok(client.get(f"/v1/audit/aggregates/{st['id']}",
                            headers=consortium.headers("compliance")), 200)["events"]
    recorded_events = [e for e in history if e["type"] == "Student.CredentialRecorded"]
    assert len(recorded_events) == 3
    assert all(e["actor"].startswith("coordinator:") for e in recorded_events)


def test_bad_credentials_are_refused_naming_the_field_with_nothing_written(app, client,
                                                                          consortium):
    st = student(client, consortium)
    before = events(app)
    r = credential(client, consortium, st["id"], "TB", "2026-08-31")  # issued 2026-09-01
    assert r.status_code == 422
    assert r.get_json()["error"]["fields"] == {"expires": ["must not be before issued"]}
    for body, field in (({"code": "TB", "issued": "2026-13-01"}, "issued"),
                        ({"code": "TB", "issued": "2026-09-01", "expires": "soon"}, "expires"),
                        ({"code": "", "issued": "2026-09-01"}, "code"),
                        ({"code": "TB", "issued": "1800-01-01"}, "issued"),
                        ({"code": "TB"}, "issued"),
                        ({"code": 5, "issued": "2026-09-01"}, "code")):
        r = client.post(f"/v1/students/{st['id']}/credentials", json=body,
                        headers=consortium.headers("coordinator"))
        assert r.status_code == 422 and field in r.get_json()["error"]["fields"], (body, r.json)
    r = credential(client, consortium, st["id"], "TB", None, who="other_coordinator")
    assert r.status_code == 404
    r = credential(client, consortium, "00000000-0000-0000-0000-000000000000", "TB", None)
    assert r.status_code == 404
    assert events(app) == before


def test_compliance_is_judged_on_the_slots_dates(app, client, consortium):
    s, u, sl, st, _ = setting(client, consortium)
    got = compliance(client, consortium, st["id"], sl["id"])
    assert got["requirements"] == ["BLS", "TB"] and got["end_date"] == END
    assert got["compliant"] is False and got["missing"] == [{"code": "TB", "reason": "absent"}]
    ok(credential(client, consortium, st["id"], "TB", "2027-03-04"))  # the day before the end
    assert compliance(client, consortium, st["id"], sl["id"])["missing"] == [
        {"code": "TB", "reason": "expires_before_end"}]
    ok(credential(client, consortium, st["id"], "TB", END))  # valid through the last day
    assert compliance(client, consortium, st["id"], sl["id"]) | {"missing": []} == {
        **got, "compliant": True, "missing": []}
    # Not today's date: a slot that ended long ago, a credential that expired long ago.
    old = slot(client, consortium, s["id"], start_date="2020-01-06", end_date="2020-02-28",
               hours=60)
    ok(credential(client, consortium, st["id"], "BLS", "2020-02-28", issued="2018-01-01"))
    assert compliance(client, consortium, st["id"], old["id"])["compliant"] is True
    # ...and a credential valid today that lapses before a far slot ends.
    far = slot(client, consortium, s["id"], start_date="2031-01-06", end_date="2031-02-28",
               hours=60)
    assert compliance(client, consortium, st["id"], far["id"])["missing"] == [
        {"code": "BLS", "reason": "expires_before_end"}]


def test_compliance_needs_a_slot_the_caller_may_see(app, client, consortium):
    s, u, sl, st, _ = setting(client, consortium)
    theirs = slot(client, consortium, site(client, consortium, who="other_employer")["id"],
                  who="other_employer", colleges=[consortium.other_college])
    for query, who in (("", "coordinator"), ("?slot=nope", "coordinator"),
                       (f"?slot={theirs['id']}", "coordinator")):
        r = client.get(f"/v1/students/{st['id']}/compliance{query}",
                       headers=consortium.headers(who))
        assert r.status_code == 422 and "slot" in r.get_json()["error"]["fields"], r.json
    # An employer sees students only through its placements.
    r = client.get(f"/v1/students/{st['id']}/compliance?slot={sl['id']}",
                   headers=consortium.headers("employer"))
    assert r.status_code == 404


def test_accept_is_refused_until_onboarding_is_complete_then_a_waiver_lets_it_through(
        app, client, consortium):
    s, u, sl, st, rq = setting(client, consortium)
    ok(credential(client, consortium, st["id"], "BLS", "2027-02-01"))  # lapses mid-term
    # A direct ask is not refused for onboarding: it can be completed before acceptance.
    asked = ok(client.post("/v1/placements", json={"request": rq["id"], "slot": sl["id"]},
                           headers=consortium.headers("coordinator")))
    before = events(app)
    r = client.post(f"/v1/placements/{asked['id']}/accept",
                    headers=consortium.headers("employer"))
    assert r.status_code == 409
    error = r.get_json()["error"]
    assert error["code"] == "onboarding_incomplete"
    assert error["fields"] == {"credentials.BLS": ["expires_before_end"],
                               "credentials.TB": ["absent"]}
    assert "BLS" in error["message"] and "TB" in error["message"]
    assert events(app) == before
    # The employer now knows the student (through the placement) and may check and waive.
    assert compliance(client, consortium, st["id"], sl["id"], who="employer")["missing"] == [
        {"code": "BLS", "reason": "expires_before_end"}, {"code": "TB", "reason": "absent"}]
    waived = ok(client.post(f"/v1/students/{st['id']}/waivers", json={
        "code": "TB", "site": s["id"], "reason": "TB test pending; chest X-ray on file",
        "until": END}, headers=consortium.headers("employer")))
    assert waived["employer"] == consortium.employer and waived["until"] == END
    ok(credential(client, consortium, st["id"], "BLS", "2028-02-01", issued="2026-12-01"))
    accepted = ok(client.post(f"/v1/placements/{asked['id']}/accept",
                              headers=consortium.headers("employer")), 200)
    assert accepted["status"] == "accepted"
    history = ok(client.get(f"/v1/audit/aggregates/{st['id']}",
                            headers=consortium.headers("compliance")), 200)["events"]
    granted = [e for e in history if e["type"] == "Student.WaiverGranted"]
    assert len(granted) == 1 and granted[0]["actor"].startswith("employer:")


def test_waivers_count_at_their_site_until_their_date(app, client, consortium):
    s, u, sl, st, rq = setting(client, consortium)
    other = site(client, consortium, name="Novato", requirements=["TB"])
    other_slot = slot(client, consortium, other["id"])
    ok(client.post("/v1/placements", json={"request": rq["id"], "slot": sl["id"]},
                   headers=consortium.headers("coordinator")))
    ok(client.post(f"/v1/students/{st['id']}/waivers", json={
        "code": "TB", "site": s["id"], "reason": "exempt", "until": "2027-03-04"},
        headers=consortium.headers("employer")))
    assert compliance(client, consortium, st["id"], sl["id"])["missing"] == [
        {"code": "TB", "reason": "expires_before_end"}]
    assert compliance(client, consortium, st["id"], other_slot["id"])["missing"] == [
        {"code": "TB", "reason": "absent"}]  # a waiver counts at its own site only
    ok(client.post(f"/v1/students/{st['id']}/waivers", json={
        "code": "TB", "site": s["id"], "reason": "exempt", "until": None},
        headers=consortium.headers("employer")))
    assert compliance(client, consortium, st["id"], sl["id"])["compliant"] is True


def test_bad_waivers_are_refused_with_nothing_written(app, client, consortium):
    s, u, sl, st, rq = setting(client, consortium)
    theirs = site(client, consortium, who="other_employer")
    ok(client.post("/v1/placements", json={"request": rq["id"], "slot": sl["id"]},
                   headers=consortium.headers("coordinator")))
    good = {"code": "TB", "site": s["id"], "reason": "exempt", "until": "2027-06-30"}
    before = events(app)
    for body, field in (({**good, "site": theirs["id"]}, "site"),
                        ({**good, "site": "nope"}, "site"),
                        ({**good, "code": "FLU"}, "code"),
                        ({**good, "reason": ""}, "reason"),
                        ({**good, "until": "2027-02-30"}, "until"),
                        ({k: v for k, v in good.items() if k != "reason"}, "reason")):
        r = client.post(f"/v1/students/{st['id']}/waivers", json=body,
                        headers=consortium.headers("employer"))
        assert r.status_code == 422 and field in r.get_json()["error"]["fields"], (body, r.json)
    r = client.post(f"/v1/students/{st['id']}/waivers", json={**good, "site": theirs["id"]},
                    headers=consortium.headers("other_employer"))
    assert r.status_code == 404  # it has no placement of this student
    assert events(app) == before


def test_the_solver_gets_credentials_with_their_expiry_unit_requirements_and_waivers(
        app, client, consortium):
    s, u, sl, st, rq = setting(client, consortium)
    ok(credential(client, consortium, st["id"], "TB", "2027-02-15"))  # lapses mid-term
    with app.engine.connect() as conn:
        raw, problem, excluded = valid_problem(conn)
    assert excluded == []
    [slot_entry] = raw["slots"]
    assert slot_entry["requirements"] == ["TB"]  # the unit's; the site's stay on the site
    [student_entry] = raw["students"]
    assert student_entry["credentials"] == ["BLS", {"code": "TB", "expires": "2027-02-15"}]
    solution = solve(problem, time_limit=5)
    [unplaced] = solution["unplaced"]
    assert unplaced["reason"] == "no_eligible_slot"
    assert unplaced["detail"].startswith("credentials")
    # The employer knows the student once a placement names it; its waiver reaches the solver.
    ok(client.post("/v1/placements", json={"request": rq["id"], "slot": sl["id"]},
                   headers=consortium.headers("coordinator")))
    ok(client.post(f"/v1/students/{st['id']}/waivers", json={
        "code": "TB", "site": s["id"], "reason": "exempt", "until": END},
        headers=consortium.headers("employer")))
    second = placement_request(client, consortium, st["id"], discipline="RN")
    with app.engine.connect() as conn:
        raw, problem, _ = valid_problem(conn)
    assert raw["students"][0]["waivers"] == [{"code": "TB", "site": s["id"], "until": END}]
    solution = solve(problem, time_limit=5)
    assert [a["request"] for a in solution["assignments"]] == [second["id"]], solution


@pytest.mark.slow
def test_the_demo_shows_a_refusal_and_a_roster(sqlite_app):
    from datetime import date

    from bootstrap import demo
    from bootstrap.demo import onboarding
    from domain.errors import Conflict
    from placements.principals import Principal

    data = demo.load(sqlite_app)
    employer = next(iter(data.employers.values()))
    story = onboarding.load(sqlite_app, employer, next(iter(data.colleges.values())))
    assert onboarding.find(sqlite_app) == story
    with pytest.raises(Conflict) as refused:
        sqlite_app.workflow.accept_placement(Principal("employer", employer), story.waiting)
    assert refused.value.code == "onboarding_incomplete"
    assert refused.value.fields == {"credentials.TB": ["expires_before_end"]}
    roster = sqlite_app.rosters.roster(Principal("employer", employer), story.site,
                                       date(2027, 1, 18), date(2027, 4, 30))
    assert [(r["student_name"], r["compliant"]) for r in roster["rows"]] == [
        ("Maya Torres", True), ("Sam Whitfield", True)]


def test_credential_writes_honour_idempotency_keys_and_if_match(app, client, consortium):
    st = student(client, consortium)
    body = {"code": "TB", "issued": "2026-09-01", "expires": "2027-09-01"}
    headers = consortium.headers("coordinator", **{"Idempotency-Key": "tb-1"})
    first = ok(client.post(f"/v1/students/{st['id']}/credentials", json=body, headers=headers))
    before = events(app)
    again = client.post(f"/v1/students/{st['id']}/credentials", json=body, headers=headers)
    assert again.status_code == 201 and again.get_json() == first
    assert events(app) == before
    stale = client.post(f"/v1/students/{st['id']}/credentials", json=body,
                        headers=consortium.headers("coordinator", **{"If-Match": "1"}))
    assert stale.status_code == 412 and events(app) == before
    fresh = client.post(f"/v1/students/{st['id']}/credentials", json=body,
                        headers=consortium.headers("coordinator",
                                                   **{"If-Match": str(first["version"])}))
    assert fresh.status_code == 201


def test_a_held_seat_whose_onboarding_lapsed_is_kept_out_of_the_solve(app, client, consortium):
    s, u, sl, st, rq = setting(client, consortium)
    ok(credential(client, consortium, st["id"], "TB", None))
    asked = ok(client.post("/v1/placements", json={"request": rq["id"], "slot": sl["id"]},
                           headers=consortium.headers("coordinator")))
    ok(client.post(f"/v1/placements/{asked['id']}/accept", headers=consortium.headers("employer")),
       200)
    ok(credential(client, consortium, st["id"], "TB", "2027-02-01"))  # the real date, later
    other = placement_request(client, consortium, student(client, consortium)["id"])
    with app.engine.connect() as conn:
        raw, problem, excluded = valid_problem(conn)
    [gone] = excluded
    assert gone["kind"] == "existing" and gone["id"] == rq["id"]
    assert "credentials" in gone["problem"]
    assert [r["id"] for r in raw["requests"]] == [other["id"]]  # the held one is left out...
    assert raw["slots"][0]["capacity"] == 1  # ...and its seat stays taken
    assert problem.slots[sl["id"]].capacity == 1


def test_imported_and_copied_slots_keep_their_unit(app, client, consortium):
    s = site(client, consortium)
    u = unit(client, consortium, s["id"])
    theirs = unit(client, consortium, site(client, consortium, who="other_employer")["id"],
                  who="other_employer")
    header = "site,unit,discipline,capacity,start_date,end_date,weekdays,shift_start," \
             "shift_end,hours"
    csv_headers = consortium.headers("employer", **{"Content-Type": "text/csv"})
    before = events(app)
    bad = client.post("/v1/imports/slots", headers=csv_headers, data=(
        f"{header}\n{s['id']},{theirs['id']},RN,2,2027-01-11,2027-03-05,0;1,07:00,15:30,"
        "128\n").encode())
    assert bad.status_code == 422 and events(app) == before
    assert [r["column"] for r in bad.get_json()["error"]["rows"]] == ["unit"]
    imported = ok(client.post("/v1/imports/slots", headers=csv_headers, data=(
        f"{header}\n{s['id']},{u['id']},RN,2,2027-01-11,2027-03-05,0;1,07:00,15:30,128\n"
        f"{s['id']},,RN,2,2027-01-11,2027-03-05,2;3,07:00,15:30,128\n").encode()))
    first, second = (ok(client.get(f"/v1/slots/{i}", headers=consortium.headers("employer")),
                        200) for i in imported["ids"])
    assert first["unit"] == u["id"] and second["unit"] is None
    copies = ok(client.post("/v1/slots/copy", json={"from": "2027-01-01", "to": "2027-01-31",
                                                    "shift_days": 182},
                            headers=consortium.headers("employer")))
    assert sorted(c["unit"] or "" for c in copies["items"]) == sorted([u["id"], ""])
