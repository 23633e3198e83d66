"""Tests of kg.learn.nn: encoders, decoders, and the NumPy twin of the decoders."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from kg.learn.nn import DECODERS, ENCODERS, Encoder, LinkModel, decoder_arrays
from kg.suggest.scoring import score_matrix, score_pairs


def _graph() -> tuple[torch.Tensor, torch.Tensor]:
    torch.manual_seed(0)
    x = torch.randn(6, 5)
    ring = torch.tensor([[0, 1, 2, 3, 4, 5], [1, 2, 3, 4, 5, 0]])
    return x, torch.cat([ring, ring.flip(0)], dim=1)


@pytest.mark.parametrize("encoder", ENCODERS)
@pytest.mark.parametrize("layers", [1, 3])
def test_encoder_shapes(encoder: str, layers: int) -> None:
    x, ei = _graph()
    z = Encoder(5, 7, layers, encoder)(x, ei)
    assert z.shape == (6, 7)


def test_bad_options() -> None:
    with pytest.raises(ValueError, match="unknown encoder 'gin'"):
        Encoder(3, 4, 2, "gin")
    with pytest.raises(ValueError, match="layers must be >= 1"):
        Encoder(3, 4, 0)
    with pytest.raises(ValueError, match="unknown decoder 'bilinear'"):
        LinkModel(3, decoder="bilinear")


@pytest.mark.parametrize("decoder", DECODERS)
def test_decoder_is_symmetric(decoder: str) -> None:
    x, ei = _graph()
    model = LinkModel(5, 8, 2, decoder=decoder)
    z = model.encode(x, ei)
    pairs = torch.tensor([[0, 1, 2], [3, 5, 4]])
    assert torch.allclose(model.decode(z, pairs), model.decode(z, pairs.flip(0)), atol=1e-6)


@pytest.mark.parametrize("decoder", DECODERS)
def test_numpy_score_equals_torch_score(decoder: str) -> None:
    x, ei = _graph()
    torch.manual_seed(1)
    model = LinkModel(5, 8, 2, decoder=decoder)
    with torch.no_grad():
        for p in model.parameters():  # move off the initialisation so every weight matters
            p.add_(0.3 * torch.randn_like(p))
        z = model.encode(x, ei)
        pairs = torch.tensor([[0, 1, 2, 4], [3, 5, 4, 4]])
        expected = torch.sigmoid(model.decode(z, pairs)).numpy()
    arrays = decoder_arrays(model)
    got = score_pairs(z.numpy(), pairs.numpy(), arrays)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
    rows = score_matrix(z.numpy(), np.array([0, 2]), arrays)
    np.testing.assert_allclose(rows[0, 3], expected[0], rtol=1e-5)
    np.testing.assert_allclose(rows[1, 4], expected[2], rtol=1e-5)


def test_degree_column_follows_the_message_passing_graph() -> None:
    x, ei = _graph()
    model = LinkModel(5, 4, 1, encoder="sage", decoder="dot", degree=True)
    z_ring = model.encode(x, ei)
    z_cut = model.encode(x, ei[:, 1:])  # one edge fewer: degrees (and so z) change
    assert not torch.allclose(z_ring, z_cut)


def test_node_embedding_adds_trainable_identity() -> None:
    x, ei = _graph()
    model = LinkModel(5, 4, 1, node_dim=3, num_nodes=6)
    assert model.node_emb is not None and model.node_emb.weight.shape == (6, 3)
    assert model.encode(x, ei).shape == (6, 4)


def test_projected_sage_equals_sage_conv() -> None:
    from torch_geometric.nn import SAGEConv

    from kg.learn.nn import ProjectedSAGEConv

    torch.manual_seed(0)
    x = torch.randn(5, 8)
    ei = torch.tensor([[0, 1, 2, 3], [1, 2, 3, 0]])  # node 4 has no neighbour
    ref, ours = SAGEConv(8, 4), ProjectedSAGEConv(8, 4)
    with torch.no_grad():
        ours.lin_l.weight.copy_(ref.lin_l.weight)
        ours.lin_r.weight.copy_(ref.lin_r.weight)
        ours.lin_r.bias.copy_(ref.lin_l.bias)
    assert torch.allclose(ref(x, ei), ours(x, ei), atol=1e-6)


def test_hetero_encoder_gives_every_node_an_embedding() -> None:
    x, ei = _graph()
    node_type = torch.tensor([0, 0, 1, 1, 2, 2])
    model = LinkModel(5, 6, 2, encoder="hetero", node_type=node_type)
    z = model.encode(x, ei)
    assert z.shape == (6, 6) and bool((z.abs().sum(dim=1) > 0).all())
    with pytest.raises(ValueError, match="needs node_type"):
        LinkModel(5, encoder="hetero")


@pytest.mark.parametrize("encoder", ENCODERS)
@pytest.mark.parametrize("layers", [1, 2, 3])
@pytest.mark.parametrize("node_dim", [0, 4])
def test_a_few_nodes_encoded_on_their_receptive_field_equal_the_whole_graph(
    encoder: str, layers: int, node_dim: int
) -> None:
    """encode_nodes gives the rows of encode: GraphSAGE runs each layer only for the nodes
    the next reads (input wider than the layers, so the first is a ProjectedSAGEConv),
    the other encoders encode the whole graph."""
    torch.manual_seed(0)
    n = 300
    model = LinkModel(40, hidden=8, layers=layers, encoder=encoder, num_nodes=n, node_dim=node_dim).eval()
    ei = torch.randint(0, n, (2, 900))
    ei = torch.cat([ei, ei.flip(0), torch.tensor([[0, 1], [1, 0]])], dim=1)  # 299 may be isolated
    x = torch.randn(n, 40)
    nodes = torch.tensor([7, 0, 299, 150, 1])
    with torch.no_grad():
        whole = model.encode(x, ei)[nodes]
        part = model.encode_nodes(x, ei, nodes)
    torch.testing.assert_close(part, whole, rtol=1e-5, atol=1e-6)
    assert model.encoder.local == (encoder == "sage")
