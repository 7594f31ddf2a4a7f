"""Greedy placement over a formulation: the first-come-first-served baseline, the warm start
(hint) for CP-SAT, the repair pass that fills any seat a time-limited solve left open, and the
moves that start L3 (each placed request to a better slot with room)."""

from __future__ import annotations

import time
from collections.abc import Iterable

from solver.formulation import Formulation


class Loads:
    """Running left-hand sides of every constraint, to test a variable in O(its constraints)."""

    def __init__(self, f: Formulation, values: list[int] | None = None):
        self.f = f
        self.of_var = f.rows_of
        self.load = [0] * len(f.at_most)
        self.values = [0] * f.size
        for v, value in enumerate(values or []):
            if value:
                self.take(v)

    def fits(self, v: int) -> bool:
        return all(self.load[i] + self.f.at_most[i][0][v] <= self.f.at_most[i][1]
                   for i in self.of_var[v])

    def blocking(self, v: int) -> list[str]:
        """The kinds of the constraints that leave no room for variable v."""
        return [self.f.at_most[i][2] for i in self.of_var[v]
                if self.load[i] + self.f.at_most[i][0][v] > self.f.at_most[i][1]]

    def take(self, v: int) -> None:
        self.values[v] = 1
        for i in self.of_var[v]:
            self.load[i] += self.f.at_most[i][0][v]

    def drop(self, v: int) -> None:
        self.values[v] = 0
        for i in self.of_var[v]:
            self.load[i] -= self.f.at_most[i][0][v]


def placed_requests(f: Formulation, values: list[int]) -> set[str]:
    return {r for v, value in enumerate(values) if value for r in f.members[v]}


def fill(f: Formulation, request_order: Iterable[str], values: list[int] | None = None
         ) -> list[int]:
    """Place each request in order into its first variable that fits; locked ones first."""
    loads = Loads(f, values)
    for v in f.fixed:
        if not loads.values[v]:
            loads.take(v)
    done = placed_requests(f, loads.values)
    for r in request_order:
        if r in done:
            continue
        for v in f.vars_of.get(r, ()):
            if loads.fits(v):
                loads.take(v)
                done.update(f.members[v])
                break
    return loads.values


def warm_start(f: Formulation) -> list[int]:
    """Higher priority first, then the requests with the fewest choices."""
    choices: dict[str, int] = {}
    for (r, _) in f.var_of:
        choices[r] = choices.get(r, 0) + 1
    order = sorted(f.problem.requests, key=lambda r: (-f.problem.requests[r].priority,
                                                      choices.get(r, 0)))
    return fill(f, order)


def better_moves(f: Formulation, scores: list[int], values: list[int],
                 deadline: float | None = None) -> list[int]:
    """Each placed request (a cohort as one) moved, in turn, to its best-scoring slot that has
    room once it has left its own, until no move scores higher (or `deadline`). Who is placed
    does not change, so L1 and L2 stay as they are; locked variables stay."""
    loads = Loads(f, values)
    moved = True
    while moved and (deadline is None or time.perf_counter() < deadline):
        moved = False
        for u in [v for v, x in enumerate(loads.values) if x and v not in f.fixed]:
            if deadline is not None and time.perf_counter() >= deadline:
                break
            better = sorted((w for w in f.vars_of.get(f.members[u][0], ())
                             if scores[w] > scores[u] and f.members[w] == f.members[u]),
                            key=lambda w: -scores[w])
            if not better:
                continue
            loads.drop(u)
            target = next((w for w in better if loads.fits(w)), u)
            loads.take(target)
            moved = moved or target != u
    return loads.values
