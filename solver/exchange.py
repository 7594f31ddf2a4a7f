"""Exchanges over an assignment that keep the levels settled before: they start L2 and L3 from a
better assignment than the one the stage before left, in a fraction of a MIP's time.

- `raise_lowest` (L2): an unplaced request of a college at the lowest rate takes a seat, along
  a chain of moves (each request of the chain takes the seat the next one leaves), and the last
  request of the chain is either seated where there is room or left out, if it has no higher
  priority than the first and its college stays above the lowest rate. L1 does not go down and
  the lowest rate does not either; repeated while chains are found. `raise_lowest_across` does
  the same over several parts that share colleges (solver/across_parts.py).
- `swap_in` (L3): an unplaced request takes a placed one's seat when both are of the same
  college and priority and it scores higher there (so L1 and every college's rate stay as they
  are), and every placed request moves to a better slot with room (`greedy.better_moves`).

Cohort groups and locked variables are left as they are. Every move is checked on the rows
(`greedy.Loads`) before it is kept, so every assignment is feasible.
"""

from __future__ import annotations

import time

from solver.formulation import Formulation
from solver.greedy import Loads, better_moves
from solver.objectives import Goals

CHAIN_DEPTH = 3  # moves in one chain beyond the first seat


class _State:
    def __init__(self, f: Formulation, values: list[int]):
        self.f = f
        self.loads = Loads(f, values)
        problem = f.problem
        self.college = {r: problem.students[q.student].college
                        for r, q in problem.requests.items()}
        self.priority = {r: q.priority for r, q in problem.requests.items()}
        # Variables that place one request and may move: not a group's, not locked.
        self.single = [len(m) == 1 and v not in f.fixed for v, m in enumerate(f.members)]
        self.holds: dict[str, int] = {}  # placed request -> its variable
        for v, x in enumerate(self.loads.values):
            if x:
                for r in f.members[v]:
                    self.holds[r] = v

    def take(self, v: int) -> None:
        self.loads.take(v)
        self.holds[self.f.members[v][0]] = v

    def drop(self, v: int) -> None:
        self.loads.drop(v)
        del self.holds[self.f.members[v][0]]

    def evictable(self, w: int) -> list[int]:
        """Placed single variables whose leaving makes room for `w`: in every row that leaves
        `w` no room."""
        f, loads = self.f, self.loads
        full = [i for i in f.rows_of[w]
                if loads.load[i] + f.at_most[i][0][w] > f.at_most[i][1]]
        if not full:
            return []
        first, *others = full
        found = [u for u in f.at_most[first][0] if u != w and loads.values[u] and self.single[u]]
        return [u for u in found if all(u in f.at_most[i][0] for i in others)]


def raise_lowest(f: Formulation, goals: Goals, values: list[int], deadline: float
                 ) -> list[int]:
    """L2 raised by chains of moves, L1 kept (see the module's docstring)."""
    return raise_lowest_across([(f, values)], goals.colleges.requested, deadline)[0]


def raise_lowest_across(parts: list[tuple[Formulation, list[int]]], requested: dict[str, int],
                        deadline: float, deepen: bool = False) -> list[list[int]]:
    """`raise_lowest` over several parts (a formulation and its assignment each) whose
    colleges' rates count the placements of all of them: `requested` counts every request of
    each college, in these parts or elsewhere. A chain stays within one part, so each part's
    L1 is kept, and the lowest rate over all of them does not go down. `deepen`: when no chain
    of CHAIN_DEPTH moves is found, look for chains twice as long, and so on (a chain never
    visits a request twice, so one longer than the requests placed is as long as any)."""
    states = [_State(f, values) for f, values in parts]
    placed = dict.fromkeys(requested, 0)
    for s in states:
        for r in s.holds:
            placed[s.college[r]] += 1
    unplaced = sorted(((s, r) for s in states for r in s.f.problem.requests
                       if r not in s.holds and any(s.single[v] for v in s.f.vars_of.get(r, ()))),
                      key=lambda sr: -sr[0].priority[sr[1]])

    def rate(college: str, change: int = 0) -> float:
        return (placed[college] + change) / requested[college]

    def raise_one(college: str, lowest: float, depth: int) -> bool:
        for s, q in unplaced:
            if s.college[q] != college or q in s.holds:
                continue
            left = _seat(s, q, q, lowest, rate, depth, set(), deadline)
            if left is not False:
                placed[college] += 1
                if left is not None:
                    placed[s.college[left]] -= 1
                return True
        return False

    depth = CHAIN_DEPTH
    while time.perf_counter() < deadline:
        lowest = min(rate(c) for c in requested)
        # Every college at the lowest rate must rise for the lowest rate to rise.
        if not all(raise_one(c, lowest, depth) for c in sorted(requested)
                   if rate(c) == lowest):
            if not deepen or depth > sum(len(s.holds) for s in states):
                break
            depth *= 2
    return [s.loads.values for s in states]


def _seat(s: _State, r: str, first: str, lowest: float, rate, depth: int,
          seen: set[str], deadline: float) -> str | None | bool:
    """Seat request `r` (unplaced) along a chain; the request left out at its end (None when
    everyone kept a seat), or False, with nothing changed, when no chain was found."""
    seen.add(r)
    options = [v for v in s.f.vars_of.get(r, ()) if s.single[v]]
    for w in options:
        if s.loads.fits(w):
            s.take(w)
            return None
    if depth == 0 or time.perf_counter() >= deadline:
        return False
    for w in options:
        for u in s.evictable(w):
            other = s.f.members[u][0]
            if other in seen:
                continue
            s.drop(u)
            if not s.loads.fits(w):
                s.take(u)
                continue
            s.take(w)
            if (s.priority[other] <= s.priority[first]
                  and s.college[other] != s.college[first]
                  and rate(s.college[other], -1) > lowest):
                return other
            left = _seat(s, other, first, lowest, rate, depth - 1, seen, deadline)
            if left is not False:
                return left
            s.drop(w)
            s.take(u)
    return False


def swap_in(f: Formulation, goals: Goals, values: list[int], deadline: float) -> list[int]:
    """L3 raised by moves and by swaps within a college and priority, L1 and L2 kept."""
    scores = goals.scores
    values = better_moves(f, scores, values, deadline)
    s = _State(f, values)
    vars_of = f.vars_of
    improved = True
    while improved and time.perf_counter() < deadline:
        improved = False
        for q in f.problem.requests:
            if q in s.holds or time.perf_counter() >= deadline:
                continue
            for w in sorted((v for v in vars_of.get(q, ()) if s.single[v]),
                            key=lambda v: -scores[v]):
                best = None
                for u in s.evictable(w):
                    other = f.members[u][0]
                    if (s.college[other] == s.college[q] and s.priority[other] == s.priority[q]
                            and scores[w] > scores[u] and (best is None
                                                           or scores[u] < scores[best])):
                        best = u
                if best is None:
                    continue
                s.drop(best)
                if s.loads.fits(w):
                    s.take(w)
                    improved = True
                    break
                s.take(best)
        if not improved:
            break
        values = better_moves(f, scores, s.loads.values, deadline)
        s = _State(f, values)
    return s.loads.values
