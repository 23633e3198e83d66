"""The documentation runs as written: the CLI reference is ``--help``, and every example
marked runnable executes.

A fenced block whose info string is ``python runnable`` or ``bash runnable`` (in README.md or
docs/*.md) is run; the blocks of one file run in order in one fresh folder holding a link to
``seeds/``, with ``kg`` on the PATH, so a block may use what an earlier one built. Other blocks
(``console`` transcripts, sketches with placeholders) are read, not run.

``python tests/test_docs.py`` rewrites docs/cli.md from the commands' ``--help``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
CLI_MD = ROOT / "docs" / "cli.md"
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"^```(python|bash) runnable[^\n]*\n(.*?)^```\s*$", re.M | re.S)


def cli_reference() -> str:
    """docs/cli.md: the group's and every command's ``--help``, at a fixed width."""
    from kg.cli import cli

    def help_text(args: list[str]) -> str:
        out = CliRunner().invoke(cli, [*args, "--help"], prog_name="kg", terminal_width=88,
                                 max_content_width=88)
        assert out.exit_code == 0, out.output
        return out.output.rstrip()

    parts = [
        "# Command-line reference",
        "",
        "Generated from `kg --help` and each command's `--help` by `python tests/test_docs.py`;",
        "`tests/test_docs.py` fails when this page and the commands drift apart.",
        "",
        "```text",
        help_text([]),
        "```",
    ]
    for name in sorted(cli.commands):
        parts += ["", f"## kg {name}", "", "```text", help_text([name]), "```"]
    return "\n".join(parts) + "\n"


def test_cli_reference_matches_help() -> None:
    assert CLI_MD.read_text(encoding="utf-8") == cli_reference(), (
        "docs/cli.md is stale: run `python tests/test_docs.py`"
    )


def runnable_blocks(path: Path) -> list[tuple[str, str]]:
    return [(m.group(1), m.group(2)) for m in BLOCK.finditer(path.read_text(encoding="utf-8"))]


def test_marker_is_found() -> None:
    text = "x\n```python runnable\nprint(1)\n```\n```python\nskip\n```\n"
    assert [(m.group(1), m.group(2)) for m in BLOCK.finditer(text)] == [("python", "print(1)\n")]


@pytest.mark.parametrize(
    "doc", [d for d in DOCS if runnable_blocks(d)], ids=lambda d: d.relative_to(ROOT).as_posix()
)
def test_runnable_examples(doc: Path, tmp_path: Path) -> None:
    (tmp_path / "seeds").symlink_to(ROOT / "seeds")
    bin_dir = tmp_path / ".bin"
    bin_dir.mkdir()
    kg = bin_dir / "kg"
    kg.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m kg "$@"\n')
    kg.chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    for i, (lang, code) in enumerate(runnable_blocks(doc)):
        cmd = [sys.executable, "-c", code] if lang == "python" else ["bash", "-euo", "pipefail", "-c", code]
        out = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
        assert out.returncode == 0, f"{doc.name} block {i + 1} ({lang}):\n{code}\n{out.stderr[-3000:]}"


if __name__ == "__main__":
    CLI_MD.write_text(cli_reference(), encoding="utf-8")
    print(f"wrote {CLI_MD.relative_to(ROOT)}")
