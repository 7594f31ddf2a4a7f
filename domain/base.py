"""The aggregate base class: every event records the principal (`actor`) that caused it."""

from __future__ import annotations

from datetime import date

from eventsourcing.domain import Aggregate as _Aggregate

from domain.errors import InvalidInput


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


def parse_date(value: str | date, field: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidInput(field, f"not an ISO date: {value!r}") from None
