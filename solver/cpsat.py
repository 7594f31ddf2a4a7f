"""CP-SAT over a formulation, or over a neighbourhood of it: the lexicographic stages L1, L2
with L1 kept, L3 with both kept.

A `Model` decides either every variable of the formulation, or only the `free` ones with every
other variable held at its value in `base` (each row's bound then shrinks by what the held
variables take). Each stage starts from a hint, so a stage cut short by its time limit still
returns a solution at least as good on the earlier levels. Rows of ones bounded by one go in as
at-most-one constraints, which CP-SAT handles best.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from solver.formulation import Formulation
from solver.objectives import FAIRNESS_SCALE, Goals

log = logging.getLogger(__name__)


@dataclass
class StageResult:
    values: list[int]        # 0/1 per variable of the formulation
    status: str              # OPTIMAL / FEASIBLE
    # Proven, over the model's free variables (the held ones as held); None when unknown.
    bound: int | None


@dataclass
class Keep:
    """Levels already settled, kept by later stages: L1 at least `l1`, L2 at least `l2` (scaled),
    and exactly so as each college's fewest placements (`counts`, objectives.at_least) when
    known."""

    l1: int | None = None
    l2: int | None = None
    counts: dict[str, int] | None = None


class Model:
    def __init__(self, f: Formulation, goals: Goals, keep: Keep,
                 free: Sequence[int] | None = None, base: list[int] | None = None,
                 workers: int = 1):
        self.f = f
        self.goals = goals
        self.workers = workers
        self.free = list(range(f.size)) if free is None else sorted(free)
        self.base = base if base is not None else [0] * f.size
        self.model = cp_model.CpModel()
        self.solver = cp_model.CpSolver()
        self.x = {v: self.model.new_bool_var(f"x{v}") for v in self.free}
        self.held_ones = [v for v, value in enumerate(self.base) if value and v not in self.x]
        # What the held variables take of each row they share with a free one.
        rows = sorted({i for v in self.free for i in f.rows_of[v]})
        held_load = dict.fromkeys(rows, 0)
        for v in self.held_ones:
            for i in f.rows_of[v]:
                if i in held_load:
                    held_load[i] += f.at_most[i][0][v]
        for i in rows:
            coefs, ub, _ = f.at_most[i]
            terms = [(v, c) for v, c in coefs.items() if v in self.x]
            room = ub - held_load[i]
            if room == 1 and all(c == 1 for _, c in terms):
                self.model.add_at_most_one(self.x[v] for v, _ in terms)
            elif sum(c for _, c in terms) > room:
                self._add(terms, "<=", room)
        for v in f.fixed:
            if v in self.x:
                self.model.add(self.x[v] == 1)
        if keep.l1 is not None:
            self._add([(v, goals.weights[v]) for v in self.free], ">=",
                      keep.l1 - self._held(goals.weights))
        self.z = None
        if keep.counts is not None:
            self._placed_at_least(keep.counts)
        elif keep.l2 is not None:
            self._lowest_rate_at_least(keep.l2)

    def _held(self, coefs: list[int]) -> int:
        """What the held variables contribute to an objective."""
        return sum(coefs[v] for v in self.held_ones)

    def _add(self, terms: list[tuple[int, int]], sense: str, rhs: int) -> None:
        expr = cp_model.LinearExpr.weighted_sum([self.x[v] for v, _ in terms],
                                               [c for _, c in terms])
        self.model.add(expr <= rhs if sense == "<=" else expr >= rhs)

    def _lowest_rate_at_least(self, z) -> None:
        """FAIRNESS_SCALE × placed(college) ≥ z × requested(college) for every college."""
        colleges = self.goals.colleges
        for college, n in colleges.requested.items():
            terms = colleges.placed_by.get(college, {})
            held = sum(k for v, k in terms.items() if v not in self.x and self.base[v])
            free = [(v, FAIRNESS_SCALE * k) for v, k in terms.items() if v in self.x]
            placed = cp_model.LinearExpr.weighted_sum([self.x[v] for v, _ in free],
                                                     [c for _, c in free])
            self.model.add(placed + FAIRNESS_SCALE * held >= n * z)

    def _placed_at_least(self, counts: dict[str, int]) -> None:
        """Each college places at least its count of requests."""
        colleges = self.goals.colleges
        for college, count in counts.items():
            terms = colleges.placed_by.get(college, {})
            held = sum(k for v, k in terms.items() if v not in self.x and self.base[v])
            free = [(v, k) for v, k in terms.items() if v in self.x]
            self._add(free, ">=", count - held)

    def stop(self) -> None:
        """End the search now (from another thread), keeping what it found."""
        self.solver.stop_search()

    def _solve(self, coefs: list[int] | None, hint: list[int], time_limit: float,
               rel_gap: float = 0.0) -> StageResult | None:
        """Maximise Σ coefs·x (or z, for L2) from the hint, until proven within `rel_gap`;
        None when no solution came in time."""
        if coefs is not None:
            self.model.maximize(cp_model.LinearExpr.weighted_sum(
                [self.x[v] for v in self.free], [coefs[v] for v in self.free]))
        self.model.clear_hints()
        for v in self.free:
            self.model.add_hint(self.x[v], hint[v])
        solver = self.solver
        solver.parameters.max_time_in_seconds = max(0.05, time_limit)
        solver.parameters.relative_gap_limit = rel_gap
        solver.parameters.num_workers = self.workers
        # The LP relaxation is what proves these assignment-like models optimal fast.
        solver.parameters.linearization_level = 2
        status = solver.solve(self.model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            log.debug("no solution: %s after %.1f s", solver.status_name(status),
                      solver.wall_time)
            return None  # CP-SAT's bound means nothing without a solution: none is kept
        values = list(self.base)
        for v in self.free:
            values[v] = int(solver.value(self.x[v]))
        held = 0 if coefs is None else self._held(coefs)
        return StageResult(values, solver.status_name(status),
                           int(solver.best_objective_bound + 1e-6) + held)

    def placed(self, hint: list[int], time_limit: float, rel_gap: float = 0.0
               ) -> StageResult | None:
        """L1: the most weighted placements."""
        return self._solve(self.goals.weights, hint, time_limit, rel_gap)

    def fairness(self, hint: list[int], time_limit: float, rel_gap: float = 0.0
                 ) -> StageResult | None:
        """L2: the lowest college placement rate, scaled to 1/FAIRNESS_SCALE."""
        self.z = self.model.new_int_var(0, FAIRNESS_SCALE, "lowest_rate")
        self._lowest_rate_at_least(self.z)
        self.model.maximize(self.z)
        return self._solve(None, hint, time_limit, rel_gap)

    def preferences(self, hint: list[int], time_limit: float, rel_gap: float = 0.0
                    ) -> StageResult | None:
        """L3: keep unlocked existing assignments, prefer listed sites, shorten travel."""
        return self._solve(self.goals.scores, hint, time_limit, rel_gap)
