"""Apprenticeships over HTTP on SQLite and PostgreSQL: the flow from standards to the compliance
report, role and organisation refusals, bad input naming the field, and the program CSV."""

from __future__ import annotations

import csv
import io

import pytest

STANDARDS = {
    "name": "Community Health Worker", "occupation": "CHW", "term_type": "time",
    "ojt_hours": 2000,
    "work_processes": [{"code": "OUT", "name": "Outreach", "hours": 1000},
                       {"code": "EDU", "name": "Health education", "hours": 1000}],
    "rsi_hours_per_year": 144, "journeyworker_rate": 30,
    "wage_steps": [{"after_ojt_hours": 0, "hourly_rate": 21},
                   {"after_ojt_hours": 1000, "hourly_rate": 23},
                   {"after_ojt_hours": 2000, "hourly_rate": 25}],
    "ratio": {"apprentices": 1, "journeyworkers": 1, "basis": "journeyworker"},
    "probationary_hours": 500, "probationary_rsi_hours": 40, "effective_date": "2025-01-03",
}


def post(client, consortium, who, path, body, status=201):
    r = client.post(path, json=body, headers=consortium.headers(who))
    assert r.status_code == status, r.get_json()
    return r.get_json()


def get(client, consortium, who, path, status=200, **headers):
    r = client.get(path, headers=consortium.headers(who, **headers))
    assert r.status_code == status, r.get_data(as_text=True)
    return r.get_json() if r.is_json else r.get_data(as_text=True)


@pytest.fixture
def world(client, consortium):
    """Sites and preceptors of both employers, a program and one signed apprentice."""
    def site(who):
        return post(client, consortium, who, "/v1/sites",
                    {"name": "Clinic", "location": {"lat": 37.8, "lon": -122.3}})["id"]

    def preceptor(who, site_id, journeyworker=True):
        return post(client, consortium, who, "/v1/preceptors",
                    {"site": site_id, "name": "J. Worker", "disciplines": ["CHW"],
                     "max_students": 2, "journeyworker": journeyworker})["id"]

    w = {"site": site("employer"), "other_site": site("other_employer")}
    w["jw"] = preceptor("employer", w["site"])
    w["plain"] = preceptor("employer", w["site"], journeyworker=False)
    w["other_jw"] = preceptor("other_employer", w["other_site"])
    w["program"] = post(client, consortium, "employer", "/v1/apprenticeship-programs",
                        STANDARDS)["id"]
    w["apprentice"] = post(client, consortium, "employer", "/v1/apprentices",
                           {"program": w["program"], "name": "Ana Garcia",
                            "signed_date": "2025-01-06"})["id"]
    return w


def ojt(w, day="2025-01-07", hours=8, **kw):
    return {"date": day, "work_process": "OUT", "hours": hours, "journeyworker": w["jw"],
            "site": w["site"], **kw}


def test_the_flow_from_standards_to_the_report(client, consortium, world):
    w, path = world, f"/v1/apprentices/{world['apprentice']}"
    program = get(client, consortium, "compliance", f"/v1/apprenticeship-programs/{w['program']}")
    assert program["sponsor"] == consortium.employer
    assert program["wage_steps"][1]["hourly_rate"] == 23
    amended = post(client, consortium, "employer",
                   f"/v1/apprenticeship-programs/{w['program']}/amendments",
                   {"effective_date": "2025-03-03", "rsi_hours_per_year": 150})
    assert amended["rsi_hours_per_year"] == 150 and len(amended["amendments"]) == 1

    registered = post(client, consortium, "employer", f"{path}/registration",
                      {"registration_number": "CA-2027-001", "registered_date": "2025-02-12"},
                      status=200)
    assert registered["status"] == "registered"
    first = post(client, consortium, "employer", f"{path}/ojt-hours", ojt(w, hours=8))
    assert first["event_id"] and first["position"] > 0 and first["kind"] == "ojt"
    wrong = post(client, consortium, "employer", f"{path}/ojt-hours", ojt(w, hours=6))
    post(client, consortium, "employer", f"{path}/rsi-hours",
         {"date": "2025-01-09", "course": "CHW 101", "provider": consortium.college, "hours": 3})
    paid = post(client, consortium, "employer", f"{path}/wages",
                {"period_start": "2025-01-06", "period_end": "2025-01-19", "hours": 80,
                 "hourly_rate": 20})
    before = get(client, consortium, "compliance", f"{path}/compliance?as_of=2025-03-03")
    assert {v["code"] for v in before["violations"]} == {"WAGE_BELOW_SCHEDULE",
                                                          "DAILY_HOURS_EXCEEDED",
                                                          "AGREEMENT_REGISTRATION_LATE"}
    daily = next(v for v in before["violations"] if v["code"] == "DAILY_HOURS_EXCEEDED")
    assert daily["events"] == [{"id": first["event_id"], "position": first["position"]},
                               {"id": wrong["event_id"], "position": wrong["position"]}]

    fix = post(client, consortium, "employer", f"{path}/corrections",
               {"corrects": wrong["event_id"], "reason": "logged twice",
                "replacement": {**ojt(w, hours=2, work_process="EDU")}})
    assert fix["kind"] == "correction" and fix["replacement"]["hours"] == 2
    after = get(client, consortium, "compliance", f"{path}/compliance?as_of=2025-03-03")
    assert after["ojt_hours"] == {"total": 10, "by_work_process": {"OUT": 8, "EDU": 2}}
    assert "DAILY_HOURS_EXCEEDED" not in {v["code"] for v in after["violations"]}
    # What the record showed before the correction is unchanged.
    then = get(client, consortium, "compliance",
               f"{path}/compliance?as_of=2025-03-03&known_at={paid['recorded_at']}"
               .replace("+", "%2B"))
    assert then["ojt_hours"]["total"] == 14 and then["violations"] == before["violations"]

    done = post(client, consortium, "employer", f"{path}/completion", {"date": "2025-03-04"},
                status=200)
    assert done["status"] == "completed" and done["ojt_hours"] == 10
    # The college that provided RSI hours sees them, and only them.
    mine = get(client, consortium, "coordinator", path)
    assert mine == {"id": w["apprentice"], "version": mine["version"], "program": w["program"],
                    "employer": consortium.employer, "name": "Ana Garcia",
                    "status": "completed", "rsi_hours": 3}
    assert [e["hours"] for e in get(client, consortium, "coordinator", f"{path}/rsi-hours")] == [3]
    assert len(get(client, consortium, "coordinator", "/v1/apprentices")["items"]) == 1


def test_roles_and_organisations_are_enforced_and_nothing_is_written(client, consortium, world):
    w, path = world, f"/v1/apprentices/{world['apprentice']}"
    version = get(client, consortium, "employer", path)["version"]
    post(client, consortium, "other_employer", f"{path}/ojt-hours", ojt(w), status=404)
    post(client, consortium, "compliance", f"{path}/ojt-hours", ojt(w), status=403)
    post(client, consortium, "coordinator", f"{path}/wages",
         {"period_start": "2025-01-06", "period_end": "2025-01-19", "hours": 80,
          "hourly_rate": 21}, status=403)
    post(client, consortium, "compliance", "/v1/apprenticeship-programs", STANDARDS, status=403)
    post(client, consortium, "other_employer",
         f"/v1/apprenticeship-programs/{w['program']}/amendments",
         {"effective_date": "2025-03-03", "rsi_hours_per_year": 150}, status=403)
    post(client, consortium, "other_employer", "/v1/apprentices",
         {"program": w["program"], "name": "X", "signed_date": "2025-01-06"}, status=422)
    stale = client.post(f"{path}/ojt-hours", json=ojt(w),
                        headers=consortium.headers("employer", **{"If-Match": "7"}))
    assert stale.status_code == 412
    get(client, consortium, "other_employer", path, status=404)
    get(client, consortium, "other_employer", f"{path}/compliance", status=404)
    get(client, consortium, "coordinator", path, status=404)  # its college provided no RSI
    get(client, consortium, "coordinator", f"{path}/compliance", status=403)
    get(client, consortium, "other_employer",
        f"/v1/apprenticeship-programs/{w['program']}/compliance", status=404)
    assert get(client, consortium, "employer", path)["version"] == version
    assert get(client, consortium, "other_employer", "/v1/apprentices")["items"] == []
    assert len(get(client, consortium, "compliance", "/v1/apprentices")["items"]) == 1
    assert get(client, consortium, "compliance",
               f"{path}/compliance?as_of=2025-01-12")["ojt_hours"]["total"] == 0


@pytest.mark.parametrize("change, field", [
    ({"hours": -1}, "hours"),
    ({"hours": 25}, "hours"),
    ({"date": "2025-01-05"}, "date"),
    ({"date": "2030-01-07"}, "date"),  # hours not yet worked
    ({"journeyworker": "00000000-0000-0000-0000-000000000000"}, "journeyworker"),
    ({"journeyworker": "not-a-preceptor"}, "journeyworker"),
    ({"work_process": "SURGERY"}, "work_process"),
])
def test_bad_ojt_hours_are_refused_naming_the_field(client, consortium, world, change, field):
    w, path = world, f"/v1/apprentices/{world['apprentice']}"
    body = post(client, consortium, "employer", f"{path}/ojt-hours", ojt(w, **change), status=422)
    assert field in body["error"]["fields"]
    assert get(client, consortium, "employer", path)["version"] == 1


def test_other_bad_input_and_the_supervision_rules(client, consortium, world):
    w, path = world, f"/v1/apprentices/{world['apprentice']}"
    refused = [
        ("ojt-hours", ojt(w, journeyworker=w["plain"]), "journeyworker"),
        ("ojt-hours", ojt(w, site=w["other_site"]), "site"),
        ("wages", {"period_start": "2025-01-06", "period_end": "2025-01-19", "hours": 80,
                   "hourly_rate": -1}, "hourly_rate"),
        ("wages", {"period_start": "2025-01-06", "period_end": "2025-01-05", "hours": 8,
                   "hourly_rate": 21}, "period_end"),
        ("rsi-hours", {"date": "2024-12-03", "course": "CHW 101", "provider": "x",
                       "hours": 3}, "date"),
        ("rsi-hours", {"date": "2030-01-07", "course": "CHW 101", "provider": "x",
                       "hours": 3}, "date"),
        ("wages", {"period_start": "2030-01-07", "period_end": "2030-01-20", "hours": 80,
                   "hourly_rate": 21}, "period_start"),
        ("corrections", {"corrects": "nope", "reason": "x", "replacement": None}, "corrects"),
    ]
    for route, body, field in refused:
        answer = post(client, consortium, "employer", f"{path}/{route}", body, status=422)
        assert field in answer["error"]["fields"], (route, answer)
    assert get(client, consortium, "employer", path)["version"] == 1
    # A correction's bad replacement names the field inside it.
    e = post(client, consortium, "employer", f"{path}/ojt-hours", ojt(w))
    answer = post(client, consortium, "employer", f"{path}/corrections",
                  {"corrects": e["event_id"], "reason": "x", "replacement": ojt(w, hours=30)},
                  status=422)
    assert "replacement.hours" in answer["error"]["fields"]
    answer = post(client, consortium, "employer", f"{path}/corrections",
                  {"corrects": e["event_id"], "reason": "x",
                   "replacement": ojt(w, day="2030-01-07")}, status=422)
    assert "replacement.date" in answer["error"]["fields"]
    # Another employer's journeyworker, or none, is recorded and flagged, not refused.
    post(client, consortium, "employer", f"{path}/ojt-hours",
         ojt(w, day="2025-01-08", journeyworker=w["other_jw"]))
    post(client, consortium, "employer", f"{path}/ojt-hours",
         ojt(w, day="2025-01-09", journeyworker=None))
    report = get(client, consortium, "employer", f"{path}/compliance?as_of=2025-01-12")
    assert [v["date"] for v in report["violations"] if v["code"] == "UNSUPERVISED_HOURS"] == [
        "2025-01-08", "2025-01-09"]
    bad_program = post(client, consortium, "admin", "/v1/apprenticeship-programs",
                       {**STANDARDS, "ojt_hours": 1500}, status=422)
    assert "ojt_hours" in bad_program["error"]["fields"]


def test_program_compliance_with_ratio_and_csv(client, consortium, world):
    w = world
    second = post(client, consortium, "employer", "/v1/apprentices",
                  {"program": w["program"], "name": "Luis Chen", "signed_date": "2025-01-06",
                   "registration_number": "CA-2", "registered_date": "2025-01-12"})["id"]
    for apprentice in (w["apprentice"], second):
        post(client, consortium, "employer", f"/v1/apprentices/{apprentice}/ojt-hours", ojt(w))
        post(client, consortium, "employer", f"/v1/apprentices/{apprentice}/wages",
             {"period_start": "2025-01-06", "period_end": "2025-01-19", "hours": 80,
              "hourly_rate": 21})
    url = f"/v1/apprenticeship-programs/{w['program']}/compliance?as_of=2025-02-03"
    report = get(client, consortium, "compliance", url)
    assert [v["code"] for v in report["violations"]] == ["RATIO_EXCEEDED"]
    assert len(report["violations"][0]["events"]) == 2
    assert {r["name"] for r in report["apprentices"]} == {"Ana Garcia", "Luis Chen"}
    text = get(client, consortium, "employer", url, Accept="text/csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["name"], r["rate_paid"], r["rate_required"], r["below_schedule"])
            for r in sorted(rows, key=lambda r: r["name"])] == [
        ("Ana Garcia", "21.00", "21.00", "false"), ("Luis Chen", "21.00", "21.00", "false")]



@pytest.mark.slow
def test_the_demo_apprenticeship_has_its_planted_violations(sqlite_app):
    from datetime import date

    from bootstrap import demo
    from bootstrap.demo import apprenticeship as demo_apprenticeship
    from placements.principals import Principal

    demo.load(sqlite_app)
    officer = Principal("compliance")
    [program] = sqlite_app.apprenticeship.programs(officer, limit=10, cursor=None).items
    assert program["ojt_hours"] == 2000 and program["rsi_hours_per_year"] == 144
    report = sqlite_app.apprenticeship.program_compliance(officer, program["id"], date(2026, 6, 1))
    found = {v["code"] for v in report["violations"]}
    found |= {v["code"] for r in report["apprentices"] for v in r["violations"]}
    assert found >= set(demo_apprenticeship.PLANTED)
    rosa = next(r for r in report["apprentices"] if r["name"] == "Rosa Martinez")
    assert rosa["wage_step"]["hourly_rate"] == 23
