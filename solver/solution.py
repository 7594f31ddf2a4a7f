"""The `placements-solution/1` result: its metrics and the lowest college placement rate."""

from __future__ import annotations

from collections.abc import Callable

from solver.instance import Problem
from solver.objectives import FAIRNESS_SCALE

FORMAT = "placements-solution/1"


def metrics(problem: Problem, assignment: dict[str, str],
            distance: Callable[[object, object], float]) -> dict:
    placed = [problem.requests[r] for r in assignment]
    travel = [distance(problem.students[r.student], problem.sites[problem.slots[assignment[r.id]]
                                                                   .site]) for r in placed]
    preferred = [r for r in placed if r.preferred_sites]
    at_preferred = [r for r in preferred if problem.slots[assignment[r.id]].site
                    in r.preferred_sites]
    moved = sum(1 for e in problem.existing
                if not e.locked and assignment.get(e.request) != e.slot)
    return {
        "requests": len(problem.requests),
        "placed": len(placed),
        "preferred_site_rate": round(len(at_preferred) / len(preferred), 4) if preferred else 0.0,
        "mean_travel_km": round(sum(travel) / len(travel), 2) if travel else 0.0,
        "moved_from_existing": moved,
    }


def _college_counts(problem: Problem, assignment: dict[str, str]
                    ) -> list[tuple[int, int]]:
    """(placed, requested) for every college with requests."""
    placed: dict[str, int] = {}
    for r in problem.requests.values():
        college = problem.students[r.student].college
        placed[college] = placed.get(college, 0) + (r.id in assignment)
    return [(placed[c], n) for c, n in problem.requested_by_college().items()]


def min_college_rate(problem: Problem, assignment: dict[str, str]) -> float:
    """L2: the lowest placement rate (placed ÷ requested) among the colleges with requests."""
    return round(min((k / n for k, n in _college_counts(problem, assignment)), default=1.0), 4)


def lowest_rate(problem: Problem, assignment: dict[str, str]) -> int:
    """L2 of an assignment as the stages count it: the lowest rate, scaled and rounded down."""
    return min((FAIRNESS_SCALE * k // n for k, n in _college_counts(problem, assignment)),
               default=FAIRNESS_SCALE)
