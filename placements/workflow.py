"""The placement workflow: direct requests, confirm, accept, decline, cancel, and seat holding.

A placement's seat is three bookings saved together with it: a seat in the slot, a place in its
preceptor's supervision, and the student's time. Each aggregate refuses a booking that breaks its
invariant, and optimistic concurrency on each makes concurrent bookings of the last seat serialise.
"""

from __future__ import annotations

from sqlalchemy import select

from domain.capacity import Site, Slot
from domain.errors import Conflict, InvalidInput
from domain.onboarding import Unit, effective_requirements
from domain.organizations import AB1577_DISCIPLINES, AB1577_SEGMENTS, Organization
from domain.placements import Placement, PlacementStatus
from domain.schedule import Window
from domain.students import PlacementRequest, Student
from placements import seats
from placements.base import AreaService, UnitOfWork, check_version, command
from placements.paging import Page, page
from placements.partnership import participants as partnership
from placements.principals import Principal
from placements.read.placements import placement_rows
from solver import instance as problem
from solver import rules


def placement_view(row: dict) -> dict:
    return {k: v for k, v in row.items() if k != "seq"}


def solver_student(student: Student) -> problem.Student:
    """The student as the solver sees it: credentials with their expiry, waivers by site."""
    return problem.Student(
        str(student.id), student.college, student.home["lat"], student.home["lon"],
        student.max_travel_km, frozenset(student.credentials),
        tuple(Window.parse(**w) for w in student.unavailable),
        frozenset((r["code"], r["expires"])
                  for r in student.credential_records.values() if r["expires"] is not None),
        frozenset((w["code"], w["site"], w["until"]) for w in student.waivers))


def ineligibility(request: PlacementRequest, slot: Slot, student: Student, site: Site,
                  unit: Unit | None = None) -> list[str]:
    """The H2 rules (solver/rules.py, the solver's own) that keep this slot from this request
    (credentials judged on the site's requirements, plus the unit's when it is given)."""
    return rules.failures(
        problem.Request(str(request.id), request.student, request.discipline,
                        request.required_hours, request.earliest_start, request.latest_end,
                        request.priority, request.group,
                        tuple(request.preferred_sites)),
        problem.Slot(str(slot.id), slot.site, slot.discipline, slot.capacity, slot.preceptor,
                     slot.schedule, slot.hours,
                     frozenset(slot.colleges) if slot.colleges is not None else None,
                     frozenset(unit.requirements) if unit is not None else frozenset()),
        solver_student(student),
        problem.Site(str(site.id), site.employer, site.location["lat"], site.location["lon"],
                     frozenset(site.requirements)),
    )


def describe(gaps: list[dict]) -> str:
    return ", ".join(f"{g['code']} " + ("absent" if g["reason"] == "absent" else
                                        "expires before the slot ends") for g in gaps)


def require_onboarded(app: UnitOfWork, student: Student, slot: Slot) -> None:
    """409 `onboarding_incomplete` when the student is not compliant for the slot through its
    end, naming each missing code (the accept step's gate)."""
    site = app.load(Site, slot.site, "site")
    unit = app.load(Unit, slot.unit, "unit") if slot.unit is not None else None
    required = effective_requirements(site.requirements, unit.requirements if unit else None)
    gaps = student.onboarding_gaps(slot.site, required, slot.schedule.end_date)
    if gaps:
        raise Conflict(
            f"the student is not compliant through the slot's end "
            f"({slot.schedule.end_date}): {describe(gaps)}",
            code="onboarding_incomplete",
            fields={f"credentials.{g['code']}": [g["reason"]] for g in gaps})


class Workflow(AreaService):
    """Commands that move placements through their life."""

    @command
    def request_slot(self, principal: Principal, request: str, slot: str) -> dict:
        """A coordinator's direct ask for one slot, as sites approve rotations today."""
        principal.require("coordinator")
        req = self.uow.referenced(PlacementRequest, request, "request", "placement request")
        if req.college != principal.org:
            raise InvalidInput("request", f"no such placement request of yours: {request}")
        target = self.uow.referenced(Slot, slot, "slot", "slot")
        if target.withdrawn:
            raise InvalidInput("slot", "the slot has been withdrawn")
        broken = ineligibility(req, target, self.uow.load(Student, req.student, "student"),
                               self.uow.load(Site, target.site, "site"))
        # Onboarding may be completed between the ask and the employer's acceptance, which is
        # its gate (409 onboarding_incomplete): a direct ask is not refused for credentials.
        broken = [rule for rule in broken if rule != "credentials"]
        if broken:
            raise InvalidInput("slot", f"not eligible for this request: {', '.join(broken)}")
        if req.placement is not None or self._asked(request):
            raise Conflict("the request already holds a placement", code="request_already_placed")
        self.uow.load(Student, req.student, "student").check_free(target.schedule)
        placement = Placement(principal.actor, str(req.id), req.student, req.college,
                              str(target.id), target.site, target.employer, target.preceptor,
                              PlacementStatus.REQUESTED, None)
        req.ask(principal.actor, str(placement.id))
        self.uow.commit(placement, req)
        return self.placement(principal, str(placement.id))

    def _asked(self, request_id: str) -> bool:
        """Whether a direct ask of the request is still waiting for the employer (one at a
        time: the request holds at most one placement)."""
        with self.uow.connection() as conn:
            return conn.execute(select(placement_rows.c.id).where(
                placement_rows.c.request == request_id,
                placement_rows.c.status == PlacementStatus.REQUESTED)).first() is not None

    def _own(self, principal: Principal, placement_id: str, if_match: int | None) -> Placement:
        placement = self.uow.load(Placement, placement_id, "placement")
        org = placement.college if principal.role == "coordinator" else placement.employer
        principal.require_org(org, "placement")
        check_version(placement, if_match)
        return placement

    @command
    def confirm_placement(self, principal: Principal, placement_id: str,
                          if_match: int | None = None) -> dict:
        principal.require("coordinator")
        placement = self._own(principal, placement_id, if_match)
        placement.confirm(principal.actor)
        self.uow.commit(placement, *seats.hold(self.uow.load, principal.actor, placement))
        return self.placement(principal, placement_id)

    @command
    def accept_placement(self, principal: Principal, placement_id: str,
                         if_match: int | None = None) -> dict:
        principal.require("employer")
        placement = self._own(principal, placement_id, if_match)
        slot = self.uow.load(Slot, placement.slot, "slot")
        student = self.uow.load(Student, placement.student, "student")
        partnership.require_guardian_consent(self.uow, slot.schedule.start_date,
                                             student.participant)
        require_onboarded(self.uow, student, slot)
        held = placement.holds_seat
        placement.accept(principal.actor)
        self.uow.commit(placement, *([] if held else seats.hold(self.uow.load, principal.actor,
                                                                placement)))
        return self.placement(principal, placement_id)

    @command
    def decline_placement(self, principal: Principal, placement_id: str,
                          reason: str | None = None, if_match: int | None = None,
                          reason_code: str | None = None) -> dict:
        principal.require("coordinator", "employer")
        placement = self._own(principal, placement_id, if_match)
        held = placement.holds_seat
        side = "college" if principal.role == "coordinator" else "employer"
        placement.decline(principal.actor, side, reason, reason_code,
                          reasons_required=side == "employer" and self._ab1577(placement))
        freed = seats.release(self.uow.load, principal.actor, placement) if held else []
        self.uow.commit(placement, *freed)
        return self.placement(principal, placement_id)

    @command
    def cancel_placement(self, principal: Principal, placement_id: str, reason: str,
                         if_match: int | None = None) -> dict:
        principal.require("coordinator", "employer")
        placement = self._own(principal, placement_id, if_match)
        placement.cancel(principal.actor, reason)
        self.uow.commit(placement, *seats.release(self.uow.load, principal.actor, placement))
        return self.placement(principal, placement_id)

    def _ab1577(self, placement: Placement) -> bool:
        """Whether AB 1577 covers the placement: a nursing rotation (RN, LVN) a California
        Community College or CSU asked for."""
        college = self.uow.load(Organization, placement.college, "organization")
        slot = self.uow.load(Slot, placement.slot, "slot")
        return college.segment in AB1577_SEGMENTS and slot.discipline in AB1577_DISCIPLINES

    # Reads -------------------------------------------------------------------------------

    def placement(self, principal: Principal, placement_id: str) -> dict:
        row = self.uow.read_row(placement_rows, placement_id, "placement")
        if principal.role == "coordinator":
            principal.require_org(row["college"], "placement")
        elif principal.role == "employer":
            principal.require_org(row["employer"], "placement")
        return self._with_placement_names([placement_view(row)])[0]

    def _with_placement_names(self, items: list[dict]) -> list[dict]:
        from placements.naming import name_placements  # it reads tables that import ours

        with self.uow.connection() as conn:
            return name_placements(conn, items)

    def placements(self, principal: Principal, limit: int, cursor: str | None,
                   status: str | None = None, slot: str | None = None,
                   request: str | None = None) -> Page:
        q = select(placement_rows)
        if principal.role == "coordinator":
            q = q.where(placement_rows.c.college == principal.org)
        elif principal.role == "employer":
            q = q.where(placement_rows.c.employer == principal.org)
        for col, value in (("status", status), ("slot", slot), ("request", request)):
            if value:
                q = q.where(placement_rows.c[col] == value)
        p = page(self.uow.engine, placement_rows, q, limit, cursor)
        return Page(self._with_placement_names([placement_view(r) for r in p.items]), p.next_cursor)
