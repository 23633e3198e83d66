"""Suggestions at any size: the ``kg suggest`` index written at build time, and bounded
page suggestions on large graphs.

Run by ``kg build`` after training:

* :func:`write_suggest_index` writes the binary index :meth:`kg.suggest.Suggester.load`
  keeps beside the model (``suggest-index.npz``, see :func:`save_index`: the graph's
  adjacency as CSR arrays, node ids, labels and name keys packed as one UTF-8 array plus
  offsets each, the label-word postings, the embedding rows and the staleness verdict), so
  the *first* ``kg suggest`` after a build reads a few numeric arrays instead of parsing
  ``graph.json`` and fingerprinting the graph, and never reads ``embeddings.npz``'s id
  strings.
* :func:`page_suggestions` gives the HTML page its suggestions. Up to
  :data:`PAGE_EXACT_MAX` entity nodes every entity gets its top ``k`` exactly
  (:meth:`kg.predictor.LinkPredictor.suggestions_for_all`). Above it, scoring every entity
  against every other with the MLP decoder costs ``m^2 d^2`` multiply-adds (hours at
  45,000 entities), so the page lists suggestions for the :data:`PAGE_MAX_NODES` best
  connected entities, and each of those scores its candidates in two stages: the
  decoder's linear part (``sum_k z_u[k] z_v[k] c[k]`` with ``c = W_0 W_1 ... W_last``, one
  matrix product over all candidates at once) keeps the best :data:`PRESELECT`, and the
  exact decoder ranks those. With a related-works ranker in the model (``kg train`` fits
  one), the page instead shows exactly what ``kg suggest`` prints for the
  :data:`RANKED_MAX_NODES` best connected entities (about 50 ms each on two cores at
  35,000 nodes). ``kg suggest`` itself always ranks every candidate exactly.
* After a small edit (``kg build`` fine-tuning the previous model), :func:`reusable_page`
  keeps the previous page's suggestions of the entities the edit cannot have reached, so
  only the others are scored again.

Example
-------
>>> import numpy as np
>>> linear_weights({"decoder": "dot"}) is None
True
>>> w = {"decoder": "mlp", "dec_w0": np.eye(2, dtype=np.float32), "dec_b0": np.zeros(2, np.float32),
...      "dec_w1": np.array([[2.0], [1.0]], dtype=np.float32), "dec_b1": np.zeros(1, np.float32)}
>>> linear_weights(w).tolist()
[2.0, 1.0]
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "PAGE_EXACT_MAX",
    "PAGE_MAX_NODES",
    "PRESELECT",
    "RANKED_MAX_NODES",
    "write_suggest_index",
    "linear_weights",
    "page_suggestions",
    "reusable_page",
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

#: Up to this many entity nodes the page's suggestions are exact for every entity.
PAGE_EXACT_MAX = 6000
#: Above :data:`PAGE_EXACT_MAX`, the page lists suggestions for this many entities (highest
#: degree first); ``kg suggest`` answers for any node.
PAGE_MAX_NODES = 2000
#: Candidates per query kept by the linear pre-selection for exact scoring.
PRESELECT = 256
#: Above :data:`PAGE_EXACT_MAX`, with a related-works ranker: entities the page lists
#: suggestions for (each ranked exactly as ``kg suggest`` ranks it)
RANKED_MAX_NODES = 500


def write_suggest_index(
    out: str | os.PathLike[str], predictor: Any = None, suggester: Any = None,
    page: Mapping[str, Any] | None = None,
) -> Path | None:
    """Write ``out``'s suggest index now (what the first ``kg suggest`` would build).

    ``predictor`` and ``suggester``: the model just saved into ``out`` and its
    :class:`kg.suggest.Suggester` over the graph it was trained on, also saved there
    (``kg build`` has both from the page's suggestions); their index is written as it is,
    instead of parsing ``graph.json`` back (seconds at 50,000 nodes). Without them,
    ``out``'s files are read.

    Returns the index file, or ``None`` when the folder holds no model to index.
    """
    from kg.suggest import SUGGEST_CACHE, Suggester, _match_keys

    out = Path(out)
    path = out / SUGGEST_CACHE
    if suggester is not None and predictor is not None:
        ranker = (getattr(predictor, "config", None) or {}).get("ranker")
        save_index(path, stale=False, ranker=ranker, index=suggester.index,
                   text=suggester.text, keys=_match_keys(suggester.index),
                   emb_ids=suggester.scorer.ids, emb_types=suggester.scorer.types,
                   page=page, context=suggester.context.to_compact())  # fmt: skip
        return path if path.exists() else None
    try:
        Suggester.load(out, cache=True)
    except FileNotFoundError:
        return None
    return path if path.exists() else None


def linear_weights(decoder: dict[str, Any]) -> np.ndarray | None:
    """``c`` with ``logit ~ sum_k z_u[k] z_v[k] c[k]`` (the MLP without its ReLUs and
    biases); ``None`` for the dot decoder (exact already: ``c = 1``)."""
    if str(decoder.get("decoder")) != "mlp":
        return None
    c = None
    i = 0
    while f"dec_w{i}" in decoder:
        w = np.asarray(decoder[f"dec_w{i}"], dtype=np.float32)
        c = w if c is None else c @ w
        i += 1
    return None if c is None else c[:, 0]


def page_suggestions(
    predictor: Any, kg: Any, k: int = 5, *, max_nodes: int = PAGE_MAX_NODES,
    suggester: Any = None, reuse: Mapping[str, list[dict[str, Any]]] | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """Suggestions for the HTML page (see the module docstring): exact for every entity on
    graphs up to :data:`PAGE_EXACT_MAX` entities, else for the ``max_nodes`` entities of
    highest degree with a linear pre-selection.

    ``suggester``: :meth:`kg.suggest.Suggester.from_predictor` of ``predictor`` over
    ``kg``, when the caller has it (``kg build`` keeps it for :func:`write_suggest_index`).
    ``reuse``: suggestions kept from the previous build (:func:`reusable_page`); only the
    other entities are scored.
    """
    from kg.schema import ENTITY_TYPES
    from kg.suggest import Suggester

    if suggester is None:
        suggester = Suggester.from_predictor(predictor, graph=kg)
    reuse = reuse or {}
    entities = [n for n, t in zip(predictor.ids, predictor.types, strict=True) if t in ENTITY_TYPES]
    if len(entities) <= PAGE_EXACT_MAX:
        listed = [n for n in entities if n in suggester.index.nodes]
    else:
        degree = dict(kg.graph.degree())
        queries = sorted(entities, key=lambda n: (-degree.get(n, 0), n))[:max_nodes]
        listed = queries[:RANKED_MAX_NODES] if suggester.ranker is not None else queries
    todo = [n for n in listed if n not in reuse]
    if len(entities) <= PAGE_EXACT_MAX or suggester.ranker is not None:
        # exactly what `kg suggest` says (with the related-works ranker on large graphs)
        fresh = suggester.suggestions_for_all(k=k, nodes=todo)
    else:
        fresh = _preselected(predictor, kg, suggester, todo, entities, k)
    return {n: reuse[n] if n in reuse else fresh[n] for n in listed if n in reuse or n in fresh}


def reusable_page(
    out: str | os.PathLike[str], suggester: Any, k: int = 5, *, hops: int = 2
) -> dict[str, list[dict[str, Any]]]:
    """The page suggestions of the previous build in ``out`` that still hold after an edit.

    The previous build's index (:func:`save_index`) keeps its graph and its page. A node
    *changed* when it was added or removed or its attributes or links changed; the change
    reaches the nodes within ``hops`` links of it (what shared-neighbour evidence and a
    two-layer GNN see), not passing through venues, housekeeping headings and hubs (they
    are no evidence); a node added, removed or renamed also reaches the nodes whose labels
    share a word with it (the text feature; words in a fifth of all labels tell nothing and
    are skipped). A node's suggestions are kept when it was not reached and no node they
    list changed (the features of a pair change only with its two nodes or a neighbour they
    share, which would have reached the query); ``{}`` when there is no usable previous
    index, it was made for another ``k``, or the hub threshold moved. The model's scores in
    kept lists are the previous model's (a fine-tune moves them little).
    """
    from kg.outdir import resolve
    from kg.reasons import COMPACT_ATTRS
    from kg.suggest import SUGGEST_CACHE

    try:
        path = resolve(Path(out)) / SUGGEST_CACHE
        with np.load(path, allow_pickle=False) as npz:
            if "page" not in npz.files:
                return {}
            page = _from_json_bytes(npz["page"])
        before = read_index(path)
    except (OSError, ValueError, KeyError):
        return {}
    if before is None or not isinstance(page, dict) or page.get("k") != k:
        return {}
    old, new = before["index"], suggester.index
    from kg.related import Evidence

    was = Evidence(old)
    if was.hub_degree != suggester.evidence.hub_degree:
        return {}  # which nodes count as hubs moved: every shared-neighbour score may change

    def links(index: Any, nid: str) -> set[tuple[str, str, bool]]:
        return {(w, r, o) for w, rels in index.neighbors(nid).items() for r, o in rels}

    def attrs(index: Any, nid: str) -> dict[str, Any]:
        a = index.nodes.get(nid, {})
        return {c: a[c] for c in COMPACT_ATTRS if c in a}

    renamed = {n for n in old.nodes if n not in new.nodes}  # removed, added or relabelled
    changed = set(renamed)
    for n in new.nodes:
        if n not in old.nodes or attrs(old, n) != attrs(new, n):
            renamed.add(n)
            changed.add(n)
        elif links(old, n) != links(new, n):
            changed.add(n)
    reached = set(changed)
    frontier = changed
    evidence = suggester.evidence
    for _ in range(hops):
        nxt = set()
        for n in frontier:
            if n in new.nodes and evidence.blocked(n) and (n not in old.nodes or was.blocked(n)):
                continue  # a venue, a housekeeping heading or a hub: no evidence through it
            for index in (old, new):
                nxt.update(w for w in index.neighbors(n) if w not in reached)
        reached |= nxt
        frontier = nxt
    text = suggester.text
    limit = 0.2 * len(new.nodes) + 50
    for n in renamed:  # a label-word score changes only with the labels themselves
        if n in new.nodes:
            for t in text.tokens(n):
                post = text.postings.get(t, ())
                if len(post) <= limit:
                    reached.update(post)
    kept = {}
    for q, found in page.get("suggestions", {}).items():
        if q in reached or q not in new.nodes:
            continue
        # the features of (q, c) change only when q, c or a neighbour they share changed: a
        # shared one would have reached q, so a listed c must itself be unchanged
        listed = {s.get("id") for s in found} | {t for s in found for t in s.get("tied_with", ())}
        if listed & changed or not all(x in new.nodes for x in listed):
            continue
        kept[q] = found
    return kept


def _preselected(
    predictor: Any, kg: Any, suggester: Any, queries: list[str], entities: list[str], k: int
) -> dict[str, list[dict[str, Any]]]:
    """Page suggestions of ``queries`` with the linear pre-selection (no ranker, large graph)."""
    from kg.suggest import TIE_TOL

    scorer = suggester.scorer
    pool = np.array([scorer.row[n] for n in entities if n in kg.graph], dtype=np.int64)
    c = linear_weights(predictor.decoder)
    zp = scorer.z[pool]
    zc = zp if c is None else zp * c
    out: dict[str, list[dict[str, Any]]] = {}
    block = 256
    for start in range(0, len(queries), block):
        chunk = queries[start : start + block]
        rows = np.asarray([scorer.row[n] for n in chunk], dtype=np.int64)
        approx = scorer.z[rows] @ zc.T  # [block, pool]
        for nid, row, scores in zip(chunk, rows, approx, strict=True):
            drop = {scorer.row[n] for n in (*suggester.linked(nid), nid) if n in scorer.row}
            ok = ~np.isin(pool, list(drop))
            cands, s = pool[ok], scores[ok]
            if cands.size > PRESELECT:
                keep = np.argpartition(-s, PRESELECT - 1)[:PRESELECT]
                cands = cands[keep]
            logits = scorer.logits(int(row), cands)
            order = suggester._order(cands, logits)
            found = suggester._build(nid, cands[order], logits[order], k, True, TIE_TOL, 3)
            out[nid] = [{kk: v for kk, v in s.to_dict().items() if kk != "rank"} for s in found]
    return out


# -- the binary index `kg suggest` reads ---------------------------------------------------
#: Bumped when the layout of :data:`kg.suggest.SUGGEST_CACHE` changes (older files are rebuilt).
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
    """Match key -> node ids (one tier of :func:`kg.suggest._match_keys`), from a CSR."""

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

    ``index`` is a :class:`kg.reasons.GraphIndex`, ``text`` its :class:`kg.related.TextIndex`,
    ``keys`` the name keys of :func:`kg.suggest._match_keys`, ``emb_ids``/``emb_types`` the
    rows of ``embeddings.npz``, ``page`` the page's suggestions (``{"k": k, "suggestions":
    {...}}``, which the next build reuses where the graph did not change, see
    :func:`reusable_page`), ``context`` the heading bags of :class:`kg.related.ContextIndex`
    (``to_compact()``, kept as JSON). Every array is numeric: strings are packed by
    :func:`pack_strings`, lists of nodes are CSR arrays of positions.
    """
    import contextlib
    import io
    import json

    from kg.graph import atomic_write_bytes
    from kg.reasons import COMPACT_ATTRS

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
    # the tie-break of equal logits (see kg.suggest.Suggester._order), computed once here
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

    from kg.reasons import GraphIndex
    from kg.related import TextIndex

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
    """An :class:`kg.scoring.EmbeddingScorer` from ``embeddings.npz``'s ``z`` and decoder,
    with ``ids`` and ``types`` from the index (the archive's wide string arrays are not read)."""
    from kg.scoring import EmbeddingScorer

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
