"""`placements bench`: each benchmark is found by its name, and listed, though its module is
imported only when it is asked for."""

from __future__ import annotations

from click.testing import CliRunner

from bootstrap.bench import COMMANDS, bench


def test_every_benchmark_is_found_by_its_name_and_listed():
    listed = CliRunner().invoke(bench, ["--help"])
    assert listed.exit_code == 0
    for name in COMMANDS:
        command = bench.get_command(None, name)
        assert command is not None and command.name == name
        assert f"  {name} " in listed.output
        shown = CliRunner().invoke(bench, [name, "--help"])
        assert shown.exit_code == 0 and shown.output.startswith(f"Usage: bench {name} ")
    assert bench.get_command(None, "nothing") is None
