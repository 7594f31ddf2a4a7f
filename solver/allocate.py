"""Solve a problem: split it into independent parts, run the lexicographic CP-SAT stages, and
write the `placements-solution/1` result with a reason for every unplaced request.

L1 is solved part by part (it is a sum, so the parts' optima add up to the whole's, and their
bounds to a proven bound). L2 (max-min college rate) couples the parts through the colleges: up
to GLOBAL_LIMIT requests, L2 and L3 are solved over the whole problem with each part's L1 kept;
above it, part by part (the lowest rate is then maximised within each part, not across them).
"""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor

from solver import cpsat
from solver.components import components
from solver.formulation import build
from solver.greedy import fill, placed_requests, warm_start
from solver.instance import Problem
from solver.reasons import explain
from solver.rules import distance_km, eligibility
from solver.solution import FORMAT, metrics, min_college_rate

GLOBAL_LIMIT = 3000
L1_SHARE = 0.6  # of the time limit for L1; L2 and L3 share what is left
MIN_PART_SECONDS = 2.0


def _share(seconds: float, part: int, whole: int, parallel: int) -> float:
    """A part's share of a stage's seconds, by size (parts run `parallel` at a time); small
    parts finish in milliseconds, but a floor keeps a proof from being cut off by a hiccup."""
    return max(MIN_PART_SECONDS, seconds * parallel * max(part, 1) / max(whole, 1))


def solve(problem: Problem, time_limit: float = 60.0, workers: int = 1,
          parallel: int | None = None) -> dict:
    """Solve; `workers` CP-SAT search workers per model, `parallel` parts at once (default:
    one per core)."""
    parallel = parallel or os.cpu_count() or 1
    started = time.perf_counter()
    deadline = started + time_limit
    eligible = eligibility(problem)
    parts = components(problem, eligible)
    n = max(len(problem.requests), 1)
    l1_seconds = max(0.0, deadline - time.perf_counter()) * L1_SHARE
    l1_deadline = time.perf_counter() + l1_seconds

    def first_stage(part):
        sub = problem.subproblem(set(part.requests), set(part.slots))
        f = build(sub, {r: eligible[r] for r in part.requests})
        if f.size == 0:  # nothing it could be given: only its reasons to write
            return f, None, None, None
        solver = cpsat.Solver(f, workers)
        hint = warm_start(f)
        budget = min(_share(l1_seconds, len(part.requests), n, parallel),
                     max(MIN_PART_SECONDS, l1_deadline - time.perf_counter()))
        return f, solver, solver.placed_l1(hint, budget), hint

    bound = 0
    solved, empty = [], []
    # CP-SAT releases the GIL while it searches, so parts are solved side by side.
    with ThreadPoolExecutor(max_workers=parallel) as pool:
        for f, solver, result, hint in pool.map(first_stage, parts):
            if solver is None:
                empty.append((f, []))
                continue
            values = result.values if result else hint
            # Placing every request of the part is a bound too; CP-SAT's, when it is cut off
            # before its LP, can be far weaker.
            everyone = sum(r.priority for r in f.problem.requests.values())
            proved = result.bound if result else solver.last_bound
            bound += min(int(proved), everyone) if proved is not None else everyone
            solved.append((f, solver, values, sum(f.weight(v) for v, x in enumerate(values) if x)))
    l1_done_at = time.perf_counter()

    if len(problem.requests) <= GLOBAL_LIMIT and len(solved) > 1:
        f = build(problem, eligible)
        solver = cpsat.Solver(f, workers)
        hint = [0] * f.size
        for pf, _, values, value in solved:
            as_global = [f.var_of[(pf.members[v][0], pf.slot_of[v])] for v in range(pf.size)]
            solver.model.Add(sum(pf.weight(v) * solver.x[g] for v, g in enumerate(as_global))
                             >= value)
            for v, g in enumerate(as_global):
                hint[g] = values[v]
        finals = [(f, _fair_and_preferred(solver, hint, deadline - time.perf_counter()))]
    else:
        seconds = max(0.0, deadline - time.perf_counter())

        def later_stages(item):
            pf, solver, values, value = item
            solver.keep_l1(value)
            return pf, _fair_and_preferred(solver, values,
                                           _share(seconds, len(pf.problem.requests), n,
                                                  parallel))

        with ThreadPoolExecutor(max_workers=parallel) as pool:
            finals = list(empty) + list(pool.map(later_stages, solved))

    assignment: dict[str, str] = {}
    unplaced = []
    for f, values in finals:
        values = fill(f, f.problem.requests, values)  # repair: only ever adds placements
        for v, x in enumerate(values):
            if x:
                for r in f.members[v]:
                    assignment[r] = f.slot_of[v]
        placed = placed_requests(f, values)
        missing = [r for r in f.problem.requests if r not in placed]
        unplaced += explain(f, values, missing, problem)
    l1 = sum(problem.requests[r].priority for r in assignment)
    finished_l1 = round(l1_done_at - started, 3)
    order = {r: i for i, r in enumerate(problem.requests)}
    unplaced.sort(key=lambda u: order[u["request"]])
    return {
        "format": FORMAT,
        # Every bound added up is proven, so reaching it is a proof even if a part timed out.
        "status": "OPTIMAL" if l1 >= bound else "FEASIBLE",
        "assignments": [{"request": r, "slot": assignment[r]}
                        for r in problem.requests if r in assignment],
        "unplaced": unplaced,
        "objective": {"weighted_placed": l1, "bound": max(bound, l1),
                      "min_college_fill_rate": min_college_rate(problem, assignment)},
        "metrics": metrics(problem, assignment, distance_km),
        "solve_seconds": round(time.perf_counter() - started, 3),
        "l1_seconds": finished_l1,  # when L1 was settled (proven, if status is OPTIMAL)
    }


def _fair_and_preferred(solver: cpsat.Solver, hint: list[int], time_limit: float) -> list[int]:
    """L2 then L3 in the time left (shared equally); past the deadline, the L1 solution."""
    if time_limit < 0.5:
        return hint
    fair = solver.fairness(hint, time_limit / 2)
    values = fair.values if fair else hint
    if fair:
        solver.keep_fairness(int(round(fair.objective)))
    preferred = solver.preferences(values, time_limit / 2)
    return preferred.values if preferred else values
