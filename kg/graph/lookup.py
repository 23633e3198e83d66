"""Finding nodes by name: exact label, then alias, then fuzzy (rapidfuzz).

:func:`find` lists candidates best first; :func:`find_one` turns what a user typed
(a node id, a label, an alias or a near miss) into exactly one node id, or raises
``LookupError`` with a one-line message that lists the closest matches.

Labels and aliases are compared on :func:`kg.graph.resolution.match_key` (case, width and
punctuation folded), so ``pruning from scratch`` finds ``Pruning from Scratch``.

Example
-------
>>> from kg.graph.knowledge_graph import KnowledgeGraph
>>> kg = KnowledgeGraph.from_records({
...     "paper:pruning-from-scratch": {"type": "paper", "label": "Pruning from Scratch",
...                                    "aliases": ["PFS"]},
...     "method:nas": {"type": "method", "label": "NAS", "aliases": []},
...     "topic:nas": {"type": "topic", "label": "NAS", "aliases": []},
... }, [])
>>> [(m.id, m.how) for m in find(kg, "pruning from scratch")]
[('paper:pruning-from-scratch', 'exact')]
>>> find(kg, "PFS")[0].how
'alias'
>>> find(kg, "Pruning from scrach")[0].how
'fuzzy'
>>> find_one(kg, "pruning from scrach")
'paper:pruning-from-scratch'
>>> find_one(kg, "scratch")
Traceback (most recent call last):
...
LookupError: no node matches 'scratch'; closest: paper:pruning-from-scratch (Pruning from Scratch)
>>> find_one(kg, "NAS", type="method")
'method:nas'
>>> find_one(kg, "NAS")
Traceback (most recent call last):
...
LookupError: 'NAS' is ambiguous: method:nas (NAS), topic:nas (NAS); give a node id or a type
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kg.notes.names import match_key

if TYPE_CHECKING:  # pragma: no cover
    from kg.graph.knowledge_graph import KnowledgeGraph

__all__ = [
    "Match",
    "find",
    "closest",
    "label_names",
    "words",
    "find_one",
    "FUZZY_CUTOFF",
    "ACCEPT_FUZZY",
    "CLOSEST_CUTOFF",
]

#: Fuzzy matches scoring below this (rapidfuzz ``WRatio`` on lower-cased text, 0-100) are
#: not listed.
FUZZY_CUTOFF = 60.0
#: :func:`closest` lists names whose word score (weighted Dice, 0-1) is at least this.
CLOSEST_CUTOFF = 0.3
#: :func:`find_one` accepts a lone fuzzy match scoring at least this.
ACCEPT_FUZZY = 90.0

_RANK = {"exact": 0, "alias": 1, "fuzzy": 2}


@dataclass(frozen=True)
class Match:
    """A node that matches a query.

    Attributes:
        id: node id.
        label: node label.
        type: node type.
        score: 100 for exact and alias matches, the rapidfuzz ``WRatio`` otherwise.
        how: ``exact`` (label or id), ``alias`` (an alias, or one side of a label
            ``Name (ACRONYM)``), ``fuzzy``; ``words`` for :func:`closest`.
    """

    id: str
    label: str
    type: str
    score: float
    how: str


def find(
    kg: KnowledgeGraph,
    text: str,
    *,
    type: str | None = None,  # noqa: A002
    limit: int = 10,
) -> list[Match]:
    """Nodes matching ``text``, best first: exact label or id, then alias, then fuzzy.

    Args:
        kg: the graph to search.
        text: a node id, label, alias or an approximate name.
        type: only nodes of this type.
        limit: at most this many matches.
    """
    from rapidfuzz import fuzz, process, utils

    key = match_key(text)
    found: dict[str, Match] = {}
    choices: list[str] = []
    owners: list[tuple[str, str, str]] = []
    for nid, attrs in kg.iter_nodes():
        ntype = attrs.get("type", "")
        if type is not None and ntype != type:
            continue
        label = str(attrs.get("label", nid))
        if nid == text.strip() or (key and match_key(label) == key):
            found[nid] = Match(nid, label, ntype, 100.0, "exact")
            continue
        aliases = [str(a) for a in attrs.get("aliases") or []] + label_names(label)
        if key and any(match_key(a) == key for a in aliases):
            found[nid] = Match(nid, label, ntype, 100.0, "alias")
            continue
        for name in (label, *aliases):
            choices.append(name)
            owners.append((nid, label, ntype))
    if key and len(found) < limit:
        hits = process.extract(
            text,
            choices,
            scorer=fuzz.WRatio,
            processor=utils.default_process,
            score_cutoff=FUZZY_CUTOFF,
            limit=None,
        )
        for _, score, idx in hits:
            nid, label, ntype = owners[idx]
            if nid not in found:
                found[nid] = Match(nid, label, ntype, round(float(score), 1), "fuzzy")
    if len(found) > limit:  # ties of the fuzzy score go to the closest in words
        words = _WordIndex([(m.id, m.label) for m in found.values()])
        close = dict(words.closest(text, limit=None, cutoff=0.0))
    else:
        close = {}
    ranked = sorted(
        found.values(), key=lambda m: (_RANK[m.how], -m.score, -close.get(m.id, 0.0), m.id)
    )
    return ranked[:limit]


_PARENS = re.compile(r"^(?P<head>[^()（）]+?)\s*[(（](?P<tail>[^()（）]+)[)）]$")


def label_names(label: str) -> list[str]:
    """Other names a label spells out: both sides of ``Name (ACRONYM)`` or ``ACRONYM (Name)``.

    A note calls a topic "Generative Adversarial Network (GAN)"; a query ``GAN`` or
    ``generative adversarial network`` names it as well as an alias would.

    >>> label_names("Generative Adversarial Network (GAN)")
    ['Generative Adversarial Network', 'GAN']
    >>> label_names("导航（navigation）")
    ['导航', 'navigation']
    >>> label_names("Graph Attention Networks")
    []
    """
    m = _PARENS.match(unicodedata.normalize("NFKC", label).strip())
    if m is None:
        return []
    return [part for part in (m["head"].strip(), m["tail"].strip()) if match_key(part)]


# ---- closeness in words ----------------------------------------------------------------------
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af"
_WORDS = re.compile(f"[{_CJK}]|[^\\W_{_CJK}]+")
_IS_CJK = re.compile(f"[{_CJK}]")
#: Words that never make two names close on their own (shared words must include another).
_STOPWORDS = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "into", "is", "it",
    "its", "of", "on", "or", "over", "the", "their", "to", "toward", "towards", "under", "via",
    "vs", "what", "when", "where", "which", "with", "without",
})


def words(text: str) -> list[str]:
    """The words of ``text`` for closeness: NFKC, case-folded; each CJK character a word,
    a lone Latin letter or digit none.

    >>> words("Pruning from Scratch (PFS)")
    ['pruning', 'from', 'scratch', 'pfs']
    >>> words("GAN 训练 for t in 1 2")
    ['gan', '训', '练', 'for', 'in']
    """
    found = _WORDS.findall(unicodedata.normalize("NFKC", text).casefold())
    return [w for w in found if len(w) > 1 or _IS_CJK.match(w)]


def _word_match(a: str, b: str) -> float:
    """1 for the same word; near 1 for a prefix (``dart``, ``darts``) or a typo; else 0."""
    if a == b:
        return 1.0
    short, long_ = sorted((a, b), key=len)
    if len(short) >= 3 and long_.startswith(short) and len(long_) - len(short) <= 3:
        return 0.9
    if len(short) >= 4:
        from rapidfuzz import fuzz

        r = fuzz.ratio(a, b)
        if r >= 80:
            return r / 100
    return 0.0


class _WordIndex:
    """Names ranked by the words they share with a query, rare words weighing more (IDF).

    The score is a weighted Dice coefficient: twice the weight of the shared words over the
    weight of the query's and the name's words, so ``for`` or ``learning`` count little and a
    long title is not close because one common word appears in it. A name is listed only
    when one of the shared words is in at most 5% of the names (or 3) and is not a
    function word such as ``for`` or ``in``.
    """

    def __init__(self, names: list[tuple[str, str]]) -> None:
        self.names = [(nid, set(words(name))) for nid, name in names]
        df: dict[str, int] = {}
        for _, ws in self.names:
            for w in ws:
                df[w] = df.get(w, 0) + 1
        n = len(self.names) + 1
        self.idf = {w: math.log(n / (c + 0.5)) + 0.1 for w, c in df.items()}
        # a shared word says something only when few names have it ("for" is not enough)
        few = max(3, 0.05 * len(self.names))
        self.telling = {w for w, c in df.items() if c <= few and w not in _STOPWORDS}
        self.default_idf = math.log(n / 0.5) + 0.1

    def _similar(self, q: str) -> dict[str, float]:
        """The words of the index that match ``q`` (:func:`_word_match`), with their match."""
        from rapidfuzz import fuzz, process

        out = {q: 1.0} if q in self.idf else {}
        if len(q) >= 3:
            for v in self.idf:
                if v != q and (v.startswith(q) or q.startswith(v)):
                    out[v] = _word_match(q, v)
        if len(q) >= 4:
            vocab = [v for v in self.idf if len(v) >= 4]
            for v, _, _ in process.extract(q, vocab, scorer=fuzz.ratio, score_cutoff=80, limit=None):
                out[v] = max(out.get(v, 0.0), _word_match(q, v))
        return {v: m for v, m in out.items() if m > 0}

    def closest(
        self, text: str, *, limit: int | None = 5, cutoff: float = CLOSEST_CUTOFF
    ) -> list[tuple[str, float]]:
        qwords = set(words(text))
        if not qwords:
            return []
        weight = {w: self.idf.get(w, self.default_idf) for w in qwords}
        similar = {q: self._similar(q) for q in qwords}
        qweight = sum(weight.values())
        scored: dict[str, float] = {}
        for nid, ws in self.names:
            common, telling = 0.0, False
            for q in qwords:
                best, word = max(((similar[q].get(w, 0.0), w) for w in ws), default=(0.0, ""))
                common += weight[q] * best
                telling = telling or (best > 0 and word in self.telling)
            if not telling:
                continue
            score = 2 * common / (qweight + sum(self.idf[w] for w in ws))
            if score >= cutoff and score > scored.get(nid, 0.0):
                scored[nid] = score
        ranked = sorted(scored.items(), key=lambda t: (-t[1], t[0]))
        return ranked if limit is None else ranked[:limit]


def closest(
    kg: KnowledgeGraph,
    text: str,
    *,
    type: str | None = None,  # noqa: A002
    limit: int = 5,
    cutoff: float = CLOSEST_CUTOFF,
) -> list[Match]:
    """The nodes whose label or aliases share the most (rare) words with ``text``.

    What a user is offered when ``text`` names no node: closeness is on words (a typo or a
    plural still counts), weighted by how rare each word is in the graph, never on the
    characters of an id.

    >>> from kg.graph.knowledge_graph import KnowledgeGraph
    >>> kg = KnowledgeGraph.from_records({
    ...     "paper:a": {"type": "paper", "label": "Pruning Filters for Efficient ConvNets"},
    ...     "paper:b": {"type": "paper", "label": "Learning for Repeat Detection"},
    ...     "method:c": {"type": "method", "label": "for t in 1 2"},
    ... }, [])
    >>> [m.id for m in closest(kg, "pruning filters revisited")]
    ['paper:a']
    """
    names: list[tuple[str, str]] = []
    info: dict[str, tuple[str, str]] = {}
    for nid, attrs in kg.iter_nodes():
        ntype = attrs.get("type", "")
        if type is not None and ntype != type:
            continue
        label = str(attrs.get("label", nid))
        info[nid] = (label, ntype)
        for name in (label, *(str(a) for a in attrs.get("aliases") or [])):
            names.append((nid, name))
    ranked = _WordIndex(names).closest(text, limit=limit, cutoff=cutoff)
    return [Match(nid, *info[nid], round(100 * score, 1), "words") for nid, score in ranked]


def _whole_ratio(a: str, b: str) -> float:
    from rapidfuzz import fuzz, utils

    return float(fuzz.ratio(a, b, processor=utils.default_process))


def _listing(matches: list[Match]) -> str:
    return ", ".join(f"{m.id} ({m.label})" for m in matches)


def find_one(
    kg: KnowledgeGraph,
    text: str,
    type: str | None = None,  # noqa: A002
) -> str:
    """The one node id ``text`` names.

    Accepted, in order: a node id; a single exact label match; a single alias match; a
    single fuzzy match scoring at least :data:`ACCEPT_FUZZY` that is 5 points clear of the
    next one and whose whole label (not only a part of it) is that close to ``text`` — so a
    short query such as ``GAT`` is never taken as a word that merely contains it.

    Raises:
        LookupError: nothing matches, or several nodes match equally well (the message
            lists the closest matches on one line).
    """
    if text.strip() in kg and (type is None or kg.node(text.strip()).get("type") == type):
        return text.strip()
    matches = find(kg, text, type=type, limit=6)
    for how in ("exact", "alias"):
        tier = [m for m in matches if m.how == how]
        if len(tier) == 1:
            return tier[0].id
        if len(tier) > 1:
            raise LookupError(f"{text!r} is ambiguous: {_listing(tier)}; give a node id or a type")
    fuzzy = [m for m in matches if m.how == "fuzzy"]
    if fuzzy and fuzzy[0].score >= ACCEPT_FUZZY:
        if len(fuzzy) > 1 and fuzzy[1].score > fuzzy[0].score - 5:
            raise LookupError(f"{text!r} is ambiguous: {_listing(fuzzy[:5])}; give a node id")
        if _whole_ratio(text, fuzzy[0].label) >= ACCEPT_FUZZY:
            return fuzzy[0].id
    kind = f" {type}" if type else ""
    near = closest(kg, text, type=type)
    listing = f"; closest: {_listing(near)}" if near else ""
    raise LookupError(f"no{kind} node matches {text!r}{listing}")
