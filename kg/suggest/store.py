"""The binary suggest index on disk: ``suggest-index.npz`` beside a trained model.

:func:`save_index` writes what :meth:`kg.suggest.suggester.Suggester.load` needs to answer
a query without parsing ``graph.json`` or reading ``embeddings.npz``'s id strings: the
graph's adjacency as CSR arrays, node ids, labels and name keys packed as one UTF-8 array
plus offsets each (:func:`pack_strings`), the label-word postings, the embedding rows, the
heading-context bags as numeric arrays (:func:`pack_context`, read by :class:`PackedContext`)
and the staleness verdict. :func:`read_index` reads it back lazily
(:class:`PackedStrings`, :class:`NodeTable`, :class:`KeyTable` look values up on access)
while the files it indexed are unchanged. The page's suggestions and the build-time writer
are in :mod:`kg.suggest.index`, above the suggester.

>>> data, off = pack_strings(["GCN", "图卷积"])
>>> unpack_strings(data, off)
['GCN', '图卷积']
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from kg.graph.adjacency import GraphIndex
from kg.suggest.related import ContextIndex, Evidence

__all__ = [
    "INDEX_FORMAT",
    "save_index",
    "read_index",
    "load_scorer",
    "pack_strings",
    "unpack_strings",
    "NodeTable",
    "KeyTable",
    "PackedStrings",
    "PackedContext",
    "pack_context",
]


# -- the binary index `kg suggest` reads ---------------------------------------------------
#: Bumped when the layout of :data:`kg.io.SUGGEST_CACHE` changes, or what it keeps (the page's
#: suggestions and their reasons, the title words) would be made differently: older files are
#: rebuilt.
INDEX_FORMAT = 9
#: The files an index was made from; it is used only while all of them are unchanged.
INDEXED_FILES = ("graph.json", "model.json", "embeddings.npz")


def pack_strings(strings: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """``strings`` as one UTF-8 byte array and the character offset of each.

    Any text round-trips (no separator character is reserved):

    >>> data, off = pack_strings(["paper:a", "", "图神经网络"])
    >>> off.tolist(), unpack_strings(data, off)
    ([0, 7, 7, 12], ['paper:a', '', '图神经网络'])
    """
    strings = [str(s) for s in strings]
    off = np.zeros(len(strings) + 1, dtype=np.int64)
    if strings:
        np.cumsum(np.fromiter(map(len, strings), dtype=np.int64, count=len(strings)), out=off[1:])
    return np.frombuffer("".join(strings).encode("utf-8"), dtype=np.uint8), off


def unpack_strings(data: np.ndarray, off: np.ndarray) -> list[str]:
    """The strings :func:`pack_strings` packed."""
    text = data.tobytes().decode("utf-8")
    o = off.tolist()
    return [text[a:b] for a, b in zip(o[:-1], o[1:], strict=True)]


def _pack_lists(lists: Sequence[Sequence[int]]) -> tuple[np.ndarray, np.ndarray]:
    """Integer lists as one int32 array plus offsets (a CSR)."""
    ptr = np.zeros(len(lists) + 1, dtype=np.int64)
    if lists:
        np.cumsum(np.fromiter(map(len, lists), dtype=np.int64, count=len(lists)), out=ptr[1:])
    flat = np.fromiter((x for lst in lists for x in lst), dtype=np.int32, count=int(ptr[-1]))
    return flat, ptr


def _json_bytes(value: Any) -> np.ndarray:
    import json

    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    return np.frombuffer(text.encode("utf-8"), dtype=np.uint8)


def _from_json_bytes(arr: np.ndarray) -> Any:
    import json

    return json.loads(arr.tobytes().decode("utf-8"))


class PackedStrings(Sequence[str]):
    """The strings :func:`pack_strings` packed, sliced out one at a time on access (for
    columns a query reads a few entries of).

    >>> col = PackedStrings(*pack_strings(["a", "图b"]))
    >>> len(col), col[1], list(col)
    (2, '图b', ['a', '图b'])
    """

    def __init__(self, data: np.ndarray, off: np.ndarray) -> None:
        self._text = data.tobytes().decode("utf-8")
        self._off = off.tolist()

    def __getitem__(self, i: int) -> str:  # type: ignore[override]
        return self._text[self._off[i] : self._off[i + 1]]

    def tolist(self) -> list[str]:
        """Every string (one pass, faster than iterating)."""
        t, o = self._text, self._off
        return [t[a:b] for a, b in zip(o[:-1], o[1:], strict=True)]

    def __len__(self) -> int:
        return len(self._off) - 1


class NodeTable(Mapping[str, dict[str, Any]]):
    """Node id -> the attributes reasons and suggestions use, built on first access from
    packed columns (so loading 50,000 nodes makes no 50,000 dicts).

    >>> t = NodeTable(["a", "b"], ["paper", ""], ["A", ""], np.array([3, 0]), ['{"path":"x.md"}', ""])
    >>> t["a"], t["b"], "c" in t, t.get("c", {}), list(t)
    ({'type': 'paper', 'label': 'A', 'path': 'x.md'}, {}, False, {}, ['a', 'b'])
    """

    def __init__(
        self,
        ids: list[str],
        types: Sequence[str],
        labels: Sequence[str],
        has: np.ndarray,
        extra: Sequence[str],
        pos: dict[str, int] | None = None,
    ) -> None:
        self._ids, self._types, self._labels, self._extra = ids, types, labels, extra
        self._has = has.tolist()
        self._pos = pos if pos is not None else {n: i for i, n in enumerate(ids)}
        self._made: dict[str, dict[str, Any]] = {}

    def __getitem__(self, nid: str) -> dict[str, Any]:
        got = self._made.get(nid)
        if got is None:
            i = self._pos[nid]
            got = {}
            has = self._has[i]
            if has & 1:
                got["type"] = self._types[i]
            if has & 2:
                got["label"] = self._labels[i]
            if self._extra[i]:
                import json

                got.update(json.loads(self._extra[i]))
            self._made[nid] = got
        return got

    def __contains__(self, nid: object) -> bool:
        return nid in self._pos

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)


class KeyTable(Mapping[str, list[str]]):
    """Match key -> node ids (one tier of :func:`kg.suggest.suggester._match_keys`), from a CSR."""

    def __init__(
        self, keys: Sequence[str], flat: np.ndarray | None, ptr: np.ndarray | None,
        ids: Sequence[str], values: np.ndarray | None = None, same_keys: KeyTable | None = None,
    ) -> None:  # fmt: skip
        self._keys, self._flat, self._ptr, self._ids = keys, flat, ptr, ids
        self._values = values  # one number per key instead of a list of nodes (idf)
        self._same = same_keys  # a table over the same keys: its lookup map serves both
        self._where_map: dict[str, int] | None = None  # built on the first lookup

    @property
    def _where(self) -> dict[str, int]:
        if self._same is not None:
            return self._same._where
        if self._where_map is None:
            keys = self._keys.tolist() if isinstance(self._keys, PackedStrings) else self._keys
            self._where_map = {k: i for i, k in enumerate(keys)}
        return self._where_map

    def __getitem__(self, key: str) -> Any:
        i = self._where[key]
        if self._values is not None:
            return float(self._values[i])
        assert self._flat is not None and self._ptr is not None
        return [self._ids[j] for j in self._flat[self._ptr[i] : self._ptr[i + 1]].tolist()]

    def __contains__(self, key: object) -> bool:
        return key in self._where

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)


class _Sections(Mapping[str, Any]):
    """The notes' sections from the index's ``sec_pq`` rows (item, note) and their headings,
    grouped on access: as item -> ``{note: heading}`` (:attr:`GraphIndex.sections`), or
    with ``by_note`` as note -> ``{heading: [items]}`` (what :meth:`GraphIndex.filed` gives),
    in the order the rows were written, as the dicts a whole pass would build."""

    def __init__(self, ids: Sequence[str], pq: np.ndarray, heads: Sequence[str], *,
                 pos: dict[str, int] | None = None, by_note: bool = False) -> None:  # fmt: skip
        self._ids, self._heads, self._by_note = ids, heads, by_note
        key, other = (pq[:, 1], pq[:, 0]) if by_note else (pq[:, 0], pq[:, 1])
        self._order = np.argsort(key, kind="stable")
        self._other = other
        sorted_keys = key[self._order]
        self._ptr = np.searchsorted(sorted_keys, np.arange(len(ids) + 1))
        self._first = np.unique(key, return_index=True)[1]  # iteration: first-seen order
        self._key = key
        self._pos = pos
        self._made: dict[int, dict[str, Any]] = {}

    def _at(self, nid: object) -> int | None:
        if self._pos is None:
            self._pos = {n: i for i, n in enumerate(self._ids)}
        i = self._pos.get(nid)  # type: ignore[arg-type]
        return i if i is not None and self._ptr[i + 1] > self._ptr[i] else None

    def _group(self, i: int) -> dict[str, Any]:
        got = self._made.get(i)
        if got is None:
            got = {}
            for r in self._order[self._ptr[i] : self._ptr[i + 1]].tolist():
                other, head = self._ids[int(self._other[r])], self._heads[r]
                if self._by_note:
                    got.setdefault(head, []).append(other)
                else:
                    got[other] = head
            self._made[i] = got
        return got

    def __getitem__(self, nid: str) -> dict[str, Any]:
        i = self._at(nid)
        if i is None:
            raise KeyError(nid)
        return self._group(i)

    def __contains__(self, nid: object) -> bool:
        return self._at(nid) is not None

    def __iter__(self) -> Iterator[str]:
        return (self._ids[int(self._key[r])] for r in np.sort(self._first).tolist())

    def __len__(self) -> int:
        return len(self._first)


# -- the heading-context bags as arrays ----------------------------------------------------
def pack_context(index: Any, compact: Mapping[str, Any]) -> dict[str, np.ndarray]:
    """The word bags of :meth:`kg.suggest.related.ContextIndex.to_compact` as the arrays
    :class:`PackedContext` reads: each node's words and weights in ``index``'s node order (a
    CSR: ``ctx_ptr``, ``ctx_word``, ``ctx_val``), each word's nodes and their weights (the
    inverted CSR ``ctx_inv_ptr``, ``ctx_inv_node``, ``ctx_inv_val``), the words themselves
    (``ctx_words_*``, :func:`pack_strings`), each word's idf, each node's norm (0 without a bag)
    and the number of bags. Idf and norms are those ``ContextIndex(index, compact=compact)``
    computes, taken from it, so scores read back are the same to the last bit.
    """
    ctx = ContextIndex(index, compact=compact)
    ids = list(index.nodes)
    pos = {n: i for i, n in enumerate(ids)}
    vocab = sorted(ctx.postings)
    at = {t: i for i, t in enumerate(vocab)}
    rows = [ctx.bags.get(n, {}) for n in ids]
    posts = [ctx.postings[t] for t in vocab]
    out: dict[str, np.ndarray] = {}
    out["ctx_word"], out["ctx_ptr"] = _pack_lists([[at[t] for t in bag] for bag in rows])
    out["ctx_val"] = np.fromiter((v for bag in rows for v in bag.values()), dtype=np.float64,
                                 count=out["ctx_word"].size)  # fmt: skip
    out["ctx_inv_node"], out["ctx_inv_ptr"] = _pack_lists([[pos[n] for n in ns] for ns in posts])
    out["ctx_inv_val"] = np.fromiter((ctx.bags[n][t] for t, ns in zip(vocab, posts, strict=True)
                                      for n in ns), dtype=np.float64,
                                     count=out["ctx_inv_node"].size)  # fmt: skip
    out["ctx_idf"] = np.asarray([ctx.idf[t] for t in vocab], dtype=np.float64)
    out["ctx_norm"] = np.asarray([ctx._norm.get(n, 0.0) for n in ids], dtype=np.float64)
    out["ctx_bags"] = np.asarray([len(ctx.bags)], dtype=np.int64)
    out["ctx_words_text"], out["ctx_words_off"] = pack_strings(vocab)
    return out


class _Slice(Sequence[str]):
    """Node ids at ``flat[lo:hi]`` (a posting list), looked up on access."""

    def __init__(self, ids: Sequence[str], flat: np.ndarray, lo: int, hi: int) -> None:
        self._ids, self._flat, self._lo, self._hi = ids, flat, lo, hi

    def __getitem__(self, i: int) -> str:  # type: ignore[override]
        if not -len(self) <= i < len(self):
            raise IndexError(i)
        return self._ids[int(self._flat[self._lo + i % len(self)])]

    def __len__(self) -> int:
        return self._hi - self._lo


class _Lookup(Mapping[str, Any]):
    """``key -> value(position)`` over ``keys``, whose position map is built on first use
    (``where``: one given; ``same``: another lookup over the same keys, sharing its map);
    ``present(position)`` says which keys have a value at all."""

    def __init__(self, keys: Sequence[str], value: Any, present: Any = None, *,
                 where: dict[str, int] | None = None, same: _Lookup | None = None) -> None:  # fmt: skip
        self._keys, self._value, self._present = keys, value, present
        self._map, self._same = where, same

    def _at(self, key: object) -> int | None:
        if self._same is not None:
            self._map = self._same._positions()
        i = self._positions().get(key)  # type: ignore[arg-type]
        return i if i is not None and (self._present is None or self._present(i)) else None

    def _positions(self) -> dict[str, int]:
        if self._map is None:
            keys = self._keys.tolist() if isinstance(self._keys, PackedStrings) else self._keys
            self._map = {k: i for i, k in enumerate(keys)}
        return self._map

    def __getitem__(self, key: str) -> Any:
        i = self._at(key)
        if i is None:
            raise KeyError(key)
        return self._value(i)

    def __contains__(self, key: object) -> bool:
        return self._at(key) is not None

    def __iter__(self) -> Iterator[str]:
        return (k for i, k in enumerate(self._keys) if self._present is None or self._present(i))

    def __len__(self) -> int:
        return sum(1 for _ in self)


class PackedContext(ContextIndex):
    """A :class:`kg.suggest.related.ContextIndex` read from :func:`pack_context`'s arrays:
    nothing is bagged, parsed or indexed up front. :meth:`scores` reads the query's words,
    their postings and weights, and scores every node carrying one at once; ``bags``,
    ``postings`` and ``idf`` look an entry up on access (for :meth:`shared`, the reasons).
    Scores equal the unpacked index's.

    >>> idx = GraphIndex.from_node_link({"nodes": [{"id": "post:a", "type": "post"},
    ...     {"id": "post:b", "type": "post"}] + [{"id": f"paper:{i}", "type": "paper"} for i in "xyz"],
    ...     "links": [{"source": "post:a", "target": "paper:x", "relation": "mentions",
    ...                "section": "Metric-based methods"},
    ...               {"source": "post:b", "target": "paper:y", "relation": "mentions",
    ...                "section": "Metric learning"},
    ...               {"source": "post:b", "target": "paper:z", "relation": "mentions",
    ...                "section": "Data augmentation"}]})
    >>> compact = ContextIndex(idx).to_compact()
    >>> packed = PackedContext(idx, pack_context(idx, compact))
    >>> packed.scores("paper:x") == ContextIndex(idx, compact=compact).scores("paper:x")
    True
    >>> sorted(packed.scores("paper:y")), packed.shared("paper:x", "paper:y")
    (['paper:x'], [('metric', ['Metric-based methods'], ['Metric learning'])])
    """

    def __init__(self, index: GraphIndex, arrays: Mapping[str, np.ndarray],
                 concepts: Mapping[str, Sequence[str]] | None = None,
                 evidence: Evidence | None = None) -> None:  # fmt: skip
        # not ContextIndex.__init__: that bags every node before the first query
        self.index = index
        self.concepts = dict(concepts or {})
        self.evidence = evidence if evidence is not None else Evidence(index)
        self._headings: dict[str, list[tuple[str, str, float]]] = {}
        self._words: dict[str, list[str]] = {}
        self._a = dict(arrays)
        self._ids = list(index.nodes)
        pos = getattr(index, "_pos", None)  # the loaded index's map (empty in memory)
        self._pos: dict[str, int] = (pos if pos and len(pos) == len(self._ids)
                                     else {n: i for i, n in enumerate(self._ids)})  # fmt: skip
        self._vocab = PackedStrings(self._a["ctx_words_text"], self._a["ctx_words_off"])
        ptr, iptr = self._a["ctx_ptr"], self._a["ctx_inv_ptr"]
        word, val = self._a["ctx_word"], self._a["ctx_val"]
        inv, vocab, ids = self._a["ctx_inv_node"], self._vocab, self._ids

        def bag(i: int) -> dict[str, float]:
            lo, hi = int(ptr[i]), int(ptr[i + 1])
            return {vocab[t]: v for t, v in zip(word[lo:hi].tolist(), val[lo:hi].tolist(), strict=True)}

        idf = self._a["ctx_idf"]
        postings = _Lookup(vocab, lambda t: _Slice(ids, inv, int(iptr[t]), int(iptr[t + 1])))
        self.bags = _Lookup(ids, bag, lambda i: ptr[i + 1] > ptr[i], where=self._pos)  # type: ignore[assignment]
        self.postings = postings  # type: ignore[assignment]
        self.idf = _Lookup(vocab, lambda t: float(idf[t]), same=postings)  # type: ignore[assignment]

    def to_compact(self) -> dict[str, Any]:
        """What :meth:`kg.suggest.related.ContextIndex.to_compact` gives (every bag read)."""
        vocab = self._vocab.tolist()
        ptr, word, val = self._a["ctx_ptr"], self._a["ctx_word"].tolist(), self._a["ctx_val"].tolist()
        p = ptr.tolist()
        bags = [[i, word[p[i]:p[i + 1]], val[p[i]:p[i + 1]]] for i in range(len(p) - 1) if p[i + 1] > p[i]]
        return {"words": vocab, "bags": bags}

    def scores(self, query: str) -> dict[str, float]:
        """:meth:`kg.suggest.related.ContextIndex.scores`, summed over whole posting arrays."""
        a = self._a
        p = self._pos.get(query)
        if p is None:
            return {}
        lo, hi = int(a["ctx_ptr"][p]), int(a["ctx_ptr"][p + 1])
        norm = a["ctx_norm"]
        qn = float(norm[p])
        if lo == hi or qn == 0.0:
            return {}
        acc = np.zeros(norm.size, dtype=np.float64)
        hit = np.zeros(norm.size, dtype=bool)
        limit = 0.2 * int(a["ctx_bags"][0]) + 50
        iptr, idf, inv, inv_val = a["ctx_inv_ptr"], a["ctx_idf"], a["ctx_inv_node"], a["ctx_inv_val"]
        for t, v in zip(a["ctx_word"][lo:hi].tolist(), a["ctx_val"][lo:hi].tolist(), strict=True):
            s, e = int(iptr[t]), int(iptr[t + 1])
            w = v * float(idf[t]) ** 2
            if w == 0.0 or e - s > limit:
                continue
            nodes = inv[s:e]
            acc[nodes] += w * inv_val[s:e]  # a node appears once per posting: no lost update
            hit[nodes] = True
        hit[p] = False
        got = np.flatnonzero(hit & (norm > 0))
        vals = acc[got] / (qn * norm[got])
        ids = self._ids
        return dict(zip([ids[i] for i in got.tolist()], vals.tolist(), strict=True))


def _file_stamps(folder: Path, *, hashes: bool) -> dict[str, list[Any]]:
    """``{name: [size, mtime_ns, sha256 or None]}`` of :data:`INDEXED_FILES` in ``folder``."""
    import hashlib

    out: dict[str, list[Any]] = {}
    for name in INDEXED_FILES:
        p = folder / name
        st = p.stat()
        digest = hashlib.sha256(p.read_bytes()).hexdigest() if hashes else None
        out[name] = [st.st_size, st.st_mtime_ns, digest]
    return out


def _unchanged(folder: Path, stamps: Mapping[str, Any]) -> bool:
    """Whether the indexed files are those ``stamps`` describe: same size and modification
    time, or, where those moved (a copied folder), the same SHA-256."""
    import hashlib

    for name in INDEXED_FILES:
        want = stamps.get(name)
        if not want:
            return False
        p = folder / name
        try:
            st = p.stat()
            if [st.st_size, st.st_mtime_ns] == list(want[:2]):
                continue
            if st.st_size != want[0] or hashlib.sha256(p.read_bytes()).hexdigest() != want[2]:
                return False
        except OSError:
            return False
    return True


def save_index(
    path: str | os.PathLike[str],
    *,
    stale: bool,
    ranker: Any,
    index: Any,
    text: Any,
    keys: Mapping[str, Mapping[str, Sequence[str]]],
    emb_ids: Sequence[str],
    emb_types: Sequence[str],
    page: Mapping[str, Any] | None = None,
    context: Mapping[str, Any] | None = None,
    norms: Mapping[str, np.ndarray] | None = None,
) -> None:
    """Write the suggest index of the folder ``path`` lies in (atomically; a folder that
    cannot be written goes without, and ``kg suggest`` then builds what it needs in memory).

    ``index`` is a :class:`kg.suggest.reasons.GraphIndex`, ``text`` its :class:`kg.suggest.related.TextIndex`,
    ``keys`` the name keys of :func:`kg.suggest.suggester._match_keys`, ``emb_ids``/``emb_types`` the
    rows of ``embeddings.npz``, ``page`` the page's suggestions (``{"k": k, "suggestions":
    {...}}``, which the next build reuses where the graph did not change, see
    :func:`reusable_page`), ``context`` the heading bags of :class:`kg.suggest.related.ContextIndex`
    (``to_compact()``, kept as :func:`pack_context`'s arrays; or those arrays), ``norms`` the row lengths of
    :meth:`kg.suggest.suggester.Suggester.row_norms` (float64, one per row of ``emb_ids``). Every array is numeric: strings are packed by
    :func:`pack_strings`, lists of nodes are CSR arrays of positions.
    """
    import contextlib
    import io
    import json

    from kg.graph.adjacency import COMPACT_ATTRS
    from kg.io import atomic_write_bytes

    path = Path(path)
    compact = index.to_compact()
    ids = compact["ids"]
    types, labels, extra = [], [], []
    has = np.zeros(len(ids), dtype=np.uint8)
    for i, attrs in enumerate(compact["nodes"]):
        t, lab = attrs.get("type"), attrs.get("label")
        rest = {k: attrs[k] for k in COMPACT_ATTRS if k in attrs and k not in ("type", "label")}
        if isinstance(t, str):
            has[i] |= 1
        elif t is not None:
            rest["type"] = t
        if isinstance(lab, str):
            has[i] |= 2
        elif lab is not None:
            rest["label"] = lab
        types.append(t if isinstance(t, str) else "")
        labels.append(lab if isinstance(lab, str) else "")
        extra.append(json.dumps(rest, ensure_ascii=False, separators=(",", ":"), default=str) if rest else "")
    arrays: dict[str, np.ndarray] = {}

    def strings(name: str, values: Sequence[str]) -> None:
        arrays[f"{name}_text"], arrays[f"{name}_off"] = pack_strings(values)

    def lists(name: str, values: Sequence[Sequence[int]]) -> None:
        arrays[f"{name}_flat"], arrays[f"{name}_ptr"] = _pack_lists(values)

    strings("ids", ids)
    type_names = sorted(set(types))
    code = {t: i for i, t in enumerate(type_names)}
    arrays["type_code"] = np.fromiter((code[t] for t in types), dtype=np.int16, count=len(types))
    strings("labels", labels)
    strings("extra", extra)
    arrays["has"] = has
    arrays["indptr"] = np.asarray(compact["indptr"], dtype=np.int64)
    arrays["nbr"] = np.asarray(compact["nbr"], dtype=np.int32)
    arrays["code"] = np.asarray(compact["code"], dtype=np.int32)
    sections = compact["sections"]
    arrays["sec_pq"] = np.asarray([[p, q] for p, q, _ in sections], dtype=np.int32).reshape(-1, 2)
    strings("sec", [s for _, _, s in sections])
    pos = {n: i for i, n in enumerate(ids)}
    for tier in ("label", "alias"):
        table = keys.get(tier, {})
        strings(f"key_{tier}", list(table))
        lists(f"key_{tier}", [[pos[n] for n in table[k]] for k in table])
    tc = text.to_compact()
    strings("tok", list(tc["postings"]))
    lists("tok", list(tc["postings"].values()))
    arrays["idf"] = np.asarray([tc["idf"][t] for t in tc["postings"]], dtype=np.float64)
    arrays["norm"] = np.asarray(tc["norm"], dtype=np.float64)
    emb_ids = [str(n) for n in emb_ids]
    if emb_ids != ids:  # else the node ids serve
        if all(n in pos for n in emb_ids):  # nodes of the graph: their positions serve
            arrays["emb_perm"] = np.fromiter((pos[n] for n in emb_ids), dtype=np.int32,
                                             count=len(emb_ids))  # fmt: skip
        else:
            strings("emb_ids", emb_ids)
    emb_type_names = sorted(set(map(str, emb_types)))
    ecode = {t: i for i, t in enumerate(emb_type_names)}
    arrays["emb_type_code"] = np.fromiter((ecode[str(t)] for t in emb_types), dtype=np.int16,
                                          count=len(emb_ids))
    arrays["emb_in_graph"] = np.fromiter((n in pos for n in emb_ids), dtype=np.uint8, count=len(emb_ids))
    # the tie-break of equal logits (see kg.suggest.suggester.Suggester._order), computed once here
    arrays["emb_id_rank"] = np.argsort(np.argsort(np.asarray(emb_ids)), kind="stable").astype(np.int64)
    arrays["meta"] = _json_bytes({
        "format": INDEX_FORMAT, "files": _file_stamps(path.parent, hashes=True), "stale": bool(stale),
        "ranker": ranker, "relations": compact["relations"], "types": type_names,
        "emb_types": emb_type_names, "has_idf_only": sorted(set(tc["idf"]) - set(tc["postings"])),
    })  # fmt: skip
    if page is not None:
        arrays["page"] = _json_bytes(page)
    if context is not None:  # the bags, or the arrays pack_context already made of them
        arrays.update(context if "ctx_ptr" in context else pack_context(index, context))
    for name, values in (norms or {}).items():
        arrays[name] = np.asarray(values, dtype=np.float64)
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    with contextlib.suppress(OSError):  # a read-only folder: suggestions work, only slower
        atomic_write_bytes(path, buf.getvalue())


def read_index(path: str | os.PathLike[str]) -> dict[str, Any] | None:
    """What :func:`save_index` wrote, while the files it indexed are unchanged (else, or
    when it cannot be read, ``None``): ``{"index", "text", "keys", "stale", "ranker",
    "emb_ids", "emb_types", "emb_id_rank", "emb_in_graph", "context", "norms"}`` (``context``:
    the arrays of :func:`pack_context` for :class:`PackedContext`; ``norms``: ``{"emb_norm",
    "emb_rel_norm"}`` as written; each ``None`` when none was written)."""
    import zipfile

    from kg.suggest.related import TextIndex

    path = Path(path)
    try:
        with np.load(path, allow_pickle=False) as npz:
            meta = _from_json_bytes(npz["meta"])
            if not isinstance(meta, dict) or meta.get("format") != INDEX_FORMAT:
                return None
            if not _unchanged(path.parent, meta.get("files") or {}):
                return None
            a = {k: npz[k] for k in npz.files if k != "page"}  # the page: reusable_page
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, EOFError):
        return None
    try:
        ids = unpack_strings(a["ids_text"], a["ids_off"])
        pos = {n: i for i, n in enumerate(ids)}
        names = meta["types"]
        types = [names[c] for c in a["type_code"].tolist()]
        nodes = NodeTable(ids, types, PackedStrings(a["labels_text"], a["labels_off"]), a["has"],
                          PackedStrings(a["extra_text"], a["extra_off"]), pos)
        index = GraphIndex(nodes, {})  # type: ignore[arg-type]
        # arrays, not lists: only the neighbours of the nodes a query touches are read
        index._csr = (ids, meta["relations"], a["indptr"], a["nbr"], a["code"])
        index._pos = pos
        # the sections of the items and notes a query touches, grouped on access
        heads = PackedStrings(a["sec_text"], a["sec_off"])
        index.sections = _Sections(ids, a["sec_pq"], heads, pos=pos)  # type: ignore[assignment]
        index._filed = _Sections(ids, a["sec_pq"], heads, pos=pos, by_note=True)  # type: ignore[assignment]
        keys = {
            tier: KeyTable(PackedStrings(a[f"key_{tier}_text"], a[f"key_{tier}_off"]),
                           a[f"key_{tier}_flat"], a[f"key_{tier}_ptr"], ids)
            for tier in ("label", "alias")
        }  # fmt: skip
        toks = PackedStrings(a["tok_text"], a["tok_off"])
        text = TextIndex(index, {"postings": {}, "idf": {}, "norm": a["norm"].tolist()})
        # a query reads the postings and weights of its own words only: looked up on access
        postings = KeyTable(toks, a["tok_flat"], a["tok_ptr"], ids)
        idf = KeyTable(toks, None, None, ids, values=a["idf"], same_keys=postings)
        text.postings, text.idf = postings, idf  # type: ignore[assignment]
        if "emb_perm" in a:
            emb_ids = [ids[i] for i in a["emb_perm"].tolist()]
        elif "emb_ids_text" in a:
            emb_ids = unpack_strings(a["emb_ids_text"], a["emb_ids_off"])
        else:
            emb_ids = ids
        enames = meta["emb_types"]
        emb_types = [enames[c] for c in a["emb_type_code"].tolist()]
        in_graph = a["emb_in_graph"].astype(bool)
        context = {k: v for k, v in a.items() if k.startswith("ctx_")} or None
        norms = {k: a[k] for k in ("emb_norm", "emb_rel_norm") if k in a} or None
    except (KeyError, IndexError, ValueError, TypeError):
        return None
    return {"index": index, "text": text, "keys": keys, "stale": bool(meta["stale"]),
            "ranker": meta.get("ranker"), "emb_ids": emb_ids, "emb_types": emb_types,
            "emb_id_rank": a["emb_id_rank"], "emb_in_graph": in_graph,
            "context": context, "norms": norms}  # fmt: skip


def load_scorer(path: str | os.PathLike[str], ids: list[str], types: list[str]) -> Any:
    """An :class:`kg.suggest.scoring.EmbeddingScorer` from ``embeddings.npz``'s ``z`` and decoder,
    with ``ids`` and ``types`` from the index (the archive's wide string arrays are not read)."""
    from kg.suggest.scoring import EmbeddingScorer

    path = Path(path)
    again = f"run `kg train --out {path.parent}` (or `kg build`) to write it again"
    try:
        with np.load(path, allow_pickle=False) as npz:
            decoder = str(npz["decoder"])
            z = npz["z"]
            layers = []
            while f"dec_w{len(layers)}" in npz.files:
                i = len(layers)
                layers.append((npz[f"dec_w{i}"], npz[f"dec_b{i}"]))
            titles = npz["titles"] if "titles" in npz.files else None
        return EmbeddingScorer(ids, types, z, decoder, layers, titles)
    except Exception as exc:  # a truncated zip, another format: one line
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise ValueError(f"{path}: not a readable embeddings file ({reason}); {again}") from None
