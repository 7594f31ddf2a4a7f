"""Operators are told the truth (issue 12): verify-log trusts no checkpoint the off-site copy
refutes and hands over the head with its position; a missing cipher key stops every process at
start with one line (verify-log hashes the stored bytes, so it needs no key)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from eventsourcing.cipher import AESCipher
from sqlalchemy import text

from bootstrap.cli.main import main
from placements import ledger
from placements.app import PlacementsApp
from placements.base import StoreUnreadable
from placements.principals import OPERATOR, Principal
from placements.settings import Settings
from tests.integration.test_audit import cli_verify, positions, rewrite_chain


def test_a_refuted_rewrite_leaves_no_checkpoint_trusted(app, consortium, monkeypatch):
    monkeypatch.setattr(ledger, "CHECKPOINT_EVERY", 5)
    coordinator = Principal("coordinator", consortium.college)
    for i in range(14):
        app.students.register_student(coordinator, f"S{i}", {"lat": 37.9, "lon": -122.5})
    ok = app.audit.verify_log(OPERATOR)
    assert ok.head_position == positions(app)[-1]
    out = cli_verify(app, monkeypatch)
    assert out.exit_code == 0
    assert f"head {ok.head_position}:{ok.head}" in out.output
    assert f"--checkpoint {ok.head_position}:{ok.head}" in out.output  # keep the head
    offsite = ledger.Checkpoint(ok.head_position, ok.head)
    target = positions(app)[-8]
    with app.engine.begin() as conn:
        conn.execute(text("UPDATE placements_events SET topic = topic || ' ' WHERE id = :p"),
                     {"p": target})
    rewrite_chain(app, target, with_checkpoints=True)
    against = app.audit.verify_log(OPERATOR, offsite)
    assert against.problem == "offsite_mismatch"
    assert against.last_good_checkpoint is None  # the rewritten ones agreed with the rewrite
    out = cli_verify(app, monkeypatch, "--checkpoint", f"{offsite.position}:{offsite.digest}")
    assert out.exit_code == 1
    assert "last checkpoint that still holds: none" in out.output
    assert f"head {against.head_position}:{against.head}" in out.output


@pytest.mark.parametrize("command", [["replay"], ["serve"], ["worker", "--burst"]])
def test_a_missing_cipher_key_stops_each_process_at_start(sqlite_url, monkeypatch, command):
    url = sqlite_url
    key = AESCipher.create_key(32)
    app = PlacementsApp(Settings(database_url=url, cipher_key=key))
    app.organizations.register_organization(OPERATOR, "College of Marin", "college")
    with pytest.raises(StoreUnreadable):
        PlacementsApp(Settings(database_url=url)).check_readable()
    PlacementsApp(Settings(database_url=url, cipher_key=key)).check_readable()

    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")  # never reached: it stops before
    monkeypatch.delenv("PLACEMENTS_CIPHER_KEY", raising=False)
    out = CliRunner().invoke(main, command)
    assert out.exit_code == 1, out.output
    assert out.output.strip().splitlines() == [
        "Error: the event store is encrypted: set PLACEMENTS_CIPHER_KEY to its key"]
