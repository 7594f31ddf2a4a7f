"""First-come-first-served, as request systems allocate today: requests in file order, each
into its first eligible slot with room (capacity, preceptor and the student's own time)."""

from __future__ import annotations

import time

from solver.formulation import build
from solver.greedy import fill
from solver.instance import Problem
from solver.rules import distance_km, eligibility
from solver.solution import FORMAT, metrics, min_college_rate


def first_come_first_served(problem: Problem) -> dict:
    started = time.perf_counter()
    f = build(problem, eligibility(problem))
    values = fill(f, problem.requests)
    assignment = {r: f.slot_of[v] for v, x in enumerate(values) if x for r in f.members[v]}
    return {
        "format": FORMAT,
        "status": "FEASIBLE",
        "assignments": [{"request": r, "slot": assignment[r]} for r in problem.requests
                        if r in assignment],
        "unplaced": [{"request": r} for r in problem.requests if r not in assignment],
        "objective": {"weighted_placed": sum(problem.requests[r].priority for r in assignment),
                      "min_college_fill_rate": min_college_rate(problem, assignment)},
        "metrics": metrics(problem, assignment, distance_km),
        "solve_seconds": round(time.perf_counter() - started, 3),
    }
