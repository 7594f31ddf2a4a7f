"""Pure domain model: aggregates, events and invariants; schedule arithmetic; DAS rules. No I/O."""
