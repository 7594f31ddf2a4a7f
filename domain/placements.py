"""A placement: one student's request in one slot, and its life from proposal to acceptance.

    proposed ──confirm (college)──▶ confirmed ──accept (employer)──▶ accepted
    requested (college's direct ask) ──accept (employer)──▶ accepted
    proposed / requested / confirmed ──decline (either side)──▶ declined
    confirmed / accepted ──cancel (either side, with reason)──▶ cancelled
    any live state ──capacity withdrawn──▶ reopened;  proposed ──re-solve──▶ superseded

A placement holds a seat (slot, preceptor, student) while confirmed or accepted: the college has
committed to it, and for a direct ask the employer's acceptance is the commitment.
"""

from __future__ import annotations

from enum import StrEnum

from eventsourcing.domain import event

from domain.base import Aggregate, require
from domain.errors import Conflict


class PlacementStatus(StrEnum):
    PROPOSED = "proposed"  # by a solve
    REQUESTED = "requested"  # directly by the college
    CONFIRMED = "confirmed"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    REOPENED = "reopened"
    SUPERSEDED = "superseded"


LIVE = frozenset({PlacementStatus.PROPOSED, PlacementStatus.REQUESTED, PlacementStatus.CONFIRMED,
                  PlacementStatus.ACCEPTED})
HOLDING = frozenset({PlacementStatus.CONFIRMED, PlacementStatus.ACCEPTED})  # they hold a seat
# Why a facility declines (AB 1577 asks for written reasons per rotation type).
REASON_CODES = ("no_capacity", "no_preceptor", "onboarding", "accreditation", "other")


class Placement(Aggregate):
    @event("Created")
    def __init__(
        self,
        actor: str,
        request: str,
        student: str,
        college: str,
        slot: str,
        site: str,
        employer: str,
        preceptor: str | None,
        status: str,
        solve: str | None,
    ):
        """`status` as stored: a `PlacementStatus` value, PROPOSED or REQUESTED."""
        self.request = request
        self.student = student
        self.college = college
        self.slot = slot
        self.site = site
        self.employer = employer
        self.preceptor = preceptor
        self.status = PlacementStatus(status)
        self.solve = solve
        self.reason: str | None = None
        self.reason_code: str | None = None

    @property
    def holds_seat(self) -> bool:
        return self.status in HOLDING

    @property
    def live(self) -> bool:
        return self.status in LIVE

    def _expect(self, action: str, *allowed: PlacementStatus) -> None:
        if self.status not in allowed:
            raise Conflict(
                f"cannot {action} a placement that is {self.status}", code="invalid_transition"
            )

    def confirm(self, actor: str) -> None:
        self._expect("confirm", PlacementStatus.PROPOSED)
        self._confirmed(actor)

    @event("Confirmed")
    def _confirmed(self, actor: str) -> None:
        self.status = PlacementStatus.CONFIRMED

    def accept(self, actor: str) -> None:
        if self.status == PlacementStatus.PROPOSED:
            raise Conflict(
                "the college has not confirmed this placement yet", code="invalid_transition"
            )
        self._expect("accept", PlacementStatus.CONFIRMED, PlacementStatus.REQUESTED)
        self._accepted(actor)

    @event("Accepted")
    def _accepted(self, actor: str) -> None:
        self.status = PlacementStatus.ACCEPTED

    def decline(self, actor: str, side: str, reason: str | None,
                reason_code: str | None = None, reasons_required: bool = False) -> None:
        """`reasons_required`: a facility declining a rotation AB 1577 covers must say why."""
        # Either side declines a direct ask ("requested"): the college takes its own back.
        self._expect("decline", PlacementStatus.PROPOSED, PlacementStatus.REQUESTED,
                     PlacementStatus.CONFIRMED)
        require(reason_code is None or reason_code in REASON_CODES, "reason_code",
                f"must be one of {', '.join(REASON_CODES)}")
        if reasons_required:
            require(reason_code is not None, "reason_code",
                    "a facility declining a CCC or CSU nursing rotation gives a reason code "
                    "(AB 1577)")
            require(bool(reason and reason.strip()), "reason",
                    "a facility declining a CCC or CSU nursing rotation gives written reasons "
                    "(AB 1577)")
        self._declined(actor, side, reason, reason_code)

    @event("Declined")
    def _declined(self, actor: str, side: str, reason: str | None,
                  reason_code: str | None = None) -> None:
        self.status = PlacementStatus.DECLINED
        self.reason = reason
        self.reason_code = reason_code

    def cancel(self, actor: str, reason: str) -> None:
        self._expect("cancel", *HOLDING)
        require(bool(reason and reason.strip()), "reason", "must not be blank")
        self._cancelled(actor, reason.strip())

    @event("Cancelled")
    def _cancelled(self, actor: str, reason: str) -> None:
        self.status = PlacementStatus.CANCELLED
        self.reason = reason

    def reopen(self, actor: str, reason: str) -> None:
        """Capacity under this placement was withdrawn: it needs a new slot."""
        if self.live:
            self._reopened(actor, reason)

    @event("Reopened")
    def _reopened(self, actor: str, reason: str) -> None:
        self.status = PlacementStatus.REOPENED
        self.reason = reason

    def supersede(self, actor: str, solve: str) -> None:
        """A later solve replaced this unconfirmed proposal."""
        self._expect("supersede", PlacementStatus.PROPOSED)
        self._superseded(actor, solve)

    @event("Superseded")
    def _superseded(self, actor: str, solve: str) -> None:
        self.status = PlacementStatus.SUPERSEDED
        self.reason = f"superseded by solve {solve}"
