"""The ``kg`` command line: a thin client of the Python API.

Each command parses its options, calls the API function of the same name and prints the
result. Commands live in this one file, in pipeline order.

Example
-------
>>> from click.testing import CliRunner
>>> CliRunner().invoke(cli, ["--version"]).output.startswith("kg, version")
True
"""

from __future__ import annotations

import click

from kg import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kg")
def cli() -> None:
    """Turn research notes into a knowledge graph, suggest related works, render HTML."""


# ---- commands (one block each, in pipeline order: build, train, suggest, eval, symmetry, view)
