"""A student's clinical hours: entries per placement, the site's sign-off, and corrections.

One `ClinicalHours` aggregate per student (its id derived from the student's), holding the
entries of all its placements, so the daily limit over every placement of a student is an
invariant the aggregate enforces under concurrency (two loggings race on its version). The
first entry of a placement records the placement's facts (`PlacementJoined`: dates, session
length, slot hours, site, discipline, the slot's preceptor and whose journeyworker it is), so
every report over clinical hours — `behind`, utilisation, the apprenticeship bridge — is judged
from the log alone and replays the same.

Rules: an entry is dated on a session day of the placement, inside its dates and not in the
future; one placement's entries on a day stay within the session's length; a student's entries
on one day stay within 16 hours. Nothing is edited: a correction is an event citing the entry's
event id, with a replacement (which must be signed off again) or none (the entry is void).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from domain.base import Aggregate, check_date, require, stored_dates, typed_dates
from domain.das import Entry
from domain.errors import Conflict, NotFound

MAX_DAY_HOURS = 16
EPSILON = 1e-9


class EntryStatus(StrEnum):
    UNSIGNED = "unsigned"
    SIGNED = "signed"
    VOID = "void"  # a correction took it back

    @classmethod
    def of(cls, void: bool, signed: bool) -> EntryStatus:
        return cls.VOID if void else (cls.SIGNED if signed else cls.UNSIGNED)


@dataclass(frozen=True)
class PlacementFacts:
    """What the hours of one placement are judged against, as known when they were logged."""

    placement: str
    slot: str
    site: str
    employer: str
    discipline: str
    start_date: date
    end_date: date
    weekdays: list[int]
    session_hours: float
    slot_hours: float
    preceptor: str | None
    preceptor_journeyworker_of: str | None  # the employer whose journeyworker the preceptor is

    def as_dict(self) -> dict:
        """The stored form (`PlacementJoined`'s `facts`): the dates as ISO text."""
        return stored_dates(self.__dict__, "start_date", "end_date")

    @classmethod
    def parse(cls, stored: dict) -> PlacementFacts:
        """The facts from their stored form (`as_dict`)."""
        return cls(**typed_dates(stored, "start_date", "end_date"))


def midpoint(start: date, end: date) -> date:
    """The rotation's middle day (the earlier of two middles)."""
    return start + timedelta(days=(end - start).days // 2)


def check_entry(entry: dict, facts: PlacementFacts, today: date, prefix: str = "") -> dict:
    """An entry's fields normalised against its placement, or InvalidInput naming the field."""
    day = check_date(entry.get("date"), f"{prefix}date")
    require(facts.start_date <= day <= facts.end_date, f"{prefix}date",
            f"outside the placement's dates {facts.start_date}..{facts.end_date}")
    require(day.weekday() in facts.weekdays, f"{prefix}date",
            "is not a session day of the placement's slot")
    require(day <= today, f"{prefix}date", f"is in the future (today is {today})")
    hours = entry.get("hours")
    require(isinstance(hours, int | float) and not isinstance(hours, bool) and hours > 0,
            f"{prefix}hours", "must be a number more than 0")
    note = entry.get("note")
    require(note is None or isinstance(note, str), f"{prefix}note", "must be text")
    return {"date": day, "hours": float(hours), "note": (note or "").strip() or None}


class ClinicalHours(Aggregate):
    """A student's clinical hours. `entries` maps each entry's event id to its current state."""

    @staticmethod
    def create_id(student: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"placements:clinical-hours:{student}")

    @event("Opened")
    def __init__(self, actor: str, student: str, college: str):
        self.student = student
        self.college = college
        self.placements: dict[str, PlacementFacts] = {}
        self.entries: dict[str, dict] = {}

    def _day_hours(self, day: date, placement: str | None = None,
                   excluding: str | None = None) -> float:
        return sum(e["hours"] for k, e in self.entries.items()
                   if not e["void"] and e["date"] == day and k != excluding
                   and (placement is None or e["placement"] == placement))

    def _check_limits(self, entry: dict, placement: str, excluding: str | None,
                      prefix: str = "") -> None:
        facts = self.placements[placement]
        same = self._day_hours(entry["date"], placement, excluding) + entry["hours"]
        require(same <= facts.session_hours + EPSILON, f"{prefix}hours",
                f"{same:g} hours on {entry['date']} at this placement; its session lasts "
                f"{facts.session_hours:g} hours")
        day = self._day_hours(entry["date"], None, excluding) + entry["hours"]
        require(day <= MAX_DAY_HOURS + EPSILON, f"{prefix}hours",
                f"{day:g} hours on {entry['date']} over the student's placements; a day has "
                f"at most {MAX_DAY_HOURS}")

    def log(self, actor: str, event_id: str, facts: PlacementFacts, entry: dict,
            today: date) -> dict:
        known = self.placements.get(facts.placement) or facts
        checked = check_entry(entry, known, today)
        if facts.placement not in self.placements:
            self._joined(actor, facts.as_dict())
        self._check_limits(checked, facts.placement, None)
        self._logged(actor, event_id, facts.placement, stored_dates(checked, "date"))
        return checked

    @event("PlacementJoined")
    def _joined(self, actor: str, facts: dict) -> None:
        self.placements[facts["placement"]] = PlacementFacts.parse(facts)

    @event("HoursLogged")
    def _logged(self, actor: str, event_id: str, placement: str, entry: dict) -> None:
        self.entries[event_id] = {**typed_dates(entry, "date"), "placement": placement,
                                  "signed_by": None, "void": False}

    def entry(self, placement: str, entry_id: str) -> dict:
        found = self.entries.get(entry_id)
        if found is None or found["placement"] != placement:
            raise NotFound(f"no such hours entry of this placement: {entry_id}")
        return found

    def sign_off(self, actor: str, event_id: str, placement: str, entry_id: str,
                 preceptor: str, journeyworker_of: str | None) -> None:
        found = self.entry(placement, entry_id)
        if found["void"]:
            raise Conflict("the entry was voided by a correction", code="entry_void")
        if found["signed_by"] is not None:
            raise Conflict("the entry is already signed off", code="already_signed")
        self._signed(actor, event_id, entry_id, preceptor, journeyworker_of)

    @event("HoursSignedOff")
    def _signed(self, actor: str, event_id: str, entry: str, preceptor: str,
                journeyworker_of: str | None) -> None:
        self.entries[entry]["signed_by"] = preceptor

    def correct(self, actor: str, event_id: str, placement: str, entry_id: str, reason: str,
                replacement: dict | None, today: date) -> dict | None:
        found = self.entry(placement, entry_id)
        require(isinstance(reason, str) and bool(reason.strip()), "reason", "must not be blank")
        if found["void"]:
            raise Conflict("the entry was already voided", code="entry_void")
        if replacement is not None:
            require(isinstance(replacement, dict), "replacement", "must be an object or null")
            replacement = check_entry(replacement, self.placements[placement], today,
                                      "replacement.")
            self._check_limits(replacement, placement, entry_id, "replacement.")
        self._corrected(actor, event_id, entry_id, reason.strip(),
                        stored_dates(replacement, "date"))
        return replacement

    @event("HoursCorrected")
    def _corrected(self, actor: str, event_id: str, corrects: str, reason: str,
                   replacement: dict | None) -> None:
        current = self.entries[corrects]
        if replacement is None:
            current["void"] = True
        else:  # a corrected entry is a new claim: it needs its own sign-off
            current.update(typed_dates(replacement, "date"), signed_by=None)


@dataclass
class RecordedEntry:
    """An entry as the log shows it at some instant: its fields, sign-off and citations."""

    id: str
    placement: str
    data: dict
    logged: dict  # {"id", "position"} of the HoursLogged event
    signed_off: dict | None = None  # {"preceptor", "journeyworker_of", "id", "position"}
    corrections: list[dict] | None = None
    void: bool = False

    @property
    def signed(self) -> bool:
        return self.signed_off is not None and not self.void


def recorded_hours(events: list, known_at: datetime | None = None
                   ) -> tuple[dict[str, PlacementFacts], list[RecordedEntry]]:
    """Fold a `ClinicalHours` aggregate's recorded events (domain.das.Recorded, in log order) as
    known at `known_at`: the placements' facts and every entry, voided ones included (typed:
    their dates as `date`)."""
    facts: dict[str, PlacementFacts] = {}
    entries: dict[str, RecordedEntry] = {}
    for e in sorted(events, key=lambda e: e.position):
        if known_at is not None and e.recorded_at > known_at:
            continue
        d = e.data
        if e.type == "PlacementJoined":
            facts[d["facts"]["placement"]] = PlacementFacts.parse(d["facts"])
        elif e.type == "HoursLogged":
            entries[d["event_id"]] = RecordedEntry(d["event_id"], d["placement"],
                                                   typed_dates(d["entry"], "date"), e.ref,
                                                   corrections=[])
        elif e.type == "HoursSignedOff" and d["entry"] in entries:
            entries[d["entry"]].signed_off = {"preceptor": d["preceptor"],
                                              "journeyworker_of": d["journeyworker_of"],
                                              **e.ref}
        elif e.type == "HoursCorrected" and d["corrects"] in entries:
            target = entries[d["corrects"]]
            target.corrections.append({**e.ref, "reason": d["reason"]})
            if d["replacement"] is None:
                target.void = True
            else:
                target.data = typed_dates(d["replacement"], "date")
                target.signed_off = None
    return facts, list(entries.values())


def required_hours(slot_hours: float, credited: float) -> float:
    """The clinical hours a placement requires: its slot's, less the student's prior learning
    credited for the slot's discipline, never below 0."""
    return max(0.0, slot_hours - credited)


def hours_summary(facts: PlacementFacts, entries: list[RecordedEntry], as_of: date,
                  credited: float = 0.0) -> dict:
    """`GET /v1/placements/{id}/hours`: one placement's entries dated up to `as_of`, its signed
    and unsigned totals, and `behind` (past the midpoint with under half the hours it requires
    signed: the slot's, less `credited` prior learning)."""
    shown = [x for x in entries if x.data["date"] <= as_of]
    shown.sort(key=lambda x: (x.data["date"], x.logged["position"]))
    signed = sum(x.data["hours"] for x in shown if x.signed)
    unsigned = sum(x.data["hours"] for x in shown if not x.signed and not x.void)
    behind = as_of > midpoint(facts.start_date, facts.end_date) \
        and signed + EPSILON < required_hours(facts.slot_hours, credited) / 2
    return {"entries": [entry_view(x) for x in shown], "signed_hours": signed,
            "unsigned_hours": unsigned, "behind": behind}


def entry_view(x: RecordedEntry) -> dict:
    return {"id": x.id, "placement": x.placement, **x.data,
            "status": EntryStatus.of(x.void, x.signed),
            "signed_off": x.signed_off, "corrections": x.corrections,
            "event": x.logged}



def clinical_ojt(events: list, employer: str, known_at: datetime | None = None) -> list[Entry]:
    """The bridge: a student's signed clinical hours that count as OJT for an apprentice of
    `employer` — those of placements whose slot's preceptor is a journeyworker of that employer
    — as DAS entries (work process left to the standards: domain.das.with_clinical). The entry
    is supervised by the preceptor who signed it off, if a journeyworker (of whichever employer:
    the DAS rules judge that); it cites the sign-off, the logged entry and any corrections."""
    facts, entries = recorded_hours(events, known_at)
    out = []
    for x in entries:
        placement = facts.get(x.placement)
        if not x.signed or placement is None \
                or placement.preceptor_journeyworker_of != employer:
            continue
        signer = x.signed_off
        supervised = signer["journeyworker_of"] is not None
        out.append(Entry("ojt", {
            "date": x.data["date"], "hours": x.data["hours"],
            "discipline": placement.discipline, "site": placement.site,
            "journeyworker": signer["preceptor"] if supervised else None,
            "journeyworker_employer": signer["journeyworker_of"],
            "placement": x.placement, "clinical_entry": x.id},
            [{"id": signer["id"], "position": signer["position"]}, x.logged,
             *({"id": c["id"], "position": c["position"]} for c in x.corrections)]))
    return out
