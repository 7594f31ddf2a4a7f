"""Eligibility (H2): which slots may serve which request, and, when none may, why not.

The rules, in the order the SPEC names them: discipline, hours, window, credentials, travel,
availability, college_reserved. `failures` returns every rule a slot breaks for a request, so the
explanation of an unplaced request can name what excluded its nearest candidates.
"""

from __future__ import annotations

from domain.schedule import intersects_window
from solver.geo import haversine_km
from solver.instance import Problem, Request, Site, Slot, Student

RULES = ("discipline", "hours", "window", "credentials", "travel", "availability",
         "college_reserved")


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
    if not site.requirements <= student.credentials:
        broken.append("credentials")
    if student.max_travel_km is not None and distance_km(student, site) > student.max_travel_km:
        broken.append("travel")
    if student.unavailable and not _available(slot, student):
        broken.append("availability")
    if slot.colleges is not None and student.college not in slot.colleges:
        broken.append("college_reserved")
    return broken


def eligible(request: Request, slot: Slot, student: Student, site: Site) -> bool:
    """The same rules as `failures`, cheapest first, stopping at the first broken one."""
    return (slot.discipline == request.discipline
            and slot.hours >= request.required_hours
            and request.earliest_start <= slot.schedule.start_date
            and slot.schedule.end_date <= request.latest_end
            and (slot.colleges is None or student.college in slot.colleges)
            and site.requirements <= student.credentials
            and (student.max_travel_km is None
                 or distance_km(student, site) <= student.max_travel_km)
            and (not student.unavailable or _available(slot, student)))


def eligibility(problem: Problem) -> dict[str, list[str]]:
    """Request id -> the ids of its eligible slots (in file order)."""
    by_discipline: dict[str, list[Slot]] = {}
    for slot in problem.slots.values():
        if slot.capacity > 0:
            by_discipline.setdefault(slot.discipline, []).append(slot)
    result = {}
    for request in problem.requests.values():
        student = problem.students[request.student]
        result[request.id] = [s.id for s in by_discipline.get(request.discipline, ())
                              if eligible(request, s, student, problem.sites[s.site])]
    return result


def why_no_slot(problem: Problem, request: Request) -> str:
    """For a request with no eligible slot: the rules that excluded its nearest candidates."""
    student = problem.students[request.student]
    same = [s for s in problem.slots.values() if s.discipline == request.discipline]
    if not same:
        return f"discipline: no slot offers {request.discipline}"
    broken = [(failures(request, s, student, problem.sites[s.site]), s) for s in same]
    broken = [(f or ["capacity"], s) for f, s in broken]  # an eligible slot of capacity 0
    fewest = min(len(f) for f, _ in broken)
    nearest = [(f, s) for f, s in broken if len(f) == fewest]
    counts: dict[str, int] = {}
    for f, _ in nearest:
        for rule in f:
            counts[rule] = counts.get(rule, 0) + 1
    rules = sorted(counts, key=lambda rule: (-counts[rule], RULES.index(rule)
                                             if rule in RULES else 99))
    return (f"{', '.join(rules)}: the {len(nearest)} nearest of {len(same)} "
            f"{request.discipline} slots each fail {fewest} rule{'s' if fewest > 1 else ''}")
