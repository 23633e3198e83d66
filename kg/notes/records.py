"""Plain records passed between the pipeline stages.

``extract`` turns one parsed file into an :class:`Extraction` (pure, per file, picklable,
cache-friendly); ``resolve`` merges the mentions of many extractions into entities; ``graph``
turns entities into nodes and edges.

Example
-------
>>> m = Mention(key=0, type="paper", label="Pruning from Scratch", line=7, venue="AAAI", year=2020)
>>> m.source("notes/a.md")
{'path': 'notes/a.md', 'line': 7}
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["Mention", "Post", "NoteLink", "Extraction", "Skipped", "SECTION_SEP"]

#: Separator of the heading path in :attr:`Mention.section` (and the ``section`` of a
#: ``mentions`` edge): ``"Meta-learning > Metric-based"``.
SECTION_SEP = " > "


@dataclass
class Mention:
    """One entity named at one place in one file.

    Attributes:
        key: index of this mention in its :class:`Extraction` (``mentions[key] is self``).
        type: ``topic``, ``method``, ``paper`` or ``venue``.
        label: the name as written (cleaned of markup and venue/year decorations).
        line: 1-based source line in the file.
        parent: ``key`` of the enclosing topic or method mention, or ``None``. The relation
            to it follows from the types: topic->topic is ``subtopic_of``, anything else
            ``part_of``.
        origin: ``"body"``, ``"front_matter"`` (front-matter mentions become ``tagged``
            edges from the post instead of ``mentions``) or ``"about"`` (the paper the whole
            note is about: an ``about`` edge from the post).
        venue: canonical venue name of a paper (``"NeurIPS"``), or ``None``.
        year: publication year of a paper, or the year of a venue (event) mention.
        workshop: the paper appeared at a workshop of ``venue``.
        url: the paper's main link (arXiv, DOI, OpenReview, proceedings page...).
        ids: identifiers found in links: ``arxiv``, ``doi``, ``openreview``.
        authors: author names when the note gives them.
        notes: commentary lines that hang under this entity (not entities themselves).
        attachments: image paths of the section or item (not entities).
        aliases: other names the note gives the entity (a paper note's file name and
            front-matter ``aliases`` besides the title its node is labelled with).
        section: the headings a paper is listed under, outermost first, joined by
            :data:`SECTION_SEP` (years and venues left out), whether or not a heading became
            a topic; ``None`` outside any heading.
    """

    key: int
    type: str
    label: str
    line: int
    parent: int | None = None
    origin: str = "body"
    venue: str | None = None
    year: int | None = None
    workshop: bool = False
    url: str | None = None
    ids: dict[str, str] = field(default_factory=dict)
    authors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)
    section: str | None = None
    aliases: list[str] = field(default_factory=list)

    def source(self, path: str) -> dict[str, Any]:
        """The ``{path, line}`` record stored in node ``sources``."""
        return {"path": path, "line": self.line}


@dataclass
class Post:
    """A note file as a node: its path (as given, POSIX separators) and front matter."""

    path: str
    title: str
    date: str | None = None
    categories: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    #: other names of the note (front-matter ``aliases``); links may use them
    aliases: list[str] = field(default_factory=list)


@dataclass
class NoteLink:
    """A link from one note to another, as written: ``[[target#anchor|shown]]`` or ``[x](t.md)``.

    Attributes:
        target: the linked page as written (a name, a path, with or without ``.md``).
        line: 1-based source line.
        anchor: the ``#heading`` part, or ``""``.
        kind: ``"wikilink"``, ``"embed"`` (``![[note]]``) or ``"markdown"`` (a relative link,
            ``target`` then relative to the linking note's folder).
    """

    target: str
    line: int
    anchor: str = ""
    kind: str = "wikilink"


@dataclass
class Extraction:
    """Everything extracted from one file: the post and its mentions, in document order."""

    post: Post
    mentions: list[Mention] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    links: list[NoteLink] = field(default_factory=list)
    #: candidates that were not made topics or methods: ``path:line: kind 'label': why``
    rejected: list[str] = field(default_factory=list)
    #: why only the start of the file was read (over the size limit), else ``None``
    truncated: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (for caches)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Extraction:
        """Inverse of :meth:`to_dict`."""
        return cls(
            post=Post(**data["post"]),
            mentions=[Mention(**m) for m in data["mentions"]],
            warnings=list(data.get("warnings", [])),
            links=[NoteLink(**x) for x in data.get("links", [])],
            rejected=list(data.get("rejected", [])),
            truncated=data.get("truncated"),
        )


@dataclass(frozen=True)
class Skipped:
    """A file that was not used, with a one-line reason naming the file and line."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"
