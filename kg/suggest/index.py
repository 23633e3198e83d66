"""Suggestions at any size: the ``kg suggest`` index written at build time, and bounded
page suggestions on large graphs.

Run by ``kg build`` after training:

* :func:`write_suggest_index` writes the binary index :meth:`kg.suggest.suggester.Suggester.load`
  keeps beside the model (``suggest-index.npz``, see :func:`kg.suggest.store.save_index`: the graph's
  adjacency as CSR arrays, node ids, labels and name keys packed as one UTF-8 array plus
  offsets each, the label-word postings, the embedding rows and the staleness verdict), so
  the *first* ``kg suggest`` after a build reads a few numeric arrays instead of parsing
  ``graph.json`` and fingerprinting the graph, and never reads ``embeddings.npz``'s id
  strings.
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
* After a small edit (``kg build`` fine-tuning the previous model), :func:`reusable_page`
  keeps the previous page's suggestions of the entities the edit cannot have reached, so
  only the others are scored again.

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
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from kg.suggest.scoring import sigmoid
from kg.suggest.store import _from_json_bytes, read_index, save_index

__all__ = [
    "PAGE_EXACT_MAX",
    "PAGE_MAX_NODES",
    "PRESELECT",
    "RANKED_MAX_NODES",
    "write_suggest_index",
    "linear_weights",
    "page_suggestions",
    "reusable_page",
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


def write_suggest_index(
    out: str | os.PathLike[str], predictor: Any = None, suggester: Any = None,
    page: Mapping[str, Any] | None = None,
) -> Path | None:
    """Write ``out``'s suggest index now (what the first ``kg suggest`` would build).

    ``predictor`` and ``suggester``: the model just saved into ``out`` and its
    :class:`kg.suggest.suggester.Suggester` over the graph it was trained on, also saved there
    (``kg build`` has both from the page's suggestions); their index is written as it is,
    instead of parsing ``graph.json`` back (seconds at 50,000 nodes). Without them,
    ``out``'s files are read.

    Returns the index file, or ``None`` when the folder holds no model to index.
    """
    from kg.io import SUGGEST_CACHE
    from kg.suggest.suggester import Suggester, _match_keys

    out = Path(out)
    path = out / SUGGEST_CACHE
    if suggester is not None and predictor is not None:
        ranker = (getattr(predictor, "config", None) or {}).get("ranker")
        save_index(path, stale=False, ranker=ranker, index=suggester.index,
                   text=suggester.text, keys=_match_keys(suggester.index),
                   emb_ids=suggester.scorer.ids, emb_types=suggester.scorer.types,
                   page=page, context=suggester.context.to_compact(),
                   norms=suggester.row_norms())  # fmt: skip
        return path if path.exists() else None
    try:
        Suggester.load(out, cache=True)
    except FileNotFoundError:
        return None
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
    predictor: Any, kg: Any, k: int = 5, *, max_nodes: int = PAGE_MAX_NODES,
    suggester: Any = None, reuse: Mapping[str, list[dict[str, Any]]] | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """Suggestions for the HTML page (see the module docstring): exact for every entity on
    graphs up to :data:`PAGE_EXACT_MAX` entities, else for the ``max_nodes`` entities of
    highest degree with a linear pre-selection.

    ``suggester``: :meth:`kg.suggest.suggester.Suggester.from_predictor` of ``predictor`` over
    ``kg``, when the caller has it (``kg build`` keeps it for :func:`write_suggest_index`).
    ``reuse``: suggestions kept from the previous build (:func:`reusable_page`); only the
    other entities are scored.
    """
    from kg.graph.schema import ENTITY_TYPES
    from kg.suggest.suggester import Suggester

    if suggester is None:
        suggester = Suggester.from_predictor(predictor, graph=kg)
    reuse = reuse or {}
    entities = [n for n, t in zip(predictor.ids, predictor.types, strict=True) if t in ENTITY_TYPES]
    if len(entities) <= PAGE_EXACT_MAX:
        listed = [n for n in entities if n in suggester.index.nodes]
    else:
        degree = dict(kg.graph.degree())
        queries = sorted(entities, key=lambda n: (-degree.get(n, 0), n))[:max_nodes]
        listed = queries[:RANKED_MAX_NODES] if suggester.ranker is not None else queries
    todo = [n for n in listed if n not in reuse]
    if len(entities) <= PAGE_EXACT_MAX or suggester.ranker is not None:
        # exactly what `kg suggest` says (with the related-works ranker on large graphs)
        fresh = suggester.suggestions_for_all(k=k, nodes=todo)
    else:
        fresh = _preselected(predictor, kg, suggester, todo, entities, k)
    return {n: reuse[n] if n in reuse else fresh[n] for n in listed if n in reuse or n in fresh}


def reusable_page(
    out: str | os.PathLike[str], suggester: Any, k: int = 5, *, hops: int = 2
) -> dict[str, list[dict[str, Any]]]:
    """The page suggestions of the previous build in ``out`` that still hold after an edit.

    The previous build's index (:func:`kg.suggest.store.save_index`) keeps its graph and its page. A node
    *changed* when it was added or removed or its attributes or links changed; the change
    reaches the nodes within ``hops`` links of it (what shared-neighbour evidence and a
    two-layer GNN see), not passing through venues, housekeeping headings and hubs (they
    are no evidence); a node added, removed or renamed also reaches the nodes whose labels
    share a word with it (the text feature; words in a fifth of all labels tell nothing and
    are skipped). A node's suggestions are kept when it was not reached and no node they
    list changed (the features of a pair change only with its two nodes or a neighbour they
    share, which would have reached the query); ``{}`` when there is no usable previous
    index, it was made for another ``k``, or the hub threshold moved. The model's scores in
    kept lists are the previous model's (a fine-tune moves them little).
    """
    from kg.graph.adjacency import COMPACT_ATTRS
    from kg.io import SUGGEST_CACHE
    from kg.outdir import current

    try:
        path = current(Path(out)) / SUGGEST_CACHE
        with np.load(path, allow_pickle=False) as npz:
            if "page" not in npz.files:
                return {}
            page = _from_json_bytes(npz["page"])
        before = read_index(path)
    except (OSError, ValueError, KeyError):
        return {}
    if before is None or not isinstance(page, dict) or page.get("k") != k:
        return {}
    old, new = before["index"], suggester.index
    from kg.suggest.related import Evidence

    was = Evidence(old)
    if was.hub_degree != suggester.evidence.hub_degree:
        return {}  # which nodes count as hubs moved: every shared-neighbour score may change

    def links(index: Any, nid: str) -> set[tuple[str, str, bool]]:
        return {(w, r, o) for w, rels in index.neighbors(nid).items() for r, o in rels}

    def attrs(index: Any, nid: str) -> dict[str, Any]:
        a = index.nodes.get(nid, {})
        return {c: a[c] for c in COMPACT_ATTRS if c in a}

    renamed = {n for n in old.nodes if n not in new.nodes}  # removed, added or relabelled
    changed = set(renamed)
    for n in new.nodes:
        if n not in old.nodes or attrs(old, n) != attrs(new, n):
            renamed.add(n)
            changed.add(n)
        elif links(old, n) != links(new, n):
            changed.add(n)
    reached = set(changed)
    frontier = changed
    evidence = suggester.evidence
    for _ in range(hops):
        nxt = set()
        for n in frontier:
            if n in new.nodes and evidence.blocked(n) and (n not in old.nodes or was.blocked(n)):
                continue  # a venue, a housekeeping heading or a hub: no evidence through it
            for index in (old, new):
                nxt.update(w for w in index.neighbors(n) if w not in reached)
        reached |= nxt
        frontier = nxt
    text = suggester.text
    limit = 0.2 * len(new.nodes) + 50
    for n in renamed:  # a label-word score changes only with the labels themselves
        if n in new.nodes:
            for t in text.tokens(n):
                post = text.postings.get(t, ())
                if len(post) <= limit:
                    reached.update(post)
    kept = {}
    for q, found in page.get("suggestions", {}).items():
        if q in reached or q not in new.nodes:
            continue
        # the features of (q, c) change only when q, c or a neighbour they share changed: a
        # shared one would have reached q, so a listed c must itself be unchanged
        listed = {s.get("id") for s in found} | {t for s in found for t in s.get("tied_with", ())}
        if listed & changed or not all(x in new.nodes for x in listed):
            continue
        kept[q] = found
    return _without_newcomers(kept, suggester, renamed, k)


def _without_newcomers(
    kept: dict[str, list[dict[str, Any]]], suggester: Any, renamed: set[str], k: int
) -> dict[str, list[dict[str, Any]]]:
    """``kept`` less the lists a node added or renamed would now enter: the meaning of a
    title (the ``semantic`` feature) ties a new paper to queries that share no word or
    neighbour with it, so each such node is scored against each kept query (a handful of
    pairs per query) and a list it would reach, at or above its lowest score (or any list
    shorter than ``k``), is dropped."""
    rows = suggester.scorer.row
    news = [n for n in renamed if n in suggester.index.nodes and n in rows]
    if not news or suggester.ranker is None or not kept:
        return kept
    out = {}
    for q, found in kept.items():
        if not found:
            out[q] = found
            continue
        wanted = suggester.answer_types(q)
        linked = suggester.linked(q)
        cands = np.array([rows[n] for n in news if n != q and n not in linked
                          and suggester.index.type(n) in wanted], dtype=np.int64)  # fmt: skip
        if cands.size:
            if len(found) < k:
                continue
            p = sigmoid(suggester.rank_logits(q, cands))  # as the listed scores were made
            if float(p.max()) >= min(float(s["score"]) for s in found) * (1 - 1e-6):
                continue
        out[q] = found
    return out


def _preselected(
    predictor: Any, kg: Any, suggester: Any, queries: list[str], entities: list[str], k: int
) -> dict[str, list[dict[str, Any]]]:
    """Page suggestions of ``queries`` with the linear pre-selection (no ranker, large graph)."""
    from kg.suggest.suggester import TIE_TOL

    scorer = suggester.scorer
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
