"""The three lexicographic objectives as coefficients over a formulation's variables, shared by
the CP-SAT model (solver/cpsat.py) and the LP relaxation (solver/relaxation.py).

- L1: Σ priority over placed requests.
- L2: the lowest placement rate (placed ÷ requested) among colleges, reported to
  1/FAIRNESS_SCALE; kept and proven exactly, as the fewest placements each college needs
  (`at_least`, `above`): the rate takes only the values k ÷ requested.
- L3: Σ over placed requests of KEEP_WEIGHT × [an unlocked existing assignment kept] +
  PREFERRED_WEIGHT × [at a preferred site] − travel km. **Choice:** keeping a student where a
  previous solve put them outweighs a preferred site, which outweighs 100 km of travel.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction

from solver.formulation import Formulation
from solver.instance import Problem
from solver.rules import distance_km

FAIRNESS_SCALE = 10_000
KEEP_WEIGHT = 10_000
PREFERRED_WEIGHT = 100


def l1_weights(f: Formulation) -> list[int]:
    return [f.weight(v) for v in range(f.size)]


@dataclass(frozen=True)
class Colleges:
    """L2's terms: each college's number of requests, and the requests each variable places."""

    requested: dict[str, int]
    placed_by: dict[str, dict[int, int]]  # college -> variable -> its requests it places


def colleges(f: Formulation) -> Colleges:
    college_of = {r.id: f.problem.students[r.student].college
                  for r in f.problem.requests.values()}
    placed_by: dict[str, dict[int, int]] = defaultdict(dict)
    for v, members in enumerate(f.members):
        for r in members:
            terms = placed_by[college_of[r]]
            terms[v] = terms.get(v, 0) + 1
    return Colleges(f.problem.requested_by_college(), dict(placed_by))


@dataclass(frozen=True)
class Goals:
    """The three objectives of one formulation, computed once."""

    weights: list[int]  # L1: per variable
    colleges: Colleges  # L2
    scores: list[int]   # L3: per variable


def goals(f: Formulation) -> Goals:
    return Goals(l1_weights(f), colleges(f), preference_scores(f))


def preference_scores(f: Formulation) -> list[int]:
    kept = _kept(f.problem)
    return [sum(_score(f.problem, kept, r, f.slot_of[v]) for r in members)
            for v, members in enumerate(f.members)]


def preference_value(problem: Problem, assignment: dict[str, str]) -> int:
    """L3 of an assignment (request -> slot) of the whole problem."""
    kept = _kept(problem)
    return sum(_score(problem, kept, r, slot) for r, slot in assignment.items())


def _kept(problem: Problem) -> set[tuple[str, str]]:
    return {(e.request, e.slot) for e in problem.existing if not e.locked}


def _score(problem: Problem, kept: set[tuple[str, str]], r: str, slot_id: str) -> int:
    """One request's L3 term at a slot."""
    slot = problem.slots[slot_id]
    request = problem.requests[r]
    score = KEEP_WEIGHT if (r, slot_id) in kept else 0
    if slot.site in request.preferred_sites:
        score += PREFERRED_WEIGHT
    return score - round(distance_km(problem.students[request.student],
                                     problem.sites[slot.site]))


def value(coefs: list[int], values: list[int]) -> int:
    return sum(c for c, x in zip(coefs, values, strict=True) if x)


def lowest_rate(c: Colleges, values: list[int]) -> int:
    """L2 of an assignment, scaled and rounded down as the CP-SAT model counts it."""
    return min((FAIRNESS_SCALE * sum(k for v, k in c.placed_by.get(college, {}).items()
                                     if values[v])) // n
               for college, n in c.requested.items()) if c.requested else FAIRNESS_SCALE


def placed_counts(c: Colleges, values: list[int]) -> dict[str, int]:
    """Each college's requests that `values` places."""
    return {college: sum(k for v, k in c.placed_by.get(college, {}).items() if values[v])
            for college in c.requested}


def _lowest(c: Colleges, values: list[int]) -> tuple[int, int]:
    """L2 of `values` exactly, as (placed, requested) of a college at the lowest rate."""
    counts = placed_counts(c, values)
    college = min(c.requested, key=lambda k: Fraction(counts[k], c.requested[k]))
    return counts[college], c.requested[college]


def at_least(c: Colleges, values: list[int]) -> dict[str, int]:
    """Each college's fewest placements with which its rate is at least L2 of `values`:
    ⌈z × requested⌉, with z that lowest rate exactly (so keeping them keeps L2 exactly, where
    a row on the rounded, scaled rate would let it slip below)."""
    placed, requested = _lowest(c, values)
    return {college: -(-placed * n // requested) for college, n in c.requested.items()}


def above(c: Colleges, values: list[int]) -> dict[str, int]:
    """Each college's fewest placements with which its rate is above L2 of `values`:
    ⌊z × requested⌋ + 1. An assignment has a higher L2 exactly when it meets all of them."""
    placed, requested = _lowest(c, values)
    return {college: placed * n // requested + 1 for college, n in c.requested.items()}
