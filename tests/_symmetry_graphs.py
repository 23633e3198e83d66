"""Hand-made knowledge graphs with symmetry known by hand (shared by the symmetry tests)."""

from __future__ import annotations

import networkx as nx

from kg.graph.knowledge_graph import KnowledgeGraph


def handmade() -> KnowledgeGraph:
    """Two topics; topic A holds methods m0..m2, topic B holds m3; each method has papers.

    Methods m0..m2 are exchangeable (3 papers each); m3 has 5 papers, so it is alone.
    """
    g = nx.MultiDiGraph()

    def node(nid: str, t: str) -> None:
        g.add_node(nid, type=t, label=nid.split(":")[1], aliases=[], sources=[], notes=[])

    node("topic:A", "topic")
    node("topic:B", "topic")
    node("post:p", "post")
    for m, (topic, papers) in enumerate([("A", 3), ("A", 3), ("A", 3), ("B", 5)]):
        node(f"method:m{m}", "method")
        g.add_edge(f"method:m{m}", f"topic:{topic}", key="part_of", relation="part_of")
        for p in range(papers):
            node(f"paper:m{m}p{p}", "paper")
            g.add_edge(f"paper:m{m}p{p}", f"method:m{m}", key="part_of", relation="part_of")
    for t in ("A", "B"):
        g.add_edge("post:p", f"topic:{t}", key="mentions", relation="mentions")
    return KnowledgeGraph(g)


def forest(methods: int = 12, papers: int = 5) -> KnowledgeGraph:
    """``methods`` methods under two topics, method ``i`` holding ``2 + i % papers`` papers."""
    g = nx.MultiDiGraph()

    def node(nid: str, t: str) -> None:
        g.add_node(nid, type=t, label=nid.split(":")[1], aliases=[], sources=[], notes=[])

    for t in ("A", "B"):
        node(f"topic:{t}", "topic")
    for m in range(methods):
        node(f"method:m{m}", "method")
        g.add_edge(f"method:m{m}", f"topic:{'AB'[m % 2]}", key="part_of", relation="part_of")
        for p in range(2 + m % papers):
            node(f"paper:m{m}p{p}", "paper")
            g.add_edge(f"paper:m{m}p{p}", f"method:m{m}", key="part_of", relation="part_of")
    return KnowledgeGraph(g)
