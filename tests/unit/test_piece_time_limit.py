"""A piece's time limit: its share of the solve's by requests, within [a quarter, all] of it."""

from __future__ import annotations

import pytest

from placements.solving import piece_time_limit


@pytest.mark.parametrize(("requests", "of", "expected"), [
    (5000, 10000, 30.0),   # half the requests, half the limit
    (9000, 10000, 54.0),
    (100, 10000, 15.0),    # a small piece still gets a quarter
    (3000, 0, 60.0),       # never more than the whole limit
])
def test_a_piece_gets_its_share_of_the_limit(requests, of, expected):
    assert piece_time_limit(60.0, requests, of) == pytest.approx(expected)
