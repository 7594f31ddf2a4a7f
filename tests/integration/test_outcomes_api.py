"""Enrollments, completions, hires, wage changes and separations; guardian consent before a
minor's placement is accepted; prior learning in the DAS report; pathways."""

from __future__ import annotations

import pytest

from tests.integration.helpers import (
    events,
    ok,
    placement_request,
    site,
    slot,
    student,
)
from tests.integration.partnership_helpers import consent, participant

HIRE = {"occupation": "MA", "hourly_wage": 22.5, "start_date": "2026-07-01"}


def test_enrollment_and_completion(client, consortium):
    c = consortium
    p = participant(client, c)
    e = ok(client.post(f"/v1/participants/{p['id']}/enrollments", headers=c.headers("partner"),
                       json={"program_type": "credential", "occupation": "MA",
                             "provider": "College of Marin", "start_date": "2026-01-05",
                             "end_date": "2026-06-30"}))
    done = ok(client.post(f"/v1/enrollments/{e['id']}/completion", headers=c.headers("partner"),
                          json={"date": "2026-06-20", "credential": "CCMA"}))
    assert (done["completed_on"], done["credential"]) == ("2026-06-20", "CCMA")
    again = client.post(f"/v1/enrollments/{e['id']}/completion", headers=c.headers("partner"),
                        json={"date": "2026-06-21"})
    assert again.status_code == 409
    outcomes = ok(client.get(f"/v1/participants/{p['id']}/outcomes",
                             headers=c.headers("partner")), 200)
    assert [x["id"] for x in outcomes["enrollments"]] == [e["id"]]


@pytest.mark.parametrize("path, body, field", [
    ("enrollments", {"program_type": "credential", "occupation": "MA",
                     "start_date": "2026-03-01", "end_date": "2026-02-01"}, "end_date"),
    ("enrollments", {"program_type": "bootcamp", "occupation": "MA",
                     "start_date": "2026-03-01"}, "program_type"),
    ("employment", {**HIRE, "hourly_wage": -1}, "hourly_wage"),
    ("employment", {**HIRE, "hourly_wage": 10000}, "hourly_wage"),
    ("employment", {**HIRE, "hourly_wage": "22"}, "hourly_wage"),
    ("employment", {**HIRE, "employer": "not-an-org"}, "employer"),
])
def test_bad_outcomes_name_the_field_and_write_nothing(client, consortium, app, path, body,
                                                       field):
    c = consortium
    p = participant(client, c)
    before = events(app)
    body = {"employer": c.employer, **body} if path == "employment" else body
    r = client.post(f"/v1/participants/{p['id']}/{path}", headers=c.headers("partner"),
                    json=body)
    assert r.status_code == 422, r.get_json()
    assert field in r.get_json()["error"]["fields"]
    assert events(app) == before


def test_hire_wage_changes_and_separation(client, consortium, app):
    c = consortium
    p = participant(client, c)
    job = ok(client.post(f"/v1/participants/{p['id']}/employment", headers=c.headers("partner"),
                         json={"employer": c.employer, **HIRE}))
    raised = ok(client.post(f"/v1/employment/{job['id']}/wages", headers=c.headers("partner"),
                            json={"effective_date": "2027-01-01", "hourly_wage": 25.0}))
    assert raised["hourly_wage"] == 25.0
    assert [w["hourly_wage"] for w in raised["wages"]] == [22.5, 25.0]
    before = events(app)
    for body, field in (({"effective_date": "2026-06-01", "hourly_wage": 26}, "effective_date"),
                        ({"effective_date": "2027-02-01", "hourly_wage": 10000},
                         "hourly_wage")):
        r = client.post(f"/v1/employment/{job['id']}/wages", json=body,
                        headers=c.headers("partner"))
        assert r.status_code == 422 and field in r.get_json()["error"]["fields"]
    r = client.post(f"/v1/employment/{job['id']}/separation", headers=c.headers("partner"),
                    json={"date": "2026-12-01", "reason": "moved"})
    assert r.status_code == 422 and "date" in r.get_json()["error"]["fields"]
    assert events(app) == before
    left = ok(client.post(f"/v1/employment/{job['id']}/separation", headers=c.headers("partner"),
                          json={"date": "2027-03-01", "reason": "moved away"}))
    assert left["separated_on"] == "2027-03-01"


def _placement(client, c, participant_id: str | None, discipline: str = "K12_SHADOW") -> dict:
    s = site(client, c, requirements=[])
    sl = slot(client, c, s["id"], discipline=discipline)
    st = student(client, c, participant=participant_id)
    req = placement_request(client, c, st["id"], discipline=discipline)
    return ok(client.post("/v1/placements", json={"request": req["id"], "slot": sl["id"]},
                          headers=c.headers("coordinator")))


def test_a_minors_placement_needs_a_guardian_consent_before_it_is_accepted(client, consortium):
    c = consortium
    minor = participant(client, c, who="coordinator", birth_year=2011)
    placed = _placement(client, c, minor["id"])
    r = client.post(f"/v1/placements/{placed['id']}/accept", headers=c.headers("employer"))
    assert r.status_code == 409
    assert r.get_json()["error"]["code"] == "guardian_consent_missing"
    ok(client.post(f"/v1/participants/{minor['id']}/guardian-consent",
                   headers=c.headers("coordinator"),
                   json={"guardian_name": "Maria Lopez", "date": "2026-11-01"}))
    accepted = ok(client.post(f"/v1/placements/{placed['id']}/accept",
                              headers=c.headers("employer")), 200)
    assert accepted["status"] == "accepted"


def test_an_adults_placement_needs_no_guardian(client, consortium):
    c = consortium
    adult = participant(client, c, who="coordinator", birth_year=1990)
    placed = _placement(client, c, adult["id"], discipline="RN")
    ok(client.post(f"/v1/placements/{placed['id']}/accept", headers=c.headers("employer")), 200)


def test_a_student_may_name_only_a_participant_its_college_may_write(client, consortium):
    c = consortium
    other = participant(client, c)  # the union's, no consent to the college
    r = client.post("/v1/students", headers=c.headers("coordinator"), json={
        "name": "A", "home": {"lat": 37.9, "lon": -122.5}, "participant": other["id"]})
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "consent_missing"
    consent(client, c, other["id"], c.college)
    assert student(client, c, participant=other["id"])["participant"] == other["id"]


PROGRAM = {"name": "CHW", "occupation": "CHW", "term_type": "time", "ojt_hours": 2000,
           "work_processes": [{"code": "OUT", "name": "Outreach", "hours": 2000}],
           "rsi_hours_per_year": 144, "journeyworker_rate": 30,
           "wage_steps": [{"after_ojt_hours": 0, "hourly_rate": 21}],
           "ratio": {"apprentices": 1, "journeyworkers": 1, "basis": "journeyworker"},
           "probationary_hours": 500, "probationary_rsi_hours": 40,
           "effective_date": "2026-01-01"}


def test_prior_learning_reduces_the_hours_the_apprenticeship_requires(client, consortium):
    c = consortium
    p = participant(client, c, incumbent_worker=True)
    consent(client, c, p["id"], c.employer)
    credit = ok(client.post(f"/v1/participants/{p['id']}/prior-learning",
                            headers=c.headers("partner"),
                            json={"occupation": "CHW", "hours": 300,
                                  "basis": "two years as a promotora"}))
    ok(client.post(f"/v1/participants/{p['id']}/prior-learning", headers=c.headers("partner"),
                   json={"occupation": "MA", "hours": 100, "basis": "other occupation"}))
    program = ok(client.post("/v1/apprenticeship-programs", json=PROGRAM,
                             headers=c.headers("employer")))
    apprentice = ok(client.post("/v1/apprentices", headers=c.headers("employer"), json={
        "program": program["id"], "name": "Rosa", "signed_date": "2026-02-01",
        "participant": p["id"]}))
    report = ok(client.get(f"/v1/apprentices/{apprentice['id']}/compliance?as_of=2026-06-01",
                           headers=c.headers("employer")), 200)
    assert report["prior_learning"]["term_ojt_hours"] == 2000
    assert report["prior_learning"]["required_ojt_hours"] == 1700
    assert report["prior_learning"]["hours"] == 300
    assert [e["id"] for e in report["prior_learning"]["events"]] == [credit["event_id"]]


def test_pathway_standing(client, consortium):
    c = consortium
    pathway = ok(client.post("/v1/pathways", headers=c.headers("admin"), json={
        "name": "Medical assisting to nursing", "steps": [
            {"occupation": "MA", "credential": "CCMA", "typical_wage": 24},
            {"occupation": "LVN", "credential": "LVN", "typical_wage": 34},
            {"occupation": "RN", "credential": "RN", "typical_wage": 62}]}))
    p = participant(client, c)
    e = ok(client.post(f"/v1/participants/{p['id']}/enrollments", headers=c.headers("partner"),
                       json={"program_type": "credential", "occupation": "MA",
                             "start_date": "2026-01-05"}))
    ok(client.post(f"/v1/enrollments/{e['id']}/completion", headers=c.headers("partner"),
                   json={"date": "2026-06-20", "credential": "CCMA"}))
    standing = ok(client.get(f"/v1/participants/{p['id']}/pathway?pathway={pathway['id']}",
                             headers=c.headers("partner")), 200)
    assert [s["done"] for s in standing["steps"]] == [True, False, False]
    assert standing["current"]["occupation"] == "MA"
    assert standing["next"]["occupation"] == "LVN"
    assert standing["next"]["requires"] == "the LVN credential"
    r = client.get(f"/v1/participants/{p['id']}/pathway?pathway=nope",
                   headers=c.headers("partner"))
    assert r.status_code == 422 and "pathway" in r.get_json()["error"]["fields"]
