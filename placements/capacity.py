"""Sites, preceptors and slots: their read models and the employer's commands over them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import or_, select

from domain.capacity import Preceptor, Site, Slot
from domain.errors import InvalidInput, NotFound
from domain.onboarding import Unit
from domain.organizations import Organization
from domain.placements import LIVE, Placement
from domain.schedule import Schedule
from placements import seats
from placements.base import AreaService, check_version, command
from placements.paging import Page, page
from placements.principals import Principal
from placements.read.capacity import preceptors, sites, slots
from placements.read.placements import placement_rows


def site_view(row: dict) -> dict:
    return {"id": row["id"], "version": row["version"], "employer": row["employer"],
            "name": row["name"], "location": {"lat": row["lat"], "lon": row["lon"]},
            "requirements": row["requirements"], "phone": row["phone"]}


def preceptor_view(row: dict) -> dict:
    return {k: row[k] for k in ("id", "version", "employer", "site", "name", "disciplines",
                                "max_students", "journeyworker")}


def slot_visibility(principal: Principal) -> list:
    """Which slots the caller may see, as WHERE clauses over `slots` (the same rule as
    `slot_visible`): an employer its own; a coordinator those open to all or reserved for its
    college; everyone else all."""
    if principal.role == "employer":
        return [slots.c.employer == principal.org]
    if principal.role == "coordinator":
        return [or_(slots.c.open_to == "*", slots.c.open_to.contains(f",{principal.org},"))]
    return []


def slot_visible(principal: Principal, row: dict) -> bool:
    """`slot_visibility` for one row already read."""
    if principal.role == "employer":
        return row["employer"] == principal.org
    if principal.role == "coordinator":
        return row["open_to"] == "*" or f",{principal.org}," in row["open_to"]
    return True


def slot_view(row: dict) -> dict:
    return {k: v for k, v in row.items() if k not in ("seq", "open_to")}


@dataclass(frozen=True)
class SlotReferences:
    """What slots name, loaded once: the caller's sites, preceptors and units by id, known
    colleges."""

    sites: dict[str, Site]
    preceptors: dict[str, Preceptor]
    colleges: set[str]
    units: dict[str, Unit] = field(default_factory=dict)


class Capacity(AreaService):
    """Commands of an employer over its own capacity; reads scoped to the caller."""

    def _own_site(self, principal: Principal, site_id: str, field: str = "site") -> Site:
        site = self.uow.referenced(Site, site_id, field, "site")
        if site.employer != principal.org:
            raise InvalidInput(field, f"no such site of yours: {site_id}")
        return site

    def _check_disciplines(self, disciplines: list[str], field: str) -> None:
        for d in disciplines:
            if d not in self.uow.settings.disciplines:
                raise InvalidInput(field, f"unknown discipline {d!r}")

    @command
    def register_site(self, principal: Principal, name: str, location: dict,
                      requirements: list[str], phone: str | None = None) -> dict:
        principal.require("employer")
        site = Site.register(principal.actor, principal.org, name, location, requirements,
                             phone)
        self.uow.commit(site)
        return self.site(principal, str(site.id))

    @command
    def register_preceptor(self, principal: Principal, site: str, name: str,
                           disciplines: list[str], max_students: int,
                           journeyworker: bool = False) -> dict:
        principal.require("employer")
        self._check_disciplines(disciplines, "disciplines")
        preceptor = Preceptor.register(principal.actor, self._own_site(principal, site), name,
                                       disciplines, max_students, journeyworker)
        self.uow.commit(preceptor)
        return self.preceptor(principal, str(preceptor.id))

    @command
    def publish_slot(self, principal: Principal, site: str, discipline: str, capacity: int,
                     preceptor: str | None, start_date: date, end_date: date,
                     weekdays: list[int], shift_start: str, shift_end: str, hours: int,
                     colleges: list[str] | None = None, unit: str | None = None) -> dict:
        """Publish a slot (every path that creates slots, API or import, comes here: the
        validation is this command's and the aggregate's)."""
        principal.require("employer")
        refs = self.slot_references(principal, [{"site": site, "preceptor": preceptor,
                                                 "colleges": colleges, "unit": unit}])
        slot = self.new_slot(principal, refs, site, discipline, capacity, preceptor,
                             start_date, end_date, weekdays, shift_start, shift_end, hours,
                             colleges, unit)
        self.uow.commit(slot)
        return self.slot(principal, str(slot.id))

    def slot_references(self, principal: Principal, bodies: list[dict]) -> SlotReferences:
        """The caller's sites and preceptors and the colleges that slot bodies name, loaded
        once for all of them."""
        named_sites = {str(b["site"]) for b in bodies if b.get("site")}
        named_preceptors = {str(b["preceptor"]) for b in bodies if b.get("preceptor")}
        named_colleges = {str(c) for b in bodies for c in b.get("colleges") or ()}
        named_units = {str(b["unit"]) for b in bodies if b.get("unit")}
        own = principal.org
        return SlotReferences(
            {i: s for i, s in self.uow.load_found(Site, named_sites).items() if s.employer == own},
            {i: p for i, p in self.uow.load_found(Preceptor, named_preceptors).items()
             if p.employer == own},
            {i for i, o in self.uow.load_found(Organization, named_colleges).items()
             if o.kind == "college"},
            {i: u for i, u in self.uow.load_found(Unit, named_units).items() if u.employer == own})

    def new_slot(self, principal: Principal, refs: SlotReferences, site: str,
                 discipline: str, capacity: int, preceptor: str | None,
                 start_date: date, end_date: date, weekdays: list[int],
                 shift_start: str, shift_end: str, hours: int,
                 colleges: list[str] | None = None, unit: str | None = None) -> Slot:
        """A slot at one of the caller's sites, checked as every path that publishes one
        checks it (POST /v1/slots, the CSV import, the copy to next term); not yet saved."""
        self._check_disciplines([discipline], "discipline")
        own_site = refs.sites.get(site)
        if own_site is None:
            raise InvalidInput("site", f"no such site of yours: {site}")
        supervisor = None
        if preceptor is not None:
            supervisor = refs.preceptors.get(preceptor)
            if supervisor is None:
                raise InvalidInput("preceptor", f"no such preceptor of yours: {preceptor}")
        for i, college in enumerate(colleges or []):
            if college not in refs.colleges:
                raise InvalidInput(f"colleges.{i}", f"no such college: {college}")
        schedule = Schedule.parse(start_date, end_date, weekdays, shift_start, shift_end)
        part = None
        if unit is not None:
            part = refs.units.get(unit)
            if part is None:
                raise InvalidInput("unit", f"no such unit of yours: {unit}")
        return Slot.publish(principal.actor, own_site, discipline, capacity, supervisor,
                            schedule, hours, colleges, part)

    @command
    def withdraw_slot(self, principal: Principal, slot_id: str, reason: str,
                      if_match: int | None = None) -> dict:
        """Withdraw a slot; every live placement in it is re-opened for a re-solve."""
        principal.require("employer")
        slot = self.uow.load(Slot, slot_id, "slot")
        principal.require_org(slot.employer, "slot")
        check_version(slot, if_match)
        slot.withdraw(principal.actor, reason)
        self.uow.commit(slot, *self._reopen_live(principal, slot, f"slot withdrawn: {reason}"))
        return self.slot(principal, slot_id)

    @command
    def change_slot_capacity(self, principal: Principal, slot_id: str, capacity: int,
                             reason: str, if_match: int | None = None) -> dict:
        principal.require("employer")
        slot = self.uow.load(Slot, slot_id, "slot")
        principal.require_org(slot.employer, "slot")
        check_version(slot, if_match)
        displaced = slot.change_capacity(principal.actor, capacity, reason)
        self.uow.commit(slot, *self._reopen(principal, displaced, f"capacity lowered: {reason}"))
        return self.slot(principal, slot_id)

    def _reopen_live(self, principal: Principal, slot: Slot, reason: str) -> list:
        """Placements still live in the slot (held or merely proposed), re-opened."""
        with self.uow.connection() as conn:
            ids = [r.id for r in conn.execute(
                select(placement_rows.c.id).where(
                    placement_rows.c.slot == str(slot.id),
                    placement_rows.c.status.in_(LIVE))
            )]
        return self._reopen(principal, ids, reason)

    def _reopen(self, principal: Principal, placement_ids: list[str], reason: str) -> list:
        """Re-open placements whose capacity went away, releasing their seats."""
        changed: list = []
        for pid in placement_ids:
            placement = self.uow.load(Placement, pid, "placement")
            if not placement.live:
                continue
            changed.extend(seats.release(self.uow.load, principal.actor, placement,
                                         from_slot=False))
            placement.reopen(principal.actor, reason)
            changed.append(placement)
        return changed

    # Reads -------------------------------------------------------------------------------

    def site(self, principal: Principal, site_id: str) -> dict:
        row = self.uow.read_row(sites, site_id, "site")
        if principal.role == "employer":
            principal.require_org(row["employer"], "site")
        return site_view(row)

    def sites(self, principal: Principal, limit: int, cursor: str | None) -> Page:
        q = select(sites)
        if principal.role == "employer":
            q = q.where(sites.c.employer == principal.org)
        p = page(self.uow.engine, sites, q, limit, cursor)
        return Page([site_view(r) for r in p.items], p.next_cursor)

    def preceptor(self, principal: Principal, preceptor_id: str) -> dict:
        row = self.uow.read_row(preceptors, preceptor_id, "preceptor")
        if principal.role == "employer":
            principal.require_org(row["employer"], "preceptor")
        return preceptor_view(row)

    def preceptors(self, principal: Principal, limit: int, cursor: str | None,
                   site: str | None = None) -> Page:
        q = select(preceptors)
        if principal.role == "employer":
            q = q.where(preceptors.c.employer == principal.org)
        if site:
            q = q.where(preceptors.c.site == site)
        p = page(self.uow.engine, preceptors, q, limit, cursor)
        return Page([preceptor_view(r) for r in p.items], p.next_cursor)

    def slot(self, principal: Principal, slot_id: str) -> dict:
        row = self.uow.read_row(slots, slot_id, "slot")
        if not slot_visible(principal, row):
            raise NotFound(f"no such slot: {slot_id}")
        return slot_view(row)

    def slots(self, principal: Principal, limit: int, cursor: str | None,
              site: str | None = None, discipline: str | None = None,
              status: str | None = None, unit: str | None = None) -> Page:
        q = select(slots).where(*slot_visibility(principal))
        for col, value in (("site", site), ("discipline", discipline), ("status", status),
                           ("unit", unit)):
            if value:
                q = q.where(slots.c[col] == value)
        p = page(self.uow.engine, slots, q, limit, cursor)
        return Page([slot_view(r) for r in p.items], p.next_cursor)

