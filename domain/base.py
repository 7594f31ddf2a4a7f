"""The aggregate base class: every event records the principal (`actor`) that caused it."""

from __future__ import annotations

from datetime import date

from eventsourcing.domain import Aggregate as _Aggregate

from domain.errors import InvalidInput

# Every date the system accepts lies in this range (SPEC section 5, "Input limits").
DATE_MIN, DATE_MAX = date(1900, 1, 1), date(2199, 12, 31)


class Aggregate(_Aggregate):
    """Base for our aggregates.

    Convention (checked by tests): every creating `__init__` and every `@event` method takes `actor`
    (the token principal, e.g. ``"coordinator:3f…"``) as its first argument, so it is stored on the
    event. Command methods validate and check invariants, then call one private `@event` method
    whose body only mutates state (it runs again on every replay, so it must not refuse).
    """


def require(condition: bool, field: str, message: str) -> None:
    if not condition:
        raise InvalidInput(field, message)


def stored_date(day: date | None) -> str | None:
    """A date as events store it (their attributes stay JSON-native): ISO text. Command
    methods hand their `@event` methods this form; see `typed_date`."""
    return None if day is None else day.isoformat()


def typed_date(text: str | None) -> date | None:
    """A stored date as aggregate state holds it: the `@event` bodies' side of `stored_date`."""
    return None if text is None else date.fromisoformat(text)


def stored_dates(record: dict | None, *keys: str) -> dict | None:
    """A record held in state (an entry, a target) as an event stores it: its dates under
    `keys` (those it has) as ISO text, in their places. See `typed_dates`."""
    if record is None:
        return None
    return {**record, **{k: stored_date(record[k]) for k in keys if k in record}}


def typed_dates(stored: dict | None, *keys: str) -> dict | None:
    """A stored record with its dates under `keys` (those it has) as `date`s."""
    if stored is None:
        return None
    return {**stored, **{k: typed_date(stored[k]) for k in keys if k in stored}}


def check_date(day: date, field: str) -> date:
    """A date in DATE_MIN..DATE_MAX, or InvalidInput naming the field (also when a record's
    field holds no `date`)."""
    require(isinstance(day, date), field, "must be a date")
    require(DATE_MIN <= day <= DATE_MAX, field, f"must be between {DATE_MIN} and {DATE_MAX}")
    return day
