"""Parse one Markdown note into a :class:`Document`: front matter, heading tree, lists, tables.

The parser keeps what extraction needs and drops the rest:

* kept: front matter (``title``, ``date``, ``categories``/``category``, ``tags``/``tag``,
  ``keywords``/``keyword``), the heading tree, nested ordered and bullet lists (task
  checkboxes ``[x]``/``[ ]`` stripped and recorded), GFM tables, paragraphs, links (text, URL
  and the arXiv / DOI / OpenReview ids found in them), bold / italic / code marks, and the
  1-based source line of every line of text;
* images (``![](src)`` and ``<img src>``) become ``attachments`` of their section or item;
* dropped: code fences and indented code, HTML blocks and inline HTML, HTML comments,
  Liquid tags (``{% ... %}``, ``{{ ... }}``, ``{% highlight %}`` blocks), kramdown attribute
  lists (``{:toc}``, ``{:.class}``) and math (``$...$``, ``$$...$$``).

Two Markdown back ends produce equal documents: markdown-it-pyrs (the Rust build of
markdown-it, used by default) and markdown-it-py (used when ``KG_MARKDOWN=py`` is set or the
Rust build is not importable).

Example
-------
>>> doc = parse_text("---\\ntitle: Notes\\ncategories: [VALSE2020]\\n---\\n# 1 Pruning\\n"
...                  "- Pruning from Scratch (AAAI2020)\\n")
>>> doc.title, doc.categories
('Notes', ['VALSE2020'])
>>> sec = doc.root.sections[0]
>>> sec.title, sec.line
('1 Pruning', 5)
>>> item = sec.blocks[0].items[0]
>>> item.text, item.line
('Pruning from Scratch (AAAI2020)', 6)
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import os
import re
import sys
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

__all__ = [
    "ParseError",
    "Span",
    "Line",
    "Paragraph",
    "Item",
    "ItemList",
    "Table",
    "Row",
    "Section",
    "Document",
    "parse_text",
    "parse_bytes",
    "parse_file",
    "decode",
    "backend",
    "find_ids",
    "WIKI_SCHEME",
    "WIKILINK",
    "MEDIA_EXT",
]


class ParseError(ValueError):
    """Bad input: ``str(err)`` is one line ``"<path>:<line>: <reason>"``.

    >>> str(ParseError("a.md", 3, "broken front matter"))
    'a.md:3: broken front matter'
    """

    def __init__(self, path: str, line: int, reason: str) -> None:
        self.path = path
        self.line = line
        self.reason = " ".join(reason.split())
        super().__init__(f"{path}:{line}: {self.reason}")


# --------------------------------------------------------------------------- document types


class Span(NamedTuple):
    """A run of inline text with its marks: bold, italic, code, link target."""

    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False
    url: str | None = None


class Line(NamedTuple):
    """One source line of inline content (a paragraph or item is a list of these).

    Build one with :meth:`Line.of`, which fills in :attr:`text`.
    """

    line: int
    spans: list[Span]
    #: the plain text of the line (marks and link targets dropped, outer space stripped)
    text: str = ""

    @classmethod
    def of(cls, line: int, spans: list[Span]) -> Line:
        """A line from its spans.

        >>> Line.of(1, [Span("A "), Span("B", bold=True)]).text
        'A B'
        """
        return _new(cls, (line, spans, "".join([s[0] for s in spans]).strip()))

    @property
    def links(self) -> list[Span]:
        """The spans that carry a link target."""
        return [s for s in self.spans if s.url]


_new = tuple.__new__


@dataclass(slots=True)
class Paragraph:
    """A paragraph (or block quote paragraph) of a section."""

    line: int
    lines: list[Line] = field(default_factory=list)

    @property
    def text(self) -> str:
        """All lines' text joined by newlines."""
        return "\n".join(ln.text for ln in self.lines)


@dataclass(slots=True)
class Item:
    """A list item: its own text lines, task state, attachments and nested items."""

    line: int
    lines: list[Line] = field(default_factory=list)
    children: list[Item] = field(default_factory=list)
    ordered: bool = False
    checked: bool | None = None
    attachments: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The text of the item's first non-empty line ('' when it has none)."""
        for ln in self.lines:
            if ln.text:
                return ln.text
        return ""


@dataclass(slots=True)
class ItemList:
    """A bullet or ordered list."""

    line: int
    ordered: bool
    items: list[Item] = field(default_factory=list)


@dataclass(slots=True)
class Row:
    """A table body row: one list of spans per cell."""

    line: int
    cells: list[list[Span]] = field(default_factory=list)

    def texts(self) -> list[str]:
        """The plain text of each cell."""
        return ["".join(s.text for s in c).strip() for c in self.cells]


@dataclass(slots=True)
class Table:
    """A GFM table: header cells (text) and body rows."""

    line: int
    header: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)


Block = Paragraph | ItemList | Table


@dataclass(slots=True)
class Section:
    """A heading and everything up to the next heading of the same or a higher level.

    The document root is a section of level 0 with an empty title.
    """

    level: int
    title: str
    line: int
    spans: list[Span] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)

    def walk(self):
        """Yield this section and all its subsections, depth first, in document order."""
        yield self
        for s in self.sections:
            yield from s.walk()


@dataclass(slots=True)
class Document:
    """A parsed note file."""

    path: str
    root: Section
    title: str | None = None
    date: str | None = None
    categories: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    #: front-matter key -> the 1-based line it is on
    front_matter_lines: dict[str, int] = field(default_factory=dict)
    #: the whole front matter (scalars as strings), for keys such as ``aliases`` and ``source``
    meta: dict[str, Any] = field(default_factory=dict)
    #: fenced and indented code blocks as ``(line, content)`` (e.g. a BibTeX entry)
    code: list[tuple[int, str]] = field(default_factory=list)
    encoding: str = "utf-8"
    #: one-line notes about the parse (e.g. a back-end fallback); never errors
    warnings: list[str] = field(default_factory=list)
    #: why only the start of the file was read (over the size limit), else ``None``
    truncated: str | None = None


# --------------------------------------------------------------------------- decoding


def decode(data: bytes, path: str = "<bytes>") -> tuple[str, str]:
    """Decode file bytes: UTF-8 (BOM allowed), UTF-16 with a BOM, else a confident guess.

    Bytes that are not UTF-8 are given to ``charset-normalizer``; its candidates that read
    as text (few unusual characters, see ``_unusual``) are compared. One candidate, or
    several that give the same text, or one whose language is clearly recognised: that
    decoding is used. Otherwise the file is refused with the candidates named: a short
    Big5 or Latin-1 note can be read equally well as Korean, a wrong decoding would put
    garbled names into the graph, and saving the file as UTF-8 settles it.

    Returns ``(text, encoding)``; raises :class:`ParseError` for binary or undecodable data.

    >>> text = "# 旧笔记\\n\\n- 通道剪枝\\n  - 模型压缩论文整理\\n"
    >>> decode(text.encode("gb18030"))[1]
    'gb18030'
    >>> decode(b"\\x00\\x01\\x02", "x.md")
    Traceback (most recent call last):
    ...
    kg.notes.parse.ParseError: x.md:1: binary file (NUL byte), not a text note
    >>> decode("R\\u00e9seaux".encode("latin-1"), "r.md")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    kg.notes.parse.ParseError: r.md:1: not UTF-8, and the encoding is unclear (...); save it as UTF-8
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as err:
            raise ParseError(path, data[: err.start].count(b"\n") + 1, "invalid UTF-16") from None
    head = data[:8192]
    if b"\x00" in head:
        line = head[: head.index(b"\x00")].count(b"\n") + 1
        raise ParseError(path, line, "binary file (NUL byte), not a text note")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as err:
        first_bad = err.start
    line = data[:first_bad].count(b"\n") + 1
    text, encoding = _guess(data, path, line, first_bad)
    return text, encoding


def _unusual(text: str) -> float:
    """The share of non-ASCII characters that a wrong decoding typically produces.

    Unusual: Han characters outside the common sets (GB2312, Big5 and JIS X 0208 level 1),
    Hangul syllables outside KS X 1001, the rarer of Han and Hangul when both occur,
    half-width katakana, symbols and control or private-use characters, and a capital
    letter after a small one inside a word (``RÉseaux``).

    >>> _unusual("图神经网络"), _unusual("Réseaux"), _unusual("R\u00daseaux")
    (0.0, 0.0, 1.0)
    """
    import unicodedata

    total = rare = han = hangul = 0
    for i, ch in enumerate(text):
        o = ord(ch)
        if o < 128:
            continue
        total += 1
        cat = unicodedata.category(ch)
        if 0x4E00 <= o <= 0x9FFF:
            ok = False
            han += 1
            for enc, lo, hi in (("gb2312", 0xB0, 0xD7), ("big5", 0xA4, 0xC6), ("sjis", 0x88, 0x98)):
                with contextlib.suppress(UnicodeEncodeError):
                    ok = ok or lo <= ch.encode(enc)[0] <= hi
        elif 0xAC00 <= o <= 0xD7A3:
            hangul += 1
            try:
                ok = len(ch.encode("euc_kr")) == 2
            except UnicodeEncodeError:
                ok = False
        elif 0xFF61 <= o <= 0xFF9F:
            ok = False
        elif cat == "Lu":  # not inside a word, as in RÚseaux
            ok = not (text[i - 1 : i].isalpha() and text[i + 1 : i + 2].islower())
        else:
            ok = cat.startswith("L") or cat in ("Zs", "Pd", "Ps", "Pe", "Po", "Pi", "Pf", "Sc")
        rare += not ok
    rare += min(han, hangul)  # Korean text with Han characters mixed in: a wrong decoding
    return min(1.0, rare / total) if total else 0.0


def _guess(data: bytes, path: str, line: int, first_bad: int) -> tuple[str, str]:
    from charset_normalizer import from_bytes

    found = []
    for match in from_bytes(data):
        if match.chaos > 0.2:
            continue
        try:
            text = data.decode(match.encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        if _unusual(text) <= 0.02:
            found.append((match.coherence, match.encoding, text))
    if not found:
        raise ParseError(
            path, line, f"not UTF-8 and not text in any known encoding (byte 0x{data[first_bad]:02x})"
        )
    found.sort(key=lambda f: -f[0])
    texts = {text for _, _, text in found}
    if len(texts) == 1 or found[0][0] >= found[1][0] + 0.02:
        return found[0][2], found[0][1]
    names = " or ".join(dict.fromkeys(enc for _, enc, _ in found[:3]))
    raise ParseError(path, line, f"not UTF-8, and the encoding is unclear ({names}?); save it as UTF-8")


# --------------------------------------------------------------------------- pre-processing


def _blank(m: re.Match[str]) -> str:
    """Replace a match by its newlines only, so line numbers stay put."""
    return "\n" * m.group(0).count("\n")


# Liquid blocks whose content is code or commentary, and display math: blanked out.
_DROP_BLOCKS = re.compile(
    r"\{%-?\s*(highlight|raw|comment)\b.*?%\}.*?\{%-?\s*end\1\s*-?%\}|\$\$.+?\$\$", re.DOTALL
)
# Liquid tags and output ({% .. %}, {{ .. }}) and kramdown attribute lists ({:toc}, {:.cls}).
_DROP_BRACES = re.compile(r"\{%.*?%\}|\{\{.*?\}\}|\{:[^}\n]*\}", re.DOTALL)
# Inline math: $x$ with no space inside the dollars (so prices like "$5 and $6" survive).
_DROP_MATH = re.compile(r"\$(?=[^\s$])[^$\n]{1,300}?(?<=[^\s\\])\$(?![\w$])")


# Lines of only (Unicode) white space are blank lines; then both back ends agree on them.
def _math(m: re.Match[str]) -> str:
    """Inline math: a short plain symbol (``$k$``-NN) keeps its letters, formulas go."""
    inner = m.group(0)[1:-1]
    return inner if len(inner) <= 12 and "\\" not in inner and "{" not in inner else ""


_BLANK_LINE = re.compile(r"\n[^\S\n]+(?=\n)")


#: the URL scheme a ``[[wikilink]]`` becomes: ``[[Note#Part|shown]]`` -> ``[shown](wiki:Note#Part)``
WIKI_SCHEME = "wiki:"
#: inline code (group 1, kept as it is), else ``![[embed]]`` / ``[[wikilink]]``: the ``!``
#: (group 2), the target with its ``#anchor`` (group 3) and the shown text (group 4)
WIKILINK = re.compile(r"(`+)[^`\n]*?\1|(!?)\[\[([^\[\]\n|]+?)(?:\|([^\[\]\n]*))?\]\]")
#: file endings of embedded pictures, drawings and media (not notes)
MEDIA_EXT = re.compile(
    r"\.(?:png|jpe?g|gif|svg|webp|bmp|tiff?|avif|excalidraw|mp4|webm|mov|mp3|wav|ogg|m4a)$", re.I
)


def _wikilink(m: re.Match[str]) -> str:
    """``[[Note#Part|shown]]`` -> ``[shown](<wiki:Note#Part>)``; image embeds disappear."""
    if m.group(1):
        return m.group(0)
    target = m.group(3).strip()
    if m.group(2) and MEDIA_EXT.search(target.split("#", 1)[0].strip()):
        return ""  # ![[picture.png]]: an attachment, not a link
    page, _, anchor = (part.strip() for part in target.partition("#"))
    # "[[ResNeXt#Skip Connection]]" is about the skip connection: the anchor gives its sense
    anchor = "" if anchor.startswith("^") else anchor  # "#^block-id" names nothing
    shown = (m.group(4) or "").strip() or anchor or page.rsplit("/", 1)[-1] or target
    shown = re.sub(r"([\\`*_\[\]<>])", r"\\\1", shown)
    dest = ("!" if m.group(2) else "") + target.replace("<", "").replace(">", "")
    return f"[{shown}](<{WIKI_SCHEME}{dest}>)"


def _preprocess(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "[[" in text:
        text = WIKILINK.sub(_wikilink, text)
    text = _BLANK_LINE.sub("\n", text)
    if "{%" in text or "$$" in text:
        text = _DROP_BLOCKS.sub(_blank, text)
    if "{%" in text or "{{" in text or "{:" in text:
        text = _DROP_BRACES.sub(_blank, text)
    if "$" in text:
        text = _DROP_MATH.sub(_math, text)
    return text


# --------------------------------------------------------------------------- front matter

_FM_OPEN = re.compile(r"\A(?:---|\+\+\+)[ \t]*\n")
_FM_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)
_FM_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:", re.MULTILINE)


def _yaml_load(fm: str) -> Any:
    """Load front-matter YAML with python-frontmatter's YAML handler.

    libyaml's base loader keeps every scalar a string (dates are normalised by
    ``_as_date``): it is safe, and several times faster than resolving types not used here.
    """
    import frontmatter
    import yaml

    loader = getattr(yaml, "CBaseLoader", yaml.BaseLoader)
    return frontmatter.YAMLHandler().load(fm, Loader=loader)


def _split_front_matter(text: str, path: str) -> tuple[dict[str, Any], dict[str, int], str]:
    """Return (metadata, key -> line, text with the front matter blanked)."""
    m = _FM_OPEN.match(text)
    if not m or not text.startswith("---"):
        return {}, {}, text
    close = _FM_CLOSE.search(text, m.end())
    if close is None:
        raise ParseError(path, 1, "front matter opened with '---' is never closed")
    fm = text[m.end() : close.start()]
    try:
        meta = _yaml_load(fm)
    except Exception as err:  # yaml.YAMLError and its subclasses
        mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
        line = 2 + (mark.line if mark is not None else 0)
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise ParseError(path, line, f"broken front matter YAML: {problem}") from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise ParseError(path, 2, f"front matter is a {type(meta).__name__}, not a mapping")
    key_lines = {k.group(1): 2 + fm.count("\n", 0, k.start()) for k in _FM_KEY.finditer(fm)}
    end = close.end()
    return meta, key_lines, "\n" * text.count("\n", 0, end) + text[end:]


def _as_list(value: Any, spaces: bool = False) -> list[str]:
    """Front-matter value -> list of non-empty strings (comma-separated strings split).

    With ``spaces`` a string without commas is split on white space, as Jekyll reads
    ``tags: gan long-read``; items of a YAML list are never split on spaces.

    >>> _as_list("AI, DL ,compression"), _as_list("gan long-read", spaces=True)
    (['AI', 'DL', 'compression'], ['gan', 'long-read'])
    >>> _as_list(["a", ["b", 2020], None]), _as_list(["generative model"], spaces=True)
    (['a', 'b', '2020'], ['generative model'])
    """
    if value is None:
        return []
    if isinstance(value, (list, tuple, set)):
        out: list[str] = []
        for v in value:
            out.extend(_as_list(v))
        return out
    text = str(value)
    if spaces and not re.search(r"[,，、]", text):
        return text.split()
    parts = re.split(r"[,，、]", text) if re.search(r"[,，、]", text) else [text]
    return [p.strip() for p in parts if p.strip()]


_DATE = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?$"
)


def _as_date(value: Any) -> str | None:
    """A front-matter date as an ISO 8601 string (other text is kept as written).

    >>> _as_date("2019-05-21 09:08:40 +0800"), _as_date("2020-4-1")
    ('2019-05-21T09:08:40+08:00', '2020-04-01')
    """
    if value is None or value == "":
        return None
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    text = " ".join(str(value).split())
    m = _DATE.match(text)
    if not m:
        return text or None
    y, mo, d, hh, mm, ss, tz = m.groups()
    out = f"{y}-{int(mo):02d}-{int(d):02d}"
    if hh is not None:
        out += f"T{int(hh):02d}:{mm}:{ss or '00'}"
        if tz:
            out += "+00:00" if tz == "Z" else f"{tz[:3]}:{tz[-2:]}"
    return out


_JEKYLL_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})-")


# --------------------------------------------------------------------------- ids in links

_ARXIV = re.compile(
    r"arxiv\.org/(?:abs|pdf|html)/([a-z\-]+(?:\.[A-Z]{2})?/\d{7}|\d{4}\.\d{4,5})", re.I
)
_DOI = re.compile(r"(?:doi\.org/|/doi/(?:abs/|full/|pdf/)?)(10\.\d{4,9}/[^\s?#]+)", re.I)
_OPENREVIEW = re.compile(r"openreview\.net/(?:forum|pdf)\?id=([\w-]+)", re.I)


def find_ids(url: str) -> dict[str, str]:
    """The arXiv, DOI and OpenReview identifiers in ``url``.

    >>> find_ids("http://cn.arxiv.org/abs/1905.10324v2")
    {'arxiv': '1905.10324'}
    >>> find_ids("https://openreview.net/forum?id=SJU4ayYgl")
    {'openreview': 'SJU4ayYgl'}
    >>> find_ids("https://doi.org/10.1016/j.aiopen.2021.01.001")
    {'doi': '10.1016/j.aiopen.2021.01.001'}
    """
    ids: dict[str, str] = {}
    if "arxiv" in url.lower() and (m := _ARXIV.search(url)):
        ids["arxiv"] = m.group(1)
    if "10." in url and (m := _DOI.search(url)):
        ids["doi"] = m.group(1).rstrip(".").removesuffix(".pdf")
    if "openreview" in url.lower() and (m := _OPENREVIEW.search(url)):
        ids["openreview"] = m.group(1)
    return ids


# --------------------------------------------------------------------------- tree adapters
# Both back ends are converted to one small block shape: (name, line, children, info).  For
# blocks with inline content (paragraph, heading, table cell) ``children`` is the back end's
# own list of inline nodes and ``info`` the walker that flattens them (see ``_Inline``).
# markdown-it-pyrs omits tight-list paragraphs: its loose inline children are wrapped here.

_Node = tuple[str, int, Any, Any]

_INLINE_PYRS = frozenset(
    ("text", "text_special", "softbreak", "hardbreak", "strong", "em", "link", "autolink",
     "code_inline", "image", "html_inline")
)  # fmt: skip


def backend() -> str:
    """The Markdown back end in use: ``"pyrs"`` or ``"py"`` (``KG_MARKDOWN=py`` forces it)."""
    if os.environ.get("KG_MARKDOWN", "").lower() in ("py", "python", "markdown-it-py"):
        return "py"
    try:
        import markdown_it_pyrs  # noqa: F401
    except ImportError:  # pragma: no cover - depends on the installation
        return "py"
    return "pyrs"


_PARSERS: dict[str, Any] = {}
_IMG_SRC = re.compile(r"""<img\b[^>]*?\bsrc\s*=\s*["']?([^"'\s>]+)""", re.I)


def _html_images(html: str) -> list[str]:
    return _IMG_SRC.findall(html) if "<img" in html or "<IMG" in html else []


_NO_MARKS = (False, False, False, None)
# bytes that may start inline markup (emphasis, code, links, images, html, entities, escapes)
_MARKUP_BYTES = re.compile(rb"[*_`\[\]<>&\\]")


class _Inline:
    """Flattens inline nodes into :class:`Line` objects with marks.

    ``runs`` holds, per source line, ``[line, [text, marks], ...]`` where ``marks`` is the
    tuple ``(bold, italic, code, url)``; adjacent runs with equal marks are merged.
    """

    __slots__ = ("rows", "cur", "attachments")

    def __init__(self, line: int) -> None:
        self.cur: list[Any] = [line]
        self.rows = [self.cur]
        self.attachments: list[str] = []

    def newline(self, count: int = 1) -> None:
        self.cur = [self.cur[0] + count]
        self.rows.append(self.cur)

    def add(self, text: str, marks: tuple) -> None:
        cur = self.cur
        if len(cur) > 1 and cur[-1][1] == marks:
            cur[-1][0] += text
        elif text:
            cur.append([text, marks])

    # source text of a paragraph without inline markup: one run per line
    def walk_plain(self, text: str) -> None:
        first = True
        for piece in text.split("\n"):
            if not first:
                self.newline()
            first = False
            if piece:
                self.cur.append([piece, _NO_MARKS])

    # markdown-it-pyrs nodes (the hot path: kept flat, with the run merging inlined)
    def walk_pyrs(self, nodes: Any, marks: tuple = _NO_MARKS) -> None:
        cur = self.cur
        for n in nodes:
            name = n.name
            if name == "text" or name == "text_special":
                text = n.meta["content"]
                if len(cur) > 1 and cur[-1][1] == marks:
                    cur[-1][0] += text
                elif text:
                    cur.append([text, marks])
                continue
            if name == "softbreak" or name == "hardbreak":
                self.newline()
            elif name == "strong":
                self.walk_pyrs(n.children, (True, *marks[1:]))
            elif name == "em":
                self.walk_pyrs(n.children, (marks[0], True, *marks[2:]))
            elif name == "link":
                self.walk_pyrs(n.children, (*marks[:3], n.meta.get("url") or marks[3]))
            elif name == "autolink":  # shown as its target, like markdown-it-py's href
                url = n.meta.get("url") or ""
                self.add(url, (*marks[:3], url or marks[3]))
            elif name == "code_inline":
                text = "".join(c.meta.get("content", "") for c in n.children)
                self.add(text, (marks[0], marks[1], True, marks[3]))
            elif name == "image":
                url = n.meta.get("url")
                if url:
                    self.attachments.append(url)
            elif name == "html_inline":
                html = n.meta.get("content", "")
                self.attachments.extend(_html_images(html))
                if "\n" in html:
                    self.newline(html.count("\n"))
            else:  # unknown inline (e.g. strikethrough): keep its text
                self.walk_pyrs(n.children, marks)
            cur = self.cur

    # markdown-it-py SyntaxTreeNode nodes
    def walk_py(self, nodes: Any, marks: tuple = _NO_MARKS) -> None:
        for n in nodes:
            t = n.type
            if t == "text":
                self.add(n.content, marks)
            elif t == "softbreak" or t == "hardbreak":
                self.newline()
            elif t == "strong":
                self.walk_py(n.children, (True, *marks[1:]))
            elif t == "em":
                self.walk_py(n.children, (marks[0], True, *marks[2:]))
            elif t == "link":
                url = n.attrs.get("href")
                if n.markup == "autolink":
                    self.add(url or "", (*marks[:3], url or marks[3]))
                else:
                    self.walk_py(n.children, (*marks[:3], url or marks[3]))
            elif t == "code_inline":
                self.add(n.content, (marks[0], marks[1], True, marks[3]))
            elif t == "image":
                url = n.attrs.get("src")
                if url:
                    self.attachments.append(url)
            elif t == "html_inline":
                html = n.content
                self.attachments.extend(_html_images(html))
                if "\n" in html:
                    self.newline(html.count("\n"))
            else:
                self.walk_py(n.children, marks)

    def finish(self) -> list[Line]:
        out = []
        for row in self.rows:
            n = len(row)
            if n < 2:
                continue
            if n == 2:  # the common case: one run on the line
                text, marks = row[1]
                if "  " in text or "\t" in text or "\xa0" in text or "\u3000" in text:
                    text = _WS.sub(" ", text)
                text = text.strip()
                if text:
                    out.append(_new(Line, (row[0], [_new(Span, (text, *marks))], text)))
                continue
            spans = []
            for text, marks in row[1:]:
                if "  " in text or "\t" in text or "\xa0" in text or "\u3000" in text:
                    text = _WS.sub(" ", text)
                spans.append(_new(Span, (text, *marks)))
            first = spans[0]
            if first.text[:1].isspace():
                spans[0] = first._replace(text=first.text.lstrip())
            last = spans[-1]
            if last.text[-1:].isspace():
                spans[-1] = last._replace(text=last.text.rstrip())
            spans = [sp for sp in spans if sp.text]
            if spans:
                out.append(Line.of(row[0], spans))
        return out


def _pyrs_tree(text: str) -> _Node:
    md = _PARSERS.get("pyrs")
    if md is None:
        from markdown_it_pyrs import MarkdownIt

        md = _PARSERS["pyrs"] = MarkdownIt("commonmark").enable("table")
    root = md.tree(text)
    data = text.encode("utf-8")
    starts = [0]
    find = data.find
    i = find(b"\n")
    while i >= 0:
        starts.append(i + 1)
        i = find(b"\n", i + 1)
    walk = _Inline.walk_pyrs
    plain = _Inline.walk_plain
    special = _MARKUP_BYTES.search

    def line_of(n: Any) -> int:
        sm = n.srcmap
        return bisect_right(starts, sm[0]) if sm else 0

    def inline(nodes: list[Any], start: int, end: int, quoted: bool) -> _Node:
        """A paragraph; text without any inline markup skips the inline tree (fast path)."""
        raw = data[start:end]
        line = bisect_right(starts, start)
        if not quoted and not special(raw):
            return ("paragraph", line, raw.decode("utf-8"), plain)
        return ("paragraph", line, nodes, walk)

    def conv(n: Any, quoted: bool = False) -> _Node:
        name = n.name
        if name == "heading" or name == "lheading":
            return ("heading", line_of(n), n.children, (walk, n.meta["level"]))
        if name == "paragraph":
            sm = n.srcmap
            if sm and not quoted and not special(data[sm[0] : sm[1]]):
                return inline([], sm[0], sm[1], quoted)
            return ("paragraph", line_of(n), n.children, walk)
        if name == "tcell":
            return ("cell", line_of(n), n.children, walk)
        if name == "html_block" or name == "fence" or name == "code_block":
            return (name, line_of(n), [], n.meta.get("content", ""))
        quoted = quoted or name == "blockquote"
        out: list[_Node] = []
        pending: list[Any] = []
        for c in n.children:
            if c.name in _INLINE_PYRS:
                pending.append(c)
                continue
            if pending:
                out.append(inline(pending, pending[0].srcmap[0], pending[-1].srcmap[1], quoted))
                pending = []
            out.append(conv(c, quoted))
        if pending:
            out.append(inline(pending, pending[0].srcmap[0], pending[-1].srcmap[1], quoted))
        return ("tr" if name == "trow" else name, line_of(n), out, None)

    return conv(root)


def _py_tree(text: str) -> _Node:
    md = _PARSERS.get("py")
    if md is None:
        from markdown_it import MarkdownIt

        md = _PARSERS["py"] = MarkdownIt("commonmark").enable("table")
    from markdown_it.tree import SyntaxTreeNode

    root = SyntaxTreeNode(md.parse(text))
    walk = _Inline.walk_py

    def inline_children(n: Any) -> list[Any]:
        out: list[Any] = []
        for c in n.children:
            if c.type == "inline":
                out.extend(c.children)
        return out

    def conv(n: Any, line: int = 0) -> _Node:
        t = n.type
        ln = n.map[0] + 1 if not n.is_root and n.map else line
        if t == "heading":
            return ("heading", ln, inline_children(n), (walk, int(n.tag[1])))
        if t == "paragraph":
            return ("paragraph", ln, inline_children(n), walk)
        if t == "th" or t == "td":
            return ("cell", line, inline_children(n), walk)
        if t in ("html_block", "fence", "code_block"):
            return (t, ln, [], n.content)
        return (t, ln, [conv(c, ln) for c in n.children], None)

    return conv(root, 0)


# --------------------------------------------------------------------------- builder

_TASK = re.compile(r"^\[([ xX])\]\s+")
_WS = re.compile(r"[ \t\u00a0\u3000]+")


def _inline(node: _Node) -> tuple[list[Line], list[str]]:
    """Flatten a paragraph / heading / cell node into lines (and image attachments)."""
    _, line, children, info = node
    walk = info[0] if isinstance(info, tuple) else info
    # fast paths (most headings, cells and paragraphs): the same lines as the walk below
    # gives, without its run bookkeeping
    if walk is _WALK_PYRS and len(children) == 1 and children[0].name == "text":
        return _plain_lines(line, children[0].meta["content"]), []
    if walk is _WALK_PLAIN:
        if "\n" not in children:
            return _plain_lines(line, children), []
        out: list[Line] = []
        for i, piece in enumerate(children.split("\n")):
            out += _plain_lines(line + i, piece)
        return out, []
    acc = _Inline(line)
    walk(acc, children)
    return acc.finish(), acc.attachments


_WALK_PYRS = _Inline.walk_pyrs
_WALK_PLAIN = _Inline.walk_plain


def _plain_lines(line: int, text: str) -> list[Line]:
    """The line of one run of unmarked text (none when it is blank), as ``finish`` makes it."""
    if "  " in text or "\t" in text or "\xa0" in text or "\u3000" in text:
        text = _WS.sub(" ", text)
    text = text.strip()
    return [_new(Line, (line, [_new(Span, (text, *_NO_MARKS))], text))] if text else []


def _build_item(node: _Node, ordered: bool) -> Item:
    item = Item(line=node[1], ordered=ordered)
    for child in node[2]:
        name = child[0]
        if name == "paragraph":
            lines, att = _inline(child)
            item.lines.extend(lines)
            item.attachments.extend(att)
        elif name in ("bullet_list", "ordered_list"):
            item.children.extend(_build_item(c, name == "ordered_list") for c in child[2])
        elif name == "blockquote":
            for sub in child[2]:
                if sub[0] == "paragraph":
                    lines, att = _inline(sub)
                    item.lines.extend(lines)
                    item.attachments.extend(att)
        elif name == "html_block":
            item.attachments.extend(_html_images(child[3]))
    if item.lines:
        first = item.lines[0]
        m = _TASK.match(first.spans[0].text) if first.spans and not first.spans[0].code else None
        if m:
            item.checked = m.group(1) != " "
            s0 = first.spans[0]
            rest = s0.text[m.end() :]
            spans = ([s0._replace(text=rest)] if rest else []) + first.spans[1:]
            if spans:
                item.lines[0] = Line.of(first.line, spans)
            else:
                item.lines.pop(0)
    return item


def _cell_text(spans: list[Span]) -> str:
    return "".join(s.text for s in spans).strip()


def _build_table(node: _Node) -> Table:
    table = Table(line=node[1])
    for part in node[2]:
        for tr in part[2]:
            cells = []
            for cell in tr[2]:
                lines, _ = _inline(cell)
                cells.append([s for ln in lines for s in ln.spans])
            if part[0] == "thead":
                table.header = [_cell_text(c) for c in cells]
            else:
                table.rows.append(Row(tr[1], cells))
    return table


def _build(root: _Node, code: list[tuple[int, str]] | None = None) -> Section:
    top = Section(level=0, title="", line=1)
    stack = [top]

    def add_blocks(nodes: list[_Node]) -> None:
        for node in nodes:
            name, line, children, info = node
            sec = stack[-1]
            if name == "heading":
                level = info[1]
                while stack[-1].level >= level:
                    stack.pop()
                lines, att = _inline(node)
                spans = [s for ln in lines for s in ln.spans]
                title = " ".join(ln.text for ln in lines)
                new = Section(level=level, title=title, line=line, spans=spans, attachments=att)
                stack[-1].sections.append(new)
                stack.append(new)
            elif name == "paragraph":
                lines, att = _inline(node)
                sec.attachments.extend(att)
                if lines:
                    sec.blocks.append(Paragraph(line, lines))
            elif name in ("bullet_list", "ordered_list"):
                ordered = name == "ordered_list"
                sec.blocks.append(
                    ItemList(line, ordered, [_build_item(c, ordered) for c in children])
                )
            elif name == "table":
                sec.blocks.append(_build_table(node))
            elif name == "blockquote":
                add_blocks([c for c in children if c[0] != "heading"])
            elif name == "html_block":
                sec.attachments.extend(_html_images(info))
            elif (name == "fence" or name == "code_block") and code is not None:
                code.append((line, info))
            # hr: ignored

    add_blocks(root[2])
    return top


# --------------------------------------------------------------------------- entry points


def parse_text(text: str, path: str = "<string>", *, _encoding: str = "utf-8") -> Document:
    """Parse Markdown ``text`` (front matter included) into a :class:`Document`.

    ``path`` is only used in error messages and as :attr:`Document.path`.

    >>> parse_text("---\\ntitle: [unclosed\\n---\\n", "bad.md")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    kg.notes.parse.ParseError: bad.md:3: broken front matter YAML: ...
    """
    text = text.lstrip("\ufeff")
    meta, key_lines, body = _split_front_matter(text.replace("\r\n", "\n"), path)
    body = _preprocess(body)
    warnings: list[str] = []
    if backend() == "pyrs":
        try:
            tree = _pyrs_tree(body)
        except BaseException as err:  # a Rust panic arrives as pyo3's PanicException
            if type(err).__name__ != "PanicException":
                raise
            # markdown-it-pyrs 0.4 panics on e.g. an unclosed "[" before an unclosed "`"
            reason = " ".join(str(err).split())[:120]
            warnings.append(
                f"{path}:1: markdown-it-pyrs failed ({reason}); parsed with markdown-it-py"
            )
            tree = _py_tree(body)
    else:
        tree = _py_tree(body)
    code: list[tuple[int, str]] = []
    root = _build(tree, code)

    def pick(*keys: str) -> Any:
        for k in keys:
            if k in meta and meta[k] is not None:
                return meta[k]
        return None

    title = pick("title")
    date = _as_date(pick("date"))
    if date is None and (m := _JEKYLL_DATE.match(Path(path).name)):
        date = m.group(1)
    return Document(
        path=path,
        root=root,
        title=" ".join(str(title).split()) if title is not None else None,
        date=date,
        categories=_as_list(pick("categories", "category"), spaces=True),
        tags=_as_list(pick("tags", "tag"), spaces=True),
        keywords=_as_list(pick("keywords", "keyword")),
        front_matter_lines=key_lines,
        meta=meta,
        code=code,
        encoding=_encoding,
        warnings=warnings,
    )


#: The recursion limit while a note is parsed (see :data:`MAX_NESTING`).
RECURSION_LIMIT = 8000

#: Lists and quotes nested deeper than this are not parsed: the Markdown parser's tree of
#: a line such as ``>>>>…`` 50,000 levels deep overflows the C stack when it is freed.
MAX_NESTING = 1000

_CONTAINERS = re.compile(r"(?:[ \t]*(?:>|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t])))+")


def nesting_depth(text: str) -> tuple[int, int]:
    """About how deeply lists and quotes nest: ``(depth, 1-based line)`` of the deepest line.

    Counts the quote and list markers a line starts with, and its indentation in steps of
    two spaces (an over-estimate, never an under-estimate, of the nesting).

    >>> nesting_depth("- a\\n  - b\\n    - c\\n> > q\\n")
    (3, 3)
    """
    best, where = 0, 1
    for i, line in enumerate(text.split("\n"), 1):
        m = _CONTAINERS.match(line)
        if m is None:
            continue
        run = m.group()
        depth = sum(run.count(c) for c in ">-*+)") + run.count(".") + run.count(" ") // 2
        depth += run.count("\t") * 2
        if depth > best:
            best, where = depth, i
    return best, where


#: Control characters other than tab and line ends: no note means them, and an escape
#: sequence in a label would act on the terminal that prints it.
_NOTE_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def parse_bytes(data: bytes, path: str = "<bytes>") -> Document:
    """Decode (see :func:`decode`) and parse file content; control characters are removed.

    Raises :class:`ParseError` for lists or quotes nested more than :data:`MAX_NESTING`
    levels deep.
    """
    text, encoding = decode(data, path)
    text, removed = _NOTE_CONTROLS.subn("", text)
    depth, line = nesting_depth(text)
    if depth > MAX_NESTING:
        raise ParseError(
            path, line, f"lists or quotes nested about {depth} levels deep (kg reads {MAX_NESTING})"
        )
    limit = sys.getrecursionlimit()
    try:  # the tree is converted recursively: a few thousand levels need a higher limit
        sys.setrecursionlimit(max(limit, RECURSION_LIMIT))
        doc = parse_text(text, path, _encoding=encoding)
    except RecursionError:
        raise ParseError(path, line, f"lists or quotes nested too deeply ({depth} levels)") from None
    finally:
        sys.setrecursionlimit(limit)
    if removed:
        doc.warnings.append(f"{path}:1: {removed} control characters removed (escape codes)")
    return doc


#: Default per-file size limit: a note over this many bytes is read up to the last line
#: that fits (``kg build --max-file-size``). Parsing costs memory in proportion to size.
MAX_FILE_BYTES = 4 * 1024 * 1024


def parse_file(
    path: str | os.PathLike[str],
    display_path: str | None = None,
    *,
    max_bytes: int | None = MAX_FILE_BYTES,
) -> Document:
    """Parse the note at ``path``; errors and :attr:`Document.path` use ``display_path``.

    A pure function of the file's bytes. Raises :class:`ParseError` (one line naming the file
    and line) for binary, undecodable, unreadable or empty files and broken front matter.
    A file over ``max_bytes`` (``None``: no limit) is read up to its last whole line within
    the limit, and :attr:`Document.truncated` says so.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp(), "a.md")
    >>> _ = p.write_text("# A\\n- one\\n- two\\n")
    >>> doc = parse_file(p, "a.md", max_bytes=12)
    >>> doc.truncated, len(doc.root.sections[0].blocks[0].items)
    ('over the size limit (16 bytes > 12): read the first 2 lines only', 1)
    """
    shown = display_path if display_path is not None else Path(path).as_posix()
    truncated = None
    try:
        with open(path, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if max_bytes is not None and size > max_bytes:
                data = fh.read(max_bytes)
                data = data[: data.rfind(b"\n") + 1]
                lines = data.count(b"\n")
                truncated = (
                    f"over the size limit ({size} bytes > {max_bytes}): "
                    f"read the first {lines} lines only"
                )
            else:
                data = fh.read()
    except OSError as err:
        raise ParseError(shown, 0, f"cannot read file: {err.strerror or err}") from None
    if not data.strip():
        reason = "empty file" if not data else "empty file (only white space)"
        if truncated:
            reason = f"{truncated}, and no whole line fits"
        raise ParseError(shown, 0, reason)
    doc = parse_bytes(data, shown)
    doc.truncated = truncated
    return doc
