"""The `placements-solution/1` result: its metrics, and joining solutions of independent parts."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from solver.instance import Problem

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


def join(problem: Problem, parts: Sequence[dict]) -> dict:
    """One solution from the solutions of independent parts of `problem` (solver/components)."""
    from solver.rules import distance_km

    assignment = {a["request"]: a["slot"] for p in parts for a in p["assignments"]}
    order = {r: i for i, r in enumerate(problem.requests)}
    unplaced = sorted((u for p in parts for u in p["unplaced"]), key=lambda u: order[u["request"]])
    requested: dict[str, int] = {}
    placed: dict[str, int] = {}
    for r in problem.requests.values():
        college = problem.students[r.student].college
        requested[college] = requested.get(college, 0) + 1
        placed[college] = placed.get(college, 0) + (r.id in assignment)
    return {
        "format": FORMAT,
        "status": "OPTIMAL" if all(p["status"] == "OPTIMAL" for p in parts) else "FEASIBLE",
        "assignments": [{"request": r, "slot": assignment[r]} for r in problem.requests
                        if r in assignment],
        "unplaced": unplaced,
        "objective": {
            "weighted_placed": sum(p["objective"]["weighted_placed"] for p in parts),
            "bound": sum(p["objective"]["bound"] for p in parts),
            "min_college_fill_rate": round(min((placed[c] / n for c, n in requested.items()),
                                               default=1.0), 4),
        },
        "metrics": metrics(problem, assignment, distance_km),
        "solve_seconds": round(max((p["solve_seconds"] for p in parts), default=0.0), 3),
    }
