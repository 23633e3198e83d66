"""A folder of hostile files builds: exit 0, one reason per bad file, every good file used.

Wrong encodings, binary data, a huge file, empty files, deep nesting, terminal escapes in
names and text, and symbolic links leading out of the folder or into a loop.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.graph.knowledge_graph import KnowledgeGraph


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    d = tmp_path / "notes"
    (d / "sub").mkdir(parents=True)
    (d / "good.md").write_text("# Graph Learning\n\n- Graph Attention Networks (ICLR2018)\n")
    (d / "sub" / "also-good.md").write_text("# Pruning\n\n- Pruning from Scratch (AAAI2020)\n")
    (d / "big5.md").write_bytes("# 圖神經網路\n\n- 圖神經網路 (GNN)\n".encode("big5"))
    (d / "latin1.md").write_bytes("# Réseaux\n\n- Réseaux de neurones (GNN)\n".encode("latin-1"))
    (d / "binary.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (d / "noise.md").write_bytes(bytes(range(128, 256)) * 40)
    (d / "empty.md").write_bytes(b"")
    (d / "blank.md").write_text(" \n\n\t\n")
    filler = "".join(f"Line {i} of a long diary that names nothing in particular.\n" for i in range(40_000))
    (d / "huge.md").write_text("# Huge Diary\n\n- Huge Early Paper (ICML2020)\n\n" + filler
                               + "\n- Huge Late Paper (ICML2020)\n")
    (d / "deep.md").write_text(
        "# Deep\n\n" + "".join("  " * i + f"- level {i}\n" for i in range(500))
    )
    (d / "deeper.md").write_text("# Deeper\n\n" + ">" * 100_000 + " q\n")
    (d / "esc\x1b]52;c;aGk=\x07name.md").write_text(
        "# Title \x1b]8;;http://evil\x1b\\Click\x1b]8;;\x1b\\\n\n- Escape \x1b[2J Paper (ICML2020)\n"
    )
    outside = tmp_path / "outside.md"
    outside.write_text("# Secret\n\n- Secret Paper (ICML2020)\n")
    os.symlink(outside, d / "link-out.md")
    os.symlink(d / "good.md", d / "link-in.md")
    os.symlink(tmp_path / "missing.md", d / "broken.md")
    os.symlink(d, d / "sub" / "loop")
    return d


BAD = {
    "latin1.md": "encoding is unclear",
    "binary.md": "binary file",
    "noise.md": "not UTF-8",
    "empty.md": "empty file",
    "blank.md": "empty file",
    "deeper.md": "nested about 100000 levels deep",
    "link-out.md": "outside the folder",
    "broken.md": "broken",
    "sub/loop": "not followed",
}


def test_hostile_folder_builds_with_one_reason_per_bad_file(hostile: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    res = CliRunner().invoke(
        cli, ["build", str(hostile), "--out", str(out), "--no-train", "--max-file-size", "1"]
    )
    assert res.exit_code == 0, res.output
    text = res.output
    assert "\x1b" not in text and "\x07" not in text  # file names and text printed inert
    reported = [line for line in text.splitlines() if line.startswith(("skipped ", "truncated "))]
    for name, reason in BAD.items():
        mine = [line for line in reported if f"notes/{name}:" in line]
        assert len(mine) == 1 and reason in mine[0], (name, mine)
    huge = [line for line in reported if "notes/huge.md:" in line]
    assert len(huge) == 1 and huge[0].startswith("truncated") and "size limit" in huge[0]
    assert len(reported) == len(BAD) + 1  # nothing else, nothing twice

    kg = KnowledgeGraph.load(out)
    labels = {n["label"] for n in kg.nodes()}
    assert {"Graph Attention Networks", "Pruning from Scratch", "Huge Early Paper"} <= labels
    assert "Huge Late Paper" not in labels  # past the size limit
    assert "圖神經網路" in labels  # Big5 decoded right
    # the 500-deep list is read (its items are not research entities, so no node needs them)
    assert any(str(n.get("path", "")).endswith("deep.md") for n in kg.nodes())
    assert "Escape Paper" in labels or any("Escape" in label for label in labels)
    assert "Secret Paper" not in labels
    for label in labels:  # never mojibake, never a control character
        assert not any(0xE000 <= ord(c) <= 0xF8FF or c == "\ufffd" for c in label), label
        assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in label), label
    assert not any("R閟eaux" in label for label in labels)
