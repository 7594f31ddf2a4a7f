"""Initiatives and pathways: their read models, the admin's commands, progress and standing.

Progress is open to every role (it shows aggregates, small cells suppressed); the ids of the
participants counted are listed only for those the caller may see.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from domain.errors import InvalidInput, NotFound
from domain.partnership.initiatives import BREAKDOWNS, METRICS, Initiative, Pathway, standing
from placements.base import AreaService, UnitOfWork, command
from placements.paging import Page, page
from placements.partnership.participants import Participants, sees_all, visible_ids
from placements.partnership.progress import Scope, Target, target_progress
from placements.principals import Principal
from placements.read.initiatives import initiatives, pathways
from placements.read.outcomes import employments, enrollments


def view(row: dict) -> dict:
    return {k: v for k, v in row.items() if k != "seq"}


class Initiatives(AreaService):
    """Targets, progress against them, and occupation ladders."""

    def __init__(self, uow: UnitOfWork, participants: Participants) -> None:
        super().__init__(uow)
        self.participants = participants

    @command
    def launch_initiative(self, principal: Principal, name: str, targets: list[dict],
                          communities: list[str] | None = None,
                          start_date: date | None = None) -> dict:
        principal.require("admin")
        initiative = Initiative.launch(principal.actor, name, targets, communities, start_date)
        self.uow.commit(initiative)
        return self.initiative(principal, str(initiative.id))

    def initiative(self, principal: Principal, initiative_id: str) -> dict:
        return view(self.uow.read_row(initiatives, initiative_id, "initiative"))

    def initiatives(self, principal: Principal, limit: int, cursor: str | None) -> Page:
        p = page(self.uow.engine, initiatives, select(initiatives), limit, cursor)
        return Page([view(r) for r in p.items], p.next_cursor)

    def progress(self, principal: Principal, initiative_id: str, as_of: date | None = None,
                 by: str | None = None, ids: bool = True) -> dict:
        """Per target (and per SPEC metric without one): target, actual, the people counted,
        their ids for who may see them, and the breakdown `by` with small cells suppressed."""
        initiative = self.uow.load(Initiative, initiative_id, "initiative")
        if by is not None and by not in BREAKDOWNS:
            raise InvalidInput("by", f"must be one of {', '.join(BREAKDOWNS)}")
        day = as_of or datetime.now(UTC).date()
        communities = tuple(initiative.communities) if initiative.communities else None
        visible = None if sees_all(principal) else visible_ids(principal.org)
        targets = initiative.targets + [
            {"metric": m, "value": None, "by": None, "label": None, "program_types": None,
             "occupations": None}
            for m in METRICS if m not in {t["metric"] for t in initiative.targets}]
        scope = Scope(day, initiative.start_date, communities)
        wanted = [Target(t["metric"], tuple(t["program_types"] or ()) or None,
                         tuple(t["occupations"] or ()) or None) for t in targets]
        with self.uow.engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                # Its JIT compiles these short aggregates for longer than they run (the
                # correlated EXISTS of placement_rate inflates the cost estimate past the
                # threshold): off, for this read's transaction only.
                conn.exec_driver_sql("SET LOCAL jit = off")
                # Grouping 100,000 participants' rows in memory (a hash) rather than by an
                # index scan or a sort spilling to disk, which the default 4 MB forces.
                conn.exec_driver_sql("SET LOCAL work_mem = '64MB'")
            figures = target_progress(conn, scope, wanted, by, ids, visible)
        metrics = [{"metric": t["metric"], "label": t["label"], "target": t["value"],
                    "by": t["by"], "program_types": t["program_types"],
                    "occupations": t["occupations"], **figure}
                   for t, figure in zip(targets, figures, strict=True)]
        return {"initiative": initiative_id, "name": initiative.name, "as_of": day, "by": by,
                "communities": initiative.communities, "start_date": initiative.start_date,
                "metrics": metrics}

    # Pathways ----------------------------------------------------------------------------

    @command
    def define_pathway(self, principal: Principal, name: str, steps: list[dict]) -> dict:
        principal.require("admin")
        pathway = Pathway.define(principal.actor, name, steps)
        self.uow.commit(pathway)
        return self.pathway(principal, str(pathway.id))

    def pathway(self, principal: Principal, pathway_id: str) -> dict:
        return view(self.uow.read_row(pathways, pathway_id, "pathway"))

    def pathways(self, principal: Principal, limit: int, cursor: str | None) -> Page:
        p = page(self.uow.engine, pathways, select(pathways), limit, cursor)
        return Page([view(r) for r in p.items], p.next_cursor)

    def pathway_standing(self, principal: Principal, participant_id: str,
                         pathway_id: str) -> dict:
        """The steps done (credentials earned, or jobs held where a step has no credential),
        the next step and what it requires."""
        self.participants.participant_row(principal, participant_id)
        try:
            pathway = self.uow.read_row(pathways, pathway_id, "pathway")
        except NotFound as e:  # an unknown id in the query is bad input in that field
            raise InvalidInput("pathway", str(e)) from None
        with self.uow.engine.connect() as conn:
            credentials = {r[0] for r in conn.execute(select(enrollments.c.credential).where(
                enrollments.c.participant == participant_id,
                enrollments.c.credential.is_not(None)))}
            occupations = {r[0] for r in conn.execute(select(employments.c.occupation).where(
                employments.c.participant == participant_id))}
        return {"participant": participant_id, "pathway": pathway_id, "name": pathway["name"],
                **standing(pathway["steps"], credentials, occupations)}
