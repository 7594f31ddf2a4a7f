"""HiGHS (through highspy) over a whole formulation: the lexicographic stages as mixed-integer
programs, each with the levels settled before it kept as rows.

The model goes to HiGHS as column-wise arrays (one pass over the formulation's rows, no object
per coefficient), starts from the current assignment (`setSolution`), and can be cancelled from
another thread, so it can race CP-SAT (solver/race.py). Every objective is integral (L1's
priorities, L2's scaled rate, L3's integer scores), so a gap below one is a proof: HiGHS stops
there, and its dual bound rounded down is a proven bound on the stage.
"""

from __future__ import annotations

import math
import os
import sys

import highspy
import numpy as np

from solver.cpsat import Keep, StageResult
from solver.formulation import Formulation
from solver.objectives import FAIRNESS_SCALE, Goals, lowest_rate

# HiGHS's dual bound is exact only to its tolerances: never round it below a value a hair short.
TOLERANCE = 1e-6
SUPPORT = 1e-6  # an LP value above this puts its variable in the LP solution's support


def _quietly_started() -> None:
    """HiGHS prints its banner on the process's standard output (file descriptor 1, past
    Python's sys.stdout) the first time a solver is made, where `placements solve` writes its
    solution: the first one is made here, with that descriptor pointed at /dev/null."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)


_quietly_started()


def _classes(f: Formulation) -> list[dict[int, int]]:
    """Per college and priority: variable -> how many such requests it places."""
    out: dict[tuple[str, int], dict[int, int]] = {}
    for v, members in enumerate(f.members):
        for r in members:
            request = f.problem.requests[r]
            terms = out.setdefault((f.problem.students[request.student].college,
                                    request.priority), {})
            terms[v] = terms.get(v, 0) + 1
    return list(out.values())


def _rounded_down(bound: float) -> int:
    return math.floor(bound + TOLERANCE * max(1.0, abs(bound)))


class Mip:
    """One stage's MIP: L1, L2 (with L1 kept) or L3 (with both kept)."""

    def __init__(self, f: Formulation, goals: Goals, keep: Keep, stage: str,
                 classes_of: list[int] | None = None, plain: bool = False,
                 only: set[int] | None = None, targets: dict[str, int] | None = None):
        """`classes_of` (L3 only): an assignment whose placements per college and priority are
        kept exactly, in place of the L1 and L2 rows (a restriction: it keeps both levels).
        `plain`: HiGHS with its own default settings (presolve, feasibility jump, its choice
        of LP method) and another random seed: the plain model handed to HiGHS, which the
        race runs beside the tuned one so that the solver never does worse than it. `only`:
        the variables that may be 1, every other held at 0 and left out of the model (a
        restriction, so its bound is no bound on the stage). `targets` (stage "targets"): L1
        maximised with each college placing at least its target, no L1 row (`reach`)."""
        self.f = f
        self.goals = goals
        self.stage = stage
        self.highs = highspy.Highs()
        self.highs.setOptionValue("output_flag", False)
        self.highs.setOptionValue("threads", 1)
        self.highs.setOptionValue("mip_rel_gap", 0.0)
        self.highs.setOptionValue("mip_abs_gap", 1.0 - 1e-6)  # integral objectives
        # Measured on dense metro instances: presolve removes little from these rows and costs
        # more than it saves (7.6 s of CPU to prove an L1 optimum without, 13.4 s with), and
        # the feasibility jump is not needed from a feasible start.
        self.highs.setOptionValue("presolve", "off")
        self.highs.setOptionValue("mip_heuristic_run_feasibility_jump", False)
        if only is not None:
            self.highs.setOptionValue("presolve", "on")
            self.highs.setOptionValue("mip_lp_solver", "simplex")
        elif plain:
            self.highs.setOptionValue("presolve", "on")
            self.highs.setOptionValue("mip_heuristic_run_feasibility_jump", True)
            self.highs.setOptionValue("random_seed", 1)
        elif stage == "fairness":
            # With L1 kept as a dense row, the dual simplex took over 30 s of CPU on the root
            # LP of a 47,000-variable L2 model (its rate rows scaled by z); the interior point
            # method a few. L3's root LP, with the rates kept as counts, is the other way round
            # (metro-2k-a: 1.7 s of CPU by the dual simplex, 4.6 s by the interior point).
            self.highs.setOptionValue("mip_lp_solver", "ipm")
        n = f.size
        extra = stage == "fairness"  # the lowest rate z, one more column
        columns: list[list[int]] = []
        values: list[list[float]] = []
        lower: list[float] = []
        upper: list[float] = []

        def row(coefs, lb: float, ub: float) -> None:
            columns.append(list(coefs))
            values.append([float(c) for c in coefs.values()])
            lower.append(lb)
            upper.append(ub)

        for coefs, ub, _ in f.at_most:
            row(coefs, -highspy.kHighsInf, ub)
        colleges = goals.colleges
        if classes_of is not None:
            for coefs in _classes(f):
                count = sum(k for v, k in coefs.items() if classes_of[v])
                row(coefs, count, count)
        elif keep.l1 is not None and targets is None:
            row({v: w for v, w in enumerate(goals.weights) if w}, keep.l1, highspy.kHighsInf)
        for college, count in (targets or {}).items():
            row(colleges.placed_by.get(college, {}), count, highspy.kHighsInf)
        # Rates in requests placed, not scaled by FAIRNESS_SCALE: coefficients near one keep
        # HiGHS's simplex well conditioned (scaled, it did not solve the L2 root LP in 30 s).
        if keep.counts is not None and classes_of is None:
            for college, count in keep.counts.items():
                row(colleges.placed_by.get(college, {}), count, highspy.kHighsInf)
        elif keep.l2 is not None and classes_of is None:
            for college, count in colleges.requested.items():
                row(colleges.placed_by.get(college, {}), count * keep.l2 / FAIRNESS_SCALE,
                    highspy.kHighsInf)
        if extra:
            for college, count in colleges.requested.items():
                coefs = dict(colleges.placed_by.get(college, {}))
                coefs[n] = -count / FAIRNESS_SCALE
                row(coefs, 0.0, highspy.kHighsInf)
        width = n + extra
        cost = np.zeros(width)
        if stage in ("placed", "targets"):
            cost[:n] = goals.weights
        elif stage == "fairness":
            cost[n] = 1.0
        else:
            cost[:n] = goals.scores
        col_lower = np.zeros(width)
        col_upper = np.ones(width)
        for v in f.fixed:
            col_lower[v] = 1.0
        if extra:
            col_upper[n] = FAIRNESS_SCALE
        lengths = np.fromiter((len(c) for c in columns), dtype=np.int64, count=len(columns))
        row_index = np.repeat(np.arange(len(columns), dtype=np.int32), lengths)
        col_index = np.fromiter((v for c in columns for v in c), dtype=np.int32,
                                count=int(lengths.sum()))
        coef = np.fromiter((c for cs in values for c in cs), dtype=float,
                           count=int(lengths.sum()))
        # The model's columns: every variable (and z), or only those that may be 1 (the others
        # held at 0 are left out of the model, not bounded in it: HiGHS's presolve took 0.6 s
        # to remove them from a 47,000-variable L3 model restricted to 8,700).
        self.columns = np.arange(width)
        if only is not None:
            self.columns = np.array(sorted(only | f.fixed) + ([n] if extra else []), dtype=int)
            position = np.full(width, -1)
            position[self.columns] = np.arange(len(self.columns))
            kept = position[col_index] >= 0
            row_index, col_index, coef = row_index[kept], position[col_index[kept]], coef[kept]
            cost, col_lower, col_upper = (cost[self.columns], col_lower[self.columns],
                                          col_upper[self.columns])
            width = len(self.columns)
        lp = highspy.HighsLp()
        lp.num_col_ = width
        lp.num_row_ = len(lower)
        lp.sense_ = highspy.ObjSense.kMaximize
        lp.col_cost_ = cost
        lp.col_lower_ = col_lower
        lp.col_upper_ = col_upper
        lp.row_lower_ = np.array(lower)
        lp.row_upper_ = np.array(upper)
        order = np.argsort(col_index, kind="stable")
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = np.concatenate(
            [[0], np.cumsum(np.bincount(col_index, minlength=width))]).astype(np.int32)
        lp.a_matrix_.index_ = row_index[order].astype(np.int32)
        lp.a_matrix_.value_ = coef[order]
        lp.integrality_ = [highspy.HighsVarType.kInteger] * width
        self.highs.passModel(lp)
        # Cancelled from another thread: HiGHS polls its interrupt callbacks while it works.
        self.highs.HandleUserInterrupt = True
        # Its proven bound as it goes, and a value found elsewhere (a race's other backend):
        # once the bound comes down to that value, the stage is settled and HiGHS stops.
        self.live_bound: int | None = None
        self.found: int | None = None
        self._rel_gap = 0.0
        self.highs.cbMipInterrupt += self._watch
        # An assignment found elsewhere while HiGHS runs, handed to it as its incumbent.
        self.offered: list[int] | None = None
        self.highs.cbMipUserSolution += self._take_offered
        self.lp = lp

    def _watch(self, event) -> None:
        dual = event.data_out.mip_dual_bound
        if math.isfinite(dual):
            self.live_bound = _rounded_down(dual)
            found = self.found
            if found is not None and self.live_bound - found <= self._rel_gap * max(
                    1, abs(self.live_bound)):
                event.interrupt()

    def offer(self, values: list[int]) -> None:
        """Give HiGHS a feasible assignment (from another thread) as it runs."""
        self.offered = values

    def _take_offered(self, event) -> None:
        values, self.offered = self.offered, None
        if values is not None:
            event.data_in.setSolution(self._column(values))

    def _column(self, values: list[int]) -> np.ndarray:
        """An assignment as the model's columns (with z, in stage "fairness", at its rate)."""
        column = [float(x) for x in values]
        if self.stage == "fairness":
            column.append(float(lowest_rate(self.goals.colleges, values)))
        return np.asarray(column)[self.columns]

    def _full(self, x) -> np.ndarray:
        """The model's column values as values of every variable (and z), 0 for those left
        out."""
        full = np.zeros(self.f.size + (self.stage == "fairness"))
        full[self.columns] = x
        return full

    def _assignment(self) -> list[int]:
        """HiGHS's solution as an assignment."""
        x = self._full(self.highs.getSolution().col_value)
        return [1 if x[v] > 0.5 else 0 for v in range(self.f.size)]

    def cancel(self) -> None:
        self.highs.cancelSolve()

    def solve(self, hint: list[int], time_limit: float, rel_gap: float = 0.0
              ) -> StageResult | None:
        """The stage from `hint` (a feasible assignment); None when HiGHS proved nothing in
        time."""
        if time_limit <= 0:
            return None
        self.highs.setOptionValue("time_limit", max(0.05, time_limit))
        self.highs.setOptionValue("mip_rel_gap", rel_gap)
        self._rel_gap = rel_gap
        start = highspy.HighsSolution()
        start.col_value = self._column(hint)  # z: the hint's own lowest rate
        start.value_valid = True
        self.highs.setSolution(start)
        self.highs.run()
        info = self.highs.getInfo()
        dual = info.mip_dual_bound
        if info.primal_solution_status != 2:  # kSolutionStatusFeasible
            if not math.isfinite(dual):
                return None
            values = list(hint)  # feasible: the current assignment; the bound holds anyway
        else:
            values = self._assignment()
        bound = _rounded_down(dual) if math.isfinite(dual) else None
        status = self.highs.getModelStatus()
        proven = status == highspy.HighsModelStatus.kOptimal and rel_gap == 0.0
        return StageResult(values, "OPTIMAL" if proven else "FEASIBLE", bound)

    def reach(self, level: int, time_limit: float) -> list[int] | bool | None:
        """Stage "targets": whether an assignment meets the targets with L1 at least `level`.
        Such an assignment, or False when none exists (HiGHS's dual bound fell below `level`:
        a proof), or None when it could not tell in time."""
        if time_limit <= 0:
            return None
        self.highs.setOptionValue("time_limit", max(0.05, time_limit))
        reached = []

        def improving(event) -> None:
            if event.data_out.objective_function_value >= level - TOLERANCE:
                reached.append(True)

        def watch(event) -> None:
            dual = event.data_out.mip_dual_bound
            if reached or (math.isfinite(dual) and _rounded_down(dual) < level):
                event.interrupt()

        self.highs.cbMipInterrupt -= self._watch
        self.highs.cbMipInterrupt += watch
        self.highs.cbMipImprovingSolution += improving
        self.highs.run()
        info = self.highs.getInfo()
        if self.highs.getModelStatus() == highspy.HighsModelStatus.kInfeasible:
            return False
        if (info.primal_solution_status == 2
                and info.objective_function_value >= level - TOLERANCE):
            return self._assignment()
        dual = info.mip_dual_bound
        if math.isfinite(dual) and _rounded_down(dual) < level:
            return False
        return None

    def relaxed(self, time_limit: float) -> np.ndarray | None:
        """The LP relaxation's optimal solution (dual simplex), None if not reached in time."""
        if time_limit <= 0:
            return None
        highs = highspy.Highs()
        highs.setOptionValue("output_flag", False)
        highs.setOptionValue("threads", 1)
        highs.setOptionValue("presolve", "off")
        highs.setOptionValue("time_limit", max(0.05, time_limit))
        lp = self.lp
        lp.integrality_ = [highspy.HighsVarType.kContinuous] * lp.num_col_
        highs.passModel(lp)
        lp.integrality_ = [highspy.HighsVarType.kInteger] * lp.num_col_
        highs.run()
        if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        return self._full(highs.getSolution().col_value)
