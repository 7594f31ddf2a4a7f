"""Every route refuses the wrong role (403) and the wrong organisation (404), writing nothing.

The table below names every /v1 route; a route added without a row fails
`test_every_route_is_in_the_table`, so none is forgotten.
"""

from __future__ import annotations

import pytest

from tests.integration.helpers import events, placement_request, site, slot, student

ROLES = ("admin", "compliance", "coordinator", "employer")
# (method, rule, roles allowed; the rest must get 403). Reads that every role may make with
# its own scope are listed with all roles.
ROUTES = [
    ("GET", "/v1/organizations", ROLES),
    ("POST", "/v1/organizations", ("admin",)),
    ("GET", "/v1/organizations/<org_id>", ROLES),
    ("POST", "/v1/tokens", ("admin",)),
    ("GET", "/v1/tokens", ("admin",)),
    ("POST", "/v1/tokens/<token_id>/revoke", ("admin",)),
    ("GET", "/v1/me", ROLES),
    ("GET", "/v1/sites", ROLES),
    ("POST", "/v1/sites", ("employer",)),
    ("GET", "/v1/sites/<site_id>", ROLES),
    ("GET", "/v1/preceptors", ROLES),
    ("POST", "/v1/preceptors", ("employer",)),
    ("GET", "/v1/preceptors/<preceptor_id>", ROLES),
    ("GET", "/v1/slots", ROLES),
    ("POST", "/v1/slots", ("employer",)),
    ("GET", "/v1/slots/<slot_id>", ROLES),
    ("POST", "/v1/slots/copy", ("employer",)),
    ("POST", "/v1/slots/<slot_id>/withdraw", ("employer",)),
    ("POST", "/v1/slots/<slot_id>/capacity", ("employer",)),
    ("GET", "/v1/students", ("admin", "compliance", "coordinator")),
    ("POST", "/v1/students", ("coordinator",)),
    ("GET", "/v1/students/<student_id>", ("admin", "compliance", "coordinator")),
    ("GET", "/v1/placement-requests", ("admin", "compliance", "coordinator")),
    ("POST", "/v1/placement-requests", ("coordinator",)),
    ("GET", "/v1/placement-requests/<request_id>", ("admin", "compliance", "coordinator")),
    ("POST", "/v1/placement-requests/<request_id>/withdraw", ("coordinator",)),
    ("GET", "/v1/placements", ROLES),
    ("POST", "/v1/placements", ("coordinator",)),
    ("GET", "/v1/placements/<placement_id>", ROLES),
    ("POST", "/v1/placements/<placement_id>/confirm", ("coordinator",)),
    ("POST", "/v1/placements/<placement_id>/accept", ("employer",)),
    ("POST", "/v1/placements/<placement_id>/decline", ("coordinator", "employer")),
    ("POST", "/v1/placements/<placement_id>/cancel", ("coordinator", "employer")),
    ("GET", "/v1/solves", ("admin", "compliance", "coordinator")),
    ("POST", "/v1/solves", ("admin", "coordinator")),
    ("GET", "/v1/solves/<solve_id>", ("admin", "compliance", "coordinator")),
    ("GET", "/v1/placements/<placement_id>/hours", ROLES),
    ("POST", "/v1/placements/<placement_id>/hours", ("coordinator", "employer")),
    ("POST", "/v1/placements/<placement_id>/hours/<entry_id>/sign-off", ("employer",)),
    ("POST", "/v1/placements/<placement_id>/hours/<entry_id>/corrections",
     ("coordinator", "employer")),
    ("POST", "/v1/placements/<placement_id>/evaluations", ("coordinator", "employer")),
    ("GET", "/v1/evaluations", ROLES),
    ("GET", "/v1/evaluations/<evaluation_id>", ROLES),
    ("GET", "/v1/reports/utilization", ("admin", "compliance", "employer")),
    ("GET", "/v1/reports/ab1577", ("admin", "compliance", "employer")),
    ("POST", "/v1/imports/students", ("coordinator",)),
    ("POST", "/v1/imports/placement-requests", ("coordinator",)),
    ("POST", "/v1/imports/slots", ("employer",)),
    ("GET", "/v1/audit/events", ("admin", "compliance")),
    ("GET", "/v1/audit/aggregates/<aggregate_id>", ("admin", "compliance")),
    ("GET", "/v1/audit/verify", ("admin", "compliance")),
    ("GET", "/v1/units", ROLES),
    ("POST", "/v1/units", ("employer",)),
    ("GET", "/v1/units/<unit_id>", ROLES),
    ("POST", "/v1/students/<student_id>/credentials", ("coordinator",)),
    ("POST", "/v1/students/<student_id>/waivers", ("employer",)),
    ("GET", "/v1/students/<student_id>/compliance", ROLES),
    ("GET", "/v1/sites/<site_id>/roster", ("employer",)),
    ("GET", "/v1/students/<student_id>/calendar.ics", ("admin", "compliance", "coordinator")),
    ("GET", "/v1/preceptors/<preceptor_id>/calendar.ics", ("admin", "compliance", "employer")),
    ("GET", "/v1/sites/<site_id>/calendar.ics", ("admin", "compliance", "employer")),
]
COVERED_ELSEWHERE = (
    "/v1/apprentice",  # tests/integration/test_apprenticeship_api.py
    # the partnership's: tests/integration/test_partnership_access.py
    "/v1/participants", "/v1/enrollments", "/v1/employment", "/v1/services", "/v1/referrals",
    "/v1/initiatives", "/v1/pathways",
)


def test_every_route_is_in_the_table(client):
    listed = {(m, r) for m, r, _ in ROUTES}
    for rule in client.application.url_map.iter_rules():
        if not rule.rule.startswith("/v1") or rule.rule.startswith(COVERED_ELSEWHERE):
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (method, rule.rule) in listed, f"{method} {rule.rule} has no access row"


@pytest.fixture
def world(app, client, consortium):
    """One of everything, owned by the first college and the first employer."""
    from domain.placements import Placement
    from placements.principals import OPERATOR

    s = site(client, consortium)
    sl = slot(client, consortium, s["id"])
    st = student(client, consortium)
    rq = placement_request(client, consortium, st["id"])
    pr = client.post("/v1/preceptors", json={"site": s["id"], "name": "P", "disciplines": ["RN"],
                                             "max_students": 1},
                     headers=consortium.headers("employer")).get_json()
    placement = Placement(OPERATOR.actor, rq["id"], st["id"], consortium.college, sl["id"],
                          s["id"], consortium.employer, None, "proposed", None)
    app.commit(placement)
    unit = client.post("/v1/units", json={"site": s["id"], "name": "4 West",
                                          "requirements": ["TB"]},
                       headers=consortium.headers("employer")).get_json()
    return {"unit_id": unit["id"], "org_id": consortium.college, "site_id": s["id"],
            "slot_id": sl["id"],
            "student_id": st["id"], "request_id": rq["id"], "preceptor_id": pr["id"],
            "placement_id": str(placement.id), "aggregate_id": sl["id"],
            "solve_id": "00000000-0000-0000-0000-000000000000",
            "token_id": app.tokens.principal_for(consortium.tokens["compliance"]).token,
            "entry_id": "00000000-0000-0000-0000-000000000000"}


BODIES = {
    "/v1/organizations": {"name": "X", "kind": "college"},
    "/v1/tokens": {"role": "compliance"},
    "/v1/sites": {"name": "X", "location": {"lat": 37.9, "lon": -122.5}},
    "/v1/slots/<slot_id>/withdraw": {"reason": "closed"},
    "/v1/placement-requests/<request_id>/withdraw": {"reason": "left"},
    "/v1/slots/<slot_id>/capacity": {"capacity": 1, "reason": "leave"},
    "/v1/students": {"name": "X", "home": {"lat": 37.9, "lon": -122.5}},
    "/v1/placements/<placement_id>/cancel": {"reason": "moved"},
    "/v1/placements/<placement_id>/decline": {"reason": "no"},
    "/v1/solves": {},
    "/v1/slots/copy": {"from": "2027-01-01", "to": "2027-03-01", "shift_days": 182},
    "/v1/placements/<placement_id>/hours": {"date": "2027-01-11", "hours": 4},
    "/v1/placements/<placement_id>/hours/<entry_id>/sign-off": {"preceptor": "x"},
    "/v1/placements/<placement_id>/hours/<entry_id>/corrections": {"reason": "x",
                                                                    "replacement": None},
    "/v1/placements/<placement_id>/evaluations": {"of": "site", "scores": {"teaching": 3}},
    "/v1/students/<student_id>/credentials": {"code": "TB", "issued": "2026-09-01",
                                              "expires": "2027-09-01"},
}
QUERIES = {"/v1/reports/utilization": "?from=2027-01-04&to=2027-03-28",
           "/v1/reports/ab1577": "?year=2027",
           "/v1/sites/<site_id>/roster": "?from=2027-01-04&to=2027-03-28",
           "/v1/students/<student_id>/compliance": "?slot=<slot_id>"}


def body_for(rule: str, w: dict) -> dict:
    if rule == "/v1/preceptors":
        return {"site": w["site_id"], "name": "X", "disciplines": ["RN"], "max_students": 1}
    if rule == "/v1/slots":
        return {"site": w["site_id"], "discipline": "RN", "capacity": 1,
                "start_date": "2027-01-11", "end_date": "2027-02-11", "weekdays": [2],
                "shift_start": "07:00", "shift_end": "15:00", "hours": 40}
    if rule == "/v1/placement-requests":
        return {"student": w["student_id"], "discipline": "RN", "required_hours": 60,
                "earliest_start": "2027-01-04", "latest_end": "2027-05-28"}
    if rule == "/v1/placements":
        return {"request": w["request_id"], "slot": w["slot_id"]}
    if rule == "/v1/units":
        return {"site": w["site_id"], "name": "ICU", "requirements": ["FLU"]}
    if rule == "/v1/students/<student_id>/waivers":
        return {"code": "BLS", "site": w["site_id"], "reason": "documented exemption",
                "until": "2027-06-30"}
    return BODIES.get(rule, {})


def path_for(rule: str, w: dict) -> str:
    path = rule + QUERIES.get(rule, "")
    for key, value in w.items():
        path = path.replace(f"<{key}>", value)
    return path


@pytest.mark.parametrize(("method", "rule", "allowed"), ROUTES,
                         ids=[f"{m} {r}" for m, r, _ in ROUTES])
def test_wrong_role_gets_403_and_nothing_is_written(app, client, consortium, world, method,
                                                   rule, allowed):
    for role in set(ROLES) - set(allowed):
        before = events(app)
        r = client.open(path_for(rule, world), method=method, headers=consortium.headers(role),
                        json=body_for(rule, world) if method == "POST" else None)
        assert r.status_code == 403, (role, r.status_code, r.get_json())
        assert events(app) == before


OTHER_ORG = [  # (method, rule, the role of the *other* organisation that must not reach it)
    ("GET", "/v1/sites/<site_id>", "other_employer"),
    ("GET", "/v1/preceptors/<preceptor_id>", "other_employer"),
    ("GET", "/v1/slots/<slot_id>", "other_employer"),
    ("POST", "/v1/slots/<slot_id>/withdraw", "other_employer"),
    ("POST", "/v1/slots/<slot_id>/capacity", "other_employer"),
    ("GET", "/v1/students/<student_id>", "other_coordinator"),
    ("GET", "/v1/placement-requests/<request_id>", "other_coordinator"),
    ("POST", "/v1/placement-requests/<request_id>/withdraw", "other_coordinator"),
    ("GET", "/v1/placements/<placement_id>", "other_coordinator"),
    ("GET", "/v1/placements/<placement_id>", "other_employer"),
    ("POST", "/v1/placements/<placement_id>/confirm", "other_coordinator"),
    ("POST", "/v1/placements/<placement_id>/accept", "other_employer"),
    ("POST", "/v1/placements/<placement_id>/decline", "other_coordinator"),
    ("POST", "/v1/placements/<placement_id>/decline", "other_employer"),
    ("POST", "/v1/placements/<placement_id>/cancel", "other_coordinator"),
    ("GET", "/v1/placements/<placement_id>/hours", "other_coordinator"),
    ("GET", "/v1/placements/<placement_id>/hours", "other_employer"),
    ("POST", "/v1/placements/<placement_id>/hours", "other_coordinator"),
    ("POST", "/v1/placements/<placement_id>/hours", "other_employer"),
    ("POST", "/v1/placements/<placement_id>/hours/<entry_id>/sign-off", "other_employer"),
    ("POST", "/v1/placements/<placement_id>/hours/<entry_id>/corrections", "other_employer"),
    ("POST", "/v1/placements/<placement_id>/evaluations", "other_coordinator"),
    ("POST", "/v1/placements/<placement_id>/evaluations", "other_employer"),
    ("GET", "/v1/units/<unit_id>", "other_employer"),
    ("POST", "/v1/students/<student_id>/credentials", "other_coordinator"),
    ("POST", "/v1/students/<student_id>/waivers", "other_employer"),
    ("GET", "/v1/students/<student_id>/compliance", "other_coordinator"),
    ("GET", "/v1/students/<student_id>/compliance", "other_employer"),
    ("GET", "/v1/sites/<site_id>/roster", "other_employer"),
    ("GET", "/v1/students/<student_id>/calendar.ics", "other_coordinator"),
    ("GET", "/v1/preceptors/<preceptor_id>/calendar.ics", "other_employer"),
    ("GET", "/v1/sites/<site_id>/calendar.ics", "other_employer"),
]


@pytest.mark.parametrize(("method", "rule", "who"), OTHER_ORG,
                         ids=[f"{m} {r} {w}" for m, r, w in OTHER_ORG])
def test_another_organisation_gets_404_and_nothing_is_written(app, client, consortium, world,
                                                              method, rule, who):
    before = events(app)
    r = client.open(path_for(rule, world), method=method, headers=consortium.headers(who),
                    json=body_for(rule, world) if method == "POST" else None)
    assert r.status_code == 404, r.get_json()
    assert events(app) == before


def test_lists_are_scoped_to_the_caller(client, consortium, world):
    def ids(path: str, who: str) -> set[str]:
        return {i["id"] for i in client.get(path, headers=consortium.headers(who))
                .get_json()["items"]}

    assert ids("/v1/students", "other_coordinator") == set()
    assert ids("/v1/students", "coordinator") == {world["student_id"]}
    assert ids("/v1/slots", "other_employer") == set()
    assert ids("/v1/placements", "other_coordinator") == set()
    assert ids("/v1/placements", "employer") == {world["placement_id"]}
    assert world["student_id"] in ids("/v1/students", "compliance")


def test_cross_organisation_references_are_refused_by_name(app, client, consortium, world):
    before = events(app)
    r = client.post("/v1/slots", json=body_for("/v1/slots", world),
                    headers=consortium.headers("other_employer"))
    assert r.status_code == 422 and "site" in r.get_json()["error"]["fields"]
    r = client.post("/v1/placement-requests", json=body_for("/v1/placement-requests", world),
                    headers=consortium.headers("other_coordinator"))
    assert r.status_code == 422 and "student" in r.get_json()["error"]["fields"]
    assert events(app) == before


def test_missing_or_unknown_token_is_401(client):
    assert client.get("/v1/sites").status_code == 401
    r = client.get("/v1/sites", headers={"Authorization": "Bearer plc_nope"})
    assert r.status_code == 401 and r.get_json()["error"]["code"] == "unauthorized"
