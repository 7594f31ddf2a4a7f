"""The application: one unit of work over one event log, and one service per area.

`PlacementsApp` is the unit of work (placements/base.py: load, commit, read_row, connection,
log, recorded, the `@command` transaction); each area's commands and queries are a service object
on it, named after the area's module: `app.workflow.confirm_placement(...)` is in
placements/workflow.py, `app.capacity.publish_slot(...)` in placements/capacity.py. A service that
uses another area's queries is handed that service here, so every dependency between areas is
written in this file.
"""

from __future__ import annotations

from domain.apprenticeship import Apprentice
from placements import idempotency  # noqa: F401  (its table is part of the schema)
from placements.apprenticeship import Apprenticeship
from placements.audit import Audit
from placements.base import JobQueue, UnitOfWork
from placements.capacity import Capacity
from placements.clinical_hours import ClinicalRecord
from placements.imports import Imports
from placements.onboarding import Onboarding
from placements.organizations import Organizations
from placements.partnership.initiatives import Initiatives
from placements.partnership.outcomes import Outcomes
from placements.partnership.participants import Participants
from placements.partnership.services import Services
from placements.pieces import SolvePieces
from placements.reports.ab1577 import AB1577Report
from placements.reports.known_at import KnownAt
from placements.reports.names import Names
from placements.reports.utilization import UtilizationReport
from placements.rosters import Rosters
from placements.settings import Settings
from placements.solves import Solves
from placements.students import Students
from placements.tokens import Tokens
from placements.units import Units
from placements.workflow import Workflow


class PlacementsApp(UnitOfWork):
    """One Application (one event table, one ledger) and its areas' services."""

    # Apprentices accumulate thousands of small events; a snapshot every 100 keeps each logging
    # command's load short (snapshots are a cache of the log, never its record).
    snapshotting_intervals = {Apprentice: 100}

    organizations: Organizations
    tokens: Tokens
    capacity: Capacity
    students: Students
    workflow: Workflow
    solves: Solves
    pieces: SolvePieces
    apprenticeship: Apprenticeship
    clinical_hours: ClinicalRecord
    known_at: KnownAt
    utilization: UtilizationReport
    ab1577: AB1577Report
    names: Names
    participants: Participants
    outcomes: Outcomes
    initiatives: Initiatives
    services: Services
    audit: Audit
    imports: Imports
    onboarding: Onboarding
    rosters: Rosters
    units: Units

    def __init__(self, settings: Settings | None = None, jobs: JobQueue | None = None) -> None:
        super().__init__(settings, jobs)
        self.organizations = Organizations(self)
        self.tokens = Tokens(self)
        self.capacity = Capacity(self)
        self.students = Students(self)
        self.workflow = Workflow(self)
        self.solves = Solves(self)
        self.pieces = SolvePieces(self)
        self.apprenticeship = Apprenticeship(self)
        self.clinical_hours = ClinicalRecord(self, self.workflow)
        self.known_at = KnownAt(self)
        self.utilization = UtilizationReport(self, self.known_at)
        self.ab1577 = AB1577Report(self)
        self.names = Names(self, self.apprenticeship)
        self.participants = Participants(self)
        self.outcomes = Outcomes(self, self.participants)
        self.initiatives = Initiatives(self, self.participants)
        self.services = Services(self, self.participants)
        self.audit = Audit(self)
        self.imports = Imports(self, self.capacity, self.students)
        self.onboarding = Onboarding(self)
        self.rosters = Rosters(self)
        self.units = Units(self)
