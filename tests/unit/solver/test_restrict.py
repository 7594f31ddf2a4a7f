"""Dense parts formulated over each request's best candidates (solver/restrict.py), forced on
small problems: the solution stays feasible, the L1 bound priced over every eligible pair stays
a true bound (brute force and the LP over every pair judge it), and no request is left unplaced,
or explained, while an eligible slot left out of the formulation has room.

And the exchanges that start L2 and L3 (solver/exchange.py): they never lose a level settled
before them."""

from __future__ import annotations

import random
import time

import pytest

from solver import allocate, exchange, objectives, parse_problem, restrict, solve, stages
from solver.formulation import build
from solver.greedy import Loads, warm_start
from solver.relaxation import Relaxation
from solver.rules import eligibility
from solver.synthetic import generate
from tests.unit.solver.checker import eligible, l1, violations
from tests.unit.solver.test_optimality import brute_force, random_problem


@pytest.fixture
def restricted_to_one(monkeypatch):
    """Every part restricted, each request to its single best candidate."""
    monkeypatch.setattr(allocate, "PAIR_LIMIT", 0)
    monkeypatch.setattr(restrict, "KEEP", 1)


def placeable(p: dict, solution: dict) -> list[str]:
    """Unplaced requests (not of a group) that some eligible slot could still take without
    breaking any hard constraint."""
    slots = {s["id"]: s for s in p["slots"]}
    placed = {a["request"] for a in solution["assignments"]}
    out = []
    for r in p["requests"]:
        if r["id"] in placed or r.get("group"):
            continue
        for s in slots.values():
            trial = {"assignments": solution["assignments"]
                     + [{"request": r["id"], "slot": s["id"]}]}
            if eligible(p, r, s) and not violations(p, trial):
                out.append(f"{r['id']} fits {s['id']}")
    return out


@pytest.mark.parametrize("whole", [True, False])
@pytest.mark.parametrize("seed", range(40))
def test_restricted_parts_are_feasible_bounded_and_honest(restricted_to_one, monkeypatch,
                                                          whole, seed):
    if not whole:
        monkeypatch.setattr(stages, "WHOLE_LIMIT", 0)
    p = random_problem(random.Random(seed))
    solution = solve(parse_problem(p), time_limit=10)
    assert violations(p, solution) == []
    best_l1, _ = brute_force(p)
    assert l1(p, solution) == solution["objective"]["weighted_placed"] <= best_l1
    assert solution["objective"]["bound"] >= best_l1
    assert placeable(p, solution) == []
    for stage in solution["stages"][1:]:  # proven over the restricted pairs only: no bound
        assert stage["bound"] is None or not solution["assignments"]  # (or nothing to place)


@pytest.mark.parametrize("keep", [1, 3, 8])
@pytest.mark.parametrize("seed", [1, 2])
def test_the_priced_bound_is_never_below_the_lp_over_every_pair(keep, seed):
    problem = parse_problem(generate(200, seed, metro=True))
    full = eligibility(problem)
    f = build(problem, restrict.restricted(problem, full, keep))
    assert f.size < sum(map(len, full.values()))  # something was left out
    relaxed = Relaxation(f).maximize(objectives.l1_weights(f), duals=True)
    whole = build(problem, full)
    lp = Relaxation(whole).maximize(objectives.l1_weights(whole)).value
    priced = restrict.priced_bound(f, full, relaxed.duals)
    assert priced >= lp - 1e-6
    # With every pair kept, the priced bound is the LP optimum itself.
    relaxed = Relaxation(whole).maximize(objectives.l1_weights(whole), duals=True)
    assert restrict.priced_bound(whole, full, relaxed.duals) == pytest.approx(lp, abs=1e-4)


def feasible(f, values: list[int]) -> bool:
    loads = Loads(f)
    for v, x in enumerate(values):
        if x:
            if not loads.fits(v):
                return False
            loads.take(v)
    return True


@pytest.mark.parametrize("seed", range(4))
def test_exchanges_keep_the_levels_before_them(seed):
    problem = parse_problem(generate(250, seed, metro=True))
    f = build(problem, eligibility(problem))
    goals = objectives.goals(f)
    start = warm_start(f)
    later = time.perf_counter() + 30
    fair = exchange.raise_lowest(f, goals, start, later)
    assert feasible(f, fair)
    assert objectives.value(goals.weights, fair) >= objectives.value(goals.weights, start)
    assert objectives.lowest_rate(goals.colleges, fair) >= objectives.lowest_rate(
        goals.colleges, start)
    better = exchange.swap_in(f, goals, fair, later)
    assert feasible(f, better)
    assert objectives.value(goals.scores, better) >= objectives.value(goals.scores, fair)

    def per_class(values):
        return sorted((problem.students[problem.requests[r].student].college,
                       problem.requests[r].priority)
                      for v, x in enumerate(values) if x for r in f.members[v])

    assert per_class(better) == per_class(fair)  # L1 and every college's rate as they were


@pytest.mark.parametrize("seed", [1, 2])
def test_column_generation_closes_in_on_the_lp_over_every_pair(seed):
    problem = parse_problem(generate(200, seed, metro=True))
    full = eligibility(problem)
    whole = build(problem, full)
    lp = Relaxation(whole).maximize(objectives.l1_weights(whole)).value
    first = restrict.generate(problem, full, restrict.restricted(problem, full, 2),
                              time.perf_counter() + 60, rounds=1)
    later = restrict.generate(problem, full, restrict.restricted(problem, full, 2),
                              time.perf_counter() + 60, rounds=6)
    for g in (first, later):
        assert g.relaxed.value <= lp + 1e-6 <= g.bound + 2e-6  # a restriction, and a bound
    assert later.relaxed.value >= first.relaxed.value - 1e-6
    assert later.bound <= first.bound + 1e-6
    assert later.f.size >= first.f.size
