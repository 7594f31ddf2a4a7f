"""Nothing lost under concurrency: 50 clients confirming and accepting into the same few slots,
over real HTTP (werkzeug's threaded server), never overfill a slot, a preceptor or a student,
every accepted write is in the log, and the log's hash chain, extended by concurrent commands,
verifies (positions in commit order)."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from werkzeug.serving import make_server

from api.app import create_app
from domain.placements import Placement
from placements import ledger
from placements.principals import OPERATOR
from tests.integration.helpers import SLOT

CLIENTS = 50


@pytest.fixture
def server(app):
    httpd = make_server("127.0.0.1", 0, create_app(app), threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()


def post(base, path, token, json=None):
    return requests.post(base + path, json=json or {}, timeout=60,
                         headers={"Authorization": f"Bearer {token}"})


@pytest.mark.slow
def test_fifty_clients_never_overfill(app, consortium, server):
    t = consortium.tokens
    site = post(server, "/v1/sites", t["employer"], {
        "name": "Greenbrae", "location": {"lat": 37.95, "lon": -122.53}}).json()
    preceptor = post(server, "/v1/preceptors", t["employer"], {
        "site": site["id"], "name": "Dana Lee", "disciplines": ["RN"], "max_students": 3}).json()
    # Two slots share the preceptor on Mondays: together they may hold 3 at one moment.
    slots = [post(server, "/v1/slots", t["employer"], {**SLOT, "site": site["id"],
                                                       "capacity": cap, **extra}).json()
             for cap, extra in ((3, {}),
                                (2, {"preceptor": preceptor["id"], "weekdays": [0], "hours": 64}),
                                (2, {"preceptor": preceptor["id"], "weekdays": [0, 2]}))]
    placements = []
    for i in range(CLIENTS):
        st = post(server, "/v1/students", t["coordinator"], {
            "name": f"Student {i}", "home": {"lat": 37.95, "lon": -122.5}}).json()
        for _ in range(1 if i % 5 else 2):  # some students ask twice: double-booking bait
            rq = post(server, "/v1/placement-requests", t["coordinator"], {
                "student": st["id"], "discipline": "RN", "required_hours": 100,
                "earliest_start": "2027-01-04", "latest_end": "2027-05-28"}).json()
            sl = slots[len(placements) % len(slots)]
            p = Placement(OPERATOR.actor, rq["id"], st["id"], consortium.college, sl["id"],
                          site["id"], consortium.employer, sl["preceptor"], "proposed", None)
            app.commit(p)
            placements.append(str(p.id))

    def confirm_and_accept(pid: str) -> tuple[int, int | None]:
        first = post(server, f"/v1/placements/{pid}/confirm", t["coordinator"])
        if first.status_code != 200:
            return first.status_code, None
        return first.status_code, post(server, f"/v1/placements/{pid}/accept",
                                       t["employer"]).status_code

    with ThreadPoolExecutor(CLIENTS) as pool:
        outcomes = dict(zip(placements, pool.map(confirm_and_accept, placements), strict=True))
    codes = Counter(code for code, _ in outcomes.values())
    assert set(codes) <= {200, 409}, codes
    assert codes[200] >= 1 and codes[409] >= 1

    confirmed = {pid for pid, (code, _) in outcomes.items() if code == 200}
    accepted = {pid for pid, (_, code) in outcomes.items() if code == 200}
    log = app.log()

    def logged(kind: str) -> set[str]:
        return {str(e.originator_id) for e in log if e.topic.endswith(f"Placement.{kind}")}

    assert logged("Confirmed") == confirmed  # every 2xx is in the log, nothing else is
    assert logged("Accepted") == accepted
    # The aggregates, the read model and the log agree, and no invariant is broken.
    from domain.capacity import Slot

    for sl in slots:
        aggregate = app.load(Slot, sl["id"])
        assert len(aggregate.held) <= aggregate.capacity
        assert app.capacity.slot(OPERATOR, sl["id"])["held"] == len(aggregate.held)
        held_here = {pid for pid in confirmed if app.workflow.placement(OPERATOR,
                                                                        pid)["slot"] == sl["id"]}
        assert set(aggregate.held) == held_here
    from domain.schedule import Schedule, peak_overlap

    supervised = [Schedule.parse(**{k: s[k] for k in ("start_date", "end_date", "weekdays",
                                                      "shift_start", "shift_end")})
                  for pid in confirmed for s in slots
                  if s["preceptor"] and app.workflow.placement(OPERATOR, pid)["slot"] == s["id"]]
    assert peak_overlap(supervised) <= 3
    per_student = Counter(app.workflow.placement(OPERATOR, pid)["student"] for pid in confirmed)
    assert max(per_student.values()) == 1  # all slots meet on Mondays: one each at most
    assert ledger.verify(app.engine).ok


def test_simultaneous_direct_asks_for_one_request_make_one_placement(app, consortium, server):
    """Ten asks for one request, each for another slot, at once: one is taken, the others are
    refused with 409, and the log holds one requested placement."""
    t = consortium.tokens
    site = post(server, "/v1/sites", t["employer"], {
        "name": "Greenbrae", "location": {"lat": 37.95, "lon": -122.53}}).json()
    slots = [post(server, "/v1/slots", t["employer"], {**SLOT, "site": site["id"]}).json()
             for _ in range(10)]
    st = post(server, "/v1/students", t["coordinator"], {
        "name": "Ana", "home": {"lat": 37.95, "lon": -122.5}}).json()
    rq = post(server, "/v1/placement-requests", t["coordinator"], {
        "student": st["id"], "discipline": "RN", "required_hours": 100,
        "earliest_start": "2027-01-04", "latest_end": "2027-05-28"}).json()
    barrier = threading.Barrier(len(slots))

    def ask(slot: dict) -> requests.Response:
        barrier.wait()
        return post(server, "/v1/placements", t["coordinator"],
                    {"request": rq["id"], "slot": slot["id"]})

    with ThreadPoolExecutor(len(slots)) as pool:
        answers = list(pool.map(ask, slots))
    codes = Counter(a.status_code for a in answers)
    assert codes == {201: 1, 409: len(slots) - 1}, codes
    assert {a.json()["error"]["code"] for a in answers if a.status_code == 409} == {
        "request_already_placed"}
    asked = [e for e in app.log() if e.topic.endswith("Placement.Created")
             or e.topic.endswith("PlacementRequest.Asked")]
    assert len(asked) == 2  # one placement, one ask recorded on the request
