"""kg.suggest.scoring: the decoder in NumPy, against the torch model and by hand."""

from __future__ import annotations

import numpy as np
import pytest

from kg.suggest.scoring import EmbeddingScorer, sigmoid


def _mlp(rng: np.random.Generator, d: int = 4, h: int = 6) -> list[tuple[np.ndarray, np.ndarray]]:
    return [
        (rng.normal(size=(d, h)).astype(np.float32), rng.normal(size=h).astype(np.float32)),
        (rng.normal(size=(h, 1)).astype(np.float32), rng.normal(size=1).astype(np.float32)),
    ]


def test_dot_and_mlp_by_hand() -> None:
    z = np.array([[1, 2], [3, -1], [0, 1]], dtype=np.float32)
    dot = EmbeddingScorer(["a", "b", "c"], ["paper"] * 3, z)
    assert dot.logits(0, np.array([1, 2])).tolist() == [1.0, 2.0]
    w0, b0 = np.array([[1, 0], [0, 1]], np.float32), np.array([0, -1], np.float32)
    w1, b1 = np.array([[1], [2]], np.float32), np.array([0.5], np.float32)
    mlp = EmbeddingScorer(["a", "b", "c"], ["paper"] * 3, z, "mlp", [(w0, b0), (w1, b1)])
    # pair (a, b): h0 = [3, -2]; h1 = relu([3, -3]) = [3, 0]; logit = 3 + 0 + 0.5
    assert mlp.logits(0, np.array([1])).tolist() == [3.5]
    assert mlp.scores(0, np.array([1]))[0] == pytest.approx(1 / (1 + np.exp(-3.5)))


def test_pool_logits_is_the_symmetric_all_pairs_matrix() -> None:
    rng = np.random.default_rng(0)
    z = rng.normal(size=(40, 4)).astype(np.float32)
    ids = [f"n{i}" for i in range(40)]
    for decoder, layers in (("dot", []), ("mlp", _mlp(rng))):
        s = EmbeddingScorer(ids, ["paper"] * 40, z, decoder, layers)
        s._block = lambda m: 3  # several blocks, one of them short
        pool = np.array([5, 0, 39, 7, 12, 20, 33])
        full = s.pool_logits(pool)
        want = s.logits_many(pool, pool)
        np.testing.assert_allclose(full, want, rtol=1e-5, atol=1e-5)
        np.testing.assert_array_equal(full, full.T)


def test_bad_inputs() -> None:
    z = np.zeros((2, 3), dtype=np.float32)
    with pytest.raises(ValueError, match="unknown decoder 'bilinear'"):
        EmbeddingScorer(["a", "b"], ["paper"] * 2, z, "bilinear")
    with pytest.raises(ValueError, match="an mlp decoder needs its layers"):
        EmbeddingScorer(["a", "b"], ["paper"] * 2, z, "mlp")
    with pytest.raises(ValueError, match="embeddings do not match"):
        EmbeddingScorer(["a"], ["paper"], z)


def test_sigmoid_is_stable() -> None:
    x = np.array([-800.0, -1.0, 0.0, 1.0, 800.0])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        y = sigmoid(x)
    assert y.tolist()[2] == 0.5 and y[0] == 0.0 and y[-1] == 1.0
    assert y[1] == pytest.approx(1 - y[3])


def test_numpy_scores_equal_the_torch_decoder() -> None:
    import torch

    import kg.learn.nn as nn
    import kg.learn.predictor

    torch.manual_seed(0)
    for decoder in ("mlp", "dot"):
        model = nn.LinkModel(5, hidden=8, layers=2, decoder=decoder).eval()
        x = torch.randn(6, 5)
        edge_index = torch.tensor([[0, 1, 2, 3, 4, 5], [1, 2, 3, 4, 5, 0]])
        with torch.no_grad():
            z = model.encode(x, edge_index)
            pairs = torch.tensor([[0] * 6, list(range(6))])
            want = model.decode(z, pairs).numpy()
        arrays = nn.decoder_arrays(model)
        layers = []
        i = 0
        while f"dec_w{i}" in arrays:
            layers.append((arrays[f"dec_w{i}"], arrays[f"dec_b{i}"]))
            i += 1
        scorer = EmbeddingScorer(
            [f"paper:{i}" for i in range(6)], ["paper"] * 6, z.numpy(), str(arrays["decoder"]), layers
        )
        got = scorer.logits(0, np.arange(6))
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
        # and the predictor's own NumPy twin agrees
        twin = kg.learn.predictor.score_pairs(z.numpy(), pairs.numpy(), arrays, logits=True)
        np.testing.assert_allclose(got, twin, rtol=1e-5, atol=1e-5)


def test_docstring_examples_run() -> None:
    import doctest

    import kg.suggest.scoring

    result = doctest.testmod(kg.suggest.scoring, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
