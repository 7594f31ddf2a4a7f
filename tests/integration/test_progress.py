"""Initiative progress: every metric as of a date, breakdowns with small cells suppressed, ids
only for who may see them, the same answer after `placements replay`, and the HTML page."""

from __future__ import annotations

from datetime import date

import pytest

from placements.principals import OPERATOR, Principal
from placements.replay import replay
from tests.integration.helpers import ok
from tests.integration.partnership_helpers import populate

TARGETS = [{"metric": "trainees", "value": 40, "by": date(2027, 12, 31)},
           {"metric": "hires", "value": 30, "by": date(2027, 12, 31)},
           {"metric": "placement_rate", "value": 90, "by": date(2027, 12, 31)},
           {"metric": "trainees", "value": 20, "label": "Continuing education",
            "program_types": ["continuing_education"]}]


@pytest.fixture
def initiative(app, consortium) -> tuple[dict, dict]:
    ids = populate(app, consortium)
    return app.initiatives.launch_initiative(OPERATOR, "Marin health careers", TARGETS), ids


def metrics(progress: dict) -> dict:
    return {(m["metric"], m["label"]): m for m in progress["metrics"]}


def test_every_metric_as_of_a_date(app, initiative):
    init, ids = initiative
    got = metrics(app.initiatives.progress(OPERATOR, init["id"], as_of=_day("2026-12-31")))
    assert {m for m, _ in got} == {
        "credentials_earned", "trainees", "completions", "hires", "placement_rate",
        "median_wage_gain", "retention_12m", "preceptorships", "tuition_reimbursements",
        "apprentices_registered"}
    trainees = got["trainees", None]
    assert (trainees["target"], trainees["by"], trainees["actual"], trainees["people"]) == (
        40, date(2027, 12, 31), 26, 26)
    assert sorted(trainees["participants"]) == sorted(sum(ids.values(), []))
    assert got["trainees", "Continuing education"]["actual"] == 11
    assert got["completions", None]["actual"] == 15
    assert got["credentials_earned", None]["actual"] == 15
    assert got["hires", None]["actual"] == 23
    assert got["placement_rate", None]["actual"] == 80.0  # 12 of 15 completers hired
    assert got["retention_12m", None]["actual"] == 54.5  # 6 of the 11 hired in 2025 stayed
    assert got["retention_12m", None]["people"] == 11
    assert got["median_wage_gain", None]["actual"] == 0.0
    assert got["preceptorships", None]["actual"] == 0
    assert got["preceptorships", None]["target"] is None

    later = metrics(app.initiatives.progress(OPERATOR, init["id"], as_of=_day("2027-01-31")))
    assert later["median_wage_gain", None]["actual"] == 20.0  # 12 of 23 got 20 %
    earlier = metrics(app.initiatives.progress(OPERATOR, init["id"], as_of=_day("2026-03-01")))
    assert earlier["completions", None]["actual"] == 0
    assert earlier["hires", None]["actual"] == 11
    assert earlier["placement_rate", None]["actual"] is None


def test_breakdowns_suppress_small_cells_and_their_complement(app, initiative):
    init, _ = initiative
    got = metrics(app.initiatives.progress(OPERATOR, init["id"], as_of=_day("2026-12-31"),
                                           by="community"))
    cells = {c["key"]: c for c in got["trainees", None]["breakdown"]}
    assert cells["Novato"] == {"key": "Novato", "actual": 12, "people": 12,
                               "suppressed": False}
    # West Marin has 3: suppressed; Marin City (11) too, or 26 - 12 would give West Marin.
    assert cells["West Marin"] == {"key": "West Marin", "suppressed": True}
    assert cells["Marin City"] == {"key": "Marin City", "suppressed": True}
    hires = {c["key"]: c for c in got["hires", None]["breakdown"]}
    assert hires["Novato"]["actual"] == 12 and hires["Marin City"]["actual"] == 11
    by_employer = metrics(app.initiatives.progress(OPERATOR, init["id"], as_of=_day("2026-12-31"),
                                                   by="employer"))
    assert all(c["suppressed"] is False and c["people"] >= 11
               for c in by_employer["hires", None]["breakdown"])
    rates = metrics(app.initiatives.progress(OPERATOR, init["id"], as_of=_day("2026-12-31"),
                                             by="occupation"))["placement_rate", None]["breakdown"]
    assert rates == [{"key": "MA", "actual": 80.0, "people": 15, "suppressed": False}]


def test_ids_are_listed_only_for_participants_the_caller_may_see(app, consortium, initiative):
    init, ids = initiative
    union = Principal("partner", consortium.union, "t-union")
    got = metrics(app.initiatives.progress(union, init["id"], as_of=_day("2026-12-31")))
    assert got["trainees", None]["actual"] == 26
    assert sorted(got["trainees", None]["participants"]) == sorted(ids["Novato"]
                                                                  + ids["West Marin"])
    coordinator = Principal("coordinator", consortium.college, "t-college")
    assert metrics(app.initiatives.progress(coordinator, init["id"], as_of=_day("2026-12-31")))[
        "trainees", None]["participants"] == []


def test_replay_rebuilds_the_same_progress(app, initiative):
    init, _ = initiative
    before = app.initiatives.progress(OPERATOR, init["id"], as_of=_day("2027-01-31"),
                                      by="community")
    replay(app)
    assert app.initiatives.progress(OPERATOR, init["id"], as_of=_day("2027-01-31"),
                                    by="community") == before


def test_progress_over_http_json_and_html(app, client, consortium, initiative):
    init, _ = initiative
    c = consortium
    path = f"/v1/initiatives/{init['id']}/progress?as_of=2026-12-31&by=community"
    body = ok(client.get(path, headers=c.headers("partner")), 200)
    assert metrics(body)["hires", None]["actual"] == 23
    r = client.get(f"/v1/initiatives/{init['id']}/progress?by=participant",
                   headers=c.headers("partner"))
    assert r.status_code == 422 and "by" in r.get_json()["error"]["fields"]
    page = client.get(path, headers=c.headers("partner", Accept="text/html"))
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert html.count('<section class="metric"') == len(body["metrics"])
    assert "<svg" in html and "suppressed (fewer than 11 people)" in html
    assert "<script" not in html and "src=" not in html and "<link" not in html


def test_bad_targets_name_the_field(client, consortium):
    r = client.post("/v1/initiatives", headers=consortium.headers("admin"), json={
        "name": "x", "targets": [{"metric": "hires", "value": 1},
                                 {"metric": "happiness", "value": 3}]})
    assert r.status_code == 422 and "targets.1.metric" in r.get_json()["error"]["fields"]
    r = client.post("/v1/initiatives", headers=consortium.headers("partner"), json={
        "name": "x", "targets": []})
    assert r.status_code == 403


def _day(text: str) -> date:
    return date.fromisoformat(text)
