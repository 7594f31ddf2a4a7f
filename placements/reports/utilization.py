"""`GET /v1/reports/utilization`: clinical capacity offered, held and used, per site, unit,
discipline and ISO week.

Read from the read models in two queries (slots overlapping the range; signed hours in the range
summed per slot and day) and folded into ISO weeks here, the same on SQLite and PostgreSQL:
- `seats_offered`: the capacity of every open slot with a session in that week;
- `seats_held`: the seats those slots hold (confirmed or accepted placements) in that week;
- `signed_hours`: clinical hours signed off (as corrected) and dated in that week.
A slot names a `unit` where units exist (the column is read when the slots table has it), else
the unit is null.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import func, select

from domain.errors import InvalidInput
from domain.schedule import Schedule
from placements.base import Base
from placements.capacity import sites, slots
from placements.clinical_hours import clinical_hours
from placements.principals import Principal

MAX_DAYS = 400  # a report covers at most about a year (a term is about 16 weeks)
COLUMNS = ("site", "site_name", "unit", "discipline", "week", "seats_offered", "seats_held",
           "signed_hours")


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


class UtilizationReport(Base):
    def utilization_report(self, principal: Principal, start: date, end: date) -> dict:
        """Rows for the caller's sites (an employer), or every site (admin, compliance)."""
        principal.require("employer", "admin", "compliance")
        if end < start:
            raise InvalidInput("to", "must not be before from")
        if (end - start).days > MAX_DAYS:
            raise InvalidInput("to", f"a report covers at most {MAX_DAYS} days")
        first, last = start.isoformat(), end.isoformat()
        unit = slots.c.get("unit")  # units arrive with SPEC section 8; absent until then
        q = select(slots.c.id, slots.c.site, slots.c.discipline, slots.c.capacity,
                   slots.c.held, slots.c.status, slots.c.start_date, slots.c.end_date,
                   slots.c.weekdays, slots.c.shift_start, slots.c.shift_end,
                   *([unit] if unit is not None else [])).where(
            slots.c.start_date <= last, slots.c.end_date >= first)
        h = clinical_hours
        hq = (select(h.c.slot, h.c.date, func.sum(h.c.hours))
              .where(h.c.status == "signed", h.c.date >= first, h.c.date <= last)
              .group_by(h.c.slot, h.c.date))
        nq = select(sites.c.id, sites.c.name)
        if principal.role == "employer":
            q = q.where(slots.c.employer == principal.org)
            hq = hq.where(h.c.site.in_(select(sites.c.id).where(
                sites.c.employer == principal.org)))
            nq = nq.where(sites.c.employer == principal.org)
        with self.engine.connect() as conn:
            found = conn.execute(q).all()
            signed = conn.execute(hq).all()
            names = dict(conn.execute(nq).all())
        cells: dict[tuple, list[float]] = defaultdict(lambda: [0, 0, 0.0])
        where: dict[str, tuple] = {}
        for s in found:
            key = (s.site, getattr(s, "unit", None), s.discipline)
            where[s.id] = key
            schedule = Schedule.parse(s.start_date, s.end_date, s.weekdays, s.shift_start,
                                      s.shift_end)
            weeks = {iso_week(d) for d in schedule.session_days(start, end)}
            open_ = s.status == "open"
            for week in weeks:
                cell = cells[(*key, week)]
                cell[0] += s.capacity if open_ else 0
                cell[1] += s.held
        for slot, day, hours in signed:
            key = where.get(slot)
            if key is not None:  # hours lie inside their slot's dates, so it is in `found`
                cells[(*key, iso_week(date.fromisoformat(day)))][2] += hours
        rows = [{"site": site, "site_name": names.get(site), "unit": unit_, "discipline": d,
                 "week": week, "seats_offered": c[0], "seats_held": c[1],
                 "signed_hours": round(c[2], 2)}
                for (site, unit_, d, week), c in cells.items()]
        rows.sort(key=lambda r: (r["site_name"] or "", r["site"], r["unit"] or "",
                                 r["discipline"], r["week"]))
        return {"from": first, "to": last, "rows": rows}

