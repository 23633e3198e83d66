"""Tests of kg.suggest.index: the index written at build time and bounded page suggestions."""

from __future__ import annotations

import numpy as np
from _toy_kg import toy_kg

import kg.suggest.index as si
from kg.io import SUGGEST_CACHE
from kg.learn.training import train
from kg.suggest.suggester import Suggester


def test_write_suggest_index_makes_the_first_suggest_read_the_cache(tmp_path) -> None:
    kg = toy_kg()
    kg.save(tmp_path)
    train(kg, hidden=8, epochs=3, progress=False).save(tmp_path)
    assert not (tmp_path / SUGGEST_CACHE).exists()
    path = si.write_suggest_index(tmp_path)
    assert path == tmp_path / SUGGEST_CACHE and path.exists()
    before = path.stat().st_mtime_ns
    Suggester.load(tmp_path).suggest("topic:root0", k=3)
    assert path.stat().st_mtime_ns == before  # read, not rebuilt
    assert si.write_suggest_index(tmp_path / "empty") is None


def test_linear_weights_of_an_mlp_are_the_product_of_its_layers() -> None:
    rng = np.random.default_rng(0)
    w0, w1 = rng.normal(size=(4, 4)).astype(np.float32), rng.normal(size=(4, 1)).astype(np.float32)
    dec = {"decoder": "mlp", "dec_w0": w0, "dec_b0": np.zeros(4), "dec_w1": w1, "dec_b1": np.zeros(1)}
    np.testing.assert_allclose(si.linear_weights(dec), (w0 @ w1)[:, 0], rtol=1e-6)


def test_page_suggestions_exact_on_small_graphs_bounded_on_large(monkeypatch) -> None:
    kg = toy_kg(posts=6)
    p = train(kg, hidden=8, epochs=5, progress=False)
    exact = si.page_suggestions(p, kg, k=3)
    assert exact == p.suggestions_for_all(k=3, graph=kg)
    monkeypatch.setattr(si, "PAGE_EXACT_MAX", 1)
    monkeypatch.setattr(si, "PRESELECT", 10**6)  # keep every candidate: must equal exact
    bounded = si.page_suggestions(p, kg, k=3, max_nodes=5)
    assert len(bounded) == 5
    for nid, found in bounded.items():
        assert [s["id"] for s in found] == [s["id"] for s in exact[nid]]
    monkeypatch.setattr(si, "PRESELECT", 4)
    small = si.page_suggestions(p, kg, k=3, max_nodes=5)
    assert all(len(found) == 3 for found in small.values())
