"""Candidate slots for a part too dense to formulate whole, and the bound that still holds.

A metro consortium of 20,000 requests is one part of millions of eligible pairs; a variable (and
its rows) per pair costs gigabytes. Such a part is formulated over each request's `keep` best
candidates instead (its preferred sites, then the nearest; a cohort group keeps every slot, so
H6 is decided over all of them; a locked or existing assignment's slot is always kept). Every
assignment of the restricted formulation is an assignment of the whole part, so what it places
is feasible; what it cannot do alone is bound L1, so:

`priced_bound`: the LP relaxation of the restricted formulation has duals y ≥ 0 on its rows,
every row a valid inequality of the whole part too (H1 of a request, H3 of a slot, H5 over
slots in session together, H4 over pairwise simultaneous variables). For any such y and every
assignment x of the whole part, L1(x) ≤ Σ y·b + Σ_j max(0, c_j − a_jᵀy) over every pair j,
restricted or not. Over the restricted pairs that sum is the LP optimum; the pairs left out are
priced over arrays (each one's request row, its slot's capacity row and the H5 rows over its
slot; H4 rows do not name it, which only makes the bound looser). So the bound is a true upper
bound on L1 over the whole part, and it equals the LP bound of the whole part when no pair left
out prices positive.
"""

from __future__ import annotations

import numpy as np

from solver.formulation import Formulation, build
from solver.geo import EARTH_RADIUS_KM
from solver.instance import Problem

PAIR_LIMIT = 1_000_000  # eligible pairs in a part above which it is formulated restricted
KEEP = 30  # candidate slots per request in a restricted part


def restricted(problem: Problem, eligible: dict[str, list[str]], keep: int = KEEP
               ) -> dict[str, list[str]]:
    """Each request's `keep` best eligible slots, in the order of `eligible`: its preferred
    sites first, then by distance from home; every slot for a group's members; the slots of
    `existing` entries always."""
    pinned: dict[str, set[str]] = {}
    for e in problem.existing:
        pinned.setdefault(e.request, set()).add(e.slot)
    site_of = {s.id: s.site for s in problem.slots.values()}
    out: dict[str, list[str]] = {}
    for r, slots in eligible.items():
        request = problem.requests[r]
        if len(slots) <= keep or request.group is not None:
            out[r] = slots
            continue
        student = problem.students[request.student]
        sites = [problem.sites[site_of[s]] for s in slots]
        km = _km(student.lat, student.lon, np.array([s.lat for s in sites]),
                 np.array([s.lon for s in sites]))
        preferred = np.array([s.id in request.preferred_sites for s in sites])
        order = np.lexsort((km, ~preferred))[:keep]
        chosen = set(order.tolist())
        out[r] = [s for i, s in enumerate(slots)
                  if i in chosen or s in pinned.get(r, ())]
    return out


def _km(lat: float, lon: float, site_lat: np.ndarray, site_lon: np.ndarray) -> np.ndarray:
    p1, p2 = np.radians(lat), np.radians(site_lat)
    dp, dl = p2 - p1, np.radians(site_lon - lon)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))


def priced_bound(f: Formulation, full: dict[str, list[str]], duals: list[float]) -> float:
    """An upper bound on L1 over every pair of `full` (the whole part's eligibility), from
    duals of the restricted formulation's rows (see the module's docstring): computed here in
    full, Σ y·b + Σ_j max(0, c_j − a_jᵀy), for y the duals clipped at zero, so it holds for
    any duals, optimal or not."""
    y = np.maximum(np.asarray(duals, dtype=float), 0.0)  # ≤ rows of a maximisation: y ≥ 0
    reduced = np.array([float(f.weight(v)) for v in range(f.size)])
    total = 0.0
    slots = sorted({s for ss in full.values() for s in ss} | set(f.slot_of))
    slot_index = {s: i for i, s in enumerate(slots)}
    on_slot = np.zeros(len(slots))  # per slot: its capacity row's and H5 rows' duals
    on_request: dict[str, float] = {}
    for i, (coefs, ub, kind) in enumerate(f.at_most):
        if y[i] == 0.0:
            continue
        total += y[i] * ub
        for v, c in coefs.items():
            reduced[v] -= y[i] * c
        if kind == "request":
            on_request[f.members[next(iter(coefs))][0]] = y[i]
        elif kind in ("capacity", "preceptor"):
            for s in {f.slot_of[v] for v in coefs}:
                on_slot[slot_index[s]] += y[i]
    fixed = np.zeros(f.size, dtype=bool)
    fixed[list(f.fixed)] = True
    # x in [0, 1], or = 1 when locked: each pair adds its reduced cost where x = 1 is best.
    total += float(np.where(fixed, reduced, np.maximum(reduced, 0.0)).sum())
    for r, ss in full.items():
        request = f.problem.requests[r]
        kept = f.vars_of.get(r, ())
        if request.group is not None or len(ss) == len(kept):
            continue  # a group's pairs are all in `f` (or none can exist: H4)
        have = {f.slot_of[v] for v in kept}
        rest = np.array([slot_index[s] for s in ss if s not in have], dtype=np.intp)
        if rest.size:
            # A request with one restricted variable has no H1 row (its y is 0 here).
            total += float(np.maximum(request.priority - on_request.get(r, 0.0)
                                      - on_slot[rest], 0.0).sum())
    return total


def completed(f: Formulation, values: list[int], full: dict[str, list[str]]
              ) -> tuple[Formulation, list[int], dict[str, int]]:
    """The restricted formulation's assignment as a formulation over every pair that could
    still take a request: each placed request's own pair, and each unplaced request's eligible
    slots (all of `full`, not only the restricted ones) that have a seat left. The repair pass
    and the reasons run on it, so no request is left unplaced, or explained, while a slot it
    may take has room. Also, per unplaced request, how many of its eligible slots are full
    (left out of the new formulation, counted by its reasons)."""
    problem = f.problem
    held: dict[str, str] = {}
    load: dict[str, int] = {}
    for v, x in enumerate(values):
        if x:
            for r in f.members[v]:
                held[r] = f.slot_of[v]
            load[f.slot_of[v]] = load.get(f.slot_of[v], 0) + len(f.members[v])
    eligible: dict[str, list[str]] = {}
    elsewhere: dict[str, int] = {}
    for r in problem.requests:
        if r in held:
            eligible[r] = [held[r]]
            continue
        slots = full.get(r, [])
        eligible[r] = [s for s in slots if load.get(s, 0) < problem.slots[s].capacity]
        elsewhere[r] = len(slots) - len(eligible[r])
    g = build(problem, eligible)
    start = [0] * g.size
    for r, s in held.items():
        start[g.var_of[(r, s)]] = 1
    return g, start, elsewhere
