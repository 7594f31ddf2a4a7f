"""CSV imports through HTTP: every row or none, each bad input a clear 4xx with nothing written."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from tests.integration.helpers import events, ok, site, student

STUDENTS = "name,home.lat,home.lon,max_travel_km,credentials,unavailable"
REQUESTS = "student,discipline,required_hours,earliest_start,latest_end,preferred_sites"
SLOTS = ("site,discipline,capacity,start_date,end_date,weekdays,shift_start,shift_end,hours,"
         "colleges")


def send(client, consortium, what: str, text: str | bytes, who: str = "coordinator",
         **headers: str):
    body = text.encode() if isinstance(text, str) else text
    return client.post(f"/v1/imports/{what}", data=body,
                       headers=consortium.headers(who, **{"Content-Type": "text/csv",
                                                          **headers}))


def listed(client, consortium, path: str, who: str = "coordinator") -> list[dict]:
    return ok(client.get(path, query_string={"limit": 500}, headers=consortium.headers(who)),
              200)["items"]


def refused(r, status: int, code: str) -> dict:
    body = r.get_json()
    assert r.status_code == status, body
    assert body["error"]["code"] == code, body
    return body["error"]


def test_students_with_bom_and_crlf_are_registered_as_the_single_post_registers_them(
        app, client, consortium):
    window = [{"weekdays": [0, 2], "start": "08:00", "end": "12:00"}]
    cell = json.dumps(window).replace('"', '""')
    text = ("\ufeff" + STUDENTS + "\r\n"
            f'Ana Garcia,37.96,-122.51,40,BLS;TB,"{cell}"\r\n'
            "Bo Chen,37.8,-122.4,,,\r\n")
    before = events(app)
    answer = ok(send(client, consortium, "students", text))
    assert answer["created"] == 2 and len(answer["ids"]) == 2
    ana = ok(client.get(f"/v1/students/{answer['ids'][0]}",
                        headers=consortium.headers("coordinator")), 200)
    assert ana["name"] == "Ana Garcia" and ana["home"] == {"lat": 37.96, "lon": -122.51}
    assert ana["max_travel_km"] == 40 and ana["credentials"] == ["BLS", "TB"]
    assert ana["unavailable"] == window and ana["college"] == consortium.college
    bo = ok(client.get(f"/v1/students/{answer['ids'][1]}",
                       headers=consortium.headers("coordinator")), 200)
    assert bo["max_travel_km"] is None and bo["credentials"] == [] and bo["unavailable"] == []
    # The same event the single-item POST records, naming the caller; one per row.
    log = app.log(after=0)[before:]
    assert [type(e.event).__qualname__ for e in log] == ["Student.Registered"] * 2
    token = app.tokens.principal_for(consortium.tokens["coordinator"]).token
    assert all(token in e.event.actor for e in log)
    verify = ok(client.get("/v1/audit/verify", headers=consortium.headers("compliance")), 200)
    assert verify["ok"] is True


def test_requests_and_slots_import(app, client, consortium):
    s = site(client, consortium)
    st = student(client, consortium)
    answer = ok(send(client, consortium, "placement-requests",
                     f"{REQUESTS}\n{st['id']},RN,120,2027-01-04,2027-05-28,{s['id']}\n"
                     f"{st['id']},MA,80,2027-06-01,2027-08-28,\n"))
    items = {i["id"]: i for i in listed(client, consortium, "/v1/placement-requests")}
    first = items[answer["ids"][0]]
    assert first["preferred_sites"] == [s["id"]] and first["required_hours"] == 120
    assert first["earliest_start"] == "2027-01-04" and first["status"] == "open"
    assert items[answer["ids"][1]]["preferred_sites"] == []

    answer = ok(send(client, consortium, "slots",
                     f"{SLOTS}\n{s['id']},RN,2,2027-01-11,2027-03-05,0;1,07:00,15:30,128,\n"
                     f"{s['id']},MA,1,2027-01-11,2027-03-05,3,19:00,07:00,96,"
                     f"{consortium.college}\n", who="employer"))
    slots = {i["id"]: i for i in listed(client, consortium, "/v1/slots", "employer")}
    assert slots[answer["ids"][0]]["weekdays"] == [0, 1]
    assert slots[answer["ids"][0]]["colleges"] is None
    assert slots[answer["ids"][1]]["colleges"] == [consortium.college]
    assert slots[answer["ids"][1]]["shift_end"] == "07:00"


def test_a_bad_date_in_row_1877_is_named_and_nothing_is_written(app, client, consortium):
    st = student(client, consortium)
    end = date(2027, 5, 28)
    rows = [f"{st['id']},RN,{60 + i % 50},2027-01-04,{end + timedelta(days=i)}," for i in
            range(2000)]  # one student's 2,000 requests, none the same
    rows[1876] = f"{st['id']},RN,120,2027-02-30,2027-05-28,"
    before = events(app)
    error = refused(send(client, consortium, "placement-requests",
                         REQUESTS + "\n" + "\n".join(rows) + "\n"), 422, "invalid_rows")
    assert [(e["row"], e["column"]) for e in error["rows"]] == [(1877, "earliest_start")]
    assert "YYYY-MM-DD" in error["rows"][0]["message"] and "2027-02-30" in \
        error["rows"][0]["message"]
    assert events(app) == before
    assert listed(client, consortium, "/v1/placement-requests") == []


@pytest.mark.parametrize(("header", "named"), [
    ("name,home.lat,home.lng", "home.lng"),  # unknown (and home.lon then missing)
    ("name,home.lat", "home.lon"),  # a required column missing
    ("id,name,home.lat,home.lon", "id"),  # set by the server
    ("name,name,home.lat,home.lon", "name"),  # twice
])
def test_a_wrong_header_is_refused_naming_the_column(app, client, consortium, header, named):
    before = events(app)
    cells = ",".join("x" for _ in header.split(","))
    error = refused(send(client, consortium, "students", f"{header}\n{cells}\n"), 422,
                    "invalid_header")
    assert named in error["fields"], error
    assert events(app) == before


def test_every_bad_row_is_named_by_row_and_column(app, client, consortium):
    text = (f"{STUDENTS}\n"
            "Ana,95,-122.5,,,\n"  # latitude out of range
            "Bo,37.9,-122.5,forty,,\n"  # not a number
            ",37.9,-122.5,,,\n"  # a required cell empty
            "Cy,37.9,-122.5,,,not json\n"  # a list of objects that is not JSON
            'Di,37.9,-122.5,,,"[{""weekdays"": [9], ""start"": ""08:00"", ""end"": ""9""}]"\n'
            "Ed,37.9\n"  # too few cells
            "Flo,37.9,-122.5,,,\n")  # good, but not written
    before = events(app)
    error = refused(send(client, consortium, "students", text), 422, "invalid_rows")
    named = {(e["row"], e["column"]) for e in error["rows"]}
    assert {(1, "home.lat"), (2, "max_travel_km"), (3, "name"), (4, "unavailable"),
            (5, "unavailable"), (6, "")} <= named
    assert not any(e["row"] == 7 for e in error["rows"])
    assert "item 1" in next(e["message"] for e in error["rows"] if e["row"] == 5)
    assert events(app) == before
    assert listed(client, consortium, "/v1/students") == []


def test_duplicates_in_the_file_and_already_registered_are_refused(app, client, consortium):
    student(client, consortium, name="Ana Garcia", home={"lat": 37.96, "lon": -122.51})
    before = events(app)
    error = refused(send(client, consortium, "students",
                         f"{STUDENTS}\nBo Chen,37.8,-122.4,,,\nbo  chen,37.8,-122.4,,,\n"
                         "Ana Garcia,37.96,-122.51,,,\n"), 422, "invalid_rows")
    assert [(e["row"], e["column"]) for e in error["rows"]] == [(2, "name"), (3, "name")]
    assert "row 1" in error["rows"][0]["message"]
    assert "already exists" in error["rows"][1]["message"]
    assert events(app) == before


def test_a_request_twice_and_one_already_open_are_duplicates(app, client, consortium):
    st = student(client, consortium)
    row = f"{st['id']},RN,120,2027-01-04,2027-05-28,"
    ok(send(client, consortium, "placement-requests", f"{REQUESTS}\n{row}\n"))
    before = events(app)
    error = refused(send(client, consortium, "placement-requests",
                         f"{REQUESTS}\n{row}\n"), 422, "invalid_rows")
    assert error["rows"][0]["column"] == "student"
    assert events(app) == before


def test_a_student_of_another_college_and_unknown_sites_are_refused(app, client, consortium):
    mine = student(client, consortium)
    theirs = student(client, consortium, who="other_coordinator")
    before = events(app)
    error = refused(send(client, consortium, "placement-requests",
                         f"{REQUESTS}\n{mine['id']},RN,120,2027-01-04,2027-05-28,nope;x\n"
                         f"{theirs['id']},RN,120,2027-01-04,2027-05-28,\n"), 422,
                    "invalid_rows")
    assert [(e["row"], e["column"]) for e in error["rows"]] == [(1, "preferred_sites"),
                                                                (2, "student")]
    assert error["rows"][0]["message"].startswith("item 1")
    s = site(client, consortium)
    others = site(client, consortium, who="other_employer")
    error = refused(send(client, consortium, "slots",
                         f"{SLOTS}\n{s['id']},RN,2,2027-01-11,2027-03-05,0,07:00,15:30,60,\n"
                         f"{others['id']},RN,2,2027-01-11,2027-03-05,0,07:00,15:30,60,\n"
                         "unknown,RN,2,2027-01-11,2027-03-05,0,07:00,15:30,60,\n",
                         who="employer"), 422, "invalid_rows")
    assert [(e["row"], e["column"]) for e in error["rows"]] == [(2, "site"), (3, "site")]
    assert events(app) == before + 2  # the two sites only
    assert listed(client, consortium, "/v1/placement-requests") == []
    assert listed(client, consortium, "/v1/slots", "employer") == []


def test_file_level_refusals(app, client, consortium):
    before = events(app)
    # 50 MB: 413 before the body is read
    big = STUDENTS.encode() + b"\n" + b"Ana,37.9,-122.5,,,\n" * (50 * 1024 * 1024 // 19)
    refused(send(client, consortium, "students", big), 413, "too_large")
    # not UTF-8 (Latin-1 from an old spreadsheet)
    error = refused(send(client, consortium, "students",
                         f"{STUDENTS}\nJosé,37.9,-122.5,,,\n".encode("latin-1")), 400,
                    "not_utf8")
    assert "line 2" in error["message"]
    # not CSV
    r = client.post("/v1/imports/students", json={"name": "Ana"},
                    headers=consortium.headers("coordinator"))
    refused(r, 415, "unsupported_media_type")
    # empty, or a header without rows
    refused(send(client, consortium, "students", ""), 422, "invalid_header")
    refused(send(client, consortium, "students", STUDENTS + "\r\n"), 422, "invalid")
    # the wrong role, whatever the file
    refused(send(client, consortium, "slots", STUDENTS + "\n", who="coordinator"), 403,
            "forbidden")
    refused(send(client, consortium, "students", STUDENTS + "\n", who="employer"), 403,
            "forbidden")
    assert events(app) == before


def test_an_idempotency_key_replays_the_first_answer(app, client, consortium):
    text = f"{STUDENTS}\nAna,37.9,-122.5,,,\nBo,37.8,-122.4,,,\n"
    first = send(client, consortium, "students", text, **{"Idempotency-Key": "term-1-file"})
    after = events(app)
    again = send(client, consortium, "students", text, **{"Idempotency-Key": "term-1-file"})
    assert again.status_code == 201 and again.get_json() == ok(first)
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert events(app) == after
    other = send(client, consortium, "students", text + "Cy,37.7,-122.3,,,\n",
                 **{"Idempotency-Key": "term-1-file"})
    assert other.status_code == 422
    assert events(app) == after
    assert len(listed(client, consortium, "/v1/students")) == 2
