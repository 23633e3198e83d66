"""A small hand-built knowledge graph following kg.graph.schema, for the link-prediction tests."""

from __future__ import annotations

import networkx as nx

from kg.graph.knowledge_graph import KnowledgeGraph

TOPIC_NAMES = ["图神经网络", "Pruning", "Few-shot learning", "Knowledge distillation"]


def _node(g: nx.MultiDiGraph, nid: str, ntype: str, label: str, **extra: object) -> None:
    g.add_node(nid, type=ntype, label=label, aliases=[], sources=[], notes=[], **extra)


def _edge(g: nx.MultiDiGraph, u: str, v: str, relation: str, **extra: object) -> None:
    g.add_edge(u, v, key=relation, relation=relation, **extra)


def toy_kg(posts: int = 4, papers_per_topic: int = 4) -> KnowledgeGraph:
    """``posts`` posts; each has a root topic with two subtopics of ``papers_per_topic`` papers.

    Papers are ``part_of`` their subtopic and ``published_at`` one of three venues; the post
    ``mentions`` every entity it holds and is ``tagged`` with its root topic.
    """
    g = nx.MultiDiGraph()
    venues = ["NeurIPS", "ICLR", "CVPR"]
    for v in venues:
        _node(g, f"venue:{v.lower()}", "venue", v)
    for p in range(posts):
        post = f"post:p{p}"
        _node(g, post, "post", f"Notes {p}", path=f"notes/p{p}.md", date=None)
        root = f"topic:root{p}"
        _node(g, root, "topic", TOPIC_NAMES[p % len(TOPIC_NAMES)])
        _edge(g, post, root, "tagged")
        for s in range(2):
            sub = f"topic:sub{p}-{s}"
            _node(g, sub, "topic", f"{TOPIC_NAMES[p % len(TOPIC_NAMES)]} part {s}")
            _edge(g, sub, root, "subtopic_of")
            _edge(g, post, sub, "mentions")
            for k in range(papers_per_topic):
                paper = f"paper:x{p}-{s}-{k}"
                venue = venues[(p + s + k) % 3]
                _node(
                    g,
                    paper,
                    "paper",
                    f"Paper {k} on {TOPIC_NAMES[p % 4]} {s}",
                    venue=venue,
                    year=2020,
                    url=None,
                    ids={},
                    authors=[],
                )
                _edge(g, paper, sub, "part_of")
                _edge(g, paper, f"venue:{venue.lower()}", "published_at", year=2020)
                _edge(g, post, paper, "mentions")
    return KnowledgeGraph(g)
