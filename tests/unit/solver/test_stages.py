"""Every stage settled and reported honestly, on small instances of the dense (metro) kind
`generate(..., metro=True)` makes: L1 and L2 proven optimal, L3 within its gap, each stage's
record in the solution and through `progress` as it settles; and what a solve may claim when
its backends find nothing."""

from __future__ import annotations

import pytest

from solver import fairness, objectives, parse_problem, solve, stages
from solver.cpsat import Model
from solver.mip import Mip
from solver.relaxation import lp_bound
from solver.synthetic import generate
from tests.unit.solver.checker import l1, violations
from tests.unit.solver.test_scale_paths import within_tolerance

# A solve returns once every stage is settled: the time limit is far above what these need, so
# that a busy machine cannot make them fail.
LIMIT = 600


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 3])
def test_every_stage_of_a_dense_instance_is_settled(seed):
    p = generate(300, seed, metro=True)
    parsed = parse_problem(p)
    reported = []
    solution = solve(parsed, time_limit=LIMIT, progress=reported.append)
    assert violations(p, solution) == []
    stages = solution["stages"]
    assert [s["name"] for s in stages] == ["L1", "L2", "L3"]
    assert reported == stages  # as each settled, the same figures as the solution's
    placed, l2, l3 = stages
    assert solution["status"] == "OPTIMAL" and placed["status"] == "OPTIMAL"
    assert placed["objective"] == placed["bound"] == solution["objective"]["bound"] \
        == l1(p, solution)
    assert l2["status"] == "OPTIMAL" and l2["gap"] == 0
    assert l2["objective"] <= solution["objective"]["min_college_fill_rate"] + 1e-4
    assert l3["status"] in ("OPTIMAL", "WITHIN_GAP") and l3["gap"] <= 0.01
    assert solution["solve_seconds"] <= LIMIT


@pytest.mark.slow
def test_backends_that_find_nothing_prove_nothing(monkeypatch):
    """HiGHS and CP-SAT both cut off before any solution: L1 keeps the greedy fill, its bound
    is the LP's, every stage says it ran out of time unless its value is proven, and OPTIMAL is
    claimed only where L1 reaches the bound."""
    p = generate(300, 4, metro=True)
    parsed = parse_problem(p)
    proven = solve(parsed, time_limit=LIMIT)
    assert proven["status"] == "OPTIMAL"
    monkeypatch.setattr(Mip, "solve", lambda self, hint, time_limit, rel_gap=0.0: None)
    monkeypatch.setattr(Mip, "reach", lambda self, level, time_limit: None)
    monkeypatch.setattr(Mip, "relaxed", lambda self, time_limit: None)
    for stage in ("placed", "fairness", "preferences"):
        monkeypatch.setattr(Model, stage, lambda self, hint, time_limit, rel_gap=0.0: None)
    solution = solve(parsed, time_limit=10)
    assert violations(p, solution) == []
    bound = solution["objective"]["bound"]
    assert proven["objective"]["weighted_placed"] <= bound <= within_tolerance(
        lp_bound(parsed), parsed)
    placed = solution["stages"][0]
    assert placed["bound"] == bound
    assert (solution["status"] == "OPTIMAL") == (placed["status"] == "OPTIMAL") == (
        solution["objective"]["weighted_placed"] == bound)
    for stage in solution["stages"][1:]:
        assert stage["status"] == "TIME_LIMIT" or stage["gap"] == 0


@pytest.mark.slow
@pytest.mark.parametrize("neighbourhoods", [False, True])
def test_highs_races_its_rival_above_the_cpsat_limit(monkeypatch, neighbourhoods):
    """Above CPSAT_LIMIT the tuned HiGHS races HiGHS with its default settings, or (when
    asked) CP-SAT on neighbourhoods guided by the LP: the stages are settled all the same, and
    every assignment is feasible."""
    monkeypatch.setattr(stages, "CPSAT_LIMIT", 0)
    monkeypatch.setattr(stages.Stages, "neighbourhoods_race", neighbourhoods)
    p = generate(300, 2, metro=True)
    solution = solve(parse_problem(p), time_limit=LIMIT)
    assert violations(p, solution) == []
    placed, l2, l3 = solution["stages"]
    assert solution["status"] == "OPTIMAL" and placed["status"] == "OPTIMAL"
    assert placed["objective"] == l1(p, solution) == solution["objective"]["bound"]
    assert l2["status"] == "OPTIMAL"
    assert neighbourhoods or l3["status"] in ("OPTIMAL", "WITHIN_GAP")


@pytest.mark.parametrize("global_limit", [0, 3000])
def test_l2_of_the_only_part_with_choices_counts_every_request(monkeypatch, global_limit):
    """c1 asks 4 (two of them for a discipline no slot offers), c2 asks 3, for 3 seats. Over
    the part's own requests (c1: 2) placing r0, r2, r3 looks fairest (1/2 and 2/3); over every
    request it is r0, r1, r2 (2/4 and 1/3 against 1/4 and 2/3). Above GLOBAL_LIMIT too, the
    only part with choices settles the global lowest rate and says so."""
    from solver import allocate
    from tests.unit.solver.instances import problem, request, slot, student

    monkeypatch.setattr(allocate, "GLOBAL_LIMIT", global_limit)
    monkeypatch.setattr(allocate, "BUNDLE_REQUESTS", 1)  # as a part of 1,000 or more is
    p = problem(slots=[slot("sl0", capacity=3)],
                students=[student(f"st{i}", "c1" if i < 4 else "c2") for i in range(7)],
                requests=[request("r0", "st0"), request("r1", "st1"),
                          request("x1", "st2", discipline="MA"),
                          request("x2", "st3", discipline="MA"),
                          request("r2", "st4"), request("r3", "st5"), request("r4", "st6")])
    solution = solve(parse_problem(p), time_limit=LIMIT)
    assert violations(p, solution) == []
    assert solution["objective"]["min_college_fill_rate"] == pytest.approx(1 / 3, abs=1e-4)
    l2 = solution["stages"][1]
    assert l2["status"] == "OPTIMAL" and l2["objective"] == pytest.approx(1 / 3, abs=1e-4)


@pytest.mark.slow
def test_l3_is_settled_again_when_the_proof_raises_l2(monkeypatch):
    """L2's proof runs beside L3, which starts from the exchanges' assignment. With neither
    the exchanges nor the search over L1's LP support (the assignment L1 left), the proof over
    every variable must find the higher lowest rate: L3 is then stopped and settled again from
    it, so the solution keeps the proven L2, and every stage is reported once, in order."""
    p = generate(300, 1, metro=True)
    parsed = parse_problem(p)
    fair = solve(parsed, time_limit=LIMIT)["stages"][1]
    monkeypatch.setattr(stages, "raise_lowest", lambda f, goals, values, deadline: values)
    monkeypatch.setattr(fairness.Proof, "over_support", lambda self, values, deadline: values)
    real = stages.Stages.preferences
    settled_from = []  # L2 of the assignment each L3 started from

    def preferences(self, values, deadline, cancel=None):
        settled_from.append(objectives.lowest_rate(self.colleges, values))
        return real(self, values, deadline, cancel)

    monkeypatch.setattr(stages.Stages, "preferences", preferences)
    reported = []
    solution = solve(parsed, time_limit=LIMIT, progress=reported.append)
    assert violations(p, solution) == []
    assert reported == solution["stages"]
    l2, l3 = solution["stages"][1:]
    assert l2["status"] == "OPTIMAL" and l2["objective"] == fair["objective"]
    assert l2["objective"] <= solution["objective"]["min_college_fill_rate"] + 1e-4
    assert l3["status"] in ("OPTIMAL", "WITHIN_GAP")
    # L3 started from L1's assignment, then again from the proof's higher rate.
    first, again = settled_from
    assert first < again == round(l2["objective"] * objectives.FAIRNESS_SCALE)


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_a_failing_proof_leaves_l2_unproven_and_the_solve_whole(monkeypatch):
    """The thread of L2's proof fails: L2 is reported as the exchanges left it, not proven,
    before L3, and the solve goes on to a feasible solution."""
    def fails(self, hint, time_limit, rel_gap=0.0):
        raise RuntimeError("the proof failed")

    monkeypatch.setattr(fairness.Proof, "solve", fails)
    p = generate(300, 1, metro=True)
    reported = []
    solution = solve(parse_problem(p), time_limit=LIMIT, progress=reported.append)
    assert violations(p, solution) == []
    assert reported == solution["stages"]
    l2 = solution["stages"][1]
    assert l2["status"] == "TIME_LIMIT" and l2["bound"] is None
    assert l2["objective"] <= solution["objective"]["min_college_fill_rate"] + 1e-4


def test_a_part_is_formulated_in_the_files_order(monkeypatch):
    """A part's requests are a set; its formulation follows the file's order of requests, so
    the same file makes the same formulation in every process (whatever the hash seed), and
    HiGHS takes the same path through it."""
    from solver import allocate

    built = []
    real = allocate.build

    def build(problem, eligible):
        built.append((list(problem.requests), list(eligible)))
        return real(problem, eligible)

    monkeypatch.setattr(allocate, "build", build)
    p = parse_problem(generate(300, 1, metro=True))
    solve(p, time_limit=LIMIT)
    order, formulated = built[0]
    assert len(formulated) > 100 and formulated == [r for r in order if r in set(formulated)]
    assert formulated == [r for r in p.requests if r in set(formulated)]
