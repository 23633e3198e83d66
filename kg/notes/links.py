"""Notes as a linked collection: links between notes and notes about one paper.

Two things a folder of notes (an Obsidian vault, a wiki, a blog) says beyond its text:

* **links between notes** — ``[[Note]]``, ``[[folder/Note|shown]]``, ``[[Note#Heading]]``,
  ``![[Note]]`` (an embedded note is a link; embedded pictures are not) and relative Markdown
  links ``[x](../other.md)``. :func:`note_links` lists them per note and :func:`resolve_links`
  finds the note each one names, as Obsidian does: by path (relative to the vault or, for
  Markdown links, to the linking note), by file name (the nearest when several notes share
  it), then by front-matter ``aliases``;
* **paper notes** — a note about one paper: :func:`paper_note` reads its title and metadata
  from the ``### Paper:`` / ``### Author:`` / ``### Year:`` template, a BibTeX block, a
  ``source:`` (``paper:``, ``url:``, ``arxiv:``) link to a paper page, a title that carries
  a venue (``[CVPR 2019] Title``), or the note's place in a papers folder
  (``Research-Papers/``, ``papers/``, ``论文/``). Such a note becomes the paper's node (an
  ``about`` edge from the post);
* **citations** — ``Gupta et al. (2018)`` in the text names the paper of the note's own
  reference list with that first author and year (:func:`citations`, :func:`cited_papers`);
  a citation never becomes a paper by itself.

Example
-------
>>> from kg.notes.parse import parse_text
>>> doc = parse_text("---\\nsource: https://arxiv.org/abs/1810.04805\\n---\\n"
...                  "Builds on [[Transformer|attention]] and ![[Masking#Why]].\\n", "papers/BERT.md")
>>> [(x.target, x.anchor, x.kind) for x in note_links(doc)]
[('Transformer', '', 'wikilink'), ('Masking', 'Why', 'embed')]
>>> hit = paper_note(doc, "BERT")
>>> hit.title, hit.year, hit.ids
('BERT', 2018, {'arxiv': '1810.04805'})
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Sequence
from urllib.parse import unquote

from kg.notes.papers import (
    PaperHit,
    clean_title,
    is_paper_url,
    recognize,
    split_authors,
    title_like,
)
from kg.notes.parse import (
    MEDIA_EXT,
    WIKI_SCHEME,
    WIKILINK,
    Document,
    Item,
    ItemList,
    Line,
    Paragraph,
    Section,
    Span,
    Table,
    find_ids,
)
from kg.notes.records import NoteLink
from kg.notes.venues import arxiv_year, find_year, normalize_venue, plausible_year

__all__ = [
    "note_links",
    "resolve_links",
    "paper_note",
    "cites_its_source",
    "note_aliases",
    "is_field_line",
    "citations",
    "cited_papers",
    "PAPER_FOLDERS",
]

#: folder names whose notes are one note per paper
PAPER_FOLDERS = re.compile(
    r"^(?:(?:research|reading)?[-_ ]?papers?(?:[-_ ]?(?:notes?|reading|summar(?:y|ies)))?|"
    r"paper[-_ ]?notes?|publications?|literature|论文(?:笔记|阅读)?|文献(?:笔记|阅读)?)$",
    re.I,
)


# --------------------------------------------------------------------------- links


def _lines(sec: Section) -> Iterator[Line]:
    yield from () if not sec.spans else (Line.of(sec.line, sec.spans),)
    for block in sec.blocks:
        if isinstance(block, Paragraph):
            yield from block.lines
        elif isinstance(block, ItemList):
            yield from _item_lines(block.items)
        elif isinstance(block, Table):
            for row in block.rows:
                yield Line.of(row.line, [s for c in row.cells for s in c])
    for sub in sec.sections:
        yield from _lines(sub)


def _item_lines(items: list[Item]) -> Iterator[Line]:
    for it in items:
        yield from it.lines
        yield from _item_lines(it.children)


_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_NOTE_EXT = (".md", ".markdown")


def _link(span: Span, line: int) -> NoteLink | None:
    url = span.url or ""
    if url.startswith(WIKI_SCHEME) and "%" in url:
        url = unquote(url)
    if url.startswith(WIKI_SCHEME):
        target = url[len(WIKI_SCHEME) :]
        kind = "wikilink"
        if target.startswith("!"):
            target, kind = target[1:], "embed"
        page, _, anchor = target.partition("#")
        page = page.strip()
        if not page:  # [[#Heading]]: a link inside the same note
            return None
        return NoteLink(page, line, anchor.strip(), kind)
    if not url or url.startswith("#") or _SCHEME.match(url) or url.startswith("//"):
        return None
    page, _, anchor = unquote(url).partition("#")
    page = page.split("?", 1)[0].strip()
    ext = posixpath.splitext(page)[1].lower()
    if not page or (ext and ext not in _NOTE_EXT):
        return None  # a picture, a PDF or another file, not a note
    return NoteLink(page, line, anchor.strip(), "markdown")


def _wiki_url(m: re.Match[str]) -> str | None:
    target = m.group(3).strip()
    if m.group(2) and MEDIA_EXT.search(target.split("#", 1)[0].strip()):
        return None
    return WIKI_SCHEME + ("!" if m.group(2) else "") + target


def note_links(doc: Document) -> list[NoteLink]:
    """The links of ``doc`` to other notes, in document order.

    >>> from kg.notes.parse import parse_text
    >>> doc = parse_text("See [[a/B#x|b]], [c](../c.md), [web](https://x.org), ![[p.png]].\\n")
    >>> [(x.target, x.anchor, x.kind) for x in note_links(doc)]
    [('a/B', 'x', 'wikilink'), ('../c.md', '', 'markdown')]
    """
    out: list[NoteLink] = []
    for key, value in doc.meta.items():  # "summary: built on [[Swin Transformer|Swin]]"
        for text in value if isinstance(value, list) else [value]:
            if isinstance(text, str) and "[[" in text:
                line = doc.front_matter_lines.get(key, 1)
                for m in WIKILINK.finditer(text):
                    if m.group(3) and (link := _link(Span("", url=_wiki_url(m)), line)):
                        out.append(link)
    for ln in _lines(doc.root):
        for span in ln.spans:
            if span.url and (link := _link(span, ln.line)) is not None:
                out.append(link)
    return out


_CONTINUES = re.compile(r"^(?:and|or|with|for|of|in|on|to|via|from|&)\b")


def note_aliases(doc: Document) -> list[str]:
    """The note's front-matter ``aliases`` (``alias``), as a list of strings.

    >>> from kg.notes.parse import parse_text
    >>> note_aliases(parse_text("---\\naliases: [BN, batch norm]\\n---\\ntext\\n"))
    ['BN', 'batch norm']
    >>> note_aliases(parse_text("---\\naliases: [Unifying Segmentation, Detection, and Tracking]\\n---\\n"))
    ['Unifying Segmentation, Detection, and Tracking']
    """
    value = doc.meta.get("aliases", doc.meta.get("alias"))
    if value is None:
        return []
    values = value if isinstance(value, list) else [value]
    out = [" ".join(str(v).split()) for v in values if v is not None and str(v).strip()]
    if any(_CONTINUES.match(p) for p in out[1:]):
        # "aliases: [Unifying X, 3D Y, and Z]": YAML split one title at its commas
        return [", ".join(out)]
    return out


def _key(text: str) -> str:
    t = unquote(text).strip().replace("\\", "/").casefold()
    for ext in _NOTE_EXT:
        if t.endswith(ext):
            t = t[: -len(ext)]
    return " ".join(t.split())


def resolve_links(
    paths: Sequence[str], aliases: Sequence[Sequence[str]], links: Sequence[Sequence[NoteLink]]
) -> list[tuple[int, int, NoteLink]]:
    """``(source, target, link)`` for every link that names one of the notes, by index.

    ``paths[i]`` is note ``i``'s path (POSIX), ``aliases[i]`` its aliases and ``links[i]`` its
    links. A link resolves by path (relative to the linking note for Markdown links; a path
    suffix for wikilinks), else by file name — the note nearest the linking one when several
    share it — else by alias. Unresolved links are left out; links of a note to itself are kept
    (the graph drops them).

    >>> from kg.notes.records import NoteLink as L
    >>> paths = ["v/a/Attention.md", "v/b/Attention.md", "v/b/GRU.md", "v/c/Note.md"]
    >>> links = [[L("GRU", 1)], [L("Attention", 2)], [L("Attention", 3), L("gated unit", 4)],
    ...          [L("a/Attention", 5), L("../b/GRU.md", 6, kind="markdown"), L("Nowhere", 7)]]
    >>> [(s, t, x.line) for s, t, x in resolve_links(paths, [[], [], ["gated unit"], []], links)]
    [(0, 2, 1), (1, 1, 2), (2, 1, 3), (2, 2, 4), (3, 0, 5), (3, 2, 6)]
    """
    keys = [_key(p) for p in paths]
    by_name: dict[str, list[int]] = {}
    for i, k in enumerate(keys):
        by_name.setdefault(k.rsplit("/", 1)[-1], []).append(i)
    by_alias: dict[str, list[int]] = {}
    for i, names in enumerate(aliases):
        for a in names:
            by_alias.setdefault(_key(a), []).append(i)
    exact = {k: i for i, k in enumerate(keys)}

    def nearest(src: int, cands: list[int]) -> int:
        here = keys[src].rsplit("/", 1)[0]

        def rank(j: int) -> tuple[int, int, str]:
            folder = keys[j].rsplit("/", 1)[0]
            common = posixpath.commonprefix([here + "/", folder + "/"]).count("/")
            return (-common, keys[j].count("/"), keys[j])

        return min(cands, key=rank)

    out: list[tuple[int, int, NoteLink]] = []
    for src, note_links_ in enumerate(links):
        folder = posixpath.dirname(keys[src])
        for link in note_links_:
            t = _key(link.target)
            hit: int | None = None
            if link.kind == "markdown" or t.startswith(("./", "../")):
                hit = exact.get(posixpath.normpath(posixpath.join(folder, t)))
            if hit is None and "/" in t:
                suffix = "/" + t.lstrip("/")
                cands = [j for j, k in enumerate(keys) if ("/" + k).endswith(suffix)]
                hit = nearest(src, cands) if cands else None
            if hit is None and (cands := by_name.get(t.rsplit("/", 1)[-1])):
                hit = nearest(src, cands)
            if hit is None and (cands := by_alias.get(t)):
                hit = nearest(src, cands)
            if hit is not None:
                out.append((src, hit, link))
    return out


# --------------------------------------------------------------------------- paper notes

# "### Paper: Title", "**Title**: ...", "Year: 2019" as a heading or a paragraph line
_FIELD = re.compile(
    r"^\s*(?:#+\s*)?[*_]*\s*(?P<key>paper|title|paper title|论文|标题|authors?|作者|year|年份|"
    r"venue|conference|journal|published(?: in)?|会议|期刊|发表|link|url|arxiv|source|"
    r"paper link|paper url|论文链接|论文地址|原文链接|原文地址|"
    r"(?:论文)?发表(?:时间|年份)|publication year|date published)\s*[*_]*\s*[:：]\s*[*_]*\s*(?P<value>.*?)\s*$",
    re.I,
)
_BIB = re.compile(r"@(?P<type>\w+)\s*\{[^,\s]*,(?P<body>.*)\}", re.S)
_BIB_FIELD = re.compile(
    r"(\w+)\s*=\s*(?:\{(?P<b>(?:[^{}]|\{[^{}]*\})*)\}|\"(?P<q>[^\"]*)\"|(?P<n>\d+))"
)
# "Paper notes: Title", "[Paper Reading] Title", "「论文解读」Title", "论文笔记：Title"
_TITLE_PREFIX = re.compile(
    r"^\s*(?:[\[「【(（]\s*(?:paper|论文)\s*(?:notes?|reading|review|summary|笔记|阅读|解读|"
    r"精读|速读|实践|复现|practice)?\s*[\]」】)）]\s*[:：|\-–]?\s*"
    r"|(?:paper|论文)\s*(?:notes?|reading|review|summary|笔记|阅读|解读|精读)?\s*[:：|\-–]\s*"
    r"|(?:paper|论文)\s*(?:notes?|reading|笔记|阅读|解读|精读)\s+)",
    re.I,
)
# a leading "「CV」" / "【ML】" tag before a title
_TAG_PREFIX = re.compile(r"^\s*[「【][^」】]{1,12}[」】]\s*")
# a front-matter category or tag that files the note among paper notes
_PAPER_TAG = re.compile(r"^(?:paper|论文)[-_ ]?(?:notes?|reading|review|笔记|阅读|解读)?$", re.I)
_NOT_ONE_PAPER = re.compile(
    r"\b(?:overview|reading list|to read|index|template|how to|comparison|summary of)\b|综述|汇总|合集",
    re.I,
)
_FILE_VALUE = re.compile(r"\.(?:pdf|png|jpe?g|djvu|epub)\s*$", re.I)
_URL_VALUE = re.compile(r"^<?(?:https?://|www\.)\S*>?$", re.I)
_DATED = re.compile(r"(?<!\d)(?:19|20)\d{2}[-/.年]\d{1,2}(?:[-/.月]\d{1,2})?")
_META_URL_KEYS = ("source", "paper", "url", "link", "arxiv", "pdf", "paper_url", "paper-link")


def _fields(doc: Document) -> dict[str, str]:
    out: dict[str, str] = {}
    for sec in doc.root.walk():
        lines = [Line.of(sec.line, sec.spans)] if sec.spans else []
        lines += [ln for b in sec.blocks if isinstance(b, Paragraph) for ln in b.lines]
        for ln in lines:
            m = _FIELD.match(ln.text)
            if not m:
                continue
            key = m.group("key").casefold()
            value = m.group("value").strip(" *_")
            url = next((s.url for s in ln.spans if s.url and is_paper_url(s.url)), None)
            if not value and sec.spans is ln.spans:  # "### Paper:" with the value below
                nxt = next((b for b in sec.blocks if isinstance(b, Paragraph)), None)
                value = nxt.lines[0].text if nxt and nxt.lines else ""
                url = url or next((s.url for s in (nxt.lines[0].spans if nxt and nxt.lines
                                                   else []) if s.url), None)  # fmt: skip
            if _URL_VALUE.match(value):  # "paper: <https://arxiv.org/abs/...>"
                url = url or (value.strip("<>") if is_paper_url(value.strip("<>")) else None)
            elif _FILE_VALUE.search(value):  # "Paper: [[Title, A. Author, 2016.pdf]]": a file
                out.setdefault(" file", value)
            elif key in ("paper", "title", "paper title", "论文", "标题") and "title" not in out:
                out["title"] = value
                out[" title_line"] = str(ln.line)
            elif key.startswith("author") or key == "作者":
                out.setdefault("authors", value)
            elif key in ("year", "年份", "publication year", "date published") or "时间" in key:
                out.setdefault("year", value)
            elif key in ("link", "url", "arxiv", "source") or "link" in key or "url" in key or (
                "链接" in key or "地址" in key
            ):
                if url:
                    out.setdefault("url", url)
            else:
                out.setdefault("venue", value)
            if url:
                out.setdefault("url", url)
                out[" urls"] = str(int(out.get(" urls", "0")) + 1)
    return out


def is_field_line(text: str) -> bool:
    """A ``Key: value`` line of a paper-note template (``论文发表时间：2018-09-06``).

    >>> is_field_line("Year: 2019"), is_field_line("Deep Sets: permutation invariance")
    (True, False)
    """
    return bool(_FIELD.match(text))


def _bibtex(text: str) -> dict[str, str]:
    m = _BIB.search(text)
    if not m:
        return {}
    out = {}
    for f in _BIB_FIELD.finditer(m.group("body")):
        value = f.group("b") if f.group("b") is not None else f.group("q") or f.group("n") or ""
        out[f.group(1).casefold()] = " ".join(value.replace("{", "").replace("}", "").split())
    # "@misc{..., howpublished = {blog url}}" cites a web page (often the note itself)
    published = any(k in out for k in ("journal", "booktitle", "eprint", "archiveprefix", "doi"))
    if m.group("type").casefold() in ("misc", "online", "webpage", "electronic") and not published:
        return {}
    return out


# "[[MLP-Mixer_ An all-MLP Architecture for Vision, Ilya Tolstikhin et al., 2021.pdf]]": a
# paper's file named "Title, First Author et al., Year" (":" written "_" in file names)
_PDF_NAME = re.compile(
    r"^!?\[*(?:[^\]|]*/)?(?P<title>[^\]|/]{6,300}?),\s+(?P<author>[^,\]|]{2,60}?\bet al\.?|"
    r"[A-Z][^,\]|]{1,60}?),\s+(?P<year>(?:19|20)\d{2})(?:\s+\d{1,2})?\.pdf\]*$",
    re.I,
)


def pdf_title(value: str) -> tuple[str, str, int] | None:
    """Title, first author and year from a paper file's name (``source: [[... .pdf]]``).

    >>> pdf_title("[[MLP-Mixer_ An all-MLP Architecture for Vision, Ilya Tolstikhin et al., 2021.pdf]]")
    ('MLP-Mixer: An all-MLP Architecture for Vision', 'Ilya Tolstikhin', 2021)
    >>> pdf_title("[[MobileNet.pdf]]") is None
    True
    """
    m = _PDF_NAME.match(value.strip())
    if not m:
        return None
    title = re.sub(r"_\s", ": ", m.group("title")).strip()
    author = re.sub(r"\s+et al\.?$", "", m.group("author").strip())
    return title, author, int(m.group("year"))


def _flat(value: object) -> str:
    """A front-matter value as text: YAML reads ``[[a, b, 2021.pdf]]`` as nested lists."""
    if isinstance(value, list):
        return ", ".join(_flat(v) for v in value)
    return str(value)


def _meta_url(doc: Document) -> str | None:
    for k in _META_URL_KEYS:
        v = doc.meta.get(k)
        if isinstance(v, str) and v.strip().startswith(("http://", "https://")):
            return v.strip()
    return None


def _after_alias(name: str, aliases: Sequence[str]) -> str:
    """A file name that puts one of the note's short names before the paper's title
    (``ViT An Image is Worth 16x16 Words ...`` with alias ``ViT``) gives the title.

    >>> _after_alias("ViT An Image is Worth 16x16 Words", ["Vision Transformer", "ViT"])
    'An Image is Worth 16x16 Words'
    >>> _after_alias("GroupViT Semantic Segmentation Emerges from Text", ["ViT"])
    'GroupViT Semantic Segmentation Emerges from Text'
    """
    for alias in sorted(aliases, key=len, reverse=True):
        head = re.match(re.escape(alias) + r"(?:\s*[-:–—]\s+|\s+)(.+)$", name, flags=re.I)
        if head and title_like(head.group(1), min_words=3):
            return head.group(1)
    return name


def paper_note(doc: Document, title: str) -> PaperHit | None:
    """The paper ``doc`` is a note about, or ``None`` when it is not a paper note.

    ``title`` is the note's title (front matter, first heading or file name). The hit's
    ``style`` is ``"note"`` when the note names its paper (template, BibTeX, a paper link in
    the front matter, a venue in the title) and ``"note-weak"`` when only its folder or a
    "paper notes:" title prefix says so (then a note listing several papers is a digest).

    >>> from kg.notes.parse import parse_text
    >>> doc = parse_text("### Paper: Deep Sets\\n### Author: M. Zaheer, S. Kottur\\n"
    ...                  "### Year: 2017\\n### Venue: NeurIPS\\nNotes...\\n", "n.md")
    >>> hit = paper_note(doc, "n")
    >>> hit.title, hit.venue.name, hit.year, hit.authors
    ('Deep Sets', 'NeurIPS', 2017, ['M. Zaheer', 'S. Kottur'])
    >>> paper_note(parse_text("# Cooking\\nrice\\n", "notes/cooking.md"), "Cooking") is None
    True
    """
    fields = _fields(doc)
    bib: dict[str, str] = {}
    for _, code in doc.code:
        if "@" in code and (bib := _bibtex(code)).get("title"):
            break
    url = _meta_url(doc)
    paper_url = url if url and is_paper_url(url) else None
    folder = posixpath.basename(posixpath.dirname(doc.path.replace("\\", "/")))
    in_papers = bool(PAPER_FOLDERS.match(folder)) or any(
        _PAPER_TAG.match(t.strip()) for t in (*doc.categories, *doc.tags)
    )
    titled = recognize([Line.of(1, [Span(title)])]) if title else None
    if titled is not None and titled.venue is None and titled.year is None:
        titled = None  # the title alone must carry a venue or year to say "paper"
    stripped = _TITLE_PREFIX.sub("", title or "", count=1)
    prefixed = stripped != (title or "") and title_like(stripped, cjk=True)
    # one "paper: <link>" line names the note's paper; several make a reading list
    one_link = fields.get(" urls") == "1" and is_paper_url(fields.get("url"))
    # a "Title:" field far down the note may be an example in a list's instructions: it counts
    # as weak evidence only (a note listing many papers is then not a paper note)
    first_heading = min((sec.line for sec in doc.root.sections), default=1 << 30)
    far = bool(fields.get("title")) and int(fields[" title_line"]) > max(first_heading, 15)
    if far and not (fields.get("url") or fields.get("year") or fields.get("authors")):
        fields.pop("title")  # a lone far "Title:" line with no link, year or authors: an example
        far = False
    if fields.get("title") and (hit := recognize([Line.of(1, [Span(fields["title"])])])):
        fields["title"] = hit.title  # "[ICML 2019] TapNet: ..." -> its title and venue
        fields.setdefault("venue", hit.venue.name if hit.venue else "")
        fields.setdefault("year", str(hit.year or ""))
    strong = bool(
        (fields.get("title") and not far) or bib.get("title") or paper_url or titled or one_link
    )
    if not strong and _NOT_ONE_PAPER.search(title or ""):
        return None  # "DeepLabs Overview", "Reading list": about several papers, in a papers folder
    if not (strong or in_papers or prefixed or far) or (not strong and _DATED.search(title or "")):
        return None  # a dated title ("arXiv daily 2019-02-26") is a digest, not one paper
    name = (
        bib.get("title")
        or fields.get("title")
        or (titled.title if titled else "")
        or (stripped if prefixed else "")
    )
    aliases = note_aliases(doc)
    files = [_flat(doc.meta.get(k)) for k in _META_URL_KEYS if doc.meta.get(k)]
    pdf = next((p for v in [*files, fields.get(" file", "")] if (p := pdf_title(v))), None)
    if not name and pdf is not None:
        name = pdf[0]  # the title the paper's own file gives
        fields.setdefault("year", str(pdf[2]))
        fields.setdefault("authors", pdf[1])
    if not name:
        # the longest alias that reads as a title names the paper better than a short file name
        long = [a for a in aliases if title_like(a, min_words=3) and len(a) > len(title or "")]
        name = max(long, key=len) if long else (title or "")
        name = _after_alias(name, aliases)
    name = clean_title(_TAG_PREFIX.sub("", name, count=1))
    if not name:
        return None
    venue = None
    for raw in (bib.get("booktitle"), bib.get("journal"), fields.get("venue")):
        if raw and (venue := normalize_venue(raw, slot=True)) is not None:
            break
    if venue is None and titled is not None:
        venue = titled.venue
    year = None
    for raw in (bib.get("year"), fields.get("year")):
        if raw and (year := find_year(raw)) is not None:
            break
    year = year or (venue.year if venue else None) or (titled.year if titled else None)
    link = bib.get("url") or fields.get("url") or paper_url or url
    ids = find_ids(link) if link else {}
    if bib.get("doi"):
        ids.setdefault("doi", bib["doi"])
    if bib.get("eprint") and re.match(r"\d{4}\.\d{4,5}", bib["eprint"]):
        ids.setdefault("arxiv", bib["eprint"])
    if year is None and "arxiv" in ids:
        year = arxiv_year(ids["arxiv"])
    authors_text = bib.get("author", "").replace(" and ", ", ") or fields.get("authors", "")
    return PaperHit(
        title=name,
        line=1,
        venue=venue,
        year=year if plausible_year(year) else None,
        url=link,
        ids=ids,
        authors=split_authors(authors_text) if authors_text else [],
        style="note" if strong else "note-weak",
    )


_NAME_TOKEN = re.compile(r"\d|[A-Z].*[A-Z]|^[a-z]+[A-Z]")
_PHRASE_WORD = re.compile(
    r"^(?:a|an|the|of|for|with|in|on|as|is|are|to|by|from|via|and|or|vs\.?|versus|all|you|"
    r"what|how|why|need|can|do|does|towards?|beyond|rethinking|learning)$",
    re.I,
)


def cites_its_source(doc: Document, title: str) -> bool:
    """A note about a concept that gives the paper it comes from as its ``source:`` link.

    Outside a papers folder, a note whose only sign of a paper is a front-matter link and
    whose name is a plain term -- a few words, none with a name's shape (capitals inside,
    digits) and no phrase words (``for``, ``with``, ``is`` ...) -- explains a concept
    (``Panoptic Quality Metric``, ``Sinusoidal Positional Encodings``) and cites the paper it
    comes from; it is not that paper's note. A model's name (``BERT``, ``Mask R-CNN``) or a
    title-like name (``Attention is All You Need``) keeps the note a paper note.

    >>> from kg.notes.parse import parse_text
    >>> fm = "---\\nsource: https://arxiv.org/abs/1801.00868\\n---\\ntext\\n"
    >>> cites_its_source(parse_text(fm, "Metrics/Panoptic Quality Metric.md"), "Panoptic Quality Metric")
    True
    >>> cites_its_source(parse_text(fm, "Models/BERT.md"), "BERT")
    False
    >>> cites_its_source(parse_text(fm, "Research-Papers/to-read/Linformer.md"), "Linformer")
    False
    """
    folders = posixpath.dirname(doc.path.replace("\\", "/")).split("/")
    if any(PAPER_FOLDERS.match(f) for f in folders) or any(
        _PAPER_TAG.match(t.strip()) for t in (*doc.categories, *doc.tags)
    ):
        return False
    url = _meta_url(doc)
    if not (url and is_paper_url(url)):
        return False
    fields = _fields(doc)
    if fields.get("title") or any("@" in code and _bibtex(code).get("title") for _, code in doc.code):
        return False
    words = (title or "").split()
    return 1 <= len(words) <= 5 and not any(
        _NAME_TOKEN.search(w) or _PHRASE_WORD.match(w) for w in words
    ) and not recognize([Line.of(1, [Span(title)])])


# --------------------------------------------------------------------------- citations

_CITE_NAME = r"[A-Z][\w'’\-]+"
# "Gupta et al. (2018)", "Luong, et al., 2015", "(Kipf and Welling, 2017)", "Chen et al., 2020a"
_IN_TEXT_CITE = re.compile(
    rf"(?P<name>{_CITE_NAME})(?:\s+(?:and|&)\s+{_CITE_NAME}|,?\s+et\.?\s+al\.?)"
    r",?\s*[(\[]?\s*(?P<year>(?:19|20)\d{2})[a-z]?\b"
    rf"|\(\s*(?P<name2>{_CITE_NAME}),\s*(?P<year2>(?:19|20)\d{{2}})[a-z]?\s*\)"
)


def _surname(author: str) -> str:
    parts = author.replace(",", " ").split()
    if not parts:
        return ""
    # "A. B. Surname" / "Given Surname" -> the last word; "Surname" alone -> itself
    return parts[-1] if len(parts) > 1 and parts[0].rstrip(".").isalpha() else parts[0]


def citations(doc: Document) -> list[tuple[int, str, int]]:
    """In-text citations of ``doc`` as ``(line, surname, year)``, in document order.

    >>> from kg.notes.parse import parse_text
    >>> citations(parse_text("As Gupta et al. (2018) and (Lee, 2020) show; Luong, et al., 2015.\\n"))
    [(1, 'Gupta', 2018), (1, 'Lee', 2020), (1, 'Luong', 2015)]
    """
    out = []
    for ln in _lines(doc.root):
        if "et al" not in ln.text and "(" not in ln.text and " and " not in ln.text:
            continue
        for m in _IN_TEXT_CITE.finditer(ln.text):
            name = m.group("name") or m.group("name2")
            year = int(m.group("year") or m.group("year2"))
            out.append((ln.line, name, year))
    return out


def cited_papers(
    cites: Sequence[tuple[int, str, int]], papers: Sequence[tuple[str, list[str], int | None]]
) -> list[tuple[int, int]]:
    """``(line, index)``: each citation matched to the one paper of the same note (``papers``:
    ``(label, authors, year)``) whose first author and year it names; unmatched ones are left
    out, and so are citations that would match several papers.

    >>> cited_papers([(9, "Kipf", 2017), (9, "Lee", 2020)],
    ...              [("Semi-supervised GCN", ["T. N. Kipf", "M. Welling"], 2017)])
    [(9, 0)]
    """
    index: dict[tuple[str, int], list[int]] = {}
    for i, (_, authors, year) in enumerate(papers):
        if authors and year is not None:
            index.setdefault((_surname(authors[0]).casefold(), year), []).append(i)
    out = []
    for line, name, year in cites:
        hits = index.get((name.casefold(), year), [])
        if len(set(papers[i][0] for i in hits)) == 1:
            out.append((line, hits[0]))
    return out
