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
* **Context** (:class:`ContextIndex`): TF-IDF cosine of the words (and glossary concepts)
  of the headings each item is filed under in *all* the notes, so papers under
  *Metric learning approaches* in one note and ``度量学习`` in another are related.
* **The GNN's score** (the link predictor's logit), when a model is trained.

:class:`Ranker` combines them with a logistic model fitted on **relatedness pairs** from the
user's own notes (:func:`relatedness_pairs`): an item whose grouping edge was held out of
the graph (the test edges of ``kg train``'s split: they never pass messages) is paired with
the other members of that grouping (positives) and with items of the same type that share
no grouping with it, half of them *hard* negatives that share only a venue or a tag. A
combination (fitted from scratch, the fixed evidence weights, or fitted on top of them) is
kept only when it beats every single feature on validation (5-fold, by query); otherwise
the best single feature ranks. When the graph holds too few
such pairs to learn from, :data:`EVIDENCE_RANKER` (fixed weights, no model) ranks instead,
and says so.

The GNN is trained for edge recovery; what "related" means is learned on top of it by a
**relatedness head** (``gnn_related``, :attr:`Ranker.head`): a linear map of its
embeddings fitted (by :func:`kg.learn.training.fit_relatedness_head`, cross-fitted in
:func:`cross_fit_head`) on those pairs and on pairs shaped like the related-works
protocol's: whole notes held out of the graph one at a time (:func:`note_holdout`), their
papers ranked for each other (:func:`note_pair_rows`).

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

import functools
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from kg.graph.adjacency import GraphIndex
from kg.notes.names import match_key
from kg.parallel import parallel_map, prefetched

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
    "TitleCosines",
    "title_fill",
    "GNN_FEATURES",
    "unit_rows",
    "query_folds",
    "relatedness_pairs",
    "fit_ranker",
    "learn_ranker",
    "fit_relatedness",
    "cross_fit_head",
    "head_sample",
    "note_holdout",
    "note_pair_rows",
    "without",
    "defining_mentions",
    "section_holdout",
    "is_housekeeping",
    "ContextIndex",
    "context_headings",
    "node_headings",
    "heading_concepts",
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
    "gnn_related",
    "context",
    "semantic",
)
#: The columns that come from the link predictor (``gnn_related``: the cosine of the two
#: embeddings through the relatedness head, :attr:`Ranker.head`).
GNN_FEATURES: tuple[str, ...] = ("gnn", "gnn_cosine", "gnn_related")
#: Multipliers inside ``log1p`` of the structural features (the first five columns).
_DAMP = np.array([10.0, 10.0, 1.0, 1.0, 30.0])
#: Fewer held-out positive pairs than this: too little to learn a ranker from.
MIN_PAIRS = 40
#: Negatives sampled per positive pair.
NEGATIVES_PER_POSITIVE = 4
#: Positives taken per held-out grouping edge (other members of the grouping).
MAX_MEMBERS = 25
#: Weight of a section's outer headings in :class:`ContextIndex` (the innermost weighs 1).
OUTER_HEADING = 0.5
#: Sections of notes sampled by :func:`section_holdout` for training pairs.
SECTION_QUERIES = 300

_WORDS = re.compile(r"[a-z0-9]+|[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]+")
_STOP = frozenset(
    ["a", "an", "and", "are", "as", "at", "based", "by", "for", "from", "in", "into", "is", "it", "its", "of", "on", "or", "the", "to", "via", "with", "using", "towards", "toward", "through", "without", "beyond", "what", "how", "we", "our", "you", "your", "can", "do", "does", "new", "learning", "deep", "network", "networks", "neural", "model", "models", "approach", "method", "methods"]
)
#: The same domain words as Chinese character bigrams (学习 learning, 深度 deep, 网络 network,
#: 神经 neural, 模型 model, 方法 method, 基于 based), and 经网, the bigram inside 神经网络: in a
#: graph of mostly English titles they are rare, so they would outweigh real shared words.
_STOP_ZH = frozenset(["学习", "深度", "网络", "神经", "经网", "模型", "方法", "基于"])


@functools.lru_cache(maxsize=1 << 16)
def is_housekeeping(label: str) -> bool:
    """True for headings that organise a note rather than name a subject (memoised: a
    large graph asks about the same headings millions of times).

    >>> is_housekeeping("Table of Contents"), is_housekeeping("Meta-learning")
    (True, False)
    """
    key = match_key(label)
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
        self._groups: dict[str, list[str]] = {}

    def derive(self, index: GraphIndex, touched: Iterable[str]) -> tuple[Evidence, set[str]]:
        """The evidence over ``index``, this graph with only the edges at ``touched`` nodes
        changed (as :func:`without` leaves it), and the nodes whose :meth:`groups` may differ.

        Equal to ``Evidence(index, self.hub_degree)``, but what this one already worked out
        for the nodes the change does not reach is kept: a node's evidence neighbours and
        whether it is blocked depend only on its own edges, its groupings also on whether its
        neighbours are blocked. Taking one note out of a large graph so costs what the note
        touches, not what the graph holds.

        >>> idx = GraphIndex.from_node_link({"nodes": [{"id": "topic:t", "type": "topic"}]
        ...     + [{"id": f"paper:{i}", "type": "paper"} for i in range(3)],
        ...     "links": [{"source": f"paper:{i}", "target": "topic:t", "relation": "part_of"}
        ...               for i in range(3)]})
        >>> ev = Evidence(idx, hub_degree=2)
        >>> ev.groups("paper:0")  # topic:t has three members: a hub
        []
        >>> ev2, changed = ev.derive(without(idx, [("paper:2", "topic:t")]), ["paper:2", "topic:t"])
        >>> ev2.groups("paper:0"), sorted(changed)
        (['topic:t'], ['paper:0', 'paper:1', 'paper:2', 'topic:t'])
        """
        touched = set(touched)
        ev = Evidence(index, self.hub_degree)
        ev._nbrs = {k: v for k, v in self._nbrs.items() if k not in touched}
        ev._blocked = {k: v for k, v in self._blocked.items() if k not in touched}
        changed = set(touched)
        for x in sorted(touched):
            if ev.blocked(x) != self.blocked(x):  # its neighbours gain or lose a grouping
                changed.update(self.index.neighbors(x))
        ev._groups = {k: v for k, v in self._groups.items() if k not in changed}
        return ev, changed

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
        """Entity neighbours of ``nid`` joined by a grouping relation that are not blocked
        (cached: the list is shared, do not change it)."""
        got = self._groups.get(nid)
        if got is None:
            got = self._groups[nid] = [w for w, g in self.neighbours(nid).items() if g
                                       and not self.blocked(w) and self.index.type(w) != "post"]
        return got

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


@functools.lru_cache(maxsize=1 << 18)
def _tokens(text: str) -> frozenset[str]:
    """Word tokens of a title: lower case, stop words and bare numbers out, a plural ``s``
    cut; Chinese as character bigrams, the stop words' bigrams out (memoised: the same
    labels and headings are read by several indexes).

    >>> sorted(_tokens("Prototypical Networks for Few-shot Learning"))
    ['few', 'prototypical', 'shot']
    >>> sorted(_tokens("图神经网络"))
    ['图神']
    >>> sorted(_tokens("2026-07-29-cuda-to-mlx-k-search"))  # a post's slug kept as an alias
    ['cuda', 'mlx', 'search']
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    out: set[str] = set()
    for run in _WORDS.findall(text):
        if run[0].isascii():
            if len(run) < 2 or run in _STOP or run.isdigit():
                continue
            if len(run) > 3 and run.endswith("s") and not run.endswith("ss"):
                run = run[:-1]
            out.add(run)
        elif len(run) == 1:
            out.add(run)
        else:
            out.update(run[i : i + 2] for i in range(len(run) - 1))
    return frozenset(out - _STOP_ZH)


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


# -- context: the headings an item is filed under, in every note -------------------------------
def heading_concepts(headings: Iterable[str]) -> dict[str, list[str]]:
    """``{heading: glossary concepts it names}`` for the headings that name one (the whole
    heading, else the longest glossary name inside it), so that ``Metric learning`` and
    ``度量学习`` share a word. Loads :func:`kg.notes.glossary.default_glossary` (slow: done when a
    model is trained, and kept in ``model.json``).

    >>> heading_concepts(["度量学习", "Metric learning", "Basic models"])
    {'Metric learning': ['metric learning'], '度量学习': ['metric learning']}
    """
    from kg.notes.glossary import default_glossary

    glossary = default_glossary()
    out: dict[str, list[str]] = {}
    for h in sorted(set(headings)):
        term = glossary.lookup(h) or glossary.contains(h)
        if term is not None:
            out[h] = [term.en]
    return out


def context_headings(
    index: GraphIndex, evidence: Evidence | None = None
) -> dict[str, list[tuple[str, str, float]]]:
    """``{node: [(heading, where, weight)]}``: the headings each item is filed under across
    all notes (``where`` names the note, or ``""`` for a method or topic it is filed under):
    every heading of the section paths it is listed under (housekeeping ones left out; the
    innermost, the most specific, weighs 1, the outer ones :data:`OUTER_HEADING`) and the
    labels of the methods and topics it is ``part_of``; a method or topic also has its own
    label.

    >>> idx = GraphIndex.from_node_link({"nodes": [{"id": "post:a", "type": "post", "label": "A"},
    ...     {"id": "paper:x", "type": "paper"}],
    ...     "links": [{"source": "post:a", "target": "paper:x", "relation": "mentions",
    ...                "section": "Papers > Metric-based"}]})
    >>> context_headings(idx)
    {'paper:x': [('Metric-based', 'post:a', 1.0)]}
    """
    ev = evidence if evidence is not None else Evidence(index)
    out: dict[str, list[tuple[str, str, float]]] = {}
    for node in index.nodes:
        if node in index.sections or index.type(node) in ("paper", "topic", "method"):
            heads = node_headings(index, ev, node)
            if heads:
                out[node] = heads
    return out


@functools.lru_cache(maxsize=1 << 16)
def _section_heads(section: str) -> tuple[str, ...]:
    """The headings of a section path, housekeeping ones left out (memoised).

    >>> _section_heads("Papers > Metric-based")
    ('Metric-based',)
    """
    from kg.notes.records import SECTION_SEP

    return tuple(h.strip() for h in section.split(SECTION_SEP) if h.strip() and not is_housekeeping(h))


def node_headings(index: GraphIndex, evidence: Evidence, node: str) -> list[tuple[str, str, float]]:
    """The ``(heading, where, weight)`` of one node (see :func:`context_headings`)."""
    out: list[tuple[str, str, float]] = []
    for post, sec in sorted(index.sections.get(node, {}).items()):
        heads = _section_heads(sec)
        for depth, h in enumerate(heads):
            out.append((h, post, 1.0 if depth == len(heads) - 1 else OUTER_HEADING))
    t = index.type(node)
    if t in ("topic", "method") and not evidence.blocked(node):
        out.append((index.label(node), "", 1.0))
    if t in ("paper", "topic", "method"):
        out.extend((index.label(w), "", 1.0) for w in evidence.groups(node)
                   if index.type(w) in ("topic", "method"))  # fmt: skip
    return out


class _Lazy(dict):  # type: ignore[type-arg]
    """A dict that works out a missing value with ``make(key)`` and keeps it.

    >>> d = _Lazy(len); d["abc"], dict(d)
    (3, {'abc': 3})
    """

    def __init__(self, make: Any) -> None:
        super().__init__()
        self._make = make

    def __missing__(self, key: Any) -> Any:
        got = self[key] = self._make(key)
        return got


class ContextIndex:
    """TF-IDF cosine of the words of the headings items are filed under, across all notes.

    Two papers filed under similarly named headings in different notes (*Metric learning*
    in one, *Metric-based methods* in another) are related even when no note lists both.
    A heading's words are :func:`_tokens` of it (Chinese as character bigrams) plus the
    glossary concepts it names (``concepts``: from :func:`heading_concepts`, so ``度量学习``
    and ``Metric learning`` share ``=metric learning``); a word counts ``1 + log(n)`` for an
    item filed under ``n`` headings with it, times its idf over the filed items.

    >>> idx = GraphIndex.from_node_link({"nodes": [{"id": "post:a", "type": "post"},
    ...     {"id": "post:b", "type": "post"}] + [{"id": f"paper:{i}", "type": "paper"} for i in "xyz"],
    ...     "links": [{"source": "post:a", "target": "paper:x", "relation": "mentions",
    ...                "section": "Metric-based methods"},
    ...               {"source": "post:b", "target": "paper:y", "relation": "mentions",
    ...                "section": "Metric learning"},
    ...               {"source": "post:b", "target": "paper:z", "relation": "mentions",
    ...                "section": "Data augmentation"}]})
    >>> ctx = ContextIndex(idx)
    >>> sorted(ctx.scores("paper:x"))
    ['paper:y']
    >>> ctx.shared("paper:x", "paper:y")
    [('metric', ['Metric-based methods'], ['Metric learning'])]
    >>> ContextIndex(idx, compact=ctx.to_compact()).scores("paper:x") == ctx.scores("paper:x")
    True
    """

    def __init__(self, index: GraphIndex, concepts: Mapping[str, Sequence[str]] | None = None,
                 evidence: Evidence | None = None, *,
                 compact: Mapping[str, Any] | None = None,
                 headings: Mapping[str, list[tuple[str, str, float]]] | None = None) -> None:  # fmt: skip
        self.index = index
        self.concepts = dict(concepts or {})
        self.evidence = evidence if evidence is not None else Evidence(index)
        self._headings: dict[str, list[tuple[str, str, float]]] = {}
        self._words: dict[str, list[str]] = {}
        self.bags: dict[str, dict[str, float]] = {}
        if compact is not None:  # what to_compact kept: no heading is read again
            ids, vocab = list(index.nodes), compact["words"]
            self.bags = {ids[p]: {vocab[i]: w for i, w in zip(ws, vals, strict=True)}
                         for p, ws, vals in compact["bags"]}  # fmt: skip
        else:  # ``headings``: context_headings(index, evidence), when the caller has them
            self._headings = dict(headings) if headings is not None else context_headings(index, self.evidence)
            self._bag_up()
        self._index_bags()

    def _bag_up(self) -> None:
        for node, heads in self._headings.items():
            bag = self._bag(heads)
            if bag:
                self.bags[node] = bag

    def _bag(self, heads: Iterable[tuple[str, str, float]]) -> dict[str, float]:
        """The word bag of one node's headings (empty when they hold no word)."""
        weight: dict[str, float] = {}
        for h, _, w in heads:
            weight[h] = max(w, weight.get(h, 0.0))
        counts: dict[str, float] = {}
        for h, w in weight.items():
            for t in self.words(h):
                counts[t] = counts.get(t, 0.0) + w
        return {t: c if c <= 1.0 else 1.0 + math.log(c) for t, c in counts.items()}

    def derive(self, index: GraphIndex, evidence: Evidence, changed: Iterable[str]) -> ContextIndex:
        """The context index of ``index``, a graph that differs from this one's only in the
        headings of the ``changed`` nodes (from :meth:`Evidence.derive`, whose evidence
        ``evidence`` is): equal to ``ContextIndex(index, self.concepts, evidence)``, but only
        the changed nodes' headings are read again, and idf and norms are worked out for the
        words and nodes a query reaches. This one is left as it is.

        >>> idx = GraphIndex.from_node_link({"nodes": [{"id": "post:a", "type": "post"},
        ...     {"id": "post:b", "type": "post"}] + [{"id": f"paper:{i}", "type": "paper"} for i in "wxyz"],
        ...     "links": [{"source": "post:a", "target": "paper:x", "relation": "mentions",
        ...                "section": "Metric-based methods"},
        ...               {"source": "post:a", "target": "paper:w", "relation": "mentions",
        ...                "section": "Data augmentation"}]
        ...     + [{"source": "post:b", "target": f"paper:{i}", "relation": "mentions",
        ...         "section": "Metric learning"} for i in "yz"]})
        >>> ctx = ContextIndex(idx)
        >>> hidden = [("post:b", "paper:z")]
        >>> ev, changed = ctx.evidence.derive(without(idx, hidden), {"post:b", "paper:z"})
        >>> part = ctx.derive(without(idx, hidden), ev, changed)
        >>> part.scores("paper:x") == ContextIndex(without(idx, hidden)).scores("paper:x")
        True
        >>> sorted(ctx.scores("paper:x")), sorted(part.scores("paper:x"))
        (['paper:y', 'paper:z'], ['paper:y'])
        """
        new = object.__new__(ContextIndex)
        new.index, new.concepts, new.evidence = index, self.concepts, evidence
        new._words = self._words  # the same concepts: the same words of each heading
        new._headings = dict(self._headings)
        new.bags = dict(self.bags)
        new.postings = dict(self.postings)
        copied: set[str] = set()

        def posting(t: str) -> list[str]:
            if t not in copied:
                copied.add(t)
                new.postings[t] = list(new.postings.get(t, ()))
            return new.postings[t]

        for node in sorted(set(changed)):
            heads = (node_headings(index, evidence, node)
                     if node in index.sections or index.type(node) in ("paper", "topic", "method")
                     else [])  # fmt: skip
            if heads:
                new._headings[node] = heads
            else:
                new._headings.pop(node, None)
            old, bag = self.bags.get(node, {}), self._bag(heads)
            for t in old:
                if t not in bag:
                    posting(t).remove(node)
                    if not new.postings[t]:
                        del new.postings[t]
            for t in bag:
                if t not in old:
                    posting(t).append(node)
            if bag:
                new.bags[node] = bag
            else:
                new.bags.pop(node, None)
        # worked out when asked (the closures hold the dicts, not ``new``: no reference
        # cycle, so each note's index is freed as soon as it is dropped)
        n, postings, bags = max(1, len(new.bags)), new.postings, new.bags
        idf = new.idf = _Lazy(lambda t: math.log((1.0 + n) / (1.0 + len(postings[t]))))
        new._norm = _Lazy(lambda node: math.sqrt(sum((v * idf[t]) ** 2 for t, v in bags[node].items())))
        return new

    def _index_bags(self) -> None:
        n = max(1, len(self.bags))
        self.postings: dict[str, list[str]] = {}
        for node, bag in self.bags.items():
            for t in bag:
                self.postings.setdefault(t, []).append(node)
        self.idf = {t: math.log((1.0 + n) / (1.0 + len(ids))) for t, ids in self.postings.items()}
        self._norm = {
            node: math.sqrt(sum((v * self.idf[t]) ** 2 for t, v in bag.items()))
            for node, bag in self.bags.items()
        }

    def to_compact(self) -> dict[str, Any]:
        """The word bags (nodes as positions in the index's node order), JSON-ready;
        ``ContextIndex(index, compact=...)`` reads them back without reading a heading."""
        pos = {n: i for i, n in enumerate(self.index.nodes)}
        vocab = sorted(self.postings)
        at = {t: i for i, t in enumerate(vocab)}
        bags = [[pos[n], [at[t] for t in bag], [round(v, 6) for v in bag.values()]]
                for n, bag in self.bags.items()]  # fmt: skip
        return {"words": vocab, "bags": bags}

    def headings_of(self, node: str) -> list[tuple[str, str, float]]:
        """``(heading, where, weight)`` of the headings ``node`` is filed under."""
        got = self._headings.get(node)
        if got is None:
            got = self._headings[node] = node_headings(self.index, self.evidence, node)
        return got

    def words(self, heading: str) -> list[str]:
        """The words of one heading: its tokens and ``=concept`` for each concept it names."""
        got = self._words.get(heading)
        if got is None:
            got = sorted(_tokens(heading) | {"=" + c for c in self.concepts.get(heading, ())})
            self._words[heading] = got
        return got

    def scores(self, query: str) -> dict[str, float]:
        """``{node: cosine}`` for every item filed under a heading sharing a word with
        ``query``'s (itself left out); a word in a fifth of the filed items tells nothing."""
        bag = self.bags.get(query)
        if not bag:
            return {}
        qn = self._norm[query]
        if qn == 0.0:
            return {}
        acc: dict[str, float] = {}
        limit = 0.2 * len(self.bags) + 50
        for t, v in bag.items():
            ids = self.postings[t]
            w = v * self.idf[t] ** 2
            if w == 0.0 or len(ids) > limit:
                continue
            for nid in ids:
                acc[nid] = acc.get(nid, 0.0) + w * self.bags[nid][t]
        acc.pop(query, None)
        return {nid: s / (qn * self._norm[nid]) for nid, s in acc.items() if self._norm[nid] > 0}

    def shared(self, u: str, v: str) -> list[tuple[str, list[str], list[str]]]:
        """``(word, u's headings with it, v's headings with it)`` for the words both are
        filed under, the most telling (rarest) first; a concept is shown by its name. A word
        that more items carry than a hub has neighbours (``Evidence.hub_degree``) is no reason."""
        bu, bv = self.bags.get(u, {}), self.bags.get(v, {})
        hub = self.evidence.hub_degree
        both = sorted((t for t in bu if t in bv and len(self.postings[t]) <= hub),
                      key=lambda t: (-self.idf[t], t))  # fmt: skip
        out = []
        for t in both:
            hu = sorted({h for h, _, _ in self.headings_of(u) if t in self.words(h)})
            hv = sorted({h for h, _, _ in self.headings_of(v) if t in self.words(h)})
            out.append((t.lstrip("="), hu, hv))
        return out


def pair_features(
    evidence: Evidence,
    text: TextIndex,
    query: str,
    candidates: Sequence[str],
    gnn: np.ndarray | None = None,
    *,
    where: Any = None,
    context: ContextIndex | None = None,
    semantic: np.ndarray | None = None,
) -> np.ndarray:
    """``[len(candidates), len(FEATURES)]`` features of ``(query, candidate)`` pairs.

    Structural values are ``log1p``-damped; ``gnn`` is the link predictor's logit for each
    candidate, or ``[n, 2]`` logits and embedding cosines (zeros when ``None``): the decoder
    was trained on sections, methods and venues, never on two papers, so the cosine of the
    two embeddings says how alike the model sees them where the logit may not. ``where`` (anything with ``.get(id)`` giving the row of
    a candidate or ``None``) saves building that map when the caller has one. ``context``
    (:class:`ContextIndex`) fills the ``context`` column: how alike the headings the two
    are filed under in all the notes are (zeros when ``None``). ``semantic``: the cosine of
    the two title vectors for each candidate (:class:`TitleCosines`; zeros when ``None``).
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
    if context is not None:
        j = FEATURES.index("context")
        for c, val in context.scores(query).items():
            i = where.get(c)
            if i is not None:
                X[i, j] = val
    X[:, :5] = np.log1p(X[:, :5] * _DAMP)
    if gnn is not None:
        g = np.asarray(gnn, dtype=np.float64)
        X[:, 6 : 6 + (g.shape[1] if g.ndim == 2 else 1)] = g.reshape(len(candidates), -1)
    if semantic is not None:
        X[:, FEATURES.index("semantic")] = semantic
    return X


def title_fill(vectors: np.ndarray) -> float:
    """The ``semantic`` value of a pair where one has no title vector: the expected cosine
    of two titles drawn at random (the squared length of the mean title vector), so a
    missing vector neither helps nor hurts a candidate against the typical one.

    >>> title_fill(np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]]))
    0.5
    """
    v = np.asarray(vectors, dtype=np.float64)
    titled = v[v.any(axis=1)]
    if not len(titled):
        return 0.0
    mu = titled.mean(axis=0)
    return float(mu @ mu)


class TitleCosines:
    """``titles(query, candidates)``: cosines of the title vectors of
    :mod:`kg.learn.titles` (rows follow ``ids``; where either has no vector,
    :func:`title_fill`). The training pairs and ``kg suggest`` both read the column here.
    ``row``: the ``{id: row}`` map of ``ids``, when the caller has one.

    >>> t = TitleCosines(["a", "b", "c"], np.array([[1, 0], [0.6, 0.8], [0, 0]], np.float16))
    >>> [round(float(v), 3) for v in t("a", ["b", "c", "x"])]
    [0.6, 0.8, 0.8]
    >>> round(t.meaning(0, 1), 3), t.meaning(0, 2)
    (0.6, None)
    """

    def __init__(self, ids: Sequence[str], vectors: np.ndarray, row: Mapping[str, int] | None = None) -> None:
        self.row = row if row is not None else {n: i for i, n in enumerate(ids)}
        self.vectors = np.asarray(vectors, dtype=np.float64)
        self.titled = self.vectors.any(axis=1)
        self.fill = title_fill(self.vectors)

    def __call__(self, query: str, candidates: Sequence[str]) -> np.ndarray:
        rows = np.array([self.row.get(c, -1) for c in candidates], dtype=np.int64)
        return self.at(self.row.get(query), rows)

    def at(self, i: int | None, rows: np.ndarray) -> np.ndarray:
        """The column for row ``i`` against ``rows`` (``-1``: a node without a row), from a
        product with every row then indexed, so a pair's value does not depend on which
        other candidates are scored with it."""
        if i is None or not self.titled[i]:
            return np.full(len(rows), self.fill)
        ok = rows >= 0
        at = np.where(ok, rows, 0)
        return np.where(ok & self.titled[at], (self.vectors @ self.vectors[i])[at], self.fill)

    def meaning(self, i: int, j: int) -> float | None:
        """The cosine of rows ``i`` and ``j``, or ``None`` when either has no vector (what a
        reason may cite: the fill is no reading of the titles)."""
        if not (self.titled[i] and self.titled[j]):
            return None
        return float(self.vectors[i] @ self.vectors[j])


@dataclass
class Ranker:
    """A logistic model over :data:`FEATURES`: ``p = sigmoid(((X - mean) / scale) @ w + b)``.

    Attributes:
        kind: ``"learned"`` (fitted on the notes' relatedness pairs), ``"component"`` (one
            feature, when no combination beat it), or ``"evidence"`` (fixed weights: the
            combination chosen on validation, or the graph is too small to learn from).
        weights, bias, mean, scale: the model, one weight per feature.
        validation: ``{name: {"mrr", "auc"}}`` of the ranker and each feature on validation.
        pairs: positive and negative pairs it was fitted on.
        note: a sentence for the user when the graph was too small to learn from.
        concepts: ``{heading: glossary concepts}`` of the graph's headings
            (:func:`heading_concepts`), for :class:`ContextIndex` at ranking time without
            loading the glossary.
    """

    kind: str
    weights: list[float]
    bias: float = 0.0
    mean: list[float] = field(default_factory=lambda: [0.0] * len(FEATURES))
    scale: list[float] = field(default_factory=lambda: [1.0] * len(FEATURES))
    validation: dict[str, dict[str, float]] = field(default_factory=dict)
    pairs: dict[str, int] = field(default_factory=dict)
    note: str | None = None
    concepts: dict[str, list[str]] = field(default_factory=dict)
    head: list[list[float]] | None = None

    def project(self, z: np.ndarray) -> np.ndarray | None:
        """Unit rows of ``z @ head``: the embeddings in the relatedness space whose cosine is
        the ``gnn_related`` feature (``None`` without a head).

        >>> Ranker("learned", [0.0] * len(FEATURES), head=[[2.0, 0.0], [0.0, 0.0]]).project(
        ...     np.array([[1.0, 5.0]])).tolist()
        [[1.0, 0.0]]
        """
        if not self.head:
            return None
        return unit_rows(np.asarray(z, dtype=np.float64) @ np.asarray(self.head, dtype=np.float64))

    @property
    def uses_gnn(self) -> bool:
        """Whether the GNN's score enters the ranking."""
        return any(self.weights[FEATURES.index(f)] != 0.0 for f in GNN_FEATURES)

    def logits(self, X: np.ndarray) -> np.ndarray:
        """Raw scores of feature rows, each row summed on its own (not a matrix-vector
        product, whose rounding can depend on how many rows are scored together)."""
        z = (np.asarray(X, dtype=np.float64) - np.asarray(self.mean)) / np.asarray(self.scale)
        return (z * np.asarray(self.weights)).sum(axis=1) + self.bias

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
            "concepts": self.concepts,
            "head": self.head,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> Ranker:
        """Read :meth:`to_json` output; ``None`` or another feature set gives the evidence ranker.

        A model fitted on the first features of :data:`FEATURES` (one trained before a
        feature was added) ranks as it did: the new features get weight 0.

        >>> old = Ranker("learned", [1.0] * 8).to_json()
        >>> old["features"] = old["features"][:8]
        >>> Ranker.from_json(old).weights[-1], Ranker.from_json(old).kind
        (0.0, 'learned')
        """
        names = list((data or {}).get("features", []))
        if not data or not names or names != list(FEATURES[: len(names)]):
            return EVIDENCE_RANKER
        pad = len(FEATURES) - len(names)
        head = data.get("head")

        def cut(key: str, fill: float) -> list[float]:
            return [float(v) for v in data[key]][: len(names)] + [fill] * pad

        return cls(
            kind=str(data["kind"]),
            weights=cut("weights", 0.0),
            bias=float(data["bias"]),
            mean=cut("mean", 0.0),
            scale=cut("scale", 1.0),
            validation=dict(data.get("validation") or {}),
            pairs=dict(data.get("pairs") or {}),
            note=data.get("note"),
            head=[[float(v) for v in r] for r in head] if head else None,
            concepts={str(k): [str(c) for c in v] for k, v in (data.get("concepts") or {}).items()},
        )


#: Weight of the ``context`` cosine in :data:`EVIDENCE_RANKER`.
CONTEXT_WEIGHT = 2.0
#: Weight of the ``semantic`` cosine (title vectors) in :data:`EVIDENCE_RANKER`: that of
#: the word-overlap ``text`` cosine, the other measure of how alike two titles are.
SEMANTIC_WEIGHT = 3.0
#: Fixed weights for graphs too small to learn from: shared groupings count most, then
#: shared notes and text; no GNN.
EVIDENCE_RANKER = Ranker(
    kind="evidence",
    weights=[2.5, 0.8, 0.0, 0.3, 0.5, 3.0, 0.0, 0.0, 0.0, CONTEXT_WEIGHT, SEMANTIC_WEIGHT],
    bias=-2.5,
    note="the graph is too small to learn relatedness from; ranked by the evidence in the "
    "notes (shared groupings and notes, similar titles and headings)",
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
    type_of = {nid: full.type(nid) for nid in full.nodes}  # asked for every pool member
    for nid in sorted(full.nodes):
        by_type.setdefault(type_of[nid], []).append(nid)

    group_sets: dict[str, set[str]] = {}

    def groups_of(nid: str) -> set[str]:  # cached: asked for every sampled negative
        got = group_sets.get(nid)
        if got is None:
            got = group_sets[nid] = {
                w for w, rels in full.neighbors(nid).items()
                if any(r in GROUP_RELATIONS and out for r, out in rels)
            }
        return got

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
        typed: dict[str, tuple[list[str], list[str]]] = {}  # the pools of each type, once
        for cand in (*heads, *members):
            if (child, cand) in seen:
                continue
            seen.add((child, cand))
            out.append((child, cand, 1))
            ctype = full.type(cand)
            pool = by_type.get(ctype, [])
            if ctype not in typed:
                typed[ctype] = ([h for h in hard if (type_of.get(h) or full.type(h)) == ctype],
                                [h for h in near if (type_of.get(h) or full.type(h)) == ctype])  # fmt: skip
            typed_hard, typed_near = typed[ctype]
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
    """Mean reciprocal rank of the first positive and mean AUC, per query (ties half).

    One sort for all queries (a query's AUC from the mid-ranks of its positives), so the
    cost grows as ``n log n`` in the pairs, not as pairs times queries.

    >>> m = _query_metrics(np.array([3.0, 1.0, 2.0, 1.0, 1.0, 0.0]),
    ...                    np.array([1, 0, 0, 0, 1, 0]), np.array(list("aaabbb")))
    >>> round(m["mrr"], 4), round(m["auc"], 4), m["queries"]
    (0.8333, 0.875, 2)
    """
    s = np.asarray(scores, dtype=np.float64)
    y = np.asarray(labels) == 1
    uq, inv = np.unique(np.asarray(queries), return_inverse=True)
    inv = inv.reshape(-1)
    nq = len(uq)
    npos = np.bincount(inv, weights=y, minlength=nq)
    nneg = np.bincount(inv, weights=~y, minlength=nq)
    ok = (npos > 0) & (nneg > 0)
    if not ok.any():
        return {"mrr": float("nan"), "auc": float("nan"), "queries": 0}
    best = np.full(nq, -np.inf)
    np.maximum.at(best, inv[y], s[y])
    neg = ~y
    above = np.bincount(inv[neg], weights=s[neg] > best[inv[neg]], minlength=nq)
    level = np.bincount(inv[neg], weights=s[neg] == best[inv[neg]], minlength=nq)
    rr = 1.0 / (1.0 + above + 0.5 * level)
    # mid-ranks within each query: ties (same query, same score) share the mean rank
    order = np.lexsort((s, inv))
    gs, ss = inv[order], s[order]
    new_block = np.r_[True, (gs[1:] != gs[:-1]) | (ss[1:] != ss[:-1])]
    new_query = np.r_[True, gs[1:] != gs[:-1]]
    pos = np.arange(len(s))
    qstart = np.maximum.accumulate(np.where(new_query, pos, 0))
    bstart = np.maximum.accumulate(np.where(new_block, pos, 0))
    bid = np.cumsum(new_block) - 1
    bend = np.zeros(bid[-1] + 1, dtype=np.int64)
    np.maximum.at(bend, bid, pos)
    mid = (bstart + bend[bid]) / 2.0 - qstart + 1.0
    rsum = np.bincount(gs, weights=mid * y[order], minlength=nq)
    auc = (rsum - npos * (npos + 1) / 2.0) / np.where(ok, npos * nneg, 1.0)
    rr, auc = rr[ok], auc[ok]
    se = float(np.std(rr) / np.sqrt(len(rr)))
    return {"mrr": float(np.mean(rr)), "auc": float(np.mean(auc)), "queries": len(rr), "mrr_se": se}


def query_folds(queries: Sequence[str]) -> np.ndarray:
    """The validation fold (0 to ``VALIDATION_FOLDS - 1``) of each pair: every query's pairs
    on one side, and the queries of one held-out note (``note|paper``, see
    :func:`note_pair_rows`) all on one side too, so that what is validated never saw the
    note it is validated on; groups are assigned in turn in a fixed-seed order.
    :func:`fit_ranker` validates on these folds and :func:`learn_ranker` cross-fits the
    relatedness head on them.

    >>> query_folds(["a", "a", "b", "c", "post:n|a", "post:n|b"]).tolist()
    [1, 1, 2, 0, 3, 3]
    """
    q = [str(x).split("|", 1)[0] for x in queries]
    uq = np.unique(np.asarray(q)) if q else np.zeros(0, dtype=str)
    fold_of = {u: i % VALIDATION_FOLDS for i, u in enumerate(np.random.default_rng(0).permutation(uq))}
    return np.array([fold_of[u] for u in q], dtype=np.int64)


def _logistic(
    X: np.ndarray, y: np.ndarray, l2: float = 1.0, steps: int = 50, offset: np.ndarray | None = None
) -> tuple[np.ndarray, float]:
    """Class-balanced L2 logistic regression by Newton's method on standardised ``X``
    (``offset``: a fixed logit per row the fit adds to, e.g. a prior's). Each step is
    halved until the loss goes down (:func:`_newton`): with an offset that already
    separates most pairs, a full step on the unpenalised bias can overshoot without end.

    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]]); y = np.array([0.0, 0.0, 1.0, 1.0])
    >>> w, b = _logistic(X, y, offset=np.array([-40.0, -40.0, 40.0, 40.0]))
    >>> bool(abs(b) < 10 and abs(w[0]) < 10)
    True
    """
    n, d = X.shape
    pos = max(1, int(y.sum()))
    neg = max(1, n - pos)
    sw = np.where(y == 1, n / (2.0 * pos), n / (2.0 * neg))
    A = np.hstack([X, np.ones((n, 1))])
    off = np.zeros(n) if offset is None else np.asarray(offset, dtype=np.float64)
    reg = np.full(d + 1, l2)
    reg[-1] = 0.0

    def loss_grad_hess(w: np.ndarray, hess: bool) -> tuple[float, np.ndarray, np.ndarray]:
        t = A @ w + off
        loss = float(sw @ (np.logaddexp(0.0, t) - y * t) + 0.5 * reg @ (w * w))
        if not hess:
            return loss, w, w
        p = 1.0 / (1.0 + np.exp(-np.clip(t, -60, 60)))
        g = A.T @ (sw * (p - y)) + reg * w
        H = (A * (sw * p * (1 - p))[:, None]).T @ A + np.diag(reg) + 1e-9 * np.eye(d + 1)
        return loss, g, H

    w = _newton(loss_grad_hess, np.zeros(d + 1), steps)
    return w[:-1], float(w[-1])


def _newton(loss_grad_hess: Any, w: np.ndarray, steps: int) -> np.ndarray:
    """Minimise a convex loss by Newton steps, each halved (up to 30 times) until the loss
    goes down; ``loss_grad_hess(w, hess)`` gives the loss, and with ``hess`` its gradient
    and Hessian too.

    >>> f = lambda w, h: (float((w ** 2).sum()), 2 * w, 2 * np.eye(len(w)))
    >>> _newton(f, np.array([3.0, -1.0]), 5).tolist()
    [0.0, 0.0]
    """
    loss, g, H = loss_grad_hess(w, True)
    for _ in range(steps):
        step = np.linalg.solve(H, g)
        for _ in range(30):
            trial = w - step
            new, _, _ = loss_grad_hess(trial, False)
            if new <= loss + 1e-12:
                break
            step = step / 2.0
        else:
            break
        w = trial
        if np.abs(step).max() < 1e-8:
            break
        loss, g, H = loss_grad_hess(w, True)
    return w


def _nonnegative(fit: Any, Z: np.ndarray, *args: Any) -> np.ndarray:
    """Weights of ``fit(Z[:, columns], *args) -> weights`` kept at or above zero: a column
    that gets a negative weight is dropped and the rest refitted, until none is negative.
    Every feature is built so that more means closer, so a negative weight only trades one
    collinear column against another (Adamic–Adar against common neighbours) on the pairs
    at hand.

    >>> _nonnegative(lambda Z: Z.sum(axis=0) - 1.0, np.array([[2.0, 0.0, 3.0]])).tolist()
    [1.0, 0.0, 2.0]
    """
    keep = np.ones(Z.shape[1], dtype=bool)
    while True:
        w = np.zeros(Z.shape[1])
        if keep.any():
            w[keep] = fit(Z[:, keep], *args)
        if (w >= 0).all():
            return w
        keep &= w > 0


def _logistic_weights(Z: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The weights of :func:`_logistic` (its bias left out)."""
    return _logistic(Z, y)[0]


def _listwise(Z: np.ndarray, y: np.ndarray, queries: np.ndarray, l2: float = 1.0, steps: int = 50) -> np.ndarray:
    """Weights of a linear score fitted per query, listwise: for each query with related
    and unrelated candidates, the softmax of the scores over its candidates should put its
    mass on the related ones (cross-entropy against the uniform distribution over them),
    every query counting once, L2 penalty ``l2``. Top-heavy like MRR and P@5, and blind to
    anything a query's candidates share (no bias). Newton's method (:func:`_newton`).

    >>> Z = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0], [2.0, 0.0], [0.0, 3.0], [1.0, 0.0]])
    >>> w = _listwise(Z, np.array([1.0, 0, 0, 1, 0, 0]), np.array(["a"] * 3 + ["b"] * 3))
    >>> bool(w[0] > 0 > w[1])
    True
    """
    _, inv = np.unique(np.asarray(queries), return_inverse=True)
    npos = np.bincount(inv, weights=y)
    size = np.bincount(inv)
    use = ((npos > 0) & (npos < size))[inv]  # queries with related and unrelated candidates
    order = np.argsort(inv[use], kind="stable")
    Zs, ys, gs = Z[use][order], y[use][order], inv[use][order]
    starts = np.flatnonzero(np.r_[True, gs[1:] != gs[:-1]]) if gs.size else np.zeros(0, dtype=np.int64)
    seg = np.cumsum(np.r_[False, gs[1:] != gs[:-1]]) if gs.size else gs
    t = ys / np.add.reduceat(ys, starts)[seg] if gs.size else ys
    d = Z.shape[1]

    def loss_grad_hess(w: np.ndarray, hess: bool) -> tuple[float, np.ndarray, np.ndarray]:
        loss, g, H = 0.5 * l2 * float(w @ w), l2 * w, l2 * np.eye(d)
        if not gs.size:
            return loss, g, H
        s = Zs @ w
        top = np.maximum.reduceat(s, starts)
        e = np.exp(s - top[seg])
        tot = np.add.reduceat(e, starts)
        loss += float((np.log(tot) + top).sum() - t @ s)
        if hess:
            pi = e / tot[seg]
            m = np.add.reduceat(Zs * pi[:, None], starts)
            g = g + Zs.T @ (pi - t)
            H = H + (Zs * pi[:, None]).T @ Zs - m.T @ m
        return loss, g, H

    return _newton(loss_grad_hess, np.zeros(d), steps)


#: Combinations :func:`fit_ranker` weighs against every single feature: the logistic model
#: fitted from scratch, the fixed evidence weights (:data:`EVIDENCE_RANKER`, the prior), and
#: the logistic model fitted on top of the prior (the prior's logit as an offset), the equal
#: votes of :data:`FUSION`, and a linear score fitted per query (:func:`_listwise`).
COMBINATIONS: tuple[str, ...] = ("learned", "prior", "learned_on_prior", "fusion", "listwise")
#: The columns :func:`fit_ranker`'s ``fusion`` gives one equal vote each, beside the
#: evidence ranker's logit: the families of evidence that do not share a source.
FUSION: tuple[str, ...] = ("text", "gnn_cosine", "gnn_related", "semantic")
#: Simplest first: fewer weights fitted on the user's pairs (the tie-break of the
#: one-standard-error rule in :func:`fit_ranker`).
SIMPLICITY: tuple[str, ...] = ("prior", "fusion", "learned_on_prior", "learned", "listwise")
#: Folds (by query) of the validation that decides what ranks.
VALIDATION_FOLDS = 5


def fit_ranker(
    X: np.ndarray,
    labels: np.ndarray,
    queries: Sequence[str],
    *,
    use_gnn: bool = True,
    min_pairs: int = MIN_PAIRS,
) -> Ranker:
    """Fit the ranker on labelled pair features, keeping it only where it beats each feature.

    Validation is :data:`VALIDATION_FOLDS`-fold by query (:func:`query_folds`: every
    query's pairs, and every query of one held-out note, on one side). Each of
    :data:`COMBINATIONS` is validated: ``learned`` (a logistic fit on all features),
    ``prior`` (:data:`EVIDENCE_RANKER`'s fixed weights), ``learned_on_prior`` (a fit added
    to the prior's logit), ``fusion`` (the prior's logit and each :data:`FUSION` column,
    standardised, one equal vote each, calibrated by a one-weight fit) and ``listwise``
    (:func:`_listwise`, calibrated by a one-weight fit); ``learned`` and ``listwise`` keep
    their weights at or above zero (:func:`_nonnegative`). The winners are
    those with a higher mean MRR and AUC than every single feature on the held-out folds;
    of them, the simplest (:data:`SIMPLICITY`) whose MRR is within one standard error of the
    best winner's is kept (``kind="learned"``, or ``"evidence"`` for the prior): weights
    fitted on the user's own pairs must earn their place. With no winner the feature with
    the best validation MRR ranks alone (``kind="component"``). Fewer than ``min_pairs``
    positives give :data:`EVIDENCE_RANKER`.

    >>> rng = np.random.default_rng(0)
    >>> y = np.tile([1, 0, 0, 0], 100)
    >>> X = rng.normal(size=(400, len(FEATURES))); X[:, 2] += 1.5 * y; X[:, 6] += 1.5 * y
    >>> r = fit_ranker(X, y, [f"q{i // 4}" for i in range(400)])
    >>> r.kind, r.weights[2] > 0, r.weights[6] > 0
    ('learned', True, True)
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(labels, dtype=np.float64)
    q = np.asarray(list(queries))
    npos = int(y.sum())
    pairs = {"positive": npos, "negative": int(len(y) - npos)}
    if npos < min_pairs:
        return Ranker(**{**EVIDENCE_RANKER.__dict__, "pairs": pairs})
    active = np.array([use_gnn or f not in GNN_FEATURES for f in FEATURES]) & (X.std(axis=0) > 0)
    prior = EVIDENCE_RANKER.logits(X)
    fold = query_folds(q)
    val = {c: np.zeros(len(y)) for c in COMBINATIONS}
    val["prior"] = prior
    votes = np.column_stack([prior] + [X[:, FEATURES.index(f)] for f in FUSION if active[FEATURES.index(f)]])
    for k in range(VALIDATION_FOLDS):
        tr = fold != k
        val["fusion"][~tr] = _fusion(votes[tr], y[tr])(votes[~tr])
        mean, scale = X[tr].mean(axis=0), X[tr].std(axis=0)
        scale[scale == 0] = 1.0
        Z = ((X - mean) / scale)[:, active]
        val["learned"][~tr] = Z[~tr] @ _nonnegative(_logistic_weights, Z[tr], y[tr])
        w, b = _logistic(Z[tr], y[tr], offset=prior[tr])
        val["learned_on_prior"][~tr] = Z[~tr] @ w + b + prior[~tr]
        val["listwise"][~tr] = Z[~tr] @ _nonnegative(_listwise, Z[tr], y[tr], q[tr])
    validation = {c: _query_metrics(val[c], y, q) for c in COMBINATIONS}
    validation["ranker"] = validation["learned"]
    comps = {name: _query_metrics(X[:, j], y, q) for j, name in enumerate(FEATURES) if active[j]}
    validation.update(comps)
    mean, scale = X.mean(axis=0), X.std(axis=0)
    scale[scale == 0] = 1.0
    winners = [
        c for c in COMBINATIONS
        if all(validation[c]["mrr"] > v["mrr"] and validation[c]["auc"] > v["auc"] for v in comps.values())
    ]
    if winners or not comps:
        best = max(winners or ["learned"], key=lambda c: (validation[c]["mrr"], validation[c]["auc"]))
        # one-standard-error rule: the simplest winner within one standard error of the best
        bar = validation[best]["mrr"] - validation[best].get("mrr_se", 0.0)
        best = next(c for c in SIMPLICITY if c == best or (c in winners and validation[c]["mrr"] >= bar))
        validation["ranker"] = validation[best]
        validation["chosen"] = {"combination": best}  # type: ignore[dict-item]
        if best == "prior":
            return Ranker(**{**EVIDENCE_RANKER.__dict__, "validation": validation, "pairs": pairs, "note": None})
        Z = ((X - mean) / scale)[:, active]
        weights = np.zeros(len(FEATURES))
        if best == "fusion":
            return _fusion_ranker(votes, y, active, validation, pairs)
        if best == "learned":
            w = _nonnegative(_logistic_weights, Z, y)
            b = _logistic(Z[:, w > 0], y)[1] if (w > 0).any() else 0.0
            weights[active] = w
        elif best == "listwise":  # the per-query fit, calibrated by a one-weight fit
            w = _nonnegative(_listwise, Z, y, q)
            f = Z @ w
            fs = float(f.std()) or 1.0
            a, b = _logistic((f / fs)[:, None], y)
            weights[active] = w * (float(a[0]) / fs)
        else:  # the prior's weights folded into the standardised ones
            w, b = _logistic(Z, y, offset=prior)
            weights[active] = w
            wp = np.asarray(EVIDENCE_RANKER.weights)
            weights = weights + wp * scale
            b = b + EVIDENCE_RANKER.bias + float(mean @ wp)
        return Ranker("learned", weights.tolist(), b, mean.tolist(), scale.tolist(), validation, pairs)
    best = max(comps, key=lambda k: (comps[k]["mrr"], comps[k]["auc"]))
    j = FEATURES.index(best)
    w1, b1 = _logistic(((X[:, [j]] - mean[j]) / scale[j]), y)
    weights = np.zeros(len(FEATURES))
    weights[j] = float(w1[0])
    return Ranker("component", weights.tolist(), b1, mean.tolist(), scale.tolist(), validation, pairs)


def _fusion_fit(votes: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, float, float, float]:
    """Equal votes of standardised columns, calibrated by a one-feature logistic fit:
    ``(m, sd, fm, a, b)`` with logit ``(((v - m) / sd).sum(axis=1) - fm) * a + b``."""
    m, sd = votes.mean(axis=0), votes.std(axis=0)
    sd[sd == 0] = 1.0
    f = ((votes - m) / sd).sum(axis=1)
    fm, fs = float(f.mean()), float(f.std()) or 1.0
    w, b = _logistic(((f - fm) / fs)[:, None], y)
    return m, sd, fm, float(w[0]) / fs, b


def _fusion(votes: np.ndarray, y: np.ndarray) -> Any:
    """:func:`_fusion_fit` as a function from vote rows to logits."""
    m, sd, fm, a, b = _fusion_fit(votes, y)
    return lambda v: (((v - m) / sd).sum(axis=1) - fm) * a + b


def _fusion_ranker(votes: np.ndarray, y: np.ndarray, active: np.ndarray, validation: dict[str, Any],
                   pairs: dict[str, int]) -> Ranker:
    """The ``fusion`` combination as one linear :class:`Ranker` over :data:`FEATURES`: the
    evidence ranker's logit (itself linear in the features) and each :data:`FUSION`
    column, standardised and given one vote each, then calibrated on all pairs."""
    m, sd, fm, a, b = _fusion_fit(votes, y)
    weights = np.asarray(EVIDENCE_RANKER.weights, dtype=np.float64) * (a / sd[0])
    bias = b + a * ((EVIDENCE_RANKER.bias - m[0]) / sd[0] - fm)
    cols = [FEATURES.index(c) for c in FUSION if active[FEATURES.index(c)]]
    for i, j in enumerate(cols, start=1):
        weights[j] += a / sd[i]
        bias -= a * m[i] / sd[i]
    validation["chosen"] = {"combination": "fusion"}
    return Ranker("learned", weights.tolist(), float(bias), validation=validation, pairs=pairs)


def learn_ranker(
    full: GraphIndex,
    seen: GraphIndex,
    held_out: Iterable[tuple[str, str]],
    gnn: Any = None,
    *,
    seed: int = 0,
    min_pairs: int = MIN_PAIRS,
    concepts: Mapping[str, Sequence[str]] | None = None,
    embed: Any = None,
    fit_head: Any = None,
    extra: tuple[np.ndarray, np.ndarray, list[str], np.ndarray, np.ndarray] | None = None,
    context: ContextIndex | None = None,
    titles: TitleCosines | None = None,
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
        concepts: the glossary concepts of headings (:func:`heading_concepts`), kept in
            the ranker for :class:`ContextIndex`.
        embed: ``embed(nodes) -> [n, d]`` embeddings (that never saw the held-out edges) for
            the relatedness head; with ``fit_head`` the ``gnn_related`` feature is learned.
        fit_head: ``fit_head(z_query, z_candidate, labels) -> [d, r]`` head (see
            :func:`cross_fit_head`).
        extra: more labelled pairs, ``(X, labels, queries, z_query, z_candidate)``, such
            as :func:`note_pair_rows` gives (the GNN columns already filled).
        context: ``ContextIndex(seen, concepts)`` when the caller has it (its evidence is
            used too).
        titles: the title-vector cosines (the ``semantic`` column), or ``None``.
    """
    edges = [(u, v) for a, b in held_out for u, v in ((a, b), (b, a))]
    pairs = relatedness_pairs(full, edges, seed=seed)
    ev = context.evidence if context is not None else Evidence(seen)
    tx = TextIndex(seen)
    ctx = context if context is not None else ContextIndex(seen, concepts, ev)
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
        sem = titles(qn, cands) if titles is not None else None
        rows.append(pair_features(ev, tx, qn, cands, logits, context=ctx, semantic=sem))
        labels.extend(y for _, y in by_query[qn])
        queries.extend([qn] * len(cands))
    X = np.vstack(rows) if rows else np.zeros((0, len(FEATURES)))
    y = np.asarray(labels, dtype=np.float64)
    cands = [c for qn in sorted(by_query) for c, _ in by_query[qn]]
    zq = embed(queries) if embed is not None and queries else None
    zc = embed(cands) if embed is not None and queries else None
    if extra is not None and len(extra[1]):  # whole notes held out: the protocol's shape
        eX, ey, eq, ezq, ezc = extra
        if zq is not None and zc is not None:
            zq, zc = np.vstack([zq, ezq]), np.vstack([zc, ezc])
        elif not queries:
            zq, zc = ezq, ezc
        X, y, queries = np.vstack([X, eX]), np.concatenate([y, ey]), [*queries, *eq]
    head = None
    if zq is not None and zc is not None and fit_head is not None and int(y.sum()) >= min_pairs:
        X[:, FEATURES.index("gnn_related")], head, how = cross_fit_head(zq, zc, y, queries, fit_head)
    ranker = fit_ranker(X, y, queries, use_gnn=gnn is not None, min_pairs=min_pairs)
    if head is not None:
        ranker.validation["head"] = how
        if ranker.weights[FEATURES.index("gnn_related")] != 0.0:
            ranker.head = np.round(head, 6).tolist()
    return replace(ranker, concepts=dict(concepts or {}))


#: Strengths of the head's pull towards the identity tried by :func:`cross_fit_head`.
HEAD_L2: tuple[float, ...] = (0.1, 1.0)
#: Above this many pairs :func:`cross_fit_head` fits the head on a seeded sample of whole
#: queries holding about this many (each fit costs in proportion to its pairs; every pair
#: still gets its cross-fitted value), so its cost stays bounded on any graph. The shared
#: corpus gives 3,500 pairs, 16 copies of it (51,559 nodes) 8,261: all used.
HEAD_MAX_PAIRS = 16000


def head_sample(queries: Sequence[str], max_pairs: int = HEAD_MAX_PAIRS) -> np.ndarray:
    """Which pairs the relatedness head is fitted on: all of them up to ``max_pairs``, else
    those of a fixed-seed sample of query groups (a held-out note's queries, ``note|paper``,
    form one group, as in :func:`query_folds`) holding at least ``max_pairs``.

    >>> head_sample(["a", "a", "b"]).tolist()
    [True, True, True]
    >>> int(head_sample([f"q{i // 2}" for i in range(100)], max_pairs=10).sum())
    10
    """
    n = len(queries)
    if n <= max_pairs:
        return np.ones(n, dtype=bool)
    group = np.asarray([str(x).split("|", 1)[0] for x in queries])
    uq, inv, counts = np.unique(group, return_inverse=True, return_counts=True)
    order = np.random.default_rng(0).permutation(len(uq))
    take = order[: int(np.searchsorted(np.cumsum(counts[order]), max_pairs)) + 1]
    chosen = np.zeros(len(uq), dtype=bool)
    chosen[take] = True
    return chosen[inv.reshape(-1)]


def cross_fit_head(
    zq: np.ndarray,
    zc: np.ndarray,
    labels: np.ndarray,
    queries: Sequence[str],
    fit_head: Any,
    l2s: Sequence[float] = HEAD_L2,
    max_pairs: int = HEAD_MAX_PAIRS,
) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
    """The ``gnn_related`` column of training pairs, the head to ship and how it was chosen.

    Each pair's value comes from a head fitted on the other validation fold
    (:func:`query_folds`), so :func:`fit_ranker` compares it with the other features on
    pairs it was not fitted on. Each strength in ``l2s`` (``fit_head(zq, zc, y, l2=...)``)
    is tried so; the one with the best validation MRR + AUC is kept and its head, fitted
    on all pairs, returned, with ``{"l2": chosen, "tried": {l2: {"mrr", "auc"}}}``. Above
    ``max_pairs`` pairs every fit uses only those of :func:`head_sample` (``"fitted_on"``
    says how many); each pair's value still comes from the fold that left it out.

    >>> rng = np.random.default_rng(0)
    >>> zq, zc = rng.normal(size=(40, 3)), rng.normal(size=(40, 3))
    >>> col, head, how = cross_fit_head(zq, zc, np.tile([1, 0], 20),
    ...     [f"q{i // 4}" for i in range(40)], lambda a, b, y, l2: np.eye(3), l2s=(1.0,))
    >>> bool(np.allclose(col, (unit_rows(zq) * unit_rows(zc)).sum(axis=1))), head.shape, how["l2"]
    (True, (3, 3), 1.0)
    """
    y = np.asarray(labels)
    q = np.asarray(list(queries))
    fold = query_folds(q)
    sample = head_sample(q, max_pairs)
    best: tuple[float, float, np.ndarray] | None = None
    tried: dict[str, dict[str, float]] = {}
    def usable(k: int) -> bool:  # a fold to fit on: some pairs left out, both labels in
        fit = (fold != k) & sample
        return bool(fit.any()) and not (fold != k).all() and y[fit].min() != y[fit].max()

    jobs = [(l2, k) for l2 in l2s for k in range(VALIDATION_FOLDS) if usable(k)]

    def fold_head(job: tuple[float, int]) -> np.ndarray:
        fit = (fold != job[1]) & sample
        return np.asarray(fit_head(zq[fit], zc[fit], y[fit], l2=job[0]), dtype=np.float64)

    # the fits are independent and deterministic: run them side by side on the cores there are
    heads = dict(zip(jobs, parallel_map(fold_head, jobs), strict=True))
    for l2 in l2s:
        col = np.zeros(len(y))
        for k in range(VALIDATION_FOLDS):
            W = heads.get((l2, k))
            if W is None:
                continue
            held = fold == k
            col[held] = (unit_rows(zq[held] @ W) * unit_rows(zc[held] @ W)).sum(axis=1)
        m = _query_metrics(col, y, q)
        tried[str(l2)] = {"mrr": m["mrr"], "auc": m["auc"]}
        score = m["mrr"] + m["auc"] if m["queries"] else -1.0
        if best is None or score > best[0]:
            best = (score, float(l2), col)
    assert best is not None
    _, l2, col = best
    head = np.asarray(fit_head(zq[sample], zc[sample], y[sample], l2=l2), dtype=np.float64)
    how: dict[str, Any] = {"l2": l2, "tried": tried}
    if not sample.all():
        how["fitted_on"] = int(sample.sum())
    return col, head, how


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
    fit_head: Any = None,
    encode_without: Any = None,
    titles: np.ndarray | None = None,
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
        fit_head: trains the relatedness head on ``z_eval`` (see :func:`learn_ranker`;
            ``kg train`` passes :func:`kg.learn.training.fit_relatedness_head`), or ``None``.
        encode_without: ``encode_without(pairs, nodes) -> z``, the embeddings of ``nodes``
            with the edges between those node pairs out of message passing: with it, whole
            notes held out
            one at a time (:func:`note_pair_rows`) add pairs shaped like the protocol's.
        titles: title vectors, rows follow ``ids`` (:func:`kg.learn.titles.title_vectors`),
            for the ``semantic`` column; ``None`` leaves it at zero.
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

    def embed(nodes: Sequence[str]) -> np.ndarray:
        return np.asarray(z_eval, dtype=np.float64)[[row[n] for n in nodes]]

    whole = Evidence(full)
    headings = context_headings(full, whole)
    concepts = heading_concepts(h for heads in headings.values() for h, _, _ in heads)
    base = ContextIndex(full, concepts, whole, headings=headings)
    cosines = TitleCosines(ids, titles) if titles is not None else None
    extra = None
    if encode_without is not None and z_eval is not None:
        extra = note_pair_rows(kg, TextIndex(seen), ids, encode_without, decoder, seed=seed,
                               concepts=concepts, index=full, context=base, titles=cosines)
    pairs = [(ids[a], ids[b]) for a, b in ho.T]
    # the features' graph differs from the whole one only at the held-out pairs' nodes
    ev, changed = whole.derive(seen, {str(n) for pair in out for n in pair})
    return learn_ranker(
        full, seen, pairs, gnn if z_eval is not None else None, seed=seed, concepts=concepts,
        embed=embed if z_eval is not None else None, fit_head=fit_head, extra=extra,
        context=base.derive(seen, ev, changed), titles=cosines,
    )


# -- whole notes held out: pairs shaped like the related-works protocol ------------------------
#: At most this many notes are held out one at a time by :func:`note_holdout`.
NOTE_QUERIES = 30
#: A note is held out when it lists at least this many papers that other notes name too.
NOTE_MIN_PAPERS = 4


def _clean_section(section: str) -> str:
    """A section's heading path without housekeeping headings (``""``: it groups nothing).

    >>> _clean_section("Papers > Basic models")
    'Basic models'
    """
    from kg.notes.records import SECTION_SEP

    return SECTION_SEP.join(h for h in section.split(SECTION_SEP) if not is_housekeeping(h))


def note_holdout(
    kg: Any, *, seed: int = 0, limit: int = NOTE_QUERIES, index: GraphIndex | None = None
) -> list[tuple[str, dict[str, str], list[tuple[str, str]]]]:
    """Notes to hold out whole, one at a time, as the related-works protocol holds out a list.

    A note qualifies when at least :data:`NOTE_MIN_PAPERS` of the papers it lists under a
    section (housekeeping headings dropped) are named by other notes too, under at least two
    sections, one of them with two such papers: those papers, ranked for each other with the
    note out of the graph, are what a curated list's held-out papers are. Up to ``limit``
    notes (a fixed-seed sample), each as ``(post, {paper: section}, hidden pairs)``: the
    hidden pairs are every edge of the note and the grouping edges ``paper -> group`` that
    only this note files (it names both and no other note does).

    >>> import networkx as nx
    >>> from kg.graph.knowledge_graph import KnowledgeGraph
    >>> g = nx.MultiDiGraph()
    >>> g.add_nodes_from(["post:l", "post:b"], type="post")
    >>> for p, sec in [("paper:a", "GNN"), ("paper:b", "GNN"), ("paper:c", "RL"), ("paper:d", "RL")]:
    ...     _ = g.add_edge("post:l", p, key="mentions", relation="mentions", section=sec)
    ...     _ = g.add_edge("post:b", p, key="mentions", relation="mentions")
    >>> [(post, papers) for post, papers, _ in note_holdout(KnowledgeGraph(g))]
    [('post:l', {'paper:a': 'GNN', 'paper:b': 'GNN', 'paper:c': 'RL', 'paper:d': 'RL'})]

    ``index``: ``GraphIndex.from_graph(kg.graph)``, when the caller has it.
    """
    index = index if index is not None else GraphIndex.from_graph(kg.graph)
    ev = Evidence(index)
    posts = sorted({q for by in index.sections.values() for q in by})
    found = []
    for post in posts:
        papers: dict[str, str] = {}
        for sec, members in sorted(index.filed(post).items()):
            clean = _clean_section(sec)
            if not clean or len(members) > ev.hub_degree:
                continue
            for m in members:
                if sum(index.type(w) == "post" for w in index.neighbors(m)) > 1:
                    papers[m] = clean
        sizes: dict[str, int] = {}
        for s in papers.values():
            sizes[s] = sizes.get(s, 0) + 1
        if len(papers) >= NOTE_MIN_PAPERS and len(sizes) >= 2 and max(sizes.values()) >= 2:
            found.append((post, papers))
    rng = np.random.default_rng(seed)
    if len(found) > limit:
        found = [found[i] for i in sorted(rng.choice(len(found), limit, replace=False))]
    out = []
    for post, papers in found:
        hidden = [(post, w) for w in sorted(index.neighbors(post))]
        named = set(index.neighbors(post))
        for child in sorted(named):
            for group, rels in sorted(index.neighbors(child).items()):
                if group not in named or not any(r in GROUP_RELATIONS and o for r, o in rels):
                    continue
                others = [w for w in index.neighbors(group) if index.type(w) == "post"
                          and w != post and child in index.neighbors(w)]  # fmt: skip
                if not others:
                    hidden.append((child, group))
        out.append((post, papers, hidden))
    return out


def without(source: Any, pairs: Iterable[tuple[str, str]]) -> GraphIndex:
    """The graph's index with every edge between the given node pairs (either way) left out.

    ``source`` is a :class:`kg.suggest.reasons.GraphIndex` (left as it is: the result shares its
    untouched neighbour maps, so taking one note out of a large graph costs little) or
    anything with a networkx ``.graph``.

    >>> import networkx as nx
    >>> g = nx.MultiDiGraph([("a", "b"), ("b", "c")])
    >>> full = GraphIndex.from_graph(g)
    >>> sorted(without(full, [("b", "a")]).neighbors("b")), sorted(full.neighbors("b"))
    (['c'], ['a', 'c'])
    """
    index = source if isinstance(source, GraphIndex) else GraphIndex.from_graph(source.graph)
    adj = dict(index.adj)
    sections = dict(index.sections)
    dropped: dict[str, set[str]] = {}  # post -> papers no longer listed in it
    for u, v in pairs:
        for a, b in ((u, v), (v, u)):
            nb = index.neighbors(a)
            if b in nb:
                if adj.get(a) is nb or a not in adj:
                    adj[a] = dict(nb)
                adj[a].pop(b, None)
            by = sections.get(a)
            if by and b in by:
                dropped.setdefault(b, set()).add(a)
                sections[a] = {q: sec for q, sec in by.items() if q != b}
                if not sections[a]:
                    del sections[a]
    out = GraphIndex(index.nodes, adj, sections)
    if index._filed is not None:  # the notes' sections, less what the pairs took out
        filed = dict(index._filed)
        for post, gone in dropped.items():
            left = {sec: [m for m in ms if m not in gone] for sec, ms in filed.get(post, {}).items()}
            filed[post] = {sec: ms for sec, ms in left.items() if ms}
            if not filed[post]:
                del filed[post]
        out._filed = filed
    return out


def note_pair_rows(
    kg: Any,
    text: TextIndex,
    ids: Sequence[str],
    encode_without: Any,
    decoder: Mapping[str, Any],
    *,
    seed: int = 0,
    concepts: Mapping[str, Sequence[str]] | None = None,
    index: GraphIndex | None = None,
    context: ContextIndex | None = None,
    titles: TitleCosines | None = None,
) -> tuple[np.ndarray, np.ndarray, list[str], np.ndarray, np.ndarray]:
    """Features of protocol-shaped pairs: for each note of :func:`note_holdout`, out of the
    graph (features, and GNN embeddings re-encoded by ``encode_without(pairs, nodes) -> z``,
    the rows of ``nodes`` with the edges of ``pairs`` out of message passing), its
    papers that other notes name ranked for each other, related when listed under one
    section. Returns ``(X, labels, queries, z_query, z_candidate)`` (``queries`` as
    ``post|paper``, one query per paper of a note with a related and an unrelated one;
    ``concepts``: the heading concepts of :class:`ContextIndex`, for the ``context`` column;
    ``index`` and ``context``: ``GraphIndex.from_graph(kg.graph)`` and its context index with
    ``concepts``, when the caller has them; ``titles``: the ``semantic`` column). Each note's evidence and context index are
    derived from the whole graph's (:meth:`ContextIndex.derive`): what the note touches is
    read again, not the graph."""
    from kg.suggest.scoring import score_pairs

    row = {n: i for i, n in enumerate(ids)}
    full = index if index is not None else GraphIndex.from_graph(kg.graph)
    rows, labels, queries, zq, zc = [], [], [], [], []
    base_ctx = context
    notes = [(post, papers, hidden, members) for post, papers, hidden in note_holdout(kg, seed=seed, index=full)
             if len(members := sorted(p for p in papers if p in row)) >= NOTE_MIN_PAPERS]  # fmt: skip
    # each note's re-encoding (torch: its papers' embeddings) runs ahead, in a thread, of
    # its features (Python)
    encoded = prefetched(lambda note: encode_without(note[2], note[3]), notes)
    for (post, papers, hidden, members), z_note in zip(notes, encoded, strict=True):
        if base_ctx is None:  # one index of the whole graph; each note's by what it touches
            base_ctx = ContextIndex(full, concepts, Evidence(full))
        full.filed("")  # the notes' sections, once: each note's are derived from them
        seen = without(full, hidden)
        ev, changed = base_ctx.evidence.derive(seen, {n for pair in hidden for n in pair})
        ctx = base_ctx.derive(seen, ev, changed)
        z = np.asarray(z_note, dtype=np.float64)  # rows follow members
        unit = unit_rows(z)
        at = {m: i for i, m in enumerate(members)}
        for q in members:
            cands = [c for c in members if c != q]
            y = np.array([papers[c] == papers[q] for c in cands], dtype=np.float64)
            if y.min() == y.max():
                continue
            pairs = np.array([[at[q]] * len(cands), [at[c] for c in cands]], dtype=np.int64)
            logits = score_pairs(z, pairs, dict(decoder), logits=True)
            gnn = np.column_stack([logits, unit[pairs[1]] @ unit[at[q]]])
            sem = titles(q, cands) if titles is not None else None
            rows.append(pair_features(ev, text, q, cands, gnn, context=ctx, semantic=sem))
            labels.extend(y.tolist())
            queries.extend([f"{post}|{q}"] * len(cands))
            zq.append(np.repeat(z[[at[q]]], len(cands), axis=0))
            zc.append(z[pairs[1]])
    if not rows:
        empty = np.zeros((0, len(FEATURES)))
        return empty, np.zeros(0), [], np.zeros((0, 0)), np.zeros((0, 0))
    return np.vstack(rows), np.asarray(labels), queries, np.vstack(zq), np.vstack(zc)
