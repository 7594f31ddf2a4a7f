"""California DAS compliance of registered apprenticeships, as pure functions over recorded events.

Input: the events of an apprentice (or of every apprentice of a program) and of its program, each
as a `Recorded` (event id, log position, recorded instant, type, data). Output: the report of
SPEC section 6. Two clocks: `as_of` is the business date (work dated after it is ignored) and
`known_at` the instant of knowledge (events recorded after it are ignored, corrections included,
so an earlier `known_at` answer never changes). Every rule is judged against the standards in
force on the day of the work (`StandardsHistory`). docs/APPRENTICESHIP.md explains each choice.
The folds read the events' stored form into `date`s; the report gives its dates as ISO text.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import accumulate

from domain.apprenticeship import ENTRY_DATES, ApprenticeStatus, StandardsHistory
from domain.base import stored_date, typed_date, typed_dates
from domain.errors import NotFound

MAX_DAILY_HOURS = 12
REGISTRATION_DAYS = 30
MAX_PROBATION_HOURS = 1000
MAX_PROBATION_RSI_HOURS = 72
ENTRY_TYPES = {"OJTHoursLogged": "ojt", "RSIHoursLogged": "rsi", "WagesPaid": "wages"}
EPSILON = 1e-9
CLINICAL = "CLINICAL"  # the work process of bridged clinical hours the program does not map


@dataclass(frozen=True)
class Recorded:
    """One stored event: its own id (the `event_id` it carries), log position, when it was
    recorded, its type name and its data (the event's fields)."""

    id: str
    position: int
    recorded_at: datetime
    type: str
    data: dict

    @property
    def ref(self) -> dict:
        return {"id": self.id, "position": self.position}


@dataclass
class Entry:
    """A logged entry as it currently stands: its data (dates as `date`s) after the latest
    known correction."""

    kind: str
    data: dict | None
    refs: list[dict] = field(default_factory=list)  # the entry's event, then its corrections


@dataclass
class Agreement:
    employer: str
    signed_date: date
    refs: list[dict]
    registered_date: date | None = None
    registration_number: str | None = None
    completed_on: date | None = None
    cancelled_on: date | None = None
    ended_refs: list[dict] = field(default_factory=list)


def known(events: list[Recorded], known_at: datetime | None) -> list[Recorded]:
    """The events recorded at or before `known_at`, in log order."""
    return sorted((e for e in events if known_at is None or e.recorded_at <= known_at),
                  key=lambda e: e.position)


def standards_history(program_events: list[Recorded], known_at: datetime | None = None
                      ) -> StandardsHistory:
    entries = []
    for e in known(program_events, known_at):
        if e.type == "StandardsRegistered":
            entries.append({"effective_date": typed_date(e.data["effective_date"]),
                            "changes": e.data["standards"], "ref": e.ref})
        elif e.type == "StandardsAmended":
            entries.append({"effective_date": typed_date(e.data["effective_date"]),
                            "changes": e.data["changes"], "ref": e.ref})
    if not entries:
        raise NotFound("the program was not yet recorded at known_at")
    return StandardsHistory(entries)


def agreement_and_entries(events: list[Recorded]) -> tuple[Agreement, list[Entry]]:
    """Fold an apprentice's (already filtered) events: the agreement and the current entries."""
    agreement: Agreement | None = None
    entries: dict[str, Entry] = {}
    for e in events:
        d = e.data
        kind = ENTRY_TYPES.get(e.type)
        if kind:
            entries[e.id] = Entry(kind, typed_dates(d["entry"], *ENTRY_DATES), [e.ref])
        elif e.type == "EntryCorrected":
            target = entries.get(d["corrects"])
            if target is not None:  # the latest correction of an entry wins
                target.data = typed_dates(d["replacement"], *ENTRY_DATES)
                target.refs.append(e.ref)
        elif e.type == "AgreementSigned":
            agreement = Agreement(d["employer"], typed_date(d["signed_date"]), [e.ref],
                                  typed_date(d["registered_date"]), d["registration_number"])
        elif e.type == "Registered" and agreement:
            agreement.registered_date = typed_date(d["registered_date"])
            agreement.registration_number = d["registration_number"]
            agreement.refs.append(e.ref)
        elif e.type == "Completed" and agreement:
            agreement.completed_on = typed_date(d["date"])
            agreement.ended_refs.append(e.ref)
        elif e.type == "Cancelled" and agreement:
            agreement.cancelled_on = typed_date(d["date"])
            agreement.ended_refs.append(e.ref)
    if agreement is None:
        raise NotFound("the apprentice was not yet recorded at known_at")
    return agreement, [x for x in entries.values() if x.data is not None]


def violation(code: str, day: date, message: str, refs: list[dict]) -> dict:
    unique = {r["position"]: r for r in refs}
    return {"code": code, "date": stored_date(day), "message": message,
            "events": [unique[p] for p in sorted(unique)]}


def step_rate(standards: dict, step: dict) -> float:
    if step.get("hourly_rate") is not None:
        return step["hourly_rate"]
    return round(standards["journeyworker_rate"] * step["percent_of_journeyworker"] / 100, 2)


def step_for(standards: dict, hours: float) -> int:
    """The 1-based wage step earned by `hours` of OJT (0 when not even the first is reached)."""
    return sum(1 for s in standards["wage_steps"] if s["after_ojt_hours"] <= hours + EPSILON)


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year + years, day=28)


class _OJT:
    """OJT entries up to `as_of` in date order, with cumulative hours for quick look-ups."""

    def __init__(self, entries: list[Entry], as_of: date):
        ojt = [x for x in entries if x.kind == "ojt" and x.data["date"] <= as_of]
        ojt.sort(key=lambda x: (x.data["date"], x.refs[0]["position"]))
        self.entries = ojt
        self.dates = [x.data["date"] for x in ojt]
        self.cumulative = list(accumulate(x.data["hours"] for x in ojt))

    def hours_before(self, day: date) -> float:
        i = bisect_left(self.dates, day)
        return self.cumulative[i - 1] if i else 0.0

    def reaching(self, hours: float) -> Entry | None:
        """The entry with which cumulative hours first reach `hours`."""
        i = bisect_left(self.cumulative, hours - EPSILON)
        return self.entries[i] if i < len(self.entries) else None


def with_clinical(agreement: Agreement, entries: list[Entry], clinical: list[Entry],
                  history: StandardsHistory) -> list[Entry]:
    """The apprentice's entries plus its signed clinical hours that count as OJT (domain/
    clinical_hours.py, `clinical_ojt`), those dated within the agreement, each under the work
    process the standards in force that day map its discipline to (`CLINICAL` unless mapped)."""
    end = agreement_end(agreement) or date.max
    out = list(entries)
    for x in clinical:
        d = x.data
        if agreement.signed_date <= d["date"] <= end:
            mapping = history.on(d["date"]).get("clinical_work_processes") or {}
            out.append(Entry("ojt", {**d, "work_process": mapping.get(d["discipline"],
                                                                      CLINICAL)}, x.refs))
    return out


def apprentice_report(apprentice: str, events: list[Recorded], program_events: list[Recorded],
                      as_of: date, known_at: datetime | None = None,
                      clinical: list[Entry] = ()) -> dict:
    """The compliance report of one apprentice (every rule but the ratio, which is judged over
    the program's apprentices together: `program_report`). `clinical`: its signed clinical
    hours under a journeyworker of its employer, as known at `known_at`."""
    history = standards_history(program_events, known_at)
    agreement, entries = agreement_and_entries(known(events, known_at))
    entries = with_clinical(agreement, entries, clinical, history)
    ojt = _OJT(entries, as_of)
    now = history.on(as_of)
    by_wp = dict.fromkeys((wp["code"] for wp in now["work_processes"]), 0.0)
    for x in ojt.entries:
        by_wp[x.data["work_process"]] = by_wp.get(x.data["work_process"], 0.0) + x.data["hours"]
    total = ojt.cumulative[-1] if ojt.cumulative else 0.0
    violations: list[dict] = []
    pay_periods = _pay_periods(entries, ojt, history, as_of, violations)
    rsi_years = _rsi_years(entries, agreement, history, as_of, violations)
    violations += _supervision_and_daily(ojt, agreement)
    violations += _registration(agreement, as_of)
    ended = agreement_end(agreement)
    violations += _probation(history, agreement.signed_date, min(as_of, ended or as_of))
    violations += _completion(ojt, by_wp, total, now, agreement, as_of)
    violations.sort(key=lambda v: (v["date"], v["code"], v["events"][0]["position"]
                                   if v["events"] else 0))
    return {"apprentice": apprentice, "as_of": stored_date(as_of),
            "known_at": known_at.isoformat() if known_at else None,
            "status": _status(agreement, as_of),
            "ojt_hours": {"total": total, "by_work_process": by_wp},
            "rsi_hours_by_year": rsi_years,
            "wage_step": _wage_step(ojt, now, agreement, total),
            "pay_periods": pay_periods, "violations": violations}


def agreement_end(a: Agreement) -> date | None:
    return a.completed_on or a.cancelled_on


def _status(a: Agreement, day: date) -> ApprenticeStatus:
    if a.completed_on and a.completed_on <= day:
        return ApprenticeStatus.COMPLETED
    if a.cancelled_on and a.cancelled_on <= day:
        return ApprenticeStatus.CANCELLED
    if a.registered_date and a.registered_date <= day:
        return ApprenticeStatus.REGISTERED
    return ApprenticeStatus.SIGNED


def _wage_step(ojt: _OJT, standards: dict, a: Agreement, total: float) -> dict:
    step = step_for(standards, total)
    if step == 0:
        return {"step": 0, "earned_on": None, "hourly_rate": None}
    wage = standards["wage_steps"][step - 1]
    reached = ojt.reaching(wage["after_ojt_hours"]) if wage["after_ojt_hours"] > 0 else None
    return {"step": step,
            "earned_on": stored_date(reached.data["date"] if reached else a.signed_date),
            "hourly_rate": step_rate(standards, wage)}


def _pay_periods(entries: list[Entry], ojt: _OJT, history: StandardsHistory, day: date,
                 violations: list[dict]) -> list[dict]:
    """Wage paid vs. required: the step earned by cumulative OJT hours at the period's start,
    under the standards in force that day (WAGE_BELOW_SCHEDULE)."""
    wages = [x for x in entries if x.kind == "wages" and x.data["period_start"] <= day]
    wages.sort(key=lambda x: (x.data["period_start"], x.refs[0]["position"]))
    out = []
    for w in wages:
        d = w.data
        standards = history.on(d["period_start"])
        hours = ojt.hours_before(d["period_start"])
        step = step_for(standards, hours)
        required = step_rate(standards, standards["wage_steps"][step - 1]) if step else 0.0
        out.append({"period_start": stored_date(d["period_start"]),
                    "period_end": stored_date(d["period_end"]),
                    "hours": d["hours"], "rate_paid": d["hourly_rate"],
                    "rate_required": required, "event_id": w.refs[0]["id"]})
        if d["hourly_rate"] + EPSILON < required:
            threshold = standards["wage_steps"][step - 1]["after_ojt_hours"]
            earned = ojt.reaching(threshold) if threshold > 0 else None
            violations.append(violation(
                "WAGE_BELOW_SCHEDULE", d["period_start"],
                f"paid ${d['hourly_rate']:.2f}/h for {d['period_start']}..{d['period_end']}; "
                f"step {step} (earned by {hours:g} OJT hours at the period's start) requires "
                f"${required:.2f}/h",
                w.refs + (earned.refs if earned else [])))
    return out


def _rsi_years(entries: list[Entry], a: Agreement, history: StandardsHistory, as_of: date,
               violations: list[dict]) -> list[dict]:
    """RSI hours per apprenticeship year (years run from the signed date); a year is judged
    once it is over, against the standards in force on its last day (RSI_SHORTFALL)."""
    signed = a.signed_date
    end = agreement_end(a)
    ended = end if end and end <= as_of else None
    rsi = sorted((x for x in entries if x.kind == "rsi" and x.data["date"] <= as_of),
                 key=lambda x: x.data["date"])
    out, n = [], 1
    while (start := add_years(signed, n - 1)) <= (ended or as_of):
        stop = add_years(signed, n)  # exclusive
        last = stop - timedelta(days=1)
        in_year = [x for x in rsi if start <= x.data["date"] <= last]
        hours = sum(x.data["hours"] for x in in_year)
        required = history.on(last)["rsi_hours_per_year"]
        completed = stop <= as_of and (ended is None or stop <= ended)
        out.append({"year": n, "start": stored_date(start), "end": stored_date(last),
                    "hours": hours,
                    "required": required, "completed": completed})
        if completed and hours + EPSILON < required:
            violations.append(violation(
                "RSI_SHORTFALL", last,
                f"apprenticeship year {n} ({start}..{last}) has {hours:g} RSI hours; "
                f"the standards require {required:g}",
                [r for x in in_year for r in x.refs] or a.refs[:1]))
        n += 1
    return out


def _supervision_and_daily(ojt: _OJT, a: Agreement) -> list[dict]:
    out, by_day = [], defaultdict(list)
    for x in ojt.entries:
        d = x.data
        by_day[d["date"]].append(x)
        if d["journeyworker"] is None:
            out.append(violation("UNSUPERVISED_HOURS", d["date"],
                                 f"{d['hours']:g} OJT hours with no supervising journeyworker",
                                 x.refs))
        elif d["journeyworker_employer"] != a.employer:
            out.append(violation(
                "UNSUPERVISED_HOURS", d["date"],
                f"{d['hours']:g} OJT hours supervised by journeyworker {d['journeyworker']}, "
                "who is not of the apprentice's employer", x.refs))
    for day, xs in by_day.items():
        hours = sum(x.data["hours"] for x in xs)
        if hours > MAX_DAILY_HOURS + EPSILON:
            out.append(violation("DAILY_HOURS_EXCEEDED", day,
                                 f"{hours:g} OJT hours logged on one day (at most "
                                 f"{MAX_DAILY_HOURS})", [r for x in xs for r in x.refs]))
    return out


def _registration(a: Agreement, as_of: date) -> list[dict]:
    deadline = a.signed_date + timedelta(days=REGISTRATION_DAYS)
    registered = a.registered_date
    if registered and registered <= min(deadline, as_of):
        return []
    if as_of <= deadline:
        return []
    late = f"registered on {registered}" if registered and registered <= as_of \
        else "no DAS registration recorded"
    return [violation("AGREEMENT_REGISTRATION_LATE", deadline + timedelta(days=1),
                      f"agreement signed {a.signed_date}; {late} (due by {deadline})", a.refs)]


def _probation(history: StandardsHistory, start: date, end: date) -> list[dict]:
    """Standards in force at some day of [start, end] whose probation exceeds the DAS limits."""
    out, cited = [], set()
    first = history.index_on(start)
    for effective, standards, sources in history.versions[first:]:
        if effective > end:
            break
        problems, refs = [], []
        if standards["probationary_hours"] > MAX_PROBATION_HOURS:
            problems.append(f"{standards['probationary_hours']:g} work hours "
                            f"(at most {MAX_PROBATION_HOURS})")
            refs.append(sources["probationary_hours"])
        if standards["probationary_rsi_hours"] > MAX_PROBATION_RSI_HOURS:
            problems.append(f"{standards['probationary_rsi_hours']:g} RSI hours "
                            f"(at most {MAX_PROBATION_RSI_HOURS})")
            refs.append(sources["probationary_rsi_hours"])
        key = tuple(r["position"] for r in refs)
        if problems and key not in cited:
            cited.add(key)
            out.append(violation("PROBATION_TOO_LONG", max(effective, start),
                                 "the standards in force set a probationary period of "
                                 + " and ".join(problems), refs))
    return out


def _completion(ojt: _OJT, by_wp: dict, total: float, standards: dict, a: Agreement,
                day: date) -> list[dict]:
    """Every work-process target met (and, unless competency-based, the OJT term served) with
    no completion recorded by `as_of` (COMPLETION_PENDING)."""
    if (a.completed_on and a.completed_on <= day) or (a.cancelled_on and a.cancelled_on <= day):
        return []
    targets = {wp["code"]: wp["hours"] for wp in standards["work_processes"]}
    if any(by_wp.get(code, 0) + EPSILON < hours for code, hours in targets.items()):
        return []
    if standards["term_type"] != "competency" and total + EPSILON < standards["ojt_hours"]:
        return []
    # The day the last target was met: replay the running sums until every one is reached.
    running, met_by = defaultdict(float), None
    for x in ojt.entries:
        running[x.data["work_process"]] += x.data["hours"]
        met_by = x
        if all(running[c] + EPSILON >= h for c, h in targets.items()) and (
                standards["term_type"] == "competency"
                or sum(running.values()) + EPSILON >= standards["ojt_hours"]):
            break
    on = met_by.data["date"] if met_by else a.signed_date
    return [violation("COMPLETION_PENDING", on,
                      f"every work-process target was met by {on} ({total:g} OJT hours); "
                      "no completion is recorded", met_by.refs if met_by else a.refs)]


def ratio_violations(program_events: list[Recorded], apprentices: dict[str, list[Recorded]],
                     as_of: date, known_at: datetime | None = None,
                     clinical: dict[str, list[Entry]] | None = None) -> list[dict]:
    """RATIO_EXCEEDED: on a day, apprentices × ratio.journeyworkers > journeyworkers ×
    ratio.apprentices within one counting unit (a journeyworker, a site or an employer).

    Who counts, from the log alone: an apprentice counts on a day it logged OJT hours in that
    unit; a journeyworker counts when it is named as supervisor on OJT hours that day in it.
    """
    history = standards_history(program_events, known_at)
    units: dict[tuple[date, str], dict] = {}
    for apprentice, events in apprentices.items():
        if not (seen := known(events, known_at)):
            continue
        agreement, entries = agreement_and_entries(seen)
        entries = with_clinical(agreement, entries, (clinical or {}).get(apprentice, []),
                                history)
        for x in entries:
            d = x.data
            if x.kind != "ojt" or d["date"] > as_of:
                continue
            basis = history.on(d["date"])["ratio"]["basis"]
            if basis == "journeyworker":
                if d["journeyworker"] is None:
                    continue
                key = d["journeyworker"]
            else:
                key = d["site"] if basis == "site" else agreement.employer
            unit = units.setdefault((d["date"], key), {"apprentices": set(), "jw": set(),
                                                       "refs": [], "basis": basis})
            unit["apprentices"].add(apprentice)
            if d["journeyworker"] is not None:
                unit["jw"].add(d["journeyworker"])
            unit["refs"] += x.refs
    out = []
    for (on, key), unit in sorted(units.items()):
        ratio = history.on(on)["ratio"]
        n, jw = len(unit["apprentices"]), len(unit["jw"])
        if n * ratio["journeyworkers"] > jw * ratio["apprentices"]:
            allowed = math.floor(jw * ratio["apprentices"] / ratio["journeyworkers"])
            out.append(violation(
                "RATIO_EXCEEDED", on,
                f"{n} apprentices to {jw} journeyworkers ({unit['basis']} {key}); the standards "
                f"allow {ratio['apprentices']}:{ratio['journeyworkers']}, so at most {allowed}",
                unit["refs"]))
    return out


def program_report(program: str, program_events: list[Recorded],
                   apprentices: dict[str, list[Recorded]], as_of: date,
                   known_at: datetime | None = None,
                   clinical: dict[str, list[Entry]] | None = None) -> dict:
    """Every apprentice's report, plus the program-wide violations: the ratio, and standards in
    force up to `as_of` whose probation is too long."""
    reports = []
    for ident, events in apprentices.items():
        if not known(events, known_at):
            continue  # signed after known_at: not in the record then
        reports.append(apprentice_report(ident, events, program_events, as_of, known_at,
                                         (clinical or {}).get(ident, [])))
    history = standards_history(program_events, known_at)
    violations = ratio_violations(program_events, apprentices, as_of, known_at, clinical)
    violations += _probation(history, history.versions[0][0], as_of)
    violations.sort(key=lambda v: (v["date"], v["code"]))
    return {"program": program, "as_of": stored_date(as_of),
            "known_at": known_at.isoformat() if known_at else None,
            "apprentices": reports, "violations": violations}
