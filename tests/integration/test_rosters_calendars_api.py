"""A site's roster (JSON and CSV), the RFC 5545 feeds of students, preceptors and sites (parsed
with icalendar's own parser, occurrences expanded from their RRULE), and listings that name
what they reference; over HTTP on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

from dateutil.rrule import rrulestr
from icalendar import Calendar

from api.rosters import COLUMNS
from tests.integration.helpers import events, ok, placement_request, preceptor, site, slot, student
from tests.integration.test_workflow_api import proposed

DAY = {"start_date": "2027-01-13", "end_date": "2027-03-05", "weekdays": [0, 2],  # Mon, Wed
       "shift_start": "07:00", "shift_end": "15:30", "hours": 100}
NIGHT = {"start_date": "2027-01-11", "end_date": "2027-02-27", "weekdays": [4, 5],  # Fri, Sat
         "shift_start": "19:00", "shift_end": "07:30", "hours": 100}


def world(app, client, c) -> dict:
    """Ana accepted in a day slot of the ICU; Ben confirmed in a night slot under a preceptor
    (his BLS lapses mid-term, recorded after he was confirmed); Cy only proposed."""
    s = site(client, c)
    u = ok(client.post("/v1/units", json={"site": s["id"], "name": "4 West ICU",
                                          "requirements": ["TB"]}, headers=c.headers("employer")))
    p = preceptor(client, c, s["id"], max_students=2)
    day = slot(client, c, s["id"], unit=u["id"], **DAY)
    night = slot(client, c, s["id"], preceptor=p["id"], **NIGHT)
    ana = student(client, c, name="Ana Garcia")
    ben = student(client, c, name="Ben Okafor")
    cy = student(client, c, name="Cy Tran")
    rq_ana = placement_request(client, c, ana["id"], required_hours=100)
    asked = ok(client.post("/v1/placements", json={"request": rq_ana["id"], "slot": day["id"]},
                           headers=c.headers("coordinator")))
    ok(client.post(f"/v1/placements/{asked['id']}/accept", headers=c.headers("employer")), 200)
    rq_ben = placement_request(client, c, ben["id"], required_hours=100)
    ben_placement = proposed(app, c, rq_ben, night)
    ok(client.post(f"/v1/placements/{ben_placement}/confirm", headers=c.headers("coordinator")),
       200)
    ok(client.post(f"/v1/students/{ben['id']}/credentials", json={
        "code": "BLS", "issued": "2026-02-01", "expires": "2027-02-01"},
        headers=c.headers("coordinator")))
    proposed(app, c, placement_request(client, c, cy["id"], required_hours=100), day)
    return {"site": s, "unit": u, "preceptor": p, "day": day, "night": night, "ana": ana,
            "ben": ben, "ana_placement": asked["id"], "ben_placement": ben_placement,
            "ana_request": rq_ana}


def test_the_roster_lists_held_placements_overlapping_the_range(app, client, consortium):
    w = world(app, client, consortium)
    roster = ok(client.get(f"/v1/sites/{w['site']['id']}/roster?from=2027-01-01&to=2027-03-31",
                           headers=consortium.headers("employer")), 200)
    assert roster["site_name"] == "Greenbrae" and roster["from"] == "2027-01-01"
    rows = {r["student_name"]: r for r in roster["rows"]}
    assert set(rows) == {"Ana Garcia", "Ben Okafor"}  # Cy's proposal holds no seat
    ana, ben = rows["Ana Garcia"], rows["Ben Okafor"]
    assert ana["status"] == "accepted" and ana["college_name"] == "College of Marin"
    assert ana["unit"] == w["unit"]["id"] and ana["unit_name"] == "4 West ICU"
    assert ana["slot_name"] == "4 West ICU: RN Mon/Wed 07:00-15:30, 2027-01-13 to 2027-03-05"
    assert (ana["start_date"], ana["end_date"]) == ("2027-01-13", "2027-03-05")
    assert ana["requirements"] == ["BLS", "TB"] and ana["compliant"] is True
    assert ben["status"] == "confirmed" and ben["preceptor_name"] == "Dana Lee, RN"
    assert ben["compliant"] is False
    assert ben["missing"] == [{"code": "BLS", "reason": "expires_before_end"}]
    # The range decides: the night slot ends on 2027-02-27.
    march = ok(client.get(f"/v1/sites/{w['site']['id']}/roster?from=2027-03-01&to=2027-03-31",
                          headers=consortium.headers("employer")), 200)
    assert [r["student_name"] for r in march["rows"]] == ["Ana Garcia"]
    assert ok(client.get(f"/v1/sites/{w['site']['id']}/roster?from=2027-06-01&to=2027-06-30",
                         headers=consortium.headers("employer")), 200)["rows"] == []


def test_the_roster_as_csv(app, client, consortium):
    w = world(app, client, consortium)
    r = client.get(f"/v1/sites/{w['site']['id']}/roster?from=2027-01-01&to=2027-03-31",
                   headers=consortium.headers("employer", Accept="text/csv"))
    assert r.status_code == 200 and r.mimetype == "text/csv"
    table = list(csv.reader(io.StringIO(r.get_data(as_text=True))))
    assert table[0] == list(COLUMNS)
    rows = {row[3]: dict(zip(table[0], row, strict=True)) for row in table[1:]}
    assert set(rows) == {"Ana Garcia", "Ben Okafor"}
    assert rows["Ben Okafor"]["missing"] == "BLS:expires_before_end"
    assert rows["Ben Okafor"]["compliant"] == "false" and rows["Ana Garcia"]["compliant"] == "true"
    assert rows["Ben Okafor"]["weekdays"] == "4;5"


def test_bad_roster_ranges_are_422_naming_the_argument(app, client, consortium):
    s = site(client, consortium)
    before = events(app)
    for query, field in (("?from=2027-03-01&to=2027-02-01", "to"), ("?to=2027-02-01", "from"),
                         ("?from=2027-02-30&to=2027-03-01", "from"),
                         ("?from=2027-01-01&to=2029-01-01", "to")):
        r = client.get(f"/v1/sites/{s['id']}/roster{query}",
                       headers=consortium.headers("employer"))
        assert r.status_code == 422 and field in r.get_json()["error"]["fields"], (query, r.json)
    r = client.get("/v1/sites/nope/roster?from=2027-01-01&to=2027-02-01",
                   headers=consortium.headers("employer"))
    assert r.status_code == 404
    assert events(app) == before


def events_of(response) -> list:
    assert response.status_code == 200, response.get_json()
    assert response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.get_data())
    assert calendar["version"] == "2.0" and calendar["prodid"]
    return list(calendar.walk("VEVENT"))


def occurrences(event) -> list[tuple[datetime, datetime]]:
    """Every session of a recurring event: its RRULE expanded from DTSTART, each with its end."""
    start, end = event.decoded("dtstart"), event.decoded("dtend")
    rule = rrulestr(event["rrule"].to_ical().decode(), dtstart=start)
    return [(s, s + (end - start)) for s in rule]


def sessions(first: str, last: str, weekdays: list[int]) -> list[date]:
    day, out = date.fromisoformat(first), []
    while day <= date.fromisoformat(last):
        if day.weekday() in weekdays:
            out.append(day)
        day += timedelta(days=1)
    return out


def test_a_students_feed_has_its_placement_with_its_real_sessions(app, client, consortium):
    w = world(app, client, consortium)
    [event] = events_of(client.get(f"/v1/students/{w['ana']['id']}/calendar.ics",
                                   headers=consortium.headers("coordinator")))
    assert str(event["uid"]) == f"{w['ana_placement']}@placements"
    assert "Ana Garcia" in str(event["summary"]) and "4 West ICU" in str(event["location"])
    got = occurrences(event)
    # The first on the first listed weekday on or after the start (a Wednesday), the last not
    # after the end (Wednesday 3 March; the end is a Friday).
    assert got[0] == (datetime(2027, 1, 13, 7, 0), datetime(2027, 1, 13, 15, 30))
    assert got[-1] == (datetime(2027, 3, 3, 7, 0), datetime(2027, 3, 3, 15, 30))
    assert [s.date() for s, _ in got] == sessions(DAY["start_date"], DAY["end_date"], [0, 2])


def test_night_shifts_end_the_next_day(app, client, consortium):
    w = world(app, client, consortium)
    [event] = events_of(client.get(f"/v1/preceptors/{w['preceptor']['id']}/calendar.ics",
                                   headers=consortium.headers("employer")))
    got = occurrences(event)
    assert got[0] == (datetime(2027, 1, 15, 19, 0), datetime(2027, 1, 16, 7, 30))
    assert got[-1] == (datetime(2027, 2, 27, 19, 0), datetime(2027, 2, 28, 7, 30))
    assert [s.date() for s, _ in got] == sessions(NIGHT["start_date"], NIGHT["end_date"], [4, 5])
    assert "incomplete: BLS (expires_before_end)" in str(event["description"])


def test_a_sites_feed_has_every_held_placement_and_feeds_are_scoped(app, client, consortium):
    w = world(app, client, consortium)
    site_events = events_of(client.get(f"/v1/sites/{w['site']['id']}/calendar.ics",
                                       headers=consortium.headers("employer")))
    assert {str(e["uid"]).split("@")[0] for e in site_events} == {w["ana_placement"],
                                                                  w["ben_placement"]}
    assert len(events_of(client.get(f"/v1/sites/{w['site']['id']}/calendar.ics",
                                    headers=consortium.headers("compliance")))) == 2
    for path, who, status in (
            (f"/v1/sites/{w['site']['id']}/calendar.ics", "other_employer", 404),
            (f"/v1/sites/{w['site']['id']}/calendar.ics", "coordinator", 403),
            (f"/v1/students/{w['ana']['id']}/calendar.ics", "other_coordinator", 404),
            (f"/v1/students/{w['ana']['id']}/calendar.ics", "employer", 403),
            (f"/v1/preceptors/{w['preceptor']['id']}/calendar.ics", "other_employer", 404),
            ("/v1/students/nope/calendar.ics", "coordinator", 404)):
        r = client.get(path, headers=consortium.headers(who))
        assert r.status_code == status, (path, who, r.status_code)
        assert r.get_json()["error"]["code"] in ("not_found", "forbidden")


def test_a_feed_without_placements_is_an_empty_calendar(app, client, consortium):
    st = student(client, consortium)
    assert events_of(client.get(f"/v1/students/{st['id']}/calendar.ics",
                                headers=consortium.headers("coordinator"))) == []


def test_listings_name_students_sites_and_slots(app, client, consortium):
    w = world(app, client, consortium)
    items = ok(client.get("/v1/placements?status=accepted",
                          headers=consortium.headers("employer")), 200)["items"]
    [ana] = items
    assert ana["student_name"] == "Ana Garcia" and ana["site_name"] == "Greenbrae"
    assert ana["slot_name"].startswith("4 West ICU: RN Mon/Wed 07:00-15:30")
    one = ok(client.get(f"/v1/placements/{w['ben_placement']}",
                        headers=consortium.headers("coordinator")), 200)
    assert one["student_name"] == "Ben Okafor"
    assert one["slot_name"] == "RN Fri/Sat 19:00-07:30, 2027-01-11 to 2027-02-27"
    requests = {r["id"]: r for r in ok(client.get("/v1/placement-requests",
                                                  headers=consortium.headers("coordinator")),
                                       200)["items"]}
    held = requests[w["ana_request"]["id"]]
    assert held["student_name"] == "Ana Garcia" and held["site_name"] == "Greenbrae"
    assert held["slot"] == w["day"]["id"] and held["slot_name"].startswith("4 West ICU")
    waiting = [r for r in requests.values() if r["student_name"] == "Cy Tran"]
    assert waiting[0]["slot"] is None and waiting[0]["slot_name"] is None
