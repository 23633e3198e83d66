"""The labeling trick separates links a node-level GNN must tie (the paper's example)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from kg.learn.nn import LinkModel
from kg.symmetry.labeling import SubgraphExtractor, drnl, train_labeling_trick
from kg.symmetry.orbits import automorphism_orbits

# v1 - a - v2 - v3 - b - c (indices 0..5): v2 and v3 share an orbit; (v1, v2) is at distance 2
# and (v1, v3) at distance 3, so the two links differ although their end nodes do not.
PATH6 = np.array([[0, 1], [1, 2], [2, 3], [3, 4], [4, 5]])
V1, V2, V3 = 0, 2, 3


def test_drnl_by_hand() -> None:
    inf = np.inf
    assert drnl(np.array([0, 2, 1, 1, 2, inf]), np.array([2, 0, 1, 2, 2, 1])).tolist() == [1, 1, 2, 3, 5, 0]


def test_subgraph_of_path_pair() -> None:
    ex = SubgraphExtractor(6, PATH6, num_hops=2, label="drnl")
    g = ex.extract(V1, V2)
    assert g.nodes.tolist()[:2] == [V1, V2]
    assert set(g.nodes.tolist()) == {0, 1, 2, 3, 4}
    # target edge removed from positives' own subgraphs
    g = ex.extract(2, 3)
    assert not any({int(a), int(b)} == {0, 1} for a, b in g.edge_index.T)


def test_zero_one_and_de_labels() -> None:
    z01 = SubgraphExtractor(6, PATH6, num_hops=1, label="zero_one").extract(V1, V2).z
    assert z01.tolist()[:2] == [1, 1] and set(z01[2:].tolist()) == {0}
    de = SubgraphExtractor(6, PATH6, num_hops=2, label="de")
    assert de.extract(V1, V2).z.tolist() != de.extract(V1, V3).z.tolist()


def test_plain_gnn_ties_the_two_links_for_any_weights() -> None:
    assert automorphism_orbits(6, PATH6)[V2] == automorphism_orbits(6, PATH6)[V3]
    edge_index = torch.from_numpy(np.concatenate([PATH6, PATH6[:, ::-1]]).T.copy())
    x = torch.ones(6, 1)
    for seed in range(3):
        torch.manual_seed(seed)
        model = LinkModel(1, hidden=16, layers=3).double()
        with torch.no_grad():
            z = model.encode(x.double(), edge_index)
            s = model.decode(z, torch.tensor([[V1, V1], [V2, V3]]))
        assert torch.allclose(z[V2], z[V3], atol=1e-12)
        assert float(s[0]) == pytest.approx(float(s[1]), abs=1e-12)


def test_labeling_trick_separates_the_two_links() -> None:
    ex = SubgraphExtractor(6, PATH6, num_hops=2, label="drnl")
    assert sorted(ex.extract(V1, V2).z.tolist()) != sorted(ex.extract(V1, V3).z.tolist())
    model = train_labeling_trick(
        6, PATH6, np.array([[V1, V2]]), train_neg=np.array([[V1, V3]]), num_hops=2,
        hidden=16, layers=2, epochs=60, batch_size=2, lr=0.01, seed=0, device="cpu",
    )
    s = model.score(np.array([[V1, V2], [V1, V3]]))
    assert s[0] > s[1] + 1.0
    assert model.evaluate(np.array([[V1, V2], [V1, V3]]), np.array([1, 0])) == {"accuracy": 1.0, "auc": 1.0}


def test_training_is_reproducible() -> None:
    cycle = np.array([[i, (i + 1) % 10] for i in range(10)] + [[0, 5]])

    def run() -> np.ndarray:
        m = train_labeling_trick(10, cycle, cycle, epochs=3, hidden=8, layers=2, seed=1, device="cpu")
        return m.score(np.array([[0, 2], [0, 4], [3, 7]]))

    np.testing.assert_array_equal(run(), run())


def test_unknown_label_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="unknown label 'spd'"):
        SubgraphExtractor(3, np.array([[0, 1]]), label="spd")


# A path of 10 nodes. Two layers with the degree as input see ends, next-to-ends and
# next-to-next-to-ends, but not nodes 3..6 apart; the stable partition splits them into
# {3, 6} and {4, 5}. So (0, 3) and (0, 4) fall in one class pair of the 2-layer GNN.
PATH10 = np.array([[i, i + 1] for i in range(9)])


def test_labeling_trick_passes_the_l_round_ceiling() -> None:
    from kg.symmetry.ceiling import expressivity_ceiling
    from kg.symmetry.wl import gnn_colors, wl_refine

    deg = np.bincount(PATH10.ravel(), minlength=10)
    two = gnn_colors(10, PATH10, None, 2, degree=deg)
    assert two.tolist() == [0, 1, 2, 3, 3, 3, 3, 2, 1, 0]
    assert wl_refine(10, PATH10).tolist() == [0, 1, 2, 3, 4, 4, 3, 2, 1, 0]
    pairs, y = np.array([[0, 3], [0, 4]]), np.array([1, 0])
    c2 = expressivity_ceiling(pairs, y, two, ordered=False)
    assert (c2.accuracy, c2.auc) == (0.5, 0.5)
    assert expressivity_ceiling(pairs, y, wl_refine(10, PATH10), ordered=False).accuracy == 1.0

    # the project's 2-layer GNN (degree input) ties the two pairs for any weights
    e = torch.from_numpy(np.concatenate([PATH10, PATH10[:, ::-1]]).T.copy())
    for seed in range(3):
        torch.manual_seed(seed)
        model = LinkModel(1, hidden=16, layers=2).double()
        with torch.no_grad():
            s = model.decode(model.encode(torch.ones(10, 1).double(), e), torch.from_numpy(pairs.T.copy()))
        assert float(s[0]) == pytest.approx(float(s[1]), abs=1e-12)

    lt = train_labeling_trick(
        10, PATH10, pairs[:1], train_neg=pairs[1:], num_hops=2,
        hidden=16, layers=2, epochs=60, batch_size=2, lr=0.01, seed=0, device="cpu",
    )
    m = lt.evaluate(pairs, y)
    assert m["accuracy"] > c2.accuracy and m["auc"] > c2.auc


def test_isomorphic_subgraphs_tie_exactly_in_float64() -> None:
    # star: centre 0, leaves 1..4, leaf 4 holds 5. (5, 1), (5, 2), (5, 3) are automorphic pairs.
    star = np.array([[0, 1], [0, 2], [0, 3], [0, 4], [4, 5]])
    lt = train_labeling_trick(6, star, star, epochs=3, hidden=8, layers=2, num_hops=2, seed=0, device="cpu")
    lt.net.double()
    s = lt.score(np.array([[5, 1], [5, 2], [5, 3], [5, 0]]))
    assert s.dtype == np.float64
    assert np.abs(s[:3] - s[0]).max() <= 1e-12
