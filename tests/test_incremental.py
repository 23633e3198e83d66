"""Tests of kg.learn.incremental: change measure, carried split, warm start, and kg build after an edit."""

from __future__ import annotations

import numpy as np
from _toy_kg import toy_kg

from kg.learn.incremental import RANKER_KEEP_MAX, carried_split, graph_change, previous_model
from kg.learn.pyg import to_link_graph
from kg.learn.training import train

FAST = {"hidden": 8, "epochs": 5, "progress": False}


def _named(ids, arr) -> set[tuple[str, str]]:
    return {tuple(sorted((ids[u], ids[v]))) for u, v in np.asarray(arr).T.tolist()}


def test_graph_change_counts_nodes_and_edges_added_or_removed() -> None:
    assert graph_change(["a", "b"], [(0, 1)], ["a", "b"], [(0, 1)]) == 0.0
    assert graph_change(["a", "b"], [(0, 1)], ["b", "a"], [(1, 0)]) == 0.0  # order-free
    assert graph_change(["a", "b"], [(0, 1)], ["c"], []) == 1.0


def test_carried_split_keeps_every_old_pair_in_its_part() -> None:
    old_kg = toy_kg(posts=4)
    prev = train(old_kg, **FAST)
    new_kg = toy_kg(posts=5)  # one more post: new nodes and pairs, the old ones unchanged
    lg = to_link_graph(new_kg, dim=8)
    split = carried_split(prev, lg, val=0.05, test=0.10, seed=0)
    for part in ("train", "val", "test"):
        old = _named(prev.ids, prev.split[f"{part}_pos"])
        new = _named(lg.ids, split.__dict__[f"{part}_pos"])
        assert old <= new
    all_new = _named(lg.ids, lg.target)
    parts = [_named(lg.ids, getattr(split, f"{p}_pos")) for p in ("train", "val", "test")]
    assert set().union(*parts) == all_new and sum(map(len, parts)) == len(all_new)


def test_fine_tune_starts_from_the_previous_weights(tmp_path) -> None:
    kg = toy_kg(posts=4)
    prev = train(kg, **FAST)
    prev.save(tmp_path)
    again = previous_model(tmp_path, kg)
    assert again is not None
    tuned = train(kg, init=again, progress=False, hidden=8)
    fresh = train(kg, init=again, warm=False, progress=False, hidden=8, epochs=5)
    assert tuned.config.get("warm_start") is True and "warm_start" not in fresh.config
    assert tuned.config["epochs_trained"] <= 30
    # the fine-tune keeps the previous ranker as it was fitted; a fresh model fits its own
    assert tuned.config.get("ranker_kept") == 1 and "ranker_kept" not in fresh.config
    kept = {k: v for k, v in tuned.config["ranker"].items() if k != "concepts"}
    assert kept == {k: v for k, v in prev.config["ranker"].items() if k != "concepts"}
    tuned.config["ranker_kept"] = RANKER_KEEP_MAX  # kept that many builds in a row: refitted
    assert "ranker_kept" not in train(kg, init=tuned, progress=False, hidden=8).config
    # the carried split is the previous one when nothing changed
    for k in ("train_pos", "val_pos", "test_pos"):
        assert _named(tuned.ids, tuned.split[k]) == _named(prev.ids, prev.split[k])


def test_kept_ranker_reads_the_edited_headings_and_refuses_other_features() -> None:
    from kg.graph.adjacency import GraphIndex
    from kg.learn.incremental import kept_ranker
    from kg.suggest.related import context_headings, heading_concepts

    kg = toy_kg(posts=4)
    prev = train(kg, **FAST)
    edited = toy_kg(posts=5)
    got = kept_ranker(prev, edited)
    assert got is not None and got.kind == prev.config["ranker"]["kind"]
    full = GraphIndex.from_graph(edited.graph)
    assert got.concepts == heading_concepts(h for hs in context_headings(full).values() for h, _, _ in hs)
    prev.config["ranker"] = {**prev.config["ranker"], "features": ["shared_groups"]}
    assert kept_ranker(prev, edited) is None
    prev.config.pop("ranker")
    assert kept_ranker(prev, edited) is None


def test_no_previous_model_after_a_large_change_or_another_seed(tmp_path) -> None:
    prev = train(toy_kg(posts=2), **FAST)
    prev.save(tmp_path)
    assert previous_model(tmp_path, toy_kg(posts=6)) is None  # most of the graph is new
    assert previous_model(tmp_path, toy_kg(posts=2), seed=1) is None
    assert previous_model(tmp_path / "missing", toy_kg(posts=2)) is None


def test_kg_build_says_when_it_fine_tunes(tmp_path) -> None:
    from click.testing import CliRunner

    from kg.cli import cli

    notes = tmp_path / "notes"
    notes.mkdir()
    for i in range(6):
        (notes / f"n{i}.md").write_text(
            f"# Topic {i}\n\n## Sub {i}\n\n- Paper {i} one (ICLR 2020)\n- Paper {i} two (CVPR 2021)\n"
            f"- Paper {i} three (NeurIPS 2019)\n",
            encoding="utf-8",
        )
    out = str(tmp_path / "out")
    first = CliRunner().invoke(cli, ["build", str(notes), "--out", out])
    assert first.exit_code == 0, first.output
    assert "model: trained from scratch" in first.output
    (notes / "n0.md").write_text(
        "# Topic 0\n\n## Sub 0\n\n- Paper 0 one (ICLR 2020)\n- Paper 0 two (CVPR 2021)\n",
        encoding="utf-8",
    )
    second = CliRunner().invoke(cli, ["build", str(notes), "--out", out])
    assert second.exit_code == 0, second.output
    assert "model: fine-tuned from the previous model" in second.output
    assert "related-works ranker kept from it" in second.output
    third = CliRunner().invoke(cli, ["build", str(notes), "--out", out, "--retrain"])
    assert "model: trained from scratch" in third.output
    assert "ranker kept" not in third.output
