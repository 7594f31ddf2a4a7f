"""`placements bench store`, its second part: many people writing at once, through gunicorn.

C clients (default 50) each repeat a coordinator's and an employer's day in one consortium:
publish a slot (employer), file a placement request (coordinator), confirm a proposed placement
(coordinator), accept it (employer), log an apprentice's OJT hours (employer), with a think time
between commands drawn from an exponential distribution (default mean 1 s: people at
keyboards, not a loop). Every command goes over a keep-alive HTTP connection to gunicorn
(`-w 2 --threads 4`) on PostgreSQL. The reference is `/healthz` (no database, no
authentication) under the same clients in the same run. Afterwards every write the API accepted
is looked up in the log, and the ledger is verified.

The clients are threads in a few processes on the same cores as the server and PostgreSQL.
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import random
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from threading import Thread

from sqlalchemy import text

from bootstrap.bench.serving import gunicorn

PROCESSES = 5  # client processes; each runs clients / PROCESSES threads
ORGANIZATIONS = 5  # colleges, and employers
KINDS = ("publish", "request", "confirm", "accept", "log hours")
SLOT = {"discipline": "RN", "capacity": 2, "start_date": "2027-01-11", "end_date": "2027-03-05",
        "weekdays": [0, 1], "shift_start": "07:00", "shift_end": "15:30", "hours": 128}


@dataclass
class Client:
    """What one client works with: its two tokens and its own records."""

    coordinator: str
    employer: str
    site: str
    students: list[str]
    proposals: list[str]  # proposed placements to confirm and accept, in order
    apprentice: str


def consortium(app, clients: int, proposals: int) -> list[Client]:
    """Colleges and employers, each employer with a site and a CHW program; per client an
    apprentice, students and proposed placements (as a solve would leave them) in a slot."""
    from bootstrap.demo.apprenticeship import STANDARDS
    from domain.placements import Placement, PlacementStatus
    from domain.students import PlacementRequest, Student
    from placements.principals import OPERATOR, Principal

    colleges = [app.organizations.register_organization(OPERATOR, f"College {i}", "college")["id"]
                for i in range(ORGANIZATIONS)]
    employers = []
    for i in range(ORGANIZATIONS):
        org = app.organizations.register_organization(OPERATOR, f"Employer {i}", "employer")["id"]
        who = Principal("employer", org)
        site = app.capacity.register_site(who, f"Campus {i}", {"lat": 37.8, "lon": -122.3},
                                          [])["id"]
        program = app.apprenticeship.create_program(who, STANDARDS)["id"]
        employers.append((who, site, program))
    tokens = {}
    for org in colleges:
        tokens[org] = app.tokens.issue_token(OPERATOR, "coordinator", org)[0]
    for who, _, _ in employers:
        tokens[who.org] = app.tokens.issue_token(OPERATOR, "employer", who.org)[0]
    out = []
    for k in range(clients):
        college = colleges[k % ORGANIZATIONS]
        employer, site, program = employers[k % ORGANIZATIONS]
        slot = app.capacity.publish_slot(employer, site, "RN", proposals, None, date(2027, 1, 18),
                                         date(2027, 4, 30), [0, 1], "07:00", "15:30", 120)
        apprentice = app.apprenticeship.sign_apprentice(employer, program, f"Apprentice {k}",
                                                        date(2025, 1, 6))
        students = [Student.register("bench", college, f"Student {k}.{i}",
                                     {"lat": 37.9, "lon": -122.5}, None, [], [])
                    for i in range(proposals)]
        requests = [PlacementRequest.file("bench", college, str(s.id), "RN", 120,
                                          date(2027, 1, 4), date(2027, 5, 28))
                    for s in students]
        placed = [Placement("bench", str(r.id), str(s.id), college, slot["id"], site,
                            employer.org, None, PlacementStatus.PROPOSED, None)
                  for s, r in zip(students, requests, strict=True)]
        app.commit(*students, *requests, *placed)
        out.append(Client(tokens[college], tokens[employer.org], site,
                          [str(s.id) for s in students], [str(p.id) for p in placed],
                          apprentice["id"]))
    return out


def _commands(c: Client):
    """The client's commands, in a cycle: (kind, token, path, body, what the log must show)."""
    day = date(2025, 2, 3)
    for i in range(len(c.proposals)):
        yield "publish", c.employer, "/v1/slots", {**SLOT, "site": c.site}, "Slot.Published"
        yield ("request", c.coordinator, "/v1/placement-requests",
               {"student": c.students[i], "discipline": "RN", "required_hours": 100,
                "earliest_start": "2027-01-04", "latest_end": "2027-05-28"},
               "PlacementRequest.Filed")
        yield ("confirm", c.coordinator, f"/v1/placements/{c.proposals[i]}/confirm", {},
               "Placement.Confirmed")
        yield ("accept", c.employer, f"/v1/placements/{c.proposals[i]}/accept", {},
               "Placement.Accepted")
        yield ("log hours", c.employer, f"/v1/apprentices/{c.apprentice}/ojt-hours",
               {"date": (day + timedelta(days=i)).isoformat(), "work_process": "OUTREACH",
                "hours": 4, "journeyworker": None, "site": c.site}, "Apprentice.OJTHoursLogged")


def _run_client(port: int, client: Client | None, seconds: float, think: float, seed: int,
                out: list) -> None:
    """One client: commands (or GET /healthz, when client is None) with think times."""
    rng = random.Random(seed)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    commands = _commands(client) if client else None
    end = time.perf_counter() + seconds
    time.sleep(rng.uniform(0, think))  # the clients do not start in step
    while time.perf_counter() < end:
        if commands is None:
            kind, method, path, body, headers, expect = "healthz", "GET", "/healthz", None, {}, None
        else:
            step = next(commands, None)
            if step is None:
                break
            kind, token, path, payload, expect = step
            method, body = "POST", json.dumps(payload)
            headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        started = time.perf_counter()
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            answer = response.read()
        except (OSError, http.client.HTTPException):  # counted as a failure, not lost
            out.append((kind, 0, time.perf_counter() - started, None, expect))
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            continue
        latency = time.perf_counter() - started
        aggregate = None
        if response.status in (200, 201) and expect is not None:
            aggregate = json.loads(answer)["id"] if kind in ("publish", "request") \
                else path.split("/")[3]
        out.append((kind, response.status, latency, aggregate, expect))
        time.sleep(rng.expovariate(1 / think))
    conn.close()


def _client_process(args: tuple) -> list:
    port, clients, seconds, think, seed = args
    out: list = []
    threads = [Thread(target=_run_client, args=(port, c, seconds, think, seed + i, out))
               for i, c in enumerate(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def _load(port: int, clients: list, seconds: float, think: float) -> tuple[list, float]:
    groups = [clients[i::PROCESSES] for i in range(PROCESSES)]
    with multiprocessing.get_context("spawn").Pool(PROCESSES) as pool:
        started = time.perf_counter()
        results = pool.map(_client_process, [(port, g, seconds, think, 1000 * i)
                                             for i, g in enumerate(groups)])
        elapsed = time.perf_counter() - started
    return [r for group in results for r in group], elapsed


def percentile(latencies: list[float], q: float) -> float:
    ordered = sorted(latencies)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def figures(results: list, elapsed: float) -> dict:
    latencies = [r[2] for r in results]
    return {"requests": len(results), "rate": len(results) / elapsed,
            "p50": percentile(latencies, 0.50), "p99": percentile(latencies, 0.99),
            "max": max(latencies) * 1000,
            "codes": Counter(r[1] for r in results),
            "by_kind": {k: percentile([r[2] for r in results if r[0] == k], 0.99)
                        for k in KINDS if any(r[0] == k for r in results)}}


def unlogged(app, results: list) -> int:
    """Accepted writes whose event is not in the log (each must be: 0 is the only answer)."""
    logged = Counter()
    with app.engine.connect() as conn:
        for oid, topic in conn.execute(text("SELECT originator_id, topic FROM placements_events")):
            logged[(str(oid), topic.rsplit(":", 1)[-1])] += 1
    wanted = Counter((r[3], r[4]) for r in results if r[3] is not None)
    return sum(max(0, n - logged[key]) for key, n in wanted.items())


def measure_latency(app, database_url: str, clients: int, seconds: float, think: float) -> dict:
    """Set up, serve with gunicorn, run /healthz then the commands; figures and checks."""
    from placements import ledger

    proposals = int(seconds / think / len(KINDS)) + 5  # more cycles than a client can run
    people = consortium(app, clients + PROCESSES, proposals)
    warm, people = people[clients:], people[:clients]
    # Keep-alive past the longest think time: a client's next command must not meet a
    # connection the server closed while it thought.
    with gunicorn(database_url, "--keep-alive", "600") as port:
        warming, _ = _load(port, warm, 3.0, 0.02)  # both workers' connections and statements
        reference = figures(*_load(port, [None] * clients, seconds, think))
        results, elapsed = _load(port, people, seconds, think)
    return {"reference": reference, "commands": figures(results, elapsed),
            "unlogged": unlogged(app, warming + results), "verified": ledger.verify(app.engine)}
