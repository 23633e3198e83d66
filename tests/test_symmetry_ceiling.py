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


# A path 0-1-2-3-4-5 (one node type). Stable 1-WL: {0,5} {1,4} {2,3}. One round without
# degrees merges the inner nodes 1..4; the degree as input splits them again after one round.
PATH6 = np.array([[0, 1], [1, 2], [2, 3], [3, 4], [4, 5]])
DEG6 = np.array([1, 2, 2, 2, 2, 1])
PAIRS6 = np.array([[0, 2], [0, 1], [5, 3]])  # (0,2) and (5,3) links, (0,1) not
Y6 = np.array([1, 0, 1])


def test_l_round_ceiling_by_hand() -> None:
    from kg.symmetry.wl import gnn_colors, wl_refine

    stable = wl_refine(6, PATH6)
    assert stable.tolist() == [0, 1, 2, 2, 1, 0]
    c = expressivity_ceiling(PAIRS6, Y6, stable, ordered=False)
    assert (c.accuracy, c.auc, c.groups) == (1.0, 1.0, 2)

    one = gnn_colors(6, PATH6, None, 1)
    assert one.tolist() == [0, 1, 1, 1, 1, 0]  # merged where the stable partition splits
    c = expressivity_ceiling(PAIRS6, Y6, one, ordered=False)
    # all three pairs are (end, inner): one class pair with 2 links, 1 non-link
    assert c.accuracy == pytest.approx(2 / 3)
    assert c.auc == 0.5
    assert (c.groups, c.mixed_groups, c.mixed_pairs) == (1, 1, 3)

    assert gnn_colors(6, PATH6, None, 0, degree=DEG6).tolist() == one.tolist()
    assert gnn_colors(6, PATH6, None, 1, degree=DEG6).tolist() == stable.tolist()
    assert gnn_colors(6, PATH6, None, 5).tolist() == stable.tolist()  # converged


def test_l_round_classes_are_what_an_l_layer_gnn_computes() -> None:
    """A real (untrained, random-weight) GNN of the project gives equal embeddings wherever
    the L-round colours are equal, so the L-round ceiling bounds it. GraphSAGE's mean cannot
    count neighbours, so without the degree input it merges even more (0 and 1 here); with
    the degree input (the project's default) it separates exactly the L-round classes."""
    import torch

    from kg.learn.nn import LinkModel
    from kg.symmetry.wl import gnn_colors

    torch.manual_seed(0)
    e = torch.from_numpy(np.concatenate([PATH6, PATH6[:, ::-1]]).T.copy())
    x = torch.ones(6, 1, dtype=torch.float64)
    for layers, degree in [(1, False), (2, False), (1, True)]:
        model = LinkModel(1, hidden=8, layers=layers, degree=degree).double().eval()
        with torch.no_grad():
            z = model.encode(x, e).numpy()
        colors = gnn_colors(6, PATH6, None, layers, degree=DEG6 if degree else None)
        same_z = np.abs(z[:, None, :] - z[None, :, :]).max(-1) < 1e-12
        same_c = colors[:, None] == colors[None, :]
        assert same_z[same_c].all(), (layers, degree)  # the bound
        if degree:
            assert (same_z == same_c).all()  # and tight
        with torch.no_grad():
            s = model.decode(torch.from_numpy(z), torch.from_numpy(PAIRS6.T.copy())).numpy()
        m = pair_metrics(Y6, np.round(s, 9))
        c = expressivity_ceiling(PAIRS6, Y6, colors, ordered=False)
        assert m["accuracy"] <= c.accuracy + 1e-12 and m["auc"] <= c.auc + 1e-12
