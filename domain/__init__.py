"""Pure domain model: aggregates, their events and invariants; schedule arithmetic; DAS rules. No I/O."""
