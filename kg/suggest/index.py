"""Suggestions at any size: the ``kg suggest`` index written at build time, and bounded
page suggestions on large graphs.

Two jobs, both run by ``kg build`` after training:

* :func:`write_suggest_index` writes the compact index :meth:`kg.suggest.suggester.Suggester.load`
  keeps beside the model (``suggest-cache.json``: the graph's adjacency, the name keys and
  the staleness verdict), so the *first* ``kg suggest`` after a build reads it instead of
  parsing ``graph.json`` and fingerprinting the graph.
* :func:`page_suggestions` gives the HTML page its suggestions. Up to
  :data:`PAGE_EXACT_MAX` entity nodes every entity gets its top ``k`` exactly
  (:meth:`kg.learn.predictor.LinkPredictor.suggestions_for_all`). Above it, scoring every entity
  against every other with the MLP decoder costs ``m^2 d^2`` multiply-adds (hours at
  45,000 entities), so the page lists suggestions for the :data:`PAGE_MAX_NODES` best
  connected entities, and each of those scores its candidates in two stages: the
  decoder's linear part (``sum_k z_u[k] z_v[k] c[k]`` with ``c = W_0 W_1 ... W_last``, one
  matrix product over all candidates at once) keeps the best :data:`PRESELECT`, and the
  exact decoder ranks those. With a related-works ranker in the model (``kg train`` fits
  one), the page instead shows exactly what ``kg suggest`` prints for the
  :data:`RANKED_MAX_NODES` best connected entities (about 50 ms each on two cores at
  35,000 nodes). ``kg suggest`` itself always ranks every candidate exactly.

Example
-------
>>> import numpy as np
>>> linear_weights({"decoder": "dot"}) is None
True
>>> w = {"decoder": "mlp", "dec_w0": np.eye(2, dtype=np.float32), "dec_b0": np.zeros(2, np.float32),
...      "dec_w1": np.array([[2.0], [1.0]], dtype=np.float32), "dec_b1": np.zeros(1, np.float32)}
>>> linear_weights(w).tolist()
[2.0, 1.0]
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "PAGE_EXACT_MAX",
    "PAGE_MAX_NODES",
    "PRESELECT",
    "RANKED_MAX_NODES",
    "write_suggest_index",
    "linear_weights",
    "page_suggestions",
]

#: Up to this many entity nodes the page's suggestions are exact for every entity.
PAGE_EXACT_MAX = 6000
#: Above :data:`PAGE_EXACT_MAX`, the page lists suggestions for this many entities (highest
#: degree first); ``kg suggest`` answers for any node.
PAGE_MAX_NODES = 2000
#: Candidates per query kept by the linear pre-selection for exact scoring.
PRESELECT = 256
#: Above :data:`PAGE_EXACT_MAX`, with a related-works ranker: entities the page lists
#: suggestions for (each ranked exactly as ``kg suggest`` ranks it)
RANKED_MAX_NODES = 500


def write_suggest_index(out: str | os.PathLike[str]) -> Path | None:
    """Write ``out``'s suggest index now (what the first ``kg suggest`` would build).

    Returns the index file, or ``None`` when the folder holds no model to index.
    """
    from kg.io import SUGGEST_CACHE
    from kg.suggest.suggester import Suggester

    out = Path(out)
    try:
        Suggester.load(out, cache=True)
    except FileNotFoundError:
        return None
    path = out / SUGGEST_CACHE
    return path if path.exists() else None


def linear_weights(decoder: dict[str, Any]) -> np.ndarray | None:
    """``c`` with ``logit ~ sum_k z_u[k] z_v[k] c[k]`` (the MLP without its ReLUs and
    biases); ``None`` for the dot decoder (exact already: ``c = 1``)."""
    if str(decoder.get("decoder")) != "mlp":
        return None
    c = None
    i = 0
    while f"dec_w{i}" in decoder:
        w = np.asarray(decoder[f"dec_w{i}"], dtype=np.float32)
        c = w if c is None else c @ w
        i += 1
    return None if c is None else c[:, 0]


def page_suggestions(
    predictor: Any, kg: Any, k: int = 5, *, max_nodes: int = PAGE_MAX_NODES
) -> dict[str, list[dict[str, Any]]]:
    """Suggestions for the HTML page (see the module docstring): exact for every entity on
    graphs up to :data:`PAGE_EXACT_MAX` entities, else for the ``max_nodes`` entities of
    highest degree with a linear pre-selection."""
    from kg.graph.schema import ENTITY_TYPES
    from kg.suggest.suggester import TIE_TOL, Suggester

    entities = [n for n, t in zip(predictor.ids, predictor.types, strict=True) if t in ENTITY_TYPES]
    if len(entities) <= PAGE_EXACT_MAX:
        return predictor.suggestions_for_all(k=k, graph=kg)
    suggester = Suggester.from_predictor(predictor, graph=kg)
    scorer = suggester.scorer
    degree = dict(kg.graph.degree())
    queries = sorted(entities, key=lambda n: (-degree.get(n, 0), n))[:max_nodes]
    if suggester.ranker is not None:  # the related-works ranker: exactly what `kg suggest` says
        return suggester.suggestions_for_all(k=k, nodes=queries[:RANKED_MAX_NODES])
    pool = np.array([scorer.row[n] for n in entities if n in kg.graph], dtype=np.int64)
    c = linear_weights(predictor.decoder)
    zp = scorer.z[pool]
    zc = zp if c is None else zp * c
    out: dict[str, list[dict[str, Any]]] = {}
    block = 256
    for start in range(0, len(queries), block):
        chunk = queries[start : start + block]
        rows = np.asarray([scorer.row[n] for n in chunk], dtype=np.int64)
        approx = scorer.z[rows] @ zc.T  # [block, pool]
        for nid, row, scores in zip(chunk, rows, approx, strict=True):
            drop = {scorer.row[n] for n in (*suggester.linked(nid), nid) if n in scorer.row}
            ok = ~np.isin(pool, list(drop))
            cands, s = pool[ok], scores[ok]
            if cands.size > PRESELECT:
                keep = np.argpartition(-s, PRESELECT - 1)[:PRESELECT]
                cands = cands[keep]
            logits = scorer.logits(int(row), cands)
            order = suggester._order(cands, logits)
            found = suggester._build(nid, cands[order], logits[order], k, True, TIE_TOL, 3)
            out[nid] = [{kk: v for kk, v in s.to_dict().items() if kk != "rank"} for s in found]
    return out
