"""The partnership's pure rules: suppression of small cells, pathway standing, eligibility,
who may be a minor, consents, and the checks on enrollments and jobs."""

from __future__ import annotations

from datetime import date

import pytest

from domain.errors import Conflict, InvalidInput
from domain.partnership.initiatives import MIN_CELL, Initiative, standing, suppress
from domain.partnership.outcomes import Employment, Enrollment
from domain.partnership.participants import Participant
from domain.partnership.services import Referral, Service, unmet


def person(**kw) -> Participant:
    fields = {"organization": "u1", "name": "Ana", "community": "Novato", "zip": "94945",
              "birth_year": 1990, "incumbent_worker": False, "flags": {"tanf_eligible": True},
              "sealed_self_identification": None, "this_year": 2026, **kw}
    return Participant.register("partner:t@u1", **fields)


def cell(key: str, people: int) -> dict:
    return {"key": key, "actual": people, "people": people}


def test_small_cells_are_suppressed_with_a_complement():
    out = suppress([cell("a", 40), cell("b", 12), cell("c", 3)])
    assert [c["suppressed"] for c in out] == [False, True, True]
    assert out[2] == {"key": "c", "suppressed": True}
    # two small cells protect each other: nothing more is hidden
    out = suppress([cell("a", 40), cell("b", 5), cell("c", 3)])
    assert [c["suppressed"] for c in out] == [False, True, True]
    assert suppress([cell("a", MIN_CELL)])[0]["suppressed"] is False
    assert suppress([cell("a", MIN_CELL - 1)])[0]["suppressed"] is True
    assert suppress([]) == []


def test_pathway_standing():
    steps = [{"occupation": "MA", "credential": "CCMA", "typical_wage": 24},
             {"occupation": "Lead MA", "credential": None, "typical_wage": 28},
             {"occupation": "LVN", "credential": "LVN", "typical_wage": 36}]
    assert standing(steps, set(), set())["next"]["requires"] == "the CCMA credential"
    s = standing(steps, {"CCMA"}, set())
    assert s["current"]["occupation"] == "MA" and s["next"]["requires"] == "a job as Lead MA"
    s = standing(steps, {"CCMA", "LVN"}, {"Lead MA"})
    assert [x["done"] for x in s["steps"]] == [True, True, True] and s["next"] is None


def test_eligibility_names_each_unmet_rule():
    assert unmet({"tanf_eligible": True}, {"tanf_eligible": True}) == []
    assert unmet({"tanf_eligible": True, "refugee": False}, {"refugee": True}) == [
        {"rule": "tanf_eligible", "required": True, "actual": False},
        {"rule": "refugee", "required": False, "actual": True}]
    service = Service.publish("partner:t@b", "b", "housing", "Navigation",
                              {"incumbent_worker": True})
    with pytest.raises(Conflict) as e:
        Referral.refer("partner:t@u1", "p1", service, person().facts(), "u1", None,
                       date(2026, 1, 1))
    assert e.value.code == "not_eligible"
    assert e.value.fields == {"service": ["incumbent_worker must be true"]}


def test_who_may_be_a_minor():
    p = person(birth_year=2009)
    assert p.may_be_minor(2027)  # 18 by the end of 2027, 17 before the birthday
    assert not p.may_be_minor(2028)


def test_consent_given_revoked_and_given_again():
    p = person()
    assert p.shares_with("u1") and not p.shares_with("c1")
    p.give_consent("partner:t@u1", "c1", date(2026, 1, 1))
    assert p.shares_with("c1")
    with pytest.raises(InvalidInput):
        p.revoke_consent("partner:t@u1", "c1", date(2025, 12, 1))
    p.revoke_consent("partner:t@u1", "c1", date(2026, 2, 1))
    assert not p.shares_with("c1")
    with pytest.raises(Conflict):
        p.revoke_consent("partner:t@u1", "c1", date(2026, 2, 2))
    p.give_consent("partner:t@u1", "c1", date(2026, 3, 1))
    assert p.shares_with("c1")
    with pytest.raises(InvalidInput):
        p.give_consent("partner:t@u1", "u1", date(2026, 3, 1))


@pytest.mark.parametrize("flags", [{"Bad Name": True}, {"tanf": "yes"}, []])
def test_flags_are_named_booleans(flags):
    with pytest.raises(InvalidInput):
        person(flags=flags)


def test_enrollment_dates():
    p = person()
    with pytest.raises(InvalidInput) as e:
        Enrollment.enroll("a", p, "u1", "credential", "MA", None, None, date(2026, 3, 1),
                          date(2026, 2, 1))
    assert e.value.field == "end_date"
    en = Enrollment.enroll("a", p, "u1", "credential", "MA", None, None, date(2026, 3, 1))
    assert en.community == "Novato"
    with pytest.raises(InvalidInput) as e:
        en.complete("a", date(2026, 2, 28), "CCMA")
    assert e.value.field == "date"
    en.complete("a", date(2026, 6, 1), "CCMA")
    with pytest.raises(Conflict):
        en.complete("a", date(2026, 6, 2), None)


@pytest.mark.parametrize("wage", [-1, 0, 10_000, True, "22"])
def test_wages_out_of_range_are_refused(wage):
    with pytest.raises(InvalidInput) as e:
        Employment.hire("a", person(), "u1", "e1", "MA", wage, date(2026, 1, 1))
    assert e.value.field == "hourly_wage"


def test_job_wage_history_and_separation():
    job = Employment.hire("a", person(), "u1", "e1", "MA", 22.5, date(2026, 1, 1))
    assert job.anniversary == date(2027, 1, 1)
    job.change_wage("a", date(2026, 7, 1), 25)
    with pytest.raises(InvalidInput):
        job.separate("a", date(2026, 6, 30), "moved")  # before the last raise
    job.separate("a", date(2026, 8, 1), "moved")
    with pytest.raises(InvalidInput):
        job.change_wage("a", date(2026, 9, 1), 26)
    assert [w["hourly_wage"] for w in job.wages] == [22.5, 25.0]


def test_targets_are_checked():
    with pytest.raises(InvalidInput) as e:
        Initiative.launch("admin:t", "x", [{"metric": "placement_rate", "value": 120}])
    assert e.value.field == "targets[0].value"
    with pytest.raises(InvalidInput) as e:
        Initiative.launch("admin:t", "x", [{"metric": "hires", "value": 3,
                                            "program_types": ["credential"]}])
    assert e.value.field == "targets[0].program_types"
