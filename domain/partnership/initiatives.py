"""Initiatives with their funders' targets, pathways (occupation ladders), and the rules of
reporting on people: which metrics exist and how small cells are suppressed.
"""

from __future__ import annotations

from datetime import date

from eventsourcing.domain import event

from domain.base import (
    Aggregate,
    check_date,
    require,
    stored_date,
    stored_dates,
    typed_date,
    typed_dates,
)
from domain.partnership.outcomes import PROGRAM_TYPES

METRICS = ("credentials_earned", "trainees", "completions", "hires", "placement_rate",
           "median_wage_gain", "retention_12m", "preceptorships", "tuition_reimbursements",
           "apprentices_registered")
PERCENT_METRICS = ("placement_rate", "median_wage_gain", "retention_12m")
# Metrics counted over enrollments, which a target may narrow to some program types.
ENROLLMENT_METRICS = ("credentials_earned", "trainees", "completions", "placement_rate")
BREAKDOWNS = ("community", "employer", "occupation")
MIN_CELL = 11  # a breakdown cell counting fewer people than this is suppressed


def _text(value, field: str) -> str:
    require(isinstance(value, str) and 0 < len(value.strip()) <= 200, field,
            "must be 1 to 200 characters")
    return value.strip()


def _codes(value, field: str, allowed: tuple[str, ...] | None = None) -> list[str] | None:
    if value is None:
        return None
    require(isinstance(value, list) and bool(value), field, "must list at least one value")
    for i, v in enumerate(value):
        if allowed is not None:
            require(v in allowed, f"{field}[{i}]", f"must be one of {', '.join(allowed)}")
        else:
            _text(v, f"{field}[{i}]")
    return sorted(set(value))


def check_target(target: dict, i: int) -> dict:
    f = f"targets[{i}]"
    require(isinstance(target, dict), f, "must be an object")
    metric = target.get("metric")
    require(metric in METRICS, f"{f}.metric", f"must be one of {', '.join(METRICS)}")
    value = target.get("value")
    limit = 100 if metric in PERCENT_METRICS and metric != "median_wage_gain" else 10_000_000
    require(isinstance(value, int | float) and not isinstance(value, bool)
            and 0 <= value <= limit, f"{f}.value", f"must be a number from 0 to {limit:,}")
    by = target.get("by")
    types = _codes(target.get("program_types"), f"{f}.program_types", PROGRAM_TYPES)
    require(types is None or metric in ENROLLMENT_METRICS, f"{f}.program_types",
            f"only {', '.join(ENROLLMENT_METRICS)} count enrollments by program type")
    return {"metric": metric, "value": value,
            "by": check_date(by, f"{f}.by") if by is not None else None,
            "label": _text(target["label"], f"{f}.label") if target.get("label") else None,
            "program_types": types,
            "occupations": _codes(target.get("occupations"), f"{f}.occupations")}


class Initiative(Aggregate):
    """Its `targets` (each `by` a `date`) and `start_date` are typed; `Launched` stores them as
    ISO text."""

    @event("Launched")
    def __init__(self, actor: str, name: str, targets: list[dict], communities: list[str] | None,
                 start_date: str | None):
        self.name = name
        self.targets = [typed_dates(t, "by") for t in targets]
        self.communities = communities
        self.start_date = typed_date(start_date)

    @classmethod
    def launch(cls, actor: str, name: str, targets: list[dict],
               communities: list[str] | None = None,
               start_date: date | None = None) -> Initiative:
        require(isinstance(targets, list), "targets", "must be a list")
        checked = [check_target(t, i) for i, t in enumerate(targets)]
        return cls(actor, _text(name, "name"), [stored_dates(t, "by") for t in checked],
                   _codes(communities, "communities"),
                   stored_date(check_date(start_date, "start_date") if start_date else None))


class Pathway(Aggregate):
    """An occupation ladder: each step an occupation, the credential it takes, its usual wage."""

    @event("Defined")
    def __init__(self, actor: str, name: str, steps: list[dict]):
        self.name = name
        self.steps = steps

    @classmethod
    def define(cls, actor: str, name: str, steps: list[dict]) -> Pathway:
        require(isinstance(steps, list) and bool(steps), "steps", "must list at least one step")
        out = []
        for i, step in enumerate(steps):
            f = f"steps[{i}]"
            require(isinstance(step, dict), f, "must be an object")
            wage = step.get("typical_wage")
            require(wage is None or (isinstance(wage, int | float) and not isinstance(wage, bool)
                                     and 0 < wage <= 500), f"{f}.typical_wage",
                    "must be an hourly wage above 0 and at most 500")
            out.append({"occupation": _text(step.get("occupation"), f"{f}.occupation"),
                        "credential": _text(step["credential"], f"{f}.credential")
                        if step.get("credential") is not None else None,
                        "typical_wage": wage})
        return cls(actor, _text(name, "name"), out)


def standing(steps: list[dict], credentials: set[str], occupations: set[str]) -> dict:
    """Where a participant stands on a pathway: a step is done when its credential was earned
    (or, for a step with no credential, when the participant has worked in its occupation);
    the next step is the first one not done after the highest done."""
    done = [i for i, s in enumerate(steps)
            if (s["credential"] in credentials if s["credential"] else s["occupation"]
                in occupations)]
    reached = max(done) if done else -1
    nxt = reached + 1 if reached + 1 < len(steps) else None
    return {"steps": [{**s, "done": i in done} for i, s in enumerate(steps)],
            "current": steps[reached] if reached >= 0 else None,
            "next": None if nxt is None else {
                **steps[nxt], "requires": (f"the {steps[nxt]['credential']} credential"
                                           if steps[nxt]["credential"] else
                                           f"a job as {steps[nxt]['occupation']}")}}


def suppress(cells: list[dict]) -> list[dict]:
    """Cells of a breakdown, each {"key", "people", …}: those counting fewer than MIN_CELL
    people are suppressed, and when that leaves a single suppressed cell beside others the
    smallest other cell is suppressed too, so no suppressed figure can be had by subtraction
    from the total."""
    small = {i for i, c in enumerate(cells) if c["people"] < MIN_CELL}
    if len(small) == 1 and len(cells) > 1:
        others = sorted((c["people"], i) for i, c in enumerate(cells) if i not in small)
        small.add(others[0][1])
    return [{"key": c["key"], "suppressed": True} if i in small else {**c, "suppressed": False}
            for i, c in enumerate(cells)]
