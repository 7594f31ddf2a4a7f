"""Independent parts of a problem: requests and slots linked by eligibility, a student's
requests, a cohort group's members, and a preceptor's slots. Each part can be solved alone and
the solutions joined: L1 is exactly the sum over parts."""

from __future__ import annotations

from dataclasses import dataclass

from solver.instance import Problem


@dataclass(frozen=True)
class Component:
    requests: frozenset[str]
    slots: frozenset[str]


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, a: str) -> str:
        self.parent.setdefault(a, a)
        while self.parent[a] != a:
            self.parent[a] = self.parent[self.parent[a]]
            a = self.parent[a]
        return a

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[ra] = rb


def components(problem: Problem, eligible: dict[str, list[str]]) -> list[Component]:
    """The independent parts, largest first (requests with no eligible slot each stand alone)."""
    uf = _UnionFind()
    for r, slots in eligible.items():
        uf.find("r:" + r)
        for s in slots:
            uf.union("r:" + r, "s:" + s)
    first_of: dict[str, str] = {}
    for r in problem.requests.values():
        for key in ("student:" + r.student, "group:" + (r.group or "")) if r.group else \
                ("student:" + r.student,):
            if key in first_of:
                uf.union("r:" + r.id, "r:" + first_of[key])
            else:
                first_of[key] = r.id
    by_preceptor: dict[str, str] = {}
    for s in {s for slots in eligible.values() for s in slots}:
        p = problem.slots[s].preceptor
        if p is not None:
            if p in by_preceptor:
                uf.union("s:" + s, "s:" + by_preceptor[p])
            else:
                by_preceptor[p] = s
    parts: dict[str, tuple[set[str], set[str]]] = {}
    for key in list(uf.parent):
        root = uf.find(key)
        requests, slots = parts.setdefault(root, (set(), set()))
        (requests if key.startswith("r:") else slots).add(key[2:])
    found = [Component(frozenset(r), frozenset(s)) for r, s in parts.values() if r]
    return sorted(found, key=lambda c: (-len(c.requests), min(c.requests)))


def split(problem: Problem, eligible: dict[str, list[str]]) -> list[Problem]:
    return [problem.subproblem(set(c.requests), set(c.slots))
            for c in components(problem, eligible)]
