"""Units under sites (a ward, a department): their read model and the employer's command.

A unit adds its own onboarding requirements to its site's; a slot naming the unit requires
both (placements/capacity.py checks the unit is the slot's site's).
"""

from __future__ import annotations

from sqlalchemy import select

from domain.capacity import Site
from domain.errors import InvalidInput
from domain.onboarding import Unit
from placements.base import AreaService, command
from placements.paging import Page, page
from placements.principals import Principal
from placements.read.units import units


def unit_view(row: dict) -> dict:
    return {k: row[k] for k in ("id", "version", "employer", "site", "name", "requirements")}


class Units(AreaService):
    """An employer's units at its own sites; reads scoped as sites are."""

    @command
    def register_unit(self, principal: Principal, site: str, name: str,
                      requirements: list[str] | None = None) -> dict:
        principal.require("employer")
        where = self.uow.referenced(Site, site, "site", "site")
        if where.employer != principal.org:
            raise InvalidInput("site", f"no such site of yours: {site}")
        unit = Unit.register(principal.actor, principal.org, str(where.id), name,
                             list(requirements or []))
        self.uow.commit(unit)
        return self.unit(principal, str(unit.id))

    def unit(self, principal: Principal, unit_id: str) -> dict:
        row = self.uow.read_row(units, unit_id, "unit")
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
        p = page(self.uow.engine, units, q, limit, cursor)
        return Page([unit_view(r) for r in p.items], p.next_cursor)
