"""The graph schema: node types, relations and node ids.

Every stage agrees on these names; the README documents them for users.

Examples
--------
>>> node_id("paper", "Pruning from Scratch")
'paper:pruning-from-scratch'
>>> node_id("topic", "模型压缩")
'topic:模型压缩'
>>> sorted(RELATIONS)[:2]
['about', 'links_to']
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "SCHEMA_VERSION",
    "NODE_TYPES",
    "ENTITY_TYPES",
    "RELATIONS",
    "slugify",
    "node_id",
    "split_node_id",
    "TYPE_COLOURS",
    "EXTRA_COLOURS",
    "type_colour",
]

#: Bumped whenever the meaning of a node or edge attribute changes. 2: topics and methods are
#: typed by content, glossary concepts carry ``term``, posts carry their normalised ``tags``.
SCHEMA_VERSION = 2

#: All node types; ``post`` nodes are the note files themselves.
NODE_TYPES: tuple[str, ...] = ("post", "topic", "method", "paper", "venue")

#: The types extracted from note text (everything but ``post``).
ENTITY_TYPES: tuple[str, ...] = ("topic", "method", "paper", "venue")

#: Edge ``relation`` values: name -> (allowed source types, allowed target types, meaning).
RELATIONS: dict[str, tuple[tuple[str, ...], tuple[str, ...], str]] = {
    "mentions": (("post",), ENTITY_TYPES, "the post names the entity in its body"),
    "tagged": (("post",), ("topic", "venue"), "a front-matter category, tag or keyword"),
    "subtopic_of": (("topic",), ("topic",), "a heading nested under another heading"),
    "part_of": (
        ("paper", "method", "topic"),
        ("method", "topic"),
        "an item listed under a method (list item that groups items) or a section",
    ),
    "published_at": (("paper",), ("venue",), "the paper appeared at the venue; edge has `year`"),
    "links_to": (("post",), ("post",), "a [[wikilink]] or relative Markdown link between notes"),
    "about": (("post",), ("paper",), "the note is about this one paper (a paper note)"),
}

_SLUG_DROP = re.compile(r"[^\w]+", re.UNICODE)


def slugify(text: str) -> str:
    """Normalise ``text`` into an id-safe key (NFKC, case-folded, punctuation to ``-``).

    Chinese and other non-Latin letters are kept as they are.

    >>> slugify("  Data-free Learning of Student Networks! ")
    'data-free-learning-of-student-networks'
    >>> slugify("ＮＡＳ：搜索")
    'nas-搜索'
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _SLUG_DROP.sub("-", text.replace("_", "-"))
    return text.strip("-")


def node_id(node_type: str, label: str) -> str:
    """Return the node id ``type:slug`` for an entity of ``node_type`` called ``label``.

    >>> node_id("venue", "NeurIPS")
    'venue:neurips'
    """
    if node_type not in NODE_TYPES:
        raise ValueError(f"unknown node type {node_type!r}; expected one of {NODE_TYPES}")
    return f"{node_type}:{slugify(label)}"


def split_node_id(nid: str) -> tuple[str, str]:
    """Split ``type:slug`` into its two parts.

    >>> split_node_id("paper:lottery-ticket-hypothesis")
    ('paper', 'lottery-ticket-hypothesis')
    """
    node_type, _, slug = nid.partition(":")
    return node_type, slug


#: Node colour by type, as on the page (``page.js`` holds the same values; a test checks).
TYPE_COLOURS: dict[str, str] = {
    "post": "#4e79a7",
    "topic": "#59a14f",
    "method": "#f28e2b",
    "paper": "#e15759",
    "venue": "#b07aa1",
}
#: Colours of other node types, by the type's position in the graph.
EXTRA_COLOURS: tuple[str, ...] = ("#76b7b2", "#edc948", "#9c755f", "#ff9da7", "#bab0ac")


def type_colour(type_name: str, position: int = 0) -> str:
    """The page's colour for a node type (``position``: the type's rank among unknown ones).

    >>> type_colour("paper"), type_colour("dataset", 1)
    ('#e15759', '#edc948')
    """
    return TYPE_COLOURS.get(type_name) or EXTRA_COLOURS[position % len(EXTRA_COLOURS)]
