"""Tests of the `kg train` and `kg eval` commands (click's CliRunner, real training)."""

from __future__ import annotations

import json
import re

import pytest
from _toy_kg import toy_kg
from click.testing import CliRunner

from kg.cli import cli
from kg.io import SUGGEST_CACHE
from kg.suggest.store import read_index
from kg.suggest.suggester import Suggester


def test_train_then_eval(tmp_path) -> None:
    toy_kg(posts=5).save(tmp_path)
    runner = CliRunner()
    res = runner.invoke(
        cli,
        [
            "train",
            "--out",
            str(tmp_path),
            "--epochs",
            "20",
            "--hidden",
            "16",
            "--encoder",
            "gcn",
            "--seed",
            "1",
            "--device",
            "cpu",
            "--no-progress",
        ],
    )
    assert res.exit_code == 0, res.output
    assert "test AUC" in res.output and "gcn/mlp" in res.output
    from kg.learn.titles import encoder_available

    if encoder_available():  # the toy's English labels (the Chinese topic has none)
        assert re.search(r"^titles: \d+ read by the sentence encoder", res.output, re.M), res.output
    meta = json.loads((tmp_path / "model.json").read_text())
    assert (meta["encoder"], meta["hidden"], meta["seed"], meta["device"]) == ("gcn", 16, 1, "cpu")
    for name in ("model.pt", "embeddings.npz", "split.npz"):
        assert (tmp_path / name).exists()
    # the suggest index is written with the model: the first `kg suggest` reads it, and it
    # ranks as a suggester built from the files does
    assert "suggest-index.npz" in res.output
    hit = read_index(tmp_path / SUGGEST_CACHE)
    assert hit is not None and hit["stale"] is False
    query = next(n for n in hit["index"].nodes if n.startswith("paper:"))
    warm = Suggester.load(tmp_path).suggest(query, k=5)
    cold = Suggester.load(tmp_path, cache=False).suggest(query, k=5)
    assert [s.id for s in warm] == [s.id for s in cold]
    assert [s.score for s in warm] == pytest.approx([s.score for s in cold], abs=1e-9)

    res = runner.invoke(cli, ["eval", "--out", str(tmp_path), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert set(data) == {"results", "split"}
    assert set(data["results"]) == {
        "gnn",
        "common_neighbors",
        "adamic_adar",
        "resource_allocation",
        "text_similarity",
    }
    assert set(data["results"]["gnn"]) == {"auc", "ap", "mrr", "hits@1", "hits@10"}

    res = runner.invoke(cli, ["eval", "--out", str(tmp_path)])
    assert res.exit_code == 0 and "resource_allocation" in res.output and "mrr" in res.output


def test_train_without_graph_is_a_clear_error(tmp_path) -> None:
    res = CliRunner().invoke(cli, ["train", "--out", str(tmp_path / "nothing")])
    assert res.exit_code == 1
    assert "graph.json: no graph here" in res.output


def test_eval_without_model_is_a_clear_error(tmp_path) -> None:
    toy_kg().save(tmp_path)
    res = CliRunner().invoke(cli, ["eval", "--out", str(tmp_path)])
    assert res.exit_code == 1
    assert "model.json: no trained model here" in res.output


def test_eval_refuses_a_model_of_another_graph(tmp_path) -> None:
    toy_kg(posts=4).save(tmp_path)
    runner = CliRunner()
    assert (
        runner.invoke(
            cli,
            ["train", "--out", str(tmp_path), "--epochs", "3", "--hidden", "8", "--no-progress"],
        ).exit_code
        == 0
    )
    toy_kg(posts=5).save(tmp_path)  # the graph changed after training
    res = runner.invoke(cli, ["eval", "--out", str(tmp_path)])
    assert res.exit_code == 1 and "different graph" in res.output


def test_help_has_examples() -> None:
    for cmd in ("train", "eval"):
        res = CliRunner().invoke(cli, [cmd, "--help"])
        assert res.exit_code == 0 and "Example:" in res.output
