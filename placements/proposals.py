"""A solve's proposals written in bulk: their stored events and read-model rows, built directly.

Recording a solve writes one `Placement.Created` per newly proposed request and one
`Placement.Superseded` per proposal a later solve replaces: at state scale, 20,000 of each.
Building each through eventsourcing's aggregate machinery (the metaclass call, the event
object, `mutate`, the mapper's generic encoder) cost ≈ 50–100 µs of CPU per proposal, more
than the database's work on its row (docs/BENCHMARKS.md, "Event store"). These events carry
no rule to check: a proposal is created in the state `proposed` from the solved input (whose
references were checked when the input was built, placements/exclusions.py), and a proposal
is superseded only while `proposed`, which the caller reads from the placements read model
written in the same transactions as the events. So here each event's stored state is
written from a template, byte for byte what the application's mapper writes for the same
event (then compressed and encrypted as the mapper does), and its read-model row is the
projection's row for the aggregate that event gives (placements/workflow.py); both are
checked against the aggregate path in tests/integration/test_bulk_proposals.py.

Optimistic concurrency is as for aggregates: a `Superseded` is appended at the version after
the one the read model holds, so a concurrent change of that placement (its own event at that
version) makes the append fail on the event table's unique index and the command re-run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from json.encoder import encode_basestring
from uuid import UUID

from eventsourcing.persistence import Mapper, StoredEvent
from eventsourcing.utils import get_topic
from sqlalchemy import Table

from domain.placements import Placement, PlacementStatus
from placements.read.placements import placement_rows

CREATED = get_topic(Placement.Created)
SUPERSEDED = get_topic(Placement.Superseded)
AGGREGATE = get_topic(Placement)


@dataclass
class Batch:
    """Stored events to append after the aggregates' own, and read-model rows by table: those
    of aggregates it creates (inserted) and of others (upserted)."""

    stored: list[StoredEvent] = field(default_factory=list)
    rows: dict[Table, list[dict]] = field(default_factory=dict)
    created_rows: dict[Table, list[dict]] = field(default_factory=dict)


def _text(value: str | None) -> str:
    return "null" if value is None else encode_basestring(value)


def _timestamp() -> str:
    """A new event's timestamp, as eventsourcing makes it, in ISO form."""
    return Placement.Created.create_timestamp().isoformat()


def _encoded(iso: str) -> str:
    """A timestamp as the mapper's transcoder encodes it."""
    return '{"_type_":"datetime_iso","_data_":"' + iso + '"}'


class Proposals:
    """Builds one recording's proposal events and rows with one actor, for one solve."""

    def __init__(self, mapper: Mapper, actor: str, solve: str) -> None:
        self.mapper = mapper
        self.batch = Batch(rows={placement_rows: []}, created_rows={placement_rows: []})
        self._rows = self.batch.rows[placement_rows]
        self._created = self.batch.created_rows[placement_rows]
        self._actor = _text(actor)
        self._solve = solve
        self._solve_json = _text(solve)

    def _store(self, originator_id: UUID, version: int, topic: str, state: str) -> None:
        data = state.encode("utf8")
        if self.mapper.compressor:
            data = self.mapper.compressor.compress(data)
        if self.mapper.cipher:
            data = self.mapper.cipher.encrypt(data)
        self.batch.stored.append(StoredEvent(originator_id, version, topic, data))

    def create(self, request: str, student: str, college: str, slot: str, site: str,
               employer: str, preceptor: str | None) -> str:
        """A new proposal (`Placement(actor, …, PlacementStatus.PROPOSED, solve)`); its id."""
        ident = Placement.create_id()
        iso = _timestamp()
        self._store(ident, 1, CREATED, (
            '{"timestamp":' + _encoded(iso) + ',"originator_topic":"' + AGGREGATE + '","actor":'
            + self._actor + ',"request":' + _text(request) + ',"student":' + _text(student)
            + ',"college":' + _text(college) + ',"slot":' + _text(slot) + ',"site":'
            + _text(site) + ',"employer":' + _text(employer) + ',"preceptor":'
            + _text(preceptor) + ',"status":"' + PlacementStatus.PROPOSED + '","solve":'
            + self._solve_json + '}'))
        key = str(ident)
        self._created.append({
            "id": key, "seq": iso, "version": 1, "request": request,
            "student": student, "college": college, "slot": slot, "site": site,
            "employer": employer, "preceptor": preceptor, "status": PlacementStatus.PROPOSED,
            "solve": self._solve, "reason": None, "reason_code": None})
        return key

    def supersede(self, row: dict) -> None:
        """`Placement.supersede(actor, solve)` of the proposal whose read-model row is given
        (status `proposed`, checked by the caller as the aggregate checks it)."""
        assert row["status"] == PlacementStatus.PROPOSED, row
        version = row["version"] + 1
        self._store(UUID(row["id"]), version, SUPERSEDED,
                    '{"timestamp":' + _encoded(_timestamp()) + ',"actor":' + self._actor
                    + ',"solve":' + self._solve_json + '}')
        self._rows.append({**row, "version": version, "status": PlacementStatus.SUPERSEDED,
                           "reason": f"superseded by solve {self._solve}"})

