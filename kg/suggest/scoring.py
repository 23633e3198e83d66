"""NumPy scoring of saved node embeddings with the trained decoder (no torch).

:class:`EmbeddingScorer` reads ``embeddings.npz`` as written by
:meth:`kg.learn.predictor.LinkPredictor.save`: ``ids`` and ``types`` (unicode arrays), ``z``
(``float32 [n, d]``) and the decoder, ``decoder`` = ``"dot"`` or ``"mlp"`` plus, for ``mlp``,
``dec_w0, dec_b0, dec_w1, dec_b1, ...`` with ``dec_w{i}`` of shape ``[in, out]``. The
formula is the one :mod:`kg.learn.nn` defines in torch:

* ``dot``: ``logit = sum(z_u * z_v)``
* ``mlp``: ``h_0 = z_u * z_v``; ``h_{i+1} = relu(h_i @ dec_w{i} + dec_b{i})`` for every layer
  but the last; ``logit = h_last @ dec_w{last} + dec_b{last}``

and ``score = sigmoid(logit)``. Arithmetic is float32, like the model's; logits come back as
float64. Both decoders are symmetric in ``u`` and ``v``, which :meth:`EmbeddingScorer.pool_logits`
uses to score all pairs of a node set at half the cost.

Example
-------
>>> s = EmbeddingScorer(["a", "b", "c"], ["paper"] * 3, np.eye(3, dtype=np.float32))
>>> s.logits(0, np.array([0, 1, 2])).tolist()
[1.0, 0.0, 0.0]
>>> s.pool_logits(np.array([0, 2])).tolist()
[[1.0, 0.0], [0.0, 1.0]]
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["EmbeddingScorer", "decode", "mlp_layers", "score_matrix", "score_pairs", "sigmoid"]


def sigmoid(x: np.ndarray) -> np.ndarray:
    """The logistic function, without overflow warnings for large ``|x|`` (float64).

    >>> sigmoid(np.array([-1000.0, 0.0, 1000.0])).tolist()
    [0.0, 0.5, 1.0]
    """
    out = np.empty_like(x, dtype=np.float64)
    pos = x >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-x[pos]))
    ex = np.exp(x[~pos])
    out[~pos] = ex / (1.0 + ex)
    return out


def mlp_layers(decoder: Mapping[str, Any]) -> list[tuple[np.ndarray, np.ndarray]]:
    """The ``(dec_w{i}, dec_b{i})`` pairs of a saved decoder, in order (none for ``dot``).

    >>> mlp_layers({"decoder": "dot"})
    []
    """
    layers = []
    i = 0
    while f"dec_w{i}" in decoder:
        layers.append((np.asarray(decoder[f"dec_w{i}"]), np.asarray(decoder[f"dec_b{i}"])))
        i += 1
    return layers


def decode(
    h: np.ndarray, kind: str, layers: Sequence[tuple[np.ndarray, np.ndarray]] = ()
) -> np.ndarray:
    """Logits from the products ``h = z_u * z_v`` (``[..., d]``): the one NumPy decoder.

    ``dot`` sums ``h``; ``mlp`` runs it through ``layers`` (ReLU between them) and keeps the
    first output. :class:`EmbeddingScorer`, :func:`score_pairs` and the link predictor all
    decode here; :mod:`kg.learn.nn` defines the same in torch.

    >>> decode(np.array([[1.0, 2.0]]), "dot").tolist()
    [3.0]
    >>> decode(np.array([[1.0, -2.0]]), "mlp", [(np.eye(2), np.zeros(2)), (np.ones((2, 1)), np.ones(1))]).tolist()
    [2.0]
    """
    if kind == "dot":
        return h.sum(axis=-1)
    if kind != "mlp":
        raise ValueError(f"unknown decoder {kind!r}; expected dot or mlp")
    for i, (w, b) in enumerate(layers):
        if i > 0:
            h = np.maximum(h, h.dtype.type(0.0))
        h = h @ w + b
    return h[..., 0]


def score_pairs(
    z: np.ndarray, pairs: np.ndarray, decoder: Mapping[str, Any], *, logits: bool = False
) -> np.ndarray:
    """Scores of the ``[2, k]`` index pairs ``pairs`` (probabilities, or raw logits).

    >>> z = np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 1.0]], dtype=np.float32)
    >>> [round(float(s), 3) for s in score_pairs(z, np.array([[0, 0], [1, 2]]), {"decoder": "dot"})]
    [0.731, 0.5]
    """
    pairs = np.asarray(pairs, dtype=np.int64).reshape(2, -1)
    out = decode(z[pairs[0]] * z[pairs[1]], str(decoder["decoder"]), mlp_layers(decoder))
    return out if logits else sigmoid(out)


def score_matrix(
    z: np.ndarray,
    sources: np.ndarray,
    decoder: Mapping[str, Any],
    *,
    logits: bool = False,
    chunk: int = 32,
    candidates: np.ndarray | None = None,
) -> np.ndarray:
    """Dense ``[len(sources), n]`` scores of each source index against every node (against
    the rows ``candidates`` only, ``[len(sources), len(candidates)]``, when given).

    >>> z = np.eye(3, dtype=np.float32)
    >>> score_matrix(z, np.array([0]), {"decoder": "dot"}, logits=True).tolist()
    [[1.0, 0.0, 0.0]]
    >>> score_matrix(z, np.array([0]), {"decoder": "dot"}, logits=True, candidates=np.array([2, 0])).tolist()
    [[0.0, 1.0]]
    """
    sources = np.asarray(sources, dtype=np.int64).ravel()
    zc = z if candidates is None else z[np.asarray(candidates, dtype=np.int64)]
    if str(decoder["decoder"]) == "dot":
        out = z[sources] @ zc.T
    else:
        # (z_u * z_v) @ W_0 == z_v @ (z_u[:, None] * W_0): one [n, d] x [d, h] product per
        # source instead of an [n, d] temporary and a batched product (same values up to
        # rounding, several times faster)
        layers = mlp_layers(decoder)
        (w0, b0), rest = layers[0], layers[1:]
        z32, zc32 = np.asarray(z, dtype=np.float32), np.asarray(zc, dtype=np.float32)
        out = np.empty((len(sources), zc.shape[0]), dtype=np.float32)
        for i, src in enumerate(sources):
            h = zc32 @ (z32[src][:, None] * w0) + b0
            for w, b in rest:
                np.maximum(h, 0.0, out=h)
                h = h @ w + b
            out[i] = h[:, 0]
    return out if logits else sigmoid(out)


class EmbeddingScorer:
    """The saved embeddings and decoder, scored with NumPy.

    Args:
        ids: node ids, one per row of ``z``.
        types: node types, one per row.
        z: node embeddings ``[n, d]``.
        decoder: ``"dot"`` or ``"mlp"``.
        layers: for ``mlp``, ``(W_i, b_i)`` with ``W_i`` of shape ``[in, out]``.
        titles: the title vectors (``[n, 384]`` unit rows, :mod:`kg.learn.titles`), or
            ``None``.

    Example:
        >>> s = EmbeddingScorer(["a", "b"], ["paper", "paper"], np.eye(2, dtype=np.float32))
        >>> s.logits(0, np.array([0, 1])).tolist()
        [1.0, 0.0]
    """

    def __init__(
        self,
        ids: Sequence[str],
        types: Sequence[str],
        z: np.ndarray,
        decoder: str = "dot",
        layers: Sequence[tuple[np.ndarray, np.ndarray]] = (),
        titles: np.ndarray | None = None,
    ) -> None:
        if decoder not in ("dot", "mlp"):
            raise ValueError(f"unknown decoder {decoder!r}; expected dot or mlp")
        if decoder == "mlp" and not layers:
            raise ValueError("an mlp decoder needs its layers (dec_w0, dec_b0, ...)")
        self.ids = [str(i) for i in ids]
        self.types = [str(t) for t in types]
        self.z = np.asarray(z, dtype=np.float32)
        if self.z.ndim != 2 or self.z.shape[0] != len(self.ids) or len(self.types) != len(self.ids):
            raise ValueError(
                f"embeddings do not match: z {self.z.shape}, {len(self.ids)} ids, {len(self.types)} types"
            )
        self.decoder = decoder
        self.layers = [(np.asarray(w, np.float32), np.asarray(b, np.float32)) for w, b in layers]
        self.row = {nid: i for i, nid in enumerate(self.ids)}
        self.titles = None if titles is None else np.asarray(titles)
        if self.titles is not None and (self.titles.ndim != 2 or len(self.titles) != len(self.ids)):
            raise ValueError(f"title vectors do not match: {self.titles.shape}, {len(self.ids)} ids")

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> EmbeddingScorer:
        """Read ``embeddings.npz`` (see the module docstring for its arrays)."""
        path = Path(path)
        again = f"run `kg train --out {path.parent}` (or `kg build`) to write it again"
        try:
            with np.load(path, allow_pickle=False) as npz:
                arrays = {k: npz[k] for k in npz.files}
        except Exception as exc:  # a truncated zip, a pickle, another format: one line
            reason = " ".join(str(exc).split()) or type(exc).__name__
            raise ValueError(f"{path}: not a readable embeddings file ({reason}); {again}") from None
        if not isinstance(arrays, dict):
            raise ValueError(f"{path}: one array, not an embeddings archive; {again}")
        missing = [k for k in ("ids", "types", "z", "decoder") if k not in arrays]
        if missing:
            raise ValueError(f"{path}: missing arrays {', '.join(missing)}; {again}")
        try:
            decoder = str(arrays["decoder"])
            layers = []
            i = 0
            while f"dec_w{i}" in arrays:
                layers.append((arrays[f"dec_w{i}"], arrays[f"dec_b{i}"]))
                i += 1
            return cls(arrays["ids"].tolist(), arrays["types"].tolist(), arrays["z"], decoder, layers,
                       arrays.get("titles"))
        except (KeyError, TypeError, ValueError) as exc:
            reason = " ".join(str(exc).split()) or type(exc).__name__
            raise ValueError(f"{path}: not a kg embeddings file ({reason}); {again}") from None

    def logits(self, query: int, candidates: np.ndarray) -> np.ndarray:
        """Decoder logits of row ``query`` against the rows ``candidates``.

        Computed in float32, like the model itself, and returned as float64.
        """
        return self.logits_many(np.asarray([query]), candidates)[0]

    def logits_many(self, queries: np.ndarray, candidates: np.ndarray) -> np.ndarray:
        """Logits ``[len(queries), len(candidates)]`` of every query row against every candidate.

        The MLP decoder costs ``len(queries) * len(candidates) * d * d`` multiply-adds; this
        does them as one matrix product per block of queries.
        """
        return self._logits32(queries, candidates).astype(np.float64)

    def _logits32(self, queries: np.ndarray, candidates: np.ndarray) -> np.ndarray:
        zq = self.z[np.asarray(queries, dtype=np.int64)]
        zc = self.z[np.asarray(candidates, dtype=np.int64)]
        return self._decode(zq, zc)

    def _decode(self, zq: np.ndarray, zc: np.ndarray) -> np.ndarray:
        """float32 logits ``[len(zq), len(zc)]`` of embedding rows."""
        if self.decoder == "dot":
            return zq @ zc.T  # the sum of the products, as one matrix product
        h = (zq[:, None, :] * zc[None, :, :]).reshape(-1, zc.shape[1])
        return decode(h, "mlp", self.layers).reshape(len(zq), len(zc))

    def rows_per_block(self, m: int) -> int:
        """Query rows per block so that a block's work arrays stay around 16 MB."""
        per_row = m * (self.z.shape[1] if self.decoder == "mlp" else 1)
        return max(1, (1 << 22) // max(1, per_row))

    def pool_logits(self, pool: np.ndarray) -> np.ndarray:
        """The symmetric ``[m, m]`` float32 logits among the rows ``pool``.

        Both decoders are symmetric in ``u`` and ``v``, so only the upper triangle is
        computed (half the work of scoring every pair twice) and mirrored: the matrix is
        symmetric bit for bit, whatever rounding the BLAS kernels of the machine use.
        """
        m = int(pool.size)
        zp = self.z[np.asarray(pool, dtype=np.int64)]
        if self.decoder == "dot":
            return zp @ zp.T
        out = np.empty((m, m), dtype=np.float32)
        block = self.rows_per_block(m)
        for a in range(0, m, block):
            b = min(m, a + block)
            part = self._decode(zp[a:b], zp[a:])
            # the diagonal block scores (u, v) and (v, u) in different rows of one product,
            # which a kernel may round differently: keep its upper triangle only
            square = part[:, : b - a]
            lower = np.tril_indices(b - a, -1)
            square[lower] = square.T[lower]
            out[a:b, a:] = part
            out[a:, a:b] = part.T
        return out

    def scores(self, query: int, candidates: np.ndarray) -> np.ndarray:
        """``sigmoid`` of :meth:`logits`: predicted link probabilities."""
        return sigmoid(self.logits(query, candidates))
