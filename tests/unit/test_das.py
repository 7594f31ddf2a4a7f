"""DAS compliance rules over hand-built event lists: each violation code, its near miss,
corrections and known_at, and standards amended mid-apprenticeship."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from domain.apprenticeship import ApprenticeshipProgram, check_standards
from domain.das import Recorded, apprentice_report, program_report, ratio_violations
from domain.errors import InvalidInput, NotFound

EMPLOYER, OTHER = "emp-1", "emp-2"
T0 = datetime(2027, 1, 1, tzinfo=UTC)

STANDARDS = check_standards({
    "name": "CHW", "occupation": "CHW", "term_type": "time", "ojt_hours": 2000,
    "work_processes": [{"code": "OUT", "name": "Outreach", "hours": 1000},
                       {"code": "EDU", "name": "Education", "hours": 1000}],
    "rsi_hours_per_year": 144, "journeyworker_rate": 30.0,
    "wage_steps": [{"after_ojt_hours": 0, "hourly_rate": 21},
                   {"after_ojt_hours": 1000, "hourly_rate": 23},
                   {"after_ojt_hours": 2000, "percent_of_journeyworker": 83.34}],
    "ratio": {"apprentices": 1, "journeyworkers": 1, "basis": "journeyworker"},
    "probationary_hours": 500, "probationary_rsi_hours": 40,
})


class Log:
    """A tiny event log: positions in order, recorded one minute apart unless told."""

    position = 0

    def __init__(self):
        self.events: list[Recorded] = []

    def add(self, type_: str, at: datetime | None = None, **data) -> Recorded:
        Log.position += 1
        e = Recorded(f"ev{Log.position}", Log.position,
                     at or T0 + timedelta(minutes=Log.position), type_, data)
        self.events.append(e)
        return e

    def ojt(self, day, hours, wp="OUT", jw="jw-1", jw_employer=EMPLOYER, site="site-1", **kw):
        return self.add("OJTHoursLogged", entry={
            "date": day, "work_process": wp, "hours": hours, "journeyworker": jw,
            "journeyworker_employer": jw_employer if jw else None, "site": site}, **kw)

    def rsi(self, day, hours, provider="college-1"):
        return self.add("RSIHoursLogged", entry={"date": day, "course": "CHW 101",
                                                 "provider": provider, "hours": hours})

    def wages(self, start, end, rate, hours=80.0):
        return self.add("WagesPaid", entry={"period_start": start, "period_end": end,
                                            "hours": hours, "hourly_rate": rate})


def program(standards=STANDARDS, effective="2027-01-01") -> Log:
    log = Log()
    log.add("StandardsRegistered", effective_date=effective, standards=standards)
    return log


def apprentice(signed="2027-01-04", registered="2027-01-20", employer=EMPLOYER) -> Log:
    log = Log()
    log.add("AgreementSigned", program="p", employer=employer, name="Ana", signed_date=signed,
            registration_number="CA-1" if registered else None, registered_date=registered)
    return log


def report(a: Log, p: Log | None = None, as_of="2027-12-31", known_at=None) -> dict:
    return apprentice_report("a1", a.events, (p or program()).events,
                             date.fromisoformat(as_of), known_at)


def codes(r: dict) -> list[str]:
    return [v["code"] for v in r["violations"]]


def fill(a: Log, start: str, days: int, hours: float, wp="OUT"):
    """`days` consecutive days of `hours` OJT hours each."""
    day = date.fromisoformat(start)
    for i in range(days):
        a.ojt((day + timedelta(days=i)).isoformat(), hours, wp)


# WAGE_BELOW_SCHEDULE ----------------------------------------------------------------------

def test_wage_below_the_step_earned_at_the_period_start_is_flagged():
    a = apprentice()
    fill(a, "2027-01-05", 100, 10)  # 1000 hours by 2027-04-14
    w = a.wages("2027-04-15", "2027-04-28", 21)
    r = report(a, as_of="2027-05-01")
    assert r["pay_periods"][0]["rate_required"] == 23
    [v] = [v for v in r["violations"] if v["code"] == "WAGE_BELOW_SCHEDULE"]
    assert v["date"] == "2027-04-15" and w.ref in v["events"]
    # the OJT entry that earned the step is cited too
    assert a.events[100].ref in v["events"]


def test_wage_paid_in_the_period_that_crosses_a_step_is_judged_at_its_start():
    a = apprentice()
    fill(a, "2027-01-05", 99, 10)  # 990 hours before 2027-04-14
    a.wages("2027-04-14", "2027-04-27", 21)
    fill(a, "2027-04-14", 2, 10)
    r = report(a, as_of="2027-05-01")
    assert "WAGE_BELOW_SCHEDULE" not in codes(r)
    assert r["wage_step"] == {"step": 2, "earned_on": "2027-04-14", "hourly_rate": 23}


def test_percent_of_journeyworker_step():
    a = apprentice()
    fill(a, "2027-01-05", 200, 10, wp="OUT")
    a.wages("2027-07-24", "2027-08-06", 25.0)
    r = report(a, as_of="2027-08-10")
    assert r["pay_periods"][0]["rate_required"] == 25.0  # 83.34 % of $30, to the cent
    assert "WAGE_BELOW_SCHEDULE" not in codes(r)


# UNSUPERVISED_HOURS -----------------------------------------------------------------------

def test_hours_without_a_journeyworker_of_the_employer_are_unsupervised():
    a = apprentice()
    none = a.ojt("2027-01-05", 8, jw=None)
    other = a.ojt("2027-01-06", 8, jw="jw-9", jw_employer=OTHER)
    r = report(a)
    found = [v for v in r["violations"] if v["code"] == "UNSUPERVISED_HOURS"]
    assert [v["events"] for v in found] == [[none.ref], [other.ref]]


def test_hours_with_the_employers_journeyworker_are_supervised():
    a = apprentice()
    a.ojt("2027-01-05", 8)
    assert "UNSUPERVISED_HOURS" not in codes(report(a))


# DAILY_HOURS_EXCEEDED ---------------------------------------------------------------------

def test_more_than_twelve_hours_in_one_day():
    a = apprentice()
    e1, e2 = a.ojt("2027-01-05", 8), a.ojt("2027-01-05", 4.5, wp="EDU")
    [v] = [v for v in report(a)["violations"] if v["code"] == "DAILY_HOURS_EXCEEDED"]
    assert v["date"] == "2027-01-05" and v["events"] == [e1.ref, e2.ref]


def test_exactly_twelve_hours_is_allowed():
    a = apprentice()
    a.ojt("2027-01-05", 8)
    a.ojt("2027-01-05", 4)
    assert "DAILY_HOURS_EXCEEDED" not in codes(report(a))


# AGREEMENT_REGISTRATION_LATE --------------------------------------------------------------

def test_registration_on_day_31_is_late():
    a = apprentice(signed="2027-01-04", registered=None)
    reg = a.add("Registered", registration_number="CA-7", registered_date="2027-02-04")
    [v] = [v for v in report(a)["violations"] if v["code"] == "AGREEMENT_REGISTRATION_LATE"]
    assert v["date"] == "2027-02-04" and reg.ref in v["events"]


def test_registration_on_day_30_is_on_time_and_unregistered_is_late_only_after():
    a = apprentice(signed="2027-01-04", registered="2027-02-03")
    assert "AGREEMENT_REGISTRATION_LATE" not in codes(report(a))
    b = apprentice(signed="2027-01-04", registered=None)
    assert "AGREEMENT_REGISTRATION_LATE" not in codes(report(b, as_of="2027-02-03"))
    assert "AGREEMENT_REGISTRATION_LATE" in codes(report(b, as_of="2027-02-04"))


# RSI_SHORTFALL ----------------------------------------------------------------------------

def test_rsi_shortfall_in_a_completed_year():
    a = apprentice(signed="2027-01-04")
    for i in range(14):
        a.rsi((date(2027, 2, 1) + timedelta(days=7 * i)).isoformat(), 10)  # 140 hours
    r = report(a, as_of="2028-01-04")
    [v] = [v for v in r["violations"] if v["code"] == "RSI_SHORTFALL"]
    assert v["date"] == "2028-01-03" and len(v["events"]) == 14
    assert r["rsi_hours_by_year"][0] == {"year": 1, "start": "2027-01-04", "end": "2028-01-03",
                                         "hours": 140, "required": 144, "completed": True}


def test_rsi_year_not_yet_over_or_met_is_not_a_shortfall():
    a = apprentice(signed="2027-01-04")
    a.rsi("2027-03-01", 140)
    assert "RSI_SHORTFALL" not in codes(report(a, as_of="2028-01-03"))
    a.rsi("2027-12-01", 4)
    assert "RSI_SHORTFALL" not in codes(report(a, as_of="2028-06-01"))


# PROBATION_TOO_LONG -----------------------------------------------------------------------

def test_probation_beyond_1000_hours_or_72_rsi_hours():
    p = program({**STANDARDS, "probationary_hours": 1001})
    [v] = [v for v in report(apprentice(), p)["violations"] if v["code"] == "PROBATION_TOO_LONG"]
    assert v["events"] == [p.events[0].ref]
    q = program({**STANDARDS, "probationary_rsi_hours": 73})
    assert "PROBATION_TOO_LONG" in codes(report(apprentice(), q))


def test_probation_at_the_limits_is_allowed():
    p = program({**STANDARDS, "probationary_hours": 1000, "probationary_rsi_hours": 72})
    assert "PROBATION_TOO_LONG" not in codes(report(apprentice(), p))


# COMPLETION_PENDING -----------------------------------------------------------------------

def test_completion_pending_once_every_target_is_met():
    a = apprentice()
    fill(a, "2027-01-05", 100, 10, wp="OUT")
    fill(a, "2027-04-15", 100, 10, wp="EDU")
    r = report(a, as_of="2027-08-01")
    [v] = [v for v in r["violations"] if v["code"] == "COMPLETION_PENDING"]
    assert v["date"] == "2027-07-23" and v["events"] == [a.events[-1].ref]
    a.add("Completed", date="2027-07-30")
    assert "COMPLETION_PENDING" not in codes(report(a, as_of="2027-08-01"))


def test_one_target_short_is_not_pending():
    a = apprentice()
    fill(a, "2027-01-05", 100, 10, wp="OUT")
    fill(a, "2027-04-15", 99, 10, wp="EDU")
    a.ojt("2027-07-23", 9.5, wp="EDU")
    r = report(a, as_of="2027-08-01")
    assert "COMPLETION_PENDING" not in codes(r)
    assert r["ojt_hours"]["by_work_process"] == {"OUT": 1000, "EDU": 999.5}


# RATIO_EXCEEDED ---------------------------------------------------------------------------

def ratio_program(basis: str, apprentices=1, journeyworkers=1) -> Log:
    return program({**STANDARDS, "ratio": {"apprentices": apprentices,
                                           "journeyworkers": journeyworkers, "basis": basis}})


def test_two_apprentices_under_one_journeyworker_on_one_day():
    a, b = apprentice(), apprentice()
    ea, eb = a.ojt("2027-01-05", 8), b.ojt("2027-01-05", 8)
    [v] = ratio_violations(ratio_program("journeyworker").events, {"a": a.events, "b": b.events},
                           date(2027, 12, 31))
    assert v["code"] == "RATIO_EXCEEDED" and v["events"] == [ea.ref, eb.ref]


def test_ratio_near_misses():
    a, b = apprentice(), apprentice()
    a.ojt("2027-01-05", 8)
    b.ojt("2027-01-06", 8)  # another day
    b.ojt("2027-01-05", 8, jw="jw-2")  # another journeyworker
    events = {"a": a.events, "b": b.events}
    assert ratio_violations(ratio_program("journeyworker").events, events,
                            date(2027, 12, 31)) == []
    # per site: two apprentices, two journeyworkers at site-1 that day: 2:2 is within 1:1
    assert ratio_violations(ratio_program("site").events, events, date(2027, 12, 31)) == []
    # the same day at 2 apprentices per journeyworker: fine even with one journeyworker
    c = apprentice()
    c.ojt("2027-01-05", 8)
    assert ratio_violations(ratio_program("journeyworker", 2).events,
                            {"a": a.events, "c": c.events}, date(2027, 12, 31)) == []


def test_ratio_per_employer_counts_the_employers_apprentices():
    a, b = apprentice(), apprentice()
    a.ojt("2027-01-05", 8, site="site-1")
    b.ojt("2027-01-05", 8, site="site-2")  # same journeyworker, another site
    events = {"a": a.events, "b": b.events}
    assert ratio_violations(ratio_program("site").events, events, date(2027, 12, 31)) == []
    [v] = ratio_violations(ratio_program("employer").events, events, date(2027, 12, 31))
    assert "2 apprentices to 1 journeyworkers" in v["message"]
    report_ = program_report("p", ratio_program("employer").events, events, date(2027, 12, 31))
    assert [x["code"] for x in report_["violations"]] == ["RATIO_EXCEEDED"]
    assert len(report_["apprentices"]) == 2


# Corrections and known_at -----------------------------------------------------------------

def test_a_correction_replaces_an_entry_but_not_what_was_known_before_it():
    p, a = program(), apprentice()
    wrong = a.ojt("2027-01-05", 13)
    before = wrong.recorded_at + timedelta(seconds=30)
    fix = a.add("EntryCorrected", at=before + timedelta(days=2), corrects=wrong.id,
                reason="typo", replacement={**wrong.data["entry"], "hours": 3})
    now = report(a, p)
    assert "DAILY_HOURS_EXCEEDED" not in codes(now) and now["ojt_hours"]["total"] == 3
    then = report(a, p, known_at=before)
    assert "DAILY_HOURS_EXCEEDED" in codes(then) and then["ojt_hours"]["total"] == 13
    assert then["known_at"] == before.isoformat()
    # a violation resting on a corrected entry cites the correction too
    later = a.add("EntryCorrected", corrects=wrong.id, reason="really", at=fix.recorded_at
                  + timedelta(days=1), replacement={**wrong.data["entry"], "jw": None,
                                                    "journeyworker": None})
    [v] = [v for v in report(a, p)["violations"] if v["code"] == "UNSUPERVISED_HOURS"]
    assert v["events"] == [wrong.ref, fix.ref, later.ref]
    with pytest.raises(NotFound):  # the apprentice was not on record yet
        report(a, p, known_at=a.events[0].recorded_at - timedelta(seconds=1))


def test_a_voided_entry_counts_for_nothing():
    a = apprentice()
    e = a.ojt("2027-01-05", 8, jw=None)
    a.add("EntryCorrected", corrects=e.id, reason="never happened", replacement=None)
    r = report(a)
    assert r["ojt_hours"]["total"] == 0 and "UNSUPERVISED_HOURS" not in codes(r)


def test_as_of_ignores_later_work():
    a = apprentice()
    a.ojt("2027-01-05", 8)
    a.ojt("2027-02-05", 8)
    assert report(a, as_of="2027-01-31")["ojt_hours"]["total"] == 8


# Standards amended mid-apprenticeship -----------------------------------------------------

def test_each_pay_period_is_judged_by_the_standards_in_force_that_day():
    p, a = program(), apprentice()
    amendment = p.add("StandardsAmended", effective_date="2027-03-01",
                      changes={"wage_steps": [{"after_ojt_hours": 0, "hourly_rate": 22},
                                              {"after_ojt_hours": 1000, "hourly_rate": 24}]})
    a.wages("2027-02-01", "2027-02-14", 21)  # before the amendment: $21 is the schedule
    a.wages("2027-03-01", "2027-03-14", 21)  # after: $22 required
    r = report(a, p, as_of="2027-04-01")
    assert [x["rate_required"] for x in r["pay_periods"]] == [21, 22]
    [v] = [v for v in r["violations"] if v["code"] == "WAGE_BELOW_SCHEDULE"]
    assert v["date"] == "2027-03-01"
    # as known before the amendment was recorded, both periods were fine
    early = report(a, p, as_of="2027-04-01", known_at=amendment.recorded_at
                   - timedelta(seconds=1))
    assert "WAGE_BELOW_SCHEDULE" not in codes(early)


def test_probation_amended_down_is_cited_once_from_its_source():
    p = program({**STANDARDS, "probationary_hours": 1500})
    p.add("StandardsAmended", effective_date="2027-02-01", changes={"rsi_hours_per_year": 150})
    p.add("StandardsAmended", effective_date="2027-06-01", changes={"probationary_hours": 900})
    r = report(apprentice(), p, as_of="2027-12-31")
    found = [v for v in r["violations"] if v["code"] == "PROBATION_TOO_LONG"]
    assert len(found) == 1 and found[0]["events"] == [p.events[0].ref]
    # an apprentice signed after the fix is not affected
    assert "PROBATION_TOO_LONG" not in codes(report(apprentice(signed="2027-07-01",
                                                               registered="2027-07-02"), p))


def test_amendment_refuses_unknown_fields_and_bad_values():
    prog = ApprenticeshipProgram.create("admin:cli", "e1", None,
                                        {**STANDARDS, "effective_date": date(2027, 1, 1)})
    with pytest.raises(InvalidInput) as bad:
        prog.amend("admin:cli", "e2", date(2027, 2, 1), {"colour": "red"})
    assert bad.value.field == "colour"
    with pytest.raises(InvalidInput) as bad:
        prog.amend("admin:cli", "e2", date(2026, 12, 1), {"rsi_hours_per_year": 150})
    assert bad.value.field == "effective_date"
    with pytest.raises(InvalidInput) as bad:
        prog.amend("admin:cli", "e2", date(2027, 2, 1), {"ojt_hours": 1500})
    assert bad.value.field == "ojt_hours"
    prog.amend("admin:cli", "e2", date(2027, 2, 1), {"rsi_hours_per_year": 150})
    assert prog.standards_history().on(date(2027, 1, 31))["rsi_hours_per_year"] == 144
    assert prog.standards["rsi_hours_per_year"] == 150
