"""The binary suggest index on disk: ``suggest-index.npz`` beside a trained model.

:func:`save_index` writes what :meth:`kg.suggest.suggester.Suggester.load` needs to answer
a query without parsing ``graph.json`` or reading ``embeddings.npz``'s id strings: the
graph's adjacency as CSR arrays, node ids, labels and name keys packed as one UTF-8 array
plus offsets each (:func:`pack_strings`), the label-word postings, the embedding rows, the
heading-context bags and the staleness verdict. :func:`read_index` reads it back lazily
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
]


# -- the binary index `kg suggest` reads ---------------------------------------------------
#: Bumped when the layout of :data:`kg.io.SUGGEST_CACHE` changes (older files are rebuilt).
INDEX_FORMAT = 3
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
) -> None:
    """Write the suggest index of the folder ``path`` lies in (atomically; a folder that
    cannot be written goes without, and ``kg suggest`` then builds what it needs in memory).

    ``index`` is a :class:`kg.suggest.reasons.GraphIndex`, ``text`` its :class:`kg.suggest.related.TextIndex`,
    ``keys`` the name keys of :func:`kg.suggest.suggester._match_keys`, ``emb_ids``/``emb_types`` the
    rows of ``embeddings.npz``, ``page`` the page's suggestions (``{"k": k, "suggestions":
    {...}}``, which the next build reuses where the graph did not change, see
    :func:`reusable_page`), ``context`` the heading bags of :class:`kg.suggest.related.ContextIndex`
    (``to_compact()``, kept as JSON). Every array is numeric: strings are packed by
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
    if emb_ids != ids:  # else the node ids serve (the usual case)
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
    if context is not None:
        arrays["context"] = _json_bytes(context)
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    with contextlib.suppress(OSError):  # a read-only folder: suggestions work, only slower
        atomic_write_bytes(path, buf.getvalue())


def read_index(path: str | os.PathLike[str]) -> dict[str, Any] | None:
    """What :func:`save_index` wrote, while the files it indexed are unchanged (else, or
    when it cannot be read, ``None``): ``{"index", "text", "keys", "stale", "ranker",
    "emb_ids", "emb_types", "emb_id_rank", "emb_in_graph", "context"}`` (``context``:
    ``None`` when none was written)."""
    import zipfile

    from kg.graph.adjacency import GraphIndex
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
        for (p, q), sec in zip(a["sec_pq"].tolist(), unpack_strings(a["sec_text"], a["sec_off"]),
                               strict=True):  # fmt: skip
            index.sections.setdefault(ids[p], {})[ids[q]] = sec
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
        emb_ids = (ids if "emb_ids_text" not in a
                   else unpack_strings(a["emb_ids_text"], a["emb_ids_off"]))  # fmt: skip
        enames = meta["emb_types"]
        emb_types = [enames[c] for c in a["emb_type_code"].tolist()]
        in_graph = a["emb_in_graph"].astype(bool)
        context = _from_json_bytes(a["context"]) if "context" in a else None
    except (KeyError, IndexError, ValueError, TypeError):
        return None
    return {"index": index, "text": text, "keys": keys, "stale": bool(meta["stale"]),
            "ranker": meta.get("ranker"), "emb_ids": emb_ids, "emb_types": emb_types,
            "emb_id_rank": a["emb_id_rank"], "emb_in_graph": in_graph,
            "context": context}  # fmt: skip


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
        return EmbeddingScorer(ids, types, z, decoder, layers)
    except Exception as exc:  # a truncated zip, another format: one line
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise ValueError(f"{path}: not a readable embeddings file ({reason}); {again}") from None
