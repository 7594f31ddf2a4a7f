"""Load a `placements-problem/1` file into the application through its commands: the inverse of
placements/problem.py, for benchmarks on generated consortia (`placements bench jobs`).

Every organisation, site, preceptor, slot, student and request goes through the same command
an admin, employer or coordinator would call (one transaction and one event each), so the read
models, the log and the ledger are exactly what the API would have written. The file's ids are
replaced by the application's; `existing` entries are not loaded.
"""

from __future__ import annotations

from collections.abc import Callable

from placements.app import PlacementsApp
from placements.principals import OPERATOR, Principal


def commands(problem: dict) -> int:
    """How many commands `load` runs for this problem."""
    employers = {s["employer"] for s in problem["sites"]}
    return sum(len(problem[k]) for k in ("colleges", "sites", "preceptors", "slots",
                                         "students", "requests")) + len(employers)


def load(app: PlacementsApp, problem: dict,
         progress: Callable[[int], None] = lambda n: None) -> dict[str, str]:
    """Run the commands; returns the application's id for each id of the file."""
    ids: dict[str, str] = {}

    def made(key: str, record: dict) -> None:
        ids[key] = record["id"]
        progress(1)

    for c in problem["colleges"]:
        made(c["id"], app.organizations.register_organization(OPERATOR, c["name"], "college"))
    for e in sorted({s["employer"] for s in problem["sites"]}):
        made(e, app.organizations.register_organization(OPERATOR, f"Employer {e}", "employer"))
    employer_of = {s["id"]: Principal("employer", ids[s["employer"]]) for s in problem["sites"]}
    for s in problem["sites"]:
        made(s["id"], app.capacity.register_site(employer_of[s["id"]], f"Site {s['id']}",
                                                 s["location"],
                                                 s["requirements"]))
    # The file gives a preceptor no disciplines; the API needs those of the slots it supervises.
    disciplines: dict[str, set[str]] = {}
    for slot in problem["slots"]:
        if slot["preceptor"] is not None:
            disciplines.setdefault(slot["preceptor"], set()).add(slot["discipline"])
    for p in problem["preceptors"]:
        made(p["id"], app.capacity.register_preceptor(
            employer_of[p["site"]], ids[p["site"]], f"Preceptor {p['id']}",
            sorted(disciplines.get(p["id"], ())), p["max_students"]))
    for slot in problem["slots"]:
        made(slot["id"], app.capacity.publish_slot(
            employer_of[slot["site"]], ids[slot["site"]], slot["discipline"], slot["capacity"],
            ids[slot["preceptor"]] if slot["preceptor"] is not None else None,
            slot["start_date"], slot["end_date"], slot["weekdays"], slot["shift_start"],
            slot["shift_end"], slot["hours"],
            [ids[c] for c in slot["colleges"]] if slot["colleges"] else None))
    coordinator_of = {}
    for st in problem["students"]:
        coordinator_of[st["id"]] = Principal("coordinator", ids[st["college"]])
        made(st["id"], app.students.register_student(
            coordinator_of[st["id"]], f"Student {st['id']}", st["home"], st["max_travel_km"],
            st["credentials"], st["unavailable"]))
    for r in problem["requests"]:
        made(r["id"], app.students.request_placement(
            coordinator_of[r["student"]], ids[r["student"]], r["discipline"],
            r["required_hours"], r["earliest_start"], r["latest_end"], r["priority"],
            r["group"], [ids[s] for s in r["preferred_sites"]]))
    return ids
