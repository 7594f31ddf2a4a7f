"""Registered apprenticeships: programs, apprentices, their logged record, and DAS compliance.

Commands load the aggregates of domain/apprenticeship.py and commit them like every other area.
The compliance report is not read from a read model: it loads the apprentice's events (and its
program's) straight from the event table, with their log positions, and hands them to the pure
rules of domain/das.py, so it can answer for any business date and any instant of knowledge.

Who sees what: employers their own apprentices; compliance and admin everything; a coordinator
sees an apprentice only through the RSI hours its college provided (RSI `provider` is free text,
and when it is a college's organisation id that college may read those hours).
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from sqlalchemy import select

from domain.apprenticeship import Apprentice, ApprenticeshipProgram
from domain.clinical_hours import ClinicalHours, clinical_ojt
from domain.das import Recorded, apprentice_report, program_report, standards_history
from domain.errors import Forbidden, InvalidInput, NotFound
from domain.organizations import Organization
from domain.students import Student
from placements.base import AreaService, check_version, command
from placements.paging import Page, page
from placements.partnership import participants as partnership
from placements.principals import Principal
from placements.read.apprenticeship import apprentices, programs
from placements.read.capacity import preceptors as preceptors_table
from placements.read.capacity import sites as sites_table


def program_view(row: dict) -> dict:
    return {"id": row["id"], "version": row["version"], "sponsor": row["sponsor"],
            **row["standards"], "effective_date": row["effective_date"],
            "amendments": row["amendments"]}


def apprentice_view(row: dict) -> dict:
    return {k: v for k, v in row.items() if k not in ("seq", "rsi_providers")}


def coordinator_view(row: dict, college: str) -> dict:
    """What a college sees: who the apprentice is and the RSI hours it provided, no more."""
    return {"id": row["id"], "version": row["version"], "program": row["program"],
            "employer": row["employer"], "name": row["name"], "status": row["status"],
            "rsi_hours": row["rsi_by_provider"].get(college, 0)}


def new_event_id() -> str:
    return str(uuid.uuid4())


class Apprenticeship(AreaService):
    """Commands and reads of registered apprenticeships."""


    # Programs --------------------------------------------------------------------------

    @command
    def create_program(self, principal: Principal, standards: dict,
                       sponsor: str | None = None) -> dict:
        """An employer sponsors its own program; an admin may name any organisation as sponsor
        (or none: a consortium-wide group program any employer may sign apprentices into)."""
        principal.require("admin", "employer")
        if principal.role == "employer":
            if sponsor not in (None, principal.org):
                raise InvalidInput("sponsor", "an employer sponsors its own programs only")
            sponsor = principal.org
        elif sponsor is not None:
            self.uow.referenced(Organization, sponsor, "sponsor", "organization")
        program = ApprenticeshipProgram.create(principal.actor, new_event_id(), sponsor,
                                               standards)
        self.uow.commit(program)
        return self.program(principal, str(program.id))

    def _sponsored(self, principal: Principal, program_id: str) -> ApprenticeshipProgram:
        program = self.uow.load(ApprenticeshipProgram, program_id, "apprenticeship program")
        if principal.role == "employer" and program.sponsor != principal.org:
            raise Forbidden("only the program's sponsor (or an admin) may do this")
        return program

    @command
    def amend_program(self, principal: Principal, program_id: str, effective_date: date,
                      changes: dict, if_match: int | None = None) -> dict:
        principal.require("admin", "employer")
        program = self._sponsored(principal, program_id)
        check_version(program, if_match)
        program.amend(principal.actor, new_event_id(), effective_date, changes)
        self.uow.commit(program)
        return self.program(principal, program_id)

    def program(self, principal: Principal, program_id: str) -> dict:
        # Standards are public within the consortium: every role may read them.
        return program_view(self.uow.read_row(programs, program_id, "apprenticeship program"))

    def programs(self, principal: Principal, limit: int, cursor: str | None,
                 occupation: str | None = None) -> Page:
        q = select(programs)
        if occupation:
            q = q.where(programs.c.occupation == occupation)
        p = page(self.uow.engine, programs, q, limit, cursor)
        return Page([program_view(r) for r in p.items], p.next_cursor)

    # Apprentices -------------------------------------------------------------------------

    @command
    def sign_apprentice(self, principal: Principal, program: str, name: str, signed_date: date,
                        registration_number: str | None = None,
                        registered_date: date | None = None,
                        participant: str | None = None,
                        student: str | None = None) -> dict:
        principal.require("employer")
        if student is not None:
            self.uow.referenced(Student, student, "student", "student")
        try:
            prog = self.uow.referenced(ApprenticeshipProgram, program, "program",
                                       "apprenticeship program")
        except NotFound:
            raise InvalidInput("program", f"no such apprenticeship program: {program}") from None
        if prog.sponsor is not None and self._is_employer(prog.sponsor) \
                and prog.sponsor != principal.org:
            raise InvalidInput("program", "the program is another employer's")
        apprentice = Apprentice.sign(principal.actor, new_event_id(), prog, principal.org, name,
                                     signed_date, registration_number, registered_date,
                                     partnership.link(self.uow, principal, participant), student)
        self.uow.commit(apprentice)
        return self.apprentice(principal, str(apprentice.id))

    def _is_employer(self, org: str) -> bool:
        return self.uow.load(Organization, org, "organization").kind == "employer"

    def _own_apprentice(self, principal: Principal, apprentice_id: str,
                        if_match: int | None = None) -> Apprentice:
        principal.require("employer")
        apprentice = self.uow.load(Apprentice, apprentice_id, "apprentice")
        principal.require_org(apprentice.employer, "apprentice")
        check_version(apprentice, if_match)
        return apprentice

    def _entry(self, apprentice: Apprentice, kind: str, entry: dict, recordings: list,
               event_id: str) -> dict:
        position = next(r.notification.id for r in recordings
                        if getattr(r.domain_event, "event_id", None) == event_id)
        recorded = next(r.domain_event.timestamp for r in recordings
                        if getattr(r.domain_event, "event_id", None) == event_id)
        return {"event_id": event_id, "position": position, "recorded_at": recorded.isoformat(),
                "apprentice": str(apprentice.id), "kind": kind, **entry}

    @command
    def register_apprentice(self, principal: Principal, apprentice_id: str,
                            registration_number: str, registered_date: date,
                            if_match: int | None = None) -> dict:
        apprentice = self._own_apprentice(principal, apprentice_id, if_match)
        apprentice.register(principal.actor, new_event_id(), registration_number,
                            registered_date)
        self.uow.commit(apprentice)
        return self.apprentice(principal, apprentice_id)

    def _supervision(self, apprentice: Apprentice, entry: dict, prefix: str = "") -> dict:
        """Resolve the journeyworker and site of an OJT entry (see docs/APPRENTICESHIP.md)."""
        entry = dict(entry)
        with self.uow.connection() as conn:
            if entry.get("journeyworker") is not None:
                jw = conn.execute(select(preceptors_table.c.employer,
                                         preceptors_table.c.journeyworker).where(
                    preceptors_table.c.id == str(entry["journeyworker"]))).first()
                if jw is None:
                    raise InvalidInput(f"{prefix}journeyworker",
                                       f"no such preceptor: {entry['journeyworker']}")
                if not jw.journeyworker:
                    raise InvalidInput(f"{prefix}journeyworker",
                                       "the preceptor is not a journeyworker")
                entry["journeyworker_employer"] = jw.employer
            else:
                entry["journeyworker_employer"] = None
            if entry.get("site") is not None:
                site = conn.execute(select(sites_table.c.employer).where(
                    sites_table.c.id == str(entry["site"]))).first()
                if site is None or site.employer != apprentice.employer:
                    raise InvalidInput(f"{prefix}site",
                                       f"no such site of the apprentice's employer: "
                                       f"{entry['site']}")
        return entry

    @command
    def log_ojt_hours(self, principal: Principal, apprentice_id: str, entry: dict,
                      if_match: int | None = None) -> dict:
        apprentice = self._own_apprentice(principal, apprentice_id, if_match)
        program = self.uow.load(ApprenticeshipProgram, apprentice.program, "apprenticeship program")
        event_id = new_event_id()
        logged = apprentice.log_ojt(principal.actor, event_id,
                                    self._supervision(apprentice, entry), program,
                                    today())
        return self._entry(apprentice, "ojt", logged, self.uow.commit(apprentice), event_id)

    @command
    def log_rsi_hours(self, principal: Principal, apprentice_id: str, entry: dict,
                      if_match: int | None = None) -> dict:
        apprentice = self._own_apprentice(principal, apprentice_id, if_match)
        event_id = new_event_id()
        logged = apprentice.log_rsi(principal.actor, event_id, entry, today())
        return self._entry(apprentice, "rsi", logged, self.uow.commit(apprentice), event_id)

    @command
    def log_wages(self, principal: Principal, apprentice_id: str, entry: dict,
                  if_match: int | None = None) -> dict:
        apprentice = self._own_apprentice(principal, apprentice_id, if_match)
        event_id = new_event_id()
        logged = apprentice.pay_wages(principal.actor, event_id, entry, today())
        return self._entry(apprentice, "wages", logged, self.uow.commit(apprentice), event_id)

    @command
    def correct_entry(self, principal: Principal, apprentice_id: str, corrects: str,
                      reason: str, replacement: dict | None,
                      if_match: int | None = None) -> dict:
        apprentice = self._own_apprentice(principal, apprentice_id, if_match)
        program = self.uow.load(ApprenticeshipProgram, apprentice.program, "apprenticeship program")
        if replacement is not None and apprentice.kind_of(corrects) == "ojt":
            replacement = self._supervision(apprentice, replacement, "replacement.")
        event_id = new_event_id()
        replaced = apprentice.correct(principal.actor, event_id, corrects, reason, replacement,
                                      program, today())
        entry = {"corrects": corrects, "reason": reason.strip(), "replacement": replaced}
        return self._entry(apprentice, "correction", entry, self.uow.commit(apprentice), event_id)

    @command
    def complete_apprenticeship(self, principal: Principal, apprentice_id: str,
                                day: date,
                                if_match: int | None = None) -> dict:
        apprentice = self._own_apprentice(principal, apprentice_id, if_match)
        apprentice.complete(principal.actor, new_event_id(), day)
        self.uow.commit(apprentice)
        return self.apprentice(principal, apprentice_id)

    @command
    def cancel_apprenticeship(self, principal: Principal, apprentice_id: str, day: date,
                              reason: str,
                              if_match: int | None = None) -> dict:
        apprentice = self._own_apprentice(principal, apprentice_id, if_match)
        apprentice.cancel(principal.actor, new_event_id(), day, reason)
        self.uow.commit(apprentice)
        return self.apprentice(principal, apprentice_id)

    # Reads -------------------------------------------------------------------------------

    def _apprentice_row(self, principal: Principal, apprentice_id: str) -> dict:
        row = self.uow.read_row(apprentices, apprentice_id, "apprentice")
        if principal.role == "employer":
            principal.require_org(row["employer"], "apprentice")
        elif principal.role == "coordinator" and f",{principal.org}," not in row["rsi_providers"]:
            raise NotFound(f"no such apprentice: {apprentice_id}")
        return row

    def apprentice(self, principal: Principal, apprentice_id: str) -> dict:
        row = self._apprentice_row(principal, apprentice_id)
        if principal.role == "coordinator":
            return coordinator_view(row, principal.org)
        return apprentice_view(row)

    def apprentices(self, principal: Principal, limit: int, cursor: str | None,
                    program: str | None = None) -> Page:
        q = select(apprentices)
        if principal.role == "employer":
            q = q.where(apprentices.c.employer == principal.org)
        elif principal.role == "coordinator":
            q = q.where(apprentices.c.rsi_providers.contains(f",{principal.org},"))
        if program:
            q = q.where(apprentices.c.program == program)
        p = page(self.uow.engine, apprentices, q, limit, cursor)
        view = (lambda r: coordinator_view(r, principal.org)) \
            if principal.role == "coordinator" else apprentice_view
        return Page([view(r) for r in p.items], p.next_cursor)

    def rsi_hours(self, principal: Principal, apprentice_id: str) -> list[dict]:
        """The apprentice's RSI entries as they stand (a coordinator: its college's only)."""
        row = self._apprentice_row(principal, apprentice_id)
        from domain.das import agreement_and_entries

        _, entries = agreement_and_entries(self.uow.recorded([row["id"]])[row["id"]])
        return [{"event_id": x.refs[0]["id"], **x.data} for x in entries
                if x.kind == "rsi" and (principal.role != "coordinator"
                                        or x.data["provider"] == principal.org)]

    def apprentice_compliance(self, principal: Principal, apprentice_id: str,
                              as_of: date | None = None,
                              known_at: datetime | None = None) -> dict:
        principal.require("employer", "compliance", "admin")
        row = self._apprentice_row(principal, apprentice_id)
        events = self.uow.recorded([row["id"], row["program"]])
        known_at = aware(known_at)
        clinical = self._clinical_ojt({row["id"]: (row["student"], row["employer"])}, known_at)
        as_of = as_of or today()
        report = apprentice_report(row["id"], events[row["id"]], events[row["program"]],
                                   as_of, known_at, clinical.get(row["id"], []))
        return self._with_prior_learning(report, row, events[row["program"]], as_of, known_at)

    def _with_prior_learning(self, report: dict, row: dict, program_events: list[Recorded],
                             as_of: date, known_at: datetime | None) -> dict:
        """The OJT hours the term requires on `as_of`, less the participant's prior learning
        credited for the program's occupation (SPEC section 10), citing the credit events."""
        standards = standards_history(program_events, known_at).on(as_of)
        credit = ({"hours": 0.0, "events": []} if row["participant"] is None else
                  partnership.prior_learning_credit(self.uow, row["participant"],
                                                    standards["occupation"], known_at))
        report["prior_learning"] = {
            **credit, "term_ojt_hours": standards["ojt_hours"],
            "required_ojt_hours": max(0.0, standards["ojt_hours"] - credit["hours"])}
        return report

    def _clinical_ojt(self, bridged: dict[str, tuple[str | None, str]],
                      known_at: datetime | None) -> dict[str, list]:
        """Per apprentice naming a student: its signed clinical hours that count as OJT
        (domain/clinical_hours.py, `clinical_ojt`), read from the student's hours log."""
        logs = {a: str(ClinicalHours.create_id(student))
                for a, (student, _) in bridged.items() if student}
        events = self.uow.recorded(sorted(set(logs.values())))
        return {a: clinical_ojt(events[log], bridged[a][1], known_at)
                for a, log in logs.items()}

    def program_compliance(self, principal: Principal, program_id: str,
                           as_of: date | None = None, known_at: datetime | None = None) -> dict:
        principal.require("employer", "compliance", "admin")
        row = self.uow.read_row(programs, program_id, "apprenticeship program")
        if principal.role == "employer" and row["sponsor"] != principal.org:
            raise NotFound(f"no such apprenticeship program of yours: {program_id}")
        with self.uow.engine.connect() as conn:
            found = conn.execute(
                select(apprentices.c.id, apprentices.c.name, apprentices.c.employer,
                       apprentices.c.student).where(
                    apprentices.c.program == row["id"]).order_by(apprentices.c.seq)).all()
        names = {r.id: (r.name, r.employer) for r in found}
        events = self.uow.recorded([row["id"], *names])
        known_at = aware(known_at)
        clinical = self._clinical_ojt({r.id: (r.student, r.employer) for r in found}, known_at)
        report = program_report(row["id"], events.pop(row["id"]), events, as_of or today(),
                                known_at, clinical)
        for r in report["apprentices"]:
            r["name"], r["employer"] = names[r["apprentice"]]
        return report


def today() -> date:
    return datetime.now(UTC).date()


def aware(moment: datetime | None) -> datetime | None:
    """known_at without a zone is read as UTC (events are stamped in UTC)."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment
