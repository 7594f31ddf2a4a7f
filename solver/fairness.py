"""L2 across parts that share colleges: the lowest college rate over a whole piece too large to
formulate whole (above GLOBAL_LIMIT, solver/allocate.py), each part's L1 kept.

The parts are independent but for the colleges' counts, so:

- **The assignment** is raised by chains of moves within each part, picked by the colleges' rates
  over every part (`exchange.raise_lowest_across`): each part's L1 is kept, and the lowest rate
  over the piece never goes down.
- **The bound** (`rate_bound`) is the largest rate t at which a network relaxation of the parts
  can place ⌈t·n_c⌉ requests of every college c (n_c: all its requests in the piece): source →
  college → request (1) → slot (its capacity, H1 and H3) → the first preceptor row over the
  slot (its limit, H5) → sink. Each slot meets one preceptor row there and a student's rows
  (H4), a cohort's sharing and locked entries are left out, so every assignment of the parts is
  a flow of the network and no assignment has a lowest rate above it. Whether the counts of a
  rate fit is one maximum flow (OR-Tools); the largest rate that fits is found by bisection,
  and one not yet ruled out when time is up is still a bound.
- **What L3 keeps** (`required`): the counts of each college in each part that make up the
  settled rate, so the parts' L3, settled apart, keep the lowest rate over the piece.
"""

from __future__ import annotations

import time

import numpy as np
from ortools.graph.python import max_flow

from solver.formulation import Formulation
from solver.objectives import FAIRNESS_SCALE

SOURCE, SINK = 0, 1


def requests_of_colleges(problem) -> dict[str, int]:
    """Every college's number of requests in `problem`."""
    requested: dict[str, int] = {}
    for r in problem.requests.values():
        college = problem.students[r.student].college
        requested[college] = requested.get(college, 0) + 1
    return requested


def needed(requested: dict[str, int], rate: int) -> dict[str, int]:
    """How many requests of each college a lowest rate of `rate` (scaled) places at least."""
    return {c: -(-rate * n // FAIRNESS_SCALE) for c, n in requested.items()}


class _Network:
    """The network relaxation of the parts (see the module's docstring), its college arcs last."""

    def __init__(self, parts: list[Formulation], colleges: list[str]):
        index = {c: 2 + i for i, c in enumerate(colleges)}
        nodes = 2 + len(colleges)
        tails: list[int] = []
        heads: list[int] = []
        caps: list[int] = []
        for f in parts:
            requests = {r: nodes + i for i, r in enumerate(f.vars_of)}
            nodes += len(requests)
            slots = {s: nodes + i for i, s in enumerate(dict.fromkeys(f.slot_of))}
            nodes += len(slots)
            for r, node in requests.items():
                tails.append(index[f.problem.students[f.problem.requests[r].student].college])
                heads.append(node)
            for r, slot in f.var_of:
                tails.append(requests[r])
                heads.append(slots[slot])
            caps += [1] * (len(tails) - len(caps))
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
        self.first = len(tails)
        tails += [SOURCE] * len(colleges)
        heads += list(index.values())
        caps += [0] * len(colleges)
        self.colleges = colleges
        self.flow = max_flow.SimpleMaxFlow()
        self.flow.add_arcs_with_capacity(np.array(tails, dtype=np.int32),
                                         np.array(heads, dtype=np.int32),
                                         np.array(caps, dtype=np.int64))

    def fits(self, counts: dict[str, int]) -> bool:
        """Whether the network places at least `counts[c]` requests of every college c."""
        for i, c in enumerate(self.colleges):
            self.flow.set_arc_capacity(self.first + i, counts[c])
        if self.flow.solve(SOURCE, SINK) != self.flow.OPTIMAL:
            raise RuntimeError("maximum flow failed")
        return self.flow.optimal_flow() == sum(counts.values())


def rate_bound(parts: list[Formulation], requested: dict[str, int], reached: int,
               deadline: float) -> int:
    """A proven upper bound on the lowest college rate (scaled) of any assignment of `parts`,
    `requested` counting every request of each college; `reached`: a rate some assignment has
    (where the bisection starts)."""
    network = _Network(parts, sorted(requested))
    low, high = reached, FAIRNESS_SCALE  # `low` fits; every rate above `high` does not
    while low < high and time.perf_counter() < deadline:
        middle = (low + high + 1) // 2
        if network.fits(needed(requested, middle)):
            low = middle
        else:
            high = middle - 1
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
