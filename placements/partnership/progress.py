"""Progress of an initiative against its targets, read from the read models as of a date.

Each metric is a query over dated rows (enrollments, employments, the wage history, DAS
registrations), filtered to what was true on `as_of`, and aggregated by the database; a
breakdown groups the same rows by community, employer or occupation, and cells of fewer than
MIN_CELL people are suppressed (domain/partnership/initiatives.py). Nothing here replays the log:
the tables are kept by the projections and rebuilt by `placements replay`.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Select, and_, case, func, literal, or_, select
from sqlalchemy.engine import Connection

from domain.partnership.initiatives import METRICS, PERCENT_METRICS, suppress
from placements.apprenticeship import apprentices, programs
from placements.partnership.outcomes import employments, enrollments, wage_history
from placements.partnership.participants import participants

P, E, J, W = participants, enrollments, employments, wage_history


@dataclass(frozen=True)
class Scope:
    """What a target counts: the initiative's filters, the target's, and the date."""

    as_of: str
    start: str | None = None
    communities: tuple[str, ...] | None = None
    program_types: tuple[str, ...] | None = None
    occupations: tuple[str, ...] | None = None


def _enrolled(scope: Scope, *where) -> Select:
    q = select(E.c.participant.label("participant"), P.c.community.label("community"),
               E.c.employer.label("employer"), E.c.occupation.label("occupation"))
    q = q.select_from(E).join(P, P.c.id == E.c.participant).where(E.c.start_date <= scope.as_of,
                                                                  *where)
    if scope.start:
        q = q.where(E.c.start_date >= scope.start)
    if scope.communities:
        q = q.where(P.c.community.in_(scope.communities))
    if scope.program_types:
        q = q.where(E.c.program_type.in_(scope.program_types))
    if scope.occupations:
        q = q.where(E.c.occupation.in_(scope.occupations))
    return q


def _hired(scope: Scope, *where, hit=None) -> Select:
    cols = [J.c.participant.label("participant"), P.c.community.label("community"),
            J.c.employer.label("employer"), J.c.occupation.label("occupation")]
    if hit is not None:
        cols.append(hit.label("hit"))
    q = select(*cols).select_from(J).join(P, P.c.id == J.c.participant).where(
        J.c.start_date <= scope.as_of, *where)
    if scope.start:
        q = q.where(J.c.start_date >= scope.start)
    if scope.communities:
        q = q.where(P.c.community.in_(scope.communities))
    if scope.occupations:
        q = q.where(J.c.occupation.in_(scope.occupations))
    return q


def _completed(scope: Scope, *where) -> Select:
    return _enrolled(scope, E.c.completed_on.is_not(None), E.c.completed_on <= scope.as_of,
                     *where)


def _placed(scope: Scope) -> Select:
    """Completed enrollments, each with `hit` 1 when a job started between the enrollment's
    start and as_of."""
    later = select(J.c.id).where(J.c.participant == E.c.participant,
                                 J.c.start_date >= E.c.start_date,
                                 J.c.start_date <= scope.as_of).exists()
    return _completed(scope).add_columns(case((later, 1), else_=0).label("hit"))


def _retained(scope: Scope) -> Select:
    """Jobs that reached their first anniversary by as_of; `hit` 1 when still held then."""
    kept = or_(J.c.separated_on.is_(None), J.c.separated_on >= J.c.anniversary)
    return _hired(scope, J.c.anniversary <= scope.as_of, hit=case((kept, 1), else_=0))


def _registered(scope: Scope) -> Select:
    A, G = apprentices, programs
    q = select(A.c.participant.label("participant"), P.c.community.label("community"),
               A.c.employer.label("employer"), G.c.occupation.label("occupation")).select_from(
        A).join(P, P.c.id == A.c.participant).join(G, G.c.id == A.c.program).where(
        A.c.registered_date <= scope.as_of)
    if scope.start:
        q = q.where(A.c.registered_date >= scope.start)
    if scope.communities:
        q = q.where(P.c.community.in_(scope.communities))
    if scope.occupations:
        q = q.where(G.c.occupation.in_(scope.occupations))
    return q


# metric -> (facts, how `actual` is made: "rows", "people" or "rate")
COUNTS: dict[str, tuple[Callable[[Scope], Select], str]] = {
    "trainees": (_enrolled, "people"),
    "completions": (_completed, "rows"),
    "credentials_earned": (lambda s: _completed(s, E.c.credential.is_not(None)), "rows"),
    "preceptorships": (lambda s: _enrolled(s, E.c.program_type == "preceptorship"), "rows"),
    "tuition_reimbursements": (
        lambda s: _enrolled(s, E.c.program_type == "tuition_reimbursement"), "rows"),
    "hires": (_hired, "rows"),
    "apprentices_registered": (_registered, "rows"),
    "placement_rate": (_placed, "rate"),
    "retention_12m": (_retained, "rate"),
}
assert set(COUNTS) | {"median_wage_gain"} == set(METRICS)


def _figure(kind: str, rows: int, people: int, hits: int | None) -> float | int | None:
    if kind == "rows":
        return rows
    if kind == "people":
        return people
    return round(100 * (hits or 0) / rows, 1) if rows else None


def _counted(conn: Connection, facts: Select, kind: str, by: str | None) -> tuple[dict, list]:
    f = facts.subquery()
    hits = func.sum(f.c.hit) if kind == "rate" else literal(None)
    aggregates = (func.count(), func.count(f.c.participant.distinct()), hits)
    total = conn.execute(select(*aggregates)).one()
    overall = {"actual": _figure(kind, *total), "people": total[1]}
    cells = []
    if by is not None:
        key = f.c[by]
        for k, rows, people, h in conn.execute(select(key, *aggregates).group_by(key)
                                               .order_by(key)):
            cells.append({"key": k, "actual": _figure(kind, rows, people, h), "people": people})
    return overall, cells


def _wage_gains(conn: Connection, scope: Scope, by: str | None) -> tuple[dict, list]:
    """Per participant hired by as_of: the gain from the first hourly wage on record to the
    latest in force on as_of, in percent; the median over participants (and over each cell,
    keyed by the participant's latest job)."""
    ordered = (W.c.effective_date, W.c.employment, W.c.n)
    w = select(W.c.participant, W.c.employer, W.c.occupation, W.c.hourly_wage,
               func.row_number().over(partition_by=W.c.participant, order_by=ordered)
               .label("first"),
               func.row_number().over(partition_by=W.c.participant,
                                      order_by=[c.desc() for c in ordered]).label("last")
               ).where(W.c.effective_date <= scope.as_of)
    if scope.start:
        w = w.where(W.c.effective_date >= scope.start)
    if scope.occupations:
        w = w.where(W.c.occupation.in_(scope.occupations))
    w = w.subquery()
    first, last = w.alias("first_wage"), w.alias("last_wage")
    q = select(last.c.participant, P.c.community, last.c.employer, last.c.occupation,
               first.c.hourly_wage, last.c.hourly_wage).select_from(last).join(
        first, and_(first.c.participant == last.c.participant, first.c.first == 1)).join(
        P, P.c.id == last.c.participant).where(last.c["last"] == 1)
    if scope.communities:
        q = q.where(P.c.community.in_(scope.communities))
    cells: dict = {}
    gains = []
    index = {"community": 1, "employer": 2, "occupation": 3}.get(by or "")
    for row in conn.execute(q):
        gain = 100 * (row[5] - row[4]) / row[4]
        gains.append(gain)
        if index is not None:
            cells.setdefault(row[index], []).append(gain)

    def median(xs: list[float]) -> float | None:
        return round(statistics.median(xs), 1) if xs else None

    return ({"actual": median(gains), "people": len(gains)},
            [{"key": k, "actual": median(v), "people": len(v)}
             for k, v in sorted(cells.items(), key=lambda kv: (kv[0] is None, kv[0] or ""))])


def _ids(conn: Connection, facts: Select, visible: Select | None) -> list[str]:
    f = facts.subquery()
    q = select(f.c.participant).distinct()
    if visible is not None:
        q = q.where(f.c.participant.in_(visible))
    return sorted(r[0] for r in conn.execute(q))


def metric_progress(conn: Connection, metric: str, scope: Scope, by: str | None,
                    ids: bool, visible: Select | None) -> dict:
    """One metric's actual, the people counted, their ids (those the caller may see) and the
    breakdown with small cells suppressed."""
    if metric == "median_wage_gain":
        overall, cells = _wage_gains(conn, scope, by)
        facts = _hired(scope)
    else:
        facts, kind = COUNTS[metric]
        facts = facts(scope)
        overall, cells = _counted(conn, facts, kind, by)
    out = {**overall, "unit": "percent" if metric in PERCENT_METRICS else "count"}
    if ids:
        out["participants"] = _ids(conn, facts, visible)
    if by is not None:
        out["breakdown"] = suppress(cells)
    return out
