"""The clinical hours log's rules, without services: dates and sessions, the session's length
and the 16-hour day over placements, corrections counted without what they replace, sign-off
once, and `behind` around the rotation's midpoint."""

from __future__ import annotations

from datetime import date

import pytest

from domain.clinical_hours import (
    ClinicalHours,
    PlacementFacts,
    RecordedEntry,
    hours_summary,
    midpoint,
    required_hours,
)
from domain.errors import Conflict, InvalidInput

TODAY = date(2026, 11, 30)


def facts(placement: str = "p1", session: float = 8.5, weekdays=(0, 1)) -> PlacementFacts:
    return PlacementFacts(placement, "sl1", "s1", "e1", "RN", date(2026, 9, 7), date(2026, 11, 24),
                          list(weekdays), session, 128.0, "pr1", "e1")


def refused(field: str, fn, *args) -> None:
    with pytest.raises(InvalidInput) as e:
        fn(*args)
    assert e.value.field == field, e.value.message


def test_entries_inside_the_placement_and_its_sessions():
    log = ClinicalHours("t", "st1", "c1")
    assert log.log("t", "a", facts(), {"date": date(2026, 9, 7), "hours": 8}, TODAY)["hours"] == 8
    refused("date", log.log, "t", "b", facts(), {"date": date(2026, 9, 6), "hours": 1}, TODAY)
    refused("date", log.log, "t", "b", facts(), {"date": date(2026, 11, 25), "hours": 1}, TODAY)
    refused("date", log.log, "t", "b", facts(), {"date": date(2026, 9, 9), "hours": 1}, TODAY)
    refused("date", log.log, "t", "b", facts(), {"date": date(2026, 9, 14), "hours": 1},
            date(2026, 9, 13))  # not yet worked
    refused("hours", log.log, "t", "b", facts(), {"date": date(2026, 9, 7), "hours": 0.6}, TODAY)
    log.log("t", "b", facts(), {"date": date(2026, 9, 7), "hours": 0.5}, TODAY)  # 8.5 exactly
    refused("hours", log.log, "t", "c", facts(), {"date": date(2026, 9, 8), "hours": -1}, TODAY)


def test_a_day_over_sixteen_hours_across_placements_is_refused():
    log = ClinicalHours("t", "st1", "c1")
    log.log("t", "a", facts("p1", session=10), {"date": date(2026, 9, 7), "hours": 10}, TODAY)
    refused("hours", log.log, "t", "b", facts("p2", session=10),
            {"date": date(2026, 9, 7), "hours": 6.5}, TODAY)
    log.log("t", "b", facts("p2", session=10), {"date": date(2026, 9, 7), "hours": 6}, TODAY)
    # A correction is counted without the entry it replaces.
    log.correct("t", "c", "p1", "a", "left early", {"date": date(2026, 9, 7), "hours": 9}, TODAY)
    refused("replacement.hours", log.correct, "t", "d", "p2", "b", "more",
            {"date": date(2026, 9, 7), "hours": 7.5}, TODAY)


def test_sign_off_once_and_corrections_reset_it():
    log = ClinicalHours("t", "st1", "c1")
    log.log("t", "a", facts(), {"date": date(2026, 9, 7), "hours": 8}, TODAY)
    log.sign_off("t", "s", "p1", "a", "pr1", "e1")
    with pytest.raises(Conflict):
        log.sign_off("t", "s2", "p1", "a", "pr1", "e1")
    log.correct("t", "c", "p1", "a", "typo", {"date": date(2026, 9, 7), "hours": 7}, TODAY)
    assert log.entries["a"]["signed_by"] is None and log.entries["a"]["hours"] == 7
    log.correct("t", "v", "p1", "a", "not worked", None, TODAY)
    with pytest.raises(Conflict):
        log.sign_off("t", "s3", "p1", "a", "pr1", "e1")


def test_behind_after_the_midpoint_under_half_the_hours():
    assert midpoint(date(2026, 9, 7), date(2026, 11, 24)) == date(2026, 10, 16)
    f = facts()
    entry = RecordedEntry("a", "p1", {"date": date(2026, 9, 7), "hours": 63.5, "note": None},
                          {"id": "a", "position": 1}, {"preceptor": "pr1", "id": "s",
                                                       "position": 2, "journeyworker_of": "e1"},
                          [])
    assert hours_summary(f, [entry], date(2026, 10, 16))["behind"] is False  # at the midpoint
    assert hours_summary(f, [entry], date(2026, 10, 17))["behind"] is True
    entry.data["hours"] = 64
    assert hours_summary(f, [entry], date(2026, 10, 17))["behind"] is False


def test_credited_prior_learning_lowers_the_hours_behind_is_judged_against():
    f = facts()  # a 128-hour slot
    entry = RecordedEntry("a", "p1", {"date": date(2026, 9, 7), "hours": 50, "note": None},
                          {"id": "a", "position": 1}, {"preceptor": "pr1", "id": "s",
                                                       "position": 2, "journeyworker_of": "e1"},
                          [])
    late = date(2026, 10, 17)
    assert hours_summary(f, [entry], late)["behind"] is True  # 50 < 64
    assert hours_summary(f, [entry], late, credited=28)["behind"] is False  # 50 ≥ 100 / 2
    assert hours_summary(f, [entry], late, credited=20)["behind"] is True  # 50 < 108 / 2
    assert hours_summary(f, [entry], late, credited=28)["signed_hours"] == 50
    assert required_hours(128, 28) == 100 and required_hours(128, 500) == 0
