"""Resolution: merge the mentions of many files into entities, one per real-world thing.

Mentions are merged per type (a method and a topic of the same name stay two nodes):

1. **Same key.** :func:`match_key` folds Unicode (NFKC: full-width letters and punctuation
   become ASCII), case, and drops everything that is not a letter or a digit, so
   ``Data-free compression``, ``data free Compression`` and ``Ｄａｔａ－ｆｒｅｅ Ｃｏｍｐｒｅｓｓｉｏｎ``
   share one key. Paper titles also drop a leading article (:func:`title_key`: ``The
   Lottery Ticket Hypothesis`` is ``Lottery Ticket Hypothesis``).
2. **Small typos.** Two ASCII keys of at least :data:`FUZZY_MIN_LEN` characters are the same
   entity when their Levenshtein distance is at most ``len // 16`` (at least 1) *and* they
   hold the same digits (``ResNet-50`` is not ``ResNet-56``, ``YOLOv2`` is not ``YOLOv3``)
   and no word of one or two letters is in one name only (``Part A`` is not ``Part B``).
   Candidates are found by blocking (:func:`blocking_keys`: the first and last 4
   characters of a short key, 10 of a long one), never by comparing everything with
   everything. Keys with Chinese (or other
   non-ASCII) letters merge only on the same key: one changed character there is a
   different word (``单目`` and ``双目``), not a typo.
3. **Subtitles** (papers only). ``Title`` and ``Title: A Subtitle`` are one paper when exactly
   one subtitled paper has that head; two different subtitles (``Graph Neural Networks: A
   Review ...`` and ``Graph Neural Networks: A Comprehensive ...``) stay two papers, and a
   longer title (``Graph Attention Networks for X``) is never merged with its prefix.
   Likewise ``CoGAN: Coupled Generative Adversarial Networks`` is ``Coupled Generative
   Adversarial Networks`` (:func:`acronym_tail`).
4. **Catalogue** (papers only, optional). A BibTeX catalogue (:mod:`kg.notes.bib`) gives matching
   papers their canonical title, venue, year and authors; papers that match the same entry
   become one.

The label of an entity is its most frequent spelling (papers prefer the full, subtitled
title; on a tie a spelling that is not all capitals, then the one with more words, then
the first seen, wins); the other spellings become ``aliases``. Sources and notes are
merged in input order. Venue names come canonical from extraction and merge on their key.

Example
-------
>>> from kg.notes.records import Extraction, Mention, Post
>>> a = Extraction(Post("a.md", "A"), [Mention(0, "paper", "Pruning from Scratch", 3,
...                                            venue="AAAI", year=2020)])
>>> b = Extraction(Post("b.md", "B"), [Mention(0, "paper", "pruning from scratch.", 9)])
>>> res = resolve([a, b])
>>> ent = res.entities["paper:pruning-from-scratch"]
>>> ent.aliases, ent.venue, ent.year, [s["path"] for s in ent.sources]
(['pruning from scratch.'], 'AAAI', 2020, ['a.md', 'b.md'])
>>> res.id_of(1, 0)
'paper:pruning-from-scratch'
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kg.graph.schema import ENTITY_TYPES, node_id
from kg.notes.glossary import Glossary, Term, default_glossary, term_key
from kg.notes.names import (
    DIGITS,
    FUZZY_MIN_LEN,
    WORD,
    acronym_tail,
    allowed_distance,
    blocking_keys,
    match_key,
    same_entity,
    same_short_words,
    title_head,
    title_key,
)
from kg.notes.records import Extraction, Mention

if TYPE_CHECKING:  # pragma: no cover
    from kg.notes.bib import BibEntry, Catalogue

__all__ = [
    "Entity",
    "Resolution",
    "resolve",
    "match_key",
    "title_key",
    "title_head",
    "acronym_tail",
    "same_entity",
    "FUZZY_MIN_LEN",
    "blocking_keys",
]

@dataclass(slots=True)
class Entity:
    """One resolved entity: the attributes of its node.

    ``venues`` lists every ``(venue, year, workshop)`` a paper was given (one
    ``published_at`` edge each); ``venue``/``year`` are the preferred pair (a venue other
    than arXiv first).
    """

    id: str
    type: str
    label: str
    aliases: list[str] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    venue: str | None = None
    year: int | None = None
    url: str | None = None
    ids: dict[str, str] = field(default_factory=dict)
    authors: list[str] = field(default_factory=list)
    venues: list[tuple[str, int | None, bool]] = field(default_factory=list)
    bib_key: str | None = None
    term: str | None = None
    source_count: int | None = None

    def attributes(self) -> dict[str, Any]:
        """Node attributes per :mod:`kg.graph.schema` (papers get the paper attributes).

        The lists and dicts are the entity's own, not copies.
        """
        attrs: dict[str, Any] = {
            "type": self.type,
            "label": self.label,
            "aliases": self.aliases,
            "sources": self.sources,
            "notes": self.notes,
        }
        if self.source_count is not None:  # sources was capped: how many there were
            attrs["source_count"] = self.source_count
        if self.type == "paper":
            attrs["venue"] = self.venue
            attrs["year"] = self.year
            attrs["url"] = self.url
            attrs["ids"] = self.ids
            attrs["authors"] = self.authors
            if self.bib_key:
                attrs["bib_key"] = self.bib_key
        elif self.term:
            attrs["term"] = self.term
        return attrs


@dataclass
class Resolution:
    """The result of :func:`resolve`.

    Attributes:
        entities: entity id -> :class:`Entity`, by type, then in order of first mention.
        assignment: ``assignment[i][j]`` is the entity id of mention ``j`` (its ``key``) of
            extraction ``i`` (``None`` for a mention that names nothing, e.g. an empty label).
        warnings: one line per dropped mention, naming file and line.
    """

    entities: dict[str, Entity]
    assignment: list[list[str | None]]
    warnings: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)

    def id_of(self, extraction: int, key: int) -> str | None:
        """Entity id of mention ``key`` in extraction number ``extraction``."""
        return self.assignment[extraction][key]


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # the group seen first stays the root, so results follow input order
            if ra < rb:
                self.parent[rb] = ra
            else:
                self.parent[ra] = rb


@dataclass(slots=True)
class _Group:
    """All mentions of one type sharing one key."""

    key: str
    refs: list[tuple[int, int, Mention]] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.refs[0][2].label


def _fuzzy_unions(groups: list[_Group], uf: _UnionFind) -> None:
    """Union groups whose keys differ by a small typo, comparing only blocked candidates."""
    from rapidfuzz import process
    from rapidfuzz.distance import Levenshtein

    blocks: dict[tuple[str, str], list[int]] = {}
    for gi, g in enumerate(groups):
        k = g.key
        if len(k) < FUZZY_MIN_LEN or not k.isascii():
            continue
        for block in blocking_keys(k):
            blocks.setdefault(block, []).append(gi)
    digits: dict[int, list[str]] = {}
    for members in blocks.values():
        if len(members) < 2:
            continue
        keys = [groups[gi].key for gi in members]
        for x, gi in enumerate(members):
            ka = keys[x]
            limit = allowed_distance(len(ka))
            # one C call per key over its block; only near keys come back
            hits = process.extract(
                ka, keys, scorer=Levenshtein.distance, score_cutoff=limit, limit=None
            )
            for kb, dist, y in hits:
                if y <= x or dist > allowed_distance(min(len(ka), len(kb))):
                    continue
                gj = members[y]
                da = digits.setdefault(gi, DIGITS.findall(ka))
                db = digits.setdefault(gj, DIGITS.findall(kb))
                if da == db and same_short_words(groups[gi].label, groups[gj].label):
                    uf.union(gi, gj)


def _subtitle_unions(groups: list[_Group], uf: _UnionFind) -> None:
    """Union ``Title`` with ``Title: Subtitle`` when exactly one subtitled paper has that head,
    and ``NAME: Title`` with ``Title`` when exactly one such paper has that title."""
    by_key = {g.key: gi for gi, g in enumerate(groups)}
    for part in (title_head, acronym_tail):
        found: dict[str, set[int]] = {}
        for gi, g in enumerate(groups):
            for label in dict.fromkeys(m.label for _, _, m in g.refs):
                key = part(label)
                if key and key != g.key:
                    found.setdefault(key, set()).add(gi)
                    break
        for key, members in found.items():
            plain = by_key.get(key)
            roots = {uf.find(gi) for gi in members}
            if plain is not None and len(roots) == 1:
                uf.union(plain, next(iter(roots)))


def _catalogue_unions(
    groups: list[_Group], uf: _UnionFind, catalogue: Catalogue
) -> dict[int, BibEntry]:
    """Match every paper group against the catalogue; union groups matching one entry."""
    matched: dict[int, BibEntry] = {}
    by_entry: dict[str, int] = {}
    for gi, g in enumerate(groups):
        entry = catalogue.match(g.refs[0][2].label)
        if entry is None:
            continue
        matched[gi] = entry
        if entry.key in by_entry:
            uf.union(by_entry[entry.key], gi)
        else:
            by_entry[entry.key] = gi
    return {uf.find(gi): entry for gi, entry in matched.items()}


def _pick_label(type_: str, labels: list[str]) -> str:
    counts = Counter(labels)
    if len(counts) == 1:
        return labels[0]
    order = {label: i for i, label in reversed(list(enumerate(labels)))}

    def score(label: str) -> tuple[int, int, int, int, int]:
        subtitled = 1 if type_ == "paper" and title_head(label) is not None else 0
        shouting = 1 if label.isupper() else 0  # "FEW-SHOT LEARNING" loses a tie
        words = len(WORD.findall(label))  # "Than Shallow" beats the typo "ThanShallow"
        return (subtitled, counts[label], -shouting, words, -order[label])

    return max(counts, key=score)


#: An entity keeps at most this many source lines per file (the first ones) and in all;
#: ``source_count`` then says how many there were. A list of a million identical lines
#: makes one node with a short list, not a million records.
MAX_SOURCES_PER_FILE = 20
MAX_SOURCES = 200


def _capped(sources: dict[tuple[str, int], None]) -> list[tuple[str, int]]:
    """The first :data:`MAX_SOURCES_PER_FILE` lines of each file, :data:`MAX_SOURCES` in all.

    >>> len(_capped(dict.fromkeys(("a.md", i) for i in range(100))))
    20
    """
    kept: list[tuple[str, int]] = []
    per_file: dict[str, int] = {}
    for path, line in sources:
        if per_file.get(path, 0) < MAX_SOURCES_PER_FILE:
            per_file[path] = per_file.get(path, 0) + 1
            kept.append((path, line))
            if len(kept) == MAX_SOURCES:
                break
    return kept


def _merge(type_: str, refs: list[tuple[int, int, Mention]], paths: list[str]) -> Entity:
    if len(refs) == 1:  # most entities are named once: skip the bookkeeping
        i, _, m = refs[0]
        return Entity(
            id="",
            type=type_,
            label=m.label.strip(),
            aliases=[a for a in dict.fromkeys(m.aliases) if a != m.label.strip()],
            sources=[{"path": paths[i], "line": m.line}],
            notes=list(dict.fromkeys(m.notes)),
            venue=m.venue,
            year=m.year,
            url=m.url or None,
            ids=dict(m.ids),
            authors=list(m.authors),
            venues=[(m.venue, m.year, m.workshop)] if m.venue else [],
        )
    labels = [m.label.strip() for _, _, m in refs]
    label = _pick_label(type_, labels)
    aliases = dict.fromkeys(labels + [a for _, _, m in refs for a in m.aliases])
    aliases.pop(label, None)
    sources = dict.fromkeys((paths[i], m.line) for i, _, m in refs)
    ent = Entity(
        id="",
        type=type_,
        label=label,
        aliases=list(aliases),
        sources=[{"path": p, "line": line} for p, line in _capped(sources)],
        notes=list(dict.fromkeys(n for _, _, m in refs for n in m.notes)),
    )
    if len(ent.sources) < len(sources):
        ent.source_count = len(sources)
    for _, _, m in refs:
        if m.venue and (m.venue, m.year, m.workshop) not in ent.venues:
            ent.venues.append((m.venue, m.year, m.workshop))
        if ent.year is None and m.year is not None:
            ent.year = m.year
        if ent.url is None and m.url:
            ent.url = m.url
        if m.ids:
            for k, v in m.ids.items():
                ent.ids.setdefault(k, v)
        if not ent.authors and m.authors:
            ent.authors = list(m.authors)
    if ent.venues:
        best = next((v for v in ent.venues if v[0].casefold() != "arxiv"), ent.venues[0])
        ent.venue = best[0]
        if best[1] is not None:
            ent.year = best[1]
    return ent


def _apply_entry(ent: Entity, entry: BibEntry) -> None:
    if entry.title and entry.title != ent.label:
        if ent.label not in ent.aliases:
            ent.aliases.insert(0, ent.label)
        ent.label = entry.title
        if entry.title in ent.aliases:
            ent.aliases.remove(entry.title)
    if entry.venue:
        ent.venue = entry.venue
        ent.year = entry.year if entry.year is not None else ent.year
        pair = (entry.venue, entry.year, entry.workshop)
        ent.venues = [pair] + [v for v in ent.venues if v[0] != entry.venue]
    elif entry.year is not None:
        ent.year = entry.year
    if entry.authors:
        ent.authors = list(entry.authors)
    if entry.url and not ent.url:
        ent.url = entry.url
    for k, v in entry.ids.items():
        ent.ids.setdefault(k, v)
    ent.bib_key = entry.key


def resolve(
    extractions: Sequence[Extraction],
    *,
    catalogue: Catalogue | None = None,
    aliases: Sequence[Term] = (),
    glossary: Glossary | None = None,
) -> Resolution:
    """Merge the mentions of ``extractions`` into entities (see the module docs for the rules).

    Args:
        extractions: per-file extractions, in a deterministic order (the build sorts paths).
        catalogue: optional :class:`kg.notes.bib.Catalogue` supplying canonical paper metadata.
        aliases: user alias entries (:func:`kg.notes.glossary.load_aliases`), laid over the glossary.
        glossary: the field glossary (default :func:`kg.notes.glossary.default_glossary`).

    Returns:
        A :class:`Resolution` with the entities and the mention -> entity id assignment.
    """
    paths = [e.post.path for e in extractions]
    assignment: list[list[str | None]] = [[None] * len(e.mentions) for e in extractions]
    warnings: list[str] = []
    gloss = glossary if glossary is not None else default_glossary()
    if aliases:
        gloss = gloss.extended(aliases)
    terms: dict[str, Term] = {}  # concept key -> term
    structural = _structural_headings(extractions, gloss)
    rejected: list[str] = []
    by_type: dict[str, dict[str, _Group]] = {t: {} for t in ENTITY_TYPES}
    key_cache: dict[str, dict[str, str]] = {t: {} for t in ENTITY_TYPES}
    cited_by_id: list[tuple[int, int, Mention]] = []  # a concept note's source: a paper link
    for i, ext in enumerate(extractions):
        for j, m in enumerate(ext.mentions):
            if m.type == "paper" and m.origin == "source":
                cited_by_id.append((i, j, m))
                continue
            groups = by_type.get(m.type)
            if groups is None:
                warnings.append(f"{paths[i]}:{m.line}: unknown entity type {m.type!r}; ignored")
                continue
            keys = key_cache[m.type]
            key = keys.get(m.label)
            if key is None:
                if m.type == "paper":
                    key = title_key(m.label)
                elif m.type in ("topic", "method"):
                    key = _concept_key(m.label, gloss, terms)
                else:
                    key = match_key(m.label)
                keys[m.label] = key
            if m.type == "topic" and m.origin == "body" and key in structural:
                rejected.append(
                    f"{paths[i]}:{m.line}: topic {m.label!r}: structural heading "
                    f"(recurs in {structural[key]} notes over unrelated content)"
                )
                continue
            if not key:
                warnings.append(f"{paths[i]}:{m.line}: {m.type} {m.label!r} has no name; ignored")
                continue
            group = groups.get(key)
            if group is None:
                group = groups[key] = _Group(key)
            group.refs.append((i, j, m))

    entities: dict[str, Entity] = {}
    for type_ in ENTITY_TYPES:
        groups = list(by_type[type_].values())
        uf = _UnionFind(len(groups))
        entries: dict[int, BibEntry] = {}
        if type_ != "venue":
            _fuzzy_unions(groups, uf)
        if type_ == "paper":
            _subtitle_unions(groups, uf)
            if catalogue is not None:
                entries = _catalogue_unions(groups, uf, catalogue)
        clusters: dict[int, list[int]] = {}
        for gi in range(len(groups)):
            clusters.setdefault(uf.find(gi), []).append(gi)
        for root, members in clusters.items():
            if len(members) == 1:
                refs = groups[members[0]].refs  # already in input order
            else:
                refs = sorted((r for gi in members for r in groups[gi].refs), key=lambda r: r[:2])
            ent = _merge(type_, refs, paths)
            if root in entries:
                _apply_entry(ent, entries[root])
            term = next((terms[groups[g].key] for g in members if groups[g].key in terms), None)
            if term is not None:
                _apply_term(ent, term)
            ent.id = _unique_id(node_id(type_, ent.label), entities)
            entities[ent.id] = ent
            for i, j, _ in refs:
                assignment[i][j] = ent.id
    by_id = {(k, v): ent.id for ent in entities.values() if ent.type == "paper"
             for k, v in ent.ids.items()}  # fmt: skip
    for i, j, m in cited_by_id:
        eid = next((by_id[k] for k in m.ids.items() if k in by_id), None)
        if eid is None:
            rejected.append(f"{paths[i]}:{m.line}: paper {m.url!r}: cited by its link only "
                            "(no note names the paper)")  # fmt: skip
        assignment[i][j] = eid
    return Resolution(
        entities=entities, assignment=assignment, warnings=warnings, rejected=rejected
    )


def _concept_key(label: str, gloss: Glossary, terms: dict[str, Term]) -> str:
    """The merge key of a topic or method: its glossary concept, else its own folded name."""
    term = gloss.lookup(label)
    if term is None:
        return term_key(label)
    key = "=" + term_key(term.en)
    terms.setdefault(key, term)
    return key


def _apply_term(ent: Entity, term: Term) -> None:
    """Give a glossary concept's node every name of the concept (both languages)."""
    ent.term = term.en
    have = {ent.label, *ent.aliases}
    for name in term.names:
        if name not in have:
            ent.aliases.append(name)
            have.add(name)


#: A heading that is no glossary term recurring in at least this many notes is looked at as
#: possible structure (``Notations``, ``Known Problems``, ``网络结构``).
STRUCTURE_MIN_NOTES = 3


def _structural_headings(extractions: Sequence[Extraction], gloss: Glossary) -> dict[str, int]:
    """Heading keys that recur across notes over unrelated content: key -> number of notes.

    A heading recurring in :data:`STRUCTURE_MIN_NOTES` or more notes is structure when fewer
    than half of the pairs of those notes share any other topic, method or paper.
    """
    notes_of: dict[str, set[int]] = {}
    content: list[set[str]] = []
    for i, ext in enumerate(extractions):
        own: set[str] = set()
        for m in ext.mentions:
            if m.type in ("topic", "method", "paper"):
                key = title_key(m.label) if m.type == "paper" else term_key(m.label)
                own.add(f"{m.type}:{key}")
                if m.type == "topic" and m.origin == "body" and gloss.lookup(m.label) is None:
                    notes_of.setdefault(key, set()).add(i)
        content.append(own)
    out: dict[str, int] = {}
    for key, notes in notes_of.items():
        if len(notes) < STRUCTURE_MIN_NOTES or not key:
            continue
        ids = sorted(notes)[:60]  # enough pairs to tell, bounded work
        me = f"topic:{key}"
        pairs = shared = 0
        for a in range(len(ids)):
            ca = content[ids[a]] - {me}
            for b in range(a + 1, len(ids)):
                pairs += 1
                shared += bool(ca & content[ids[b]])
        if shared * 2 < pairs:
            out[key] = len(notes)
    return out


def _unique_id(nid: str, taken: dict[str, Entity]) -> str:
    if nid not in taken:
        return nid
    n = 2
    while f"{nid}-{n}" in taken:
        n += 1
    return f"{nid}-{n}"
