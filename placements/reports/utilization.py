"""`GET /v1/reports/utilization`: clinical capacity offered, held and used, per site, unit,
discipline and ISO week.

Read from the read models in two queries (slots overlapping the range; signed hours in the range
summed per slot and day) and folded into ISO weeks here, the same on SQLite and PostgreSQL:
- `seats_offered`: the capacity of every open slot with a session in that week;
- `seats_held`: the seats those slots hold (confirmed or accepted placements) in that week;
- `signed_hours`: clinical hours signed off (as corrected) and dated in that week.
A row's `unit` is its slots' unit (docs/ONBOARDING.md), null for slots that name none.
`known_at`: the tables as they stood then (placements/reports/known_at.py).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from domain.capacity import SlotStatus
from domain.clinical_hours import ClinicalHours, EntryStatus
from domain.errors import InvalidInput
from placements.base import AreaService, UnitOfWork
from placements.principals import Principal
from placements.read.capacity import sites, slots
from placements.read.clinical_hours import clinical_hours
from placements.reports.known_at import KnownAt

MAX_DAYS = 400  # a report covers at most about a year (a term is about 16 weeks)
COLUMNS = ("site", "site_name", "unit", "discipline", "week", "seats_offered", "seats_held",
           "signed_hours")


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


class UtilizationReport(AreaService):
    def __init__(self, uow: UnitOfWork, known_at: KnownAt) -> None:
        super().__init__(uow)
        self.known_at = known_at

    def utilization_report(self, principal: Principal, start: date, end: date,
                           known_at: datetime | None = None) -> dict:
        """Rows for the caller's sites (an employer), or every site (admin, compliance), as the
        record stood at `known_at` (default: now)."""
        principal.require("employer", "admin", "compliance")
        if end < start:
            raise InvalidInput("to", "must not be before from")
        if (end - start).days > MAX_DAYS:
            raise InvalidInput("to", f"a report covers at most {MAX_DAYS} days")
        first, last = start.isoformat(), end.isoformat()
        h = clinical_hours
        q = select(slots).where(slots.c.start_date <= last, slots.c.end_date >= first)
        hq = (select(h.c.slot, h.c.date, func.sum(h.c.hours))
              .where(h.c.status == EntryStatus.SIGNED, h.c.date >= first, h.c.date <= last)
              .group_by(h.c.slot, h.c.date))
        nq = select(sites.c.id, sites.c.name)
        if principal.role == "employer":
            q = q.where(slots.c.employer == principal.org)
            hq = hq.where(h.c.site.in_(select(sites.c.id).where(
                sites.c.employer == principal.org)))
            nq = nq.where(sites.c.employer == principal.org)
        with self.uow.engine.connect() as conn:
            names = dict(conn.execute(nq).all())
            if known_at is None:
                found = [dict(r._mapping) for r in conn.execute(q)]
                signed = [tuple(r) for r in conn.execute(hq)]
            else:
                found, signed = self._as_known(conn, q, hq, known_at, first, last,
                                               None if principal.role != "employer" else names)
        rows = [{"site": site, "site_name": names.get(site), "unit": unit, "discipline": d,
                 "week": week, "seats_offered": c[0], "seats_held": c[1],
                 "signed_hours": round(c[2], 2)}
                for (site, unit, d, week), c in fold_weeks(found, signed, start, end).items()]
        rows.sort(key=lambda r: (r["site_name"] or "", r["site"], r["unit"] or "",
                                 r["discipline"], r["week"]))
        return {"from": first, "to": last,
                "known_at": known_at.isoformat() if known_at else None, "rows": rows}

    def _as_known(self, conn: Connection, q, hq, known_at: datetime, first: str, last: str,
                  own_sites: dict | None) -> tuple[list[dict], list[tuple]]:
        """The slots and signed hours the queries would have found at `known_at`: the rows of
        aggregates changed since put back as they were (placements/reports/known_at.py)."""
        position = self.known_at.position_at(known_at)
        changed = self.known_at.changed_after(position)
        found = []
        for row in (dict(r._mapping) for r in conn.execute(q)):
            if row["id"] not in changed:
                found.append(row)
                continue
            found += [then for table, then in self.known_at.rows_at(row["id"], position)
                      if table is slots]
        h = clinical_hours
        students = conn.execute(select(h.c.student).where(
            h.c.date >= first, h.c.date <= last).distinct()).scalars().all()
        logs = {str(ClinicalHours.create_id(s)): s for s in students}
        redo = [log for log in logs if log in changed]
        signed = [tuple(r) for r in conn.execute(
            hq.where(h.c.student.not_in([logs[log] for log in redo])))]
        for log in redo:
            for table, then in self.known_at.rows_at(log, position):
                if table is h and then["status"] == EntryStatus.SIGNED \
                        and first <= then["date"] <= last \
                        and (own_sites is None or then["site"] in own_sites):
                    signed.append((then["slot"], then["date"], then["hours"]))
        return found, signed


def fold_weeks(found: list[dict], signed: list[tuple], start: date, end: date
               ) -> dict[tuple, list[float]]:
    """(site, unit, discipline, ISO week) -> [seats offered, seats held, signed hours]. Days
    are counted from the Monday of `start`'s week, so a week is an index and a day's weekday
    its offset in it."""
    monday = start - timedelta(days=start.weekday())
    labels = [iso_week(monday + timedelta(weeks=w))
              for w in range((end - monday).days // 7 + 1)]
    cells: dict[tuple, list[float]] = defaultdict(lambda: [0, 0, 0.0])
    where: dict[str, tuple] = {}
    for s in found:
        key = (s["site"], s.get("unit"), s["discipline"])
        where[s["id"]] = key
        first = (max(start, date.fromisoformat(s["start_date"])) - monday).days
        last = (min(end, date.fromisoformat(s["end_date"])) - monday).days
        offered = s["capacity"] if s["status"] == SlotStatus.OPEN else 0
        for week in session_weeks(first, last, s["weekdays"]):
            cell = cells[(*key, labels[week])]
            cell[0] += offered
            cell[1] += s["held"]
    for slot, day, hours in signed:
        key = where.get(slot)
        if key is not None:  # hours lie inside their slot's dates, so it was found
            week = (date.fromisoformat(day) - monday).days // 7
            cells[(*key, labels[week])][2] += hours
    return cells


def session_weeks(first: int, last: int, weekdays: list[int]) -> list[int]:
    """The weeks (indices) in which a session starting on one of `weekdays` falls within the
    days [first, last] (counted from a Monday): every week whose part in the range holds one."""
    out = []
    for week in range(first // 7, last // 7 + 1):
        lo, hi = max(first - 7 * week, 0), min(last - 7 * week, 6)
        if any(lo <= w <= hi for w in weekdays):
            out.append(week)
    return out
