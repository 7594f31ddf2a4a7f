"""The problem a solve runs on is always valid: records that would make it invalid are left out
and reported, so no tenant's data can fail a consortium solve.

The API refuses such records at the door (references checked, dates in 1900–2199), but the log
keeps whatever was recorded before those checks, or by another path. The solver's own validation
(`parse_problem`) names each broken record by its JSON path; the record is taken out of the
problem and reported in the solve's result, and the rest is checked again (taking a site out
makes its slots invalid in the next round, and so on).
"""

from __future__ import annotations

import re

from sqlalchemy.engine import Connection

from domain.base import DATE_MAX, DATE_MIN
from placements.problem import build
from solver import Problem, ProblemError, parse_problem

SECTIONS = {"colleges": "college", "sites": "site", "preceptors": "preceptor", "slots": "slot",
            "students": "student", "requests": "request", "existing": "existing"}
RECORD = re.compile(r"^(\w+)\[(\d+)\]")
DATES = {"slots": ("start_date", "end_date"), "requests": ("earliest_start", "latest_end")}
ROUNDS = 8  # each round can only uncover the dependants of what the last one took out


def valid_problem(conn: Connection, college: str | None = None
                  ) -> tuple[dict, Problem, list[dict]]:
    """The solve's problem (see placements/problem.py) with every invalid record left out, as
    stored and parsed, and the records left out: {"kind", "id", "college", "problem"}."""
    problem = build(conn, college)
    excluded: list[dict] = []
    _leave_out(problem, _out_of_range_dates(problem), excluded)
    for _ in range(ROUNDS):
        try:
            return problem, parse_problem(problem), excluded
        except ProblemError as e:
            broken = _broken_records(e.errors)
            if not broken:
                raise
            _leave_out(problem, broken, excluded)
    # Still invalid after every round: the error names what is left.
    return problem, parse_problem(problem), excluded


def _out_of_range_dates(problem: dict) -> dict[tuple[str, int], str]:
    broken = {}
    for section, keys in DATES.items():
        for i, record in enumerate(problem[section]):
            for key in keys:
                value = record.get(key)
                if isinstance(value, str) and not DATE_MIN.isoformat() <= value <= \
                        DATE_MAX.isoformat():
                    broken[(section, i)] = (f"{section}[{i}].{key}: {value} is outside "
                                            f"{DATE_MIN}..{DATE_MAX}")
    return broken


def _broken_records(errors: list[str]) -> dict[tuple[str, int], str]:
    broken: dict[tuple[str, int], str] = {}
    for error in errors:
        m = RECORD.match(error)
        if m and m.group(1) in SECTIONS:
            broken.setdefault((m.group(1), int(m.group(2))), error)
    return broken


def _leave_out(problem: dict, broken: dict[tuple[str, int], str], excluded: list[dict]) -> None:
    college_of_student = {s["id"]: s.get("college") for s in problem["students"]}
    for (section, i), message in sorted(broken.items()):
        record = problem[section][i]
        excluded.append({"kind": SECTIONS[section], "id": _ident(section, record),
                         "college": _college(section, record, problem, college_of_student),
                         "problem": message})
    # A locked entry left out still holds its seat (a solve never touches it, placements/
    # solves.py): its request goes too, and its slot offers one seat fewer, so the solver
    # neither places the request again nor gives its seat away. (An onboarding that lapsed
    # after the seat was taken, say: the accept step is its gate, not the solve.)
    held = [problem["existing"][i] for s, i in broken
            if s == "existing" and problem["existing"][i].get("locked")]
    for section in SECTIONS:
        gone = {i for s, i in broken if s == section}
        if gone:
            problem[section] = [r for i, r in enumerate(problem[section]) if i not in gone]
    if held:
        requests = {e.get("request") for e in held}
        problem["requests"] = [r for r in problem["requests"] if r.get("id") not in requests]
        for entry in held:
            for slot in problem["slots"]:
                if slot.get("id") == entry.get("slot") and isinstance(slot.get("capacity"), int):
                    slot["capacity"] = max(0, slot["capacity"] - 1)


def _ident(section: str, record: dict) -> str | None:
    return record.get("request") if section == "existing" else record.get("id")


def _college(section: str, record: dict, problem: dict,
             college_of_student: dict[str, str | None]) -> str | None:
    """The college whose record it is, so its coordinator (and only it) sees it reported."""
    if section == "students":
        return record.get("college")
    if section == "requests":
        return college_of_student.get(record.get("student"))
    if section == "existing":
        student = next((r.get("student") for r in problem["requests"]
                        if r.get("id") == record.get("request")), None)
        return college_of_student.get(student)
    return None
