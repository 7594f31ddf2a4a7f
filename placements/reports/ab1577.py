"""`GET /v1/reports/ab1577`: loads what the AB 1577 rules (domain/ab1577.py) count.

The read models find the employer's RN and LVN slots and the placements CCC and CSU colleges
asked for in them; the counts themselves come from those aggregates' events, with their log
positions, so every figure cites the events it rests on and `known_at` reproduces the report
as it could have been filed at that instant.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from domain.ab1577 import ab1577_rows
from domain.errors import InvalidInput
from domain.organizations import AB1577_DISCIPLINES, AB1577_SEGMENTS
from placements.base import AreaService
from placements.principals import Principal
from placements.read.capacity import sites, slots
from placements.read.organizations import organizations
from placements.read.placements import placement_rows


class AB1577Report(AreaService):
    def ab1577_report(self, principal: Principal, year: int, employer: str | None = None,
                      known_at: datetime | None = None) -> dict:
        """The year's rows for one employer (an employer: its own; admin and compliance name
        it)."""
        principal.require("employer", "admin", "compliance")
        if principal.role == "employer":
            if employer not in (None, principal.org):
                raise InvalidInput("employer", "an employer reads its own report only")
            employer = principal.org
        if employer is None:
            raise InvalidInput("employer", "name the employer (its organisation id)")
        org = self.uow.read_row(organizations, employer, "organization")
        if org["kind"] != "employer":
            raise InvalidInput("employer", f"not an employer: {employer}")
        p, s, o = placement_rows, slots, organizations
        with self.uow.engine.connect() as conn:
            asked = conn.execute(
                select(p.c.id, s.c.site, s.c.discipline)
                .join(s, s.c.id == p.c.slot).join(o, o.c.id == p.c.college)
                .where(p.c.employer == employer, s.c.discipline.in_(AB1577_DISCIPLINES),
                       o.c.segment.in_(AB1577_SEGMENTS))).all()
            offered = conn.execute(
                select(s.c.id, s.c.site, s.c.discipline, s.c.start_date)
                .where(s.c.employer == employer, s.c.discipline.in_(AB1577_DISCIPLINES),
                       s.c.start_date.like(f"{year:04d}-%"))).all()
            names = dict(conn.execute(select(sites.c.id, sites.c.name).where(
                sites.c.employer == employer)).all())
        events = self.uow.recorded([r.id for r in asked] + [r.id for r in offered])
        rows = ab1577_rows(
            year, [({"site": r.site, "discipline": r.discipline}, events[r.id]) for r in asked],
            [({"site": r.site, "discipline": r.discipline, "start_date": r.start_date},
              events[r.id]) for r in offered], known_at)
        for r in rows:
            r["site_name"] = names.get(r["site"])
        return {"year": year, "employer": employer, "employer_name": org["name"],
                "known_at": known_at.isoformat() if known_at else None, "rows": rows}
