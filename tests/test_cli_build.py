"""The `kg build` command: outputs, summary, exit status, --bib, --ext, and no torch import."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.graph.knowledge_graph import KnowledgeGraph
from kg.pipeline import build

REFS = Path(__file__).parent / "data" / "refs.bib"


def run(*args: str):
    return CliRunner().invoke(cli, ["build", *args], catch_exceptions=False)


def test_seed_build_writes_outputs_and_summary(seed_post: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run(str(seed_post.parent), "--out", str(out), "--no-train")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["graph.graphml", "graph.html", "graph.json"]
    lines = {line.strip("│┃ ").split("│")[0].strip(): line for line in result.output.splitlines()}
    for name, count in [("post", 1), ("topic", 9), ("method", 11), ("paper", 6), ("venue", 5)]:
        assert lines[name].split("│")[-2].strip() == str(count), result.output
    assert lines["files parsed"].split("│")[-2].strip() == "1"
    kg = KnowledgeGraph.load(out)
    # the command writes exactly the graph the API builds (tests/test_build.py checks every
    # topic, method, paper, venue and note of the seed on that graph)
    assert kg.fingerprint() == build([seed_post.parent]).fingerprint()
    assert kg.graph.edges["post:seeds-valse2020-apr", "venue:valse", "tagged"]["year"] == 2020
    assert "paper:pruning-from-scratch" in kg
    assert (
        kg.graph.edges["paper:pruning-from-scratch", "venue:aaai", "published_at"]["year"] == 2020
    )
    g = nx.read_graphml(out / "graph.graphml")
    assert g.nodes["topic:模型压缩"]["type"] == "topic"
    html = (out / "graph.html").read_text(encoding="utf-8")
    assert "Pruning from Scratch" in html


def test_missing_and_bad_files_are_listed_not_fatal(seed_post: Path, tmp_path: Path) -> None:
    bad = tmp_path / "notes"
    bad.mkdir()
    (bad / "broken.md").write_text("---\ntitle: [unclosed\n---\n")
    out = tmp_path / "out"
    result = run(str(seed_post), str(bad), str(tmp_path / "nope"), "--out", str(out), "--no-train")
    assert result.exit_code == 0, result.output
    skipped = [line for line in result.output.splitlines() if line.startswith("skipped ")]
    assert len(skipped) == 2
    assert any("notes/broken.md" in line for line in skipped)
    assert any("nope: no such file or directory" in line for line in skipped)
    assert (out / "graph.json").exists()


def test_nothing_parsed_exits_1_and_keeps_old_outputs(seed_post: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run(str(seed_post), "--out", str(out), "--no-train").exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "broken.md").write_bytes(b"\x00\xff" * 10)
    result = CliRunner().invoke(cli, ["build", str(empty), "--out", str(out), "--no-train"])
    assert result.exit_code == 1
    assert "no file could be parsed; nothing written" in result.output
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_bib_gives_canonical_metadata(seed_post: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run(str(seed_post), "--out", str(out), "--no-train", "--bib", str(REFS), "-v")
    assert result.exit_code == 0, result.output
    assert "refs.bib:36: BibTeX entry does not parse; left out" in result.output
    kg = KnowledgeGraph.load(out)
    pruning = kg.node("paper:pruning-from-scratch")
    assert pruning["bib_key"] == "wang2020pruning"
    assert pruning["authors"][0] == "Yulong Wang"
    four_bit = kg.node(
        "paper:post-training-4-bit-quantization-of-convolutional-networks-for-rapid-deployment"
    )
    assert four_bit["aliases"] == [
        "Post trainning 4-bit quentization of concolutional networks for rapid-deployment"
    ]
    assert (four_bit["venue"], four_bit["year"]) == ("NeurIPS", 2019)
    lottery = kg.find("Lottery Ticket Hypothesis")[0]
    assert lottery.id.startswith("paper:the-lottery-ticket-hypothesis-finding")
    assert lottery.how == "alias"


def test_missing_bib_is_a_usage_error(seed_post: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["build", str(seed_post), "--bib", str(tmp_path / "x.bib")])
    assert result.exit_code == 2 and "x.bib" in result.output


def test_ext_option(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.txt").write_text("# Pruning\n\n- Pruning from Scratch (AAAI2020)\n")
    (notes / "b.md").write_text("# Other\n")
    out = tmp_path / "out"
    assert run(str(notes), "--out", str(out), "--no-train", "--ext", ".txt").exit_code == 0
    kg = KnowledgeGraph.load(out)
    assert [n["path"] for n in kg.nodes("post")] == ["notes/a.txt"]


def _imports(args: list[str], cwd: Path) -> set[str]:
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", *args], capture_output=True, text=True, cwd=cwd
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    names = set()
    for line in proc.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip())
    return names


@pytest.mark.parametrize("forbidden", ["torch", "pyvis.network", "torch_geometric", "networkx"])
def test_build_path_never_imports_torch(seed_post: Path, tmp_path: Path, forbidden: str) -> None:
    assert forbidden not in _imports(["-c", "import kg.pipeline"], tmp_path)
    out = tmp_path / "out"
    names = _imports(
        ["-m", "kg", "build", str(seed_post), "--out", str(out), "--no-train"], tmp_path
    )
    assert "kg.pipeline" in names and "kg.notes.extraction" in names  # the command really ran
    assert forbidden not in names
    assert json.loads((out / "graph.json").read_text())["graph"]["schema_version"] >= 1


@pytest.mark.slow
def test_build_with_training_writes_the_model(seed_post: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run(str(seed_post), "--out", str(out), "--seed", "1")
    assert result.exit_code == 0, result.output
    names = {p.name for p in out.iterdir()}
    assert {"graph.json", "graph.graphml", "graph.html", "model.json"} <= names
    # it says what training did and lists every file it wrote
    model = json.loads((out / "model.json").read_text(encoding="utf-8"))
    device = model["device"]
    assert f"on {device}: best epoch {model['best_epoch']} of " in result.output
    assert re.search(r"val AUC \d\.\d{4} AP .* \| test AUC \d\.\d{4} AP .* MRR \d\.\d{4}", result.output)
    (wrote,) = [line for line in result.output.splitlines() if line.startswith("wrote ")]
    assert sorted(Path(p).name for p in wrote[len("wrote "):].split(", ")) == sorted(names)
    assert f"page: {out / 'graph.html'}" in result.output


def test_unwritable_output_is_a_one_line_error(seed_post: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = CliRunner().invoke(
        cli, ["build", str(seed_post), "--out", str(blocker / "out"), "--no-train"]
    )
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and "file/out" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_cache_option_reuses_extractions(seed_post: Path, tmp_path: Path) -> None:
    args = [str(seed_post), "--out", str(tmp_path / "out"), "--no-train"]
    args += ["--cache", str(tmp_path / "cache")]
    first = run(*args)
    assert first.exit_code == 0 and "from the cache" not in first.output
    second = run(*args)
    assert second.exit_code == 0
    (row,) = [line for line in second.output.splitlines() if "from the cache" in line]
    assert row.split("│")[-2].strip() == "1"


def test_folder_without_notes_says_so(tmp_path: Path) -> None:
    (tmp_path / "readme.txt").write_text("not a note")
    result = CliRunner().invoke(cli, ["build", str(tmp_path), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert f"no .md, .markdown files found in {tmp_path}; nothing written" in result.output
    assert not (tmp_path / "o").exists()


def test_verbose_lists_rejected_candidates_with_reasons(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.md").write_text(
        "# Notations\n\nx is the input.\n\n# Graph Attention Networks\n\n"
        "- For\n- While ( != TERMINAL) and\n- 准确率 99.5%\n- GAT\n- GraphSAGE\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    quiet = run(str(notes), "--out", str(out), "--no-train")
    assert "candidates not made topics or methods (--verbose lists them)" in quiet.output
    loud = run(str(notes), "--out", str(out), "--no-train", "-v")
    assert loud.exit_code == 0, loud.output
    assert "rejected notes/a.md:1: topic 'Notations': structural heading" in loud.output
    assert "method 'For': pseudocode" in loud.output
    assert "method '准确率 99.5%': metric or number" in loud.output
    kg = KnowledgeGraph.load(out)
    assert {n["label"] for n in kg.nodes("method")} == {"GAT", "GraphSAGE"}


def test_aliases_option(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.md").write_text("# 混合密度网络\n\n正文。\n", encoding="utf-8")
    (notes / "b.md").write_text("# Mixture Density Networks\n\nText.\n", encoding="utf-8")
    aliases = tmp_path / "aliases.yaml"
    aliases.write_text("MDN: [混合密度网络, Mixture Density Networks]\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run(str(notes), "--out", str(out), "--no-train", "--aliases", str(aliases))
    assert result.exit_code == 0, result.output
    assert len(list(KnowledgeGraph.load(out).nodes("topic"))) == 1
    aliases.write_text("MDN: {x: 1}\n", encoding="utf-8")
    bad = CliRunner().invoke(cli, ["build", str(notes), "--out", str(out), "--no-train",
                                   "--aliases", str(aliases)])
    assert bad.exit_code == 1 and "aliases.yaml: line 1: aliases of 'MDN'" in bad.output
