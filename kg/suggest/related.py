"""Relatedness: hub-aware evidence, relatedness pairs from the notes, and a learned ranker.

"What else belongs with this paper?" is answered from three kinds of evidence, all NumPy
and plain Python (``kg suggest`` imports neither torch nor networkx):

* **Shared groupings** (:class:`Evidence`): sections, methods and topics both items are
  filed under (``part_of`` / ``subtopic_of``), and notes that name both (``mentions``),
  each shared neighbour weighted by ``1 / degree`` (resource allocation) so a section of
  five papers says more than one of five hundred. Venues, front-matter tags,
  housekeeping headings (*Contents*, *Papers*, *Unsorted*, ...) and hubs linked to more
  than :data:`HUB_FRACTION` of the graph are no evidence at all: sharing NeurIPS says
  nothing about being related.
* **Text** (:class:`TextIndex`): TF-IDF cosine of the word tokens of labels and aliases
  (Chinese as character bigrams).
* **The GNN's score** (the link predictor's logit), when a model is trained.

:class:`Ranker` combines them with a logistic model fitted on **relatedness pairs** from the
user's own notes (:func:`relatedness_pairs`): an item whose grouping edge was held out of
the graph (the test edges of ``kg train``'s split: they never pass messages) is paired with
the other members of that grouping (positives) and with items of the same type that share
no grouping with it, half of them *hard* negatives that share only a venue or a tag. The
learned combination is kept only when it beats every single feature on validation
(2-fold, by query); otherwise the best single feature ranks. When the graph holds too few
such pairs to learn from, :data:`EVIDENCE_RANKER` (fixed weights, no model) ranks instead,
and says so.

The score is the ranker's probability that the pair belongs together, on the scale of its
training pairs (one related pair weighted as much as one unrelated pair), so ``0.5`` means
even odds and the same number means the same thing for every query.

Example
-------
>>> from kg.graph.adjacency import GraphIndex
>>> data = {"nodes": [{"id": "topic:fs", "type": "topic", "label": "Few-shot"},
...     {"id": "venue:nips", "type": "venue", "label": "NeurIPS"},
...     {"id": "paper:a", "type": "paper", "label": "Matching networks for one shot"},
...     {"id": "paper:b", "type": "paper", "label": "Prototypical networks for few shot"},
...     {"id": "paper:c", "type": "paper", "label": "Attention is all you need"}],
...   "links": [{"source": "paper:a", "target": "topic:fs", "relation": "part_of"},
...     {"source": "paper:b", "target": "topic:fs", "relation": "part_of"},
...     {"source": "paper:a", "target": "venue:nips", "relation": "published_at"},
...     {"source": "paper:c", "target": "venue:nips", "relation": "published_at"}]}
>>> ev = Evidence(GraphIndex.from_node_link(data))
>>> sorted(ev.scores("paper:a"))  # the venue is no evidence: paper:c is not reached
['paper:b']
>>> X = pair_features(ev, TextIndex(ev.index), "paper:a", ["paper:b", "paper:c"])
>>> [round(float(v), 2) for v in EVIDENCE_RANKER.probabilities(X)]
[0.92, 0.08]
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kg.graph.adjacency import GraphIndex

__all__ = [
    "EVIDENCE_RELATIONS",
    "GROUP_RELATIONS",
    "HUB_FRACTION",
    "FEATURES",
    "Evidence",
    "TextIndex",
    "Ranker",
    "EVIDENCE_RANKER",
    "MIN_PAIRS",
    "pair_features",
    "GNN_FEATURES",
    "unit_rows",
    "relatedness_pairs",
    "fit_ranker",
    "learn_ranker",
    "fit_relatedness",
    "defining_mentions",
    "section_holdout",
    "is_housekeeping",
]

#: Relations that are evidence of relatedness (venues and front-matter tags are not).
EVIDENCE_RELATIONS: frozenset[str] = frozenset({"part_of", "subtopic_of", "mentions"})
#: Relations that file an item under a grouping (a section, a method, a topic).
GROUP_RELATIONS: frozenset[str] = frozenset({"part_of", "subtopic_of"})
#: Node types that are never evidence (a shared venue says nothing about the work).
NO_EVIDENCE_TYPES: frozenset[str] = frozenset({"venue"})
#: A node linked to more than this fraction of the graph's nodes (and to at least
#: :data:`HUB_MIN_DEGREE`) is a hub: evidence of nothing.
HUB_FRACTION = 0.02
HUB_MIN_DEGREE = 100
#: Headings that organise a note rather than name a subject (compared by match key).
HOUSEKEEPING: frozenset[str] = frozenset(
    {
        "contents", "tableofcontents", "toc", "index", "overview", "introduction", "intro",
        "papers", "paper", "paperlist", "papers list", "list", "readme", "references",
        "reference", "links", "resources", "misc", "miscellaneous", "other", "others",
        "unsorted", "uncategorized", "todo", "notes", "note", "summary", "conclusion",
        "appendix", "citation", "citations", "license", "contributing", "acknowledgement",
        "acknowledgements", "acknowledgment", "related", "relatedwork", "relatedworks",
        "background", "updates", "news", "changelog", "about", "tags", "categories",
        "目录", "参考", "参考文献", "其他", "其它", "总结", "简介", "介绍", "引言", "附录",
        "未分类", "笔记", "资源", "链接", "论文", "论文列表",
    }
)

#: Feature names, in column order of :func:`pair_features`.
FEATURES: tuple[str, ...] = (
    "shared_groups",
    "shared_notes",
    "adamic_adar",
    "common_neighbors",
    "wider_groups",
    "text",
    "gnn",
    "gnn_cosine",
)
#: The columns that come from the link predictor.
GNN_FEATURES: tuple[str, ...] = ("gnn", "gnn_cosine")
#: Multipliers inside ``log1p`` of the structural features (the first five columns).
_DAMP = np.array([10.0, 10.0, 1.0, 1.0, 30.0])
#: Fewer held-out positive pairs than this: too little to learn a ranker from.
MIN_PAIRS = 40
#: Negatives sampled per positive pair.
NEGATIVES_PER_POSITIVE = 4
#: Positives taken per held-out grouping edge (other members of the grouping).
MAX_MEMBERS = 25
#: Sections of notes sampled by :func:`section_holdout` for training pairs.
SECTION_QUERIES = 300

_NOT_ALNUM = re.compile(r"[\W_]+", re.UNICODE)
_WORDS = re.compile(r"[a-z0-9]+|[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]+")
_STOP = frozenset(
    ["a", "an", "and", "are", "as", "at", "based", "by", "for", "from", "in", "into", "is", "it", "its", "of", "on", "or", "the", "to", "via", "with", "using", "towards", "toward", "through", "without", "beyond", "what", "how", "we", "our", "you", "your", "can", "do", "does", "new", "learning", "deep", "network", "networks", "neural", "model", "models", "approach", "method", "methods"]
)


def is_housekeeping(label: str) -> bool:
    """True for headings that organise a note rather than name a subject.

    >>> is_housekeeping("Table of Contents"), is_housekeeping("Meta-learning")
    (True, False)
    """
    key = _NOT_ALNUM.sub("", unicodedata.normalize("NFKC", label).casefold())
    return key in HOUSEKEEPING or key.rstrip("s") in HOUSEKEEPING


class Evidence:
    """Hub-aware shared-neighbour evidence over a :class:`kg.suggest.reasons.GraphIndex`.

    Args:
        index: the graph.
        hub_degree: nodes with more evidence neighbours than this are hubs (default:
            :data:`HUB_FRACTION` of the nodes, at least :data:`HUB_MIN_DEGREE`).
    """

    def __init__(self, index: GraphIndex, hub_degree: int | None = None) -> None:
        self.index = index
        n = len(index.nodes)
        self.hub_degree = (
            int(hub_degree) if hub_degree is not None else max(HUB_MIN_DEGREE, int(HUB_FRACTION * n))
        )
        self._nbrs: dict[str, dict[str, bool]] = {}
        self._blocked: dict[str, bool] = {}

    def blocked(self, nid: str) -> bool:
        """True when ``nid`` can be no evidence: a venue, a housekeeping heading or a hub."""
        got = self._blocked.get(nid)
        if got is None:
            t = self.index.type(nid)
            got = (
                t in NO_EVIDENCE_TYPES
                or (t == "topic" and is_housekeeping(self.index.label(nid)))
                or len(self.neighbours(nid)) > self.hub_degree
            )
            self._blocked[nid] = got
        return got

    def neighbours(self, nid: str) -> dict[str, bool]:
        """Evidence neighbours of ``nid``: ``{neighbour: True when a grouping relation}``
        (``False``: only a note naming it). Venues and tags are left out."""
        got = self._nbrs.get(nid)
        if got is None:
            got = {}
            for w, rels in self.index.neighbors(nid).items():
                names = {r for r, _ in rels}
                if not names & EVIDENCE_RELATIONS or self.index.type(w) in NO_EVIDENCE_TYPES:
                    continue
                got[w] = bool(names & GROUP_RELATIONS)
            self._nbrs[nid] = got
        return got

    def shared(self, u: str, v: str) -> list[str]:
        """Neighbours of both that count as evidence, the most telling (lowest degree) first."""
        nu, nv = self.neighbours(u), self.neighbours(v)
        common = [w for w in nu if w in nv and w not in (u, v) and not self.blocked(w)]
        return sorted(common, key=lambda w: (len(self.neighbours(w)), self.index.label(w), w))

    def groups(self, nid: str) -> list[str]:
        """Entity neighbours of ``nid`` joined by a grouping relation that are not blocked."""
        return [w for w, g in self.neighbours(nid).items() if g and not self.blocked(w)
                and self.index.type(w) != "post"]

    def sections(self, nid: str) -> list[tuple[str, str, list[str]]]:
        """``(post, section, members)`` for each note that lists ``nid`` under a section
        (the ``section`` of a ``mentions`` edge), whether or not its headings became topics.

        Housekeeping headings (*Papers*, *Unsorted*, ...) are dropped from the heading path;
        a path with nothing left, a note that is a hub and a section larger than a hub are
        no grouping.
        """
        from kg.notes.records import SECTION_SEP

        out = []
        for post, sec in sorted(self.index.sections.get(nid, {}).items()):
            if not [h for h in sec.split(SECTION_SEP) if not is_housekeeping(h)]:
                continue
            members = self.index.filed(post).get(sec, [])
            if 1 < len(members) <= self.hub_degree:
                out.append((post, sec, members))
        return out

    def shared_sections(self, u: str, v: str) -> list[tuple[str, str]]:
        """``(post, section)`` pairs listing both ``u`` and ``v``, the smallest section first."""
        mine = self.sections(u)
        theirs = self.index.sections.get(v, {})
        both = [(len(m), p, s) for p, s, m in mine if theirs.get(p) == s]
        return [(p, s) for _, p, s in sorted(both)]

    def scores(self, query: str) -> dict[str, np.ndarray]:
        """``{candidate: [shared_groups, shared_notes, adamic_adar, common_neighbors,
        wider_groups]}`` for every node with evidence in common with ``query`` (left out).

        ``shared_groups`` sums ``1/deg(w)`` over shared groupings ``w`` (a section, method
        or topic both are filed under or that files one and names the other) and
        ``1/size`` over the sections of notes listing both (:meth:`sections`);
        ``shared_notes`` the same over notes (posts) naming both; ``adamic_adar``
        ``1/log(deg(w))`` and ``common_neighbors`` the count, over both kinds;
        ``wider_groups`` sums ``1/(deg(w1) deg(w2))`` over grouping paths
        ``query - w1 - w2 - candidate`` (neighbouring sections, or a section of a paper
        listed beside the query), the resource allocation of three steps.
        """
        out: dict[str, np.ndarray] = {}
        for _, _, members in self.sections(query):
            ra, aa = 1.0 / len(members), 1.0 / math.log(len(members))
            for c in members:
                if c == query:
                    continue
                row = out.get(c)
                if row is None:
                    row = out[c] = np.zeros(5)
                row[0] += ra
                row[2] += aa
                row[3] += 1.0
        for w1 in self.groups(query):
            d1 = len(self.neighbours(w1))
            for w2 in self.groups(w1):
                if w2 == query:
                    continue
                f = 1.0 / (d1 * max(1, len(self.neighbours(w2))))
                for c in self.groups(w2):
                    if c in (query, w1):
                        continue
                    row = out.get(c)
                    if row is None:
                        row = out[c] = np.zeros(5)
                    row[4] += f
        for w, q_group in self.neighbours(query).items():
            if self.blocked(w):
                continue
            nb = self.neighbours(w)
            deg = len(nb)
            if deg < 2:
                continue
            ra, aa = 1.0 / deg, 1.0 / math.log(deg) if deg > 1 else 0.0
            group = q_group or self.index.type(w) != "post"
            for c, _ in nb.items():
                if c == query:
                    continue
                row = out.get(c)
                if row is None:
                    row = out[c] = np.zeros(5)
                row[0 if group else 1] += ra
                row[2] += aa
                row[3] += 1.0
        return out


def _tokens(text: str) -> set[str]:
    """Word tokens of a title: lower case, stop words out, a plural ``s`` cut; Chinese as
    character bigrams.

    >>> sorted(_tokens("Prototypical Networks for Few-shot Learning"))
    ['few', 'prototypical', 'shot']
    >>> sorted(_tokens("图神经网络"))
    ['图神', '神经', '经网', '网络']
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    out: set[str] = set()
    for run in _WORDS.findall(text):
        if run[0].isascii():
            if len(run) < 2 or run in _STOP:
                continue
            if len(run) > 3 and run.endswith("s") and not run.endswith("ss"):
                run = run[:-1]
            out.add(run)
        elif len(run) == 1:
            out.add(run)
        else:
            out.update(run[i : i + 2] for i in range(len(run) - 1))
    return out


class TextIndex:
    """TF-IDF cosine of label and alias word tokens, with an inverted index (no matrices).

    >>> from kg.graph.adjacency import GraphIndex
    >>> idx = GraphIndex.from_node_link({"nodes": [
    ...     {"id": "a", "label": "Graph attention networks"},
    ...     {"id": "b", "label": "Graph convolutional networks"},
    ...     {"id": "c", "label": "Pruning filters"}], "links": []})
    >>> t = TextIndex(idx)
    >>> {k: round(v, 3) for k, v in t.scores("a").items()}
    {'b': 0.147}
    >>> t.shared_words("a", "b")
    ['graph']
    """

    def __init__(self, index: GraphIndex, compact: Mapping[str, Any] | None = None) -> None:
        self.index = index
        self._tok: dict[str, set[str]] = {}
        if compact is not None:  # what to_compact kept: no label is tokenised up front
            ids = list(index.nodes)
            self.postings = {t: [ids[i] for i in pos] for t, pos in compact["postings"].items()}
            self.idf = dict(compact["idf"])
            self._norm = dict(zip(ids, compact["norm"], strict=True))
            return
        post: dict[str, list[str]] = {}
        for nid in index.nodes:
            for t in self.tokens(nid):
                post.setdefault(t, []).append(nid)
        n = max(1, len(index.nodes))
        self.idf = {t: math.log((1.0 + n) / (1.0 + len(ids))) for t, ids in post.items()}
        self.postings = post
        self._norm = {
            nid: math.sqrt(sum(self.idf[t] ** 2 for t in toks)) for nid, toks in self._tok.items()
        }

    def tokens(self, nid: str) -> set[str]:
        """The word tokens of a node's label and aliases (cached)."""
        toks = self._tok.get(nid)
        if toks is None:
            attrs = self.index.nodes.get(nid, {})
            toks = set()
            for text in (attrs.get("label") or nid, *(attrs.get("aliases") or [])):
                toks |= _tokens(str(text))
            self._tok[nid] = toks
        return toks

    def to_compact(self) -> dict[str, Any]:
        """Postings (as positions in the index's node order), idf and norms, JSON-ready;
        ``TextIndex(index, compact)`` reads them back without tokenising every label.

        >>> from kg.graph.adjacency import GraphIndex
        >>> idx = GraphIndex.from_node_link({"nodes": [{"id": "a", "label": "Graph nets"},
        ...     {"id": "b", "label": "Graph cuts"}], "links": []})
        >>> TextIndex(idx, TextIndex(idx).to_compact()).scores("a") == TextIndex(idx).scores("a")
        True
        """
        pos = {n: i for i, n in enumerate(self.index.nodes)}
        return {
            "postings": {t: [pos[n] for n in ids] for t, ids in self.postings.items()},
            "idf": self.idf,
            "norm": [self._norm.get(n, 0.0) for n in self.index.nodes],
        }

    def scores(self, query: str) -> dict[str, float]:
        """``{node: cosine}`` for every node sharing a token with ``query`` (itself left out)."""
        toks = self.tokens(query)
        qn = self._norm.get(query, 0.0)
        if not toks or qn == 0.0:
            return {}
        acc: dict[str, float] = {}
        limit = 0.2 * len(self._norm) + 50
        for t in toks:
            w = self.idf.get(t, 0.0) ** 2
            if w == 0.0 or len(self.postings[t]) > limit:
                continue  # a token in a fifth of all labels tells nothing
            for nid in self.postings[t]:
                acc[nid] = acc.get(nid, 0.0) + w
        acc.pop(query, None)
        return {nid: s / (qn * self._norm[nid]) for nid, s in acc.items() if self._norm[nid] > 0}

    def shared_words(self, u: str, v: str) -> list[str]:
        """Tokens both labels share, the rarest first."""
        both = self.tokens(u) & self.tokens(v)
        return sorted(both, key=lambda t: (-self.idf.get(t, 0.0), t))


def pair_features(
    evidence: Evidence,
    text: TextIndex,
    query: str,
    candidates: Sequence[str],
    gnn: np.ndarray | None = None,
    *,
    where: Any = None,
) -> np.ndarray:
    """``[len(candidates), len(FEATURES)]`` features of ``(query, candidate)`` pairs.

    Structural values are ``log1p``-damped; ``gnn`` is the link predictor's logit for each
    candidate, or ``[n, 2]`` logits and embedding cosines (zeros when ``None``): the decoder
    was trained on sections, methods and venues, never on two papers, so the cosine of the
    two embeddings says how alike the model sees them where the logit may not. ``where`` (anything with ``.get(id)`` giving the row of
    a candidate or ``None``) saves building that map when the caller has one.
    """
    if where is None:
        where = {c: i for i, c in enumerate(candidates)}
    X = np.zeros((len(candidates), len(FEATURES)), dtype=np.float64)
    for c, vals in evidence.scores(query).items():
        i = where.get(c)
        if i is not None:
            X[i, :5] = vals
    for c, val in text.scores(query).items():
        i = where.get(c)
        if i is not None:
            X[i, 5] = val
    X[:, :5] = np.log1p(X[:, :5] * _DAMP)
    if gnn is not None:
        g = np.asarray(gnn, dtype=np.float64)
        X[:, 6 : 6 + (g.shape[1] if g.ndim == 2 else 1)] = g.reshape(len(candidates), -1)
    return X


@dataclass
class Ranker:
    """A logistic model over :data:`FEATURES`: ``p = sigmoid(((X - mean) / scale) @ w + b)``.

    Attributes:
        kind: ``"learned"`` (fitted on the notes' relatedness pairs), ``"component"`` (one
            feature, when the combination did not beat it), or ``"evidence"`` (fixed weights:
            the graph is too small to learn from).
        weights, bias, mean, scale: the model, one weight per feature.
        validation: ``{name: {"mrr", "auc"}}`` of the ranker and each feature on validation.
        pairs: positive and negative pairs it was fitted on.
        note: a sentence for the user when the graph was too small to learn from.
    """

    kind: str
    weights: list[float]
    bias: float = 0.0
    mean: list[float] = field(default_factory=lambda: [0.0] * len(FEATURES))
    scale: list[float] = field(default_factory=lambda: [1.0] * len(FEATURES))
    validation: dict[str, dict[str, float]] = field(default_factory=dict)
    pairs: dict[str, int] = field(default_factory=dict)
    note: str | None = None

    @property
    def uses_gnn(self) -> bool:
        """Whether the GNN's score enters the ranking."""
        return any(self.weights[FEATURES.index(f)] != 0.0 for f in GNN_FEATURES)

    def logits(self, X: np.ndarray) -> np.ndarray:
        """Raw scores of feature rows."""
        z = (np.asarray(X, dtype=np.float64) - np.asarray(self.mean)) / np.asarray(self.scale)
        return z @ np.asarray(self.weights) + self.bias

    def probabilities(self, X: np.ndarray) -> np.ndarray:
        """``sigmoid(logits(X))``."""
        return 1.0 / (1.0 + np.exp(-np.clip(self.logits(X), -60.0, 60.0)))

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (kept in ``model.json`` under ``ranker``)."""
        return {
            "kind": self.kind,
            "features": list(FEATURES),
            "weights": [float(w) for w in self.weights],
            "bias": float(self.bias),
            "mean": [float(m) for m in self.mean],
            "scale": [float(s) for s in self.scale],
            "validation": self.validation,
            "pairs": self.pairs,
            "note": self.note,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> Ranker:
        """Read :meth:`to_json` output; ``None`` or another feature set gives the evidence ranker."""
        if not data or list(data.get("features", [])) != list(FEATURES):
            return EVIDENCE_RANKER
        return cls(
            kind=str(data["kind"]),
            weights=[float(w) for w in data["weights"]],
            bias=float(data["bias"]),
            mean=[float(m) for m in data["mean"]],
            scale=[float(s) for s in data["scale"]],
            validation=dict(data.get("validation") or {}),
            pairs=dict(data.get("pairs") or {}),
            note=data.get("note"),
        )


#: Fixed weights for graphs too small to learn from: shared groupings count most, then
#: shared notes and text; no GNN.
EVIDENCE_RANKER = Ranker(
    kind="evidence",
    weights=[2.5, 0.8, 0.0, 0.3, 0.5, 3.0, 0.0, 0.0],
    bias=-2.5,
    note="the graph is too small to learn relatedness from; ranked by the evidence in the "
    "notes (shared groupings and notes, similar titles)",
)


# -- training pairs ---------------------------------------------------------------------------
def relatedness_pairs(
    full: GraphIndex,
    held_out: Iterable[tuple[str, str]],
    *,
    seed: int = 0,
    negatives: int = NEGATIVES_PER_POSITIVE,
) -> list[tuple[str, str, int]]:
    """Labelled ``(query, candidate, label)`` pairs from grouping edges held out of the graph.

    For each held-out ``part_of`` / ``subtopic_of`` edge ``child -> group`` of ``full``:
    the child with the group itself (membership) and with up to :data:`MAX_MEMBERS` other
    members of the group (same type as the child) are positives; for each held-out
    ``(paper, post)`` mention with a section (:func:`section_holdout`), the other papers
    the post lists under that section that other notes name too are (the near negatives
    are then such papers of its other sections); each positive gets
    ``negatives`` items of the candidate's type that share no grouping with the child and
    are not linked to it: near ones (named by the notes that filed it, under another heading,
    or filed under a neighbouring grouping), hard ones (sharing only a venue or a tag) and random ones, in turn.

    >>> idx = GraphIndex.from_node_link({"nodes": [{"id": "topic:t", "type": "topic"}]
    ...     + [{"id": f"paper:{i}", "type": "paper"} for i in range(6)],
    ...     "links": [{"source": f"paper:{i}", "target": "topic:t", "relation": "part_of"}
    ...               for i in range(3)]})
    >>> pairs = relatedness_pairs(idx, [("paper:0", "topic:t")], negatives=1)
    >>> [p for p in pairs if p[2] == 1]
    [('paper:0', 'topic:t', 1), ('paper:0', 'paper:1', 1), ('paper:0', 'paper:2', 1)]
    >>> sorted({p[1] for p in pairs if p[2] == 0} <= {"paper:3", "paper:4", "paper:5"} for _ in [0])
    [True]
    """
    rng = np.random.default_rng(seed)
    by_type: dict[str, list[str]] = {}
    for nid in sorted(full.nodes):
        by_type.setdefault(full.type(nid), []).append(nid)

    def groups_of(nid: str) -> set[str]:
        return {
            w for w, rels in full.neighbors(nid).items()
            if any(r in GROUP_RELATIONS and out for r, out in rels)
        }

    def hard_pool(nid: str) -> list[str]:
        pool: set[str] = set()
        for w, rels in full.neighbors(nid).items():
            if full.type(w) == "venue" or any(r == "tagged" for r, _ in rels):
                pool.update(full.neighbors(w))
        return sorted(pool)

    def elsewhere(nid: str, post: str) -> bool:
        return any(full.type(w) == "post" and w != post for w in full.neighbors(nid))

    def near_pool(mine: set[str], filing: set[str]) -> list[str]:
        """Items two or three steps away: named by the notes that filed the query (under
        other headings: those notes' mentions are hidden with the query's, so near
        negatives share a note with it no more than the positives do), or filed under a
        neighbouring grouping (another child of a grouping's parent)."""
        pool: set[str] = set()
        for w in filing:
            pool.update(full.neighbors(w))
        for g in mine:
            for h in groups_of(g):
                for g2, rels in full.neighbors(h).items():
                    if g2 != g and any(r in GROUP_RELATIONS and not o for r, o in rels):
                        pool.update(
                            m for m, mr in full.neighbors(g2).items()
                            if any(r in GROUP_RELATIONS and not o for r, o in mr)
                        )
        return sorted(pool)

    out: list[tuple[str, str, int]] = []
    seen: set[tuple[str, str]] = set()
    for child, group in sorted(set(held_out)):
        rels = full.neighbors(child).get(group, [])
        section = full.sections.get(child, {}).get(group)
        if any(r in GROUP_RELATIONS and outgoing for r, outgoing in rels):
            members = sorted(
                m for m, mrels in full.neighbors(group).items()
                if m != child and full.type(m) == full.type(child)
                and any(r in GROUP_RELATIONS and not o for r, o in mrels)
            )
            heads: tuple[str, ...] = (group,)
            filing = {w for w in full.neighbors(child) if full.type(w) == "post"
                      and w in full.neighbors(group)}  # fmt: skip
        elif section is not None and full.type(group) == "post":
            # a paper listed under a section of a note: the other papers listed there that
            # other notes name too (what is left of a list once it is out of the graph)
            members = sorted(m for m in full.filed(group).get(section, [])
                             if m != child and elsewhere(m, group))  # fmt: skip
            heads, filing = (), {group}
        else:
            continue
        together = set(members)
        if len(members) > MAX_MEMBERS:
            members = [members[i] for i in sorted(rng.choice(len(members), MAX_MEMBERS, replace=False))]
        mine = groups_of(child)
        linked = set(full.neighbors(child)) | {child} | together
        hard = [h for h in hard_pool(child) if h not in linked]
        near = [h for h in near_pool(mine, filing) if h not in linked
                and (heads or elsewhere(h, group))]  # fmt: skip
        for cand in (*heads, *members):
            if (child, cand) in seen:
                continue
            seen.add((child, cand))
            out.append((child, cand, 1))
            pool = by_type.get(full.type(cand), [])
            typed_hard = [h for h in hard if full.type(h) == full.type(cand)]
            typed_near = [h for h in near if full.type(h) == full.type(cand)]
            for j in range(negatives):
                src = [typed_near, typed_hard, typed_near, pool][j % 4] or pool
                for _ in range(20):
                    neg = src[int(rng.integers(len(src)))]
                    if neg not in linked and not (groups_of(neg) & mine) and (child, neg) not in seen:
                        seen.add((child, neg))
                        out.append((child, neg, 0))
                        break
    return out


# -- fitting ----------------------------------------------------------------------------------
def _query_metrics(scores: np.ndarray, labels: np.ndarray, queries: np.ndarray) -> dict[str, float]:
    """Mean reciprocal rank of the first positive and mean AUC, per query (ties half)."""
    rr, aucs = [], []
    for q in np.unique(queries):
        sel = queries == q
        s, y = scores[sel], labels[sel]
        pos, neg = s[y == 1], s[y == 0]
        if pos.size == 0 or neg.size == 0:
            continue
        best = pos.max()
        rr.append(1.0 / (1.0 + np.count_nonzero(neg > best) + 0.5 * np.count_nonzero(neg == best)))
        gt = (pos[:, None] > neg[None, :]).mean() + 0.5 * (pos[:, None] == neg[None, :]).mean()
        aucs.append(gt)
    if not rr:
        return {"mrr": float("nan"), "auc": float("nan"), "queries": 0}
    return {"mrr": float(np.mean(rr)), "auc": float(np.mean(aucs)), "queries": len(rr)}


def _logistic(X: np.ndarray, y: np.ndarray, l2: float = 1.0, steps: int = 50) -> tuple[np.ndarray, float]:
    """Class-balanced L2 logistic regression by Newton's method on standardised ``X``."""
    n, d = X.shape
    pos = max(1, int(y.sum()))
    neg = max(1, n - pos)
    sw = np.where(y == 1, n / (2.0 * pos), n / (2.0 * neg))
    A = np.hstack([X, np.ones((n, 1))])
    w = np.zeros(d + 1)
    reg = np.full(d + 1, l2)
    reg[-1] = 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-np.clip(A @ w, -60, 60)))
        g = A.T @ (sw * (p - y)) + reg * w
        H = (A * (sw * p * (1 - p))[:, None]).T @ A + np.diag(reg) + 1e-9 * np.eye(d + 1)
        step = np.linalg.solve(H, g)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w[:-1], float(w[-1])


def fit_ranker(
    X: np.ndarray,
    labels: np.ndarray,
    queries: Sequence[str],
    *,
    use_gnn: bool = True,
    min_pairs: int = MIN_PAIRS,
) -> Ranker:
    """Fit the ranker on labelled pair features, keeping it only where it beats each feature.

    Validation is 2-fold by query (every query's pairs on one side): the combination must
    reach a higher mean MRR and AUC than every single feature on the held-out fold, else the
    feature with the best validation MRR ranks alone (``kind="component"``). Fewer than
    ``min_pairs`` positives give :data:`EVIDENCE_RANKER`.

    >>> rng = np.random.default_rng(0)
    >>> y = np.tile([1, 0, 0, 0], 50)
    >>> X = rng.normal(size=(200, len(FEATURES))); X[:, 0] += 1.5 * y; X[:, 5] += 1.5 * y
    >>> r = fit_ranker(X, y, [f"q{i // 4}" for i in range(200)])
    >>> r.kind, r.weights[0] > 0, r.weights[5] > 0
    ('learned', True, True)
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(labels, dtype=np.float64)
    q = np.asarray(list(queries))
    npos = int(y.sum())
    if npos < min_pairs:
        return Ranker(**{**EVIDENCE_RANKER.__dict__, "pairs": {"positive": npos, "negative": int(len(y) - npos)}})
    active = np.array([use_gnn or f not in GNN_FEATURES for f in FEATURES]) & (X.std(axis=0) > 0)
    uq = np.unique(q)
    fold_of = {u: i % 2 for i, u in enumerate(np.random.default_rng(0).permutation(uq))}
    fold = np.array([fold_of[u] for u in q])
    val_scores = np.zeros(len(y))
    for k in (0, 1):
        tr = fold != k
        mean, scale = X[tr].mean(axis=0), X[tr].std(axis=0)
        scale[scale == 0] = 1.0
        w, b = _logistic(((X[tr] - mean) / scale)[:, active], y[tr])
        val_scores[~tr] = ((X[~tr] - mean) / scale)[:, active] @ w + b
    validation = {"ranker": _query_metrics(val_scores, y, q)}
    for j, name in enumerate(FEATURES):
        if active[j]:
            validation[name] = _query_metrics(X[:, j], y, q)
    comps = {k: v for k, v in validation.items() if k != "ranker"}
    mean, scale = X.mean(axis=0), X.std(axis=0)
    scale[scale == 0] = 1.0
    pairs = {"positive": npos, "negative": int(len(y) - npos)}
    beats = all(
        validation["ranker"]["mrr"] > v["mrr"] and validation["ranker"]["auc"] > v["auc"]
        for v in comps.values()
    )
    if beats or not comps:
        w, b = _logistic(((X - mean) / scale)[:, active], y)
        weights = np.zeros(len(FEATURES))
        weights[active] = w
        return Ranker("learned", weights.tolist(), b, mean.tolist(), scale.tolist(), validation, pairs)
    best = max(comps, key=lambda k: (comps[k]["mrr"], comps[k]["auc"]))
    j = FEATURES.index(best)
    w1, b1 = _logistic(((X[:, [j]] - mean[j]) / scale[j]), y)
    weights = np.zeros(len(FEATURES))
    weights[j] = float(w1[0])
    return Ranker("component", weights.tolist(), b1, mean.tolist(), scale.tolist(), validation, pairs)


def learn_ranker(
    full: GraphIndex,
    seen: GraphIndex,
    held_out: Iterable[tuple[str, str]],
    gnn: Any = None,
    *,
    seed: int = 0,
    min_pairs: int = MIN_PAIRS,
) -> Ranker:
    """Fit the ranker on the relatedness pairs of ``held_out`` edges (see :func:`fit_ranker`).

    Args:
        full: the whole graph (labels the pairs).
        seen: the graph without the held-out edges (the features see only this).
        held_out: ``(u, v)`` node pairs held out of ``seen``, either orientation.
        gnn: ``gnn(query, candidates) -> [n, 2]`` logits and embedding cosines from
            embeddings that never saw the held-out edges, or ``None`` to leave the GNN out.
        seed: negative sampling seed.
        min_pairs: fewer positives than this give :data:`EVIDENCE_RANKER`.
    """
    edges = [(u, v) for a, b in held_out for u, v in ((a, b), (b, a))]
    pairs = relatedness_pairs(full, edges, seed=seed)
    ev, tx = Evidence(seen), TextIndex(seen)
    by_query: dict[str, list[tuple[str, int]]] = {}
    for qn, c, y in pairs:
        by_query.setdefault(qn, []).append((c, y))
    # queries still filed somewhere, like an item of a list the rest of the notes also hold
    filed = {qn: v for qn, v in by_query.items() if ev.groups(qn) or ev.sections(qn)}
    if sum(y for v in filed.values() for _, y in v) >= min_pairs:
        by_query = filed
    rows, labels, queries = [], [], []
    for qn in sorted(by_query):
        cands = [c for c, _ in by_query[qn]]
        logits = gnn(qn, cands) if gnn is not None else None
        rows.append(pair_features(ev, tx, qn, cands, logits))
        labels.extend(y for _, y in by_query[qn])
        queries.extend([qn] * len(cands))
    X = np.vstack(rows) if rows else np.zeros((0, len(FEATURES)))
    return fit_ranker(X, np.asarray(labels), queries, use_gnn=gnn is not None, min_pairs=min_pairs)


def section_holdout(kg: Any, *, seed: int = 0, limit: int = SECTION_QUERIES) -> list[tuple[str, str]]:
    """Pairs to hold out so that sections teach the ranker too: for up to ``limit``
    sections of notes (a fixed-seed sample; housekeeping and hub-sized sections left out),
    one paper that other notes also name, as ``(paper, post)`` (its mention there, with the
    section) plus ``(paper, group)`` for each grouping it is filed under that the post names
    (the heading, when it became a topic). Hidden, they leave the paper what the *other*
    notes say about it: a paper of a list that is left out of the graph.

    >>> import networkx as nx
    >>> from kg.graph.knowledge_graph import KnowledgeGraph
    >>> g = nx.MultiDiGraph()
    >>> g.add_nodes_from(["post:l", "post:b"], type="post")
    >>> g.add_nodes_from(["paper:a", "paper:b", "paper:c"], type="paper")
    >>> for p in ("paper:a", "paper:b", "paper:c"):
    ...     _ = g.add_edge("post:l", p, key="mentions", relation="mentions", section="GNNs")
    >>> _ = g.add_edge("post:b", "paper:b", key="mentions", relation="mentions")
    >>> section_holdout(KnowledgeGraph(g))
    [('paper:b', 'post:l')]
    """
    from kg.notes.records import SECTION_SEP

    index = GraphIndex.from_graph(kg.graph)
    ev = Evidence(index)
    rng = np.random.default_rng(seed)
    named = {p: sum(index.type(w) == "post" for w in index.neighbors(p)) for p in index.sections}
    found: list[tuple[str, str, list[str]]] = []
    posts = sorted({q for by in index.sections.values() for q in by})
    for post in posts:
        for sec, members in sorted(index.filed(post).items()):
            if not 2 <= len(members) <= ev.hub_degree:
                continue
            if not [h for h in sec.split(SECTION_SEP) if not is_housekeeping(h)]:
                continue
            elsewhere = sorted(m for m in members if named[m] > 1)
            if elsewhere:
                found.append((post, sec, elsewhere))
    if len(found) > limit:
        found = [found[i] for i in sorted(rng.choice(len(found), limit, replace=False))]
    out: list[tuple[str, str]] = []
    for post, _, elsewhere in found:
        paper = elsewhere[int(rng.integers(len(elsewhere)))]
        out.append((paper, post))
        named_there = index.neighbors(post)
        out.extend(
            (paper, w) for w, rels in sorted(index.neighbors(paper).items())
            if w in named_there and any(r in GROUP_RELATIONS and o for r, o in rels)
        )
    return out


def defining_mentions(kg: Any, pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """The ``(post, child)`` mentions behind held-out grouping edges ``child -> group``: the
    notes naming both, i.e. the notes that filed the child there.

    Hiding them as well leaves the child only what *other* notes say about it, the
    situation of a paper whose list is left out of the graph.

    >>> import networkx as nx
    >>> from kg.graph.knowledge_graph import KnowledgeGraph
    >>> g = nx.MultiDiGraph()
    >>> for u, v, r in [("post:l", "paper:a", "mentions"), ("post:l", "topic:s", "mentions"),
    ...                 ("post:b", "paper:a", "mentions"), ("paper:a", "topic:s", "part_of")]:
    ...     _ = g.add_edge(u, v, key=r, relation=r)
    >>> defining_mentions(KnowledgeGraph(g), [("topic:s", "paper:a")])
    [('post:l', 'paper:a')]
    """
    g = kg.graph
    out: set[tuple[str, str]] = set()
    for a, b in pairs:
        for child, group in ((a, b), (b, a)):
            if not any(g.has_edge(child, group, key=r) for r in GROUP_RELATIONS):
                continue
            naming_group = {p for p, _, r in g.in_edges(group, data="relation") if r == "mentions"}
            out.update(
                (p, child) for p, _, r in g.in_edges(child, data="relation")
                if r == "mentions" and p in naming_group
            )
    return sorted(out)


def unit_rows(z: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero), float64.

    >>> unit_rows(np.array([[3.0, 4.0], [0.0, 0.0]])).tolist()
    [[0.6, 0.8], [0.0, 0.0]]
    """
    z = np.asarray(z, dtype=np.float64)
    norms = np.linalg.norm(z, axis=1, keepdims=True)
    return z / np.where(norms > 0, norms, 1.0)


def fit_relatedness(
    kg: Any,
    ids: Sequence[str],
    held_out: np.ndarray,
    z_eval: np.ndarray | None,
    decoder: Mapping[str, Any],
    *,
    seed: int = 0,
) -> Ranker:
    """The related-works ranker of a trained link predictor, fitted on its test edges.

    The features see the graph without the test edges and without the notes' mentions
    that filed their children there (:func:`defining_mentions`); the GNN scores with
    ``z_eval``, whose message passing must have seen neither (``kg train`` encodes it so).
    The pairs come from :func:`relatedness_pairs`.

    Args:
        kg: the :class:`kg.graph.knowledge_graph.KnowledgeGraph` the predictor was trained on.
        ids: node ids, the row order of ``z_eval``.
        held_out: ``[2, k]`` index pairs held out of ``z_eval``'s message passing.
        z_eval: the embeddings without them and without their defining mentions (``None``:
            the ranker leaves the GNN out).
        decoder: the decoder in NumPy form.
        seed: negative sampling seed.
    """
    from kg.suggest.scoring import score_pairs

    full = GraphIndex.from_graph(kg.graph)
    ho = np.asarray(held_out, dtype=np.int64).reshape(2, -1)
    out = {frozenset((ids[a], ids[b])) for a, b in ho.T}
    out |= {frozenset(p) for p in defining_mentions(kg, [(ids[a], ids[b]) for a, b in ho.T])}
    seen = GraphIndex({n: dict(a) for n, a in full.nodes.items()}, {n: {} for n in full.nodes})
    for u, v, k, attrs in kg.graph.edges(keys=True, data=True):
        if frozenset((u, v)) not in out:
            seen.add_edge(str(u), str(v), str(attrs.get("relation", k)))
            if attrs.get("section"):
                seen.sections.setdefault(str(v), {})[str(u)] = str(attrs["section"])
    row = {n: i for i, n in enumerate(ids)}
    unit = unit_rows(z_eval) if z_eval is not None else None

    def gnn(query: str, cands: list[str]) -> np.ndarray:
        pairs = np.array([[row[query]] * len(cands), [row[c] for c in cands]], dtype=np.int64)
        logits = score_pairs(z_eval, pairs, dict(decoder), logits=True)
        return np.column_stack([logits, unit[pairs[1]] @ unit[row[query]]])

    pairs = [(ids[a], ids[b]) for a, b in ho.T]
    return learn_ranker(full, seen, pairs, gnn if z_eval is not None else None, seed=seed)
