"""Tests of kg.learn.pyg: the HeteroData view and the homogeneous target/context view."""

from __future__ import annotations

import torch
from _toy_kg import toy_kg

from kg.learn.pyg import CONTEXT_RELATIONS, TARGET_RELATIONS, to_hetero_data, to_link_graph


def test_to_hetero_data_has_all_types_and_relations() -> None:
    kg = toy_kg()
    data = to_hetero_data(kg)
    assert set(data.node_types) == {"post", "topic", "paper", "venue"}
    assert data["paper"].num_nodes == 32
    assert data["paper"].ids == sorted(n["id"] for n in kg.nodes("paper"))
    ei = data["paper", "part_of", "topic"].edge_index
    assert ei.size(1) == 32
    # every stored edge maps back to a real edge of the graph
    for a, b in ei.t().tolist():
        u, v = data["paper"].ids[a], data["topic"].ids[b]
        assert kg.graph.has_edge(u, v, key="part_of")
    assert ("post", "mentions", "paper") in data.edge_types


def test_to_hetero_data_feature_width_by_kind() -> None:
    data = to_hetero_data(toy_kg(), "type")
    assert data["topic"].x.shape == (12, 5)


def test_link_graph_splits_targets_from_context() -> None:
    kg = toy_kg()
    lg = to_link_graph(kg, dim=16)
    n_target = sum(1 for *_, r in kg.graph.edges(data="relation") if r in TARGET_RELATIONS)
    n_context = sum(1 for *_, r in kg.graph.edges(data="relation") if r in CONTEXT_RELATIONS)
    assert lg.target.size(1) == n_target == 72
    assert lg.context.size(1) == n_context == 44
    assert bool((lg.target[0] < lg.target[1]).all())
    assert lg.ids == sorted(kg.graph.nodes)
    assert lg.x.shape == (len(lg.ids), 5 + 16)
    assert lg.x.dtype == torch.float32
    from kg.graph.schema import NODE_TYPES

    assert [NODE_TYPES[i] for i in lg.node_type.tolist()] == lg.types


def test_link_graph_collapses_parallel_and_reverse_edges() -> None:
    kg = toy_kg(posts=1)
    kg.graph.add_edge("topic:root0", "topic:sub0-0", key="part_of", relation="part_of")
    lg = to_link_graph(kg, dim=8)
    assert lg.target.size(1) == 8 + 8 + 2  # reverse of an existing pair adds nothing
