"""kg.related_eval: the leave-one-list-out protocol on small notes written here."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from kg import related_eval
from kg.cli import cli
from kg.related_eval import SCORERS, _query_metrics, evaluate_related, find_lists, format_related

LIST_A = """# Awesome few-shot

## Meta-learning

1. **Model-Agnostic Meta-Learning for Fast Adaptation of Deep Networks.** ICML 2017.
1. **Optimization as a Model for Few-shot Learning.** ICLR 2017.
1. **Meta-SGD: Learning to Learn Quickly for Few-Shot Learning.** arXiv 2017.

## Metric learning

1. **Matching Networks for One Shot Learning.** NeurIPS 2016.
1. **Prototypical Networks for Few-shot Learning.** NeurIPS 2017.
1. **Learning to Compare: Relation Network for Few-Shot Learning.** CVPR 2018.

## Unsorted

1. **Graph Attention Networks.** ICLR 2018.
"""

LIST_B = """# Awesome graphs

## Few-shot and zero-shot

1. **Matching Networks for One Shot Learning.** NeurIPS 2016.
1. **Prototypical Networks for Few-shot Learning.** NeurIPS 2017.
1. **Model-Agnostic Meta-Learning for Fast Adaptation of Deep Networks.** ICML 2017.

## Basic models

1. **Graph Attention Networks.** ICLR 2018.
1. **Semi-Supervised Classification with Graph Convolutional Networks.** ICLR 2017.
1. **Inductive Representation Learning on Large Graphs.** NeurIPS 2017.
"""

LIST_C = """# Awesome audio

## Speech

1. **WaveNet: A Generative Model for Raw Audio.** arXiv 2016.
1. **Tacotron: Towards End-to-End Speech Synthesis.** Interspeech 2017.
"""

POST = """---
title: Reading notes
---

## Why I read papers

Some prose about reading, attention, graphs and sparse rewards.

## Reinforcement learning

Policy gradients and value functions, in prose.

## Self-supervised learning

Contrastive objectives, in prose.

## Graph learning

1. **Semi-Supervised Classification with Graph Convolutional Networks.** ICLR 2017.
1. **Graph Attention Networks.** ICLR 2018.

## Learning to learn

1. **Optimization as a Model for Few-shot Learning.** ICLR 2017.
1. **Learning to Compare: Relation Network for Few-Shot Learning.** CVPR 2018.
"""


@pytest.fixture(scope="module")
def notes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("notes")
    for name, text in (("list-a", LIST_A), ("list-b", LIST_B), ("list-c", LIST_C), ("blog", POST)):
        (root / name).mkdir()
        (root / name / "README.md").write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def result(notes: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    cache = tmp_path_factory.mktemp("cache")
    lists = [notes / "list-a", notes / "list-b", notes / "list-c"]
    return evaluate_related([notes], lists, cache_dir=cache, epochs=3, patience=3)


def test_metrics_break_ties_at_random_in_expectation() -> None:
    rel = np.array([True, False, False, True, False])
    flat = _query_metrics(np.zeros(5), rel)
    # first relevant of 2 among 5 in random order: E[1/rank] = sum_k P(first at k) / k
    want = sum(math.comb(5 - k, 1) / math.comb(5, 2) / k for k in range(1, 5))
    assert flat["mrr"] == pytest.approx(want)
    assert flat["p@5"] == pytest.approx(2 / 5) and flat["auc"] == 0.5
    perfect = _query_metrics(np.array([5.0, 1, 1, 4, 0]), rel)
    assert perfect == {"mrr": 1.0, "p@5": pytest.approx(2 / 5), "auc": 1.0}
    worst = _query_metrics(-np.array([5.0, 1, 1, 4, 0]), rel)
    assert worst["auc"] == 0.0 and worst["mrr"] == pytest.approx(1 / 4)


def test_each_list_is_held_out_and_its_kept_papers_ranked(result: dict) -> None:
    a, b, c = (result["lists"][n] for n in ("list-a", "list-b", "list-c"))
    # list-a: its papers the other notes hold (list-b and the blog); Unsorted groups nothing
    assert a["papers"] == 6 and a["kept"] == 5
    # list-b: Matching, Prototypical, MAML via list-a; GCN, GAT via the blog
    assert b["papers"] == 6 and b["kept"] == 5 and b["queries"] == 5
    # list-c: the other notes hold none of its papers: counted, no queries, not averaged
    assert (c["papers"], c["kept"], c["queries"]) == (2, 0, 0)
    assert result["lists_averaged"] == 2
    assert result["queries"] == a["queries"] + b["queries"]
    for name in SCORERS:
        row = result["mean"][name]
        assert 0.0 <= row["mrr"] <= 1.0 and 0.0 <= row["p@5"] <= 1.0 and 0.0 <= row["auc"] <= 1.0
    assert result["mean"]["random"]["auc"] == 0.5


def test_the_held_out_list_never_enters_its_graph(notes: Path) -> None:
    rest = related_eval._rest_paths([notes], notes / "list-a")
    assert [p.name for p in rest] == ["blog", "list-b", "list-c"]
    assert related_eval._rest_paths([notes / "blog", notes / "list-a"], notes / "list-a") == [
        notes / "blog"
    ]


def test_table_and_json_through_the_command(notes: Path, tmp_path: Path) -> None:
    args = ["eval", "--related", str(notes), "--list", str(notes / "list-b"),
            "--out", str(tmp_path), "--epochs", "3"]
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == 0, res.output
    assert "held out list-b: 6 listed papers, 5 kept" in res.output
    assert "mean over 1 lists (5 queries)" in res.output
    assert (tmp_path / "related-cache" / "models").is_dir()
    res = CliRunner().invoke(cli, [*args, "--json"])
    data = json.loads(res.output)
    assert set(data["mean"]) == set(SCORERS) and data["lists"]["list-b"]["queries"] == 5
    assert format_related(data).splitlines()[0].startswith("held out list-b")


def test_paper_lists_are_found_by_their_shape(notes: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(related_eval, "MIN_LIST_PAPERS", 3)
    monkeypatch.setattr(related_eval, "MIN_PAPERS_PER_NOTE", 3)
    assert [p.name for p in find_lists([notes])] == ["list-a", "list-b"]  # not the blog, not c (2)


def test_kept_features_are_the_rows_the_scores_came_from(
    notes: Path, result: dict, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from kg.suggest.related import EVIDENCE_RANKER, FEATURES

    cache = tmp_path_factory.mktemp("cache-features")
    lists = [notes / "list-a", notes / "list-b", notes / "list-c"]
    got = evaluate_related([notes], lists, cache_dir=cache, epochs=3, patience=3, keep_features=True)
    for entry in got["lists"].values():
        kept = entry["features"]
        assert kept["names"] == list(FEATURES) and len(kept["queries"]) == entry["queries"]
        if not entry["queries"]:
            continue
        # the evidence ranker's logits of the kept rows give the evidence row of the table
        per = [_query_metrics(EVIDENCE_RANKER.logits(np.asarray(q["rows"])), np.asarray(q["relevant"]))
               for q in kept["queries"]]
        for m in ("mrr", "p@5", "auc"):
            assert np.nanmean([r[m] for r in per]) == pytest.approx(entry["results"]["evidence"][m])
    assert "features" not in result["lists"]["list-a"]


def test_the_ceiling_search_does_at_least_as_well_as_any_feature_alone(
    notes: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from benchmarks.related_ceiling import _means, ceiling, standardised

    cache = tmp_path_factory.mktemp("cache-ceiling")
    got = evaluate_related([notes], [notes / "list-a", notes / "list-b"], cache_dir=cache,
                           epochs=3, patience=3, keep_features=True)
    out = ceiling(got, tries=60)
    names, lists = standardised(got)
    alone = max(_means(lists, np.eye(len(names))[j])["mrr"] for j in range(len(names)))
    for sign in ("weights >= 0", "any sign"):
        row = out["rows"][f"fitted to the answers for MRR, {sign}"]
        assert row["mrr"] >= alone - 1e-12 and 0.0 <= row["p@5"] <= 1.0
    assert all(v >= 0 for v in out["rows"]["fitted to the answers for MRR, weights >= 0"]["weights"].values())
    assert out["floor"]["mrr"] == pytest.approx(
        1.3 * max(got["mean"][h]["mrr"] for h in ("common_neighbors", "adamic_adar", "resource_allocation")))
