"""Idempotency keys survive crashes (issue 12): the key is claimed and answered in the command's
own transaction, so a retry after a crash replays the committed answer or runs the command once."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from placements import idempotency
from tests.integration.helpers import SLOT, events, site


def keys(app) -> list:
    with app.engine.connect() as conn:
        return conn.execute(select(idempotency.idempotency_keys)).all()


def test_a_claim_left_by_a_crash_is_released_and_the_retry_runs_once(app, client,
                                                                       consortium):
    """A claim without an answer (what a crash between the old design's two transactions
    left) no longer answers 409 "still running" forever."""
    s = site(client, consortium)
    principal = app.tokens.principal_for(consortium.tokens["employer"]).actor
    raw = json.dumps({**SLOT, "site": s["id"]}).encode()
    with app.engine.begin() as conn:
        conn.execute(idempotency.idempotency_keys.insert().values(
            principal=principal, key="slot-1",
            fingerprint=idempotency.fingerprint("POST", "/v1/slots", raw)))
    before = events(app)
    headers = consortium.headers("employer", **{"Idempotency-Key": "slot-1"})
    retried = client.post("/v1/slots", data=raw, content_type="application/json",
                          headers=headers)
    assert retried.status_code == 201, retried.get_json()
    assert events(app) == before + 1
    replayed = client.post("/v1/slots", data=raw, content_type="application/json",
                           headers=headers)
    assert replayed.get_json() == retried.get_json()
    assert replayed.headers["Idempotent-Replayed"] == "true" and events(app) == before + 1


class Crash(Exception):
    """The process dying after the command ran, before its transaction committed."""


def test_a_crash_before_the_commit_leaves_neither_the_write_nor_the_claim(app, client,
                                                                           consortium):
    s = site(client, consortium)
    principal = app.tokens.principal_for(consortium.tokens["employer"])
    before = events(app)

    def publish():
        app.capacity.publish_slot(principal, **{**SLOT, "site": s["id"], "preceptor": None})
        raise Crash()

    with pytest.raises(Crash):
        idempotency.run_once(app, principal.actor, "k", "f" * 64, publish)
    assert events(app) == before and keys(app) == []

    class Answer:
        status_code = 201

        def __init__(self, body):
            self.body = body

        def get_json(self):
            return self.body

    answer = idempotency.run_once(
        app, principal.actor, "k", "f" * 64,
        lambda: Answer(app.capacity.publish_slot(principal, **{**SLOT, "site": s["id"],
                                                               "preceptor": None})))
    assert events(app) == before + 1
    again = idempotency.run_once(app, principal.actor, "k", "f" * 64,
                                 lambda: pytest.fail("ran twice"))
    assert isinstance(again, idempotency.Stored) and again.body == answer.body
    assert events(app) == before + 1
