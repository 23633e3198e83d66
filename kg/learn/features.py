"""Node features for the link predictor: type one-hot, hashed text n-grams, log degree.

Everything here is NumPy only, deterministic and offline (no downloaded models), and works for
Chinese and English alike.

Feature kinds (``features=`` of :func:`kg.learn.training.train`):

``"full"`` (default)
    ``[type one-hot (5) | text hashing (``dim``)]``, plus the log degree that the model adds
    from the message-passing graph it is given (see :func:`log_degree`).
``"text"``
    text hashing only (plus log degree).
``"type"``
    the node-type one-hot only: a structure-only model, the setting the symmetry analysis
    uses (isomorphic nodes of the same type then get identical inputs).
``"random"``
    ``dim`` seeded Gaussian values per node: a control without any information in the inputs.

Text hashing (:func:`text_features`): the text of a node is its label, aliases and notes,
NFKC-normalised and case-folded. Latin, digit and other non-CJK runs give word tokens
(``w:graph``) and character 3-grams of ``<word>``; runs of CJK characters give character 1-,
2- and 3-grams. Each token is hashed with CRC-32 into ``dim`` buckets with a sign from a
second CRC (the "hashing trick"), counts are damped with ``log1p`` and each row is
L2-normalised. The label counts twice as much as aliases and notes.

Example
-------
>>> import numpy as np
>>> tokens("Graph 神经网络")
['w:graph', '<gr', 'gra', 'rap', 'aph', 'ph>', '神', '经', '网', '络', '神经', '经网', '网络', '神经网', '经网络']
>>> x = text_features(["graph neural network", "图神经网络", "graph neural networks"], dim=64)
>>> x.shape, x.dtype
((3, 64), dtype('float32'))
>>> bool(x[0] @ x[2] > x[0] @ x[1])
True
>>> type_onehot(["paper", "venue"]).tolist()
[[0.0, 0.0, 0.0, 1.0, 0.0], [0.0, 0.0, 0.0, 0.0, 1.0]]
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from kg.graph.schema import NODE_TYPES

__all__ = [
    "FEATURE_KINDS",
    "TEXT_DIM",
    "node_text",
    "tokens",
    "text_features",
    "type_onehot",
    "log_degree",
    "random_features",
    "node_features",
]

#: Accepted values of ``features=``.
FEATURE_KINDS: tuple[str, ...] = ("full", "text", "type", "random")

#: Default number of hashing buckets.
TEXT_DIM = 256

_CJK = (
    r"\u3040-\u30ff"  # kana
    r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # CJK ideographs
    r"\uac00-\ud7af"  # hangul
)
_RUNS = re.compile(rf"([{_CJK}]+)|([^\W{_CJK}]+)", re.UNICODE)


def node_text(attrs: Mapping[str, Any]) -> tuple[str, str]:
    """The ``(label, rest)`` texts of a node: its label, and aliases plus notes.

    >>> node_text({"label": "GNN", "aliases": ["Graph Neural Network"], "notes": ["survey"]})
    ('GNN', 'Graph Neural Network survey')
    """
    label = str(attrs.get("label") or "")
    rest = [str(a) for a in attrs.get("aliases") or []] + [str(n) for n in attrs.get("notes") or []]
    return label, " ".join(rest)


def tokens(text: str) -> list[str]:
    """Word tokens and character n-grams of ``text`` (see the module docstring).

    >>> tokens("GNN")
    ['w:gnn', '<gn', 'gnn', 'nn>']
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    out: list[str] = []
    for cjk, word in _RUNS.findall(text):
        if word:
            out.append(f"w:{word}")
            padded = f"<{word}>"
            out.extend(padded[i : i + 3] for i in range(max(1, len(padded) - 2)))
        else:
            for n in (1, 2, 3):
                out.extend(cjk[i : i + n] for i in range(len(cjk) - n + 1))
    return out


def _hash_into(row: np.ndarray, toks: Sequence[str], weight: float) -> None:
    dim = row.shape[0]
    counts: dict[int, float] = {}
    for tok in toks:
        data = tok.encode("utf-8")
        h = zlib.crc32(data) % dim
        counts[h] = counts.get(h, 0.0) + (1.0 if zlib.crc32(data, 0x9E3779B9) & 1 else -1.0)
    if counts:  # one vectorised update (NumPy scalar arithmetic per bucket is slow)
        idx = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        val = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        row[idx] += weight * np.sign(val) * np.log1p(np.abs(val))


def text_features(
    texts: Sequence[str | tuple[str, str]], dim: int = TEXT_DIM, label_weight: float = 2.0
) -> np.ndarray:
    """Hashed n-gram features, one L2-normalised ``float32`` row per text.

    Args:
        texts: strings, or ``(label, rest)`` pairs as from :func:`node_text`; the label part
            is weighted by ``label_weight``.
        dim: number of hash buckets.
        label_weight: weight of the label's tokens relative to aliases and notes.

    >>> text_features(["", "a"], dim=8)[0].tolist()
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    """
    out = np.zeros((len(texts), dim), dtype=np.float64)
    for i, text in enumerate(texts):
        label, rest = (text, "") if isinstance(text, str) else text
        _hash_into(out[i], tokens(label), label_weight)
        if rest:
            _hash_into(out[i], tokens(rest), 1.0)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    np.divide(out, norms, out=out, where=norms > 0)
    return out.astype(np.float32)


def type_onehot(types: Sequence[str]) -> np.ndarray:
    """One column per type of :data:`kg.graph.schema.NODE_TYPES` (``float32``)."""
    index = {t: i for i, t in enumerate(NODE_TYPES)}
    out = np.zeros((len(types), len(NODE_TYPES)), dtype=np.float32)
    for row, t in enumerate(types):
        if t not in index:
            raise ValueError(f"unknown node type {t!r}; expected one of {NODE_TYPES}")
        out[row, index[t]] = 1.0
    return out


def log_degree(num_nodes: int, edges: np.ndarray) -> np.ndarray:
    """``log(1 + degree)`` per node from a ``[2, m]`` edge array (each direction counts).

    The model computes the same column from whatever message-passing graph it runs on, so
    held-out edges never leak into it through the degree.

    >>> np.exp(log_degree(3, np.array([[0, 0], [1, 2]]))).round(3).ravel().tolist()
    [3.0, 2.0, 2.0]
    """
    deg = np.bincount(np.asarray(edges).reshape(-1), minlength=num_nodes).astype(np.float32)
    return np.log1p(deg)[:, None]


def random_features(num_nodes: int, dim: int = TEXT_DIM, seed: int = 0) -> np.ndarray:
    """Seeded standard-normal features (a no-information control).

    >>> random_features(2, 3, seed=1).shape
    (2, 3)
    """
    rng = np.random.default_rng(seed)
    return rng.standard_normal((num_nodes, dim)).astype(np.float32)


def node_features(
    nodes: Sequence[Mapping[str, Any]],
    kind: str = "full",
    *,
    dim: int = TEXT_DIM,
    seed: int = 0,
) -> np.ndarray:
    """The static feature matrix of ``nodes`` (dicts with ``type``, ``label``...), by ``kind``.

    >>> nodes = [{"type": "topic", "label": "GNN"}, {"type": "paper", "label": "GCN"}]
    >>> [node_features(nodes, k, dim=16).shape[1] for k in FEATURE_KINDS]
    [21, 16, 5, 16]
    """
    if kind not in FEATURE_KINDS:
        raise ValueError(f"unknown features {kind!r}; expected one of {', '.join(FEATURE_KINDS)}")
    if kind == "random":
        return random_features(len(nodes), dim, seed)
    if kind == "type":
        return type_onehot([n["type"] for n in nodes])
    text = text_features([node_text(n) for n in nodes], dim=dim)
    if kind == "text":
        return text
    return np.hstack([type_onehot([n["type"] for n in nodes]), text])
