"""Finding nodes by name: exact label, then alias, then fuzzy (rapidfuzz).

:func:`find` lists candidates best first; :func:`resolve_query` turns what a user typed
(a node id, a label, an alias or a near miss) into exactly one node id, or raises
``LookupError`` with a one-line message that lists the closest matches.

Labels and aliases are compared on :func:`kg.resolve.match_key` (case, width and
punctuation folded), so ``pruning from scratch`` finds ``Pruning from Scratch``.

Example
-------
>>> from kg.graph import KnowledgeGraph
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
>>> resolve_query(kg, "pruning from scrach")
'paper:pruning-from-scratch'
>>> resolve_query(kg, "scratch")
Traceback (most recent call last):
...
LookupError: no node matches 'scratch'; closest: paper:pruning-from-scratch (Pruning from Scratch)
>>> resolve_query(kg, "NAS", type="method")
'method:nas'
>>> resolve_query(kg, "NAS")
Traceback (most recent call last):
...
LookupError: 'NAS' is ambiguous: method:nas (NAS), topic:nas (NAS); give a node id or a type
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kg.resolve import match_key

if TYPE_CHECKING:  # pragma: no cover
    from kg.graph import KnowledgeGraph

__all__ = ["Match", "find", "resolve_query", "FUZZY_CUTOFF", "ACCEPT_FUZZY"]

#: Fuzzy matches scoring below this (rapidfuzz ``WRatio`` on lower-cased text, 0-100) are
#: not listed.
FUZZY_CUTOFF = 60.0
#: :func:`resolve_query` accepts a lone fuzzy match scoring at least this.
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
        how: ``exact`` (label or id), ``alias`` or ``fuzzy``.
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
        aliases = [str(a) for a in attrs.get("aliases") or []]
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
    ranked = sorted(found.values(), key=lambda m: (_RANK[m.how], -m.score, m.id))
    return ranked[:limit]


def _whole_ratio(a: str, b: str) -> float:
    from rapidfuzz import fuzz, utils

    return float(fuzz.ratio(a, b, processor=utils.default_process))


def _listing(matches: list[Match]) -> str:
    return ", ".join(f"{m.id} ({m.label})" for m in matches)


def resolve_query(
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
    closest = f"; closest: {_listing(fuzzy[:5])}" if fuzzy else ""
    raise LookupError(f"no{kind} node matches {text!r}{closest}")
