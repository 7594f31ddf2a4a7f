"""Names for ids, so printable reports show people and places, not identifiers."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import select

from domain.das import standards_history
from placements.apprenticeship import Apprenticeship, aware, today
from placements.base import AreaService, UnitOfWork
from placements.principals import Principal
from placements.read.apprenticeship import apprentices, programs
from placements.read.capacity import preceptors, sites
from placements.read.organizations import organizations
from placements.read.students import students

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
NAMED = (organizations, sites, preceptors, students, apprentices, programs)


class Names(AreaService):
    def __init__(self, uow: UnitOfWork, apprenticeship: Apprenticeship) -> None:
        super().__init__(uow)
        self.apprenticeship = apprenticeship

    def names(self, ids: Iterable[str]) -> dict[str, str]:
        """The name of each id that is an organisation, site, preceptor, student, apprentice or
        program (unknown ids are left out)."""
        wanted = sorted({str(i) for i in ids if i})
        out: dict[str, str] = {}
        if not wanted:
            return out
        with self.uow.engine.connect() as conn:
            for table in NAMED:
                out.update(conn.execute(select(table.c.id, table.c.name).where(
                    table.c.id.in_(wanted))).all())
        return out

    def printable_compliance(self, principal: Principal, apprentice_id: str,
                             as_of: date | None = None, known_at: datetime | None = None
                             ) -> tuple[dict, dict, dict[str, str]]:
        """The DAS report, the standards in force on its `as_of` (as known at `known_at`) and
        the names of every id it mentions: what its printable page shows."""
        as_of = as_of or today()
        report = self.apprenticeship.apprentice_compliance(principal, apprentice_id, as_of,
                                                           known_at)
        row = self.uow.read_row(apprentices, report["apprentice"], "apprentice")
        program = str(row["program"])
        standards = standards_history(self.uow.recorded([program])[program],
                                      aware(known_at)).on(as_of)
        report["employer"] = row["employer"]
        mentioned = UUID.findall(" ".join(v["message"] for v in report["violations"]))
        return report, standards, self.names([report["apprentice"], row["employer"],
                                              *mentioned])
