"""Units under sites (a ward, a department): their read model and the employer's command.

A unit adds its own onboarding requirements to its site's; a slot naming the unit requires
both (placements/capacity.py checks the unit is the slot's site's).
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, Integer, String, Table, select

from domain.capacity import Site
from domain.errors import InvalidInput
from domain.onboarding import Unit
from placements.base import Base, command
from placements.organizations import common
from placements.paging import Page, page
from placements.principals import Principal
from placements.readmodel import metadata, projects

units = Table(
    "units", metadata,
    Column("id", String(36), primary_key=True),
    Column("seq", String(40), nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("employer", String(36), nullable=False, index=True),
    Column("site", String(36), nullable=False, index=True),
    Column("name", String, nullable=False),
    Column("requirements", JSON, nullable=False),
)


@projects(Unit)
def _unit_row(u: Unit):
    yield units, {**common(u), "employer": u.employer, "site": u.site, "name": u.name,
                  "requirements": u.requirements}


def unit_view(row: dict) -> dict:
    return {k: row[k] for k in ("id", "version", "employer", "site", "name", "requirements")}


class Units(Base):
    """An employer's units at its own sites; reads scoped as sites are."""

    @command
    def register_unit(self, principal: Principal, site: str, name: str,
                      requirements: list[str] | None = None) -> dict:
        principal.require("employer")
        where = self.referenced(Site, site, "site", "site")
        if where.employer != principal.org:
            raise InvalidInput("site", f"no such site of yours: {site}")
        unit = Unit.register(principal.actor, principal.org, str(where.id), name,
                             list(requirements or []))
        self.commit(unit)
        return self.unit(principal, str(unit.id))

    def unit(self, principal: Principal, unit_id: str) -> dict:
        row = self.read_row(units, unit_id, "unit")
        if principal.role == "employer":
            principal.require_org(row["employer"], "unit")
        return unit_view(row)

    def units(self, principal: Principal, limit: int, cursor: str | None,
              site: str | None = None) -> Page:
        q = select(units)
        if principal.role == "employer":
            q = q.where(units.c.employer == principal.org)
        if site:
            q = q.where(units.c.site == site)
        p = page(self.engine, units, q, limit, cursor)
        return Page([unit_view(r) for r in p.items], p.next_cursor)
