"""Fault injection for failure drills and tests: hold the process at a named point.

`PLACEMENTS_FAULT_SOLVE_DELAY=S` holds a solve or piece job S seconds just before it solves;
`PLACEMENTS_FAULT_RECORD_DELAY=S` holds the recording of a solve's result S seconds inside its
transaction, after its rows and events are written and before the commit (the event table
locked), so a drill can kill the worker at the worst moment. Unset or 0: no hold.
"""

from __future__ import annotations

import os
import time


def hold(point: str) -> None:
    delay = float(os.environ.get(f"PLACEMENTS_FAULT_{point.upper()}_DELAY") or 0)
    if delay:
        time.sleep(delay)
