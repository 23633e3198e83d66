"""Names and their keys: how two spellings of one title or term are found equal.

Shared by the BibTeX catalogue (:mod:`kg.notes.bib`) and resolution
(:mod:`kg.graph.resolution`): NFKC, case folding, letters and digits only, a leading
article dropped, a subtitle split at its colon, and typo distance for long ASCII keys.

>>> same_entity("Graph Attention Networks", "graph attention networks")
True
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "DIGITS",
    "FUZZY_MIN_LEN",
    "WORD",
    "allowed_distance",
    "acronym_tail",
    "blocking_keys",
    "fuzzy_equal",
    "match_key",
    "same_entity",
    "same_short_words",
    "title_head",
    "title_key",
]

#: Keys shorter than this merge only when equal (``NAS`` vs ``NAT`` are different things).
FUZZY_MIN_LEN = 8

_NOT_ALNUM = re.compile(r"[\W_]+", re.UNICODE)
#: runs of digits: two names differing in a number are different things (ResNet-50, -56)
DIGITS = re.compile(r"\d+")
#: one word of letters or digits
WORD = re.compile(r"[^\W_]+")
_COLON = re.compile(r"\s*[:：]\s*")
_HAS_COLON = re.compile("[:：﹕︓]")
_ARTICLE = re.compile(r"^\s*(?:the|an?)\s+(?=\w)", re.IGNORECASE)


def match_key(text: str) -> str:
    """The merge key of a name: NFKC, case-folded, letters and digits only.

    >>> match_key("Data-free  Compression")
    'datafreecompression'
    >>> match_key("ＮＡＳ：搜索")
    'nas搜索'
    """
    return _NOT_ALNUM.sub("", unicodedata.normalize("NFKC", text).casefold())


def title_key(text: str) -> str:
    """The merge key of a paper title: :func:`match_key` without a leading article.

    >>> title_key("The Lottery Ticket Hypothesis") == title_key("Lottery ticket hypothesis")
    True
    """
    return match_key(_ARTICLE.sub("", text, count=1))


def _subtitle_split(text: str) -> tuple[str, str] | None:
    """``(before, after)`` the first colon (ASCII or full-width), or ``None`` without one."""
    if not _HAS_COLON.search(text):
        return None
    parts = _COLON.split(unicodedata.normalize("NFKC", text).strip(), maxsplit=1)
    return (parts[0], parts[1]) if len(parts) == 2 else None


def title_head(text: str) -> str | None:
    """The key of the part before a subtitle colon, or ``None`` when there is no subtitle.

    >>> title_head("BERT: Pre-training of Deep Bidirectional Transformers")
    'bert'
    >>> title_head("Graph Attention Networks") is None
    True
    """
    parts = _subtitle_split(text)
    if parts is None or not match_key(parts[1]):
        return None
    head = title_key(parts[0])
    return head or None


def blocking_keys(key: str) -> list[tuple[str, str]]:
    """The blocks a key is filed under; two keys within typo distance share at least one.

    Keys shorter than 24 characters are filed by their first and last 4 characters, keys
    of 18 or more by their first and last 10 (both in between, so that lengths that may
    match always meet). A pair is missed only when typos hit both ends of the key.

    >>> blocking_keys("rethinkingnetworkpruning")
    [('p10', 'rethinking'), ('s10', 'orkpruning')]
    """
    out = []
    if len(key) < 24:
        out += [("p4", key[:4]), ("s4", key[-4:])]
    if len(key) >= 18:
        out += [("p10", key[:10]), ("s10", key[-10:])]
    return out


def acronym_tail(text: str) -> str | None:
    """The key of the title after a one-word name and a colon, or ``None``.

    ``CoGAN: Coupled Generative Adversarial Networks`` names the paper ``Coupled Generative
    Adversarial Networks``; the name must be one word of at most 15 characters and the rest
    at least three words.

    >>> acronym_tail("UNIT: Unsupervised Image-to-Image Translation Networks")
    'unsupervisedimagetoimagetranslationnetworks'
    >>> acronym_tail("Deep Learning on Graphs: A Survey") is None
    True
    """
    parts = _subtitle_split(text)
    if parts is None:
        return None
    head, tail = parts
    if not head or len(head) > 15 or " " in head or len(WORD.findall(tail)) < 3:
        return None
    return title_key(tail) or None


def allowed_distance(length: int) -> int:
    """Edits two keys of this length may differ by and still be one name.

    >>> allowed_distance(8), allowed_distance(40)
    (1, 2)
    """
    return max(1, length // 16)


def same_entity(a: str, b: str) -> bool:
    """Whether two names are the same entity by key or by a small typo (rule 2 above).

    >>> same_entity("Post trainning 4-bit quentization of concolutional networks",
    ...             "Post training 4-bit quantization of convolutional networks")
    True
    >>> same_entity("ResNet-50 features", "ResNet-56 features")
    False
    >>> same_entity("Graph Attention Networks", "Graph Attention Networks for Graphs")
    False
    """
    ka, kb = match_key(a), match_key(b)
    return ka == kb or (fuzzy_equal(ka, kb) and same_short_words(a, b))


def _words(text: str) -> set[str]:
    text = _ARTICLE.sub("", text, count=1)  # "An End-to-End" vs "AnEnd-to-End" is a typo
    return set(WORD.findall(unicodedata.normalize("NFKC", text).casefold()))


def same_short_words(a: str, b: str) -> bool:
    """No word of one or two letters appears in only one of the names.

    >>> same_short_words("ResNet on graphs", "ResNet of graphs"), same_short_words("A b", "A b")
    (False, True)
    """
    return all(len(w) > 2 for w in _words(a) ^ _words(b))


def fuzzy_equal(ka: str, kb: str) -> bool:
    """Keys within typo distance (without the short-word check of :func:`same_entity`).

    >>> fuzzy_equal("graphattentionnetworks", "graphatentionnetworks")
    True
    """
    from rapidfuzz.distance import Levenshtein

    if not (ka.isascii() and kb.isascii()):
        return False
    short = min(len(ka), len(kb))
    if short < FUZZY_MIN_LEN:
        return False
    limit = allowed_distance(short)
    if abs(len(ka) - len(kb)) > limit or DIGITS.findall(ka) != DIGITS.findall(kb):
        return False
    return Levenshtein.distance(ka, kb, score_cutoff=limit) <= limit
