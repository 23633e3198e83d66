"""Suggest related works the notes do not link yet, from a trained model, with NumPy only.

``kg train`` (or ``kg build``) leaves three files in its output folder: ``graph.json``,
``model.json`` (the training configuration, with the ``graph_fingerprint`` of the graph it
was trained on) and ``embeddings.npz`` (node ``ids``, ``types``, final embeddings ``z`` and
the decoder in NumPy form, see :mod:`kg.learn.nn`). :func:`suggest` reads them without importing
torch or networkx, resolves the query (node id, label, alias, then fuzzy; see
:mod:`kg.graph.lookup`), scores every candidate of the wanted types that is not already linked to
the query (any relation, either direction) and returns the best ``k`` as
:class:`Suggestion` records, each with the reasons of :func:`kg.suggest.reasons.explain`.

Scores come from :class:`kg.suggest.scoring.EmbeddingScorer` (the decoder's formula in NumPy);
``score = sigmoid(logit)``. Candidates are ranked by logit, then by node id.

Ties: candidates with equal embeddings (every coordinate within ``tie_tol``, relative to the
largest, default ``1e-6``) get equal scores from any query -- the model cannot tell them
apart (for instance nodes in one automorphism orbit, which a message-passing GNN embeds
identically). They form a *tie group*, listed together from the rank of the best of them.
Each such :class:`Suggestion` has ``tie`` (the group number, 1, 2, ... in rank order),
``tie_size`` and ``tied_with`` (the other members, also those ranked below ``k``); the text
output marks them ``=tie N``. Two different embeddings that merely happen to give the same
score for one query are not a tie.

A model whose ``graph_fingerprint`` differs from the graph's emits a
:class:`StaleModelWarning` (the suggestions still come, from the old embeddings).

Start-up is kept lean for the command line: no torch, networkx or rapidfuzz on the usual
path (rapidfuzz only for fuzzy queries), and a compact binary index of the graph kept in
``DIR/suggest-index.npz`` (see :meth:`Suggester.load`).

Example
-------
>>> import json, tempfile, numpy as np
>>> from pathlib import Path
>>> d = Path(tempfile.mkdtemp())
>>> graph = {"directed": True, "multigraph": True, "graph": {"schema_version": 1},
...   "nodes": [{"id": "topic:pruning", "type": "topic", "label": "Pruning"},
...             {"id": "paper:a", "type": "paper", "label": "A"},
...             {"id": "paper:b", "type": "paper", "label": "B"},
...             {"id": "paper:c", "type": "paper", "label": "C"}],
...   "links": [{"source": "paper:a", "target": "topic:pruning", "key": "part_of",
...              "relation": "part_of"},
...             {"source": "paper:b", "target": "topic:pruning", "key": "part_of",
...              "relation": "part_of"}]}
>>> _ = (d / "graph.json").write_text(json.dumps(graph))
>>> _ = (d / "model.json").write_text(json.dumps({"graph_fingerprint": fingerprint(graph)}))
>>> z = np.array([[1, 0], [1, 1], [1, 1], [0, 1]], dtype=np.float32)
>>> np.savez(d / "embeddings.npz", ids=np.array([n["id"] for n in graph["nodes"]]),
...          types=np.array([n["type"] for n in graph["nodes"]]), z=z, decoder=np.array("dot"))
>>> [(s.rank, s.id, round(s.score, 3)) for s in suggest(d, "A", k=2)]
[(1, 'paper:b', 0.881), (2, 'paper:c', 0.731)]
>>> suggest(d, "A", k=1)[0].reasons
['both listed under Pruning (topic)']
"""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from kg.graph.adjacency import GraphIndex
from kg.graph.schema import ENTITY_TYPES, NODE_TYPES
from kg.io import EMBEDDINGS_NPZ, GRAPH_JSON, MODEL_JSON, SUGGEST_CACHE, fingerprint
from kg.parallel import parallel_map
from kg.suggest.reasons import explain
from kg.suggest.related import (
    EVIDENCE_RANKER,
    FEATURES,
    ContextIndex,
    Evidence,
    Ranker,
    TextIndex,
    TitleCosines,
    pair_features,
)
from kg.suggest.scoring import EmbeddingScorer, sigmoid

__all__ = [
    "Suggestion",
    "Suggester",
    "StaleModelWarning",
    "suggest",
    "suggestions_for_all",
    "format_suggestions",
    "TIE_TOL",
    "SUGGEST_CACHE",
    "ANSWER_TYPES",
]

#: Relative tolerance under which two candidates' embeddings count as equal (a tie).
TIE_TOL = 1e-6
#: relative difference under which two logits are ordered as equal (by node id)
ORDER_TOL = 1e-5
#: Relative logit window searched for candidates with equal embeddings.
WINDOW_TOL = 1e-4
#: :meth:`Suggester.suggestions_for_all` keeps a float32 ``[m, m]`` score matrix up to this m.
SYMMETRIC_MAX = 6000
#: At most this many ids are listed in :attr:`Suggestion.tied_with`.
MAX_TIED_LISTED = 50

#: What a query of each type gets by default: a paper gets papers; a topic, a method or a
#: post gets papers and methods (those it does not already link); ``types=`` overrides.
ANSWER_TYPES: dict[str, tuple[str, ...]] = {
    "paper": ("paper",),
    "topic": ("paper", "method"),
    "method": ("paper", "method"),
    "post": ("paper", "method"),
    "venue": ("paper",),
}


class StaleModelWarning(UserWarning):
    """The model was trained on another version of the graph."""


@dataclass
class Suggestion:
    """One suggested node for a query.

    Attributes:
        rank: 1-based rank.
        id: node id.
        label: node label.
        type: node type.
        score: ``sigmoid(logit)``, the predicted probability of a link.
        reasons: why, from the graph (see :func:`kg.suggest.reasons.explain`).
        tie: number of the tie group (1, 2, ... in rank order) when other candidates have the
            same embedding, so the model cannot tell them apart; ``None`` otherwise.
        tie_size: how many candidates the tie group holds (0 when not tied).
        tied_with: the other candidates of the tie group (at most 50 listed).
        logit: the decoder's raw output (ranking uses it; ``score`` may round to 1.0).
    """

    rank: int
    id: str
    label: str
    type: str
    score: float
    reasons: list[str] = field(default_factory=list)
    tie: int | None = None
    tie_size: int = 0
    tied_with: list[str] = field(default_factory=list)
    logit: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """``{"rank", "id", "label", "type", "score", "reasons"}``, plus ``tie``,
        ``tie_size`` and ``tied_with`` when the candidate is tied."""
        out: dict[str, Any] = {
            "rank": self.rank,
            "id": self.id,
            "label": self.label,
            "type": self.type,
            "score": self.score,
            "reasons": list(self.reasons),
        }
        if self.tie is not None:
            out.update(tie=self.tie, tie_size=self.tie_size, tied_with=list(self.tied_with))
        return out


# -- files ---------------------------------------------------------------------------------
class Suggester:
    """A graph index plus a scorer: what :func:`suggest` needs, loaded once.

    Args:
        index: the graph (see :class:`kg.suggest.reasons.GraphIndex`).
        scorer: the embeddings and decoder.
        stale: a message when the model was trained on another graph, else ``None``.
        directory: the folder the files came from, if any.
    """

    def __init__(
        self,
        index: GraphIndex,
        scorer: EmbeddingScorer,
        *,
        stale: str | None = None,
        directory: Path | None = None,
        ranker: Ranker | None = None,
        id_rank: np.ndarray | None = None,
        in_graph: np.ndarray | None = None,
    ) -> None:
        self.index = index
        self.scorer = scorer
        self.stale = stale
        self.directory = directory
        self.ranker = ranker
        self._evidence: Evidence | None = None
        self._z: np.ndarray | None = None
        self._titles: TitleCosines | None = None
        self._norms: dict[str, np.ndarray] | None = None
        self._norms_of: Ranker | None = None
        self._text: TextIndex | None = None
        self._context: ContextIndex | None = None
        self._keys: dict[str, dict[str, list[str]]] | None = None
        ids = scorer.ids
        self._types = np.asarray(scorer.types)
        self._in_graph = (  # in_graph: the same, precomputed by the suggest index
            np.fromiter((n in index.nodes for n in ids), bool, count=len(ids))
            if in_graph is None
            else in_graph
        )
        # position of each id in sorted order: the tie-break of equal logits (``id_rank``:
        # the same, precomputed by the suggest index)
        self._id_rank = (
            np.argsort(np.argsort(np.asarray(ids)), kind="stable") if id_rank is None else id_rank
        )

    @classmethod
    def load(cls, directory: str | os.PathLike[str], *, cache: bool = True) -> Suggester:
        """Read ``graph.json``, ``model.json`` and ``embeddings.npz`` from ``directory``.

        With ``cache`` (the default) the graph index, the name keys, the embedding ids and
        the staleness verdict are kept in the binary ``DIR/suggest-index.npz``
        (:mod:`kg.suggest.store`; ``kg build`` writes it), valid while ``graph.json``,
        ``model.json`` and ``embeddings.npz`` keep their size and modification time (or,
        when those moved, their SHA-256): later runs skip parsing the whole graph and
        computing its fingerprint. Any change to those files rebuilds it; a folder that
        cannot be written just goes without.

        Raises:
            FileNotFoundError: no graph, or no trained model (the message says what to run).
            ValueError: a file that cannot be read (the message names it).
        """
        from kg.outdir import current

        directory = Path(directory)
        real = current(directory)  # every file from one version, even while a build switches
        gpath, mpath, epath = (real / n for n in (GRAPH_JSON, MODEL_JSON, EMBEDDINGS_NPZ))
        if not gpath.exists():
            raise FileNotFoundError(f"{gpath}: no graph here; run `kg build NOTES --out {directory}`")
        if not epath.exists() or not mpath.exists():
            missing = epath if not epath.exists() else mpath
            raise FileNotFoundError(
                f"{missing}: no trained model here; run `kg train --out {directory}` "
                f"(or `kg build` without --no-train)"
            )
        from kg.suggest.store import (
            PackedContext,
            load_scorer,
            pack_context,
            read_index,
            save_index,
        )

        cpath = real / SUGGEST_CACHE
        hit = read_index(cpath) if cache else None
        if hit is not None:
            index, text, keys = hit["index"], hit["text"], hit["keys"]
            is_stale, ranker = hit["stale"], hit["ranker"]
            scorer = load_scorer(epath, hit["emb_ids"], hit["emb_types"])
            id_rank, in_graph = hit["emb_id_rank"], hit["emb_in_graph"]
            context, norms = hit.get("context"), hit.get("norms")
        else:
            data = _read_json(gpath)
            model = _read_json(mpath)
            try:
                is_stale = model.get("graph_fingerprint") != fingerprint(data)
                ranker = model.get("ranker")
                index = GraphIndex.from_node_link(data)
                keys = _match_keys(index)
                text = TextIndex(index)
                context = norms = None
            except (KeyError, TypeError, AttributeError, ValueError) as exc:
                reason = " ".join(f"{type(exc).__name__}: {exc}".split())
                raise ValueError(
                    f"{gpath}: not a kg graph ({reason}); run `kg build NOTES --out {directory}`"
                ) from None
            del data
            scorer = EmbeddingScorer.load(epath)
            id_rank = in_graph = None
            if cache:
                concepts = Ranker.from_json(ranker).concepts if ranker is not None else None
                # packed once: the index keeps these arrays and this suggester reads them
                context = pack_context(index, ContextIndex(index, concepts).to_compact())
                norms = row_norms(scorer.z, Ranker.from_json(ranker).head if ranker else None)
                save_index(cpath, stale=is_stale, ranker=ranker, index=index, text=text,
                           keys=keys, emb_ids=scorer.ids, emb_types=scorer.types,
                           context=context, norms=norms)  # fmt: skip
        stale = (
            f"{mpath}: the model was trained on another version of {gpath.name}; "
            f"run `kg train --out {directory}` to refresh it"
            if is_stale
            else None
        )
        self = cls(index, scorer, stale=stale, directory=directory,
                   ranker=Ranker.from_json(ranker) if ranker is not None else None,
                   id_rank=id_rank, in_graph=in_graph)  # fmt: skip
        self._keys = keys
        self._text = text
        if norms is not None and ("emb_rel_norm" in norms) == bool(self.ranker and self.ranker.head):
            self._norms, self._norms_of = dict(norms), self.ranker
        concepts = self.ranker.concepts if self.ranker else None
        if context is not None:  # arrays: read per query, not up front
            self._context = PackedContext(index, context, concepts, self.evidence)
        return self

    @classmethod
    def from_arrays(
        cls,
        graph: Any,
        ids: Sequence[str],
        types: Sequence[str],
        z: np.ndarray,
        decoder: str = "dot",
        layers: Sequence[tuple[np.ndarray, np.ndarray]] = (),
        titles: np.ndarray | None = None,
    ) -> Suggester:
        """A suggester over a graph in memory (KnowledgeGraph, networkx graph or node-link data)."""
        if isinstance(graph, Mapping):
            index = GraphIndex.from_node_link(graph)
        elif hasattr(graph, "iter_nodes") and hasattr(graph, "iter_edges"):
            index = GraphIndex({str(n): dict(a) for n, a in graph.iter_nodes()})
            index.adj = {n: {} for n in index.nodes}
            for u, v, k, attrs in graph.iter_edges():
                index.add_edge(str(u), str(v), str(attrs.get("relation", k)))
                if attrs.get("section"):
                    index.sections.setdefault(str(v), {})[str(u)] = str(attrs["section"])
        else:
            index = GraphIndex.from_graph(graph)
        return cls(index, EmbeddingScorer(ids, types, z, decoder, layers, titles))

    @classmethod
    def from_predictor(cls, predictor: Any, graph: Any = None, *, check: bool = True) -> Suggester:
        """A suggester over a trained :class:`kg.learn.predictor.LinkPredictor`.

        Args:
            predictor: has ``ids``, ``types``, ``z``, ``decoder`` (dict of NumPy arrays),
                ``config`` and ``path``.
            graph: the graph it was trained on; default ``predictor.path / "graph.json"``.
            check: compare the graph's fingerprint with the model's (``False`` where the
                caller has just trained it on ``graph``: seconds on a large graph).

        Raises:
            ValueError: no graph given and the predictor has no folder with one.
        """
        decoder = dict(predictor.decoder)
        kind = str(decoder.get("decoder", "dot"))
        layers = []
        i = 0
        while f"dec_w{i}" in decoder:
            layers.append((decoder[f"dec_w{i}"], decoder[f"dec_b{i}"]))
            i += 1
        trained_on = (getattr(predictor, "config", None) or {}).get("graph_fingerprint")
        path = getattr(predictor, "path", None)
        if graph is None:
            gpath = Path(path) / GRAPH_JSON if path is not None else None
            if gpath is None or not gpath.exists():
                raise ValueError(
                    "this predictor has no graph.json beside it; pass graph= (the graph it "
                    "was trained on) or save it into the build's output folder first"
                )
            graph = _read_json(gpath)
        self = cls.from_arrays(graph, predictor.ids, predictor.types, predictor.z, kind, layers,
                               getattr(predictor, "titles", None))
        ranker = (getattr(predictor, "config", None) or {}).get("ranker")
        self.ranker = Ranker.from_json(ranker) if ranker is not None else None
        if trained_on is not None and check:
            if isinstance(graph, Mapping):
                now = fingerprint(graph)
            elif hasattr(graph, "fingerprint"):
                now = graph.fingerprint()
            else:
                now = trained_on  # a bare networkx graph: nothing to compare with
            if now != trained_on:
                self.stale = "the model was trained on another version of the graph; retrain it"
        self.directory = Path(path) if path is not None else None
        return self

    # -- queries ------------------------------------------------------------------------
    def find_one(self, text: str) -> str:
        """The node id ``text`` names (id, label, alias, then fuzzy; see :mod:`kg.graph.lookup`).

        Raises:
            LookupError: unknown or ambiguous, with the closest matches on one line.
        """
        stripped = text.strip()
        if stripped in self.index.nodes:
            return stripped
        from kg.notes.names import match_key

        key = match_key(text)
        if key:
            # the exact and alias tiers of kg.graph.lookup.find_one, without rapidfuzz
            if self._keys is None:
                self._keys = _match_keys(self.index)
            for tier in ("label", "alias"):
                hits = self._keys[tier].get(key, [])
                if len(hits) == 1:
                    return hits[0]
                if hits:
                    break
        from kg.graph.knowledge_graph import KnowledgeGraph
        from kg.graph.lookup import find_one

        return find_one(KnowledgeGraph.from_records(self.index.nodes, []), text)

    def linked(self, nid: str) -> set[str]:
        """Nodes joined to ``nid`` by any relation, in either direction."""
        return set(self.index.neighbors(nid))

    @property
    def evidence(self) -> Evidence:
        """The hub-aware shared-neighbour evidence of the graph (built on first use)."""
        if self._evidence is None:
            self._evidence = Evidence(self.index)
        return self._evidence

    @property
    def text(self) -> TextIndex:
        """The label-text index of the graph (built on first use)."""
        if self._text is None:
            self._text = TextIndex(self.index)
        return self._text

    @property
    def context(self) -> ContextIndex:
        """The words of the headings each item is filed under in all the notes, with the
        glossary concepts the model kept for them (built on first use)."""
        if self._context is None:
            concepts = self.ranker.concepts if self.ranker is not None else None
            self._context = ContextIndex(self.index, concepts, self.evidence)
        return self._context

    @property
    def note(self) -> str | None:
        """A sentence for the user when the ranking is not learned (a graph too small)."""
        return self.ranker.note if self.ranker is not None else None

    def answer_types(self, query: str, types: Iterable[str] | None = None) -> set[str]:
        """The candidate types for ``query``: ``types`` when given, else :data:`ANSWER_TYPES`."""
        if types is not None:
            return _check_types(types)
        return set(ANSWER_TYPES.get(self.index.type(query), ENTITY_TYPES))

    def features(self, query: str, cands: np.ndarray, gnn: np.ndarray | None = None, *,
                 with_gnn: bool = False) -> np.ndarray:  # fmt: skip
        """:func:`kg.suggest.related.pair_features` of ``query`` against scorer rows ``cands``
        (``gnn``: the decoder's logits for them, when already computed; the embedding
        cosines are added here; ``with_gnn``: even when the ranker does not use them)."""
        row = self.scorer.row.get(query)
        if row is not None and cands.size and (
            with_gnn or self.ranker is None or self.ranker.uses_gnn
        ):
            if gnn is None:  # the decoder's logits (d * d per candidate) only when they count
                gnn = (self.scorer.logits(row, cands) if with_gnn or self._logit_counts()
                       else np.zeros(cands.size))  # fmt: skip
            # the cosines as products with the query's row over lengths known up front: no
            # [n, d] array is scaled or projected per query
            z, norms = self._z64(), self.row_norms()
            zq = z[row]
            length = np.where(norms["emb_norm"] > 0, norms["emb_norm"], 1.0)
            cols = [gnn, (z @ zq)[cands] / (length[cands] * length[row])]
            if "emb_rel_norm" in norms:  # the cosine through the ranker's relatedness head
                head = np.asarray(self.ranker.head, dtype=np.float64)  # type: ignore[union-attr]
                rel = np.where(norms["emb_rel_norm"] > 0, norms["emb_rel_norm"], 1.0)
                cols.append((z @ (head @ (zq @ head)))[cands] / (rel[cands] * rel[row]))
            gnn = np.column_stack(cols)
        pos = np.full(len(self.scorer.ids), -1, dtype=np.int64)
        pos[cands] = np.arange(cands.size)
        return pair_features(
            self.evidence, self.text, query, cands, gnn, where=_Positions(self.scorer.row, pos),
            context=self.context, semantic=self._semantic(row, cands),
        )

    def _titles_of(self) -> TitleCosines | None:
        """The title-vector cosines of the scorer's rows (``None`` without title vectors),
        made once; one object assigned at once, as threads may ask side by side."""
        if self._titles is None and self.scorer.titles is not None:
            self._titles = TitleCosines(self.scorer.ids, self.scorer.titles, self.scorer.row)
        return self._titles

    def _meaning(self, query: str, cand: int) -> float | None:
        """The title-vector cosine of ``query`` and scorer row ``cand`` for the reasons
        (``None`` without title vectors, or when either has none)."""
        titles, row = self._titles_of(), self.scorer.row.get(query)
        return None if titles is None or row is None else titles.meaning(row, cand)

    def _semantic(self, row: int | None, cands: np.ndarray) -> np.ndarray | None:
        """The ``semantic`` column (``None`` without title vectors), as the training pairs
        had it (:class:`kg.suggest.related.TitleCosines`)."""
        titles = self._titles_of()
        return None if titles is None or row is None else titles.at(row, cands)

    def _build_indexes(self) -> None:
        """Build every index made on first use (evidence, text, context, sections, embedding
        lengths) now, so that threads ranking side by side only read them."""
        _ = self.evidence, self.text, self.context
        self.index.filed("")
        if self.ranker is None or self.ranker.uses_gnn:
            self.row_norms()

    def _z64(self) -> np.ndarray:
        """The embeddings as float64 (made once)."""
        if self._z is None:
            self._z = np.asarray(self.scorer.z, dtype=np.float64)
        return self._z

    def row_norms(self) -> dict[str, np.ndarray]:
        """Lengths of the embedding rows (``emb_norm``) and, with a ranker's relatedness
        head, of their images through it (``emb_rel_norm``): what the cosines of
        :meth:`features` divide by. Computed once here (the suggest index keeps them, so a
        query projects no row but its own)."""
        if self._norms is None or self._norms_of is not self.ranker:
            self._norms = row_norms(self._z64(), self.ranker.head if self.ranker else None)
            self._norms_of = self.ranker
        return self._norms

    def _logit_counts(self) -> bool:
        """Whether the ranking uses the decoder's logit (the ``gnn`` column): always without
        a ranker; with one, when it weighs that column (a ranker may use only the embedding
        cosines, and the logit costs a ``d x d`` product per candidate)."""
        return self.ranker is None or self.ranker.weights[FEATURES.index("gnn")] != 0.0

    def rank_logits(self, query: str, cands: np.ndarray) -> np.ndarray:
        """The ranking's logits for ``query`` against scorer rows ``cands``: the ranker's when
        the model has one, else the GNN decoder's."""
        if self.ranker is None:
            row = self.scorer.row.get(query)
            if row is None:
                raise LookupError(
                    f"{query} has no embedding: the model predates it; run `kg train` to refresh it"
                )
            return self.scorer.logits(row, cands)
        return self.ranker.logits(self.features(query, cands))

    def related_scores(self, query: str, candidates: Sequence[str]) -> dict[str, np.ndarray]:
        """Scores of ``candidates`` for ``query`` by the ranker and by each of its features
        (``{"ranker": ..., "shared_groups": ..., ..., "gnn": ...}``; higher is closer).

        What :mod:`kg.related_eval` compares; every array follows ``candidates``.
        """
        rows = self.scorer.row
        cands = np.asarray([rows[c] for c in candidates], dtype=np.int64)
        X = self.features(query, cands, with_gnn=True)
        ranker = self.ranker or EVIDENCE_RANKER
        out = {"ranker": ranker.logits(X)}
        out.update({name: X[:, j] for j, name in enumerate(FEATURES)})
        out["evidence"] = EVIDENCE_RANKER.logits(X)
        return out

    def _candidates(self, query: str, types: Iterable[str] | None) -> np.ndarray:
        wanted = self.answer_types(query, types)
        mask = np.isin(self._types, sorted(wanted)) & self._in_graph
        rows = self.scorer.row
        drop = [rows[n] for n in (*self.linked(query), query) if n in rows]
        mask[drop] = False
        return np.flatnonzero(mask)

    def _order(self, cands: np.ndarray, logits: np.ndarray) -> np.ndarray:
        """Positions sorting candidates by logit (high first), then node id.

        Logits within :data:`ORDER_TOL` (relative) of their neighbour in that order count as
        equal and go by node id: twins have equal embeddings, and their logits differ only
        by how a BLAS kernel rounds one matrix shape or another, so without this the page
        (scored in blocks) and ``kg suggest`` (one query) could order them differently.
        """
        order = np.argsort(-logits, kind="stable")
        s = logits[order]
        gap = np.abs(np.diff(s)) > ORDER_TOL * np.maximum(1.0, np.abs(s[1:]))
        group = np.concatenate(([0], np.cumsum(gap)))
        return order[np.lexsort((self._id_rank[cands[order]], group))]

    def _top(self, cands: np.ndarray, logits: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """``cands`` and ``logits`` in :meth:`_order`'s order, cut to the first ``4 k + 64``
        when what is cut cannot change the first ``k`` (nor their tie groups): the best are
        picked with a partial sort and the rest kept only when they come within a tie
        window of them, so this is what the full order would start with, at a fraction of
        the cost on 50,000 candidates."""
        keep = 4 * k + 64
        if cands.size > 2 * keep:
            part = np.argpartition(-logits, keep - 1)
            best, rest = part[:keep], part[keep:]
            low, high = float(logits[best].min()), float(logits[rest].max())
            top = float(logits[best].max())
            if low - high > 2 * WINDOW_TOL * max(1.0, abs(low), abs(high), abs(top)):
                cands, logits = cands[best], logits[best]
        order = self._order(cands, logits)
        return cands[order], logits[order]

    def suggest(
        self,
        query: str,
        k: int = 10,
        types: Iterable[str] | None = None,
        *,
        reasons: bool = True,
        tie_tol: float = TIE_TOL,
        max_path: int = 4,
    ) -> list[Suggestion]:
        """The ``k`` best candidates for ``query`` (resolved with :meth:`resolve`).

        Args:
            query: a node id, label, alias or approximate name.
            k: how many suggestions.
            types: candidate types (default: by the query's type, see :data:`ANSWER_TYPES`).
            reasons: compute the reasons (skip for speed).
            tie_tol: relative tolerance for equal embeddings (ties).
            max_path: longest path searched for a reason.
        """
        if self.stale:
            warnings.warn(self.stale, StaleModelWarning, stacklevel=2)
        nid = self.find_one(query)
        cands = self._candidates(nid, types)
        if k <= 0 or cands.size == 0:
            return []
        logits = self.rank_logits(nid, cands)
        if self.ranker is not None and not self.ranker.uses_gnn:
            tie_tol = -1.0  # no model in the ranking: equal embeddings tie nothing
        ranked, ranked_logits = self._top(cands, logits, k)
        return self._build(nid, ranked, ranked_logits, k, reasons, tie_tol, max_path)

    def _build(
        self,
        query: str,
        ranked: np.ndarray,
        logits: np.ndarray,
        k: int,
        with_reasons: bool,
        tie_tol: float,
        max_path: int,
    ) -> list[Suggestion]:
        """Suggestions for the first ``k`` of ``ranked`` (sorted), with their tie groups."""
        ids, z = self.scorer.ids, self.scorer.z
        taken = np.zeros(ranked.size, dtype=bool)
        picks: list[tuple[int, list[int]]] = []  # (position, positions of its tie group)
        i = 0
        while len(picks) < k and i < ranked.size:
            if taken[i]:
                i += 1
                continue
            # equal embeddings give equal logits up to rounding: look only in that window
            lead, zl = float(logits[i]), z[ranked[i]]
            window = WINDOW_TOL * max(1.0, abs(lead))
            etol = tie_tol * max(1.0, float(np.abs(zl).max(initial=0.0)))
            group = [i]
            j = i + 1
            while tie_tol >= 0 and j < ranked.size and abs(float(logits[j]) - lead) <= window:
                if not taken[j] and float(np.abs(z[ranked[j]] - zl).max(initial=0.0)) <= etol:
                    group.append(j)
                j += 1
            taken[group] = True
            picks.extend((g, group) for g in group)
            i += 1
        picks = picks[:k]
        probs = sigmoid(np.asarray([logits[p] for p, _ in picks], dtype=np.float64))
        out: list[Suggestion] = []
        groups: dict[int, int] = {}  # first position of a tie group -> its number
        for rank, ((pos, group), prob) in enumerate(zip(picks, probs, strict=True), start=1):
            nid = ids[ranked[pos]]
            tied = len(group) > 1
            if tied:
                groups.setdefault(group[0], len(groups) + 1)
            out.append(
                Suggestion(
                    rank=rank,
                    id=nid,
                    label=self.index.label(nid),
                    type=self.index.type(nid),
                    score=float(prob),
                    reasons=(
                        explain(self.index, query, nid, max_path=max_path, evidence=self.evidence,
                                text=self.text, context=self.context,
                                meaning=self._meaning(query, int(ranked[pos])),
                                model=self.ranker is None or self.ranker.uses_gnn)
                        if with_reasons
                        else []
                    ),
                    tie=groups[group[0]] if tied else None,
                    tie_size=len(group) if tied else 0,
                    tied_with=[ids[ranked[g]] for g in group if g != pos][:MAX_TIED_LISTED],
                    logit=float(logits[pos]),
                )
            )
        return out

    def suggestions_for_all(
        self,
        k: int = 5,
        types: Iterable[str] | None = None,
        *,
        nodes: Iterable[str] | None = None,
        reasons: bool = True,
        max_path: int = 4,
    ) -> dict[str, list[dict[str, Any]]]:
        """Top-``k`` suggestions of every node (default: every entity node with an embedding).

        Returns ``{node_id: [{"id", "label", "type", "score", "reasons"}, ...]}`` for the HTML
        page (tied candidates also carry ``tie``, ``tie_size`` and ``tied_with``): for each
        node exactly what :meth:`suggest` gives with the same ``k`` and ``types``.
        """
        if self.stale:
            warnings.warn(self.stale, StaleModelWarning, stacklevel=2)
        if nodes is None:
            nodes = [
                n
                for n, t in zip(self.scorer.ids, self.scorer.types, strict=True)
                if t in ENTITY_TYPES and n in self.index.nodes
            ]
        if self.ranker is not None:
            return self._ranked_for_all(list(nodes), k, types, reasons, max_path)
        wanted = _check_types(types)
        pool = np.flatnonzero(np.isin(self._types, sorted(wanted)) & self._in_graph)
        queries = [(n, self.scorer.row[n]) for n in nodes if n in self.scorer.row]
        keep = 4 * k + 64  # the best k plus room for their ties need a full sort
        out: dict[str, list[dict[str, Any]]] = {}
        where = np.full(len(self.scorer.ids), -1, dtype=np.int64)
        where[pool] = np.arange(pool.size)
        qrows = np.asarray([r for _, r in queries], dtype=np.int64)
        # most queries are candidates too: score the pool once, using the decoder's symmetry
        full = (
            self.scorer.pool_logits(pool)
            if 0 < pool.size <= SYMMETRIC_MAX
            and qrows.size * 2 > pool.size
            and bool((where[qrows] >= 0).all())
            else None
        )
        block = self.scorer.rows_per_block(pool.size)
        for start in range(0, len(queries), block):
            chunk = queries[start : start + block]
            rows = np.asarray([r for _, r in chunk], dtype=np.int64)
            logits = (
                full[where[rows]].astype(np.float64)
                if full is not None
                else self.scorer.logits_many(rows, pool)
            )
            for (nid, _), row_logits in zip(chunk, logits, strict=True):
                ok = np.ones(pool.size, dtype=bool)
                rows_of = self.scorer.row
                drop = where[[rows_of[n] for n in (*self.linked(nid), nid) if n in rows_of]]
                ok[drop[drop >= 0]] = False
                cands, cand_logits = pool[ok], row_logits[ok]
                if cands.size > keep:
                    part = np.argpartition(-cand_logits, keep - 1)[:keep]
                    cands, cand_logits = cands[part], cand_logits[part]
                order = self._order(cands, cand_logits)
                found = self._build(
                    nid, cands[order], cand_logits[order], k, reasons, TIE_TOL, max_path
                )
                out[nid] = [{kk: v for kk, v in s.to_dict().items() if kk != "rank"} for s in found]
        return out


    def _ranked_for_all(
        self,
        nodes: list[str],
        k: int,
        types: Iterable[str] | None,
        reasons: bool,
        max_path: int,
    ) -> dict[str, list[dict[str, Any]]]:
        """:meth:`suggest` for every node, with the decoder's logits computed in blocks."""
        ranker = self.ranker
        assert ranker is not None
        rows_of = self.scorer.row
        nodes = [n for n in nodes if n in self.index.nodes]
        by_types: dict[tuple[str, ...], list[str]] = {}
        for n in nodes:
            by_types.setdefault(tuple(sorted(self.answer_types(n, types))), []).append(n)
        found: dict[str, list[Suggestion]] = {}
        tie_tol = TIE_TOL if ranker.uses_gnn else -1.0
        self._build_indexes()  # before the threads below share them
        for wanted, queries in by_types.items():
            pool = np.flatnonzero(np.isin(self._types, list(wanted)) & self._in_graph)
            where = np.full(len(self.scorer.ids), -1, dtype=np.int64)
            where[pool] = np.arange(pool.size)

            def rank(chunk: list[str], pool: np.ndarray = pool, where: np.ndarray = where,
                     ) -> dict[str, list[Suggestion]]:  # fmt: skip
                with_row = [q for q in chunk if q in rows_of]
                gnn_rows = {}
                if ranker.uses_gnn and self._logit_counts() and with_row and pool.size:
                    rows = np.asarray([rows_of[q] for q in with_row], dtype=np.int64)
                    gnn_rows = dict(zip(with_row, self.scorer.logits_many(rows, pool), strict=True))
                got: dict[str, list[Suggestion]] = {}
                for q in chunk:
                    ok = np.ones(pool.size, dtype=bool)
                    drop = where[[rows_of[n] for n in (*self.linked(q), q) if n in rows_of]]
                    ok[drop[drop >= 0]] = False
                    cands = pool[ok]
                    if cands.size == 0:
                        got[q] = []
                        continue
                    g = gnn_rows.get(q)
                    logits = ranker.logits(self.features(q, cands, None if g is None else g[ok]))
                    ranked, ranked_logits = self._top(cands, logits, k)
                    got[q] = self._build(q, ranked, ranked_logits, k, reasons, tie_tol, max_path)
                return got

            block = self.scorer.rows_per_block(max(1, pool.size))
            # each block on its own (NumPy work, which releases the GIL): in two threads on
            # two cores, with the same result as in order
            for got in parallel_map(rank, [queries[i : i + block] for i in range(0, len(queries), block)]):
                found.update(got)
        return {
            n: [{kk: v for kk, v in s.to_dict().items() if kk != "rank"} for s in found[n]]
            for n in nodes
        }


def row_norms(z: np.ndarray, head: Sequence[Sequence[float]] | None = None) -> dict[str, np.ndarray]:
    """``{"emb_norm": |z_i|}`` and, with a relatedness ``head``, ``"emb_rel_norm": |z_i head|``
    (float64), see :meth:`Suggester.row_norms`.

    >>> {k: v.tolist() for k, v in row_norms(np.array([[3.0, 4.0]]), [[1.0], [0.0]]).items()}
    {'emb_norm': [5.0], 'emb_rel_norm': [3.0]}
    """
    z = np.asarray(z, dtype=np.float64)
    out = {"emb_norm": np.linalg.norm(z, axis=1)}
    if head:
        out["emb_rel_norm"] = np.linalg.norm(z @ np.asarray(head, dtype=np.float64), axis=1)
    return out


class _Positions:
    """Node id -> position among the candidates (``None`` when not one), from two arrays."""

    def __init__(self, rows: Mapping[str, int], pos: np.ndarray) -> None:
        self.rows, self.pos = rows, pos

    def get(self, nid: str) -> int | None:
        r = self.rows.get(nid)
        if r is None or self.pos[r] < 0:
            return None
        return int(self.pos[r])


def _parse_json(path: Path, raw: bytes) -> dict[str, Any]:
    again = f"run `kg build --out {path.parent}` to write it again"
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: not UTF-8 text ({exc.reason}); {again}") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg}); {again}") from None
    except RecursionError:
        raise ValueError(f"{path}: JSON nested too deeply; {again}") from None
    if not isinstance(data, dict):
        raise ValueError(
            f"{path}: a JSON {type(data).__name__}, not a kg file (an object); {again}"
        )
    return data


def _read_json(path: Path) -> dict[str, Any]:
    return _parse_json(path, path.read_bytes())


def _match_keys(index: GraphIndex) -> dict[str, dict[str, list[str]]]:
    """``{"label": {key: [ids]}, "alias": {key: [ids]}}`` with :func:`kg.graph.resolution.match_key`."""
    from kg.graph.lookup import label_names
    from kg.notes.names import match_key

    out: dict[str, dict[str, list[str]]] = {"label": {}, "alias": {}}
    for nid, attrs in index.nodes.items():
        label = str(attrs.get("label", nid))
        out["label"].setdefault(match_key(label), []).append(nid)
        names = [*(attrs.get("aliases") or []), *label_names(label)]
        for key in {match_key(str(a)) for a in names}:
            out["alias"].setdefault(key, []).append(nid)
    return out


def _check_types(types: Iterable[str] | None) -> set[str]:
    if types is None:
        return set(ENTITY_TYPES)
    wanted = {types} if isinstance(types, str) else set(types)
    bad = sorted(wanted - set(NODE_TYPES))
    if bad:
        raise ValueError(f"unknown node type {', '.join(bad)}; expected one of {', '.join(NODE_TYPES)}")
    return wanted


def _as_suggester(source: Any, graph: Any = None) -> Suggester:
    if isinstance(source, Suggester):
        return source
    if isinstance(source, (str, os.PathLike)):
        return Suggester.load(source)
    if all(hasattr(source, a) for a in ("ids", "types", "z", "decoder")):
        return Suggester.from_predictor(source, graph)
    raise TypeError(
        f"expected an output folder, a Suggester or a LinkPredictor, got {type(source).__name__}"
    )


def suggest(
    source: str | os.PathLike[str] | Suggester | Any,
    query: str,
    k: int = 10,
    types: Iterable[str] | None = None,
    *,
    graph: Any = None,
    **options: Any,
) -> list[Suggestion]:
    """Suggest the ``k`` nodes most likely related to ``query`` that it does not link yet.

    Args:
        source: an output folder of ``kg build``/``kg train``, a :class:`Suggester`, or a
            trained :class:`kg.learn.predictor.LinkPredictor`.
        query: a node id, label, alias or approximate name.
        k: how many suggestions.
        types: candidate types (default: topic, method, paper, venue).
        graph: with a predictor, the graph it was trained on (default: the ``graph.json``
            beside the predictor's files).
        **options: ``reasons``, ``tie_tol``, ``max_path`` (see :meth:`Suggester.suggest`).

    Raises:
        FileNotFoundError: no graph or no trained model in the folder.
        LookupError: ``query`` is unknown or ambiguous (the message lists closest matches).
    """
    return _as_suggester(source, graph).suggest(query, k=k, types=types, **options)


def suggestions_for_all(
    source: str | os.PathLike[str] | Suggester | Any,
    k: int = 5,
    *,
    graph: Any = None,
    **options: Any,
) -> dict[str, list[dict[str, Any]]]:
    """Top-``k`` suggestions for every entity node: ``{node_id: [{id, label, type, score,
    reasons}, ...]}`` (see :meth:`Suggester.suggestions_for_all`; ``source`` and ``graph`` as
    in :func:`suggest`)."""
    return _as_suggester(source, graph).suggestions_for_all(
        k=k, **options
    )


def format_suggestions(
    query_label: str, suggestions: Sequence[Suggestion], note: str | None = None
) -> str:
    """The text that ``kg suggest`` prints: one block per suggestion, reasons indented,
    after ``note`` (why the ranking is not learned) when there is one.

    >>> s = [Suggestion(1, "paper:b", "B", "paper", 0.88, ["shared neighbours: P (topic)"]),
    ...      Suggestion(2, "paper:c", "C", "paper", 0.73, [], tie=1, tie_size=2,
    ...                 tied_with=["paper:d"])]
    >>> print(format_suggestions("A", s))
    Suggestions for A:
     1. B  [paper]  0.8800
        shared neighbours: P (topic)
     2. C  [paper]  0.7300  =tie 1: the model cannot tell 2 candidates apart
    """
    if not suggestions:
        return f"No suggestions for {query_label}: every candidate is already linked."
    width = len(str(suggestions[-1].rank))
    lines = [f"Note: {note}."] if note else []
    lines.append(f"Suggestions for {query_label}:")
    for s in suggestions:
        mark = (
            f"  =tie {s.tie}: the model cannot tell {s.tie_size} candidates apart"
            if s.tie is not None
            else ""
        )
        lines.append(f" {s.rank:>{width}}. {s.label}  [{s.type}]  {s.score:.4f}{mark}")
        lines.extend(f" {'':>{width}}  {r}" for r in s.reasons)
    return "\n".join(lines)
