"""The lexicographic stages over one formulation: settle L1, then L2 with L1 kept, then L3 with
both kept.

A formulation of up to WHOLE_LIMIT variables is settled whole, stage by stage, by HiGHS and
CP-SAT raced from the current assignment (solver/race.py): L1 until proven optimal, L3 until
proven within L3_GAP, and L2, proven by discrete targets (solver/fairness.py), beside L3. A
larger one starts each stage from the LP relaxation of its
objective (solver/relaxation.py) and is settled neighbourhood by neighbourhood: CP-SAT
decides the variables around the places where the LP solution and the assignment disagree, with
the rest held (solver/neighbourhood.py), for as long as that improves the stage's objective and
time remains. The L1 bound is the lowest of: every request with a choice placed, the LP optimum
rounded down, the backends' proven bound when they decided the whole formulation; every
assignment kept is feasible, so a stage cut short loses nothing settled. Each stage leaves a
`StageRecord` (solver/report.py) in `records`.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from solver import objectives
from solver.cpsat import Keep, Model, StageResult
from solver.exchange import raise_lowest, swap_in
from solver.fairness import Proof, l1_support
from solver.formulation import Formulation
from solver.greedy import Loads, fill, warm_start
from solver.mip import SUPPORT, Mip
from solver.neighbourhood import around, better_slots, disagreement
from solver.race import BACKEND, CPSAT_LIMIT, GRACE, Stop, race
from solver.relaxation import Relaxation, Relaxed, l1_bound
from solver.report import StageRecord, record
from solver.restrict import Generated, priced_bound

log = logging.getLogger(__name__)

WHOLE_LIMIT = 150_000  # variables: HiGHS and CP-SAT over the whole formulation up to this size
L3_GAP = 0.01  # L3 is settled once proven within 1 % of its bound
# Of a stage's time, at most this much for the exchanges (solver/exchange.py) that start L2
# (EXCHANGE_SHARE) and L3 (SWAP_SHARE) from a better assignment; the race has the rest.
EXCHANGE_SHARE = 0.3
SWAP_SHARE = 0.15
# L3's restricted MIP: over the LP's support, the assignment's variables and each request's
# this many best-scoring slots (one round: measured on the corpus and generated instances,
# 5 in one round reached a higher L3 than rounds of 0, 3 then 5, in less time; docs/SOLVER.md).
BEST_SLOTS = 5


@dataclass
class Settled:
    values: list[int]
    l1: int
    bound: int  # proven upper bound on L1


class Stages:
    # Above CPSAT_LIMIT, what races the tuned HiGHS: HiGHS with its default settings (False),
    # or CP-SAT on LP-guided neighbourhoods (True). Measured on metro-2k-a (2026-11-30): HiGHS
    # alone proved L1 in 3.3 s; raced against the neighbourhoods it took 8.4 s, as their
    # Python work holds the GIL that HiGHS's progress callback waits for.
    neighbourhoods_race = False

    def __init__(self, f: Formulation, workers: int = 1,
                 full: dict[str, list[str]] | None = None, generated: Generated | None = None):
        """`full`: when `f` is formulated over some of its part's eligible pairs only
        (solver/restrict.py), every eligible pair of the part: L1's bound is then priced over
        all of them, and no bound proven over `f` alone is claimed for any stage. `generated`:
        its column generation, whose LP solution and priced bound L1 starts from."""
        self.f = f
        self.full = full
        self.generated = generated
        self.workers = workers
        self.whole = f.size <= WHOLE_LIMIT
        self.goals = objectives.goals(f)
        self.weights = self.goals.weights
        self.colleges = self.goals.colleges
        self.keep = Keep()
        self.records: list[StageRecord] = []
        self._l1_support: _InThread | None = None

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

    def count_requests_of(self, problem) -> None:
        """L2's rates over `problem`'s requests (the piece this formulation is the only part
        with choices of), not over the formulation's own: a college's requests that have no
        eligible slot count among its requested as unplaced."""
        self.colleges = objectives.Colleges(problem.requested_by_college(),
                                            self.colleges.placed_by)
        self.goals = objectives.Goals(self.weights, self.colleges, self.goals.scores)

    def settle_level(self, l1: int | None = None, l2: list[int] | None = None) -> None:
        """Keep a settled level in later stages (CP-SAT models and the LP alike): L1's value,
        or the assignment whose L2 is settled (kept as each college's fewest placements)."""
        built = "lp" in self.__dict__
        if l1 is not None:
            self.keep.l1 = l1
            if built:
                self.lp.keep_at_least(self.weights, l1)
        if l2 is not None:
            self.keep.l2 = objectives.lowest_rate(self.colleges, l2)
            self.keep.counts = objectives.at_least(self.colleges, l2)
            if built:
                self.lp.keep_lowest_rate(self.colleges, self.keep.l2)

    def placed(self, deadline: float) -> Settled:
        """L1: the most weighted placements, with a proven bound."""
        began = time.perf_counter()
        f = self.f
        greedy = warm_start(f)
        # Every request that has a choice placed bounds L1.
        bound = sum(f.problem.requests[r].priority for r in f.vars_of)
        values, relaxed = greedy, None
        if self.generated is not None and self.generated.bound is not None:
            bound = min(bound, l1_bound(Relaxed(self.generated.bound, [])))
        if objectives.value(self.weights, greedy) < bound and (not self.whole
                                                               or self.full is not None):
            if self.generated is not None and self.generated.relaxed is not None:
                relaxed = self.generated.relaxed
            else:
                relaxed = self.lp.maximize(self.weights, deadline - time.perf_counter(),
                                           duals=self.full is not None)
            if relaxed is not None:
                bound = min(bound, self._lp_bound(relaxed))
                if not self.whole:
                    # Search from the LP's own rounding: the neighbourhoods are where it
                    # disagrees with the LP, a handful of places, not everywhere the greedy
                    # fill went its way.
                    values = _rounded(f, relaxed.x)
        if objectives.value(self.weights, values) < bound:
            if self.whole and self.full is None:
                # L1's LP support, which L2's search starts from (solver/fairness.py), solved
                # beside L1's race: there when L2 starts, not 0.7 s of CPU later (metro-2k-a).
                self._l1_support = _InThread("L1's LP support",
                                           lambda: l1_support(f, self.goals, deadline))
            seeds = disagreement(f, relaxed.x, values) if relaxed and not self.whole else []
            values, proved = self._search("placed", values, seeds, deadline,
                                          lambda v: objectives.value(self.weights, v), bound)
            if proved is not None and self.full is None:
                bound = min(bound, proved)
            elif self.whole and self.full is None and time.perf_counter() < deadline:
                # The backends proved nothing: the LP bounds L1, if time is left.
                relaxed = self.lp.maximize(self.weights, deadline - time.perf_counter())
                if relaxed is not None:
                    bound = min(bound, l1_bound(relaxed))
        if objectives.value(self.weights, greedy) > objectives.value(self.weights, values):
            values = greedy
        l1 = objectives.value(self.weights, values)
        log.debug("placed: %d requests, %d variables: L1 %d, bound %d",
                  len(f.problem.requests), f.size, l1, bound)
        self.records.append(record("placed", time.perf_counter() - began, l1, bound))
        self.settle_level(l1=l1)
        return Settled(values, l1, bound)

    def _lp_bound(self, relaxed: Relaxed) -> int:
        """L1's bound from the LP: its optimum, or over a restricted part the priced bound."""
        if self.full is None:
            return l1_bound(relaxed)
        began = time.perf_counter()
        priced = priced_bound(self.f, self.full, relaxed.duals)
        log.debug("placed: LP %.1f over %d of %d pairs, priced over all: %.1f (%.1f s)",
                  relaxed.value, self.f.size, sum(map(len, self.full.values())), priced,
                  time.perf_counter() - began)
        return l1_bound(Relaxed(priced, []))

    def fair_then_preferred(self, values: list[int], halfway: float, deadline: float,
                            settled: Callable[[StageRecord], None]) -> list[int]:
        """L2, then L3, each record handed to `settled` as the stage settles (L2's before
        L3's). Over a whole formulation L2's proof by targets runs beside L3 (`_beside`);
        otherwise L2 has until `halfway`, then L3 until `deadline`."""
        if self.whole and self.full is None:
            return self._beside(values, halfway, deadline, settled)
        values = self.fairness(values, halfway)
        settled(self.records[-1])
        values = self.preferences(values, deadline)
        settled(self.records[-1])
        return values

    def _beside(self, values: list[int], halfway: float, deadline: float,
                settled: Callable[[StageRecord], None]) -> list[int]:
        """L2's proof by discrete targets (solver/fairness.py) in a thread of its own, while L3
        is settled from the exchanges' assignment with their lowest rate kept. The exchanges
        reach L2's optimum on most dense instances (docs/SOLVER.md), so L3 need not wait for
        the proof; when the proof finds a higher rate, L3 is stopped and settled again at once
        from that assignment, with the time left. Until `halfway` at most for the exchanges'
        share."""
        began = time.perf_counter()
        score = lambda v: objectives.lowest_rate(self.colleges, v)  # noqa: E731
        values = raise_lowest(self.f, self.goals, values,
                              began + max(0.0, halfway - began) * EXCHANGE_SHARE)
        log.debug("fairness: exchanges reached %d in %.1f s", score(values),
                  time.perf_counter() - began)
        lock = threading.Lock()
        fairest = [values]  # the exchanges' assignment, then each higher one the proof finds
        raised = threading.Event()
        l2: list[StageRecord] = []  # its record, once settled (by whichever thread is first)

        def higher(found: list[int]) -> None:
            with lock:
                if not l2:  # once L2 is reported, it stays as reported
                    fairest.append(found)
                    raised.set()

        proof = Proof(self.f, self.goals, self.keep, higher,
                      None if self._l1_support is None else self._l1_support.result)

        def settle_l2(bound: int | None) -> None:
            # Reported under the lock, so that L3's report (under it too) always follows.
            with lock:
                if not l2:
                    l2.append(record("fairness", time.perf_counter() - began,
                                     score(fairest[-1]), bound))
                    settled(l2[0])

        def prove() -> None:
            result = None
            try:
                result = proof.solve(values, deadline - time.perf_counter())
                if result is not None and score(result.values) > score(fairest[-1]):
                    higher(result.values)
            finally:  # reported even if the proof failed: then as not proven
                settle_l2(None if result is None else result.bound)

        thread = threading.Thread(target=prove, name=f"{BACKEND} fairness proof")
        thread.start()
        start = values
        while True:
            self.settle_level(l2=start)
            l3 = self.preferences(start, deadline, cancel=raised)
            while thread.is_alive() and not raised.is_set() and time.perf_counter() < deadline:
                thread.join(0.05)
            if thread.is_alive() and not raised.is_set():
                # HiGHS past its deadline: left to end, L2 not proven
                proof.cancel()
                thread.join(GRACE)
                settle_l2(None)
            with lock:
                raised.clear()
                if fairest[-1] is start:
                    break
                start = fairest[-1]  # a higher L2: L3 again, from it, with its rate kept
            self.records.pop()
        with lock:
            self.records.insert(-1, l2[0])
            settled(self.records[-1])
        return l3

    def fairness(self, values: list[int], deadline: float) -> list[int]:
        """L2 with L1 kept, the lowest college placement rate, where it is not proven beside
        L3: a part settled by neighbourhoods (bounded by its LP), or formulated over restricted
        pairs (no bound)."""
        began = time.perf_counter()
        log.debug("fairness: %d variables, %.1f s left", self.f.size,
                  deadline - time.perf_counter())
        score = lambda v: objectives.lowest_rate(self.colleges, v)  # noqa: E731
        values = raise_lowest(self.f, self.goals, values,
                              began + max(0.0, deadline - began) * EXCHANGE_SHARE)
        log.debug("fairness: exchanges reached %d in %.1f s", score(values),
                  time.perf_counter() - began)
        relaxed = None if self.whole else self.lp.maximize_lowest_rate(
            self.colleges, deadline - time.perf_counter())
        bound = math.floor(relaxed.value + 1e-6) if relaxed and self.full is None else None
        if score(values) < (objectives.FAIRNESS_SCALE if bound is None else bound):
            seeds = disagreement(self.f, relaxed.x, values) if relaxed else []
            values, _ = self._search("fairness", values, seeds, deadline, score, bound)
        elif self.full is None:
            bound = score(values)
        self.records.append(record("fairness", time.perf_counter() - began, score(values),
                                   bound))
        self.settle_level(l2=values)
        return values

    def preferences(self, values: list[int], deadline: float,
                    cancel: threading.Event | None = None) -> list[int]:
        """L3 with L1 and L2 kept: continuity, preferred sites, travel (stopped early when
        `cancel` is set)."""
        began = time.perf_counter()
        log.debug("preferences: %d variables, %.1f s left", self.f.size,
                  deadline - time.perf_counter())
        scores = self.goals.scores
        score = lambda v: objectives.value(scores, v)  # noqa: E731
        if not self.whole:
            # Where the search is CP-SAT's neighbourhoods, from the swaps' assignment. A whole
            # formulation's search over the LP's support reaches as high without them
            # (docs/SOLVER.md), and their Python holds the GIL HiGHS's callbacks wait for.
            left = max(0.0, deadline - began)
            values = swap_in(self.f, self.goals, values, began + left * SWAP_SHARE)
            log.debug("preferences: exchanges reached %d in %.1f s", score(values),
                      time.perf_counter() - began)
        values, bound = self._search("preferences", values, [] if self.whole else
                                     better_slots(self.f, scores, values), deadline, score,
                                     rel_gap=L3_GAP, cancel=cancel)
        if self.full is not None:  # proven over the restricted pairs only
            bound = None
        self.records.append(record("preferences", time.perf_counter() - began, score(values),
                                   bound, L3_GAP))
        return values

    def _supported(self, values: list[int], deadline: float, stop: Stop, improved
                   ) -> list[int]:
        """An L3 assignment for the race against HiGHS on the whole L3 model: HiGHS over the
        variables of the LP solution's support, the current assignment's and each request's
        BEST_SLOTS best-scoring slots, with every college's placements per priority kept as
        they are (so L1 and L2 are kept exactly, `Mip(classes_of=…, only=…)`). A restriction:
        its bound is not the stage's; the LP is that of the restricted model over every
        variable."""
        began = time.perf_counter()
        scores = self.goals.scores
        x = Mip(self.f, self.goals, self.keep, "preferences", classes_of=values).relaxed(
            deadline - time.perf_counter())
        if x is None or stop.is_set():
            return values
        only = {v for v, y in enumerate(values) if y}
        only.update(np.flatnonzero(x[:self.f.size] > SUPPORT).tolist())
        for vs in self.f.vars_of.values():
            only.update(sorted(vs, key=lambda v: -scores[v])[:BEST_SLOTS])
        mip = Mip(self.f, self.goals, self.keep, "preferences", classes_of=values, only=only)
        stop.halt = mip.cancel
        result = None if stop.is_set() else mip.solve(values, deadline - time.perf_counter(),
                                                      L3_GAP)
        if result is not None and objectives.value(scores, result.values) > \
                objectives.value(scores, values):
            values = result.values
            improved(values)
        log.debug("preferences: LP support and %d best slots each, %d variables: %d in %.1f s",
                  BEST_SLOTS, len(only), objectives.value(scores, values),
                  time.perf_counter() - began)
        return values

    def _search(self, stage: str, values: list[int], seeds: list[int], deadline: float,
                score, goal: int | None = None, rel_gap: float = 0.0,
                cancel: threading.Event | None = None) -> tuple[list[int], int | None]:
        """Improve `values` on the stage's objective; also the proven bound on it when the
        whole formulation was decided (None otherwise)."""
        if self.whole:
            search = None
            rival = "cp-sat"
            if self.f.size > CPSAT_LIMIT and self.neighbourhoods_race:
                def search(hint, until, stop, improved):
                    return self._neighbourhoods(stage, hint, self._seeds(stage, hint, until),
                                                until, score, None, stop, improved)
            elif stage == "preferences":
                search = self._supported
            elif self.f.size > CPSAT_LIMIT:
                rival = "highs"
            result = race(stage, self.f, self.goals, self.keep, values, deadline, score,
                          rel_gap, self.workers, search, rival, cancel,
                          in_turn=stage == "preferences")
            if result is None:
                return values, None
            if score(result.values) < score(values):  # neither improved on the hint
                return values, result.bound
            return result.values, result.bound
        return self._neighbourhoods(stage, values, seeds, deadline, score, goal), None

    def _seeds(self, stage: str, values: list[int], deadline: float) -> list[int]:
        """Where a better assignment likely differs from `values`: for L1 and L2 where the LP
        solution of the stage disagrees with it, for L3 the better slots of placed requests."""
        if stage == "preferences":
            return better_slots(self.f, self.goals.scores, values)
        lp = Relaxation(self.f)  # its own: the race's other thread may be using self.lp
        if self.keep.l1 is not None:
            lp.keep_at_least(self.weights, self.keep.l1)
        left = deadline - time.perf_counter()
        relaxed = (lp.maximize(self.weights, left) if stage == "placed"
                   else lp.maximize_lowest_rate(self.colleges, left))
        return disagreement(self.f, relaxed.x, values) if relaxed else []

    def _neighbourhoods(self, stage: str, values: list[int], seeds: list[int], deadline: float,
                        score, goal: int | None = None, stop: Stop | None = None,
                        improved=None) -> list[int]:
        """CP-SAT on neighbourhoods of the seeds, each round's solution kept when better, while
        seeds and time remain (and until `stop` is set; `improved` hears each better one)."""
        best = score(values)
        while (seeds and time.perf_counter() < deadline and (goal is None or best < goal)
               and not (stop is not None and stop.is_set())):
            began = time.perf_counter()
            free = around(self.f, seeds, values)
            model = Model(self.f, self.goals, self.keep, free=free, base=values,
                          workers=self.workers)
            if stop is not None:
                stop.halt = model.stop  # so that the race can end its search
            result = self._run(stage, model, values, deadline)
            if result is not None and score(result.values) > best:
                values, best = result.values, score(result.values)
                if improved is not None:
                    improved(values)
            done = set(free)
            seeds = [v for v in seeds if v not in done]
            log.debug("%s: %d of %d variables free, %s, now %s, %d seeds left, %.1f s", stage,
                      len(free), self.f.size, result.status if result else "no solution", best,
                      len(seeds), time.perf_counter() - began)
        return values

    @staticmethod
    def _run(stage: str, model: Model, hint: list[int], deadline: float) -> StageResult | None:
        return getattr(model, stage)(hint, deadline - time.perf_counter())


class _InThread:
    """Work done in a thread of its own (a backend's: the process's exit need not wait for
    it), its result waited for until a deadline."""

    def __init__(self, name: str, work: Callable[[], object]):
        self._result = None
        self._thread = threading.Thread(target=self._run, args=(work,),
                                        name=f"{BACKEND} {name}")
        self._thread.start()

    def _run(self, work: Callable[[], object]) -> None:
        self._result = work()

    def result(self, deadline: float):
        """The result, or None if the work has not ended by `deadline`."""
        self._thread.join(max(0.0, deadline - time.perf_counter()))
        return self._result


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
