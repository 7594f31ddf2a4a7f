"""Weekly sessions and when two of them meet: the one implementation of SPEC section 4's time.

A schedule runs a session from `shift_start` to `shift_end` on each listed weekday (0 = Monday)
of every week in [start_date, end_date]; an end at or before the start ends the next day (night
shift). Two schedules are *simultaneous* when some session of one intersects some session of the
other (half-open intervals, so a shift ending at 07:00 does not meet one starting at 07:00).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

DAY = timedelta(days=1)
# A schedule's dates stay a few weeks clear of the calendar's ends, where the date arithmetic of
# sessions (a night shift's next day, the weeks around a boundary) would leave it.
FIRST_DATE, LAST_DATE = date(1900, 1, 1), date(9998, 12, 31)
WEEK_MINUTES = 7 * 24 * 60


def _time(value: str | time, field: str) -> time:
    if isinstance(value, time):
        return value
    try:
        hours, minutes = str(value).split(":")
        if len(hours) != 2 or len(minutes) != 2:
            raise ValueError
        return time(int(hours), int(minutes))
    except ValueError:
        raise ValueError(f"{field}: not a HH:MM time: {value!r}") from None


def _date(value: str | date, field: str) -> date:
    if isinstance(value, date):
        day = value
    else:
        try:
            day = date.fromisoformat(str(value))
        except ValueError:
            raise ValueError(f"{field}: not an ISO date: {value!r}") from None
    if not FIRST_DATE <= day <= LAST_DATE:
        raise ValueError(f"{field}: out of range ({FIRST_DATE} to {LAST_DATE}): {day}")
    return day


def _weekdays(values: Iterable[int], field: str) -> frozenset[int]:
    days = frozenset(values)
    if not days or any(isinstance(d, bool) or not isinstance(d, int) or not 0 <= d <= 6
                       for d in days):
        raise ValueError(f"{field}: weekdays are integers 0 (Monday) to 6 (Sunday), at least one")
    return days


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute


def _duration(start: time, end: time) -> int:
    """Minutes from start to end; an end at or before the start is on the next day."""
    length = _minutes(end) - _minutes(start)
    return length if length > 0 else length + 24 * 60


@dataclass(frozen=True)
class Schedule:
    start_date: date
    end_date: date
    weekdays: frozenset[int]
    shift_start: time
    shift_end: time

    @classmethod
    def parse(cls, start_date: str | date, end_date: str | date, weekdays: Iterable[int],
              shift_start: str | time, shift_end: str | time) -> Schedule:
        s = cls(_date(start_date, "start_date"), _date(end_date, "end_date"),
                _weekdays(weekdays, "weekdays"), _time(shift_start, "shift_start"),
                _time(shift_end, "shift_end"))
        if s.end_date < s.start_date:
            raise ValueError("end_date: before start_date")
        return s

    def as_dict(self) -> dict:
        """The stored form (events, read models, the problem file): ISO dates, weekdays
        sorted, HH:MM times; `Schedule.parse(**s.as_dict()) == s`."""
        return {"start_date": self.start_date.isoformat(), "end_date": self.end_date.isoformat(),
                "weekdays": sorted(self.weekdays),
                "shift_start": self.shift_start.strftime("%H:%M"),
                "shift_end": self.shift_end.strftime("%H:%M")}

    @property
    def minutes(self) -> int:
        return _duration(self.shift_start, self.shift_end)

    def session(self, day: date) -> tuple[datetime, datetime]:
        begin = datetime.combine(day, self.shift_start)
        return begin, begin + timedelta(minutes=self.minutes)

    def session_days(self, first: date, last: date) -> Iterator[date]:
        """Dates in [first, last] ∩ the schedule's range on which a session starts."""
        day, last = max(first, self.start_date), min(last, self.end_date)
        while day <= last:
            if day.weekday() in self.weekdays:
                yield day
            day += DAY

    def in_session(self, moment: datetime) -> bool:
        for day in (moment.date() - DAY, moment.date()):
            if self.start_date <= day <= self.end_date and day.weekday() in self.weekdays:
                begin, end = self.session(day)
                if begin <= moment < end:
                    return True
        return False


@dataclass(frozen=True)
class Window:
    """A weekly window a student is unavailable (same time rules as a shift)."""

    weekdays: frozenset[int]
    start: time
    end: time

    @classmethod
    def parse(cls, weekdays: Iterable[int], start: str | time, end: str | time) -> Window:
        return cls(_weekdays(weekdays, "weekdays"), _time(start, "start"), _time(end, "end"))


def _edges(first: date, last: date, span: int = 9) -> Iterator[date]:
    """The first and last `span` days of [first, last]: where every weekly pattern shows."""
    day = first
    while day <= last:
        yield day
        day = day + DAY if (day - first).days < span - 1 or (last - day).days <= span else \
            last - timedelta(days=span - 1)


def simultaneous(a: Schedule, b: Schedule) -> bool:
    """Whether some session of `a` intersects some session of `b`."""
    # A session of a starting on day d can only meet sessions of b starting on d-1, d or d+1.
    # Within the overlap the weekly pattern repeats, so the first and last nine days suffice.
    first, last = max(a.start_date, b.start_date - DAY), min(a.end_date, b.end_date + DAY)
    for day in _edges(first, last):
        if day.weekday() not in a.weekdays:
            continue
        a_begin, a_end = a.session(day)
        for other in b.session_days(day - DAY, day + DAY):
            b_begin, b_end = b.session(other)
            if a_begin < b_end and b_begin < a_end:
                return True
    return False


def _weekly(weekdays: Iterable[int], start: time, end: time) -> list[tuple[int, int]]:
    begin, length = _minutes(start), _duration(start, end)
    return [(d * 1440 + begin, d * 1440 + begin + length) for d in weekdays]


def intersects_window(s: Schedule, w: Window) -> bool:
    """Whether a session of `s` (on a weekday its date range really has) meets the window."""
    days = {d.weekday() for d in s.session_days(s.start_date, s.start_date + 6 * DAY)}
    sessions = _weekly(days, s.shift_start, s.shift_end)
    windows = _weekly(w.weekdays, w.start, w.end)
    return any(a < y + shift and x + shift < b
               for a, b in sessions for x, y in windows
               for shift in (-WEEK_MINUTES, 0, WEEK_MINUTES))


def peak_overlap(schedules: Sequence[Schedule]) -> int:
    """The most of `schedules` in session at one same moment (each counts once per entry)."""
    if not schedules:
        return 0
    # The count only rises at a session start, and the set of schedules whose ranges cover a
    # day changes only near range boundaries: try each weekday's session start on the first
    # date of that weekday after every boundary.
    boundaries = sorted({d + k * DAY for s in schedules for d in (s.start_date, s.end_date)
                         for k in (-1, 0, 1, 2)})
    best = 0
    for s in schedules:
        for boundary in boundaries:
            for day in s.session_days(boundary, boundary + 6 * DAY):
                moment = datetime.combine(day, s.shift_start)
                best = max(best, sum(t.in_session(moment) for t in schedules))
    return best


def moment_sets(schedules: Sequence[Schedule]) -> list[frozenset[int]]:
    """The maximal sets of schedules (by index) in session together at some one moment.

    A constraint "at most k of these at one moment" over each set is exactly "at most k at every
    moment"; and two schedules are simultaneous exactly when some set holds both.
    """
    if len(schedules) < 2:
        # A lone schedule forms a set only if its range really holds one of its weekdays.
        if schedules and next(schedules[0].session_days(schedules[0].start_date,
                                                        schedules[0].end_date), None):
            return [frozenset({0})]
        return []
    boundaries = sorted({d + k * DAY for s in schedules for d in (s.start_date, s.end_date)
                         for k in (-1, 0, 1, 2)})
    found: set[frozenset[int]] = set()
    for s in schedules:
        starts = {s.shift_start}
        for boundary in boundaries:
            for day in s.session_days(boundary, boundary + 6 * DAY):
                for t in starts:
                    moment = datetime.combine(day, t)
                    found.add(frozenset(i for i, o in enumerate(schedules)
                                        if o.in_session(moment)))
    maximal = sorted(found, key=len, reverse=True)
    kept: list[frozenset[int]] = []
    for candidate in maximal:
        if not any(candidate <= k for k in kept):
            kept.append(candidate)
    return kept
