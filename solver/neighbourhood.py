"""Neighbourhoods: the variables CP-SAT decides when a part is too large to decide whole.

A neighbourhood grows from seed variables where a better assignment is likely to differ from the
current one. For L1 and L2 they are where an LP solution (solver/relaxation.py), integral almost
everywhere on these problems, disagrees with the assignment; for L3, a placed request's slots
that score higher than the one it holds. CP-SAT decides the requests of the seeds, the requests
holding a seat in a constraint they touch (they may have to move), and the unplaced requests
wanting one (they may take a freed seat), with every other variable held at its current value
(solver/cpsat.py).
"""

from __future__ import annotations

from solver.formulation import Formulation

LIMIT = 30_000  # free variables in one neighbourhood: CP-SAT settles this many in seconds


def disagreement(f: Formulation, x: list[float], values: list[int]) -> list[int]:
    """Variables where the LP solution and the assignment differ, most different first."""
    seeds = [v for v in range(f.size) if abs(x[v] - values[v]) > 1e-6]
    return sorted(seeds, key=lambda v: -abs(x[v] - values[v]))


def better_slots(f: Formulation, scores: list[int], values: list[int]) -> list[int]:
    """For L3, whose LP costs more than it guides: each placed request's variables that score
    higher than the one it holds, the biggest gain first."""
    held = {r: v for v, value in enumerate(values) if value for r in f.members[v]}
    gains = {w: scores[w] - scores[u] for r, u in held.items() for w in f.vars_of.get(r, ())
             if scores[w] > scores[u]}
    return sorted(gains, key=lambda w: -gains[w])


def around(f: Formulation, seeds: list[int], values: list[int], limit: int = LIMIT
           ) -> list[int]:
    """The free variables of the neighbourhood of `seeds` (in their order, until `limit`)."""
    placed = {r for v, value in enumerate(values) if value for r in f.members[v]}
    requests: set[str] = set()
    free: set[int] = set()

    def add(r: str) -> None:
        pending = [r]
        while pending:  # a cohort's shared variables free all its members together
            q = pending.pop()
            if q in requests:
                continue
            requests.add(q)
            for v in f.vars_of.get(q, ()):
                free.add(v)
                pending += f.members[v]

    for seed in seeds:
        if len(free) >= limit:
            break
        for r in f.members[seed]:
            add(r)
        for i in f.rows_of[seed]:
            for v in f.at_most[i][0]:
                if values[v] or not placed.issuperset(f.members[v]):
                    for r in f.members[v]:
                        add(r)
    return sorted(free)
