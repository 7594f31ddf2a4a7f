"""The application: every command of the consortium, one mixin per area, over one event log."""

from __future__ import annotations

from placements import idempotency  # noqa: F401  (its table is part of the schema)
from placements.apprenticeship import Apprenticeship
from placements.audit import Audit
from placements.capacity import Capacity
from placements.clinical_hours import ClinicalRecord
from placements.imports import Imports
from placements.onboarding import Onboarding
from placements.organizations import Organizations
from placements.partnership.initiatives import Initiatives
from placements.partnership.services import Services
from placements.pieces import SolvePieces
from placements.reports.ab1577 import AB1577Report
from placements.reports.names import Names
from placements.reports.utilization import UtilizationReport
from placements.rosters import Rosters
from placements.solves import Solves
from placements.students import Students
from placements.tokens import Tokens
from placements.workflow import Workflow


class PlacementsApp(Organizations, Tokens, Capacity, Students, Workflow, Onboarding, Rosters,
                    Solves, SolvePieces, Apprenticeship, ClinicalRecord, UtilizationReport,
                    AB1577Report, Names, Initiatives, Services, Imports, Audit):
    """One Application (one event table, one ledger); its areas live in their own modules."""
