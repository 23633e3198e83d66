"""Recognise a paper in one or two lines of a note, in any of the common citation styles.

:func:`recognize` looks at a line (and the line after it) and returns a :class:`PaperHit`
when the text is a paper reference written in one of these styles:

* ``[CVPR 2019] Title`` (also ``[NIPS 2018 Bengio]``, ``[CVPR 2019 oral]``, a
  ``([paper](..) [code](..))`` group or ``(RECOMMENDED!)`` before the title);
* ``**Title.** ICLR 2017. [paper](..)`` and ``__Title.__ _Authors_. __CVPR__, 2017``;
* ``CVPR 2019: Title`` and ``(NeurIPS 2018) Title`` (a known venue before the title);
* ``[4] Authors. "Title" ICLR 2017.`` (a numbered reference with a quoted title);
* ``[Title](arxiv / openreview / proceedings url)``, possibly followed by a line
  ``CVPR 2019 *2019-06-29* [paper](..)`` that carries the venue;
* ``Title (ICCV2019)``, ``Title [CVPR 2019]``, ``Title, NeurIPS 2019``, and citations
  ``Title. A. Author, B. Author. CVPR 2016.`` / ``Title. In CVPR, 2016.``;
* a title line followed by an author line ``A. Author, B. Author -- NIPS 2017``;
* ``Title [paper](url) [code](url)`` (a title with a paper link).

Lone ``[paper](url)`` / ``[code](url)`` links are never titles.

Example
-------
>>> from kg.notes.parse import Line, Span
>>> hit = recognize([Line.of(3, [Span("Pruning from Scratch (AAAI2020)")])])
>>> hit.title, hit.venue.name, hit.venue.year, hit.consumed
('Pruning from Scratch', 'AAAI', 2020, 1)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from kg.notes.parse import Line, Span, find_ids
from kg.notes.venues import (
    Venue,
    arxiv_year,
    find_year,
    normalize_venue,
    plausible_year,
)

__all__ = [
    "PaperHit",
    "recognize",
    "is_generic_link",
    "is_paper_url",
    "clean_title",
    "title_like",
    "split_authors",
    "author_venue_line",
    "is_citation",
    "is_caption",
    "sentence_like",
]


@dataclass
class PaperHit:
    """A recognised paper: title, venue, links, authors and how many lines it used."""

    title: str
    line: int
    venue: Venue | None = None
    year: int | None = None
    url: str | None = None
    ids: dict[str, str] = field(default_factory=dict)
    authors: list[str] = field(default_factory=list)
    consumed: int = 1
    style: str = ""


_GENERIC_LINK = re.compile(
    r"^(?:paper|papers|pdf|code|codes|project|project page|homepage|page|link|links|arxiv|arvix|"
    r"openreview|github|official|video|slides?|blog|demo|data|dataset|poster|supp|"
    r"supplementary|bib|bibtex|doi|html|abs|website|web|here|jump here|source|repo|"
    r"tensorflow|pytorch|keras|caffe|mxnet|jax|paddle|torch|model|models|notes?|"
    r"papers with code|paperswithcode|youtube|youtube overview|talk|tweet|twitter|"
    r"中文|论文|代码|解读|笔记|原文|链接|项目|主页)$",
    re.I,
)

#: parts of the host name of sites that serve papers
PAPER_HOSTS: tuple[str, ...] = (
    "arxiv.org", "openreview.net", "doi.org", "papers.nips.cc", "proceedings.", "neurips.cc",
    "nips.cc", "aclweb.org", "aclanthology", "thecvf.com", "ieeexplore", "dl.acm.org",
    "springer", "sciencedirect", "semanticscholar", "researchgate", "aaai.org", "ijcai.org",
    "mlr.press", "jmlr.org", "ecva.net", "bmva", "nature.com", "science.org", "biorxiv",
    "ssrn", "papers.", "openaccess.",
)  # fmt: skip


@lru_cache(maxsize=4096)
def is_generic_link(text: str) -> bool:
    """Link text that names a resource, not a paper (``paper``, ``code``, ``pdf``...).

    >>> is_generic_link("Paper"), is_generic_link("Graph Attention Networks")
    (True, False)
    """
    return bool(_GENERIC_LINK.match(text.strip(" *_[]()|:-").strip()))


@lru_cache(maxsize=8192)
def is_paper_url(url: str | None) -> bool:
    """A link to a paper page: arXiv, OpenReview, DOI, a proceedings site or a PDF.

    >>> is_paper_url("http://cn.arxiv.org/abs/1905.10324"), is_paper_url("https://github.com/x/y")
    (True, False)
    """
    if not url or url.startswith("wiki:"):
        return False  # a [[wikilink]] names a note, not a paper page
    u = url.lower()
    rest = u.split("//", 1)[-1]
    host, _, path = rest.partition("/")
    if any(h in host for h in PAPER_HOSTS):
        return True
    path = path.split("?", 1)[0].split("#", 1)[0]
    return path.endswith(".pdf") or "/doi/" in u or "paperswithcode.com/paper" in u


_TRAIL_CHARS = " \t\u3000.,;:：，。;、-–—|"
_LEAD_CHARS = _TRAIL_CHARS + ">*•·"
_DECORATED = re.compile(r"[(\[（\"'“”‘’`*_]")
_FOOTNOTE = re.compile(r"^\[\^[^\]]*\]:?\s*")
_EMPTY_GROUP = re.compile(r"[(（\[]\s*[|/,;]*\s*[)）\]]")
_SHOUT = re.compile(r"^\(\s*[A-Z][A-Z !]{3,}\s*\)\s*|\s*\(\s*[A-Z][A-Z !]{3,}\s*\)$")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# "This post is based on our paper: Title", "This work appeared in the paper: Title"
_LEAD_IN = re.compile(
    r"^[*_]*(?:this|the|our)\s(?:[\w'’-]+\s){0,8}?(?:our|the|this|a)\s(?:\w+\s)?paper\s*[:：]\s+(?=\S)",
    re.I,
)

# "Title, C. Häne, S. Tulsiani" cut at the first initial's dot leaves "Title, C"
_INITIAL_TAIL = re.compile(r"(?<=[a-z0-9)]),\s+[A-Z]$")


def clean_title(text: str) -> str:
    """Strip decorations around a title: quotes, trailing dots, empty link groups, shouting.

    >>> clean_title("( ) (RECOMMENDED!) A Closer Look At Few-shot Classification.")
    'A Closer Look At Few-shot Classification'
    >>> clean_title('"Attention Is All You Need,"')
    'Attention Is All You Need'
    >>> clean_title("This post is based on our paper: Revisiting Some Common Practices in MARL")
    'Revisiting Some Common Practices in MARL'
    >>> clean_title("Hierarchical Surface Prediction for 3D Object Reconstruction, C")  # "C. Häne"
    'Hierarchical Surface Prediction for 3D Object Reconstruction'
    """
    t = _INITIAL_TAIL.sub("", _LEAD_IN.sub("", " ".join(text.split()), count=1))
    if not _DECORATED.search(t):
        return t.rstrip(_TRAIL_CHARS).lstrip(_LEAD_CHARS)
    t = _FOOTNOTE.sub("", t)
    for _ in range(3):
        before = t
        t = _EMPTY_GROUP.sub(" ", t)
        t = " ".join(t.split())
        t = _SHOUT.sub("", t)
        t = t.rstrip(_TRAIL_CHARS).lstrip(_LEAD_CHARS)
        t = t.strip("\"'“”‘’`*_ ")
        if t == before:
            break
    return t


_WORD = re.compile(r"[A-Za-z0-9][\w\-']*")


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def title_like(text: str, *, min_words: int = 2, max_words: int = 30, cjk: bool = False) -> bool:
    """Could ``text`` be a paper title? (Latin words, no sentence punctuation, not too long.)

    ``cjk=True`` also accepts a short Chinese/Japanese title (2 to 30 CJK characters); use it
    where a venue or link already says the text is a paper.

    >>> title_like("Lottery Ticket Hypothesis"), title_like("修剪 resnet50，而不影响可解释性；")
    (True, False)
    >>> title_like("原型网络"), title_like("原型网络", cjk=True)
    (False, True)
    """
    if not text or "。" in text or "，" in text or "；" in text or "？" in text:
        return False
    n_cjk = len(_CJK.findall(text))
    if cjk and 2 <= n_cjk <= 30:
        return True
    if n_cjk > 6:
        return False
    n = len(_words(text))
    return min_words <= n <= max_words


_INITIALS_ONLY = re.compile(r"^(?:[A-Z]\.?\s?-?){1,3}$")


def split_authors(text: str) -> list[str]:
    """Split an author list on commas, semicolons and ``and``.

    >>> split_authors("Thomas N. Kipf, Max Welling.")
    ['Thomas N. Kipf', 'Max Welling']
    >>> split_authors("Alessandro Sperduti and Antonina Starita")
    ['Alessandro Sperduti', 'Antonina Starita']
    >>> split_authors("Schulman, J., Abbeel, P. and Chen, X.")
    ['Schulman, J.', 'Abbeel, P.', 'Chen, X.']
    """
    text = text.strip().strip("*_").strip()
    text = re.sub(r"\bet\s+al\.?", "", text)
    parts = [p.strip(" .") for p in re.split(r"\s*(?:,|;|，|、|\band\b|&)\s*", text) if p.strip(" .")]
    # "Schulman, J., Abbeel, P." -> "Schulman, J.", "Abbeel, P.": surnames and initials in turn
    if len(parts) >= 2 and len(parts) % 2 == 0 and all(_INITIALS_ONLY.match(p) for p in parts[1::2]):
        return [f"{parts[i]}, {parts[i + 1]}." for i in range(0, len(parts), 2)]
    return parts


# --------------------------------------------------------------------------- helpers


def _plain(spans: list[Span]) -> str:
    return "".join(s.text for s in spans)


def _paper_link(spans: list[Span]) -> str | None:
    """The most paper-like URL among the spans (a paper host first, then a 'paper' link)."""
    urls = [s.url for s in spans if s.url]
    for u in urls:
        if is_paper_url(u):
            return u
    for s in spans:
        if s.url and s.text.strip().lower() in ("paper", "pdf", "arxiv", "openreview", "论文"):
            return s.url
    return None


def _title_spans(spans: list[Span]) -> list[Span]:
    """Drop generic links (``[paper](..)``, ``[code](..)``) from a line."""
    return [s for s in spans if not (s.url and is_generic_link(s.text))]


_DATE = re.compile(r"^\s*\*?\s*((?:19|20)\d{2})(?:[-/.]\d{1,2}){0,2}\s*\*?\s*$")


def _slot_venue(text: str) -> tuple[Venue | None, int | None]:
    """Venue and year from a venue slot (the text after a title)."""
    t = text.strip(" .,;:()[]")
    if not t:
        return None, None
    v = normalize_venue(t, slot=True)
    if v is not None:
        return v, v.year if v.year is not None else find_year(t, last=True)
    return None, find_year(t)


def _hit(title: str, line: int, venue: Venue | None, year: int | None, spans, **kw) -> PaperHit:
    url = kw.pop("url", None) or _paper_link(spans)
    ids = find_ids(url) if url else {}
    if year is None and venue is not None:
        year = venue.year
    if not plausible_year(year):
        year = None
    if year is None and "arxiv" in ids:  # 1904.04762 was issued in 2019
        year = arxiv_year(ids["arxiv"])
    return PaperHit(title=title, line=line, venue=venue, year=year, url=url, ids=ids, **kw)


# --------------------------------------------------------------------------- styles

_BRACKET = re.compile(r"^\s*\[([^\[\]]{2,80})\]\s*(.*)$", re.S)
_NUMBER = re.compile(r"^\s*(?:\[\d{1,4}\]|\d{1,4}[.)、]|\[\^[^\]\s]{1,30}\]:?)\s*")


# a short bracketed remark before a title: "[exist code] Title", "[oral] Title"
_REMARK = re.compile(r"^\s*\[[^\[\]]{1,24}\]\s+(?=\S)")
_SHORT_GROUP = re.compile(r"[(（]\s*(?:[A-Z][A-Z !]{3,}|[^()（）]{1,24}?)\s*[)）]")


def _drop_groups(spans: list[Span]) -> list[Span]:
    """Drop leading ``( ... )`` groups that hold links or shouting: ``([paper](..)) Title``."""
    for _ in range(3):
        text = _plain(spans)
        stripped = text.lstrip()
        if not stripped.startswith(("(", "（")):
            break
        depth, end = 0, -1
        for i, ch in enumerate(text):
            if ch in "(（":
                depth += 1
            elif ch in ")）":
                depth -= 1
                if depth == 0:
                    end = i
                    break
        if end < 0:
            break
        out: list[Span] = []
        pos = 0
        has_link = False
        for sp in spans:
            a, b = pos, pos + len(sp.text)
            pos = b
            if b <= end + 1:
                has_link |= bool(sp.url)
                continue
            out.append(sp._replace(text=sp.text[max(0, end + 1 - a) :]) if a <= end else sp)
        inner = text[: end + 1]
        # a link group, a shout, or a short remark such as "(code exist)" before the title
        if not has_link and not _SHORT_GROUP.fullmatch(inner.strip()):
            break
        spans = out
    return spans


def _bracket_prefix(line: Line) -> PaperHit | None:
    """``[CVPR 2019] ([paper](..)) Title``."""
    spans = line.spans
    if not spans or spans[0].url or not spans[0].text.lstrip().startswith("["):
        return None
    m = _BRACKET.match(spans[0].text)
    if not m:
        return None
    inside = m.group(1)
    venue = normalize_venue(inside, slot=True)
    year = venue.year if venue else None
    if venue is None:
        year = find_year(inside)
        if year is None:
            return None
    rest = _drop_groups([Span(m.group(2), *spans[0][1:])] + list(spans[1:]))
    title = clean_title(_REMARK.sub("", _plain(_title_spans(rest)), count=1))
    if not title or not re.search(r"\w", title) or is_generic_link(title):
        return None
    return _hit(title, line.line, venue, year, spans, style="bracket")


_VENUE_PREFIX = re.compile(
    r"^\s*(?:\((?P<p>[^()]{2,40})\)|(?P<v>[^:：|()\[\]]{2,40}?)\s*[:：|])\s*(?P<t>.+)$"
)


# "CVPR 2019", "ICCV'19", "NeurIPS": capitalised, short, usually with a year
_PREFIX_LIKE = re.compile(r"^\s*[A-Za-z][\w&/ .'’-]{0,30}?(?:\s*'?\d{2,4})?\s*$")


def _venue_prefix(line: Line) -> PaperHit | None:
    """``CVPR 2019: Title``, ``ICCV'19 | Title`` or ``(NeurIPS 2018) Title``: a known venue first."""
    raw = line.text
    if not raw.startswith("(") and ":" not in raw and "：" not in raw and "|" not in raw:
        return None
    text = _plain(_title_spans(line.spans))
    m = _VENUE_PREFIX.match(text)
    if not m:
        return None
    prefix = m.group("p") or m.group("v")
    if not _PREFIX_LIKE.match(prefix):
        return None
    venue = normalize_venue(prefix)
    if venue is None:
        return None
    title = clean_title(m.group("t"))
    if not title_like(title, cjk=True):
        return None
    return _hit(title, line.line, venue, venue.year, line.spans, style="venue-prefix")


def _bold_title(lines: list[Line]) -> PaperHit | None:
    """``**Title.** VENUE YEAR. [paper](..)`` / ``__Title.__ _Authors_. __CVPR__, 2017``."""
    line = lines[0]
    spans = list(line.spans)
    if spans and not spans[0].bold and not spans[0].url and _NUMBER.fullmatch(spans[0].text):
        spans = spans[1:]
    if not spans or not spans[0].bold or spans[0].url:
        return None
    raw = spans[0].text.strip()
    if raw.endswith((":", "：")):
        return None  # "**Term:** definition"
    title = clean_title(raw)
    if len(_words(title)) < 2 and len(_CJK.findall(title)) < 4:
        return None
    rest = spans[1:]
    authors: list[str] = []
    slot_parts: list[str] = []
    for s in rest:
        if s.url:
            break
        if s.italic and not s.bold and _NAMES.match(s.text.strip(" .,;")):
            authors.extend(split_authors(s.text))
        else:
            slot_parts.append(s.text)
    slot = " ".join("".join(slot_parts).split())
    if slot.startswith(":") or slot.startswith("："):
        return None  # "**Term**: definition"
    # the venue follows the title closely; a year deep in the sentence after a bold lead-in
    # ("**Best-of-N** — similar to ... (Stiennon et al., 2020)") says nothing
    venue, year = _slot_venue(slot) if len(slot) <= 60 else (None, None)
    consumed = 1
    if len(lines) > 1 and lines[1].spans and all(s.italic for s in lines[1].spans):
        authors = authors or split_authors(lines[1].text)
        consumed = 2
    # a paragraph's bold lead-in is followed by a sentence; a title by a venue, authors or links
    tail = "".join(s.text for s in rest if not s.url and not (s.italic and not s.bold))
    lead_in = len(" ".join(tail.split())) > 60
    links = [s for s in rest if s.url]
    # "**Large data.** [Recent](arxiv..) [work](..) has shown": a word linked in the sentence
    prose_link = bool(links) and not is_generic_link(links[0].text) and 0 < len(
        _words(links[0].text)) <= 2 and not _ID_TITLE.match(links[0].text.strip())  # fmt: skip
    has_link = _paper_link(spans) is not None and not lead_in and not prose_link
    if not (venue or year or has_link or authors):
        # "**Title.**" alone: a title only when it reads as one (3+ words, mostly capitalised)
        words = title.split()
        caps = sum(bool(_CAP_WORD.match(w)) for w in words)
        if lead_in or not (raw.endswith(".") and len(words) >= 3 and caps >= 0.6 * len(words)):
            return None
    return _hit(title, line.line, venue, year, spans, authors=authors, consumed=consumed,
                style="bold")  # fmt: skip


_QUOTED = re.compile(
    r"^(?P<authors>.*?)[.,:]?\s*[\"“](?P<title>[^\"“”]{6,300}?)[,.]?[\"”][.,]?\s*(?P<rest>.*)$"
)


def _quoted_reference(line: Line) -> PaperHit | None:
    """``[4] Authors. "Title" ICLR 2017.``."""
    if '"' not in line.text and "“" not in line.text:
        return None
    text = _plain(_title_spans(line.spans))
    numbered = _NUMBER.match(text)
    body = text[numbered.end() :] if numbered else text
    m = _QUOTED.match(body)
    if not m:
        return None
    title = clean_title(m.group("title"))
    rest = re.sub(
        r"^(?:in\s+)?(?:proc(?:eedings|\.)?\s+(?:of\s+)?(?:the\s+)?)?",
        "",
        m.group("rest").strip(),
        flags=re.I,
    )
    venue = normalize_venue(rest, slot=True) if rest and len(rest) <= 160 else None
    year = venue.year if venue is not None else None
    if venue is None:
        venue, year = _slot_venue(re.split(r"[,(]|\bpp\.|\bvol\.", rest)[0] if rest else "")
    if year is None and rest:
        year = find_year(rest, last=True)
    if not numbered and len(_words(title)) <= 3 and sentence_like(m.group("authors")):
        return None  # a short phrase quoted in running text ("... the fleet, "Fleet Learning" ...")
    if not numbered and venue is None and year is None:
        return None
    if not title_like(title, min_words=2, max_words=40):
        return None
    authors = split_authors(m.group("authors")) if m.group("authors").strip() else []
    return _hit(title, line.line, venue, year, line.spans, authors=authors, style="reference")


def _venue_line(line: Line) -> tuple[Venue | None, int | None] | None:
    """``CVPR 2019 *2019-06-29* [paper](..)`` or ``*2019-06-29*``: the line after a link title."""
    spans = line.spans
    head: list[str] = []
    date_year = None
    for s in spans:
        if s.url:
            break
        if s.italic:
            if (d := _DATE.match(s.text)) and date_year is None:
                date_year = int(d.group(1))
                continue
            break
        head.append(s.text)
    lead = "".join(head).strip(" |")
    if lead:
        v = normalize_venue(lead, slot=True)
        if v is None:
            return None
        return v, v.year or date_year
    if date_year is not None:
        return None, date_year
    return None


def _link_title(lines: list[Line]) -> PaperHit | None:
    """``[Title](paper url)`` (+ optional venue line) as a list item or paragraph line."""
    line = lines[0]
    spans = list(line.spans)
    if spans and not spans[0].url and _NUMBER.fullmatch(spans[0].text):
        spans = spans[1:]
    if not spans or not spans[0].url or is_generic_link(spans[0].text):
        return None
    url = spans[0].url
    # the whole link (possibly several spans with marks) is the title
    k = 0
    while k < len(spans) and spans[k].url == url:
        k += 1
    title = clean_title(_plain(spans[:k]))
    if len(_words(title)) < 2 and len(_CJK.findall(title)) < 4:
        return None
    rest_text = clean_title(_plain(_title_spans(spans[k:])))
    venue, year = _slot_venue(rest_text) if rest_text else (None, None)
    # trailing prose after the link: only a paper when the link is clearly one
    if (
        rest_text
        and venue is None
        and year is None
        and len(rest_text) > 3
        and not is_paper_url(url)
    ):
        return None
    consumed = 1
    if len(lines) > 1 and venue is None:
        vl = _venue_line(lines[1])
        if vl is not None:
            venue, year = vl
            consumed = 2
    # a date line alone does not make a blog post a paper: it also needs a paper link
    dated = consumed == 2 and _paper_link(lines[1].spans) is not None
    if not (is_paper_url(url) or venue is not None or dated):
        return None
    return _hit(title, line.line, venue, year, spans, url=url if is_paper_url(url) else
                (_paper_link(spans[k:]) or url), consumed=consumed, style="link")  # fmt: skip


# matched against the reversed tail of the line, so that they run in linear time
_TRAILING_GROUP = re.compile(r"^\.?\s*[)）\]](?P<venue>[^()（）\[\]]{2,60})[(（\[]")
# "... In CVPR, 2016." (reversed): a venue and year separated by a comma, after "In"
_TRAILING_IN = re.compile(
    r"^\.?(?P<venue>\d{2,4}'?\s*,\s*[^,，.]{2,40}?)\s+(?:nI|ni)\s*(?:[,，.]|$)"
)
_AUTHORS_LIKE = re.compile(
    r"^(?:[A-Z][\w'’.-]*\.?(?:\s+[A-Z][\w'’.-]*\.?){0,3})"
    r"(?:\s*(?:,|\band\b|&)\s*(?:[A-Z][\w'’.-]*\.?(?:\s+[A-Z][\w'’.-]*\.?){0,3}|et al\.?))+$"
)
_TRAILING_SEP = re.compile(r"^\.?(?P<venue>[^,，.]{2,60}?)\s*(?:[,，]|[-–—|]\s|\.)")


# the end of a line that may carry a venue: a year, or a capitalised name such as "TACL"
_TAIL_HINT = re.compile(r"(?:\d|[A-Z][A-Za-z]*[A-Z][A-Za-z]*|[A-Z][a-z]+)\W{0,3}$")


def _last_sentence_venue(line: Line, text: str) -> PaperHit | None:
    """``Title. A. Author. IEEE T PATTERN ANAL 32, 2010``: a known venue as the last sentence."""
    head, sep, tail = text.rpartition(". ")
    if not sep or not head:
        return None
    v = normalize_venue(tail, slot=True) if len(tail) <= 100 else None
    if v is None or v.kind == "unknown":
        return None
    year = v.year or find_year(tail, last=True) or arxiv_year(tail)
    venue = Venue(v.name, year if plausible_year(year) else None, v.workshop, v.kind)
    title = clean_title(head)
    authors: list[str] = []
    start = -1 if _LEAD_AUTHORS.match(title) else title.find(". ")  # "Authors. Title" stays
    while start > 0:
        t, who = title[:start], title[start + 2 :]
        if _words(t) and (_AUTHORS_LIKE.match(who) or _ONE_AUTHOR.match(who)):
            title, authors = clean_title(t), split_authors(who)
            break
        start = title.find(". ", start + 2)
    if not title_like(title, cjk=True) or _AUTHORS_LIKE.match(title):
        return None
    return _hit(title, line.line, venue, venue.year, line.spans, authors=authors,
                style="trailing")  # fmt: skip


def _trailing_venue(line: Line) -> PaperHit | None:
    """``Title (ICCV2019)``, ``Title [CVPR 2019]``, ``Title, NeurIPS 2019``."""
    spans = _title_spans(line.spans)
    text = " ".join(_plain(spans).split())
    text = _NUMBER.sub("", text, count=1) if _NUMBER.match(text) else text
    if not text or not (text[-1] in ")）]" or _TAIL_HINT.search(text[-24:])):
        return None  # no closing bracket, no year and no capitalised name at the end
    rev = text[::-1]
    m = _TRAILING_GROUP.match(rev)
    venue = None
    if m:
        venue = normalize_venue(m.group("venue")[::-1], slot=True)
        if venue is not None and venue.year is None and venue.kind == "unknown":
            venue = None
    if venue is None:
        for rx in (_TRAILING_SEP, _TRAILING_IN):
            m = rx.match(rev)
            if m and (venue := normalize_venue(m.group("venue")[::-1].strip())) is not None:
                break
        if venue is None or m is None:
            return _last_sentence_venue(line, text)
    title = clean_title(text[: len(text) - m.end()])
    # "Title. In Proceedings of the 2019 Conference on ... (EMNLP)": the venue sentence
    if (vm := _VENUE_SENTENCE.search(title)) is not None:
        title, tail = clean_title(title[: vm.start()]), title[vm.start() :]
        if venue.year is None and (y := find_year(tail, last=True)) is not None:
            venue = Venue(venue.name, y, venue.workshop, venue.kind)
    authors: list[str] = []
    # "Title. Kaiming He, Xiangyu Zhang, et al. CVPR 2016": the last sentence names authors
    start = -1 if _LEAD_AUTHORS.match(title) else title.find(". ")
    while start > 0:
        head, tail = title[:start], title[start + 2 :]
        if _words(head) and (_AUTHORS_LIKE.match(tail) or _ONE_AUTHOR.match(tail)):
            title, authors = clean_title(head), split_authors(tail)
            break
        start = title.find(". ", start + 2)
    if not title_like(title, cjk=True) or _AUTHORS_LIKE.match(title) or _ONE_AUTHOR.match(title):
        return None  # "A. Lee, B. Kim -- CVPR 2022" names the authors of the paper above
    return _hit(title, line.line, venue, venue.year, line.spans, authors=authors,
                style="trailing")  # fmt: skip


# italic text that can be an author list: capitalised names, initials, "and", "et al."
_NAMES = re.compile(r"^(?:(?:[A-Z][\w'’.\-]*|and|et|al\.?|de|van|von|der)[\s,;&*†]*)+$")
_VENUE_SENTENCE = re.compile(
    r"[.,]\s+(?:In\s+)?(?:Proc\b|Proceedings|Advances in|IEEE|ACM|International|Journal|Trans\.)"
)
_ONE_AUTHOR = re.compile(r"^(?:[A-Z]\.\s*)+[A-Z][\w'’-]+(?:\s+et\s+al\.?)?$")
_AUTHOR_LINE = re.compile(r"^(?P<authors>.*?)\s*(?:--|—|–|−)\s*(?P<venue>[^-—–]{2,60})$")


def _author_line(lines: list[Line]) -> PaperHit | None:
    """A title line followed by ``Authors -- NIPS 2017``."""
    if len(lines) < 2:
        return None
    second = lines[1].text
    if "--" not in second and "—" not in second and "–" not in second and "−" not in second:
        return None
    m = _AUTHOR_LINE.match(second)
    if not m:
        return None
    venue, year = _slot_venue(m.group("venue"))
    if venue is None:
        return None
    title = clean_title(_plain(_title_spans(lines[0].spans)))
    title = _NUMBER.sub("", title, count=1)
    if not title_like(title):
        return None
    return _hit(title, lines[0].line, venue, year, lines[0].spans + lines[1].spans,
                authors=split_authors(m.group("authors")), consumed=2, style="author-line")  # fmt: skip


def author_venue_line(line: Line) -> tuple[list[str], Venue, int | None] | None:
    """``A. Author, B. Author --CVPR 2022``: a line of authors ending in a venue and year.

    Such a line sits under a paper's title (on the next line or as its sub-item); it names
    the paper's authors and venue and is never a paper itself.

    >>> authors, venue, year = author_venue_line(Line.of(2, [Span("A. Lee, B. Kim --CVPR 2022")]))
    >>> authors, venue.name, year
    (['A. Lee', 'B. Kim'], 'CVPR', 2022)
    >>> author_venue_line(Line.of(2, [Span("Deep Nets -- a review of CVPR 2022")])) is None
    True
    >>> author_venue_line(Line.of(2, [Span("C. Finn, S. Levine. In ICML, 2017.")]))[1:]
    (Venue(name='ICML', year=2017, workshop=False, kind='conference'), 2017)
    """
    text = line.text
    if "--" not in text and "—" not in text and "–" not in text and "−" not in text:
        # "C. Finn, P. Abbeel, S. Levine. In ICML, 2017. ([pdf](..))"
        lead = _LEAD_AUTHORS.match(text + " X")
        rest = _IN_PREFIX.sub("", _plain(_title_spans(line.spans))[lead.end() :]) if lead else ""
        venue = normalize_venue(re.split(r"[(\[]", rest)[0], slot=True) if rest else None
        if venue is None or venue.kind == "unknown":
            return None
        return split_authors(lead.group(0).rstrip(". ")), venue, venue.year
    m = _AUTHOR_LINE.match(text)
    if not m or not _AUTHORS_LIKE.match(m.group("authors").strip(" ,.*_")):
        return None
    venue, year = _slot_venue(m.group("venue"))
    if venue is None:
        return None
    return split_authors(m.group("authors")), venue, year


def _paper_link_title(line: Line) -> PaperHit | None:
    """``Title [paper](url) [code](url)``: a title-like text with a generic paper link."""
    spans = line.spans
    if not any(s.url and is_generic_link(s.text) for s in spans):
        return None
    url = _paper_link(spans)
    if url is None:
        return None
    first = next(i for i, s in enumerate(spans) if s.url and is_generic_link(s.text))
    after = _plain([s for s in spans[first:] if not (s.url and is_generic_link(s.text))])
    if len(after.strip(" |/,;:()[]-–—·")) > 3:
        return None  # "as we show in our [paper](..) (Sec 5.2), this": a sentence around it
    title = clean_title(_plain(_title_spans(spans[:first])).rstrip(" [(（【|"))
    title = _NUMBER.sub("", title, count=1)
    if not title_like(title, min_words=3) or sentence_like(title):
        return None
    return _hit(title, line.line, None, None, spans, url=url, style="paper-link")


_ASCII_LETTER = re.compile(r"[A-Za-z]{2}")
# an identifier standing where a title would ("arXiv:1606.01885, 2016")
_ID_TITLE = re.compile(r"^(?:arxiv\s*:?\s*)?\d{4}\.\d{4,5}|^(?:doi\s*:?\s*)?10\.\d{4,9}/", re.I)

_SURNAME = r"(?:[A-Z][\w'’-]+|van|von|de|der|da|di|le|la)"
# "Gupta et al. (2018)", "Luong, et al., 2015", "Kipf and Welling (2017)", "(He et al., 2016)"
_CITATION = re.compile(
    rf"^[(\[]?\s*{_SURNAME}(?:\s+{_SURNAME}){{0,2}}"
    rf"(?:,?\s+et\.?\s+al\.?|\s+(?:and|&)\s+{_SURNAME}(?:\s+{_SURNAME}){{0,2}})?"
    r",?\s*[(\[]?\s*(?:19|20)\d{2}[a-z]?\s*[)\]]?[)\]]?\.?$"
)


_CITATION_NO_YEAR = re.compile(rf"^{_SURNAME}(?:\s+{_SURNAME})?,?\s+et\.?\s+al\.?$")


def is_citation(text: str) -> bool:
    """An in-text citation (``Gupta et al. (2018)``, ``Luong, et al., 2015``), not a title.

    >>> is_citation("Gupta et al. (2018)"), is_citation("Luong, et al., 2015")
    (True, True)
    >>> is_citation("Kipf and Welling (2017)"), is_citation("Attention Is All You Need")
    (True, False)
    """
    t = " ".join(text.split()).strip(" *_")
    return bool(_CITATION.match(t) or _CITATION_NO_YEAR.match(t))


# figure and table captions, and blog notices such as "[Updated on 2019-04-18: ...]"
_CAPTION = re.compile(
    r"^\W*(?:fig(?:ure)?|table|tab|algorithm|alg|eq(?:uation)?|listing|video|image|"
    r"图|表|算法)\.?\s*\d+(?:\.\d+)*\s*[.:：|)\-]"
    r"|^\W*(?:last\s+)?(?:updated?|edit(?:ed)?|note|news|ps|p\.s|disclaimer|tl;?dr)\b\s*"
    r"(?:on\b|:|：|\d|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b)"
    r"|^\W*(?:19|20)\d{2}[-/.]\d{1,2}[-/.]\d{1,2}\b",
    re.I,
)


# prose words: lower-case pronouns, auxiliaries and determiners that titles rarely use
_PROSE = re.compile(
    r"\b(?:is|are|was|were|been|being|we|you|your|our|they|their|it|its|this|these|those|"
    r"there|here|can|could|will|would|should|must|may|might|does|did|don't|doesn't|didn't|"
    r"isn't|aren't|won't|can't|i|my|me|us|them|he|she|very|so|just|now|then|also|because|"
    r"which|who|when|while|where|if|than|like|already|really|usually|rarely|often)\b"
)
_NEXT_SENTENCE = re.compile(r"[.;]\s+[A-Z][a-z]*\s+[a-z]\w*\s+\w+")
_CAP_WORD = re.compile(r"^[A-Z0-9]")
# a citation inside the text: "(Wu et al., 2025)", "(Kipf and Welling, 2017)"
_INLINE_CITE = re.compile(r"[(\[]\s*[A-Z][\w'’-]+(?: et al\.?| and [A-Z][\w'’-]+)?,? \d{4}[a-z]?[)\];]")


def sentence_like(text: str) -> bool:
    """Reads as prose rather than a title: lower-case prose words in a sentence-case line of
    several words, or more than one sentence.

    >>> sentence_like("K-Nearest Neighbors is rarely used on images")
    True
    >>> sentence_like("Attention Is All You Need"), sentence_like("Deep Sets for graph matching")
    (False, False)
    >>> sentence_like("Batch norm works. It also helps training")
    True
    """
    t = " ".join(text.split())
    if _NEXT_SENTENCE.search(t) or _INLINE_CITE.search(t):
        return True
    words = t.split()
    if len(words) < 4:
        return False
    capital = sum(bool(_CAP_WORD.match(w)) for w in words)
    prose = len(_PROSE.findall(t))
    long_lower = len(words) > 18 and capital < 0.5 * len(words)  # titles are rarely this long
    return prose >= 1 and capital < 0.5 * len(words) or prose >= 3 or long_lower


def is_caption(text: str) -> bool:
    """A figure / table caption or a dated notice, never a paper title.

    >>> is_caption("Figure 3. Results on graph tasks"), is_caption("[Updated on 2019-04-18: more]")
    (True, True)
    >>> is_caption("Tables Are All You Need: a study")
    False
    """
    return bool(_CAPTION.match(" ".join(text.split())))


# a prose fragment starts with a lower-case word ("phase retrieval", "that investigates ...");
# "iCaRL", "word2vec" and "k-means" do not count
_LOWER_START = re.compile(r"^(?:[a-z]+(?:\s|$|[,.;:])|[)\]）】]|\((?:[Ss]ec|[Ff]ig|[Ss]ee|e\.g)\b)")
# "our paper", "In this paper", "the full paper", "Paper link": the post's own paper, unnamed
_SELF_REF = re.compile(
    r"^(?:(?:in|see|check\s+out)\s+)?(?:(?:our|this|the|that|my|their|a|an)\s+(?:\w+\s+){0,2}?)?"
    r"(?:paper|work|preprint|article|report|publication|manuscript)s?"
    r"(?:\s+(?:link|here|page))?(?:\s*[,.]|$)",
    re.I,
)
# an initial ("A.") or a contribution mark ("Tian*") says a name list is authors
_AUTHOR_MARK = re.compile(r"\b[A-Z]\.(?:\s|$)|\w[*†]")
_CALL_TO_ACTION = re.compile(
    r"^(?:(?:learn|read|see|find|check|click)\s+(?:more|here|out|this)|more\s+(?:info|details)|"
    r"(?:full\s+)?(?:paper|code|project)\s+(?:here|available))\b",
    re.I,
)
# link texts that name teaching or media material, not a paper ("Stanford Lecture Notes")
_RESOURCE = re.compile(
    r"\b(?:lecture|lectures|lecture notes|slides|course|tutorial|video|talk|blog post|podcast|"
    r"overview|cheat ?sheet|github)\s*$",
    re.I,
)
# "[Technical description of SAC](arxiv..)": a link that describes the paper, not its title
_DESCRIBES = re.compile(
    r"^(?:(?:a|the|our|more)\s+)?(?:technical\s+|full\s+|detailed\s+)?"
    r"(?:description|details|explanation|write-?up|report|summary|overview)\s+(?:of|on)\s", re.I
)
_IN_PREFIX = re.compile(r"^\s*(?:in|at|to appear in|published in)\s+", re.I)
_LOOSE_STYLES = frozenset({"link", "trailing", "paper-link", "author-line", ""})
_INITIALS = r"(?:[A-Z]\.\s?-?){1,3}"
_NAME = (
    rf"(?:{_INITIALS}\s*[A-Z][\w'’\-]+(?:\s+[A-Z][\w'’\-]+)?\*?"  # A. B. Surname
    rf"|[A-Z][\w'’\-]+,\s+{_INITIALS}\*?"  # Surname, A. B.
    r"|[A-Z][a-z][\w'’\-]+\s+[A-Z][\w'’\-]+\*?)"  # Given Surname
)
_NAME_SEP = r"(?:\s*,?\s*(?:and|&)\s+|\s*,\s*)"
# "A. Graves, M. G. Bellemare, and R. Munos. Title", "Nachum, O., Norouzi, M. and Xu, K. Title",
# "He et al. Title": an author list (two names or more, or et al.) and a period before the title
_LEAD_AUTHORS = re.compile(
    rf"^(?:{_NAME}(?:{_NAME_SEP}{_NAME})+(?:,?\s+et\.?\s+al\.?)?"
    rf"|{_INITIALS}\s*[A-Z][\w'’\-]+"  # one author "A. B. Author."
    rf"|(?:[A-Z][\w'’\-]+\*?,\s*)*[A-Z][\w'’\-]+\*?(?:\s+[A-Z][\w'’\-]+)?,?\s+et\.?\s+al\.?)"
    r"\s*\.?(?:(?<=\.),)?(?<=[.,])\s+(?=[A-Z0-9\"“])"  # "..., and Hadsell, R., Title" too
)
# 'Raghu, Maithra, et al. "Title."': an author list, then the title in quotes
_AUTHORS_QUOTED = re.compile(r"^(?P<authors>[^\"“”]{3,300}?)[\s,.:]*[\"“](?P<title>[^\"“”]{8,400})[\"”]?")
# links to video sites are talks and lectures, not papers
_VIDEO_URL = re.compile(r"^https?://(?:[\w-]+\.)*(?:youtube\.com|youtu\.be|vimeo\.com|bilibili\.com)/", re.I)
# Chinese sentence punctuation: a description, not a title
_CJK_SENTENCE = re.compile(r"[，；。]")
# an event named in the entry: "VisDA-2019" on the venue line of a "... Challenge 2019" paper
_EVENT_WORD = re.compile(r"\b(?:challenge|competition|leaderboard|contest|shared task)\b", re.I)
_ARXIV_VENUE = re.compile(r"\barxiv\s*(?:preprint|e-?prints?|:\s*\d{4}\.\d)|\bCoRR\b", re.I)
_ARXIV = Venue("arXiv", None, False, "preprint")
_ARXIV_IN_TEXT = re.compile(r"\barxiv\s*:\s*(\d{4}\.\d{4,5})", re.I)
# "AI 2015 2015": a venue line (an unknown acronym and years) left without its title
_SLOT_ONLY = re.compile(r"^[A-Za-z][\w&.\-]{0,12}(?:\s+(?:19|20)\d{2}(?:[-/.]\d{1,2}){0,2}){1,2}$")
_URLISH = re.compile(r"^(?:https?://|www\.)\S*(?:[\s,]+(?:https?://|www\.)\S*)*$", re.I)


def recognize(lines: list[Line]) -> PaperHit | None:
    """Recognise a paper starting at ``lines[0]`` (``lines[1]`` may hold its venue/authors).

    >>> from kg.notes.parse import parse_text
    >>> item = parse_text("- [ICLR 2019] ([paper](https://arxiv.org/pdf/1904.04232)) "
    ...                   "A Closer Look At Few-shot Classification").root.blocks[0].items[0]
    >>> hit = recognize(item.lines)
    >>> hit.title, hit.venue.name, hit.year, hit.ids
    ('A Closer Look At Few-shot Classification', 'ICLR', 2019, {'arxiv': '1904.04232'})
    """
    if not lines or not lines[0].spans:
        return None
    first = lines[0]
    if not any(s.url for s in first.spans) and not _ASCII_LETTER.search(first.text):
        return None  # every style needs a Latin title, venue or link
    hit = (
        _bracket_prefix(first)
        or _venue_prefix(first)
        or _bold_title(lines)
        or _link_title(lines)
        or _quoted_reference(first)
        or _trailing_venue(first)
        or _author_line(lines)
        or _paper_link_title(first)
    )
    if hit is None or _URLISH.match(hit.title) or _ID_TITLE.match(hit.title) or _SLOT_ONLY.match(
        hit.title
    ):  # fmt: skip
        return None  # a bare address is no title
    if normalize_venue(hit.title) is not None:  # "37th Conference on Neural Information ..."
        return None  # nor is a venue name
    if is_citation(hit.title) or is_caption(hit.title) or is_caption(first.text):
        return None  # nor a citation, a caption or a notice
    if hit.style in ("trailing", "author-line", "paper-link") and _AUTHORS_LIKE.match(hit.title):
        return None  # nor an author list
    in_prose = len(first.text) > len(hit.title) + 24  # the link sits in a running sentence
    if in_prose and hit.style == "link" and hit.venue is None and len(_words(hit.title)) <= 3:
        return None  # a term linked in running text ("[Importance sampling](..pdf): we ...")
    if sentence_like(hit.title) and hit.venue is None and (in_prose or not is_paper_url(hit.url)):
        return None  # nor a sentence (in running text, or with nothing to say "paper")
    if hit.style in _LOOSE_STYLES | {"reference"} and _LOWER_START.match(hit.title):
        return None  # nor words quoted or linked in running text ("[phase retrieval](arxiv..)")
    if hit.style in _LOOSE_STYLES and (
        _SELF_REF.match(hit.title) or _CALL_TO_ACTION.match(hit.title) or _DESCRIBES.match(hit.title)
        or (_RESOURCE.search(hit.title) and len(_words(hit.title)) <= 5)
        or (_AUTHOR_MARK.search(hit.title)
            and _AUTHORS_LIKE.match(hit.title.replace("*", "").replace("†", "")))
    ):  # fmt: skip
        return None  # nor an unnamed "[our paper](..)" or an author list
    urls = [s.url for s in first.spans if s.url and not s.url.startswith("#")]
    if urls and all(_VIDEO_URL.match(u) for u in urls):
        return None  # nor a talk or a lecture on a video site
    if _CJK_SENTENCE.search(hit.title):
        return None  # nor a description written in Chinese
    if in_prose and hit.style == "link" and hit.venue is None and len(_words(hit.title)) <= 5:
        after = first.text.split(hit.title, 1)[-1]
        if re.match(r"\s*(?:\[[^\]]*\])?\s*\(\s*[A-Z][A-Za-z0-9-]*[A-Z][A-Za-z0-9-]*\s*\)", after):
            return None  # nor a method named in prose, linked to its paper: "[Name][12] (SGLD)"
    if (quoted := _AUTHORS_QUOTED.match(hit.title)) is not None:
        authors = quoted.group("authors")
        names = re.sub(r",?\s+and\s+", ", ", authors.strip(" ,."))
        if re.search(r"\bet\.?\s+al\b", authors) or _AUTHORS_LIKE.match(names):
            title = clean_title(quoted.group("title"))
            if title_like(title, min_words=2):
                hit.authors = hit.authors or split_authors(authors.strip(" ,."))
                hit.title = title
    if (lead := _LEAD_AUTHORS.match(hit.title)) is not None:
        rest = clean_title(hit.title[lead.end() :])
        if title_like(rest, min_words=2) and not _LEAD_AUTHORS.match(rest):
            hit.authors = hit.authors or split_authors(lead.group(0).rstrip(". "))
            hit.title = rest
    if normalize_venue(_IN_PREFIX.sub("", hit.title)) is not None and len(hit.title) <= 40:
        return None  # nor a venue line ("C. Finn, P. Abbeel. In ICML, 2017")
    rest = " ".join(ln.text for ln in lines[: hit.consumed]).replace(hit.title, " ")
    if hit.venue is not None and hit.venue.kind == "unknown" and (
        hit.venue.name.casefold() in hit.title.casefold()
        or _EVENT_WORD.search(hit.title)
        or any(s.url and _EVENT_WORD.search(s.url) for ln in lines[: hit.consumed] for s in ln.spans)
    ):  # fmt: skip
        hit.venue = None  # a challenge or data set the paper is about, not where it appeared
    if "arxiv" not in hit.ids and (aid := _ARXIV_IN_TEXT.search(rest)):
        hit.ids["arxiv"] = aid.group(1)  # "arXiv:1907.05511" written out, not linked
        if hit.year is None and plausible_year(y := arxiv_year(aid.group(1))):
            hit.year = y
    if hit.venue is None and _ARXIV_VENUE.search(rest):  # "arXiv preprint arXiv:1904.04762"
        hit.venue = _ARXIV
        if hit.year is None:
            year = find_year(rest, last=True) or arxiv_year(rest)
            hit.year = year if plausible_year(year) else None
    return hit
