"""The application: event-sourced commands, read models, settings, audit ledger, the schema's
migrations, and solving as one use case (solving.py)."""
