"""Clinical hours and end-of-placement evaluations: commands, read models and reads.

Hours (domain/clinical_hours.py) are logged by the student's coordinator or the site's employer,
signed off only by the site's employer naming one of the site's preceptors, and corrected by
events citing the entry. `GET …/hours` is read from the log (like the DAS report), so it answers
for any business date (`as_of`) and any instant of knowledge (`known_at`); the `clinical_hours`
table (one row per entry as it stands) serves utilisation.

Evaluations fall due when an accepted placement's slot has ended: of the student, owed by the
site's employer; of the site, owed by the student's coordinator.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import and_, select

from domain.capacity import Preceptor, Slot
from domain.clinical_hours import (
    ClinicalHours,
    EntryStatus,
    PlacementFacts,
    hours_summary,
    recorded_hours,
    required_hours,
)
from domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from domain.evaluations import OWED_BY, Evaluation
from domain.placements import Placement, PlacementStatus
from placements.apprenticeship import new_event_id, today
from placements.base import AreaService, UnitOfWork, command
from placements.partnership import participants as partnership
from placements.principals import Principal
from placements.read.capacity import slots
from placements.read.clinical_hours import evaluations
from placements.read.placements import placement_rows
from placements.read.students import students
from placements.workflow import Workflow


class ClinicalRecord(AreaService):
    """Commands and reads over clinical hours and evaluations."""

    def __init__(self, uow: UnitOfWork, workflow: Workflow) -> None:
        super().__init__(uow)
        self.workflow = workflow

    def _placement_of(self, principal: Principal, placement_id: str) -> Placement:
        """The placement, if the caller is its college's coordinator or its site's employer."""
        principal.require("coordinator", "employer")
        placement = self.uow.load(Placement, placement_id, "placement")
        principal.require_org(placement.college if principal.role == "coordinator"
                              else placement.employer, "placement")
        return placement

    def _facts(self, placement: Placement) -> PlacementFacts:
        slot = self.uow.load(Slot, placement.slot, "slot")
        schedule = slot.schedule
        journeyworker_of = None
        if slot.preceptor:
            preceptor = self.uow.load(Preceptor, slot.preceptor, "preceptor")
            journeyworker_of = preceptor.employer if preceptor.journeyworker else None
        return PlacementFacts(str(placement.id), str(slot.id), slot.site, slot.employer,
                              slot.discipline, schedule.start_date, schedule.end_date,
                              sorted(schedule.weekdays),
                              schedule.minutes / 60, float(slot.hours), slot.preceptor,
                              journeyworker_of)

    def _hours_of(self, placement: Placement, create: bool, actor: str) -> ClinicalHours:
        ident = ClinicalHours.create_id(placement.student)
        try:
            return self.uow.load(ClinicalHours, ident, "clinical hours")
        except NotFound:
            if not create:
                raise NotFound("no hours are logged for this placement") from None
            return ClinicalHours(actor, placement.student, placement.college)

    def _answer(self, recordings: list, event_id: str, body: dict) -> dict:
        found = next(r for r in recordings
                     if getattr(r.domain_event, "event_id", None) == event_id)
        return {"event_id": event_id, "position": found.notification.id,
                "recorded_at": found.domain_event.timestamp.isoformat(), **body}

    @command
    def log_hours(self, principal: Principal, placement_id: str, entry: dict) -> dict:
        """An entry of hours worked on one day of the placement (coordinator or employer)."""
        placement = self._placement_of(principal, placement_id)
        if placement.status != PlacementStatus.ACCEPTED:
            raise Conflict(f"hours are logged on accepted placements; this one is "
                           f"{placement.status}", code="placement_not_accepted")
        hours = self._hours_of(placement, True, principal.actor)
        event_id = new_event_id()
        logged = hours.log(principal.actor, event_id, self._facts(placement), entry, today())
        return self._answer(self.uow.commit(hours), event_id,
                            {"id": event_id, "placement": placement_id, **logged,
                             "status": EntryStatus.UNSIGNED})

    @command
    def sign_off_hours(self, principal: Principal, placement_id: str, entry_id: str,
                       preceptor: str) -> dict:
        """The site's employer signs an entry off, naming the preceptor who supervised it."""
        principal.require("employer")
        placement = self._placement_of(principal, placement_id)
        who = self.uow.referenced(Preceptor, preceptor, "preceptor", "preceptor")
        if who.site != placement.site:
            raise InvalidInput("preceptor", "not a preceptor of the placement's site")
        hours = self._hours_of(placement, False, principal.actor)
        event_id = new_event_id()
        hours.sign_off(principal.actor, event_id, placement_id, entry_id, preceptor,
                       who.employer if who.journeyworker else None)
        return self._answer(self.uow.commit(hours), event_id,
                            {"entry": entry_id, "placement": placement_id,
                             "preceptor": preceptor})

    @command
    def correct_hours(self, principal: Principal, placement_id: str, entry_id: str,
                      reason: str, replacement: dict | None) -> dict:
        """A correction citing the entry: its replacement (to be signed off again) or null to
        void it. A signed entry is corrected only by the site's employer."""
        placement = self._placement_of(principal, placement_id)
        hours = self._hours_of(placement, False, principal.actor)
        if hours.entry(placement_id, entry_id)["signed_by"] and principal.role != "employer":
            raise Forbidden("a signed-off entry is corrected by the site's employer only")
        event_id = new_event_id()
        replaced = hours.correct(principal.actor, event_id, placement_id, entry_id, reason,
                                 replacement, today())
        return self._answer(self.uow.commit(hours), event_id,
                            {"corrects": entry_id, "placement": placement_id,
                             "reason": reason.strip(), "replacement": replaced})

    def placement_hours(self, principal: Principal, placement_id: str,
                        as_of: date | None = None, known_at: datetime | None = None) -> dict:
        """The placement's hours as of a business date, as recorded at `known_at`."""
        principal.require("coordinator", "employer", "compliance", "admin")
        row = self.workflow.placement(principal, placement_id)
        ident = str(ClinicalHours.create_id(row["student"]))
        facts, entries = recorded_hours(self.uow.recorded([ident])[ident], known_at)
        mine = [x for x in entries if x.placement == placement_id]
        placement_facts = facts.get(placement_id) or self._facts(
            self.uow.load(Placement, placement_id))
        credit = self._prior_learning(row["student"], placement_facts.discipline, known_at)
        return {"placement": placement_id, "as_of": (as_of or today()).isoformat(),
                "known_at": known_at.isoformat() if known_at else None,
                **hours_summary(placement_facts, mine, as_of or today(), credit["hours"]),
                "prior_learning": {
                    **credit, "slot_hours": placement_facts.slot_hours,
                    "required_hours": required_hours(placement_facts.slot_hours,
                                                     credit["hours"])}}

    def _prior_learning(self, student_id: str, discipline: str,
                        known_at: datetime | None) -> dict:
        """Prior learning credited to the participant the student names for the placement's
        discipline (SPEC section 10), as recorded at `known_at`, citing the credit events."""
        participant = self.uow.read_row(students, student_id, "student")["participant"]
        if participant is None:
            return {"hours": 0.0, "events": []}
        return partnership.prior_learning_credit(self.uow, participant, discipline, known_at)

    # Evaluations ---------------------------------------------------------------------------

    @command
    def submit_evaluation(self, principal: Principal, placement_id: str, of: str,
                          scores: dict, comments: str | None) -> dict:
        placement = self._placement_of(principal, placement_id)
        if of in OWED_BY and OWED_BY[of] != principal.role:
            raise Forbidden(f"the evaluation of the {of} is submitted by the "
                            f"{OWED_BY[of]}")
        if placement.status != PlacementStatus.ACCEPTED:
            raise Conflict(f"only an accepted placement is evaluated; this one is "
                           f"{placement.status}", code="placement_not_accepted")
        slot = self.uow.read_row(slots, placement.slot, "slot")
        if slot["end_date"] > today().isoformat():
            raise Conflict(f"the evaluation falls due when the placement ends "
                           f"({slot['end_date']})", code="evaluation_not_due")
        try:
            self.uow.load(Evaluation, Evaluation.create_id(placement_id, of))
        except NotFound:
            pass
        else:
            raise Conflict(f"the {of} of this placement is already evaluated",
                           code="already_evaluated")
        evaluation = Evaluation.submit(principal.actor, placement_id, of, scores, comments,
                                       today())
        self.uow.commit(evaluation)
        return self.evaluation(principal, str(evaluation.id))

    def evaluation(self, principal: Principal, evaluation_id: str) -> dict:
        row = self.uow.read_row(evaluations, evaluation_id, "evaluation")
        self.workflow.placement(principal, row["placement"])  # visible to the placement's parties
        return {k: v for k, v in row.items() if k != "seq"}

    def evaluations(self, principal: Principal, due: bool = False,
                    as_of: date | None = None) -> list[dict]:
        """Submitted evaluations the caller may read, or (`due`) those it owes: per accepted
        placement ended by `as_of` (today), each subject not yet evaluated."""
        p, s, e = placement_rows, slots, evaluations
        day = (as_of or today()).isoformat()
        scope = []
        if principal.role == "coordinator":
            scope.append(p.c.college == principal.org)
        elif principal.role == "employer":
            scope.append(p.c.employer == principal.org)
        else:
            principal.require("admin", "compliance")
        if not due:
            q = select(e).join(p, p.c.id == e.c.placement).where(*scope).order_by(e.c.seq)
            with self.uow.engine.connect() as conn:
                return [{k: v for k, v in r._mapping.items() if k != "seq"}
                        for r in conn.execute(q)]
        subjects = [of for of, role in OWED_BY.items()
                    if principal.role in (role, "admin", "compliance")]
        out = []
        with self.uow.engine.connect() as conn:
            for of in subjects:
                done = select(e.c.placement).where(e.c.of == of)
                q = (select(p.c.id, p.c.student, p.c.college, p.c.site, p.c.employer,
                            p.c.preceptor, s.c.end_date)
                     .join(s, s.c.id == p.c.slot)
                     .where(and_(p.c.status == PlacementStatus.ACCEPTED, s.c.end_date <= day,
                                 p.c.id.not_in(done), *scope))
                     .order_by(s.c.end_date, p.c.id))
                out += [{"placement": r.id, "of": of, "owed_by": OWED_BY[of],
                         "student": r.student, "college": r.college, "site": r.site,
                         "employer": r.employer, "preceptor": r.preceptor,
                         "due_on": r.end_date} for r in conn.execute(q)]
        out.sort(key=lambda x: (x["due_on"], x["placement"], x["of"]))
        return out
