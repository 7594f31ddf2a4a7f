"""domain.schedule against a brute-force, minute-by-minute oracle on small date ranges."""

from __future__ import annotations

from datetime import date, time, timedelta
from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.schedule import (
    Schedule,
    Window,
    intersects_window,
    moment_sets,
    peak_overlap,
    simultaneous,
)

BASE = date(2027, 1, 4)  # a Monday


def minutes(s: Schedule) -> set[int]:
    """Every minute (counted from BASE - 7 days) at which `s` is in session: the oracle."""
    origin = BASE - timedelta(days=7)
    st_ = s.shift_start.hour * 60 + s.shift_start.minute
    en = s.shift_end.hour * 60 + s.shift_end.minute
    dur = (en - st_) % 1440 or 1440
    out: set[int] = set()
    d = s.start_date
    while d <= s.end_date:
        if d.weekday() in s.weekdays:
            b = (d - origin).days * 1440 + st_
            out.update(range(b, b + dur))
        d += timedelta(days=1)
    return out


def window_minutes(w: Window, span_days: int = 60) -> set[int]:
    origin = BASE - timedelta(days=7)
    st_, en = w.start.hour * 60 + w.start.minute, w.end.hour * 60 + w.end.minute
    dur = (en - st_) % 1440 or 1440
    out: set[int] = set()
    for i in range(-1, span_days):
        d = origin + timedelta(days=i)
        if d.weekday() in w.weekdays:
            b = i * 1440 + st_
            out.update(range(b, b + dur))
    return out


times = st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45, 7]))
weekdays = st.frozensets(st.integers(0, 6), min_size=1, max_size=7)


@st.composite
def schedules(draw) -> Schedule:
    start = BASE + timedelta(days=draw(st.integers(0, 20)))
    end = start + timedelta(days=draw(st.integers(0, 12)))
    return Schedule(start, end, draw(weekdays), draw(times), draw(times))


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(schedules(), schedules())
def test_simultaneous_matches_oracle(a: Schedule, b: Schedule) -> None:
    assert simultaneous(a, b) == bool(minutes(a) & minutes(b))
    assert simultaneous(a, b) == simultaneous(b, a)


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(schedules(), weekdays, times, times)
def test_intersects_window_matches_oracle(s: Schedule, days, start, end) -> None:
    w = Window(days, start, end)
    assert intersects_window(s, w) == bool(minutes(s) & window_minutes(w))


@pytest.mark.slow
@settings(max_examples=120, deadline=None)
@given(st.lists(schedules(), min_size=0, max_size=5))
def test_peak_overlap_and_cliques_match_oracle(ss: list[Schedule]) -> None:
    occ = [minutes(s) for s in ss]
    count: dict[int, set[int]] = {}
    for i, m in enumerate(occ):
        for x in m:
            count.setdefault(x, set()).add(i)
    expected_sets = {frozenset(v) for v in count.values()}
    expected_max = {c for c in expected_sets if not any(c < o for o in expected_sets)}
    assert peak_overlap(ss) == max((len(c) for c in expected_sets), default=0)
    assert set(moment_sets(ss)) == expected_max


def test_night_shift_spills_into_next_day() -> None:
    mon_night = Schedule.parse("2027-01-04", "2027-01-04", [0], "22:00", "06:00")
    tue_morning = Schedule.parse("2027-01-05", "2027-01-05", [1], "05:00", "09:00")
    assert simultaneous(mon_night, tue_morning)
    # The spill-over day is after end_date: still a real moment in common.
    assert simultaneous(
        Schedule.parse("2027-01-04", "2027-01-04", [0], "22:00", "06:00"),
        Schedule.parse("2027-01-05", "2027-02-05", [1], "05:00", "09:00"),
    )
    # Sunday night wraps into Monday of the next week.
    sun = Schedule.parse("2027-01-03", "2027-02-28", [6], "23:00", "07:00")
    mon = Schedule.parse("2027-01-04", "2027-02-28", [0], "06:00", "14:00")
    assert simultaneous(sun, mon)


def test_touching_sessions_do_not_intersect() -> None:
    a = Schedule.parse("2027-01-04", "2027-03-01", [0], "07:00", "15:00")
    b = Schedule.parse("2027-01-04", "2027-03-01", [0], "15:00", "23:00")
    assert not simultaneous(a, b)
    assert peak_overlap([a, b]) == 1


def test_overlapping_ranges_without_common_weekday_date() -> None:
    # Ranges share only Wednesday 2027-01-13; both run Mondays only.
    a = Schedule.parse("2027-01-04", "2027-01-13", [0], "07:00", "15:00")
    b = Schedule.parse("2027-01-13", "2027-01-30", [0], "07:00", "15:00")
    assert not simultaneous(a, b)


def test_peak_overlap_counts_one_moment_not_pairs() -> None:
    # Three slots pairwise simultaneous but never all three at once.
    a = Schedule.parse("2027-01-04", "2027-03-01", [0], "07:00", "12:00")
    b = Schedule.parse("2027-01-04", "2027-03-01", [0], "11:00", "16:00")
    c = Schedule.parse("2027-01-04", "2027-03-01", [0], "06:00", "08:00")
    d = Schedule.parse("2027-01-04", "2027-03-01", [0], "15:00", "17:00")
    assert all(simultaneous(x, y) for x, y in [(a, b), (a, c), (b, d)])
    assert peak_overlap([a, b, c, d]) == 2
    assert peak_overlap([a, a, a]) == 3
    assert peak_overlap([]) == 0
    assert all(len(c) <= 2 for c in moment_sets([a, b, c, d]))
    for x, y in combinations(range(4), 2):
        together = any({x, y} <= cl for cl in moment_sets([a, b, c, d]))
        assert together == simultaneous([a, b, c, d][x], [a, b, c, d][y])


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"start_date": "2027-02-30"}, "start_date"),
        ({"end_date": "2026-01-01"}, "end_date"),
        ({"weekdays": [7]}, "weekdays"),
        ({"weekdays": []}, "weekdays"),
        ({"weekdays": [True]}, "weekdays"),
        ({"shift_start": "25:00"}, "shift_start"),
        ({"shift_end": "7am"}, "shift_end"),
    ],
)
def test_parse_rejects_bad_input(kwargs: dict, message: str) -> None:
    fields = {"start_date": "2027-01-04", "end_date": "2027-02-04", "weekdays": [0],
              "shift_start": "07:00", "shift_end": "15:00"}
    with pytest.raises(ValueError, match=message):
        Schedule.parse(**{**fields, **kwargs})


def test_window_parse() -> None:
    assert Window.parse([0, 1], "08:00", "16:30").start == time(8, 0)
    with pytest.raises(ValueError):
        Window.parse([9], "08:00", "09:00")
