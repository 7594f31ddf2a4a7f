"""AB 1577 and utilisation over HTTP on SQLite and PostgreSQL: colleges' segments, declines with
reason codes, the yearly report citing its events (as known at an instant), utilisation per
site, discipline and ISO week, JSON and CSV, and who may read them."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from urllib.parse import quote

import pytest

from tests.integration.test_clinical_hours_api import PAST, get, placed, post, world  # noqa: F401


@pytest.fixture
def ccc(client, consortium):
    """A community college (segment ccc) with its coordinator's token in the consortium."""
    c = consortium
    college = post(client, c, "admin", "/v1/organizations",
                   {"name": "College of Marin Nursing", "kind": "college", "segment": "ccc"})
    assert college["segment"] == "ccc"
    c.tokens["ccc"] = post(client, c, "admin", "/v1/tokens",
                           {"role": "coordinator", "organization": college["id"],
                            "label": "CCC coordinator"})["token"]
    return college["id"]


def asked(client, c, who, slot_id):
    student = post(client, c, who, "/v1/students", {
        "name": "Lee Chen", "home": {"lat": 37.96, "lon": -122.51}, "credentials": ["BLS"]})
    request = post(client, c, who, "/v1/placement-requests", {
        "student": student["id"], "discipline": "RN", "required_hours": 120,
        "earliest_start": "2026-09-01", "latest_end": "2026-12-31"})
    return post(client, c, who, "/v1/placements", {"request": request["id"],
                                                   "slot": slot_id})["id"]


def test_segment_only_for_colleges(client, consortium):
    r = client.post("/v1/organizations", json={"name": "X", "kind": "employer", "segment": "ccc"},
                    headers=consortium.headers("admin"))
    assert r.status_code == 422 and "segment" in r.get_json()["error"]["fields"]
    r = client.post("/v1/organizations", json={"name": "X", "kind": "college", "segment": "cc"},
                    headers=consortium.headers("admin"))
    assert r.status_code == 422 and "segment" in r.get_json()["error"]["fields"]


def test_ab1577_counts_requests_acceptances_and_declines_by_reason(client, consortium, ccc,
                                                                   world):  # noqa: F811
    c = consortium
    slot = post(client, c, "employer", "/v1/slots", {**PAST, "site": world["site"],
                                                     "capacity": 3})
    accepted = asked(client, c, "ccc", slot["id"])
    post(client, c, "employer", f"/v1/placements/{accepted}/accept", {}, 200)
    declined = asked(client, c, "ccc", slot["id"])
    decline = f"/v1/placements/{declined}/decline"
    r = client.post(decline, json={"reason": "no preceptor"}, headers=c.headers("employer"))
    assert r.status_code == 422 and "reason_code" in r.get_json()["error"]["fields"]
    r = client.post(decline, json={"reason_code": "no_preceptor"}, headers=c.headers("employer"))
    assert r.status_code == 422 and "reason" in r.get_json()["error"]["fields"]
    before = quote(datetime.now(UTC).isoformat())
    done = post(client, c, "employer", decline, {"reason_code": "no_preceptor",
                                                 "reason": "Our RN preceptors are all booked"},
                200)
    assert done["reason_code"] == "no_preceptor"
    # A college outside the CCC and CSU segments: declined without a code, and not counted.
    other = asked(client, c, "coordinator", slot["id"])
    post(client, c, "employer", f"/v1/placements/{other}/decline", {}, 200)

    report = get(client, c, "employer", "/v1/reports/ab1577?year=2026")
    rows = {r["discipline"]: r for r in report["rows"] if r["site"] == world["site"]}
    rn = rows["RN"]
    assert (rn["requests"], rn["accepted"], rn["seats_offered"]) == (2, 1, 2 + 3)
    assert rn["declined"] == {"no_capacity": 0, "no_preceptor": 1, "onboarding": 0,
                              "accreditation": 0, "other": 0}
    assert rn["reasons"] == ["Our RN preceptors are all booked"]
    positions = [e["position"] for e in rn["events"]]
    assert positions == sorted(positions) and len(positions) == 2 + 1 + 1 + 2
    assert rn["site_name"] == "Greenbrae"
    # As the record stood before the decline; and another year has nothing.
    then = get(client, c, "compliance",
               f"/v1/reports/ab1577?year=2026&employer={c.employer}&known_at={before}")
    then_rn = next(r for r in then["rows"] if r["discipline"] == "RN")
    assert then_rn["declined"]["no_preceptor"] == 0 and then_rn["requests"] == 2
    assert get(client, c, "employer", "/v1/reports/ab1577?year=2025")["rows"] == []

    r = client.get("/v1/reports/ab1577?year=2026", headers=c.headers("employer",
                                                                     Accept="text/csv"))
    table = list(csv.DictReader(io.StringIO(r.get_data(as_text=True))))
    assert r.mimetype == "text/csv" and table[0]["declined_no_preceptor"] == "1"
    assert get(client, c, "other_employer", "/v1/reports/ab1577?year=2026")["rows"] == []
    assert client.get(f"/v1/reports/ab1577?year=2026&employer={c.employer}",
                      headers=c.headers("other_employer")).status_code == 422
    assert client.get("/v1/reports/ab1577?year=2026",
                      headers=c.headers("coordinator")).status_code == 403
    assert client.get("/v1/reports/ab1577?year=2026",
                      headers=c.headers("admin")).status_code == 422  # names no employer


def test_utilization_per_site_discipline_and_week(client, consortium, world):  # noqa: F811
    c, path = consortium, f"/v1/placements/{world['placement']}/hours"
    for day, hours in (("2026-09-07", 8), ("2026-09-08", 8.5), ("2026-09-14", 7)):
        entry = post(client, c, "coordinator", path, {"date": day, "hours": hours})
        if day == "2026-09-14":
            before = quote(datetime.now(UTC).isoformat())
            # Published after that instant: not in the report as known then.
            post(client, c, "employer", "/v1/slots", {**PAST, "site": world["site"],
                                                      "discipline": "LVN"})
        if day != "2026-09-08":
            post(client, c, "employer", f"{path}/{entry['id']}/sign-off",
                 {"preceptor": world["jw"]})
    report = get(client, c, "employer", "/v1/reports/utilization?from=2026-09-07&to=2026-09-20")
    rows = [(r["week"], r["discipline"], r["seats_offered"], r["seats_held"], r["signed_hours"])
            for r in report["rows"]]
    assert rows == [("2026-W37", "LVN", 2, 0, 0), ("2026-W38", "LVN", 2, 0, 0),
                    ("2026-W37", "RN", 2, 1, 8), ("2026-W38", "RN", 2, 1, 7)]
    then = get(client, c, "compliance",
               f"/v1/reports/utilization?from=2026-09-07&to=2026-09-20&known_at={before}")
    assert [(r["week"], r["discipline"], r["seats_offered"], r["seats_held"], r["signed_hours"])
            for r in then["rows"]] == [("2026-W37", "RN", 2, 1, 8), ("2026-W38", "RN", 2, 1, 0)]
    assert report["rows"][0]["unit"] is None and report["rows"][0]["site_name"] == "Greenbrae"
    assert get(client, c, "other_employer",
               "/v1/reports/utilization?from=2026-09-07&to=2026-09-20")["rows"] == []
    assert len(get(client, c, "admin",
                   "/v1/reports/utilization?from=2026-09-07&to=2026-09-20")["rows"]) == 4
    r = client.get("/v1/reports/utilization?from=2026-09-07&to=2026-09-20",
                   headers=c.headers("employer", Accept="text/csv"))
    table = list(csv.DictReader(io.StringIO(r.get_data(as_text=True))))
    assert [(t["week"], t["discipline"], t["signed_hours"]) for t in table][2:] == [
        ("2026-W37", "RN", "8.0"), ("2026-W38", "RN", "7.0")]
    r = client.get("/v1/reports/utilization?from=2026-09-20&to=2026-09-07",
                   headers=c.headers("employer"))
    assert r.status_code == 422 and "to" in r.get_json()["error"]["fields"]
    assert client.get("/v1/reports/utilization?from=2026-09-07&to=2026-09-20",
                      headers=c.headers("coordinator")).status_code == 403


def test_utilization_rows_per_unit(client, consortium, world):  # noqa: F811
    c = consortium
    icu = post(client, c, "employer", "/v1/units", {"site": world["site"], "name": "4 West ICU",
                                                    "requirements": []})
    post(client, c, "employer", "/v1/slots", {**PAST, "site": world["site"], "unit": icu["id"]})
    report = get(client, c, "employer", "/v1/reports/utilization?from=2026-09-07&to=2026-09-13")
    cells = {(r["unit"], r["seats_offered"], r["seats_held"]) for r in report["rows"]}
    assert cells == {(None, 2, 1), (icu["id"], 2, 0)}
