"""L2 settled by discrete targets: HiGHS proves the lowest college rate optimal, or finds a higher
one.

L2 = min over colleges of placed ÷ requested takes only the values k ÷ requested, so an assignment
has a higher L2 than `values` exactly when every college places at least ⌊z × requested⌋ + 1
(`objectives.above`, z the L2 of `values`). Whether one does with L1 kept is an L1 question:
maximise L1 with those integer rows (`Mip` stage "targets", no L1 row) and stop as soon as HiGHS's
dual bound falls below the settled L1 (no such assignment: `values`'s L2 is optimal, a proof) or an
assignment reaches it (a higher L2: the exchanges raise it further, and the next targets are
tried). Each targets' model is first solved over a few of the variables, L1's LP support and the
assignment's own (`over_support`), which finds a higher L2 where the exchanges stop short in a
fraction of the whole model's time (metro-2k-a: L1's LP in 0.8 s, then 0.4–0.8 s, against 11.6 s of
CPU over every variable). **Why not the rate as a continuous z:** measured on metro-2k-a
(2026-11-30), HiGHS's MIP maximising z with L1 kept closed neither its bound (0.7277) nor its
solution (0.7241, the exchanges' 0.7257) in 60 s, and the pure feasibility model (L1 kept as a row,
the targets as rows, no objective) did not settle in 30 s by HiGHS or CP-SAT; maximising L1 over
the targets proved them infeasible with 6.7 s of CPU, as L1's objective lets HiGHS prune by its
bound.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import numpy as np

from solver.cpsat import Keep, StageResult
from solver.exchange import raise_lowest
from solver.formulation import Formulation
from solver.mip import SUPPORT, Mip
from solver.objectives import Goals, above, lowest_rate

log = logging.getLogger(__name__)

EXCHANGE_SECONDS = 0.5  # at most, after each higher assignment HiGHS finds
MIN_SECONDS = 0.2  # no model is built with less time left
# Of the time left, at most this much for L1's LP and for each search over its support.
RESTRICTED_SHARE = 0.25


def l1_support(f: Formulation, goals: Goals, deadline: float) -> set[int] | None:
    """The variables of L1's LP optimum above zero (the targets do not move that optimum on
    dense instances: metro-2k-a's LP is 1,724.83 with or without them, solved in 0.7 s against
    3.7 s with them); None if not solved by `deadline`."""
    x = Mip(f, goals, Keep(), "placed").relaxed(deadline - time.perf_counter())
    return None if x is None else set(np.flatnonzero(x[:f.size] > SUPPORT).tolist())


class Proof:
    """L2 from `hint` (L1 kept at `keep.l1`): the race's tuned backend for L2
    (solver/race.py), with `Mip`'s `found` and `cancel`."""

    def __init__(self, f: Formulation, goals: Goals, keep: Keep,
                 higher: Callable[[list[int]], None] | None = None,
                 support: Callable[[float], set[int] | None] | None = None):
        """`higher` hears each assignment with a higher L2 as soon as it is found. `support`:
        L1's LP support by a deadline, when it is being solved elsewhere (else it is solved
        here when first needed)."""
        self.f = f
        self.higher = higher
        self._support_by = support
        self.goals = goals
        self.level = keep.l1
        self.found: int | None = None  # a value another backend found (unused: no bound here)
        self._mip: Mip | None = None
        self._cancelled = threading.Event()
        colleges = goals.colleges
        # Each college's requests that some variable places: no target above it can be met.
        self._reachable = {c: len({r for v in vs for r in f.members[v]
                                   if f.problem.students[f.problem.requests[r].student].college
                                   == c})
                           for c, vs in colleges.placed_by.items()}
        self._support: set[int] | None = None  # of L1's LP optimum, once solved
        self._tried: list[dict[str, int]] = []  # targets sought over the support

    def cancel(self) -> None:
        self._cancelled.set()
        if self._mip is not None:
            self._mip.cancel()

    def solve(self, hint: list[int], time_limit: float, rel_gap: float = 0.0
              ) -> StageResult | None:
        """The best assignment found, OPTIMAL with its own L2 as bound once proven."""
        deadline = time.perf_counter() + time_limit
        colleges = self.goals.colleges
        values = self.over_support(hint, deadline)
        while not self._cancelled.is_set() and time.perf_counter() < deadline - MIN_SECONDS:
            began = time.perf_counter()
            targets = above(colleges, values)
            if self._beyond_reach(targets):
                return StageResult(values, "OPTIMAL", lowest_rate(colleges, values))
            reached = self._reach(targets, deadline)
            log.debug("fairness: above %d: %s in %.1f s", lowest_rate(colleges, values),
                      "met" if reached else "unknown" if reached is None else "proven none",
                      time.perf_counter() - began)
            if reached is False:
                return StageResult(values, "OPTIMAL", lowest_rate(colleges, values))
            if reached is None:
                break
            values = self._raised(reached, deadline)
            values = self.over_support(values, deadline)
        return StageResult(values, "FEASIBLE", None)

    def over_support(self, values: list[int], deadline: float) -> list[int]:
        """`values`, or a higher L2 found over a few of the variables: L1's LP support and the
        assignment's own, while one is found there (a restriction, which can find a higher L2
        but not prove there is none; each targets' model is tried there once)."""
        colleges = self.goals.colleges
        while not self._cancelled.is_set() and time.perf_counter() < deadline - MIN_SECONDS:
            began = time.perf_counter()
            targets = above(colleges, values)
            if self._beyond_reach(targets) or targets in self._tried:
                break
            self._tried.append(targets)
            if self._support is None:
                until = time.perf_counter() + (deadline - time.perf_counter()) * RESTRICTED_SHARE
                self._support = (self._support_by(until) if self._support_by is not None
                                 else l1_support(self.f, self.goals, until)) or set()
            reached = self._reach(targets, deadline, RESTRICTED_SHARE,
                                  self._support | {v for v, x in enumerate(values) if x})
            log.debug("fairness: above %d over the support: %s in %.1f s",
                      lowest_rate(colleges, values), "met" if reached else "not met",
                      time.perf_counter() - began)
            if not reached:
                break
            values = self._raised(reached, deadline)
        return values

    def _beyond_reach(self, targets: dict[str, int]) -> bool:
        """Whether a target is above its college's requests that have any variable (so no
        assignment meets them all: a proof)."""
        return any(t > self._reachable.get(c, 0) for c, t in targets.items())

    def _raised(self, reached: list[int], deadline: float) -> list[int]:
        """A higher L2 found: raised further by the exchanges, and told."""
        values = raise_lowest(self.f, self.goals, reached, min(
            deadline, time.perf_counter() + EXCHANGE_SECONDS))
        if self.higher is not None:
            self.higher(values)
        return values

    def _reach(self, targets: dict[str, int], deadline: float, share: float = 1.0,
               only: set[int] | None = None) -> list[int] | bool | None:
        """`Mip.reach` over the targets (over `only`, when given), with `share` of the time
        left."""
        self._mip = Mip(self.f, self.goals, Keep(l1=self.level), "targets", targets=targets,
                        only=only)
        if self._cancelled.is_set():
            return None
        return self._mip.reach(self.level, (deadline - time.perf_counter()) * share)
