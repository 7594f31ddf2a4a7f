"""Load a `placements-problem/1` file into the application through its commands: the inverse of
placements/problem.py, for benchmarks on generated consortia (`placements bench jobs`).

Every organisation, site, preceptor, slot, student and request goes through the same command
an admin, employer or coordinator would call (one transaction and one event each), so the read
models, the log and the ledger are exactly what the API would have written. The file's ids are
replaced by the application's; `existing` entries are not loaded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from itertools import islice

from placements.app import PlacementsApp
from placements.base import retried
from placements.principals import OPERATOR, Principal


def commands(problem: dict) -> int:
    """How many commands `load` runs for this problem."""
    employers = {s["employer"] for s in problem["sites"]}
    return sum(len(problem[k]) for k in ("colleges", "sites", "preceptors", "slots",
                                         "students", "requests")) + len(employers)


def load(app: PlacementsApp, problem: dict,
         progress: Callable[[int], None] = lambda n: None,
         per_transaction: int = 1) -> dict[str, str]:
    """Run the commands; returns the application's id for each id of the file.

    `per_transaction` commands share one unit of work (placements/base.py): each is the same
    command, with its own checks, events and rows, but they commit together (and a transaction
    that lost a race is re-run whole), so a large consortium loads without a commit per record.
    """
    ids: dict[str, str] = {}

    def run(chunk: list[tuple[str, Callable[[], dict]]]) -> None:
        for key, command in chunk:  # (re-run whole when the transaction lost a race)
            ids[key] = command()["id"]

    steps = _steps(app, problem, ids)
    while chunk := list(islice(steps, per_transaction)):
        retried(app, lambda _session, chunk=chunk: run(chunk))
        progress(len(chunk))
    return ids


def _steps(app: PlacementsApp, problem: dict, ids: dict[str, str]
           ) -> Iterator[tuple[str, Callable[[], dict]]]:
    """(file id, the command creating it), in an order where every command's references were
    created by an earlier one; each command looks them up in `ids` when it runs."""

    def employer_of(site: str) -> Principal:
        return Principal("employer", ids[site_employer[site]])

    def coordinator_of(student: str) -> Principal:
        return Principal("coordinator", ids[student_college[student]])

    site_employer = {s["id"]: s["employer"] for s in problem["sites"]}
    student_college = {st["id"]: st["college"] for st in problem["students"]}
    for c in problem["colleges"]:
        yield c["id"], lambda c=c: app.organizations.register_organization(OPERATOR, c["name"],
                                                                           "college")
    for e in sorted(set(site_employer.values())):
        yield e, lambda e=e: app.organizations.register_organization(OPERATOR, f"Employer {e}",
                                                                     "employer")
    for s in problem["sites"]:
        yield s["id"], lambda s=s: app.capacity.register_site(
            employer_of(s["id"]), f"Site {s['id']}", s["location"], s["requirements"])
    # The file gives a preceptor no disciplines; the API needs those of the slots it supervises.
    disciplines: dict[str, set[str]] = {}
    for slot in problem["slots"]:
        if slot["preceptor"] is not None:
            disciplines.setdefault(slot["preceptor"], set()).add(slot["discipline"])
    for p in problem["preceptors"]:
        yield p["id"], lambda p=p: app.capacity.register_preceptor(
            employer_of(p["site"]), ids[p["site"]], f"Preceptor {p['id']}",
            sorted(disciplines.get(p["id"], ())), p["max_students"])
    for slot in problem["slots"]:
        yield slot["id"], lambda slot=slot: app.capacity.publish_slot(
            employer_of(slot["site"]), ids[slot["site"]], slot["discipline"], slot["capacity"],
            ids[slot["preceptor"]] if slot["preceptor"] is not None else None,
            date.fromisoformat(slot["start_date"]), date.fromisoformat(slot["end_date"]),
            slot["weekdays"], slot["shift_start"], slot["shift_end"], slot["hours"],
            [ids[c] for c in slot["colleges"]] if slot["colleges"] else None)
    for st in problem["students"]:
        yield st["id"], lambda st=st: app.students.register_student(
            coordinator_of(st["id"]), f"Student {st['id']}", st["home"], st["max_travel_km"],
            st["credentials"], st["unavailable"])
    for r in problem["requests"]:
        yield r["id"], lambda r=r: app.students.request_placement(
            coordinator_of(r["student"]), ids[r["student"]], r["discipline"],
            r["required_hours"], date.fromisoformat(r["earliest_start"]),
            date.fromisoformat(r["latest_end"]), r["priority"],
            r["group"], [ids[s] for s in r["preferred_sites"]])
