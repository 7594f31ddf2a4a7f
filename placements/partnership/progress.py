"""Progress of an initiative against its targets, read from the read models as of a date.

Each target is a condition over dated rows of one family: enrollments, jobs, or DAS
registrations. All the targets of a family are counted in one pass over its table: rows are
grouped per participant (and breakdown key) with a count per target, then those groups are
added up per key, which gives each target's rows, people and hits without a COUNT(DISTINCT).
The median wage gain is read from the wage history (the wage in force on a date is one row).
Cells of fewer than MIN_CELL people are suppressed (domain/partnership/initiatives.py).
Nothing here replays the log: the tables are kept by the projections and rebuilt by
`placements replay`.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, Table, and_, func, literal, or_, select, true
from sqlalchemy.engine import Connection

from domain.base import stored_date
from domain.partnership.initiatives import PERCENT_METRICS, suppress
from placements.read.apprenticeship import apprentices, programs
from placements.read.outcomes import employments, enrollments, wage_history
from placements.read.participants import participants

P, E, J, W = participants, enrollments, employments, wage_history
ENROLLMENT = ("trainees", "completions", "credentials_earned", "preceptorships",
              "tuition_reimbursements", "placement_rate")
EMPLOYMENT = ("hires", "retention_12m")


@dataclass(frozen=True)
class Scope:
    """What every target of an initiative counts: what happened by `as_of`, from `start`, of
    participants in `communities`. The read models' date columns hold ISO text, which orders
    as the dates do: the queries compare them with `until` and `since`, the dates' text."""

    as_of: date
    start: date | None = None
    communities: tuple[str, ...] | None = None

    @property
    def until(self) -> str:
        return stored_date(self.as_of)

    @property
    def since(self) -> str | None:
        return stored_date(self.start)


@dataclass(frozen=True)
class Target:
    metric: str
    program_types: tuple[str, ...] | None = None
    occupations: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Family:
    """The rows one kind of target counts: the table's select (participant, community,
    employer, occupation columns and its filters) and each target's condition and hit."""

    source: Select
    columns: dict[str, ColumnElement]
    terms: list[tuple[ColumnElement, ColumnElement | None]]
    kinds: list[str]


def _window(table: Table, day: ColumnElement, scope: Scope) -> list[ColumnElement]:
    """Rows of the table dated (by `day`) in the scope, of participants in its communities."""
    where = [day <= scope.until]
    where += [day >= scope.since] if scope.since else []
    where += [table.c.community.in_(scope.communities)] if scope.communities else []
    return where


def _keys(table: Table) -> dict[str, ColumnElement]:
    return {k: table.c[k] for k in ("participant", "community", "employer", "occupation")}


def _enrollments(scope: Scope, targets: Sequence[Target]) -> Family:
    done = and_(E.c.completed_on.is_not(None), E.c.completed_on <= scope.until)
    hired_after = select(J.c.id).where(J.c.participant == E.c.participant,
                                       J.c.start_date >= E.c.start_date,
                                       J.c.start_date <= scope.until).exists()
    terms, kinds = [], []
    for t in targets:
        narrow = [E.c.program_type.in_(t.program_types)] if t.program_types else []
        narrow += [E.c.occupation.in_(t.occupations)] if t.occupations else []
        cond = {"trainees": [], "completions": [done],
                "credentials_earned": [done, E.c.credential.is_not(None)],
                "preceptorships": [E.c.program_type == "preceptorship"],
                "tuition_reimbursements": [E.c.program_type == "tuition_reimbursement"],
                "placement_rate": [done]}[t.metric]
        terms.append((and_(true(), *narrow, *cond),
                      hired_after if t.metric == "placement_rate" else None))
        kinds.append({"trainees": "people", "placement_rate": "rate"}.get(t.metric, "rows"))
    return Family(select().select_from(E).where(*_window(E, E.c.start_date, scope)), _keys(E),
                  terms, kinds)


def _employments(scope: Scope, targets: Sequence[Target]) -> Family:
    kept = or_(J.c.separated_on.is_(None), J.c.separated_on >= J.c.anniversary)
    terms, kinds = [], []
    for t in targets:
        narrow = [J.c.occupation.in_(t.occupations)] if t.occupations else []
        if t.metric == "hires":
            terms.append((and_(true(), *narrow), None))
            kinds.append("rows")
        else:  # retention_12m: jobs a year old by as_of, and whether they were still held
            terms.append((and_(J.c.anniversary <= scope.until, *narrow), kept))
            kinds.append("rate")
    return Family(select().select_from(J).where(*_window(J, J.c.start_date, scope)), _keys(J),
                  terms, kinds)


def _registrations(scope: Scope, targets: Sequence[Target]) -> Family:
    A, G = apprentices, programs
    where = [A.c.participant.is_not(None), A.c.registered_date <= scope.until]
    where += [A.c.registered_date >= scope.since] if scope.since else []
    where += [P.c.community.in_(scope.communities)] if scope.communities else []
    return Family(select().select_from(A).join(P, P.c.id == A.c.participant).join(
        G, G.c.id == A.c.program).where(*where),
        {"participant": A.c.participant, "community": P.c.community, "employer": A.c.employer,
         "occupation": G.c.occupation},
        [(and_(true(), *([G.c.occupation.in_(t.occupations)] if t.occupations else [])), None)
         for t in targets], ["rows"] * len(targets))


def _per_participant(f: Family, by: str | None) -> Select:
    """One row per participant (and key): each target's rows (n0, n1, …) and hits (h0, …)."""
    keys = [f.columns["participant"]] + ([f.columns[by].label("key")] if by else [])
    counts = []
    for i, (cond, hit) in enumerate(f.terms):
        counts.append(func.count().filter(cond).label(f"n{i}"))
        counts.append(func.count().filter(and_(cond, hit)).label(f"h{i}") if hit is not None
                      else literal(0).label(f"h{i}"))
    return f.source.add_columns(*keys, *counts).group_by(*keys)


def _figure(kind: str, rows: int, people: int, hits: int) -> float | int | None:
    if kind == "rows":
        return rows
    if kind == "people":
        return people
    return round(100 * hits / rows, 1) if rows else None


def _totals(conn: Connection, f: Family, by: str | None) -> list[list[tuple]]:
    """Per target, [(key, rows, people, hits)] (one row with key None when `by` is None)."""
    inner = _per_participant(f, by).subquery()
    sums = []
    for i in range(len(f.terms)):
        n, h = inner.c[f"n{i}"], inner.c[f"h{i}"]
        sums += [func.coalesce(func.sum(n), 0), func.count().filter(n > 0),
                 func.coalesce(func.sum(h), 0)]
    q = select(inner.c.key if by else literal(None), *sums)
    if by:
        q = q.group_by(inner.c.key).order_by(inner.c.key)
    out: list[list[tuple]] = [[] for _ in f.terms]
    for row in conn.execute(q):
        for i in range(len(f.terms)):
            rows, people, hits = row[1 + 3 * i: 4 + 3 * i]
            if rows:
                out[i].append((row[0], int(rows), int(people or 0), int(hits)))
    return out


def _family_progress(conn: Connection, f: Family, by: str | None) -> list[tuple[dict, list]]:
    cells = _totals(conn, f, by) if by else [[] for _ in f.terms]
    if by == "community":  # each participant is in one community: the cells add up
        totals = [[(None, sum(c[1] for c in cs), sum(c[2] for c in cs), sum(c[3] for c in cs))]
                  for cs in cells]
    else:
        totals = _totals(conn, f, None)
    out = []
    for kind, total, cs in zip(f.kinds, totals, cells, strict=True):
        _, rows, people, hits = total[0] if total else (None, 0, 0, 0)
        out.append(({"actual": _figure(kind, rows, people, hits), "people": people},
                    [{"key": k, "actual": _figure(kind, r, p, h), "people": p}
                     for k, r, p, h in cs]))
    return out


def _ids(conn: Connection, f: Family, visible: Select | None) -> list[list[str]]:
    """Per target, the participants it counts (of those in `visible`, if given)."""
    inner = _per_participant(f, None)
    if visible is not None:
        inner = inner.where(f.columns["participant"].in_(visible))
    out: list[list[str]] = [[] for _ in f.terms]
    for row in conn.execute(inner):
        for i in range(len(f.terms)):
            if row[1 + 2 * i]:
                out[i].append(row[0])
    return [sorted(x) for x in out]


def _wage_gains(conn: Connection, scope: Scope, target: Target, by: str | None
                ) -> tuple[dict, list, Select]:
    """Per job started by as_of: the gain from the wage it was hired at to the wage in force on
    as_of (the last one, for a job that ended), in percent; the median over jobs, overall and
    per cell; people are the participants holding them. Computed by the database (the median
    as `percentile_cont(0.5)`: the mean of the two middle gains for an even count)."""
    where = _window(J, J.c.start_date, scope)
    where += [J.c.occupation.in_(target.occupations)] if target.occupations else []
    gain = (100 * (W.c.hourly_wage - J.c.start_wage) / J.c.start_wage).label("gain")
    keys = {"community": J.c.community, "employer": J.c.employer,
            "occupation": J.c.occupation}
    jobs = select(J.c.participant, gain, *([keys[by].label("key")] if by else [])).join(
        W, and_(W.c.employment == J.c.id, W.c.effective_date <= scope.until,
                or_(W.c.until.is_(None), W.c.until > scope.until))).where(*where).subquery()
    if conn.dialect.name == "postgresql":
        figures = (func.percentile_cont(0.5).within_group(jobs.c.gain),
                   func.count(func.distinct(jobs.c.participant)))
        overall = tuple(conn.execute(select(*figures)).one())
        found = (conn.execute(select(jobs.c.key, *figures).group_by(jobs.c.key)).all()
                 if by else [])
    else:  # SQLite has no percentile_cont: the same figures from the rows
        groups: dict = {}
        everyone = object()
        for row in conn.execute(select(jobs)):
            for key in ((everyone,) + ((row.key,) if by else ())):
                gains, who = groups.setdefault(key, ([], set()))
                gains.append(row.gain)
                who.add(row.participant)
        figure = {k: (statistics.median(g), len(w)) for k, (g, w) in groups.items()}
        overall = figure.pop(everyone, (None, 0))
        found = [(k, *f) for k, f in figure.items()]

    def median(value: float | None) -> float | None:
        return None if value is None else round(value, 1)

    cells = sorted(({"key": k, "actual": median(m), "people": n} for k, m, n in found),
                   key=lambda c: (c["key"] is None, c["key"] or ""))
    return ({"actual": median(overall[0]), "people": overall[1]}, cells,
            select(J.c.participant).where(*where))


def target_progress(conn: Connection, scope: Scope, targets: Sequence[Target], by: str | None,
             ids: bool, visible: Select | None) -> list[dict]:
    """Each target's actual, the people counted, their ids (those in `visible`, or all when it
    is None) and the breakdown `by`, small cells suppressed; in the order of `targets`."""
    results: dict[int, tuple[dict, list, list[str] | None]] = {}
    for family, metrics in ((_enrollments, ENROLLMENT), (_employments, EMPLOYMENT),
                            (_registrations, ("apprentices_registered",))):
        chosen = [(i, t) for i, t in enumerate(targets) if t.metric in metrics]
        if not chosen:
            continue
        f = family(scope, [t for _, t in chosen])
        figures = _family_progress(conn, f, by)
        who = _ids(conn, f, visible) if ids else [None] * len(chosen)
        for (i, _), (overall, cells), people in zip(chosen, figures, who, strict=True):
            results[i] = (overall, cells, people)
    for i, t in enumerate(targets):
        if t.metric == "median_wage_gain":
            overall, cells, holders = _wage_gains(conn, scope, t, by)
            people = None
            if ids:
                q = holders.distinct() if visible is None else holders.where(
                    J.c.participant.in_(visible)).distinct()
                people = sorted(r[0] for r in conn.execute(q))
            results[i] = (overall, cells, people)
    out = []
    for i, t in enumerate(targets):
        overall, cells, people = results[i]
        item = {**overall, "unit": "percent" if t.metric in PERCENT_METRICS else "count"}
        if people is not None:
            item["participants"] = people
        if by is not None:
            item["breakdown"] = suppress(cells)
        out.append(item)
    return out
