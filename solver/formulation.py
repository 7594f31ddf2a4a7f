"""The allocation as 0/1 variables and linear constraints, one small function per family.

A variable is one (request, slot) choice; a cohort group shares one variable per slot among its
members (H6). H1, H3 and H5 are constraints here; H4 comes as pairs (`student_clashes`) that
the CP-SAT model adds for the few students with several requests whose windows meet. The same
formulation feeds CP-SAT (solver/cpsat.py) and the LP relaxation that bounds L1
(solver/bound.py; without H4, a relaxation, so the bound stays valid).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from domain.schedule import moment_sets, simultaneous
from solver.instance import Problem

Choice = tuple[str, str]  # (request id, slot id)


@dataclass
class Formulation:
    problem: Problem
    eligible: dict[str, list[str]]
    var_of: dict[Choice, int] = field(default_factory=dict)  # choice -> variable index
    members: list[list[str]] = field(default_factory=list)  # variable -> requests it places
    slot_of: list[str] = field(default_factory=list)  # variable -> slot
    # Each constraint: (variable -> coefficient, upper bound, kind) meaning Σ c·v <= ub; kind is
    # "request", "capacity", "preceptor" or "student" (what an unplaced request was blocked by).
    at_most: list[tuple[dict[int, int], int, str]] = field(default_factory=list)
    fixed: set[int] = field(default_factory=set)  # H7 locked variables (= 1)
    # H4 is enforced lazily (see `conflicts`): the variables of each student's requests.
    student_vars: dict[str, list[int]] = field(default_factory=dict)
    _meets: dict[tuple[str, str], bool] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.slot_of)

    def meets(self, a: str, b: str) -> bool:
        """Whether slots a and b are simultaneous (a slot meets itself), cached."""
        key = (a, b) if a <= b else (b, a)
        if key not in self._meets:
            self._meets[key] = a == b or simultaneous(self.problem.slots[a].schedule,
                                                      self.problem.slots[b].schedule)
        return self._meets[key]

    def placed_by(self, v: int) -> dict[str, str]:
        """Student -> the request of theirs that variable v places."""
        return {self.problem.requests[r].student: r for r in self.members[v]}

    def clash(self, u: int, v: int) -> bool:
        """H4: u and v place one student's different requests in simultaneous slots."""
        a, b = self.placed_by(u), self.placed_by(v)
        return (any(a[st] != b[st] for st in a.keys() & b.keys())
                and self.meets(self.slot_of[u], self.slot_of[v]))

    def student_clashes(self, student: str) -> list[tuple[int, int]]:
        """Every pair of this student's variables that H4 forbids together."""
        vs = self.student_vars.get(student, [])
        return [(u, v) for i, u in enumerate(vs) for v in vs[i + 1:] if self.clash(u, v)]

    def conflicts(self, values: list[int]) -> list[tuple[int, int]]:
        """The H4 violations of an assignment, as pairs of chosen variables."""
        out = []
        for vs in self.student_vars.values():
            chosen = [v for v in vs if values[v]]
            out += [(u, v) for i, u in enumerate(chosen) for v in chosen[i + 1:]
                    if self.clash(u, v)]
        return out

    def weight(self, v: int) -> int:
        """L1 weight: the priorities of the requests the variable places."""
        return sum(self.problem.requests[r].priority for r in self.members[v])


def build(problem: Problem, eligible: dict[str, list[str]]) -> Formulation:
    f = Formulation(problem, eligible)
    choices(f)
    one_slot_per_request(f)
    slot_capacity(f)
    preceptor_at_one_moment(f)
    students_with_several_requests(f)
    locked(f)
    return f


def _groups(problem: Problem) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = defaultdict(list)
    for r in problem.requests.values():
        if r.group is not None:
            groups[r.group].append(r.id)
    return groups


def choices(f: Formulation) -> None:
    """One variable per eligible (request, slot); a group's members share one per common slot."""
    def add(requests: list[str], slot: str) -> None:
        v = len(f.slot_of)
        f.slot_of.append(slot)
        f.members.append(requests)
        for r in requests:
            f.var_of[(r, slot)] = v

    grouped = set()
    for members in _groups(f.problem).values():
        grouped.update(members)
        common = set(f.eligible[members[0]]).intersection(*(f.eligible[m] for m in members[1:]))
        for slot in f.eligible[members[0]]:
            if slot in common and f.problem.slots[slot].capacity >= len(members):
                add(members, slot)
    for r, slots in f.eligible.items():
        if r not in grouped:
            for slot in slots:
                add([r], slot)


def _vars_by_request(f: Formulation) -> dict[str, set[int]]:
    out: dict[str, set[int]] = defaultdict(set)
    for (r, _), v in f.var_of.items():
        out[r].add(v)
    return out


def one_slot_per_request(f: Formulation) -> None:
    """H1 (and H6: a group's shared variables make it one choice for all its members)."""
    seen = set()
    for vs in _vars_by_request(f).values():
        key = frozenset(vs)
        if len(vs) > 1 and key not in seen:
            seen.add(key)
            f.at_most.append(({v: 1 for v in vs}, 1, "request"))


def _vars_by_slot(f: Formulation) -> dict[str, list[int]]:
    out: dict[str, list[int]] = defaultdict(list)
    for v, slot in enumerate(f.slot_of):
        out[slot].append(v)
    return out


def slot_capacity(f: Formulation) -> None:
    """H3: a slot holds at most `capacity` requests (a group counts each member)."""
    for slot, vs in _vars_by_slot(f).items():
        load = {v: len(f.members[v]) for v in vs}
        if sum(load.values()) > f.problem.slots[slot].capacity:
            f.at_most.append((load, f.problem.slots[slot].capacity, "capacity"))


def preceptor_at_one_moment(f: Formulation) -> None:
    """H5: over each set of a preceptor's slots in session together, at most max_students."""
    by_slot = _vars_by_slot(f)
    slots_of: dict[str, list[str]] = defaultdict(list)
    for slot in by_slot:
        p = f.problem.slots[slot].preceptor
        if p is not None:
            slots_of[p].append(slot)
    for p, slots in slots_of.items():
        limit = f.problem.preceptors[p].max_students
        for moment in moment_sets([f.problem.slots[s].schedule for s in slots]):
            load = {v: len(f.members[v]) for i in moment for v in by_slot[slots[i]]}
            if sum(load.values()) > limit:
                f.at_most.append((load, limit, "preceptor"))


def students_with_several_requests(f: Formulation) -> None:
    """H4: remember the variables of each student with several requests; their simultaneous
    pairs (`student_clashes`) become constraints in solver/cpsat.py, and `conflicts` checks any
    solution for a pair that slipped through."""
    by_request = _vars_by_request(f)
    requests_of: dict[str, list[str]] = defaultdict(list)
    for r in f.problem.requests.values():
        if by_request.get(r.id):
            requests_of[r.student].append(r.id)
    for student, requests in requests_of.items():
        if len(requests) > 1:
            f.student_vars[student] = sorted({v for r in requests for v in by_request[r]})


def locked(f: Formulation) -> None:
    """H7: locked existing assignments are kept."""
    for e in f.problem.existing:
        if e.locked:
            f.fixed.add(f.var_of[(e.request, e.slot)])
