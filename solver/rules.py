"""Eligibility (H2): which slots may serve which request, and, when none may, why not.

The rules, in the order the SPEC names them: discipline, hours, window, credentials, travel,
availability, college_reserved. `failures` is their definition, one slot and one request at a
time: every rule a slot breaks, so the explanation of an unplaced request can name what excluded
its nearest candidates. `eligibility` and `why_no_slot` give the same answers for a whole problem
from solver/rule_arrays.py, which evaluates the rules over arrays (tests/unit/solver/test_rules.py
holds them to `failures`).
"""

from __future__ import annotations

from collections import defaultdict
from weakref import WeakKeyDictionary

import numpy as np

from domain.schedule import intersects_window
from solver.geo import haversine_km
from solver.instance import Problem, Request, Site, Slot, Student
from solver.rule_arrays import DisciplineSlots, by_discipline

RULES = ("discipline", "hours", "window", "credentials", "travel", "availability",
         "college_reserved")
# Cells (requests x slots) evaluated at once by `eligibility`: a few MB per rule at any scale.
BLOCK_CELLS = 1 << 22


def distance_km(student: Student, site: Site) -> float:
    return haversine_km(student.lat, student.lon, site.lat, site.lon)


def _available(slot: Slot, student: Student) -> bool:
    return not any(intersects_window(slot.schedule, w) for w in student.unavailable)


def failures(request: Request, slot: Slot, student: Student, site: Site) -> list[str]:
    """The eligibility rules `slot` breaks for `request` (empty: eligible)."""
    broken = []
    if slot.discipline != request.discipline:
        broken.append("discipline")
    if slot.hours < request.required_hours:
        broken.append("hours")
    if not (request.earliest_start <= slot.schedule.start_date
            and slot.schedule.end_date <= request.latest_end):
        broken.append("window")
    if not site.requirements | slot.requirements <= student.held_through(
            slot.site, slot.schedule.end_date):
        broken.append("credentials")
    if student.max_travel_km is not None and distance_km(student, site) > student.max_travel_km:
        broken.append("travel")
    if student.unavailable and not _available(slot, student):
        broken.append("availability")
    if slot.colleges is not None and student.college not in slot.colleges:
        broken.append("college_reserved")
    return broken


# Slot arrays, built once per problem and dropped with it: the solver asks `why_no_slot` once
# per unplaced request (thousands at state scale) of the same whole problem.
_SLOTS: WeakKeyDictionary[Problem, dict[str, DisciplineSlots]] = WeakKeyDictionary()


def _slots(problem: Problem) -> dict[str, DisciplineSlots]:
    slots = _SLOTS.get(problem)
    if slots is None:
        slots = _SLOTS[problem] = by_discipline(problem)
    return slots


def eligibility(problem: Problem) -> dict[str, list[str]]:
    """Request id -> the ids of its eligible slots (in file order)."""
    result: dict[str, list[str]] = {r: [] for r in problem.requests}
    pending: dict[str, list[Request]] = defaultdict(list)
    for request in problem.requests.values():
        pending[request.discipline].append(request)
    tables = _slots(problem)
    for discipline, requests in pending.items():
        table = tables.get(discipline)
        if table is None:
            continue
        step = max(1, BLOCK_CELLS // len(table))
        for first in range(0, len(requests), step):
            block = requests[first:first + step]
            broken = table.broken(block, [problem.students[r.student] for r in block])
            rows, cols = np.nonzero(table.open & ~np.logical_or.reduce(list(broken.values())))
            ids = table.ids[cols].tolist()
            ends = np.cumsum(np.bincount(rows, minlength=len(block))).tolist()
            begin = 0
            for request, end in zip(block, ends, strict=True):
                result[request.id], begin = ids[begin:end], end
    return result


def why_no_slot(problem: Problem, request: Request) -> str:
    """For a request with no eligible slot: the rules that excluded its nearest candidates
    (the slots of its discipline failing the fewest rules)."""
    table = _slots(problem).get(request.discipline)
    if table is None:
        return f"discipline: no slot offers {request.discipline}"
    broken = {rule: b[0] for rule, b in
              table.broken([request], [problem.students[request.student]]).items()}
    fails = np.sum(list(broken.values()), axis=0)
    # A slot passing every rule, for a request with no eligible slot, is one of capacity 0.
    broken["capacity"] = fails == 0
    fails = np.maximum(fails, 1)
    fewest = int(fails.min())
    nearest = fails == fewest
    counts = {rule: int(np.count_nonzero(b & nearest)) for rule, b in broken.items()}
    rules = sorted((rule for rule in counts if counts[rule]),
                   key=lambda rule: (-counts[rule], RULES.index(rule) if rule in RULES else 99))
    return (f"{', '.join(rules)}: the {int(nearest.sum())} nearest of {len(table)} "
            f"{request.discipline} slots each fail {fewest} rule{'s' if fewest > 1 else ''}")
