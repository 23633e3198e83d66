"""`kg suggest` through click's CliRunner, and the NumPy-only start-up in a real process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from _handmade import EXPECTED, handmade_graph, write_model_dir
from click.testing import CliRunner

from kg.cli import cli

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture()
def out(tmp_path: Path) -> Path:
    return write_model_dir(tmp_path / "kg-out")


def run(*args: str):  # noqa: ANN201 - click's Result
    return CliRunner().invoke(cli, ["suggest", *args])


def test_text_output(out: Path) -> None:
    res = run("Pruning from Scratch", "--out", str(out))
    assert res.exit_code == 0, res.output
    lines = res.stdout.splitlines()
    assert lines[0] == "Suggestions for Pruning from Scratch (paper:pfs):"
    assert lines[1] == " 1. The Lottery Ticket Hypothesis  [paper]  0.7109"
    assert lines[2] == "    both listed under 模型剪枝 (topic)"
    assert "=tie 1: the model cannot tell 2 candidates apart" in res.stdout
    assert res.stderr == ""


def test_json_output_shape(out: Path) -> None:
    res = run("PFS", "--out", str(out), "--json", "-k", "3")
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert [d["id"] for d in data] == EXPECTED[:3]
    assert [d["rank"] for d in data] == [1, 2, 3]
    assert set(data[0]) == {"rank", "id", "label", "type", "score", "reasons"}
    assert data[2]["tie"] == 1 and data[2]["tied_with"] == ["paper:twin-b"]
    assert isinstance(data[0]["score"], float) and data[0]["reasons"]


def test_type_filter_and_k(out: Path) -> None:
    res = run("PFS", "--out", str(out), "--json", "--type", "venue", "--type", "topic")
    assert [d["id"] for d in json.loads(res.stdout)] == ["venue:iclr", "topic:nas"]
    res = run("PFS", "--out", str(out), "--json", "-k", "1")
    assert len(json.loads(res.stdout)) == 1
    res = run("PFS", "--out", str(out), "--type", "post")
    assert res.exit_code == 2 and "Invalid value for '--type'" in res.output


def test_unknown_and_ambiguous_queries_exit_2(out: Path) -> None:
    res = run("DART nets", "--out", str(out))
    assert res.exit_code == 2
    assert res.stderr.strip() == (
        "Error: no node matches 'DART nets'; closest: paper:darts (DARTS)"
    )
    res = run("Twin", "--out", str(out))
    assert res.exit_code == 2
    assert "'Twin' is ambiguous: paper:twin-a (Twin A), paper:twin-b (Twin B)" in res.stderr
    assert res.stdout == ""


def test_no_model_yet(tmp_path: Path) -> None:
    res = run("PFS", "--out", str(tmp_path))
    assert res.exit_code == 1
    assert "no graph here; run `kg build" in res.stderr
    handmade_graph().save(tmp_path)
    res = run("PFS", "--out", str(tmp_path))
    assert res.exit_code == 1
    assert "no trained model here; run `kg train --out" in res.stderr


def test_stale_model_warns(tmp_path: Path) -> None:
    out = write_model_dir(tmp_path, stale=True)
    res = run("PFS", "--out", str(out), "--json")
    assert res.exit_code == 0
    assert "warning:" in res.stderr and "trained on another version of graph.json" in res.stderr
    # a paper query gets papers by default
    assert [d["id"] for d in json.loads(res.stdout)] == [e for e in EXPECTED if e.startswith("paper:")]


def test_help_has_an_example() -> None:
    res = CliRunner().invoke(cli, ["suggest", "--help"])
    assert res.exit_code == 0
    assert "Example:" in res.output and "--json" in res.output and "--type" in res.output


def test_the_command_never_imports_torch(out: Path) -> None:
    """A real process, as a user runs it: no torch, and `-X importtime` agrees."""
    code = (
        "import sys\n"
        "from kg.cli import cli\n"
        f"cli(['suggest', 'Pruning from Scratch', '--out', {str(out)!r}, '--json'], standalone_mode=False)\n"
        "print('TORCH' if any(m == 'torch' or m.startswith('torch.') for m in sys.modules) else 'NO-TORCH')\n"
    )
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    assert proc.stdout.rstrip().endswith("NO-TORCH")
    imported = [line.split("|")[-1].strip() for line in proc.stderr.splitlines() if "|" in line]
    assert "kg.suggest.suggester" in imported
    assert not [m for m in imported if m == "torch" or m.startswith("torch")]
    assert json.loads(proc.stdout.rsplit("\n", 2)[0])[0]["id"] == EXPECTED[0]


def test_latency_benchmark_runs(out: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """benchmarks/suggest_latency.py on the hand-made model (one run each, JSON)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("suggest_latency", ROOT / "benchmarks" / "suggest_latency.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    result = bench.main(["--out", str(out), "--repeat", "1", "--json", "--cold"])
    printed = json.loads(capsys.readouterr().out)
    assert printed == result
    assert result["torch_imported"] is False
    assert result["graph_nodes"] == 11 and result["cold"] is True
    assert result["suggest_s"] > 0 and result["networkx_s"] > 0
    assert result["suggest_cpu_s"] > 0 and result["cpu_ratio"] > 0
    assert result["ratio"] == pytest.approx(result["suggest_s"] / result["networkx_s"], rel=0.01)


def test_after_a_build_without_training(seed_post: Path, tmp_path: Path) -> None:
    build = pytest.importorskip("kg.pipeline")
    build.build([str(seed_post)]).save(tmp_path)
    res = run("Pruning from Scratch", "--out", str(tmp_path))
    assert res.exit_code == 1
    assert f"{tmp_path / 'embeddings.npz'}: no trained model here; run `kg train --out {tmp_path}`" in res.stderr
