"""L2 across parts that share colleges: the lowest college rate over a whole piece too large to
formulate whole (above GLOBAL_LIMIT, solver/allocate.py), each part's L1 kept.

The parts are independent but for the colleges' counts, so:

- **The assignment** is raised by chains of moves within each part, picked by the colleges' rates
  over every part (`exchange.raise_lowest_across`): each part's L1 is kept, and the lowest rate
  over the piece never goes down.
- **The bound** (`rate_bound`) is the largest rate t at which a network relaxation of the parts
  places ⌈t·n_c⌉ requests of every college c (n_c: all its requests in the piece) with the
  parts' L1 summed: source → college → request (1; its priority placed) → slot (its capacity:
  H1, H3) → the first preceptor row over the slot (its limit: H5) → sink. A slot meets one
  preceptor row there; a student's rows (H4), a cohort's sharing, locked entries and each
  part's own L1 (only their sum) are left out. So every assignment of the parts that keeps
  their L1 is a flow of the network at least as heavy, and none has a lowest rate above the
  bound. Whether a rate's counts fit is one maximum flow (OR-Tools), then, from the rate so
  found down, whether they fit with the weight is one minimum-cost flow; each largest rate is
  found by bisection, and the lowest rate not yet ruled out when time is up is still a bound.
- **What L3 keeps** (`required`): the counts of each college in each part that make up the
  settled rate (a part's `Keep.counts`), so the parts' L3, settled apart, keep the lowest rate
  over the piece.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
from ortools.graph.python import max_flow, min_cost_flow

from solver.exchange import raise_lowest_across
from solver.formulation import Formulation
from solver.instance import Problem
from solver.objectives import FAIRNESS_SCALE
from solver.solution import lowest_rate

SOURCE, SINK, SPARE = 0, 1, 2
# Of the time to raise the lowest rate across parts, at least this much for its bound.
BOUND_SHARE = 0.4

Parts = list[tuple[Formulation, list[int]]]  # each part's formulation and its assignment


def raised(parts: Parts, problem: Problem, deadline: float, bounded: bool = True
           ) -> tuple[Parts, int, int | None]:
    """The lowest college rate over `problem` (every request of each college counted) raised by
    chains within the parts, each part's L1 kept; the parts as raised, their lowest rate and,
    when `bounded`, its bound by the network relaxation (BOUND_SHARE of the time at least),
    all by `deadline`."""
    began = time.perf_counter()
    requested = problem.requested_by_college()
    parts = list(zip([f for f, _ in parts], raise_lowest_across(
        parts, requested, began + (deadline - began) * (1 - BOUND_SHARE), deepen=True),
        strict=True))
    rate = lowest_rate(problem, assignment(parts))
    if not bounded:
        return parts, rate, None
    weight = sum(f.weight(v) for f, values in parts for v, x in enumerate(values) if x)
    return parts, rate, rate_bound([f for f, _ in parts], weight, requested, rate, deadline)


def assignment(parts: Parts) -> dict[str, str]:
    """The parts' assignments as one: request -> slot."""
    return {r: f.slot_of[v] for f, values in parts for v, x in enumerate(values) if x
            for r in f.members[v]}


def needed(requested: dict[str, int], rate: int) -> dict[str, int]:
    """How many requests of each college a lowest rate of `rate` (scaled) places at least."""
    return {c: -(-rate * n // FAIRNESS_SCALE) for c, n in requested.items()}


class _Network:
    """The network relaxation of the parts (see the module's docstring)."""

    def __init__(self, parts: list[Formulation], colleges: list[str]):
        self.colleges = colleges
        self.node = {c: 3 + i for i, c in enumerate(colleges)}
        self.reach = dict.fromkeys(colleges, 0)  # requests with an arc, per college
        nodes = 3 + len(colleges)
        tails: list[int] = []
        heads: list[int] = []
        caps: list[int] = []
        costs: list[int] = []  # the priority of a request placed, negated
        for f in parts:
            requests = {r: nodes + i for i, r in enumerate(f.vars_of)}
            nodes += len(requests)
            slots = {s: nodes + i for i, s in enumerate(dict.fromkeys(f.slot_of))}
            nodes += len(slots)
            for r, node in requests.items():
                request = f.problem.requests[r]
                college = f.problem.students[request.student].college
                self.reach[college] += 1
                tails.append(self.node[college])
                heads.append(node)
                costs.append(-request.priority)
            for r, slot in f.var_of:
                tails.append(requests[r])
                heads.append(slots[slot])
            caps += [1] * (len(tails) - len(caps))
            costs += [0] * (len(tails) - len(costs))
            limited: dict[str, int] = {}  # slot -> the node of its preceptor row
            for coefs, ub, kind in f.at_most:
                if kind == "preceptor":
                    for v in coefs:
                        limited.setdefault(f.slot_of[v], nodes)
                    tails.append(nodes)
                    heads.append(SINK)
                    caps.append(ub)
                    nodes += 1
            for slot, node in slots.items():
                tails.append(node)
                heads.append(limited.get(slot, SINK))
                caps.append(f.problem.slots[slot].capacity)
            costs += [0] * (len(tails) - len(costs))
        self.arcs = [np.array(a, dtype=np.int64) for a in (tails, heads, caps, costs)]
        self.first = len(tails)  # the arcs each check adds come after these

    def _with(self, tails: list[int], heads: list[int]) -> tuple[np.ndarray, ...]:
        """The arcs and these more after them (no capacity, no cost: set when used)."""
        more = (tails, heads, [0] * len(tails), [0] * len(tails))
        return tuple(np.concatenate([a, np.array(m, dtype=np.int64)]).astype(t)
                     for a, m, t in zip(self.arcs, more, (np.int32, np.int32, np.int64, np.int64),
                                        strict=True))

    def counts_fit(self) -> Callable[[dict[str, int]], bool]:
        """Whether the network places at least `counts[c]` requests of every college c: a
        maximum flow from a source with an arc to each college of its count."""
        tails, heads, caps, _ = self._with([SOURCE] * len(self.colleges),
                                           [self.node[c] for c in self.colleges])
        flow = max_flow.SimpleMaxFlow()
        flow.add_arcs_with_capacity(tails, heads, caps)

        def fits(counts: dict[str, int]) -> bool:
            for i, c in enumerate(self.colleges):
                flow.set_arc_capacity(self.first + i, counts[c])
            if flow.solve(SOURCE, SINK) != flow.OPTIMAL:
                raise RuntimeError("maximum flow failed")
            return flow.optimal_flow() == sum(counts.values())
        return fits

    def weight_fits(self, weight: int) -> Callable[[dict[str, int]], bool]:
        """Whether the network places the counts (as `counts_fit`) with priorities summing to
        `weight` or more: a minimum-cost flow where each college sends its count, and a spare
        source up to the rest of its requests to it (or straight to the sink)."""
        tails, heads, caps, costs = self._with(
            [SPARE] * (len(self.colleges) + 1), [self.node[c] for c in self.colleges] + [SINK])
        flow = min_cost_flow.SimpleMinCostFlow()
        flow.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
        spare = sum(self.reach.values())
        flow.set_arc_capacity(self.first + len(self.colleges), spare)
        flow.set_node_supply(SINK, -spare)

        def fits(counts: dict[str, int]) -> bool:
            if any(counts[c] > self.reach[c] for c in self.colleges):
                return False
            for i, c in enumerate(self.colleges):
                flow.set_node_supply(self.node[c], counts[c])
                flow.set_arc_capacity(self.first + i, self.reach[c] - counts[c])
            flow.set_node_supply(SPARE, spare - sum(counts.values()))
            status = flow.solve()
            if status not in (flow.OPTIMAL, flow.INFEASIBLE):
                raise RuntimeError("minimum cost flow failed")
            return status == flow.OPTIMAL and -flow.optimal_cost() >= weight
        return fits


def rate_bound(parts: list[Formulation], weight: int, requested: dict[str, int], reached: int,
               deadline: float) -> int:
    """A proven upper bound on the lowest college rate (scaled) of any assignment of `parts`
    whose priorities placed sum to `weight` or more (their L1 kept), `requested` counting
    every request of each college; `reached`: a rate such an assignment has. First over the
    counts alone (a maximum flow each, fast), then with the weight (a minimum-cost flow each)
    while time remains."""
    if time.perf_counter() >= deadline:  # no time to build the network: a rate of one
        return FAIRNESS_SCALE
    network = _Network(parts, sorted(requested))
    high = _largest(reached, FAIRNESS_SCALE, network.counts_fit(), requested, deadline)
    return _largest(reached, high, network.weight_fits(weight), requested, deadline)


def _largest(low: int, high: int, fits: Callable[[dict[str, int]], bool],
             requested: dict[str, int], deadline: float) -> int:
    """The largest rate up to `high` whose counts fit, by bisection from `low` (known to fit);
    when time is up, `high` as lowered so far (no rate above it fits). A check is not started
    when the last one would not have ended before the deadline (a flow cannot be stopped)."""
    spent = 0.0
    while low < high and time.perf_counter() + spent < deadline:
        began = time.perf_counter()
        middle = (low + high + 1) // 2
        if fits(needed(requested, middle)):
            low = middle
        else:
            high = middle - 1
        spent = time.perf_counter() - began
    return high


def required(parts: list[tuple[Formulation, list[int]]], requested: dict[str, int], rate: int
             ) -> list[dict[str, int]]:
    """For each part, how many requests of each college it keeps placed (colleges it need not
    keep any of left out): together at least what a lowest rate of `rate` needs, never more
    than each part places now."""
    left = needed(requested, rate)
    out = []
    for f, values in parts:
        placed: dict[str, int] = {}
        for v, x in enumerate(values):
            if x:
                for r in f.members[v]:
                    college = f.problem.students[f.problem.requests[r].student].college
                    placed[college] = placed.get(college, 0) + 1
        keep = {c: min(k, left[c]) for c, k in placed.items() if left.get(c, 0) > 0}
        for c, k in keep.items():
            left[c] -= k
        out.append(keep)
    return out
