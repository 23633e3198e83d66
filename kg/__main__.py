"""``python -m kg``: the same command line as the ``kg`` script.

Example
-------
>>> import subprocess, sys
>>> subprocess.run([sys.executable, "-m", "kg", "--version"], capture_output=True,
...                text=True).stdout.startswith("kg, version")
True
"""

from __future__ import annotations

__all__: list[str] = []

if __name__ == "__main__":
    from kg.cli import cli

    cli(prog_name="kg")
