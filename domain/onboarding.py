"""Onboarding: a site's units, and whether a student's credentials and waivers cover a slot.

A unit (a ward, a department: "4 West ICU") belongs to one site and adds its own onboarding
requirements to the site's; a slot may name its unit, and then requires both. A credential
counts for a slot only if it does not expire before the slot's `end_date` (SPEC section 4); a
waiver an employer grants counts the same way, at its own site only, until its `until` date.
Expiry is judged on the slot's dates, never on today's, so the answer for a slot never changes
with the day it is asked. This rule is the one solver/ applies too (`covered_through`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from eventsourcing.domain import event

from domain.base import Aggregate, check_date, require

ABSENT, EXPIRES_BEFORE_END = "absent", "expires_before_end"


def covered_through(expires: date | None, end: date) -> bool:
    """Whether something valid until `expires` (None: no end) still counts on `end`. (These
    rules only compare dates, so the read side applies them to its rows' ISO text as well.)"""
    return expires is None or expires >= end


def missing(required: Iterable[str], held: Mapping[str, date | None], end: date) -> list[dict]:
    """The requirements a student does not meet through `end`: [{"code", "reason"}], by code.
    `held` maps each code the student holds (credential or waiver at this site) to the latest
    date it is valid until (None: no end)."""
    gaps = []
    for code in sorted(set(required)):
        if code not in held:
            gaps.append({"code": code, "reason": ABSENT})
        elif not covered_through(held[code], end):
            gaps.append({"code": code, "reason": EXPIRES_BEFORE_END})
    return gaps


def held_at(records: Iterable[dict], waivers: Iterable[dict], site: str
            ) -> dict[str, date | None]:
    """Code -> the latest date it is valid until at `site` (None: no end): the student's
    credential records ({"code", "expires"}) and its waivers ({"code", "site", "until"}) granted
    for that site."""
    held: dict[str, date | None] = {r["code"]: r["expires"] for r in records}
    for w in waivers:
        if w["site"] == site:
            held[w["code"]] = latest(held.get(w["code"]), w["until"], w["code"] in held)
    return held


def latest(current: date | None, candidate: date | None, present: bool) -> date | None:
    """The later of two validity ends (None, no end, is the latest); `present`: whether
    `current` is a value at all."""
    if not present:
        return candidate
    if current is None or candidate is None:
        return None
    return max(current, candidate)


def check_dated(issued: date | None, expires: date | None, expires_field: str = "expires"
                ) -> None:
    """Dates of a credential: each in range, and expiry not before issue."""
    if issued is not None:
        check_date(issued, "issued")
    if expires is not None:
        check_date(expires, expires_field)
    if issued is not None and expires is not None:
        require(expires >= issued, expires_field, "must not be before issued")


def check_code(code: str, field: str = "code") -> str:
    code = (code or "").strip()
    require(bool(code), field, "must not be blank")
    require(len(code) <= 40, field, "must be at most 40 characters")
    return code


class Unit(Aggregate):
    """A part of a site (a ward, a department) with onboarding requirements of its own."""

    @event("Registered")
    def __init__(self, actor: str, employer: str, site: str, name: str,
                 requirements: list[str]):
        self.employer = employer
        self.site = site
        self.name = name
        self.requirements = requirements

    @classmethod
    def register(cls, actor: str, employer: str, site: str, name: str,
                 requirements: list[str]) -> Unit:
        require(bool(name and name.strip()), "name", "must not be blank")
        codes = [check_code(c, f"requirements.{i}") for i, c in enumerate(requirements)]
        return cls(actor, employer, site, name.strip(), sorted(set(codes)))


def effective_requirements(site_requirements: Iterable[str],
                           unit_requirements: Iterable[str] | None) -> list[str]:
    """A slot's onboarding requirements: its site's plus its unit's."""
    return sorted(set(site_requirements) | set(unit_requirements or ()))
