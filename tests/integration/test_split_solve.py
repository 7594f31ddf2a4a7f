"""A split's bookkeeping on PostgreSQL and Redis: the split commits with its pieces and their
jobs or not at all, happens once, and a piece's first stored result is the one kept."""

from __future__ import annotations

import pytest
import redis
from rq.job import Job
from sqlalchemy import select

from domain.errors import Unavailable
from placements.app import PlacementsApp
from placements.principals import OPERATOR
from placements.read.pieces import solve_pieces
from placements.settings import Settings
from tests.conftest import empty_database
from workers.job_queue import RQJobs, piece_job_id

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

PLAN = [["r1", "r3"], ["r2"]]


def result(slot: str) -> dict:
    return {"assignments": {"r1": slot}, "unplaced": [], "bound": 1, "l1_seconds": 0.1}


@pytest.fixture
def begun(pg_url, redis_url):
    """A solve whose input is recorded, as its solve job leaves it before splitting."""
    redis.Redis.from_url(redis_url).flushdb()
    app = PlacementsApp(Settings(database_url=pg_url, redis_url=redis_url))
    app.jobs = RQJobs(app.settings)
    empty_database(app)
    solve_id = app.solves.request_solve(OPERATOR)["id"]
    yield app, solve_id, app.solves.begin_solve(solve_id, "w1")
    empty_database(app)
    app.engine.dispose()


def rows(app, solve_id):
    with app.engine.connect() as conn:
        return conn.execute(select(solve_pieces).where(solve_pieces.c.solve == solve_id)
                            .order_by(solve_pieces.c.piece)).all()


def kinds(app, solve_id):
    return [e.topic.rsplit(".", 1)[-1] for e in app.log([solve_id])]


def test_split_commits_with_its_pieces_and_jobs_or_not_at_all(begun):
    app, solve_id, work = begun
    real = app.jobs
    app.jobs = RQJobs(Settings(redis_url="redis://127.0.0.1:1/0"))  # nothing listens there
    with pytest.raises(Unavailable):
        app.pieces.split_solve(solve_id, "w1", work.problem_hash, PLAN)
    assert "Split" not in kinds(app, solve_id)
    assert rows(app, solve_id) == []
    assert app.pieces.missing_pieces(solve_id) is None

    app.jobs = real
    assert app.pieces.split_solve(solve_id, "w1", work.problem_hash, PLAN)
    assert [(r.piece, r.requests, r.attempts) for r in rows(app, solve_id)] == [
        (0, ["r1", "r3"], 0), (1, ["r2"], 0)]
    for n in range(2):
        assert Job.fetch(piece_job_id(solve_id, n), connection=real.connection).args == (
            solve_id, n)
    assert app.solves.solve(OPERATOR, solve_id)["pieces"] == {"done": 0, "total": 2}


def test_a_solve_is_split_once_and_never_started_again(begun):
    app, solve_id, work = begun
    assert not app.pieces.split_solve(solve_id, "w1", "another input", PLAN)  # a newer input won
    assert app.pieces.split_solve(solve_id, "w1", work.problem_hash, PLAN)
    assert not app.pieces.split_solve(solve_id, "w2", work.problem_hash, PLAN)
    assert app.solves.begin_solve(solve_id, "w2") is None
    assert kinds(app, solve_id).count("Split") == 1
    assert kinds(app, solve_id).count("Started") == 1


def test_the_first_stored_result_of_a_piece_is_kept(begun):
    app, solve_id, work = begun
    app.pieces.split_solve(solve_id, "w1", work.problem_hash, PLAN)
    assert app.pieces.begin_piece(solve_id, 0, "w1").requests == ["r1", "r3"]
    assert app.pieces.begin_piece(solve_id, 0, "w2").time_limit == app.settings.solve_time_limit
    assert not app.pieces.store_piece(solve_id, 0, result("first"))
    assert not app.pieces.store_piece(solve_id, 0, result("second"))  # a retry's: ignored
    assert app.pieces.begin_piece(solve_id, 0, "w3") is None  # stored: nothing to do
    assert app.pieces.pieces_to_join(solve_id) is None  # piece 1 is still to come
    assert app.pieces.missing_pieces(solve_id) == [1]
    app.pieces.begin_piece(solve_id, 1, "w1")
    assert app.pieces.store_piece(solve_id, 1, result("other"))
    first, second = rows(app, solve_id)
    assert (first.attempts, first.worker, first.result["assignments"]) == (2, "w2", {"r1": "first"})
    joined = app.pieces.pieces_to_join(solve_id)
    assert [r["assignments"]["r1"] for r in joined.results] == ["first", "other"]
    assert joined.started <= first.started
    assert app.solves.solve(OPERATOR, solve_id)["pieces"] == {"done": 2, "total": 2}
