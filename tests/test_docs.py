"""The documentation runs as written: the CLI reference is ``--help``, and every example
marked runnable executes.

A fenced block whose info string is ``python runnable`` or ``bash runnable`` (in README.md or
docs/*.md) is run; the blocks of one file run in order in one fresh folder holding a link to
``seeds/``, with ``kg`` on the PATH, so a block may use what an earlier one built. Other blocks
(``console`` transcripts) are read, not run; the ``kg ...`` and ``python benchmarks/X.py ...``
lines of unmarked ```bash blocks (corpus builds and benchmarks that take minutes, installs)
are parsed against the real CLI and the script's ``--help``.

``python tests/test_docs.py`` rewrites docs/cli.md from the commands' ``--help``.
"""

from __future__ import annotations

import functools
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
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


SHELL_BLOCK = re.compile(r"^```bash\n(.*?)^```\s*$", re.M | re.S)
PLACEHOLDER = re.compile(r"^[A-Z][A-Z_]*(\.\.\.)?$")


def shell_commands(text: str) -> list[list[str]]:
    """The simple commands of unmarked ```bash blocks, as argument lists.

    Continuation lines are joined, here-document bodies and comments dropped, ``[--opt X]``
    (optional) loses its brackets and ``a|b|c`` (alternatives) keeps its first word.

    >>> shell_commands("```bash\\nkg a --x N \\\\\\n  [--y a|b] && kg b  # c\\n```\\n")
    [['kg', 'a', '--x', 'N', '--y', 'a'], ['kg', 'b']]
    """
    commands: list[list[str]] = []
    for block in SHELL_BLOCK.finditer(text):
        body = re.sub(r"<<'(\w+)'[^\n]*\n.*?^\1$", "", block.group(1), flags=re.M | re.S)
        for line in body.replace("\\\n", " ").splitlines():
            line = re.sub(r"\[([^\]]*)\]", r"\1", line)
            line = re.sub(r"(?<=[\w-])(\|[\w-]+)+", "", line)
            lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
            lexer.whitespace_split = True
            words: list[str] = []
            for token in [*lexer, ";"]:
                if token in {";", "&&", "||", "|", "&"}:
                    if words:
                        commands.append(words)
                    words = []
                else:
                    words.append(token)
    return commands


def kg_args(words: list[str]) -> list[str] | None:
    """The arguments after ``kg`` / ``.venv/bin/kg`` / ``python3 -m kg``, or None."""
    for i, word in enumerate(words):
        if word == "-m" and words[i + 1:i + 2] == ["kg"]:
            return words[i + 2:]
        if word.split("/")[-1] == "kg" and all("=" in w for w in words[:i]):
            return words[i + 1:]
    return None


def documented_commands(kind: str) -> list[tuple[str, list[str]]]:
    found = []
    for doc in DOCS:
        for words in shell_commands(doc.read_text(encoding="utf-8")):
            args = kg_args(words)
            script = next((w for w in words if re.fullmatch(r"benchmarks/\w+\.py", w)), None)
            if kind == "kg" and args is not None:
                found.append((doc.relative_to(ROOT).as_posix(), args))
            elif kind == "benchmark" and script is not None:
                found.append((doc.relative_to(ROOT).as_posix(), words[words.index(script):]))
    return found


def test_shell_blocks_are_found() -> None:
    assert len(documented_commands("kg")) >= 20
    assert len(documented_commands("benchmark")) >= 15


def _example_value(param: Any, tmp_path: Path) -> str:
    if isinstance(param.type, click.Choice):
        return str(param.type.choices[0])
    if isinstance(param.type, click.Path):
        return str(tmp_path)
    return "1"


@pytest.mark.parametrize("doc, args", documented_commands("kg"),
                         ids=lambda v: " ".join(v) if isinstance(v, list) else v)
def test_documented_kg_command_parses(doc: str, args: list[str], tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Each ``kg ...`` line of a ```bash block parses against the real CLI (not run: these
    build corpora or train for minutes). Upper-case words (``N``, ``DIR``) are placeholders."""
    from kg.cli import cli

    monkeypatch.chdir(ROOT)
    missing = [a for a in args if a.startswith("../shared") and not (ROOT / a).exists()]
    if missing:
        pytest.skip(f"{missing[0]} absent")
    group_ctx = cli.make_context("kg", list(args[:1]), resilient_parsing=False)
    command = cli.get_command(group_ctx, args[0])
    assert command is not None, f"{doc}: no command kg {args[0]}"
    rest: list[str] = []
    previous = None
    for word in args[1:]:
        if PLACEHOLDER.match(word):
            option = next((p for p in command.params if previous in getattr(p, "opts", [])), None)
            word = _example_value(option, tmp_path) if option else str(tmp_path)
        rest.append(word)
        previous = word
    command.make_context(args[0], rest, parent=group_ctx, resilient_parsing=False)


@functools.cache
def _script_help(script: str) -> str:
    out = subprocess.run([sys.executable, script, "--help"], cwd=ROOT, capture_output=True,
                         text=True, timeout=300,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert out.returncode == 0, f"{script} --help:\n{out.stderr[-2000:]}"
    return out.stdout


@pytest.mark.parametrize("doc, words", documented_commands("benchmark"),
                         ids=lambda v: " ".join(v) if isinstance(v, list) else v)
def test_documented_benchmark_command_parses(doc: str, words: list[str]) -> None:
    """Each ``python benchmarks/X.py ...`` line names a script whose ``--help`` lists every
    flag used (not run: they take minutes)."""
    script = words[0]
    assert (ROOT / script).is_file(), f"{doc}: no {script}"
    help_text = _script_help(script)
    for flag in (w.split("=")[0] for w in words[1:] if w.startswith("--")):
        assert re.search(rf"(?<![\w-]){re.escape(flag)}(?![\w-])", help_text), (
            f"{doc}: {script} has no {flag}"
        )


if __name__ == "__main__":
    CLI_MD.write_text(cli_reference(), encoding="utf-8")
    print(f"wrote {CLI_MD.relative_to(ROOT)}")
