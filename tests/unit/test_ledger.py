"""The audit ledger's pure parts: the digest, the chain and its checkpoints, off-site
checkpoint parsing, and the Site.Registered v1 → v2 upcast through eventsourcing's mapper."""

from __future__ import annotations

import hashlib
import json
from uuid import uuid4

import pytest
from eventsourcing.application import Application
from eventsourcing.persistence import StoredEvent

from domain.capacity import Site, Slot
from domain.schedule import Schedule
from placements import ledger


def test_the_digest_covers_the_previous_link_and_the_stored_form():
    d = ledger.digest(ledger.GENESIS, 1, "a", 1, "t", b"{}")
    expected = hashlib.sha256(f"{ledger.GENESIS}|1|a|1|t|".encode() + b"{}").hexdigest()
    assert d == expected
    changed = [ledger.digest("1" * 64, 1, "a", 1, "t", b"{}"),
               ledger.digest(ledger.GENESIS, 2, "a", 1, "t", b"{}"),
               ledger.digest(ledger.GENESIS, 1, "b", 1, "t", b"{}"),
               ledger.digest(ledger.GENESIS, 1, "a", 2, "t", b"{}"),
               ledger.digest(ledger.GENESIS, 1, "a", 1, "u", b"{}"),
               ledger.digest(ledger.GENESIS, 1, "a", 1, "t", b"{ }")]
    assert d not in changed and len(set(changed)) == len(changed)


def test_the_chain_links_each_digest_and_checkpoints_each_crossed_multiple(monkeypatch):
    monkeypatch.setattr(ledger, "CHECKPOINT_EVERY", 10)
    # Positions with gaps, as rolled-back transactions leave them.
    events = [(p, "a", p, "t", b"x") for p in (8, 9, 12, 13, 25, 31, 40)]
    rows, marks = ledger.chain((7, ledger.GENESIS), events)
    link = ledger.GENESIS
    for row, e in zip(rows, events, strict=True):
        link = ledger.digest(link, *e)
        assert row == {"position": e[0], "digest": link}
    assert [m["position"] for m in marks] == [12, 25, 31, 40]
    again, _ = ledger.chain((7, ledger.GENESIS), events)
    assert again == rows  # deterministic: verification recomputes the same digests


def test_an_offsite_checkpoint_parses_from_position_colon_digest():
    c = ledger.Checkpoint.parse(f" 10000:{'AB' * 32} ")
    assert (c.position, c.digest) == (10000, "ab" * 32)
    for bad in ("10000", "x:" + "a" * 64, "12:" + "a" * 63):
        with pytest.raises(ValueError):
            ledger.Checkpoint.parse(bad)


def test_failures_report_a_known_problem_with_its_detail():
    v = ledger.Verification(False, 3, "f" * 64, head_position=3, failed_position=4,
                            problem="missing_event")
    d = v.as_dict()
    assert d["failed_position"] == 4 and "deleted" in d["detail"] and d["ok"] is False
    assert ledger.Verification(True, 3, "f" * 64, head_position=3).as_dict() == {
        "ok": True, "events": 3, "head": "f" * 64, "head_position": 3, "checkpoints": 0,
        "last_checkpoint": None}


def test_a_v1_site_registered_event_is_upcast_with_no_phone():
    mapper = Application().mapper  # in-memory: no database
    site = Site.register("employer:t@e", "e", "Clinic", {"lat": 1.0, "lon": 2.0}, ["TB"],
                         phone=" 555 0100 ")
    assert site.phone == "555 0100"
    stored = mapper.to_stored_event(site.collect_events()[0])
    state = json.loads(stored.state)
    assert state.pop("class_version") == 2 and state.pop("phone") == "555 0100"
    old = StoredEvent(uuid4(), 1, stored.topic, json.dumps(state).encode())
    event = mapper.to_domain_event(old)
    assert event.phone is None and event.mutate(None).name == "Clinic"


def test_a_v1_slot_published_event_is_upcast_with_no_unit():
    mapper = Application().mapper
    site = Site.register("employer:t@e", "e", "Clinic", {"lat": 1.0, "lon": 2.0}, ["TB"])
    slot = Slot.publish("employer:t@e", site, "RN", 2, None, Schedule.parse(
        "2027-01-11", "2027-03-05", [0], "07:00", "15:00"), 8, None)
    stored = mapper.to_stored_event(slot.collect_events()[0])
    state = json.loads(stored.state)
    assert state.pop("class_version") == 2 and state.pop("unit") is None
    old = StoredEvent(uuid4(), 1, stored.topic, json.dumps(state).encode())
    event = mapper.to_domain_event(old)
    assert event.unit is None and event.mutate(None).capacity == 2
