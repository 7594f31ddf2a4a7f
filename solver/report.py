"""What each lexicographic stage reached: its value, its proven bound (when one is known), how it
ended and how long it took. A part's stages record one `StageRecord` each; a piece, and then the
whole solve, combine the parts' records (`combine`), and the solution lists them as `stages`.

Status: `OPTIMAL` (proven), `WITHIN_GAP` (proven within the stage's relative gap, L3's 1 %),
`FEASIBLE` (L2 of a solve split into pieces whose join had no time to raise it across them: each
piece's settled apart, the whole's not proven), `TIME_LIMIT` (the stage ran out of time; its `gap`
says how far it may be from its best). Values are in the objectives' own units: L1 the weighted
placements, L2 the lowest college rate scaled by FAIRNESS_SCALE, L3 the preference score.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from solver.objectives import FAIRNESS_SCALE

NAMES = {"placed": "L1", "fairness": "L2", "preferences": "L3"}
STATUSES = ("OPTIMAL", "WITHIN_GAP", "FEASIBLE", "TIME_LIMIT")  # best first

Progress = Callable[[dict], None]


@dataclass
class StageRecord:
    name: str            # "L1", "L2" or "L3"
    status: str          # one of STATUSES
    seconds: float
    value: int
    bound: int | None    # proven upper bound on the stage's value; None when unknown

    def as_json(self) -> dict:
        scale = FAIRNESS_SCALE if self.name == "L2" else 1
        gap = None
        if self.bound is not None:
            gap = round(max(0, self.bound - self.value) / max(1, abs(self.bound)), 6)
        return {"name": self.name, "status": self.status, "seconds": round(self.seconds, 3),
                "gap": gap, "objective": self.value / scale,
                "bound": None if self.bound is None else self.bound / scale}


def record(stage: str, seconds: float, value: int, bound: int | None, rel_gap: float = 0.0
           ) -> StageRecord:
    """The record of a stage that ended with `value` and `bound`."""
    if bound is not None and value >= bound:
        status = "OPTIMAL"
    elif bound is not None and rel_gap > 0 and bound - value <= rel_gap * max(1, abs(bound)):
        status = "WITHIN_GAP"
    else:
        status = "TIME_LIMIT"
    return StageRecord(NAMES[stage], status, seconds, value, bound)


def combine(name: str, records: list[StageRecord], seconds: float, value: int | None = None
            ) -> StageRecord:
    """One stage over several parts settled side by side: values and bounds add up (L1, L3),
    the worst status holds. L2 is not a sum: when it was maximised piece by piece, its `value`
    over the whole is given, and it has no proven bound (status FEASIBLE at best)."""
    if not records:  # nothing to decide: every request's stage value is settled at 0
        return StageRecord(name, "OPTIMAL", seconds, value or 0, value or 0)
    status = max((r.status for r in records), key=STATUSES.index)
    if name == "L2" and value is not None:
        return StageRecord(name, "TIME_LIMIT" if status == "TIME_LIMIT" else "FEASIBLE",
                           seconds, value, None)
    bounds = [r.bound for r in records]
    bound = None if any(b is None for b in bounds) else sum(bounds)
    return StageRecord(name, status, seconds, sum(r.value for r in records), bound)
