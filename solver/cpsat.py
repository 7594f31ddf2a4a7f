"""CP-SAT over a formulation, lexicographically: L1, then L2 with L1 kept, then L3 with both.

Each stage starts from the previous stage's solution as a hint, so a stage cut short by its time
limit still returns a solution at least as good on the earlier levels.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from ortools.sat.python import cp_model

from solver.formulation import Formulation
from solver.rules import distance_km

FAIRNESS_SCALE = 10_000  # L2 in units of 1/10,000 of a placement rate
KEEP_WEIGHT = 10_000     # L3: keeping an unlocked existing assignment …
PREFERRED_WEIGHT = 100   # … outweighs a preferred site, which outweighs 100 km of travel.


@dataclass
class StageResult:
    values: list[int]        # 0/1 per variable
    status: str              # OPTIMAL / FEASIBLE / UNKNOWN (no solution found)
    objective: float
    bound: float


class Solver:
    def __init__(self, f: Formulation, workers: int = 1):
        self.f = f
        self.workers = workers
        self.model = cp_model.CpModel()
        self.x = [self.model.NewBoolVar(f"x{v}") for v in range(f.size)]
        for coefs, ub, _ in f.at_most:
            self.model.Add(sum(c * self.x[v] for v, c in coefs.items()) <= ub)
        for v in f.fixed:
            self.model.Add(self.x[v] == 1)
        self.l1 = sum(f.weight(v) * self.x[v] for v in range(f.size))
        self.cut_students: set[str] = set()  # students whose H4 pairs are all in the model
        self.last_bound: float | None = None  # of a stage that found no solution
        self.forbid_all_clashes()

    def _run(self, objective, time_limit: float, hint: list[int] | None) -> StageResult | None:
        """Solve; forbid each H4 clash the solution shows and solve again, until there is none."""
        self.model.Maximize(objective)
        deadline = time.perf_counter() + max(0.05, time_limit)
        while True:
            self.model.ClearHints()
            if hint is not None:
                for var, value in zip(self.x, hint, strict=True):
                    self.model.AddHint(var, value)
            solver = cp_model.CpSolver()
            solver.parameters.max_time_in_seconds = max(0.05, deadline - time.perf_counter())
            solver.parameters.num_workers = self.workers
            # The LP relaxation is what proves these assignment-like models optimal fast.
            solver.parameters.linearization_level = 2
            status = solver.Solve(self.model)
            if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                # No solution in time (any earlier one broke H4): keep the hint, but the bound
                # CP-SAT proved still holds.
                self.last_bound = solver.BestObjectiveBound()
                return None
            values = [int(solver.Value(v)) for v in self.x]
            clashes = self.f.conflicts(values)
            result = StageResult(values, solver.StatusName(status), solver.ObjectiveValue(),
                                 solver.BestObjectiveBound())
            if not clashes:
                return result
            for u, v in clashes:
                # Forbid all of these students' clashing pairs at once, not just this one:
                # the next solve would only find the neighbouring pair.
                for student in self.f.placed_by(u).keys() & self.f.placed_by(v).keys():
                    if student not in self.cut_students:
                        self.cut_students.add(student)
                        for a, b in self.f.student_clashes(student):
                            self.model.Add(self.x[a] + self.x[b] <= 1)
                values[v] = 0
            hint = values
            if time.perf_counter() >= deadline:  # out of time: the caller keeps its hint
                return None

    def forbid_all_clashes(self) -> None:
        """Put every H4 pair in the model up front (for a whole problem of moderate size)."""
        for student in self.f.student_vars:
            if student not in self.cut_students:
                self.cut_students.add(student)
                for a, b in self.f.student_clashes(student):
                    self.model.Add(self.x[a] + self.x[b] <= 1)

    def placed_l1(self, hint: list[int] | None, time_limit: float) -> StageResult | None:
        return self._run(self.l1, time_limit, hint)

    def keep_l1(self, value: int) -> None:
        self.model.Add(self.l1 >= value)

    def fairness(self, hint: list[int], time_limit: float) -> StageResult | None:
        """Maximise the lowest placement rate among colleges (scaled), L1 kept."""
        f = self.f
        requested: dict[str, int] = {}
        placed: dict[str, list] = {}
        for r in f.problem.requests.values():
            college = f.problem.students[r.student].college
            requested[college] = requested.get(college, 0) + 1
        for v in range(f.size):
            for r in f.members[v]:
                college = f.problem.students[f.problem.requests[r].student].college
                placed.setdefault(college, []).append(self.x[v])
        self.z = self.model.NewIntVar(0, FAIRNESS_SCALE, "min_fill")
        for college, n in requested.items():
            self.model.Add(FAIRNESS_SCALE * sum(placed.get(college, [])) >= n * self.z)
        return self._run(self.z, time_limit, hint)

    def keep_fairness(self, value: int) -> None:
        self.model.Add(self.z >= value)

    def preferences(self, hint: list[int], time_limit: float) -> StageResult | None:
        """L3: keep unlocked existing assignments, prefer listed sites, shorten travel."""
        f = self.f
        keep = {(e.request, e.slot) for e in f.problem.existing if not e.locked}
        terms = []
        for v in range(f.size):
            slot = f.problem.slots[f.slot_of[v]]
            site = f.problem.sites[slot.site]
            score = 0
            for r in f.members[v]:
                request = f.problem.requests[r]
                if (r, slot.id) in keep:
                    score += KEEP_WEIGHT
                if slot.site in request.preferred_sites:
                    score += PREFERRED_WEIGHT
                score -= round(distance_km(f.problem.students[request.student], site))
            if score:
                terms.append(score * self.x[v])
        return self._run(sum(terms), time_limit, hint)
