"""The expressivity ceiling and the pair metrics, on pairs whose answers are known by hand."""

from __future__ import annotations

import numpy as np
import pytest

from kg.symmetry.ceiling import best_accuracy, expressivity_ceiling, pair_metrics, roc_auc


def test_tied_orbit_mates_cap_the_score() -> None:
    # query 0; candidates 1 and 2 are in one class, 3 alone. (0,1) is a link, (0,2) is not.
    pairs = np.array([[0, 1], [0, 2], [0, 3]])
    y = np.array([1, 0, 0])
    c = expressivity_ceiling(pairs, y, np.array([0, 1, 1, 2]))
    assert c.accuracy == pytest.approx(2 / 3)
    # best ranking: class pair (0,1) (rate 1/2) above (0,2) (rate 0): AUC = (1 + 0.5) / 2
    assert c.auc == pytest.approx(0.75)
    assert (c.groups, c.mixed_groups, c.mixed_pairs) == (2, 1, 2)


def test_all_distinct_classes_give_a_perfect_ceiling() -> None:
    pairs = np.array([[0, 1], [0, 2], [3, 4]])
    c = expressivity_ceiling(pairs, np.array([1, 0, 1]), np.arange(5))
    assert (c.accuracy, c.auc) == (1.0, 1.0)


def test_unordered_ceiling_merges_reversed_pairs() -> None:
    pairs = np.array([[0, 1], [1, 0]])
    y = np.array([1, 0])
    assert expressivity_ceiling(pairs, y, np.array([0, 1])).accuracy == 1.0
    assert expressivity_ceiling(pairs, y, np.array([0, 1]), ordered=False).accuracy == 0.5


@pytest.mark.parametrize("seed", range(10))
def test_no_class_pair_scorer_passes_the_ceiling(seed: int) -> None:
    rng = np.random.default_rng(seed)
    classes = rng.integers(0, 4, 30)
    pairs = rng.integers(0, 30, (200, 2))
    y = rng.integers(0, 2, 200)
    c = expressivity_ceiling(pairs, y, classes)
    table = rng.normal(size=(4, 4))  # an arbitrary score per class pair
    m = pair_metrics(y, table[classes[pairs[:, 0]], classes[pairs[:, 1]]])
    assert m["accuracy"] <= c.accuracy + 1e-12
    assert m["auc"] <= c.auc + 1e-12


def test_metrics_by_hand() -> None:
    assert roc_auc(np.array([1, 0, 1, 0]), np.array([0.9, 0.1, 0.5, 0.5])) == 0.875
    assert best_accuracy(np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8])) == 0.75
    assert best_accuracy(np.array([0, 0, 0]), np.array([0.3, 0.2, 0.1])) == 1.0
    assert np.isnan(roc_auc(np.array([1, 1]), np.array([0.1, 0.2])))
