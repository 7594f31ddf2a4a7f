"""The lexicographic stages over one formulation: settle L1, then L2 with L1 kept, then L3 with
both kept.

Each stage starts from the LP relaxation of its objective (solver/relaxation.py) and the current
assignment. A formulation of up to WHOLE_LIMIT variables goes to CP-SAT whole, which proves
such models optimal in seconds. A larger one is settled neighbourhood by neighbourhood: CP-SAT
decides the variables around the places where the LP solution and the assignment disagree, with
the rest held (solver/neighbourhood.py), for as long as that improves the stage's objective and
time remains. The L1 bound is the LP optimum rounded down, or CP-SAT's when it decided the whole
formulation; every assignment kept is feasible, so a stage cut short loses nothing settled.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from functools import cached_property

from solver import objectives
from solver.cpsat import Keep, Model, StageResult
from solver.formulation import Formulation
from solver.greedy import Loads, fill, warm_start
from solver.neighbourhood import around, better_slots, disagreement
from solver.relaxation import Relaxation, l1_bound

log = logging.getLogger(__name__)

WHOLE_LIMIT = 40_000  # variables: CP-SAT over the whole formulation up to this size


@dataclass
class Settled:
    values: list[int]
    l1: int
    bound: int  # proven upper bound on L1


class Stages:
    def __init__(self, f: Formulation, workers: int = 1):
        self.f = f
        self.workers = workers
        self.whole = f.size <= WHOLE_LIMIT
        self.goals = objectives.goals(f)
        self.weights = self.goals.weights
        self.colleges = self.goals.colleges
        self.keep = Keep()

    @cached_property
    def lp(self) -> Relaxation:
        """Built when first needed (a part the greedy fill places whole never needs it), with
        the levels settled so far kept."""
        lp = Relaxation(self.f)
        if self.keep.l1 is not None:
            lp.keep_at_least(self.weights, self.keep.l1)
        if self.keep.l2 is not None:
            lp.keep_lowest_rate(self.colleges, self.keep.l2)
        return lp

    def settle_level(self, l1: int | None = None, l2: int | None = None) -> None:
        """Keep a settled level in later stages (CP-SAT models and the LP alike)."""
        built = "lp" in self.__dict__
        if l1 is not None:
            self.keep.l1 = l1
            if built:
                self.lp.keep_at_least(self.weights, l1)
        if l2 is not None:
            self.keep.l2 = l2
            if built:
                self.lp.keep_lowest_rate(self.colleges, l2)

    def placed(self, deadline: float) -> Settled:
        """L1: the most weighted placements, with a proven bound."""
        f = self.f
        greedy = warm_start(f)
        bound = sum(self.weights)  # placing every request bounds L1 too
        if objectives.value(self.weights, greedy) == bound:
            return self._settled(greedy, bound)
        relaxed = self.lp.maximize(self.weights, deadline - time.perf_counter())
        values = greedy
        if relaxed is not None:
            bound = min(bound, l1_bound(relaxed))
            # Search from the LP's own rounding: the neighbourhoods are where it disagrees
            # with the LP, a handful of places, not everywhere the greedy fill went its way.
            values = _rounded(f, relaxed.x)
            if self.whole and objectives.value(self.weights, greedy) > objectives.value(
                    self.weights, values):
                values = greedy
        if objectives.value(self.weights, values) < bound:
            seeds = disagreement(f, relaxed.x, values) if relaxed else []
            values, proved = self._search("placed", values, seeds, deadline,
                                          lambda v: objectives.value(self.weights, v), bound)
            if proved is not None:
                bound = min(bound, proved)
        if objectives.value(self.weights, greedy) > objectives.value(self.weights, values):
            values = greedy
        return self._settled(values, bound)

    def _settled(self, values: list[int], bound: int) -> Settled:
        l1 = objectives.value(self.weights, values)
        log.debug("placed: %d requests, %d variables: L1 %d, bound %d",
                  len(self.f.problem.requests), self.f.size, l1, bound)
        self.settle_level(l1=l1)
        return Settled(values, l1, bound)

    def fairness(self, values: list[int], deadline: float) -> list[int]:
        """L2 with L1 kept: the lowest college placement rate."""
        log.debug("fairness: %d variables, %.1f s left", self.f.size,
                  deadline - time.perf_counter())
        relaxed = None if self.whole else self.lp.maximize_lowest_rate(
            self.colleges, deadline - time.perf_counter())
        seeds = disagreement(self.f, relaxed.x, values) if relaxed else []
        values, _ = self._search("fairness", values, seeds, deadline,
                                 lambda v: objectives.lowest_rate(self.colleges, v))
        self.settle_level(l2=objectives.lowest_rate(self.colleges, values))
        return values

    def preferences(self, values: list[int], deadline: float) -> list[int]:
        """L3 with L1 and L2 kept: continuity, preferred sites, travel."""
        log.debug("preferences: %d variables, %.1f s left", self.f.size,
                  deadline - time.perf_counter())
        scores = self.goals.scores
        values, _ = self._search("preferences", values, [] if self.whole else
                                 better_slots(self.f, scores, values), deadline,
                                 lambda v: objectives.value(scores, v))
        return values

    def _search(self, stage: str, values: list[int], seeds: list[int], deadline: float,
                score, goal: int | None = None) -> tuple[list[int], int | None]:
        """Improve `values` on the stage's objective; also CP-SAT's bound when it decided the
        whole formulation (None otherwise)."""
        if self.whole:
            whole = Model(self.f, self.goals, self.keep, workers=self.workers)
            result = self._run(stage, whole, values, deadline)
            if result is None:
                return values, None
            return result.values, result.bound if stage == "placed" else None
        best = score(values)
        while seeds and time.perf_counter() < deadline and (goal is None or best < goal):
            began = time.perf_counter()
            free = around(self.f, seeds, values)
            model = Model(self.f, self.goals, self.keep, free=free, base=values,
                          workers=self.workers)
            result = self._run(stage, model, values, deadline)
            if result is not None and score(result.values) > best:
                values, best = result.values, score(result.values)
            done = set(free)
            seeds = [v for v in seeds if v not in done]
            log.debug("%s: %d of %d variables free, %s, now %s, %d seeds left, %.1f s", stage,
                      len(free), self.f.size, result.status if result else "no solution", best,
                      len(seeds), time.perf_counter() - began)
        return values, None

    @staticmethod
    def _run(stage: str, model: Model, hint: list[int], deadline: float) -> StageResult | None:
        return getattr(model, stage)(hint, deadline - time.perf_counter())


def _rounded(f: Formulation, x: list[float]) -> list[int]:
    """An assignment from an LP solution: its variables above one half that fit (locked first),
    then the greedy fill, higher priority first."""
    loads = Loads(f)
    for v in sorted(f.fixed) + sorted((v for v in range(f.size) if x[v] > 0.5),
                                      key=lambda v: -x[v]):
        if not loads.values[v] and loads.fits(v):
            loads.take(v)
    order = sorted(f.problem.requests, key=lambda r: -f.problem.requests[r].priority)
    return fill(f, order, loads.values)
