"""Files: atomic writes, the name of every file kg writes, and the graph's fingerprint.

The bottom layer: it imports nothing from kg, so every stage writes and names its files
the same way.

>>> import tempfile, pathlib
>>> out = pathlib.Path(tempfile.mkdtemp())
>>> atomic_write_text(out / GRAPH_JSON, "{}").name
'graph.json'
>>> fingerprint({"nodes": [], "links": []})[:12]
'a683096011db'
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

__all__ = [
    "GRAPH_JSON",
    "GRAPH_GRAPHML",
    "GRAPH_HTML",
    "MODEL_PT",
    "MODEL_JSON",
    "EMBEDDINGS_NPZ",
    "SPLIT_NPZ",
    "SUGGEST_CACHE",
    "SYMMETRY_JSON",
    "SYMMETRY_HTML",
    "SYMMETRY_MIRROR_JSON",
    "OUTPUT_NAMES",
    "MODEL_NAMES",
    "SYMMETRY_NAMES",
    "atomic_write_bytes",
    "atomic_write_text",
    "fingerprint",
]

# -- the files of an output folder -------------------------------------------------------
#: the graph (``kg build``): node-link JSON, GraphML, the interactive page
GRAPH_JSON = "graph.json"
GRAPH_GRAPHML = "graph.graphml"
GRAPH_HTML = "graph.html"
#: the trained link predictor (``kg train``): state dict, config, embeddings, held-out split
MODEL_PT = "model.pt"
MODEL_JSON = "model.json"
EMBEDDINGS_NPZ = "embeddings.npz"
SPLIT_NPZ = "split.npz"
#: the binary index ``kg suggest`` keeps beside the model (safe to delete; kg.suggest.index.save_index)
SUGGEST_CACHE = "suggest-index.npz"
#: The suggest index of earlier versions (removed with the model files it indexed).
OLD_SUGGEST_CACHE = "suggest-cache.json"
#: the symmetry analysis (``kg symmetry``)
SYMMETRY_JSON = "symmetry.json"
SYMMETRY_HTML = "symmetry.html"
SYMMETRY_MIRROR_JSON = "symmetry-mirror.json"

#: The files of a trained model (``kg train`` replaces these and keeps the others).
MODEL_NAMES = frozenset({MODEL_PT, MODEL_JSON, EMBEDDINGS_NPZ, SPLIT_NPZ, SUGGEST_CACHE, OLD_SUGGEST_CACHE})
#: The files ``kg symmetry`` writes.
SYMMETRY_NAMES = (SYMMETRY_JSON, SYMMETRY_HTML, SYMMETRY_MIRROR_JSON)
#: Files kg writes into an output folder. A real folder holding anything else is updated in
#: place rather than moved into the version store.
OUTPUT_NAMES = frozenset({GRAPH_JSON, GRAPH_GRAPHML, GRAPH_HTML, *MODEL_NAMES, *SYMMETRY_NAMES})


# -- atomic writes -------------------------------------------------------------------------
def _file_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (temp file in the same folder + rename).

    A reader never sees a half-written file, and an interrupted write leaves the old file.
    The file gets the mode a plain ``open()`` would give it (0666 less the umask).

    >>> import tempfile, pathlib
    >>> atomic_write_bytes(pathlib.Path(tempfile.mkdtemp()) / "x.bin", b"ab").read_bytes()
    b'ab'
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(tmp, _file_mode())  # mkstemp makes 0600; give the mode a plain open() would
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        if exc.filename is None:  # a full disk says nothing of where: name the file
            raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from None
        raise
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def atomic_write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` as UTF-8 (``\\n`` line ends on every platform) to ``path`` atomically.

    >>> import tempfile, pathlib
    >>> p = atomic_write_text(pathlib.Path(tempfile.mkdtemp()) / "a" / "x.txt", "hi")
    >>> p.read_text()
    'hi'
    """
    return atomic_write_bytes(path, text.encode("utf-8"))


# -- the graph's identity --------------------------------------------------------------------
def fingerprint(data: Mapping[str, Any]) -> str:
    """SHA-256 of a graph's node-link data (``graph.json``), independent of record order.

    Nodes are sorted by id and links by ``(source, target)``, parallel links by their
    canonical JSON. :meth:`kg.graph.knowledge_graph.KnowledgeGraph.fingerprint` and
    ``kg suggest`` (which reads ``graph.json`` without building a graph) both call this.

    >>> a = {"nodes": [{"id": "b"}, {"id": "a"}], "links": [{"source": "a", "target": "b"}]}
    >>> b = {"nodes": [{"id": "a"}, {"id": "b"}], "links": [{"source": "a", "target": "b"}]}
    >>> fingerprint(a) == fingerprint(b) != fingerprint({"nodes": [], "links": []})
    True
    """
    nodes = sorted(data["nodes"], key=lambda n: n["id"])
    # order of (source, target, canonical JSON): the JSON only breaks ties between parallel
    # edges, so it is computed for those alone
    links = sorted(data.get("links", []), key=lambda e: (e["source"], e["target"]))
    i = 0
    while i < len(links):
        j = i + 1
        while j < len(links) and (links[j]["source"], links[j]["target"]) == (
            links[i]["source"],
            links[i]["target"],
        ):
            j += 1
        if j - i > 1:
            links[i:j] = sorted(links[i:j], key=lambda e: json.dumps(e, sort_keys=True, default=str))
        i = j
    canon = json.dumps([nodes, links], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canon.encode("utf-8")).hexdigest()
