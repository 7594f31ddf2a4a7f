"""SPEC section 4's credentials with expiry, a slot's own requirements (its unit's) and waivers:
written-out cases through the whole solver, the independent checker agreeing, and the file
errors naming their JSON path."""

from __future__ import annotations

import pytest

from solver import ProblemError, parse_problem, solve
from solver.rules import eligibility
from tests.unit.solver.checker import violations
from tests.unit.solver.instances import problem, request, slot, student

END = "2027-03-05"  # the instances' slots end on this day


def placed(p: dict) -> dict[str, str]:
    solution = solve(parse_problem(p), time_limit=5)
    assert violations(p, solution) == []
    return {u["request"]: u["detail"] for u in solution["unplaced"]}


def one(credentials, *, slot_extra=None, waivers=None) -> dict:
    who = student("st1", credentials=credentials)
    if waivers is not None:
        who["waivers"] = waivers
    return problem(slots=[slot("a", **(slot_extra or {}))], students=[who],
                   requests=[request("r1", "st1")])


@pytest.mark.parametrize(("expires", "counts"), [
    (None, True), ("2027-03-06", True), (END, True), ("2027-03-04", False),
    ("2026-01-01", False)])
def test_a_credential_counts_only_if_it_does_not_expire_before_the_slot_ends(expires, counts):
    unplaced = placed(one([{"code": "BLS", "expires": expires}]))
    if counts:
        assert unplaced == {}
    else:
        assert unplaced["r1"].startswith("credentials")


def test_codes_and_objects_mix_and_a_code_without_expiry_wins():
    assert placed(one(["BLS", {"code": "BLS", "expires": "2027-01-01"}])) == {}
    assert placed(one([{"code": "BLS", "expires": "2027-01-01"},
                       {"code": "BLS", "expires": "2027-12-31"}])) == {}  # the later counts
    assert placed(one([{"code": "TB", "expires": None}]))["r1"].startswith("credentials")


def test_a_slots_own_requirements_add_to_its_sites():
    extra = {"requirements": ["TB"]}
    # slot() builds no `requirements`; add it to the slot entry
    p = one(["BLS"])
    p["slots"][0].update(extra)
    assert placed(p)["r1"].startswith("credentials")
    p = one(["BLS", {"code": "TB", "expires": END}])
    p["slots"][0].update(extra)
    assert placed(p) == {}


def test_a_waiver_counts_at_its_site_until_its_date():
    def waived(site: str, until: str | None) -> dict:
        return placed(one([], waivers=[{"code": "BLS", "site": site, "until": until}]))

    assert waived("s1", END) == {} and waived("s1", None) == {}
    assert waived("s1", "2027-03-04")["r1"].startswith("credentials")
    assert waived("s2", None)["r1"].startswith("credentials")  # another site's


def test_expiry_is_judged_per_slot():
    p = problem(slots=[slot("early", dates=("2027-01-11", "2027-02-05"), hours=60),
                       slot("late", dates=("2027-02-08", "2027-03-05"), hours=60)],
                students=[student("st1", credentials=[{"code": "BLS",
                                                       "expires": "2027-02-20"}])],
                requests=[request("r1", "st1", hours=60)])
    assert eligibility(parse_problem(p)) == {"r1": ["early"]}


def test_files_with_codes_alone_keep_their_meaning():
    p = one(["BLS"])
    parsed = parse_problem(p)
    assert parsed.students["st1"].expiring == frozenset()
    assert parsed.slots["a"].requirements == frozenset()
    assert placed(p) == {}


def test_bad_credentials_and_waivers_are_named_by_their_path():
    who = student("st1", credentials=["BLS", {"code": "TB", "expires": "soon"}, 7,
                                       {"expires": "2027-01-01"}])
    who["waivers"] = [{"code": "BLS", "site": "s9", "until": None}, "x",
                      {"code": "BLS", "site": "s1", "until": "2027-02-30"}]
    bad_slot = slot("a")
    bad_slot["requirements"] = "TB"
    with pytest.raises(ProblemError) as e:
        parse_problem(problem(slots=[bad_slot], students=[who], requests=[]))
    assert e.value.errors == [
        "slots[0].requirements: expected a list, got 'TB'",
        "students[0].credentials[1].expires: not an ISO date: 'soon'",
        "students[0].credentials[2]: expected a code or an object, got 7",
        "students[0].credentials[3].code: missing",
        "students[0].waivers[0].site: unknown site 's9'",
        "students[0].waivers[1]: expected an object",
        "students[0].waivers[2].until: not an ISO date: '2027-02-30'",
    ]
