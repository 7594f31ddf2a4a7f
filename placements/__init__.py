"""The application: event-sourced commands, read models, settings, audit ledger, the CLI."""
