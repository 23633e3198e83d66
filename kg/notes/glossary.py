"""The field glossary and user alias files: one concept, every name it goes by, in both languages.

A :class:`Term` is one research concept (``graph convolutional network``) with its Chinese
names (``图卷积网络``), acronyms (``GCN``) and other spellings. :func:`default_glossary` loads
the bilingual glossary shipped as package data (``kg/data/glossary.yaml``, several hundred
terms of machine learning, computer vision, NLP and graph learning); :func:`load_aliases`
reads a user's alias file (YAML: canonical name -> list of aliases in any language) and
:meth:`Glossary.extended` lays it over the glossary (a user entry wins).

Names match on :func:`term_key`: NFKC, case-folded, traditional Chinese folded to
simplified (``圖神經網絡`` is ``图神经网络``), punctuation and spaces dropped and an English
plural ``s`` removed (``networks`` is ``network``). Acronyms match only as written
(``GAN``, not ``gan``), so a word that happens to spell an acronym is not taken for it.

Example
-------
>>> g = default_glossary()
>>> g.lookup("图卷积网络").en == g.lookup("GCN").en == g.lookup("Graph Convolutional Networks").en
True
>>> g.lookup("圖神經網絡").en
'graph neural network'
>>> g.lookup("gan") is None, g.lookup("GAN").en
(True, 'generative adversarial network')
"""

from __future__ import annotations

import functools
import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "Term",
    "Glossary",
    "default_glossary",
    "load_aliases",
    "AliasError",
    "to_simplified",
    "term_key",
    "HOUSEKEEPING_TAGS",
    "is_housekeeping_tag",
]

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_NOT_ALNUM = re.compile(r"[\W_]+", re.UNICODE)
_PLURAL = re.compile(r"(?<=[a-z]{3})(?<!s)s\b")


@functools.lru_cache(maxsize=1)
def _converter():
    try:
        from opencc import OpenCC
    except ImportError:  # pragma: no cover - the dependency is declared; degrade, do not fail
        return None
    return OpenCC("t2s")


@functools.lru_cache(maxsize=65536)
def to_simplified(text: str) -> str:
    """``text`` with traditional Chinese characters written in simplified script.

    >>> to_simplified("圖神經網絡與元學習"), to_simplified("ResNet")
    ('图神经网络与元学习', 'ResNet')
    """
    if not _CJK.search(text):
        return text
    conv = _converter()
    return conv.convert(text) if conv is not None else text


@functools.lru_cache(maxsize=65536)
def term_key(text: str) -> str:
    """The key names match on (see the module docs).

    >>> term_key("Graph Convolutional Networks") == term_key("graph-convolutional network")
    True
    >>> term_key("元學習"), term_key("Focal Loss")
    ('元学习', 'focalloss')
    """
    t = unicodedata.normalize("NFKC", to_simplified(text)).casefold()
    t = _PLURAL.sub("", t)
    return _NOT_ALNUM.sub("", t)


@dataclass(frozen=True)
class Term:
    """One concept of the glossary.

    Attributes:
        en: the English name (the concept's canonical name).
        zh: Chinese names, simplified script.
        abbr: acronyms, matched case-sensitively.
        also: other spellings in either language.
        kind: ``"method"``, ``"topic"`` or ``""`` (unknown, for user entries).
    """

    en: str
    zh: tuple[str, ...] = ()
    abbr: tuple[str, ...] = ()
    also: tuple[str, ...] = ()
    kind: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        """Every name, the English one first, without repeats."""
        return tuple(dict.fromkeys((self.en, *self.zh, *self.abbr, *self.also)))


@dataclass
class Glossary:
    """Terms indexed by every name; see :func:`default_glossary`.

    >>> g = Glossary([Term("pruning", zh=("剪枝",))])
    >>> g.lookup("Pruning").zh, g.lookup("剪枝").en, g.lookup("pruning methods")
    (('剪枝',), 'pruning', None)
    """

    terms: list[Term] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._by_key: dict[str, Term] = {}
        self._by_abbr: dict[str, Term] = {}
        self._part_names: list[tuple[str, Term]] | None = None  # see contains()
        for term in self.terms:
            self._index(term, overwrite=False)

    def _index(self, term: Term, *, overwrite: bool) -> None:
        self._part_names = None
        for name in (term.en, *term.zh, *term.also):
            key = term_key(name)
            if key and (overwrite or key not in self._by_key):
                self._by_key[key] = term
        for name in term.abbr:
            name = unicodedata.normalize("NFKC", name).strip()
            if overwrite or name not in self._by_abbr:
                self._by_abbr[name] = term

    def lookup(self, name: str) -> Term | None:
        """The term called ``name`` (a whole name, not a part of one), or ``None``."""
        stripped = unicodedata.normalize("NFKC", name).strip()
        hit = self._by_abbr.get(stripped)
        if hit is not None:
            return hit
        key = term_key(stripped)
        return self._by_key.get(key) if key else None

    def contains(self, text: str) -> Term | None:
        """A term whose name (of at least two Chinese characters or one Latin word of four
        letters) is part of ``text``; the longest such name wins.

        >>> default_glossary().contains("元学习方法论").en
        'meta-learning'
        """
        if self._part_names is None:  # names long enough to count, longest first
            names = [(k, t) for k, t in self._by_key.items() if len(k) >= (2 if _CJK.search(k) else 4)]
            self._part_names = sorted(names, key=lambda kt: -len(kt[0]))  # stable: first wins
            # each name under its first two characters, in that order: a name inside the text
            # starts with one of the text's character pairs, so only those lists are read
            self._part_index: dict[str, list[tuple[int, str, Term]]] = {}
            for i, (k, t) in enumerate(self._part_names):
                self._part_index.setdefault(k[:2], []).append((i, k, t))
        key = term_key(text)
        best: tuple[int, Term] | None = None
        for pair in {key[i : i + 2] for i in range(len(key) - 1)}:
            for i, k, term in self._part_index.get(pair, ()):
                if best is not None and i >= best[0]:
                    break
                if k in key:
                    best = (i, term)
                    break
        return best[1] if best is not None else None

    def extended(self, terms: Iterable[Term]) -> Glossary:
        """A new glossary with ``terms`` laid over this one (their names win)."""
        out = Glossary(list(self.terms))
        for term in terms:
            out.terms.append(term)
            out._index(term, overwrite=True)
        return out

    def __len__(self) -> int:
        return len(self.terms)


def _as_tuple(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)  # type: ignore[union-attr]


@functools.lru_cache(maxsize=1)
def default_glossary() -> Glossary:
    """The glossary shipped with the package (``kg/data/glossary.yaml``)."""
    import yaml

    text = (Path(__file__).parent.parent / "data" / "glossary.yaml").read_text(encoding="utf-8")
    terms = [
        Term(
            en=str(e["en"]),
            zh=tuple(to_simplified(z) for z in _as_tuple(e.get("zh"))),
            abbr=_as_tuple(e.get("abbr")),
            also=_as_tuple(e.get("also")),
            kind=str(e.get("kind", "")),
        )
        for e in yaml.safe_load(text)
    ]
    return Glossary(terms)


class AliasError(ValueError):
    """A malformed alias file; the message names the file and line."""


def load_aliases(path: str | os.PathLike[str]) -> list[Term]:
    """Read a user alias file: a YAML mapping of canonical name -> list of aliases.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp(), "aliases.yaml")
    >>> _ = p.write_text("图卷积: [GCN, graph convolution]\\n元学习: meta-learning\\n", encoding="utf-8")
    >>> [(t.en, t.also) for t in load_aliases(p)]
    [('图卷积', ('GCN', 'graph convolution')), ('元学习', ('meta-learning',))]
    >>> _ = p.write_text("a: [b]\\n- c\\n", encoding="utf-8")
    >>> load_aliases(p)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    kg.notes.glossary.AliasError: ...aliases.yaml: line 2: ...
    """
    import yaml

    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise AliasError(f"{p}: line 1: cannot read alias file ({exc})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise AliasError(f"{p}: line {line}: {problem}") from None
    if data is None:
        return []
    if not isinstance(data, dict):
        raise AliasError(f"{p}: line 1: expected a mapping 'canonical name: [aliases]'")
    lines = {str(k): i + 1 for i, ln in enumerate(text.splitlines()) for k in data
             if ln.lstrip().startswith((f"{k}:", f'"{k}":', f"'{k}':"))}  # fmt: skip
    terms = []
    for name, aliases in data.items():
        if isinstance(aliases, dict) or (
            isinstance(aliases, list) and not all(isinstance(a, (str, int, float)) for a in aliases)
        ):
            line = lines.get(str(name), 1)
            raise AliasError(f"{p}: line {line}: aliases of {name!r} must be a name or a list of names")
        terms.append(Term(en=str(name), also=_as_tuple(aliases)))
    return terms


#: Blog-housekeeping tags: they describe the post (length, style, status), not its research
#: content. They stay tags and never count as topical evidence.
HOUSEKEEPING_TAGS: frozenset[str] = frozenset(
    {
        "long-read", "longread", "short-read", "math-heavy", "math", "tutorial", "tutorials",
        "beginner", "beginners", "advanced", "intro", "introduction", "overview", "review",
        "opinion", "news", "announcement", "announcements", "update", "updates", "draft",
        "todo", "wip", "notes", "note", "reading", "reading-notes", "paper-notes", "summary",
        "series", "guide", "how-to", "howto", "cheatsheet", "cheat-sheet", "faq", "misc",
        "blog", "post", "thoughts", "personal", "life", "diary", "interview", "interviews",
        "code", "coding", "programming", "python", "pytorch", "tensorflow", "install",
        "installation", "tools", "tool", "resources", "reference", "references", "research",
        "teaching", "course", "courses", "lecture", "lectures", "talk", "talks", "slides",
        "meeting", "conference", "workshop", "event", "events", "video", "podcast",
        "featured", "highlight", "highlights", "popular", "archive", "uncategorized",
        "foundation", "basics", "basic", "survey", "practice", "hands-on", "project",
        "教程", "入门", "笔记", "总结", "综述", "翻译", "随笔", "杂谈", "面试", "基础", "资源",
        "实践", "实战", "工具", "安装", "环境", "配置", "心得", "感想", "读书笔记", "论文笔记",
        "论文阅读", "学习笔记", "work", "study", "工作", "学习", "生活", "未分类", "其他", "其它",
        "flashcards", "flashcard", "paper-reading", "paperreading", "paper-practice",
        "competition", "competitions", "q&a", "qa", "公司", "比赛", "竞赛", "面经",
    }
)  # fmt: skip


def is_housekeeping_tag(tag: str) -> bool:
    """Whether a tag describes the post rather than its research content.

    >>> is_housekeeping_tag("Long Read"), is_housekeeping_tag("math_heavy"), is_housekeeping_tag("gan")
    (True, True, False)
    """
    t = " ".join(to_simplified(tag).casefold().replace("_", "-").split())
    return t in HOUSEKEEPING_TAGS or t.replace(" ", "-") in HOUSEKEEPING_TAGS
