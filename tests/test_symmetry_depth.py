"""The depth study: one row per depth with validation MRR and smoothness."""

from __future__ import annotations

import numpy as np
import pytest
from _symmetry_graphs import forest

from kg.symmetry.depth import depth_study, smoothness


def test_smoothness_by_hand() -> None:
    same = np.ones((4, 3))
    s = smoothness(same, np.array([[0, 1], [1, 2], [2, 3]]))
    assert s["cosine"] == pytest.approx(1.0) and s["dirichlet"] == 0.0
    opposite = np.array([[1.0, 0.0], [-1.0, 0.0]])
    s = smoothness(opposite, np.array([[0, 1]]))
    assert s["cosine"] == pytest.approx(-1.0) and s["dirichlet"] == pytest.approx(2.0)


def test_depth_rows() -> None:
    rows = depth_study(forest(), depths=[1, 3], epochs=5, hidden=8, device="cpu")
    assert [r["layers"] for r in rows] == [1, 3]
    for r in rows:
        assert 0.0 < r["val_mrr"] <= 1.0
        assert -1.0 <= r["cosine"] <= 1.0 and r["dirichlet"] >= 0.0
