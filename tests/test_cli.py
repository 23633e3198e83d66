"""The command line as a whole: every command documents itself with an example."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from kg.cli import cli


def test_group_lists_every_command() -> None:
    res = CliRunner().invoke(cli, ["--help"])
    assert res.exit_code == 0
    for name in ("build", "train", "suggest", "eval", "symmetry", "view"):
        assert f"  {name} " in res.output


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_has_help_with_an_example(name: str) -> None:
    command = cli.commands[name]
    assert command.help and command.help.strip(), f"kg {name} has no help text"
    res = CliRunner().invoke(cli, [name, "--help"])
    assert res.exit_code == 0
    assert "Example" in res.output, f"kg {name} --help shows no example"
    for param in command.params:
        if param.param_type_name == "option" and param.name != "help":
            assert param.help, f"kg {name}: option {param.opts[0]} has no help text"
