"""Registered apprenticeship: a program's versioned standards and an apprentice's logged record.

`ApprenticeshipProgram` holds the sponsor's standards (term, work processes, RSI, wage schedule,
ratio, probation); an amendment is an event with its own effective date, so the standards in
force on any day are derived from the history (`standards_on`). `Apprentice` holds the agreement
and every logged entry (OJT hours, RSI hours, wages paid); each entry and each correction carries
its own `event_id`, which corrections cite. Nothing is edited or deleted: a correction is a new
event naming the entry it replaces (or voids). The compliance rules over these events live in
domain/das.py.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date
from enum import StrEnum

from eventsourcing.domain import event

from domain.base import (
    Aggregate,
    check_date,
    require,
    stored_date,
    stored_dates,
    typed_date,
)
from domain.errors import Conflict, InvalidInput

TERM_TYPES = ("time", "competency", "hybrid")
RATIO_BASES = ("journeyworker", "site", "employer")
STANDARD_FIELDS = ("name", "occupation", "term_type", "ojt_hours", "work_processes",
                   "rsi_hours_per_year", "journeyworker_rate", "wage_steps", "ratio",
                   "probationary_hours", "probationary_rsi_hours", "clinical_work_processes")
MIN_TIME_BASED_HOURS = 2000  # 29 CFR 29.5(b)(2)
ENTRY_KINDS = ("ojt", "rsi", "wages")
ENTRY_DATES = ("date", "period_start", "period_end")  # an entry's dates (those it has)


class ApprenticeStatus(StrEnum):
    SIGNED = "signed"  # the agreement, not yet registered
    REGISTERED = "registered"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


def _number(value, field: str, *, minimum: float = 0, maximum: float | None = None,
            strict: bool = False) -> float:
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    require(ok, field, "must be a number")
    require(value > minimum if strict else value >= minimum, field,
            f"must be {'more than' if strict else 'at least'} {minimum:g}")
    if maximum is not None:
        require(value <= maximum, field, f"must be at most {maximum:g}")
    return value


def _list(value, field: str) -> list:
    require(isinstance(value, list) and bool(value), field, "must list at least one item")
    return value


def _text(value, field: str) -> str:
    require(isinstance(value, str) and bool(value.strip()), field, "must not be blank")
    return value.strip()


def check_standards(s: dict) -> dict:
    """The standards normalised (JSON-friendly), or InvalidInput naming the first bad field."""
    out = {"name": _text(s.get("name"), "name"), "occupation": _text(s.get("occupation"),
                                                                      "occupation")}
    require(s.get("term_type") in TERM_TYPES, "term_type", f"must be one of {TERM_TYPES}")
    out["term_type"] = s["term_type"]
    out["ojt_hours"] = _number(s.get("ojt_hours"), "ojt_hours")
    if out["term_type"] == "time":
        require(out["ojt_hours"] >= MIN_TIME_BASED_HOURS, "ojt_hours",
                f"a time-based term is at least {MIN_TIME_BASED_HOURS} hours")
    processes, codes = [], set()
    for i, wp in enumerate(_list(s.get("work_processes"), "work_processes")):
        require(isinstance(wp, dict), f"work_processes[{i}]", "must be an object")
        code = _text(wp.get("code"), f"work_processes[{i}].code")
        require(code not in codes, f"work_processes[{i}].code", "is not unique")
        codes.add(code)
        processes.append({"code": code, "name": _text(wp.get("name"), f"work_processes[{i}].name"),
                          "hours": _number(wp.get("hours"), f"work_processes[{i}].hours")})
    out["work_processes"] = processes
    out["rsi_hours_per_year"] = _number(s.get("rsi_hours_per_year"), "rsi_hours_per_year")
    out["journeyworker_rate"] = _number(s.get("journeyworker_rate"), "journeyworker_rate",
                                        strict=True)
    steps, thresholds = [], set()
    for i, step in enumerate(_list(s.get("wage_steps"), "wage_steps")):
        f = f"wage_steps[{i}]"
        require(isinstance(step, dict), f, "must be an object")
        after = _number(step.get("after_ojt_hours"), f"{f}.after_ojt_hours")
        require(after not in thresholds, f"{f}.after_ojt_hours", "is not unique")
        thresholds.add(after)
        has_rate, has_pct = step.get("hourly_rate") is not None, step.get(
            "percent_of_journeyworker") is not None
        require(has_rate != has_pct, f, "give exactly one of hourly_rate, percent_of_journeyworker")
        if has_rate:
            steps.append({"after_ojt_hours": after,
                          "hourly_rate": _number(step["hourly_rate"], f"{f}.hourly_rate")})
        else:
            steps.append({"after_ojt_hours": after, "percent_of_journeyworker": _number(
                step["percent_of_journeyworker"], f"{f}.percent_of_journeyworker", maximum=100)})
    out["wage_steps"] = sorted(steps, key=lambda x: x["after_ojt_hours"])
    ratio = s.get("ratio")
    require(isinstance(ratio, dict), "ratio", "must be an object")
    require(isinstance(ratio.get("apprentices"), int) and ratio["apprentices"] >= 1,
            "ratio.apprentices", "must be an integer of at least 1")
    require(isinstance(ratio.get("journeyworkers"), int) and ratio["journeyworkers"] >= 1,
            "ratio.journeyworkers", "must be an integer of at least 1")
    require(ratio.get("basis") in RATIO_BASES, "ratio.basis", f"must be one of {RATIO_BASES}")
    out["ratio"] = {k: ratio[k] for k in ("apprentices", "journeyworkers", "basis")}
    # A probation beyond the DAS limits is recorded, not refused: the report flags it
    # (PROBATION_TOO_LONG), so the record shows what the sponsor actually adopted.
    out["probationary_hours"] = _number(s.get("probationary_hours"), "probationary_hours")
    out["probationary_rsi_hours"] = _number(s.get("probationary_rsi_hours"),
                                            "probationary_rsi_hours")
    # Optional: the work process a clinical discipline's bridged hours count under.
    mapping = s.get("clinical_work_processes") or {}
    require(isinstance(mapping, dict), "clinical_work_processes",
            "must map disciplines to work-process codes")
    for discipline, code in mapping.items():
        require(code in codes, f"clinical_work_processes.{discipline}",
                "not a work process of these standards")
    out["clinical_work_processes"] = dict(mapping)
    return out


class StandardsHistory:
    """The standards in force on any day: the registered standards, then each amendment from its
    effective date on, applied in effective-date order (ties in the order they were recorded).

    `versions` are built from [{"effective_date", "changes", "ref"}] where the first entry holds
    the full standards. Each version also remembers which entry last set each field (`sources`),
    so a violation can cite the event a rule rests on.
    """

    def __init__(self, entries: list[dict]):
        base, amendments = entries[0], sorted(entries[1:], key=lambda e: e["effective_date"])
        standards, sources = dict(base["changes"]), dict.fromkeys(base["changes"], base["ref"])
        self.versions = [(base["effective_date"], standards, sources)]
        for a in amendments:
            standards = {**standards, **a["changes"]}
            sources = {**sources, **dict.fromkeys(a["changes"], a["ref"])}
            self.versions.append((a["effective_date"], standards, sources))
        self._dates = [v[0] for v in self.versions]

    def index_on(self, day: date) -> int:
        # Work dated before the program's effective date is judged by its first standards.
        return max(0, bisect_right(self._dates, day) - 1)

    def on(self, day: date) -> dict:
        return self.versions[self.index_on(day)][1]

    def latest(self) -> dict:
        return self.versions[-1][1]


class ApprenticeshipProgram(Aggregate):
    """A program's standards and their history; its effective dates are `date`s (its events
    store them as ISO text)."""

    @event("StandardsRegistered")
    def __init__(self, actor: str, event_id: str, sponsor: str, effective_date: str,
                 standards: dict):
        self.sponsor = sponsor
        self.effective_date = typed_date(effective_date)
        self.history = [{"effective_date": self.effective_date, "changes": standards,
                         "ref": event_id}]

    @classmethod
    def create(cls, actor: str, event_id: str, sponsor: str, standards: dict
               ) -> ApprenticeshipProgram:
        """`standards` with their `effective_date` (a `date`)."""
        effective = check_date(standards.get("effective_date"), "effective_date")
        fields = {k: standards.get(k) for k in STANDARD_FIELDS}
        return cls(actor, event_id, sponsor, stored_date(effective), check_standards(fields))

    def standards_history(self) -> StandardsHistory:
        return StandardsHistory(self.history)

    @property
    def standards(self) -> dict:
        """The latest standards (every amendment applied)."""
        return self.standards_history().latest()

    def amend(self, actor: str, event_id: str, effective_date: date, changes: dict) -> None:
        day = check_date(effective_date, "effective_date")
        require(day >= self.effective_date, "effective_date",
                f"must not be before the program's effective date {self.effective_date}")
        unknown = sorted(set(changes) - set(STANDARD_FIELDS))
        require(not unknown, unknown[0] if unknown else "changes", "is not an amendable field")
        require(bool(changes), "changes", "name at least one field to change")
        # Validate the standards as they would read on that day, with the change applied.
        merged = check_standards({**self.standards_history().on(day), **changes})
        self._amended(actor, event_id, stored_date(day), {k: merged[k] for k in changes})

    @event("StandardsAmended")
    def _amended(self, actor: str, event_id: str, effective_date: str, changes: dict) -> None:
        self.history.append({"effective_date": typed_date(effective_date), "changes": changes,
                             "ref": event_id})


def check_ojt(entry: dict, program: ApprenticeshipProgram, signed_date: date, today: date
              ) -> dict:
    """An OJT entry normalised. `journeyworker_employer` is resolved by the caller (the
    application), so the record keeps whose journeyworker supervised, as known when logged."""
    day = _worked_date(entry.get("date"), "date", signed_date, today)
    codes = [wp["code"] for wp in program.standards_history().on(day)["work_processes"]]
    require(entry.get("work_process") in codes, "work_process",
            f"not a work process of the standards in force on {day}: {', '.join(codes)}")
    return {"date": day, "work_process": entry["work_process"],
            "hours": _number(entry.get("hours"), "hours", strict=True, maximum=24),
            "journeyworker": entry.get("journeyworker"),
            "journeyworker_employer": entry.get("journeyworker_employer"),
            "site": _text(entry.get("site"), "site")}


def check_rsi(entry: dict, signed_date: date, today: date) -> dict:
    return {"date": _worked_date(entry.get("date"), "date", signed_date, today),
            "course": _text(entry.get("course"), "course"),
            "provider": _text(entry.get("provider"), "provider"),
            "hours": _number(entry.get("hours"), "hours", strict=True, maximum=24)}


def check_wages(entry: dict, signed_date: date, today: date) -> dict:
    start = _worked_date(entry.get("period_start"), "period_start", signed_date, today)
    end = check_date(entry.get("period_end"), "period_end")
    require(end >= start, "period_end", "must not be before period_start")
    days = (end - start).days + 1
    return {"period_start": start, "period_end": end,
            "hours": _number(entry.get("hours"), "hours", maximum=24 * days),
            "hourly_rate": _number(entry.get("hourly_rate"), "hourly_rate")}


def _worked_date(value, field: str, signed_date: date, today: date) -> date:
    """The day hours were worked (or a pay period began): not before the agreement, and not
    after `today` (the caller's clock: nobody logs work that has not happened yet)."""
    day = check_date(value, field)
    require(day >= signed_date, field, f"is before the agreement was signed ({signed_date})")
    require(day <= today, field, f"is in the future (today is {today})")
    return day


class Apprentice(Aggregate):
    """An apprentice's agreement and record. `entries` maps each entry's event id to
    [kind, hours, provider]: enough to check corrections and keep the read model's totals.
    `student`: the student record the same person holds at a college, if named (its signed
    clinical hours under a journeyworker of the employer count as OJT: docs/APPRENTICESHIP.md).
    Its dates are `date`s (its events store them as ISO text; snapshots through the
    application's `DateAsISO` transcoding, placements/base.py)."""

    student: str | None = None  # agreements and snapshots recorded before the field have none
    # 2: the dates in its state (and so in its snapshots) are `date`s, no longer ISO text.
    class_version = 2
    DATES = ("signed_date", "registered_date", "completed_on", "cancelled_on")

    @classmethod
    def upcast_v1_v2(cls, state: dict) -> None:
        """A snapshot taken while the state held its dates as ISO text."""
        for name in cls.DATES:
            state[name] = typed_date(state[name])

    @event("AgreementSigned")
    def __init__(self, actor: str, event_id: str, program: str, employer: str, name: str,
                 signed_date: str, registration_number: str | None,
                 registered_date: str | None, participant: str | None = None,
                 student: str | None = None):
        self.student = student
        self.program = program
        self.employer = employer
        self.name = name
        self.signed_date: date = typed_date(signed_date)
        self.registration_number = registration_number
        self.registered_date: date | None = typed_date(registered_date)
        self.participant = participant  # the partnership's record of the same person
        self.completed_on: date | None = None
        self.cancelled_on: date | None = None
        self.cancel_reason: str | None = None
        self.entries: dict[str, list] = {}
        self.corrections = 0

    @classmethod
    def sign(cls, actor: str, event_id: str, program: ApprenticeshipProgram, employer: str,
             name: str, signed_date: date, registration_number: str | None = None,
             registered_date: date | None = None, participant: str | None = None,
             student: str | None = None) -> Apprentice:
        signed = check_date(signed_date, "signed_date")
        number, registered = _registration(registration_number, registered_date, signed,
                                           optional=True)
        return cls(actor, event_id, str(program.id), employer, _text(name, "name"),
                   stored_date(signed), number, stored_date(registered), participant, student)

    @property
    def ended_on(self) -> date | None:
        return self.completed_on or self.cancelled_on

    @property
    def status(self) -> ApprenticeStatus:
        if self.completed_on:
            return ApprenticeStatus.COMPLETED
        if self.cancelled_on:
            return ApprenticeStatus.CANCELLED
        return ApprenticeStatus.REGISTERED if self.registered_date else ApprenticeStatus.SIGNED

    def totals(self) -> dict:
        """Hours as currently recorded (corrections applied), for the read model."""
        out = {"ojt_hours": 0.0, "rsi_hours": 0.0, "rsi_by_provider": {}}
        for kind, hours, provider in self.entries.values():
            if kind == "ojt":
                out["ojt_hours"] += hours
            elif kind == "rsi":
                out["rsi_hours"] += hours
                out["rsi_by_provider"][provider] = out["rsi_by_provider"].get(provider, 0) + hours
        return out

    def register(self, actor: str, event_id: str, registration_number: str,
                 registered_date: date) -> None:
        if self.registered_date:
            raise Conflict("the agreement is already registered", code="already_registered")
        number, day = _registration(registration_number, registered_date, self.signed_date)
        self._registered(actor, event_id, number, stored_date(day))

    @event("Registered")
    def _registered(self, actor: str, event_id: str, registration_number: str,
                    registered_date: str) -> None:
        self.registration_number = registration_number
        self.registered_date = typed_date(registered_date)

    def _check_open(self, day: date, field: str) -> None:
        if self.ended_on:
            require(day <= self.ended_on, field,
                    f"is after the apprenticeship ended ({self.ended_on})")

    def log_ojt(self, actor: str, event_id: str, entry: dict,
                program: ApprenticeshipProgram, today: date) -> dict:
        entry = check_ojt(entry, program, self.signed_date, today)
        self._check_open(entry["date"], "date")
        self._ojt_logged(actor, event_id, stored_dates(entry, *ENTRY_DATES))
        return entry

    @event("OJTHoursLogged")
    def _ojt_logged(self, actor: str, event_id: str, entry: dict) -> None:
        self.entries[event_id] = ["ojt", entry["hours"], None]

    def log_rsi(self, actor: str, event_id: str, entry: dict, today: date) -> dict:
        entry = check_rsi(entry, self.signed_date, today)
        self._check_open(entry["date"], "date")
        self._rsi_logged(actor, event_id, stored_dates(entry, *ENTRY_DATES))
        return entry

    @event("RSIHoursLogged")
    def _rsi_logged(self, actor: str, event_id: str, entry: dict) -> None:
        self.entries[event_id] = ["rsi", entry["hours"], entry["provider"]]

    def pay_wages(self, actor: str, event_id: str, entry: dict, today: date) -> dict:
        entry = check_wages(entry, self.signed_date, today)
        self._check_open(entry["period_start"], "period_start")
        self._wages_paid(actor, event_id, stored_dates(entry, *ENTRY_DATES))
        return entry

    @event("WagesPaid")
    def _wages_paid(self, actor: str, event_id: str, entry: dict) -> None:
        self.entries[event_id] = ["wages", entry["hours"], None]

    def kind_of(self, entry_id: str) -> str:
        """The kind of a logged entry this apprentice holds, or InvalidInput on `corrects`."""
        if entry_id not in self.entries:
            raise InvalidInput("corrects", f"no logged entry of this apprentice: {entry_id}")
        return self.entries[entry_id][0]

    def correct(self, actor: str, event_id: str, corrects: str, reason: str,
                replacement: dict | None, program: ApprenticeshipProgram,
                today: date) -> dict | None:
        kind = self.kind_of(corrects)
        reason = _text(reason, "reason")
        if replacement is not None:
            try:
                if kind == "ojt":
                    replacement = check_ojt(replacement, program, self.signed_date, today)
                elif kind == "rsi":
                    replacement = check_rsi(replacement, self.signed_date, today)
                else:
                    replacement = check_wages(replacement, self.signed_date, today)
            except InvalidInput as e:  # name the field inside the replacement
                raise InvalidInput(f"replacement.{e.field}", e.message.split(": ", 1)[-1]
                                   ) from None
        self._corrected(actor, event_id, corrects, reason,
                        stored_dates(replacement, *ENTRY_DATES))
        return replacement

    @event("EntryCorrected")
    def _corrected(self, actor: str, event_id: str, corrects: str, reason: str,
                   replacement: dict | None) -> None:
        kind = self.entries[corrects][0]
        if replacement is None:
            self.entries[corrects] = [kind, 0, None]
        else:
            self.entries[corrects] = [kind, replacement["hours"], replacement.get("provider")]
        self.corrections += 1

    def complete(self, actor: str, event_id: str, day: date) -> None:
        self._require_live()
        day = check_date(day, "date")
        require(day >= self.signed_date, "date", "is before the agreement was signed")
        self._completed(actor, event_id, stored_date(day))

    @event("Completed")
    def _completed(self, actor: str, event_id: str, date: str) -> None:
        self.completed_on = typed_date(date)

    def cancel(self, actor: str, event_id: str, day: date, reason: str) -> None:
        self._require_live()
        day = check_date(day, "date")
        require(day >= self.signed_date, "date", "is before the agreement was signed")
        self._cancelled(actor, event_id, stored_date(day), _text(reason, "reason"))

    @event("Cancelled")
    def _cancelled(self, actor: str, event_id: str, date: str, reason: str) -> None:
        self.cancelled_on = typed_date(date)
        self.cancel_reason = reason

    def _require_live(self) -> None:
        if self.ended_on:
            raise Conflict(f"the apprenticeship is already {self.status}",
                           code="apprenticeship_ended")


def _registration(number: str | None, day: date | None, signed: date, optional: bool = False
                  ) -> tuple[str | None, date | None]:
    if optional and number is None and day is None:
        return None, None
    number = _text(number, "registration_number")
    registered = check_date(day, "registered_date")
    require(registered >= signed, "registered_date", "is before the agreement was signed")
    return number, registered
