"""The bridge over HTTP on SQLite and PostgreSQL: an apprentice naming its student record has
its signed clinical hours, in placements whose slot's preceptor is a journeyworker of its
employer, counted as OJT in the DAS report (supervision and ratio rules applied), citing the
sign-off events, as known at an instant; the printable page of that report."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import quote

from tests.integration.test_apprenticeship_api import STANDARDS
from tests.integration.test_clinical_hours_api import get, post, world  # noqa: F401


def apprentice(client, c, w, who="employer", **standards):
    program = post(client, c, who, "/v1/apprenticeship-programs",
                   {**STANDARDS, "effective_date": "2026-01-01", **standards})["id"]
    return post(client, c, who, "/v1/apprentices", {
        "program": program, "name": "Ana Garcia", "signed_date": "2026-09-01",
        "registration_number": "CA-2026-7", "registered_date": "2026-09-02",
        "student": w["student"]})


def test_signed_clinical_hours_count_as_ojt(client, consortium, world):  # noqa: F811
    c, w, path = consortium, world, f"/v1/placements/{world['placement']}/hours"
    a = apprentice(client, c, w)
    assert a["student"] == w["student"]
    plain = post(client, c, "employer", "/v1/preceptors", {
        "site": w["site"], "name": "Pat Kim, RN", "disciplines": ["RN"], "max_students": 1,
        "journeyworker": False})["id"]
    first = post(client, c, "coordinator", path, {"date": "2026-09-07", "hours": 8})
    second = post(client, c, "coordinator", path, {"date": "2026-09-08", "hours": 6})
    post(client, c, "coordinator", path, {"date": "2026-09-14", "hours": 5})  # never signed
    before = quote(datetime.now(UTC).isoformat())
    signed = post(client, c, "employer", f"{path}/{first['id']}/sign-off",
                  {"preceptor": w["jw"]})
    unsupervised = post(client, c, "employer", f"{path}/{second['id']}/sign-off",
                        {"preceptor": plain})

    report = get(client, c, "compliance",
                 f"/v1/apprentices/{a['id']}/compliance?as_of=2026-09-30")
    assert report["ojt_hours"]["total"] == 14
    assert report["ojt_hours"]["by_work_process"]["CLINICAL"] == 14
    flagged = [v for v in report["violations"] if v["code"] == "UNSUPERVISED_HOURS"]
    assert [v["date"] for v in flagged] == ["2026-09-08"]
    assert flagged[0]["events"][0]["position"] in (unsupervised["position"],
                                                   second["position"])
    assert unsupervised["event_id"] in [e["id"] for e in flagged[0]["events"]]
    assert signed["event_id"] not in [e["id"] for v in report["violations"]
                                      for e in v["events"]]
    # As the record stood before the sign-offs: no clinical OJT yet.
    then = get(client, c, "compliance",
               f"/v1/apprentices/{a['id']}/compliance?as_of=2026-09-30&known_at={before}")
    assert then["ojt_hours"]["total"] == 0

    # Another employer's apprentice naming the same student: the slot's preceptor is not its
    # journeyworker, so nothing counts.
    other = apprentice(client, c, w, who="other_employer")
    theirs = get(client, c, "other_employer",
                 f"/v1/apprentices/{other['id']}/compliance?as_of=2026-09-30")
    assert theirs["ojt_hours"]["total"] == 0

    # The program report judges the ratio with the bridged hours too.
    program = get(client, c, "compliance", f"/v1/apprentices/{a['id']}")["program"]
    summary = get(client, c, "compliance",
                  f"/v1/apprenticeship-programs/{program}/compliance?as_of=2026-09-30")
    assert summary["apprentices"][0]["ojt_hours"]["total"] == 14


def test_program_maps_a_discipline_to_its_work_process(client, consortium, world):  # noqa: F811
    c, w, path = consortium, world, f"/v1/placements/{world['placement']}/hours"
    a = apprentice(client, c, w, clinical_work_processes={"RN": "OUT"})
    entry = post(client, c, "coordinator", path, {"date": "2026-09-07", "hours": 8})
    post(client, c, "employer", f"{path}/{entry['id']}/sign-off", {"preceptor": w["jw"]})
    report = get(client, c, "employer", f"/v1/apprentices/{a['id']}/compliance?as_of=2026-09-30")
    assert report["ojt_hours"]["by_work_process"] == {"OUT": 8, "EDU": 0}
    r = client.post("/v1/apprenticeship-programs", json={
        **STANDARDS, "clinical_work_processes": {"RN": "NOPE"}}, headers=c.headers("employer"))
    assert r.status_code == 422 and "clinical_work_processes.RN" in r.get_json()["error"]["fields"]
    r = client.post("/v1/apprentices", json={"program": a["program"], "name": "X",
                                             "signed_date": "2026-09-01", "student": "nope"},
                    headers=c.headers("employer"))
    assert r.status_code == 422 and "student" in r.get_json()["error"]["fields"]
