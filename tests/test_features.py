"""Tests of kg.learn.features: tokens, hashing, kinds, determinism (NumPy only)."""

from __future__ import annotations

import numpy as np
import pytest

from kg.learn.features import (
    FEATURE_KINDS,
    log_degree,
    node_features,
    node_text,
    random_features,
    text_features,
    tokens,
    type_onehot,
)


def test_tokens_latin_words_and_char_trigrams() -> None:
    assert tokens("GAT") == ["w:gat", "<ga", "gat", "at>"]


def test_tokens_cjk_char_ngrams_and_nfkc() -> None:
    toks = tokens("剪枝ＮＡＳ")
    assert {"剪", "枝", "剪枝", "w:nas"} <= set(toks)


def test_text_features_similar_texts_are_closer_in_both_languages() -> None:
    x = text_features(
        ["模型剪枝", "模型剪枝方法", "少样本学习", "graph attention", "graph attentions"]
    )
    assert x[0] @ x[1] > x[0] @ x[2]
    assert x[3] @ x[4] > x[3] @ x[2]
    np.testing.assert_allclose(np.linalg.norm(x, axis=1), 1.0, rtol=1e-5)


def test_text_features_are_deterministic_across_calls() -> None:
    a = text_features(["Pruning from Scratch", "图神经网络"], dim=64)
    b = text_features(["Pruning from Scratch", "图神经网络"], dim=64)
    assert np.array_equal(a, b)


def test_node_text_uses_label_aliases_and_notes() -> None:
    assert node_text({"label": "A", "aliases": ["B"], "notes": ["c d"]}) == ("A", "B c d")
    assert node_text({}) == ("", "")


def test_label_weighs_more_than_notes() -> None:
    x = text_features([("graph", "pruning"), "graph", "pruning"], dim=512)
    assert x[0] @ x[1] > x[0] @ x[2]


def test_type_onehot_and_unknown_type() -> None:
    assert type_onehot(["post", "topic"]).argmax(axis=1).tolist() == [0, 1]
    with pytest.raises(ValueError, match="unknown node type 'person'"):
        type_onehot(["person"])


def test_node_features_kinds_and_widths() -> None:
    nodes = [{"type": "paper", "label": "GCN"}, {"type": "venue", "label": "ICLR"}]
    widths = {k: node_features(nodes, k, dim=32).shape for k in FEATURE_KINDS}
    assert widths == {"full": (2, 37), "text": (2, 32), "type": (2, 5), "random": (2, 32)}
    with pytest.raises(ValueError, match="unknown features 'bert'"):
        node_features(nodes, "bert")


def test_type_features_ignore_text() -> None:
    nodes = [{"type": "paper", "label": "A"}, {"type": "paper", "label": "totally different"}]
    x = node_features(nodes, "type")
    assert np.array_equal(x[0], x[1])


def test_random_features_are_seeded() -> None:
    assert np.array_equal(random_features(3, 4, seed=7), random_features(3, 4, seed=7))
    assert not np.array_equal(random_features(3, 4, seed=7), random_features(3, 4, seed=8))


def test_log_degree_counts_both_ends() -> None:
    d = log_degree(4, np.array([[0, 0, 1], [1, 2, 2]]))
    assert np.allclose(np.expm1(d).ravel(), [2, 2, 2, 0])
