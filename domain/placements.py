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

from eventsourcing.domain import event

from domain.base import Aggregate, require
from domain.errors import Conflict

LIVE = ("proposed", "requested", "confirmed", "accepted")
HOLDING = ("confirmed", "accepted")  # the live states that hold a seat
STATUSES = (*LIVE, "declined", "cancelled", "reopened", "superseded")


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
        self.request = request
        self.student = student
        self.college = college
        self.slot = slot
        self.site = site
        self.employer = employer
        self.preceptor = preceptor
        self.status = status  # "proposed" (by a solve) or "requested" (directly by the college)
        self.solve = solve
        self.reason: str | None = None

    @property
    def holds_seat(self) -> bool:
        return self.status in HOLDING

    @property
    def live(self) -> bool:
        return self.status in LIVE

    def _expect(self, allowed: tuple[str, ...], action: str) -> None:
        if self.status not in allowed:
            raise Conflict(
                f"cannot {action} a placement that is {self.status}", code="invalid_transition"
            )

    def confirm(self, actor: str) -> None:
        self._expect(("proposed",), "confirm")
        self._confirmed(actor)

    @event("Confirmed")
    def _confirmed(self, actor: str) -> None:
        self.status = "confirmed"

    def accept(self, actor: str) -> None:
        if self.status == "proposed":
            raise Conflict(
                "the college has not confirmed this placement yet", code="invalid_transition"
            )
        self._expect(("confirmed", "requested"), "accept")
        self._accepted(actor)

    @event("Accepted")
    def _accepted(self, actor: str) -> None:
        self.status = "accepted"

    def decline(self, actor: str, side: str, reason: str | None) -> None:
        # Either side declines a direct ask ("requested"): the college takes its own back.
        self._expect(("proposed", "requested", "confirmed"), "decline")
        self._declined(actor, side, reason)

    @event("Declined")
    def _declined(self, actor: str, side: str, reason: str | None) -> None:
        self.status = "declined"
        self.reason = reason

    def cancel(self, actor: str, reason: str) -> None:
        self._expect(HOLDING, "cancel")
        require(bool(reason and reason.strip()), "reason", "must not be blank")
        self._cancelled(actor, reason.strip())

    @event("Cancelled")
    def _cancelled(self, actor: str, reason: str) -> None:
        self.status = "cancelled"
        self.reason = reason

    def reopen(self, actor: str, reason: str) -> None:
        """Capacity under this placement was withdrawn: it needs a new slot."""
        if self.live:
            self._reopened(actor, reason)

    @event("Reopened")
    def _reopened(self, actor: str, reason: str) -> None:
        self.status = "reopened"
        self.reason = reason

    def supersede(self, actor: str, solve: str) -> None:
        """A later solve replaced this unconfirmed proposal."""
        self._expect(("proposed",), "supersede")
        self._superseded(actor, solve)

    @event("Superseded")
    def _superseded(self, actor: str, solve: str) -> None:
        self.status = "superseded"
        self.reason = f"superseded by solve {solve}"
