"""The application: every command of the consortium, one mixin per area, over one event log."""

from __future__ import annotations

from placements import idempotency  # noqa: F401  (its table is part of the schema)
from placements.apprenticeship import Apprenticeship
from placements.audit import Audit
from placements.capacity import Capacity
from placements.organizations import Organizations
from placements.pieces import SolvePieces
from placements.solves import Solves
from placements.students import Students
from placements.tokens import Tokens
from placements.workflow import Workflow


class PlacementsApp(Organizations, Tokens, Capacity, Students, Workflow, Solves, SolvePieces,
                    Apprenticeship, Audit):
    """One Application (one event table, one ledger); its areas live in their own modules."""
