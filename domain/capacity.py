"""Clinical capacity an employer publishes: sites, preceptors and slots, with their invariants.

A slot holds seats for placements (at most `capacity`); a preceptor books the placements it
supervises (at most `max_students` in session at one moment). Both refuse with `Conflict`, so two
concurrent bookings of the last seat race on the aggregate's version and one of them loses.
"""

from __future__ import annotations

from enum import StrEnum

from eventsourcing.domain import event

from domain.base import Aggregate, check_date, require
from domain.errors import Conflict
from domain.onboarding import Unit
from domain.schedule import Schedule, peak_overlap

DEFAULT_DISCIPLINES = ("RN", "LVN", "MA", "DA", "CHW", "BH", "SW", "PHARM_TECH", "K12_SHADOW")
REQUIREMENTS = ("BLS", "TB", "FLU", "BACKGROUND")


class SlotStatus(StrEnum):
    OPEN = "open"
    WITHDRAWN = "withdrawn"


def check_location(location: dict, field: str) -> None:
    lat, lon = location.get("lat"), location.get("lon")
    require(isinstance(lat, int | float) and -90 <= lat <= 90, f"{field}.lat", "must be -90..90")
    require(isinstance(lon, int | float) and -180 <= lon <= 180, f"{field}.lon",
            "must be -180..180")


class Site(Aggregate):
    class Registered(Aggregate.Created):
        """Version 2 added `phone`, the site's contact number for arriving students. Events
        stored as version 1 are upcast on read (docs/AUDIT.md, "Upcasting policy")."""

        class_version = 2
        actor: str
        employer: str
        name: str
        location: dict
        requirements: list[str]
        phone: str | None

        @staticmethod
        def upcast_v1_v2(state: dict) -> None:
            state["phone"] = None

    @event(Registered)
    def __init__(
        self, actor: str, employer: str, name: str, location: dict, requirements: list[str],
        phone: str | None = None,
    ):
        self.employer = employer
        self.name = name
        self.location = location
        self.requirements = requirements
        self.phone = phone

    @classmethod
    def register(
        cls, actor: str, employer: str, name: str, location: dict, requirements: list[str],
        phone: str | None = None,
    ) -> Site:
        require(bool(name and name.strip()), "name", "must not be blank")
        check_location(location, "location")
        phone = phone.strip() if phone else None
        return cls(actor, employer, name.strip(), dict(location), sorted(set(requirements)),
                   phone or None)


class Preceptor(Aggregate):
    @event("Registered")
    def __init__(
        self,
        actor: str,
        employer: str,
        site: str,
        name: str,
        disciplines: list[str],
        max_students: int,
        journeyworker: bool,
    ):
        self.employer = employer
        self.site = site
        self.name = name
        self.disciplines = disciplines
        self.max_students = max_students
        self.journeyworker = journeyworker
        self.bookings: dict[str, Schedule] = {}  # placement id -> its slot's schedule

    @classmethod
    def register(
        cls,
        actor: str,
        site: Site,
        name: str,
        disciplines: list[str],
        max_students: int,
        journeyworker: bool,
    ) -> Preceptor:
        require(bool(name and name.strip()), "name", "must not be blank")
        require(max_students >= 1, "max_students", "must be at least 1")
        return cls(
            actor, site.employer, str(site.id), name.strip(), sorted(set(disciplines)),
            max_students, journeyworker,
        )

    def book(self, actor: str, placement: str, schedule: Schedule) -> None:
        if peak_overlap([*self.bookings.values(), schedule]) > self.max_students:
            raise Conflict(
                f"preceptor {self.name} would supervise more than {self.max_students} "
                "students at one moment",
                code="preceptor_full",
            )
        self._booked(actor, placement, schedule.as_dict())

    @event("Booked")
    def _booked(self, actor: str, placement: str, schedule: dict) -> None:
        self.bookings[placement] = Schedule.parse(**schedule)

    def release(self, actor: str, placement: str) -> None:
        if placement in self.bookings:
            self._released(actor, placement)

    @event("Released")
    def _released(self, actor: str, placement: str) -> None:
        del self.bookings[placement]


class Slot(Aggregate):
    """A clinical slot: `capacity` students at one site on a weekly schedule over a date range."""

    class Published(Aggregate.Created):
        """Version 2 added `unit`, the part of the site the slot is in (its onboarding
        requirements add to the site's). Version 1 events are upcast with none."""

        class_version = 2
        actor: str
        employer: str
        site: str
        discipline: str
        capacity: int
        preceptor: str | None
        schedule: dict
        hours: int
        colleges: list[str] | None
        unit: str | None

        @staticmethod
        def upcast_v1_v2(state: dict) -> None:
            state["unit"] = None

    @event(Published)
    def __init__(
        self,
        actor: str,
        employer: str,
        site: str,
        discipline: str,
        capacity: int,
        preceptor: str | None,
        schedule: dict,
        hours: int,
        colleges: list[str] | None,
        unit: str | None = None,
    ):
        self.unit = unit
        self.employer = employer
        self.site = site
        self.discipline = discipline
        self.capacity = capacity
        self.preceptor = preceptor
        self.schedule = Schedule.parse(**schedule)
        self.hours = hours
        self.colleges = colleges
        self.withdrawn = False
        self.held: list[str] = []  # placement ids holding a seat, in booking order

    @classmethod
    def publish(
        cls,
        actor: str,
        site: Site,
        discipline: str,
        capacity: int,
        preceptor: Preceptor | None,
        schedule: Schedule,
        hours: int,
        colleges: list[str] | None,
        unit: Unit | None = None,
    ) -> Slot:
        require(capacity >= 1, "capacity", "must be at least 1")
        require(hours >= 1, "hours", "must be at least 1")
        check_date(schedule.start_date, "start_date")
        check_date(schedule.end_date, "end_date")
        sessions = sum(1 for _ in schedule.session_days(schedule.start_date, schedule.end_date))
        delivered = sessions * schedule.minutes / 60
        require(hours <= delivered, "hours",
                f"must not exceed the {delivered:g} hours its {sessions} sessions deliver")
        if preceptor is not None:
            require(preceptor.site == str(site.id), "preceptor", "works at another site")
            require(
                discipline in preceptor.disciplines,
                "preceptor",
                f"does not precept {discipline}",
            )
        if unit is not None:
            require(unit.site == str(site.id), "unit", "belongs to another site")
        return cls(
            actor, site.employer, str(site.id), discipline, capacity,
            str(preceptor.id) if preceptor else None, schedule.as_dict(), hours, colleges,
            str(unit.id) if unit else None,
        )

    @property
    def open(self) -> bool:
        return not self.withdrawn

    @property
    def status(self) -> SlotStatus:
        return SlotStatus.WITHDRAWN if self.withdrawn else SlotStatus.OPEN

    def hold(self, actor: str, placement: str) -> None:
        if self.withdrawn:
            raise Conflict("the slot has been withdrawn", code="slot_withdrawn")
        if placement in self.held:
            return
        if len(self.held) >= self.capacity:
            raise Conflict(
                f"the slot is full ({self.capacity} of {self.capacity} seats held)",
                code="slot_full",
            )
        self._held(actor, placement)

    @event("SeatHeld")
    def _held(self, actor: str, placement: str) -> None:
        self.held.append(placement)

    def release(self, actor: str, placement: str) -> None:
        if placement in self.held:
            self._seat_released(actor, placement)

    @event("SeatReleased")
    def _seat_released(self, actor: str, placement: str) -> None:
        self.held.remove(placement)

    def withdraw(self, actor: str, reason: str) -> list[str]:
        """Withdraw the whole slot; returns the placements that lose their seat."""
        if self.withdrawn:
            raise Conflict("the slot is already withdrawn", code="slot_withdrawn")
        require(bool(reason and reason.strip()), "reason", "must not be blank")
        displaced = list(self.held)
        self._withdrawn(actor, reason.strip(), displaced)
        return displaced

    @event("Withdrawn")
    def _withdrawn(self, actor: str, reason: str, displaced: list[str]) -> None:
        self.withdrawn = True
        self.held = []

    def change_capacity(self, actor: str, capacity: int, reason: str) -> list[str]:
        """Raise or lower capacity; lowering below the seats held displaces the latest bookings."""
        if self.withdrawn:
            raise Conflict("the slot has been withdrawn", code="slot_withdrawn")
        require(capacity >= 1, "capacity", "must be at least 1 (withdraw the slot instead)")
        require(bool(reason and reason.strip()), "reason", "must not be blank")
        displaced = self.held[capacity:]
        self._capacity_changed(actor, capacity, reason.strip(), displaced)
        return displaced

    @event("CapacityChanged")
    def _capacity_changed(
        self, actor: str, capacity: int, reason: str, displaced: list[str]
    ) -> None:
        self.capacity = capacity
        self.held = [p for p in self.held if p not in displaced]
