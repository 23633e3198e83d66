"""Tests of benchmarks.planetoid: raw Cora/CiteSeer files, and the model code on them (short run)."""

from __future__ import annotations

import pytest
import torch

from benchmarks.planetoid import load_planetoid, undirected_pairs
from kg.learn.split import link_split
from kg.learn.training import fit_link_model


def test_load_cora_and_citeseer(planetoid_dir) -> None:
    cora = load_planetoid("Cora", planetoid_dir)
    assert (cora.num_nodes, cora.num_features) == (2708, 1433)
    assert undirected_pairs(cora.edge_index).size(1) == 5278
    citeseer = load_planetoid("CiteSeer", planetoid_dir)
    assert (citeseer.num_nodes, citeseer.num_features) == (3327, 3703)
    assert set(cora.x.unique().tolist()) == {0.0, 1.0}  # binary bag of words
    rows = load_planetoid("Cora", planetoid_dir, normalize=True).x.sum(dim=1)
    assert torch.allclose(rows[rows > 0], torch.ones_like(rows[rows > 0]))


def test_bad_name_and_missing_files(tmp_path) -> None:
    with pytest.raises(ValueError, match="unknown Planetoid dataset 'PubMedX'"):
        load_planetoid("PubMedX", tmp_path)
    with pytest.raises(FileNotFoundError, match="ind.cora.x: missing Planetoid file"):
        load_planetoid("Cora", tmp_path)


def test_gae_protocol_split_and_short_training(planetoid_dir) -> None:
    torch.set_num_threads(1)
    data = load_planetoid("Cora", planetoid_dir)
    pairs = undirected_pairs(data.edge_index)
    split = link_split(pairs, torch.empty(2, 0, dtype=torch.long), data.num_nodes, seed=0)
    sizes = split.sizes()
    assert sizes == {"train": 4488, "val": 263, "test": 527}  # 85 / 5 / 10 of 5,278
    assert split.test_neg.size(1) == 527  # uniform negatives, as many as positives
    fit = fit_link_model(
        data.x,
        split,
        encoder="gcn",
        decoder="dot",
        degree=False,
        supervision=0.0,
        hidden=32,
        epochs=40,
        seed=0,
    )
    assert fit.test["auc"] > 0.80
