"""Entry point of the `placements` command: the click group, and every command added to it.

Each command module defines its commands on their own; this one imports them all and adds them
(so no command module imports this one back).
"""

from __future__ import annotations

import click

from bootstrap.bench import bench
from bootstrap.cli import db, demo, jobs, server, solve, store


class Commands(click.Group):
    """The `placements` group: a store this process cannot decode (see build_app) stops any
    command at start with one line, not a traceback."""

    def invoke(self, ctx: click.Context):
        from placements.base import StoreUnreadable

        try:
            return super().invoke(ctx)
        except StoreUnreadable as e:
            raise click.ClickException(str(e)) from None


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Clinical placement and apprenticeship backend.

    Every command reads DATABASE_URL and REDIS_URL from the environment.
    """


for _command in (server.serve, server.token, jobs.worker, jobs.requeue, demo.demo, db.db,
                 store.replay, store.verify_log, solve.solve, solve.generate, bench):
    main.add_command(_command)
