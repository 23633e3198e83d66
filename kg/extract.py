"""Extract typed entity mentions (topics, methods, papers, venues) from a parsed note.

:func:`extract` is a pure function of a :class:`kg.parse.Document`; :func:`extract_file`
parses and extracts one file and never raises for bad input (it returns
:class:`kg.records.Skipped` with a one-line reason instead), so it can run in a process pool.

What becomes what (Chinese and English alike):

* **topic** — a heading, with numbering removed (``# 1 综述``, ``## 6.1 INT``) and link
  markup dropped (``## [Basic Models](#content)``); its parent is the enclosing heading's
  topic. Front-matter categories, tags and keywords that are not venues are topics too
  (``origin="front_matter"``). Headings in :data:`GENERIC_HEADINGS` (contents, references,
  introduction, 目录, 参考文献, 未来展望, ...) are not topics: their content hangs under the
  enclosing topic. A heading that is a year (``### 2019``) or a venue (``## CVPR 2019``) is
  not a topic either; it supplies the year / venue of the papers below it.
* **paper** — a list item, paragraph line or table row recognised by :mod:`kg.papers`; in a
  list that already holds recognised papers, a bare title-like sibling (``Lottery Ticket
  Hypothesis``) is a paper too. A table with a title column (and optionally venue, year and
  author columns) gives one paper per row.
* **method** — a list item that groups entities (has child items that are papers or
  methods), or a short technique name: a list item of a few words with no sentence
  punctuation, no venue and no link.
* **venue** — a front-matter category such as ``VALSE2020`` (``label="VALSE"``,
  ``year=2020``). Paper venues are carried on the paper mention (``venue``, ``year``,
  ``workshop``).
* **notes** — any other text (commentary lines, sub-bullets under a paper, paragraphs under
  a heading) goes into the ``notes`` of the entity it hangs under; italic author lines are
  ``authors``. Images are ``attachments`` of the section's or item's entity.

Example
-------
>>> from kg.parse import parse_text
>>> ex = extract(parse_text("# 模型压缩\\n1. Data-free Compression\\n"
...                         "   - Data-free Learning of Student Networks (ICCV2019)\\n"
...                         "     - GAN 生成训练样本\\n", "a.md"))
>>> [(m.key, m.type, m.label, m.parent) for m in ex.mentions]
[(0, 'topic', '模型压缩', None), (1, 'method', 'Data-free Compression', 0), (2, 'paper', 'Data-free Learning of Student Networks', 1)]
>>> ex.mentions[2].venue, ex.mentions[2].year, ex.mentions[2].notes
('ICCV', 2019, ['GAN 生成训练样本'])
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from kg.papers import (
    PaperHit,
    clean_title,
    is_generic_link,
    recognize,
    split_authors,
    title_like,
)
from kg.parse import (
    MAX_FILE_BYTES,
    Document,
    Item,
    ItemList,
    Line,
    Paragraph,
    ParseError,
    Section,
    Table,
)
from kg.parse import parse_file as _parse_file
from kg.records import Extraction, Mention, Post, Skipped
from kg.venues import Venue, normalize_venue

__all__ = [
    "extract",
    "extract_file",
    "GENERIC_HEADINGS",
    "clean_heading",
    "is_method_name",
]

#: Headings that structure a document but name no research topic (compared case-folded,
#: after numbering is removed). Their content still counts: it hangs under the enclosing
#: topic. ``未来展望`` ("outlook") is here on purpose: an outlook section is about the post's
#: topic, and a node "outlook" would link unrelated posts.
GENERIC_HEADINGS: frozenset[str] = frozenset(
    {
        # contents and references
        "contents", "content", "table of contents", "toc", "index", "目录", "索引",
        "references", "reference", "bibliography", "citation", "citations", "cite",
        "参考", "参考文献", "参考资料", "参考链接", "引用", "相关链接", "链接", "links", "link",
        "further reading", "see also", "related work", "related works",
        # project housekeeping
        "contributors", "main contributors", "contributing", "contribution", "contributions",
        "acknowledgement", "acknowledgements", "acknowledgment", "acknowledgments", "致谢",
        "license", "许可", "changelog", "change log", "更新日志", "更新", "updates", "update",
        "news", "新闻", "todo", "to do", "faq", "how to recommend a paper", "usage",
        "installation", "install", "安装", "使用",
        # document structure
        "introduction", "intro", "引言", "简介", "介绍", "前言", "背景", "background",
        "overview", "概述", "综述", "survey", "surveys", "summary", "总结", "小结",
        "conclusion", "conclusions", "结论", "discussion", "讨论", "appendix", "附录",
        "others", "other", "misc", "miscellaneous", "其他", "其它", "杂项",
        "resources", "resource", "资源", "相关资源", "papers", "paper", "论文",
        "code", "codes", "代码", "notes", "note", "笔记", "备注", "tips", "说明",
        "未来展望", "展望", "outlook", "future work", "future directions",
        # parts of an explanation rather than research topics
        "术语", "terminology", "glossary", "基本概念", "概念", "concepts", "basic concepts",
        "定义", "definition", "definitions", "思考", "thoughts", "实验", "实验结果",
        "experiments", "results", "结果", "方案", "方法", "method", "methods", "approach",
        "原理", "流程", "步骤", "示例", "例子", "example", "examples", "demo", "演示",
        "数据集", "datasets", "dataset", "报告", "研究员", "researchers", "people", "榜单",
        "leaderboard", "比赛", "competitions", "技术", "产品", "应用", "applications", "时间",
        "基础", "basics", "理论", "theory", "第一篇", "第二篇", "正文", "abstract", "摘要",
        "推荐资料", "资料", "思路", "一句话总结", "一句话总结文章", "贡献",
        "比赛信息", "q&a", "qa", "代码示例", "通用", "general", "其他资料", "学习资料",
    }
)  # fmt: skip
_GENERIC_WORDS = GENERIC_HEADINGS

_HEADING_NUM = re.compile(
    r"^(?:\d+(?:\.\d+)*\.?\s+"  # 1 / 6.1 / 1.
    r"|第[一二三四五六七八九十百零\d]+[章节部分篇][、.．:：\s]*"  # 第2章
    r"|[一二三四五六七八九十百零\d]+[、.．:：)）]\s*"  # 一、 2)
    r"|[(（][一二三四五六七八九十百零\d]+[)）]\s*"  # （一）
    r"|[IVX]+\.\s+|[(（]\d+[)）]\s*|[①-⑳]\s*)"
)
_ITEM_NUM = re.compile(r"^(?:\d{1,3}[)）.、]|[(（]\d{1,3}[)）]|[①-⑳])\s*")
_LETTER_NUM = re.compile(r"^[A-Z](?:[.、．)）]\s*|\s+(?=[\u3400-\u9fff]))")
_YEAR_HEADING = re.compile(r"^((?:19|20)\d{2})\s*年?$")


def clean_heading(text: str) -> str:
    """Remove numbering and decoration from a heading's text.

    >>> clean_heading("1 综述"), clean_heading("6.1 INT"), clean_heading("Basic Models")
    ('综述', 'INT', 'Basic Models')
    >>> clean_heading("一、元学习"), clean_heading("3D Vision"), clean_heading("A 参考资料")
    ('元学习', '3D Vision', '参考资料')
    """
    t = " ".join(text.split()).strip(" :：#*_")
    t2 = _LETTER_NUM.sub("", _HEADING_NUM.sub("", t, count=1), count=1).strip(" :：.")
    return t2 or t


def _generic(label: str) -> bool:
    return label.casefold() in _GENERIC_WORDS


_HAS_WORD = re.compile(r"\w")
# questions, book titles and quoted sayings are commentary, not technique names
_NOT_A_NAME = re.compile(
    r"[《》“”\"?？]|为什么|如何|怎么|怎样|什么|是否|吗$|\b(?:how|why|what|when)\b"
    r"|进行|可以|需要|应该|尽量|也会|如果|因为|所以|但是|我们|就是|一个|写作|往",
    re.I,
)
_SENTENCE = re.compile(r"[。，,；;！!？?：:]|\.\s|\.$|\s-\s")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z0-9][\w\-'+/&]*")


def is_method_name(text: str) -> bool:
    """A short technique name (``few-shot learning``, ``NAS``, ``剪枝``), not a sentence.

    >>> is_method_name("Data-free Compression"), is_method_name("learning with bias data")
    (True, True)
    >>> is_method_name("pruning is an architecture search paradigm for compact nets.")
    False
    >>> is_method_name("修剪 resnet50，而不影响可解释性；"), is_method_name("为什么要做归一化")
    (False, False)
    >>> is_method_name("《百面机器学习》"), is_method_name("人")
    (False, False)
    """
    t = text.strip()
    if not t or _SENTENCE.search(t) or _generic(t) or _NOT_A_NAME.search(t):
        return False
    words = _LATIN_WORD.findall(t)
    cjk = len(_CJK.findall(t))
    if not words and cjk < 2:
        return False
    if cjk > 8 or len(words) > 5 or (cjk and len(words) > 3):
        return False
    return not t[0].isdigit() or any(c.isalpha() for c in t[1:])


def _first_token_is_venue(text: str) -> bool:
    tok = text.split()[0] if text.split() else ""
    return bool(tok) and normalize_venue(tok) is not None


# --------------------------------------------------------------------------- the walker


class _Extractor:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.mentions: list[Mention] = []
        self.warnings: list[str] = []
        self.title_section: Section | None = None

    # -- mentions
    def add(self, type_: str, label: str, line: int, parent: int | None, **kw) -> int:
        key = len(self.mentions)
        self.mentions.append(
            Mention(key=key, type=type_, label=label, line=line, parent=parent, **kw)
        )
        return key

    def note(self, parent: int | None, text: str) -> None:
        if parent is None:
            return
        text = " ".join(text.split())
        if text and _HAS_WORD.search(text):
            self.mentions[parent].notes.append(text)

    def attach(self, parent: int | None, paths: list[str]) -> None:
        if parent is not None and paths:
            self.mentions[parent].attachments.extend(paths)

    def add_paper(self, hit: PaperHit, parent: int | None, ctx: dict) -> int:
        venue: Venue | None = hit.venue or ctx.get("venue")
        year = hit.year if hit.year is not None else (venue.year if venue else None)
        if year is None:
            year = ctx.get("year")
        # papers hang under a method or topic, never under another paper
        while parent is not None and self.mentions[parent].type == "paper":
            parent = self.mentions[parent].parent
        return self.add(
            "paper",
            hit.title,
            hit.line,
            parent,
            venue=venue.name if venue else None,
            year=year,
            workshop=bool(venue and venue.workshop),
            url=hit.url,
            ids=dict(hit.ids),
            authors=list(hit.authors),
        )

    # -- front matter
    def front_matter(self) -> None:
        doc = self.doc
        seen: set[str] = set()
        for field, keys in (
            ("categories", ("categories", "category")),
            ("tags", ("tags", "tag")),
            ("keywords", ("keywords", "keyword")),
        ):
            line = next((doc.front_matter_lines[k] for k in keys if k in doc.front_matter_lines), 1)
            for value in getattr(doc, field):
                label = " ".join(value.split())
                if not label or label.casefold() in seen:
                    continue
                seen.add(label.casefold())
                venue = normalize_venue(label)
                if venue is not None:
                    self.add("venue", venue.name, line, None, origin="front_matter",
                             year=venue.year, workshop=venue.workshop)  # fmt: skip
                else:
                    self.add("topic", label, line, None, origin="front_matter")

    # -- sections
    def section(self, sec: Section, parent: int | None, ctx: dict, skip_title: bool) -> None:
        ctx = dict(ctx)
        here = parent
        skip_blocks = False
        if sec.level > 0 and not skip_title:
            label = clean_heading(sec.title)
            ym = _YEAR_HEADING.match(label)
            venue = None if ym else normalize_venue(label)
            if ym:
                ctx["year"] = int(ym.group(1))
            elif venue is not None:
                ctx["venue"] = venue
                if venue.year:
                    ctx["year"] = venue.year
            elif _generic(label) or not re.search(r"\w", label):
                skip_blocks = label.casefold() in ("contents", "content", "table of contents",
                                                   "toc", "目录", "index", "索引")  # fmt: skip
            else:
                here = self.add("topic", label, sec.line, parent)
        self.attach(here, sec.attachments)
        if not skip_blocks:
            for block in sec.blocks:
                if isinstance(block, ItemList):
                    self.items(block.items, here, ctx)
                elif isinstance(block, Paragraph):
                    self.paragraph(block.lines, here, ctx)
                elif isinstance(block, Table):
                    self.table(block, here, ctx)
        for sub in sec.sections:
            self.section(sub, here, ctx, sub is self.title_section)

    # -- paragraphs (and the lines of an item after its first entity)
    def paragraph(self, lines: list[Line], parent: int | None, ctx: dict) -> None:
        current = parent
        i = 0
        while i < len(lines):
            hit = recognize(lines[i : i + 2])
            if hit is not None:
                current = self.add_paper(hit, parent, ctx)
                i += hit.consumed
                continue
            self.note(current, lines[i].text)
            i += 1

    # -- lists
    def _strong(self, item: Item) -> PaperHit | None:
        return recognize(item.lines[:2]) if item.lines else None

    def items(self, items: list[Item], parent: int | None, ctx: dict, hits=None) -> None:
        hits = hits if hits is not None else [self._strong(it) for it in items]
        has_papers = any(h is not None for h in hits)
        for item, hit in zip(items, hits, strict=True):
            self.item(item, hit, parent, ctx, has_papers)

    def item(self, item: Item, hit: PaperHit | None, parent: int | None, ctx: dict,
             sibling_papers: bool) -> None:  # fmt: skip
        lines = item.lines
        if not lines:  # an image-only or empty item: its pictures belong to the parent
            self.attach(parent, item.attachments)
            self.items(item.children, parent, ctx)
            return
        first = lines[0]
        if first.spans and first.spans[0].url and first.spans[0].url.startswith("#"):
            return  # a table-of-contents entry
        if len(lines) == 1 and all(s.url and is_generic_link(s.text) for s in first.spans
                                   if s.text.strip(" |()[]")):  # fmt: skip
            return  # a lone [paper](..) / [code](..) link names nothing
        child_hits: list[PaperHit | None] = []
        groups = False
        if hit is None:
            child_hits = [self._strong(c) for c in item.children]
            groups = any(h is not None for h in child_hits) or any(
                c.lines and is_method_name(self.label(c.lines[0])) for c in item.children
            )
            if not groups and (sibling_papers or ctx.get("venue")):
                text = clean_title(first.text)
                if title_like(text) and text[:1].isupper() and self.label(first):
                    hit = PaperHit(title=text, line=first.line)
        if hit is not None:
            key = self.add_paper(hit, parent, ctx)
            self.attach(key, item.attachments)
            rest = lines[hit.consumed :]
            for ln in rest:
                if ln.spans and all(s.italic for s in ln.spans) and not self.mentions[key].authors:
                    self.mentions[key].authors = split_authors(ln.text)
                elif (sub := recognize([ln])) is not None:
                    self.add_paper(sub, parent, ctx)
                else:
                    self.note(key, ln.text)
            self.paper_children(item.children, key, parent, ctx)
            return
        label = self.label(first)
        method = bool(label) and (
            (groups and len(_LATIN_WORD.findall(label)) <= 10 and "。" not in label)
            or is_method_name(label)
        )
        if method and (_first_token_is_venue(label) or _generic(label)):
            method = False
        lead = first.spans[0]
        if method and lead.url and not is_generic_link(lead.text):
            method = False  # "[pytorch-meta](github...) (Recommended)": a resource, not a method
        if method:
            key = self.add("method", label, first.line, parent)
            self.attach(key, item.attachments)
            for ln in lines[1:]:
                self.note(key, ln.text)
            self.items(item.children, key, ctx, child_hits)
            return
        # a note about the parent; its sub-items are looked at in the parent's context
        for ln in lines:
            self.note(parent, ln.text)
        self.attach(parent, item.attachments)
        self.items(item.children, parent, ctx, child_hits)

    def paper_children(
        self, children: list[Item], paper: int, parent: int | None, ctx: dict
    ) -> None:
        """Sub-items of a paper: further papers stay papers, everything else is its notes."""
        for child in children:
            hit = self._strong(child)
            if hit is not None:
                self.item(child, hit, parent, ctx, True)
                continue
            for ln in child.lines:
                self.note(paper, ln.text)
            self.attach(paper, child.attachments)
            self.paper_children(child.children, paper, parent, ctx)

    @staticmethod
    def label(line: Line) -> str:
        """An item's label: its text without generic links; '' when it is mostly a link."""
        spans = [s for s in line.spans if not (s.url and is_generic_link(s.text))]
        text = " ".join("".join(s.text for s in spans).split())
        linked = sum(len(s.text) for s in spans if s.url)
        if text and linked * 2 > len(text):
            return ""
        return _ITEM_NUM.sub("", text, count=1).strip(" :：-–—*")

    # -- tables
    _TITLE_COL = re.compile(r"title|paper|论文|标题|题目|文章", re.I)
    _VENUE_COL = re.compile(
        r"venue|conf|journal|publi|source|booktitle|会议|期刊|出处|发表|来源", re.I
    )
    _YEAR_COL = re.compile(r"^(?:year|年份|年|时间|date)$", re.I)
    _AUTHOR_COL = re.compile(r"author|作者", re.I)

    def table(self, table: Table, parent: int | None, ctx: dict) -> None:
        def col(rx: re.Pattern[str]) -> int | None:
            return next((i for i, h in enumerate(table.header) if rx.search(h)), None)

        t_col = col(self._TITLE_COL)
        if t_col is None:
            return
        v_col, y_col, a_col = col(self._VENUE_COL), col(self._YEAR_COL), col(self._AUTHOR_COL)
        if v_col == t_col:
            v_col = None
        for row in table.rows:
            cells = row.cells
            if t_col >= len(cells):
                continue
            spans = cells[t_col]
            title = clean_title(
                "".join(s.text for s in spans if not (s.url and is_generic_link(s.text)))
            )
            if not title or not re.search(r"\w", title):
                continue
            texts = row.texts()
            venue = (
                normalize_venue(texts[v_col], slot=True)
                if v_col is not None and v_col < len(texts)
                else None
            )
            year = venue.year if venue else None
            if y_col is not None and y_col < len(texts):
                m = re.search(r"(?:19|20)\d{2}", texts[y_col])
                year = int(m.group(0)) if m else year
            if year is None and v_col is not None and v_col < len(texts):
                m = re.search(r"(?<!\d)(?:19|20)\d{2}(?!\d)", texts[v_col])
                year = int(m.group(0)) if m else None
            url = next(
                (
                    s.url
                    for c in cells
                    for s in c
                    if s.url and (s in spans or is_generic_link(s.text))
                ),
                None,
            )
            from kg.parse import find_ids

            hit = PaperHit(title=title, line=row.line, venue=venue, year=year, url=url,
                           ids=find_ids(url) if url else {},
                           authors=split_authors(texts[a_col]) if a_col is not None and a_col < len(texts) else [])  # fmt: skip
            self.add_paper(hit, parent, ctx)


def _title_of(doc: Document) -> tuple[str, bool]:
    """The post title and whether the first H1 is that title (and so not a topic)."""
    h1 = [s for s in doc.root.sections if s.level == 1]
    # a single H1 that opens the document and holds all its sections is the title
    only_h1 = (
        len(h1) == 1 and doc.root.sections[0] is h1[0] and bool(h1[0].sections)
        and not any(isinstance(b, ItemList) for b in doc.root.blocks)
    )  # fmt: skip
    if doc.title:
        return doc.title, bool(only_h1 and clean_heading(h1[0].title) == doc.title)
    if only_h1:
        return clean_heading(h1[0].title), True
    if h1:
        return clean_heading(h1[0].title), False
    return Path(doc.path).stem, False


def extract(doc: Document) -> Extraction:
    """Turn a parsed document into a :class:`kg.records.Extraction` (pure).

    Mentions come in document order (front matter first) with ``key`` equal to their index.
    """
    title, h1_is_title = _title_of(doc)
    post = Post(
        path=doc.path,
        title=title,
        date=doc.date,
        categories=list(doc.categories),
        tags=list(doc.tags),
        keywords=list(doc.keywords),
    )
    ex = _Extractor(doc)
    ex.front_matter()
    if h1_is_title:  # a lone top H1 that repeats the document title is not a topic
        ex.title_section = doc.root.sections[0]
    ex.section(doc.root, None, {}, True)
    return Extraction(
        post=post,
        mentions=ex.mentions,
        warnings=[*doc.warnings, *ex.warnings],
        truncated=doc.truncated,
    )


#: The recursion limit while one file is parsed and extracted: lists and quotes nested up
#: to :data:`kg.parse.MAX_NESTING` levels are read; deeper ones are skipped with a reason.
RECURSION_LIMIT = 8000


def extract_file(
    path: str | os.PathLike[str],
    display_path: str | None = None,
    *,
    max_bytes: int | None = MAX_FILE_BYTES,
) -> Extraction | Skipped:
    """Parse and extract one file; bad input gives :class:`kg.records.Skipped`, never an error.

    ``max_bytes`` is the size limit of :func:`kg.parse.parse_file`.

    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = pathlib.Path(d, "bin.md"); _ = p.write_bytes(b"\\x00\\x01")
    ...     print(extract_file(p, "notes/bin.md"))
    notes/bin.md: line 1: binary file (NUL byte), not a text note
    """
    shown = display_path if display_path is not None else Path(path).as_posix()
    limit = sys.getrecursionlimit()
    try:
        sys.setrecursionlimit(max(limit, RECURSION_LIMIT))
        return extract(_parse_file(path, shown, max_bytes=max_bytes))
    except ParseError as err:
        return Skipped(shown, f"line {err.line}: {err.reason}")
    except RecursionError:
        return Skipped(
            shown, "line 0: lists or quotes nested too deeply to read (thousands of levels)"
        )
    except Exception as err:  # one bad post must never stop a whole run (nor a Rust panic)
        msg = " ".join(str(err).split()) or type(err).__name__
        return Skipped(shown, f"line 0: cannot extract ({type(err).__name__}: {msg})")
    finally:
        sys.setrecursionlimit(limit)
