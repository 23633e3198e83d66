"""A BibTeX catalogue (``--bib refs.bib``): canonical titles, venues, years and authors.

:func:`load_catalogue` reads a ``.bib`` file with bibtexparser 2.x; :meth:`Catalogue.match`
finds the entry a paper title names, with the rules resolution uses (same key, a small
typo, or the title without its subtitle when only one entry has that head). Resolution
(:func:`kg.graph.resolution.resolve`) then gives the matching paper node the entry's title (the old
label becomes an alias), venue, year, authors, DOI / arXiv id and the entry key
(``bib_key``).

Venues come from ``booktitle`` or ``journal`` and are normalised with
:func:`kg.notes.venues.normalize_venue` (``Advances in Neural Information Processing Systems`` ->
``NeurIPS``); an unknown venue keeps its cleaned text. An entry that does not parse is left
out with a one-line warning naming the file and line.

Example
-------
>>> cat = parse_catalogue('''
... @inproceedings{wang2020,
...   title = {Pruning from Scratch},
...   author = {Wang, Yulong and Zhang, Xiaolu},
...   booktitle = {AAAI}, year = {2020}}
... ''')
>>> e = cat.match("pruning from scrach")
>>> e.key, e.title, e.venue, e.year, e.authors
('wang2020', 'Pruning from Scratch', 'AAAI', 2020, ('Yulong Wang', 'Xiaolu Zhang'))
>>> cat.match("Pruning from Scratch: a subtitle").key
'wang2020'
>>> cat.match("Something else") is None
True
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from kg.notes.names import (
    FUZZY_MIN_LEN,
    blocking_keys,
    fuzzy_equal,
    same_short_words,
    title_head,
    title_key,
)

__all__ = ["BibEntry", "Catalogue", "load_catalogue", "parse_catalogue", "clean_latex"]

_ACCENT = re.compile(r"\\(?:[\"'`^~=.]|[uvHckbdrt](?![A-Za-z]))\s*\{?\s*([A-Za-z])\s*\}?")
_COMMAND = re.compile(r"\\[A-Za-z]+\s*")
_SPACE = re.compile(r"\s+")
_YEAR = re.compile(r"(1[89]|20)\d\d")
_ARXIV_ID = re.compile(r"(\d{4}\.\d{4,5}|[a-z\-]+/\d{7})(v\d+)?", re.IGNORECASE)


def clean_latex(text: str) -> str:
    """Plain text from a BibTeX value: accents folded, commands and braces dropped.

    >>> clean_latex(r'{BERT}: Pre-training of Deep \\"{u}ber \\emph{Transformers}')
    'BERT: Pre-training of Deep uber Transformers'
    """
    text = _ACCENT.sub(r"\1", text)
    text = _COMMAND.sub("", text)
    text = text.replace("{", "").replace("}", "").replace("~", " ")
    return _SPACE.sub(" ", text).strip()


def _author_names(value: str) -> list[str]:
    names = []
    for raw in re.split(r"\s+and\s+", clean_latex(value)):
        raw = raw.strip()
        if not raw or raw.lower() == "others":
            continue
        if "," in raw:
            last, _, first = raw.partition(",")
            raw = f"{first.strip()} {last.strip()}".strip()
        names.append(raw)
    return names


@dataclass(frozen=True)
class BibEntry:
    """One catalogue entry, cleaned.

    Attributes:
        key: the BibTeX citation key.
        title: the title with LaTeX markup removed.
        venue: canonical venue name (``NeurIPS``, ``arXiv``...) or ``None``.
        year: publication year or ``None``.
        workshop: the venue is a workshop.
        authors: ``First Last`` names, in order.
        url: ``url`` field, else a DOI or arXiv link.
        ids: ``doi`` / ``arxiv`` when present.
    """

    key: str
    title: str
    venue: str | None = None
    year: int | None = None
    workshop: bool = False
    authors: tuple[str, ...] = ()
    url: str | None = None
    ids: dict[str, str] = field(default_factory=dict, hash=False, compare=False)


@dataclass
class Catalogue:
    """BibTeX entries indexed for title lookup.

    Attributes:
        entries: the entries, in file order.
        warnings: one line per entry that was left out (``file:line: reason``).
    """

    entries: list[BibEntry] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._by_key: dict[str, BibEntry] = {}
        self._by_head: dict[str, list[BibEntry]] = {}
        self._blocks: dict[tuple[str, str], list[tuple[str, BibEntry]]] = {}
        for e in self.entries:
            self._index(e)

    def _index(self, e: BibEntry) -> None:
        k = title_key(e.title)
        if not k or k in self._by_key:
            return
        self._by_key[k] = e
        head = title_head(e.title)
        if head:
            self._by_head.setdefault(head, []).append(e)
        if len(k) >= FUZZY_MIN_LEN and k.isascii():
            for block in blocking_keys(k):
                self._blocks.setdefault(block, []).append((k, e))

    def __len__(self) -> int:
        return len(self.entries)

    def match(self, title: str) -> BibEntry | None:
        """The entry ``title`` names, or ``None``.

        Tried in order: the same key; the title's head (text before a subtitle colon) is
        an entry's full title; the title is the head of exactly one entry; a small typo
        (the rule of :func:`kg.graph.resolution.same_entity`).
        """
        k = title_key(title)
        if not k:
            return None
        hit = self._by_key.get(k)
        if hit is not None:
            return hit
        head = title_head(title)
        if head and head in self._by_key:
            return self._by_key[head]
        heads = self._by_head.get(k, [])
        if len(heads) == 1:
            return heads[0]
        if len(k) >= FUZZY_MIN_LEN and k.isascii():
            for block in blocking_keys(k):
                for other, e in self._blocks.get(block, []):
                    if fuzzy_equal(k, other) and same_short_words(title, e.title):
                        return e
        return None


def _entry(raw, source: str) -> BibEntry | str:  # noqa: ANN001 - bibtexparser.model.Entry
    fields = {k.lower(): str(f.value) for k, f in raw.fields_dict.items()}
    line = raw.start_line + 1
    title = clean_latex(fields.get("title", ""))
    if not title:
        return f"{source}:{line}: entry {raw.key!r} has no title; left out"
    year_match = _YEAR.search(fields.get("year", ""))
    year = int(year_match.group(0)) if year_match else None
    ids: dict[str, str] = {}
    if fields.get("doi"):
        ids["doi"] = clean_latex(fields["doi"])
    venue_text = clean_latex(fields.get("booktitle") or fields.get("journal") or "")
    eprint = fields.get("eprint", "")
    is_arxiv = fields.get("archiveprefix", "").lower() == "arxiv" or "arxiv" in venue_text.lower()
    if is_arxiv:
        m = _ARXIV_ID.search(eprint or venue_text)
        if m:
            ids["arxiv"] = m.group(1)
    venue, workshop = _venue(venue_text, is_arxiv)
    url = fields.get("url") or None
    if url is None and "doi" in ids:
        url = f"https://doi.org/{ids['doi']}"
    if url is None and "arxiv" in ids:
        url = f"https://arxiv.org/abs/{ids['arxiv']}"
    return BibEntry(
        key=raw.key,
        title=title,
        venue=venue,
        year=year,
        workshop=workshop,
        authors=tuple(_author_names(fields.get("author", ""))),
        url=url,
        ids=ids,
    )


def _venue(text: str, is_arxiv: bool) -> tuple[str | None, bool]:
    if not text:
        return ("arXiv", False) if is_arxiv else (None, False)
    from kg.notes.venues import normalize_venue

    found = normalize_venue(text)
    if found is not None:
        return found.name, bool(found.workshop)
    if is_arxiv:
        return "arXiv", False
    return text, "workshop" in text.lower()


def parse_catalogue(text: str, *, source: str = "<bib>") -> Catalogue:
    """A :class:`Catalogue` from BibTeX text (``source`` names it in warnings)."""
    import bibtexparser

    logger = logging.getLogger("bibtexparser")
    previous = logger.level
    logger.setLevel(logging.CRITICAL)  # failures are reported as warnings below
    try:
        library = bibtexparser.parse_string(text)
    finally:
        logger.setLevel(previous)
    entries: list[BibEntry] = []
    warnings: list[str] = []
    for raw in library.entries:
        got = _entry(raw, source)
        if isinstance(got, str):
            warnings.append(got)
        else:
            entries.append(got)
    for block in library.failed_blocks:
        warnings.append(f"{source}:{block.start_line + 1}: BibTeX entry does not parse; left out")
    return Catalogue(entries, warnings)


def load_catalogue(path: str | os.PathLike[str]) -> Catalogue:
    """Read a ``.bib`` file into a :class:`Catalogue`.

    Raises:
        FileNotFoundError: with a one-line message when ``path`` does not exist.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such BibTeX file")
    text = path.read_bytes().decode("utf-8", errors="replace")
    return parse_catalogue(text, source=path.as_posix())
