"""Solve a problem: split it into independent parts, settle the lexicographic stages, and write
the `placements-solution/1` result with a reason for every unplaced request.

A problem can be solved in one call (`solve`) or in pieces (`plan`, `solve_piece`, `join`): a
piece is a set of whole independent parts, so pieces can be solved apart (by separate jobs on
separate workers, workers/) and joined. `solve` is one piece joined.

L1 is settled part by part (it is a sum, so the parts' optima add up to the whole's, and their
bounds to a proven bound). L2 (max-min college rate) couples the parts through the colleges: up
to GLOBAL_LIMIT requests, L2 and L3 are settled over the whole piece with each part's L1 kept;
above it, L2 is raised over the whole piece by exchanges within the parts and bounded by a
network relaxation (solver/across_parts.py), and L3 is settled part by part, each part keeping its
share of the lowest rate. A piece with one part with choices settles L2 in that part, over every
request of the piece. Across pieces (a solve split into jobs), L2 is each piece's.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from solver import across_parts
from solver.components import bundled, components
from solver.formulation import Formulation, build
from solver.greedy import fill, placed_requests
from solver.instance import Problem
from solver.objectives import preference_value, value
from solver.reasons import explain
from solver.report import Progress, StageRecord, combine, record
from solver.restrict import PAIR_LIMIT, completed, generate, restricted
from solver.rules import distance_km, eligibility
from solver.solution import FORMAT, lowest_rate, metrics, min_college_rate
from solver.stages import Stages

log = logging.getLogger(__name__)

GLOBAL_LIMIT = 3000
BUNDLE_REQUESTS = 1000  # small parts are solved together, up to this many requests a model
L1_SHARE = 0.6  # of the time limit for L1; L2 and L3 share what is left
# Of what L1 leaves, for L2 where it is settled before L3 (L3 has the rest; over a whole
# formulation L2's proof runs beside L3 instead, and this bounds only its exchanges' share).
L2_SHARE = 0.5
# Of a restricted part's L1 time, at most this much for column generation (solver/restrict.py).
GENERATION_SHARE = 0.75
# What a split solve's join needs at least to raise L2 across its pieces: the parts formulated
# again take about 2.5 s at 20,000 requests (generated, seed 7), hence a second and 0.15 ms a
# request; less time left, and the pieces' L2 stands.
ACROSS_SECONDS = 1.0
ACROSS_SECONDS_PER_REQUEST = 0.00015
# Of the time limit, kept for what follows the stages (repair, reasons, metrics): a solve
# returns within its time limit.
FINISH_SHARE = 0.1


def plan(problem: Problem, pieces: int) -> list[list[str]]:
    """The request ids of up to `pieces` pieces of whole parts, balanced by size (largest part
    first into the lightest piece)."""
    bins: list[list[str]] = [[] for _ in range(max(1, pieces))]
    for part in components(problem, eligibility(problem)):
        min(bins, key=len).extend(part.requests)
    order = {r: i for i, r in enumerate(problem.requests)}
    return [sorted(b, key=order.__getitem__) for b in bins if b]


def solve(problem: Problem, time_limit: float = 60.0, workers: int = 1,
          parallel: int | None = None, progress: Progress | None = None) -> dict:
    """Solve in this process: `workers` CP-SAT search workers per model, `parallel` parts at
    once (default: one per core); `progress` is called with each stage's record as it
    settles."""
    started = time.perf_counter()
    piece = solve_piece(problem, list(problem.requests), time_limit, workers, parallel,
                        progress)
    return join(problem, [piece], time.perf_counter() - started)


def solve_piece(problem: Problem, requests: list[str], time_limit: float, workers: int = 1,
                parallel: int | None = None, progress: Progress | None = None) -> dict:
    """Settle the stages for these requests (whole parts of `problem`); a JSON-able result for
    `join`."""
    started = time.perf_counter()
    records: list[StageRecord] = []

    def settled(record: StageRecord) -> None:
        records.append(record)
        if progress is not None:
            progress(record.as_json())

    parallel = parallel or os.cpu_count() or 1
    deadline = started + time_limit * (1 - FINISH_SHARE)
    chosen = set(requests)
    sub = problem.subproblem(chosen, set(problem.slots))
    eligible = eligibility(sub)
    parts = bundled(components(sub, eligible), BUNDLE_REQUESTS)
    l1_shares = _Shares(time.perf_counter() + max(0.0, deadline - time.perf_counter())
                        * L1_SHARE, parallel, len(chosen))

    # What the formulations are built over: a part of more than PAIR_LIMIT eligible pairs over
    # each request's best candidates only (solver/restrict.py), the others over all of them.
    used = dict(eligible)
    restricted_parts: set[int] = set()

    def first_stage(part):
        problem_of_part = sub.subproblem(set(part.requests), set(part.slots))
        # In the file's order, not the set's: the same file makes the same formulation (and
        # HiGHS's path through it) in every process.
        mine = {r: eligible[r] for r in problem_of_part.requests}
        until = l1_shares.until(len(part.requests))
        if sum(map(len, mine.values())) <= PAIR_LIMIT:
            f = build(problem_of_part, mine)
            if f.size == 0:  # nothing it could be given: only its reasons to write
                return f, None, None
            stages = Stages(f, workers)
            return f, stages, stages.placed(until)
        now = time.perf_counter()
        generated = generate(problem_of_part, mine, restricted(problem_of_part, mine),
                             now + max(0.0, until - now) * GENERATION_SHARE)
        used.update(generated.used)
        restricted_parts.add(id(generated.f))
        log.debug("part of %d requests: %d of %d pairs formulated", len(mine),
                  generated.f.size, sum(map(len, mine.values())))
        stages = Stages(generated.f, workers, mine, generated)
        return generated.f, stages, stages.placed(until)

    # The backends release the GIL while they solve, so parts are settled side by side.
    with ThreadPoolExecutor(max_workers=parallel) as pool:
        settled_parts = list(pool.map(first_stage, parts))
    l1_seconds = time.perf_counter() - started
    solved = [(f, stages, s.values) for f, stages, s in settled_parts if s is not None]
    settled(combine("L1", [stages.records[0] for _, stages, _ in solved], l1_seconds))

    empty = [(f, []) for f, stages, _ in settled_parts if stages is None]
    if len(solved) == 1 and empty:
        # The only part with choices: its L2 is the piece's, over every request of the piece
        # (at any size: a metro consortium is one part, so its L2 is settled globally).
        solved[0][1].count_requests_of(sub)
    if len(chosen) <= GLOBAL_LIMIT and len(solved) > 1:
        # Over the whole piece, requests with no eligible slot included: explained there once.
        f, stages, values = _over_the_piece(sub, used, solved, workers,
                                            eligible if restricted_parts else None)
        if restricted_parts:
            restricted_parts.add(id(f))
        halfway = time.perf_counter() + max(0.0, deadline - time.perf_counter()) * L2_SHARE
        finals = [(f, stages.fair_then_preferred(values, halfway, deadline, settled))]
    elif len(solved) == 1:
        f, stages, values = solved[0]
        halfway = time.perf_counter() + max(0.0, deadline - time.perf_counter()) * L2_SHARE
        finals = empty + [(f, stages.fair_then_preferred(values, halfway, deadline, settled))]
    else:
        halfway = time.perf_counter() + max(0.0, deadline - time.perf_counter()) * L2_SHARE
        if solved:
            solved = _fair_across(sub, solved, halfway, restricted_parts, settled)
        else:  # nothing to decide
            settled(combine("L2", [], 0.0))
        finals = empty + [(f, values) for f, _, values in
                          _each_part(solved, deadline, parallel, settled)]
    log.debug("stages done %.1f s after the start (deadline %.1f s)",
              time.perf_counter() - started, deadline - started)
    assignment: dict[str, str] = {}
    unplaced = []
    for f, values in finals:
        values = fill(f, f.problem.requests, values)  # repair: only ever adds placements
        elsewhere = None
        if id(f) in restricted_parts:  # repaired and explained over every eligible pair
            f, values, elsewhere = completed(f, values, eligible)
            values = fill(f, f.problem.requests, values)
        for v, x in enumerate(values):
            if x:
                for r in f.members[v]:
                    assignment[r] = f.slot_of[v]
        placed = placed_requests(f, values)
        unplaced += explain(f, values, [r for r in f.problem.requests if r not in placed],
                            problem, elsewhere)
    log.debug("piece done %.1f s after the start", time.perf_counter() - started)
    l1 = records[0]
    return {"assignments": assignment, "unplaced": unplaced, "bound": l1.bound,
            "l1_seconds": round(l1_seconds, 3),
            "stages": [vars(r) for r in records]}


def join(problem: Problem, pieces: list[dict], seconds: float, until: float | None = None
         ) -> dict:
    """The solution of the whole problem from its pieces' results. `until` (a
    `time.perf_counter()` deadline): when there are several pieces, L2 is raised across them
    until then (`_fair_across_pieces`); without it, or should that not be done, each piece's
    L2 stands (`FEASIBLE`)."""
    began = time.perf_counter()
    assignment = {r: s for piece in pieces for r, s in piece["assignments"].items()}
    order = {r: i for i, r in enumerate(problem.requests)}
    unplaced = [u for piece in pieces for u in piece["unplaced"]]
    stages = [combine(name, [StageRecord(**piece["stages"][i]) for piece in pieces],
                      max(piece["stages"][i]["seconds"] for piece in pieces))
              for i, name in enumerate(("L1", "L2", "L3"))]
    if len(pieces) > 1:  # L2 over the whole, as the solution states it
        across = None if until is None else _fair_across_pieces(problem, assignment, until)
        if across is None:
            stages[1] = combine("L2", [StageRecord(**p["stages"][1]) for p in pieces],
                                stages[1].seconds, lowest_rate(problem, assignment))
        else:
            raised, explained, bound = across
            unplaced = [u for u in unplaced if u["request"] not in raised
                        and u["request"] not in explained] + list(explained.values())
            stages[1] = record("fairness", time.perf_counter() - began,
                               lowest_rate(problem, raised), bound)
            if raised != assignment:  # L3 of the assignment as it now is, its bound gone
                stages[2] = StageRecord("L3", "TIME_LIMIT", stages[2].seconds,
                                        preference_value(problem, raised), None)
            assignment = raised
    unplaced.sort(key=lambda u: order[u["request"]])
    l1 = sum(problem.requests[r].priority for r in assignment)
    bound = sum(piece["bound"] for piece in pieces)
    seconds += time.perf_counter() - began
    return {
        "format": FORMAT,
        # Every bound added up is proven, so reaching it is a proof.
        "status": "OPTIMAL" if l1 >= bound else "FEASIBLE",
        "assignments": [{"request": r, "slot": assignment[r]}
                        for r in problem.requests if r in assignment],
        "unplaced": unplaced,
        "objective": {"weighted_placed": l1, "bound": bound,
                      "min_college_fill_rate": min_college_rate(problem, assignment)},
        "metrics": metrics(problem, assignment, distance_km),
        "solve_seconds": round(seconds, 3),
        # When L1 was settled (proven, if status is OPTIMAL): the slowest piece's.
        "l1_seconds": max((piece["l1_seconds"] for piece in pieces), default=0.0),
        "stages": [s.as_json() for s in stages],
    }


def _fair_across_pieces(problem: Problem, assignment: dict[str, str], until: float
                        ) -> tuple[dict[str, str], dict[str, dict], int | None] | None:
    """L2 across the pieces of a split solve, as across the parts of one piece
    (solver/across_parts.py): every part formulated again, the lowest rate over the whole
    raised by chains within the parts (each part's L1 kept), bounded by the network
    relaxation, then the repair pass and the reasons of each part's unplaced requests again.
    The assignment, the reasons by request, and the bound; None when a part was formulated
    over its best candidates only (`restrict.py`: too large to formulate whole again here) or
    the time ran out before the chains could start."""
    began = time.perf_counter()
    if until - began < ACROSS_SECONDS + ACROSS_SECONDS_PER_REQUEST * len(problem.requests):
        return None
    eligible = eligibility(problem)
    parts: list[tuple[Formulation, list[int]]] = []
    for part in components(problem, eligible):
        sub = problem.subproblem(set(part.requests), set(part.slots))
        mine = {r: eligible[r] for r in sub.requests}
        if sum(map(len, mine.values())) > PAIR_LIMIT or time.perf_counter() >= until:
            return None
        f = build(sub, mine)
        if f.size:
            values = [0] * f.size
            for r in sub.requests:
                if r in assignment:
                    v = f.var_of.get((r, assignment[r]))
                    if v is None:  # not a choice of this formulation: leave the pieces be
                        return None
                    values[v] = 1
            parts.append((f, values))
    # A tenth of the time left is kept for the repair and the reasons.
    parts, _, bound = across_parts.raised(parts, problem, until - (until - began) * FINISH_SHARE)
    out: dict[str, str] = {}
    explained: dict[str, dict] = {}
    for f, values in parts:
        values = fill(f, f.problem.requests, values)  # repair: only ever adds placements
        out.update(across_parts.assignment([(f, values)]))
        for reason in explain(f, values, [r for r in f.problem.requests if r not in out],
                              problem):
            explained[reason["request"]] = reason
    log.debug("L2 across %d parts of the pieces: %d in %.1f s", len(parts),
              lowest_rate(problem, out), time.perf_counter() - began)
    return out, explained, bound


class _Shares:
    """Deadlines for parts settled `parallel` at a time, within one stage: each part, as it
    starts, gets a share of the time left by its size against the parts not yet started (itself
    included), so the last big part is not left the crumbs."""

    def __init__(self, deadline: float, parallel: int, requests: int):
        self.deadline = deadline
        self.parallel = parallel
        self.pending = max(requests, 1)
        self.lock = threading.Lock()

    def until(self, part: int) -> float:
        with self.lock:
            share = min(1.0, self.parallel * max(part, 1) / max(self.pending, 1))
            self.pending -= part
        now = time.perf_counter()
        return now + max(0.0, self.deadline - now) * share


def _over_the_piece(sub: Problem, eligible: dict[str, list[str]], solved: list, workers: int,
                    full: dict[str, list[str]] | None = None
                    ) -> tuple[Formulation, Stages, list[int]]:
    """The whole piece as one formulation, with each part's L1 kept, for L2 and L3 over it
    (`full`: every eligible pair, when `eligible` holds some parts' best candidates only)."""
    f = build(sub, eligible)
    stages = Stages(f, workers, full)
    values = [0] * f.size
    for pf, _, part_values in solved:
        for v, x in enumerate(part_values):
            if x:
                values[f.var_of[(pf.members[v][0], pf.slot_of[v])]] = 1
    stages.settle_level(l1=value(stages.weights, values))
    return f, stages, values


def _fair_across(sub: Problem, solved: list, deadline: float, restricted_parts: set[int],
                 settled) -> list:
    """L2 over several parts that share colleges (solver/across_parts.py): the lowest rate over the
    piece raised by exchanges within each part, its bound from the network relaxation (none
    when a part is formulated over some of its pairs only); then each part keeps the counts
    that make up the rate settled, for its L3."""
    began = time.perf_counter()
    parts, rate, bound = across_parts.raised(
        [(f, values) for f, _, values in solved], sub, deadline,
        bounded=not any(id(f) in restricted_parts for f, _, _ in solved))
    requested = sub.requested_by_college()
    for (_, stages, _), keep in zip(solved, across_parts.required(parts, requested, rate),
                                    strict=True):
        stages.keep.counts = keep  # kept by the part's L3 as each college's fewest placements
    settled(record("fairness", time.perf_counter() - began, rate, bound))
    return [(f, stages, values) for (f, stages, _), (_, values) in zip(solved, parts,
                                                                        strict=True)]


def _each_part(solved: list, until: float, parallel: int, settled) -> list:
    """L3 part by part, side by side, until `until`."""
    shares = _Shares(until, parallel, sum(len(f.problem.requests) for f, _, _ in solved))

    def one(item):
        f, stages, values = item
        return f, stages, stages.preferences(values, shares.until(len(f.problem.requests)))

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=parallel) as pool:
        done = list(pool.map(one, solved))
    settled(combine("L3", [s.records[-1] for _, s, _ in done], time.perf_counter() - started))
    return done
