"""A small hand-made graph and embeddings for the suggest tests (no training needed).

The graph follows kg.graph.schema; the embeddings make the ranking for "Pruning from Scratch" known
by hand (dot decoder, query z = [1, 0, 0], so each candidate's logit is its first coordinate):
LTH 0.9, Rethinking 0.8, Twin A = Twin B 0.5 (a tie), DARTS 0.2, ICLR 0.1, NAS -0.5.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from kg.graph.knowledge_graph import KnowledgeGraph

POST = "post:valse"
NODES: dict[str, dict] = {
    POST: {"type": "post", "label": "VALSE 2020 notes", "path": "notes/valse.md", "date": None},
    "topic:pruning": {"type": "topic", "label": "模型剪枝", "aliases": ["Network Pruning"],
                      "sources": [{"path": "notes/valse.md", "line": 3}]},
    "topic:nas": {"type": "topic", "label": "NAS", "aliases": [],
                  "sources": [{"path": "notes/valse.md", "line": 20}]},
    "paper:pfs": {"type": "paper", "label": "Pruning from Scratch", "aliases": ["PFS"],
                  "sources": [{"path": "notes/valse.md", "line": 5}], "venue": "AAAI",
                  "year": 2020},
    "paper:lth": {"type": "paper", "label": "The Lottery Ticket Hypothesis", "aliases": [],
                  "sources": [{"path": "notes/valse.md", "line": 7}], "venue": "ICLR",
                  "year": 2019},
    "paper:rethinking": {"type": "paper", "label": "Rethinking the Value of Network Pruning",
                         "aliases": [], "sources": [{"path": "notes/valse.md", "line": 9}]},
    "paper:darts": {"type": "paper", "label": "DARTS", "aliases": [],
                    "sources": [{"path": "notes/valse.md", "line": 22}]},
    "paper:twin-a": {"type": "paper", "label": "Twin A", "aliases": [],
                     "sources": [{"path": "other/b.md", "line": 1}]},
    "paper:twin-b": {"type": "paper", "label": "Twin B", "aliases": [],
                     "sources": [{"path": "other/b.md", "line": 2}]},
    "venue:aaai": {"type": "venue", "label": "AAAI", "aliases": []},
    "venue:iclr": {"type": "venue", "label": "ICLR", "aliases": []},
}
EDGES = [
    (POST, "topic:pruning", "mentions"),
    (POST, "topic:nas", "mentions"),
    (POST, "paper:pfs", "mentions"),
    (POST, "paper:lth", "mentions"),
    (POST, "paper:rethinking", "mentions"),
    (POST, "paper:darts", "mentions"),
    ("paper:pfs", "topic:pruning", "part_of"),
    ("paper:lth", "topic:pruning", "part_of"),
    ("paper:rethinking", "topic:pruning", "part_of"),
    ("paper:darts", "topic:nas", "part_of"),
    ("paper:pfs", "venue:aaai", "published_at"),
    ("paper:lth", "venue:iclr", "published_at"),
    ("paper:twin-a", "venue:iclr", "published_at"),
    ("paper:twin-b", "venue:iclr", "published_at"),
]
Z = {
    "paper:pfs": [1.0, 0.0, 0.0],
    "paper:lth": [0.9, 0.1, 0.0],
    "paper:rethinking": [0.8, 0.0, 0.3],
    "paper:twin-a": [0.5, 1.0, 0.0],
    "paper:twin-b": [0.5, 1.0, 0.0],
    "paper:darts": [0.2, 0.0, 1.0],
    "venue:iclr": [0.1, 0.5, 0.5],
    "topic:nas": [-0.5, 0.0, 1.0],
    "topic:pruning": [2.0, 0.0, 0.0],  # linked to the query: must never be suggested
    "venue:aaai": [3.0, 0.0, 0.0],  # linked too
    POST: [5.0, 0.0, 0.0],
}
#: The expected ranking for "Pruning from Scratch" over entity types.
EXPECTED = [
    "paper:lth", "paper:rethinking", "paper:twin-a", "paper:twin-b",
    "paper:darts", "venue:iclr", "topic:nas",
]


def handmade_graph() -> KnowledgeGraph:
    """The hand-made graph as a KnowledgeGraph."""
    edges = [(u, v, r, {"relation": r, **({"year": 2020} if r == "published_at" else {})})
             for u, v, r in EDGES]
    return KnowledgeGraph.from_records({k: dict(v) for k, v in NODES.items()}, edges)


def write_model_dir(directory: Path, *, decoder: dict | None = None, stale: bool = False) -> Path:
    """Write graph.json, model.json and embeddings.npz (dot decoder unless ``decoder``)."""
    kg = handmade_graph()
    kg.save(directory)
    fingerprint = "0" * 64 if stale else kg.fingerprint()
    (directory / "model.json").write_text(
        json.dumps({"graph_fingerprint": fingerprint, "decoder": "dot"}), encoding="utf-8"
    )
    ids = list(Z)
    arrays = {
        "ids": np.array(ids),
        "types": np.array([NODES[i]["type"] for i in ids]),
        "z": np.array([Z[i] for i in ids], dtype=np.float32),
        "decoder": np.array("dot"),
    }
    arrays.update(decoder or {})
    np.savez(directory / "embeddings.npz", **arrays)
    return directory


def trainable_graph(extra: int = 24) -> KnowledgeGraph:
    """The hand-made graph plus ``extra`` papers spread over its topics and venues, so that
    it has enough target edges to train a real model on."""
    nodes = {k: dict(v) for k, v in NODES.items()}
    edges = [(u, v, r, {"relation": r}) for u, v, r in EDGES]
    topics, venues = ["topic:pruning", "topic:nas"], ["venue:aaai", "venue:iclr"]
    for i in range(extra):
        nid = f"paper:extra-{i}"
        nodes[nid] = {"type": "paper", "label": f"Extra paper {i}", "aliases": [],
                      "sources": [{"path": "notes/valse.md", "line": 30 + i}]}
        edges.append((POST, nid, "mentions", {"relation": "mentions"}))
        edges.append((nid, topics[i % 2], "part_of", {"relation": "part_of"}))
        edges.append((nid, venues[(i // 2) % 2], "published_at",
                      {"relation": "published_at", "year": 2020}))
    return KnowledgeGraph.from_records(nodes, edges)
