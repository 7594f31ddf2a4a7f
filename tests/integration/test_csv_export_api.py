"""CSV out: `Accept: text/csv` on the four lists, read back with the csv module."""

from __future__ import annotations

import csv
import io
import json

from tests.integration.helpers import ok, placement_request, site, slot, student

SERVER_SET = ("id", "version", "college", "credential_records", "waivers")


def exported(client, consortium, path: str, who: str, **query) -> list[dict]:
    r = client.get(path, query_string=query,
                   headers=consortium.headers(who, Accept="text/csv"))
    assert r.status_code == 200, r.get_data(as_text=True)
    assert r.mimetype == "text/csv" and "attachment" in r.headers["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(r.get_data(as_text=True), newline="")))


def every_json_item(client, consortium, path: str, who: str) -> list[dict]:
    items, cursor = [], None
    while True:
        query = {"limit": 500, **({"cursor": cursor} if cursor else {})}
        body = ok(client.get(path, query_string=query, headers=consortium.headers(who)), 200)
        items += body["items"]
        cursor = body["next_cursor"]
        if not cursor:
            return items


def import_students(client, consortium, text: str, who: str = "coordinator") -> dict:
    return ok(client.post("/v1/imports/students", data=text.encode(),
                          headers=consortium.headers(who, **{"Content-Type": "text/csv"})))


def test_students_export_every_page_as_the_json_says(client, consortium):
    window = json.dumps([{"weekdays": [5], "start": "08:00", "end": "12:00"}])
    lines = [f"Student {i},{37 + i / 1000:.3f},-122.5,{'' if i % 2 else 40},BLS;TB,"
             + ('"' + window.replace('"', '""') + '"' if i % 3 == 0 else "")
             for i in range(520)]  # more than one page of 500
    import_students(client, consortium,
                    "name,home.lat,home.lon,max_travel_km,credentials,unavailable\n"
                    + "\n".join(lines) + "\n")
    rows = exported(client, consortium, "/v1/students", "coordinator")
    items = every_json_item(client, consortium, "/v1/students", "coordinator")
    assert len(rows) == len(items) == 520
    for row, item in zip(rows, items, strict=True):
        assert row["id"] == item["id"] and row["name"] == item["name"]
        assert float(row["home.lat"]) == item["home"]["lat"]
        assert float(row["home.lon"]) == item["home"]["lon"]
        assert (float(row["max_travel_km"]) if row["max_travel_km"] else None) == \
            item["max_travel_km"]
        assert row["credentials"].split(";") == item["credentials"]
        assert (json.loads(row["unavailable"]) if row["unavailable"] else []) == \
            item["unavailable"]
    assert exported(client, consortium, "/v1/students", "other_coordinator") == []


def test_an_exported_file_imports_again_once_the_server_set_columns_are_dropped(
        client, consortium):
    student(client, consortium, name="=HYPERLINK(\"http://x\")", credentials=["BLS"],
            unavailable=[{"weekdays": [0], "start": "08:00", "end": "09:00"}])
    student(client, consortium, name="Bo Chen", max_travel_km=None)
    r = client.get("/v1/students", headers=consortium.headers("coordinator",
                                                              Accept="text/csv"))
    text = r.get_data(as_text=True)
    assert "'=HYPERLINK" in text  # a spreadsheet shows it as text, never runs it
    table = list(csv.reader(io.StringIO(text, newline="")))
    keep = [i for i, name in enumerate(table[0]) if name not in SERVER_SET]
    out = io.StringIO()
    csv.writer(out).writerows([[row[i] for i in keep] for row in table])
    import_students(client, consortium, out.getvalue(), who="other_coordinator")

    def comparable(who: str) -> list[dict]:
        return sorted(({k: v for k, v in i.items() if k not in SERVER_SET}
                       for i in every_json_item(client, consortium, "/v1/students", who)),
                      key=lambda i: i["name"])

    assert comparable("other_coordinator") == comparable("coordinator")
    assert comparable("coordinator")[0]["name"] == "=HYPERLINK(\"http://x\")"


def test_requests_slots_and_placements_export_with_their_columns(client, consortium):
    s = site(client, consortium)
    sl = slot(client, consortium, s["id"], colleges=[consortium.college])
    st = student(client, consortium)
    rq = placement_request(client, consortium, st["id"], preferred_sites=[s["id"]])
    placement = ok(client.post("/v1/placements", json={"request": rq["id"], "slot": sl["id"]},
                               headers=consortium.headers("coordinator")))

    [row] = exported(client, consortium, "/v1/placement-requests", "coordinator")
    assert row["id"] == rq["id"] and row["student"] == st["id"]
    assert row["preferred_sites"] == s["id"] and row["earliest_start"] == "2027-01-04"
    assert {"unplaced.reason", "unplaced.detail", "placement", "status"} <= set(row)

    [row] = exported(client, consortium, "/v1/slots", "employer")
    assert row["weekdays"] == "0;1" and row["colleges"] == consortium.college
    assert row["capacity"] == "2" and row["shift_start"] == "07:00"
    assert exported(client, consortium, "/v1/slots", "other_employer") == []

    for who in ("coordinator", "employer"):
        [row] = exported(client, consortium, "/v1/placements", who)
        json_item = ok(client.get(f"/v1/placements/{placement['id']}",
                                  headers=consortium.headers(who)), 200)
        assert row["id"] == placement["id"] and row["slot"] == sl["id"]
        for key, value in json_item.items():  # names beside ids: whatever the JSON carries
            if not isinstance(value, dict | list):
                text = {None: "", True: "true", False: "false"}.get(value, str(value)) \
                    if not isinstance(value, int | float) or isinstance(value, bool) \
                    else str(value)
                assert row[key] == text, key
    # filters apply to CSV as to JSON
    assert exported(client, consortium, "/v1/placements", "employer", status="accepted") == []


def test_json_stays_the_default(client, consortium):
    student(client, consortium)
    r = client.get("/v1/students", headers=consortium.headers("coordinator"))
    assert r.mimetype == "application/json" and len(r.get_json()["items"]) == 1
    r = client.get("/v1/students", headers=consortium.headers(
        "coordinator", Accept="application/json, text/csv;q=0.5"))
    assert r.mimetype == "application/json"
