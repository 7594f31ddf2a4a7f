"""`placements replay` rebuilds every read model from the log alone, equal to the live tables."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bootstrap import demo
from bootstrap.demo import onboarding
from domain.errors import InvalidInput
from placements import readmodel
from placements.principals import OPERATOR, Principal
from placements.replay import replay


def snapshot(app) -> dict[str, list[dict]]:
    with app.engine.connect() as conn:
        return {t.name: sorted((dict(r._mapping) for r in conn.execute(select(t))),
                               key=lambda row: str(sorted(row.items())))
                for t in readmodel.projected_tables()}


@pytest.mark.slow
def test_replay_rebuilds_tables_equal_to_the_live_ones(app):
    data = demo.load(app)
    # Units, slots in them, dated credentials and a waiver (Student and Unit events).
    onboarding.load(app, next(iter(data.employers.values())), next(iter(data.colleges.values())))
    # Move a placement through its life so the tables have history behind them.
    asked = None
    for request_id in data.requests:
        request = app.students.placement_request(OPERATOR, request_id)
        coordinator = Principal("coordinator", request["college"])
        for slot in app.capacity.slots(OPERATOR, limit=500, cursor=None,
                                       discipline=request["discipline"]).items:
            if not app.onboarding.onboarding_compliance(OPERATOR, request["student"],
                                                        slot["id"])["compliant"]:
                continue  # a direct ask is not refused for onboarding, the acceptance is
            try:
                asked = app.workflow.request_slot(coordinator, request_id, slot["id"])
                break
            except InvalidInput:  # not eligible for this one: try the next
                continue
        if asked:
            break
    assert asked is not None
    app.workflow.accept_placement(Principal("employer", asked["employer"]), asked["id"])
    app.workflow.cancel_placement(coordinator, asked["id"], "student moved away")
    last = app.capacity.slots(OPERATOR, limit=500, cursor=None).items[-1]
    app.capacity.withdraw_slot(Principal("employer", last["employer"]), last["id"], "unit closed")
    live = snapshot(app)
    assert sum(len(rows) for rows in live.values()) > 100
    replay(app)
    assert snapshot(app) == live
