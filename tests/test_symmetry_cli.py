"""`kg symmetry` through click's CliRunner."""

from __future__ import annotations

import json

from _symmetry_graphs import handmade
from click.testing import CliRunner

from kg.cli import cli


def test_symmetry_json(tmp_path) -> None:
    handmade().save(tmp_path)
    args = ["symmetry", "--out", str(tmp_path), "--json", "--epochs", "10", "--lt-epochs", "1", "--device", "cpu"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert list(data)[:4] == ["orbits", "wl_classes", "embedding_max_within_orbit", "table"]
    assert {"ceiling", "ceiling_stable", "plain_gnn", "labeling_trick"} <= set(data["table"])
    assert data["checks"]["plain_gnn_within_ceiling"] is True
    assert (tmp_path / "symmetry.json").exists() and (tmp_path / "symmetry.html").exists()


def test_symmetry_text(tmp_path) -> None:
    handmade().save(tmp_path)
    args = ["symmetry", "--out", str(tmp_path), "--epochs", "5", "--lt-epochs", "1", "--no-html", "--device", "cpu"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "Non-trivial orbits: 3" in result.output
    assert "ceiling (L-round 1-WL)" in result.output and "ceiling (stable 1-WL)" in result.output
    assert "`kg symmetry --mirror` shows the case" in result.output  # every ceiling is 1.0 here
    assert not (tmp_path / "symmetry.html").exists()


def test_symmetry_without_a_graph(tmp_path) -> None:
    result = CliRunner().invoke(cli, ["symmetry", "--out", str(tmp_path / "none")])
    assert result.exit_code == 1
    assert "no graph here" in result.output
