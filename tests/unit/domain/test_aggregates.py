"""The aggregates' rules, without HTTP or a database: Placement's transitions, Slot's and
Preceptor's seats, Student's bookings, PlacementRequest's placement, Solve's life. (The HTTP
tests in tests/integration cover the same rules as a caller sees them.)"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time

import pytest

from domain.capacity import Preceptor, Site, Slot
from domain.errors import Conflict, InvalidInput
from domain.placements import Placement
from domain.schedule import Schedule
from domain.solves import Solve
from domain.students import PlacementRequest, Student

ACTOR = "test"
SCHEDULE = Schedule.parse("2027-01-04", "2027-03-26", [1, 2, 3], "07:00", "15:30")


def placement(status: str = "proposed") -> Placement:
    return Placement(ACTOR, "request", "student", "college", "slot", "site", "employer", None,
                     status, None)


def site() -> Site:
    return Site.register(ACTOR, "employer", "Marin General", {"lat": 37.95, "lon": -122.54}, [])


def slot(capacity: int = 2) -> Slot:
    return Slot.publish(ACTOR, site(), "RN", capacity, None, SCHEDULE, 120, None)


def kinds(aggregate) -> list[str]:
    return [type(e).__name__ for e in aggregate.collect_events()]


class TestPlacement:
    def test_a_proposal_is_confirmed_then_accepted_and_holds_a_seat(self):
        p = placement()
        assert p.live and not p.holds_seat
        p.confirm(ACTOR)
        assert p.holds_seat
        p.accept(ACTOR)
        assert p.status == "accepted" and p.holds_seat
        assert kinds(p) == ["Created", "Confirmed", "Accepted"]

    def test_an_employer_cannot_accept_before_the_college_confirms(self):
        with pytest.raises(Conflict, match="has not confirmed"):
            placement().accept(ACTOR)

    def test_a_direct_request_is_accepted_without_confirmation(self):
        p = placement("requested")
        p.accept(ACTOR)
        assert p.status == "accepted"

    @pytest.mark.parametrize(("status", "side", "allowed"), [
        ("proposed", "college", True), ("confirmed", "college", True),
        # docs/WORKFLOW.md: either side declines a direct ask (the college takes its own back)
        ("requested", "college", True), ("requested", "employer", True),
        ("accepted", "employer", False),
    ])
    def test_who_may_decline_what(self, status, side, allowed):
        p = placement(status)
        if allowed:
            p.decline(ACTOR, side, "no")
            assert (p.status, p.reason) == ("declined", "no")
        else:
            with pytest.raises(Conflict) as caught:
                p.decline(ACTOR, side, "no")
            assert caught.value.code == "invalid_transition"

    def test_only_a_held_seat_is_cancelled_and_only_with_a_reason(self):
        with pytest.raises(Conflict):
            placement().cancel(ACTOR, "ill")
        p = placement()
        p.confirm(ACTOR)
        with pytest.raises(InvalidInput):
            p.cancel(ACTOR, "  ")
        p.cancel(ACTOR, " ill ")
        assert (p.status, p.reason) == ("cancelled", "ill")

    def test_reopening_touches_live_placements_only(self):
        p = placement()
        p.reopen(ACTOR, "slot withdrawn")
        assert p.status == "reopened"
        p.reopen(ACTOR, "again")  # no longer live: nothing recorded
        assert kinds(p) == ["Created", "Reopened"]

    def test_only_a_proposal_is_superseded(self):
        p = placement()
        p.supersede(ACTOR, "solve")
        assert p.status == "superseded"
        held = placement()
        held.confirm(ACTOR)
        with pytest.raises(Conflict):
            held.supersede(ACTOR, "solve")


class TestSlot:
    def test_seats_are_held_up_to_capacity_once_each(self):
        s = slot(capacity=2)
        s.hold(ACTOR, "p1")
        s.hold(ACTOR, "p1")  # the same placement again: still one seat
        s.hold(ACTOR, "p2")
        with pytest.raises(Conflict) as caught:
            s.hold(ACTOR, "p3")
        assert caught.value.code == "slot_full"
        s.release(ACTOR, "p1")
        s.hold(ACTOR, "p3")
        assert s.held == ["p2", "p3"]

    def test_lowering_capacity_displaces_the_latest_bookings(self):
        s = slot(capacity=3)
        for p in ("p1", "p2", "p3"):
            s.hold(ACTOR, p)
        assert s.change_capacity(ACTOR, 1, "ward closed") == ["p2", "p3"]
        assert s.held == ["p1"]

    def test_a_withdrawn_slot_takes_no_booking(self):
        s = slot()
        s.hold(ACTOR, "p1")
        assert s.withdraw(ACTOR, "closed") == ["p1"]
        assert not s.open and s.held == []
        with pytest.raises(Conflict) as caught:
            s.hold(ACTOR, "p2")
        assert caught.value.code == "slot_withdrawn"

    def test_publishing_validates_its_fields(self):
        with pytest.raises(InvalidInput) as caught:
            Slot.publish(ACTOR, site(), "RN", 0, None, SCHEDULE, 120, None)
        assert "capacity" in caught.value.fields


class TestPreceptor:
    def test_a_preceptor_supervises_at_most_max_students_at_one_moment(self):
        p = Preceptor.register(ACTOR, site(), "Dana Lee", ["RN"], 1, False)
        p.book(ACTOR, "p1", SCHEDULE)
        with pytest.raises(Conflict) as caught:
            p.book(ACTOR, "p2", SCHEDULE)
        assert caught.value.code == "preceptor_full"
        evenings = replace(SCHEDULE, shift_start=time(16), shift_end=time(22))
        p.book(ACTOR, "p2", evenings)  # never at the same moment
        p.release(ACTOR, "p1")
        p.book(ACTOR, "p3", SCHEDULE)
        assert set(p.bookings) == {"p2", "p3"}


def student() -> Student:
    return Student.register(ACTOR, "college", "Ana Ruiz", {"lat": 37.8, "lon": -122.3}, 40.0,
                            [], [{"weekdays": [5], "start": "08:00", "end": "12:00"}])


class TestStudent:
    def test_registering_names_the_field_at_fault(self):
        with pytest.raises(InvalidInput) as caught:
            Student.register(ACTOR, "college", "Ana", {"lat": 37.8, "lon": -122.3}, -1, [], [])
        assert "max_travel_km" in caught.value.fields
        with pytest.raises(InvalidInput) as caught:
            Student.register(ACTOR, "college", "Ana", {"lat": 37.8, "lon": -122.3}, None, [],
                             [{"weekdays": [9], "start": "08:00", "end": "12:00"}])
        assert "unavailable[0]" in caught.value.fields

    def test_a_student_is_never_in_two_sessions_at_once(self):
        s = student()
        s.book(ACTOR, "p1", SCHEDULE)
        s.book(ACTOR, "p1", SCHEDULE)  # the same placement again: one booking
        with pytest.raises(Conflict) as caught:
            s.book(ACTOR, "p2", SCHEDULE)
        assert caught.value.code == "student_double_booked"
        s.book(ACTOR, "p2", replace(SCHEDULE, weekdays=frozenset({4})))
        s.release(ACTOR, "p1")
        assert set(s.bookings) == {"p2"}


class TestPlacementRequest:
    def test_filing_checks_the_dates(self):
        with pytest.raises(InvalidInput) as caught:
            PlacementRequest.file(ACTOR, "college", "student", "RN", 120, date(2027, 3, 1),
                                  date(2027, 1, 1))
        assert "latest_end" in caught.value.fields

    def test_a_request_holds_one_placement_at_a_time(self):
        r = PlacementRequest.file(ACTOR, "college", "student", "RN", 120, date(2027, 1, 1),
                                  date(2027, 6, 30))
        r.record_unplaced(ACTOR, "solve", "NO_CAPACITY", "")
        r.attach(ACTOR, "p1")
        assert (r.placement, r.unplaced) == ("p1", None)
        with pytest.raises(Conflict) as caught:
            r.attach(ACTOR, "p2")
        assert caught.value.code == "request_already_placed"
        r.detach(ACTOR, "p2")  # not its placement: nothing happens
        r.detach(ACTOR, "p1")
        r.attach(ACTOR, "p2")
        assert r.placement == "p2"


class TestSolve:
    def test_a_solve_runs_records_its_input_and_completes_once(self):
        s = Solve(ACTOR, None, 60.0)
        s.start(ACTOR, "w1")
        s.record_input(ACTOR, "hash", 7)
        s.complete(ACTOR, {"status": "OPTIMAL"})
        assert s.finished and s.status == "done" and s.attempts == 1
        with pytest.raises(Conflict):
            s.complete(ACTOR, {})
        s.fail(ACTOR, "late")  # a finished solve stays as it finished
        assert s.status == "done"

    def test_a_split_needs_the_current_input_and_is_never_started_again(self):
        s = Solve(ACTOR, None, 60.0)
        s.start(ACTOR, "w1")
        s.record_input(ACTOR, "hash", 7)
        with pytest.raises(Conflict) as caught:
            s.split(ACTOR, "older", 2)
        assert caught.value.code == "solve_input_changed"
        with pytest.raises(Conflict):
            s.split(ACTOR, "hash", 1)
        s.split(ACTOR, "hash", 2)
        with pytest.raises(Conflict) as caught:
            s.start(ACTOR, "w2")
        assert caught.value.code == "solve_split"
