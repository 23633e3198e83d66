"""Encoders and decoders of the link predictor (torch / torch-geometric modules).

Encoder: ``layers`` graph convolutions (GraphSAGE by default, GCN or GAT selectable) with ReLU
and dropout between them and none after the last; the final layer's output is the node
embedding ``z``. With ``degree=True`` the encoder appends ``log(1 + degree)`` of the
message-passing graph it is given to the node features (so held-out edges never leak in).

Decoders score a pair ``(u, v)`` from ``z_u`` and ``z_v``; ``sigmoid(logit)`` is the
probability of a link:

* ``"dot"``: ``logit = sum(z_u * z_v)``
* ``"mlp"``: ``h_0 = z_u * z_v``; ``h_{i+1} = relu(h_i @ W_i + b_i)`` for every layer but the
  last; ``logit = h_last @ W_last + b_last``. :func:`decoder_arrays` exports ``W_i`` as
  ``dec_w{i}`` (shape ``[in, out]``, already transposed) and ``b_i`` as ``dec_b{i}``; the
  NumPy twin :func:`kg.suggest.scoring.decode` computes exactly this.

Both decoders are symmetric in ``u`` and ``v``.

Example
-------
>>> import torch
>>> model = LinkModel(4, hidden=8, layers=2, encoder="sage", decoder="mlp")
>>> x = torch.randn(3, 4); edge_index = torch.tensor([[0, 1, 1, 2], [1, 0, 2, 1]])
>>> z = model.encode(x, edge_index)
>>> tuple(z.shape), tuple(model.decode(z, torch.tensor([[0], [2]])).shape)
((3, 8), (1,))
>>> sorted(decoder_arrays(model))
['dec_b0', 'dec_b1', 'dec_w0', 'dec_w1', 'decoder']
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn
from torch_geometric.nn import GATConv, GCNConv, MessagePassing, SAGEConv
from torch_geometric.utils import degree as node_degree

__all__ = [
    "ENCODERS",
    "DECODERS",
    "ProjectedSAGEConv",
    "Encoder",
    "HeteroEncoder",
    "MLPDecoder",
    "LinkModel",
    "decoder_arrays",
]

def _templates_leave_no_files() -> None:
    """Have torch-geometric's generated modules leave no ``.py`` files in the temp folder.

    A message-passing layer renders its ``propagate`` code from a template into
    ``NamedTemporaryFile(delete=False)`` in the system temp folder and imports it; the file
    is never removed (two or more per training run). Each rendering now happens in a
    private temporary folder that is removed once the module is imported.
    """
    import tempfile

    from torch_geometric.nn import sequential
    from torch_geometric.nn.conv import message_passing

    original = message_passing.module_from_template
    if getattr(original, "leaves_no_files", False):
        return

    def module_from_template(*args, **kwargs):  # noqa: ANN202 - same as the original
        with tempfile.TemporaryDirectory(prefix="kg-pyg-") as folder:
            old, tempfile.tempdir = tempfile.tempdir, folder
            try:
                return original(*args, **kwargs)
            finally:
                tempfile.tempdir = old

    module_from_template.leaves_no_files = True  # type: ignore[attr-defined]
    message_passing.module_from_template = module_from_template
    if getattr(sequential, "module_from_template", None) is original:
        sequential.module_from_template = module_from_template


_templates_leave_no_files()

#: Accepted ``encoder=`` values.
ENCODERS: tuple[str, ...] = ("sage", "gcn", "gat")
#: Accepted ``decoder=`` values.
DECODERS: tuple[str, ...] = ("dot", "mlp")


class ProjectedSAGEConv(MessagePassing):
    """GraphSAGE (mean) that projects before aggregating: ``mean_j(x_j W_l) + b + x_i W_r``.

    Equal to ``SAGEConv`` (``W_l mean_j x_j + b + W_r x_i``) for every node with a neighbour
    (a mean commutes with a linear map), but aggregates ``out_channels`` instead of
    ``in_channels`` values per edge: used for the first layer when the input is wider than
    the output (e.g. 1,433 bag-of-words features of Cora into 128), where it is several
    times faster.
    """

    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__(aggr="mean")
        self.lin_l = nn.Linear(in_channels, out_channels, bias=False)
        self.lin_r = nn.Linear(in_channels, out_channels, bias=True)

    def forward(
        self, x: torch.Tensor | tuple[torch.Tensor, torch.Tensor], edge_index: torch.Tensor
    ) -> torch.Tensor:
        """``x``: node features, or ``(x_source, x_target)`` of a bipartite graph (edges from
        rows of ``x_source`` to rows of ``x_target``, as ``SAGEConv`` takes them)."""
        if isinstance(x, tuple):
            src, dst = x
            agg = self.propagate(edge_index, x=(self.lin_l(src), None), size=(src.size(0), dst.size(0)))
            return agg + self.lin_r(dst)
        return self.propagate(edge_index, x=self.lin_l(x)) + self.lin_r(x)


def _conv(kind: str, in_channels: int, out_channels: int) -> nn.Module:
    if kind == "sage":
        if in_channels > out_channels:
            return ProjectedSAGEConv(in_channels, out_channels)
        return SAGEConv(in_channels, out_channels)
    if kind == "gcn":
        return GCNConv(in_channels, out_channels)
    if kind == "gat":
        return GATConv(in_channels, out_channels, heads=1)
    raise ValueError(f"unknown encoder {kind!r}; expected one of {', '.join(ENCODERS)}")


class Encoder(nn.Module):
    """``layers`` convolutions of width ``hidden`` (see the module docstring).

    Args:
        in_channels: input feature width.
        hidden: width of every layer (and of ``z``).
        layers: number of convolutions (>= 1).
        kind: ``"sage"`` (default), ``"gcn"`` or ``"gat"``.
        dropout: dropout before every layer but the first (0.0).
    """

    def __init__(
        self,
        in_channels: int,
        hidden: int,
        layers: int = 2,
        kind: str = "sage",
        dropout: float = 0.0,
    ) -> None:
        super().__init__()
        if layers < 1:
            raise ValueError(f"layers must be >= 1, got {layers}")
        dims = [in_channels] + [hidden] * layers
        self.convs = nn.ModuleList(
            _conv(kind, a, b) for a, b in zip(dims[:-1], dims[1:], strict=True)
        )
        self.dropout = dropout

    def forward(self, x: torch.Tensor, edge_index: torch.Tensor) -> torch.Tensor:
        for i, conv in enumerate(self.convs):
            if i > 0:
                x = torch.relu(x)
                x = nn.functional.dropout(x, p=self.dropout, training=self.training)
            x = conv(x, edge_index)
        return x

    @property
    def local(self) -> bool:
        """Whether :meth:`forward_nodes` can run (GraphSAGE: a node reads only its in-edges)."""
        return all(isinstance(c, (SAGEConv, ProjectedSAGEConv)) for c in self.convs)

    def forward_nodes(self, x: torch.Tensor, edge_index: torch.Tensor, nodes: torch.Tensor) -> torch.Tensor:
        """The rows ``nodes`` of ``forward(x, edge_index)``, each layer run only for the
        nodes the next one reads (the last layer for ``nodes``, the one before for them and
        the sources of their in-edges, ...): on a large graph, a few nodes' embeddings cost
        their receptive field, not the graph. GraphSAGE convolutions only (:attr:`local`).
        """
        if not self.local:
            raise ValueError("forward_nodes needs GraphSAGE convolutions")
        src, dst = edge_index
        n = x.size(0)
        # needed[l]: the nodes layer l computes, those of layer l + 1 first
        needed = [nodes]
        for _ in self.convs:
            last = needed[-1]
            inside = torch.zeros(n, dtype=torch.bool, device=x.device)
            inside[last] = True
            more = torch.unique(src[inside[dst]])
            needed.append(torch.cat([last, more[~inside[more]]]))
        h = x[needed[-1]]
        for i, conv in enumerate(self.convs):
            if i > 0:
                h = torch.relu(h)
                h = nn.functional.dropout(h, p=self.dropout, training=self.training)
            sources, targets = needed[len(self.convs) - i], needed[len(self.convs) - i - 1]
            at = torch.full((n,), -1, dtype=torch.long, device=x.device)
            at[sources] = torch.arange(sources.numel(), device=x.device)
            into = at[dst] >= 0
            into &= at[dst] < targets.numel()
            local = torch.stack([at[src[into]], at[dst[into]]])
            h = conv((h, h[: targets.numel()]), local)
        return h


class _BipartiteSAGE(nn.Module):
    def __init__(self, in_channels: int, hidden: int, layers: int) -> None:
        super().__init__()
        dims = [in_channels] + [hidden] * layers
        self.convs = nn.ModuleList(
            SAGEConv((a, a), b) for a, b in zip(dims[:-1], dims[1:], strict=True)
        )

    def forward(self, x: torch.Tensor, edge_index: torch.Tensor) -> torch.Tensor:
        for i, conv in enumerate(self.convs):
            if i > 0:
                x = torch.relu(x)
            x = conv(x, edge_index)
        return x


class HeteroEncoder(nn.Module):
    """A heterogeneous GraphSAGE (``torch_geometric.nn.to_hetero``) over typed nodes.

    Same interface as :class:`Encoder` (one index space, ``edge_index`` of any edges), but
    every ``(source type, target type)`` pair of a message gets its own weights, summed at
    the target. Edge types are node-type pairs (``paper__to__topic``...), which the schema
    makes nearly the same as relations, and both directions of every edge pass messages
    (the reverse edges of ``ToUndirected``).

    Args:
        in_channels: input width. hidden, layers: as :class:`Encoder`.
        node_type: ``long [n]`` type index of every node.
    """

    def __init__(self, in_channels: int, hidden: int, layers: int, node_type: torch.Tensor) -> None:
        super().__init__()
        from torch_geometric.nn import to_hetero

        self.register_buffer("node_type", node_type.clone(), persistent=False)
        types = sorted(set(node_type.tolist()))
        self.types = [f"t{t}" for t in types]
        pairs = [(a, b) for a in types for b in types]
        self.edge_types = [(f"t{a}", "to", f"t{b}") for a, b in pairs]
        base = _BipartiteSAGE(in_channels, hidden, layers)
        self.gnn = to_hetero(base, (self.types, self.edge_types), aggr="sum")
        self.hidden = hidden

    def forward(self, x: torch.Tensor, edge_index: torch.Tensor) -> torch.Tensor:
        nt = self.node_type
        local = torch.empty_like(nt)
        x_dict, members = {}, {}
        for name in self.types:
            idx = (nt == int(name[1:])).nonzero(as_tuple=True)[0]
            local[idx] = torch.arange(idx.numel(), device=nt.device)
            x_dict[name], members[name] = x[idx], idx
        src_t, dst_t = nt[edge_index[0]], nt[edge_index[1]]
        ei_dict = {}
        for key in self.edge_types:
            a, b = int(key[0][1:]), int(key[2][1:])
            sel = (src_t == a) & (dst_t == b)
            ei_dict[key] = torch.stack([local[edge_index[0, sel]], local[edge_index[1, sel]]])
        out = self.gnn(x_dict, ei_dict)
        z = x.new_zeros((x.size(0), self.hidden))
        for name, idx in members.items():
            if name in out:
                z[idx] = out[name]
        return z


class MLPDecoder(nn.Module):
    """``logit = MLP(z_u * z_v)`` with ``layers`` linear layers and ReLU between them."""

    def __init__(self, hidden: int, layers: int = 2) -> None:
        super().__init__()
        dims = [hidden] * layers + [1]
        self.lins = nn.ModuleList(nn.Linear(a, b) for a, b in zip(dims[:-1], dims[1:], strict=True))

    def forward(self, zu: torch.Tensor, zv: torch.Tensor) -> torch.Tensor:
        h = zu * zv
        for i, lin in enumerate(self.lins):
            if i > 0:
                h = torch.relu(h)
            h = lin(h)
        return h.squeeze(-1)


class LinkModel(nn.Module):
    """Encoder + decoder: ``encode(x, edge_index) -> z`` and ``decode(z, pairs) -> logits``.

    Args:
        in_channels: static feature width (without the degree column).
        hidden: embedding width.
        layers: encoder depth.
        encoder: ``"sage"``, ``"gcn"`` or ``"gat"``.
        decoder: ``"dot"`` or ``"mlp"``.
        degree: append ``log(1 + degree)`` of the message-passing graph to ``x``.
        dropout: encoder dropout.
        num_nodes: with ``node_dim > 0``, the number of nodes (transductive).
        node_dim: width of a learnable per-node embedding appended to ``x`` (0: none). It
            gives every node an identity, so the encoder can tell which neighbours two
            nodes share (the signal common-neighbour heuristics use).
        node_type: per-node type index, needed by ``encoder="hetero"``
            (:class:`HeteroEncoder`, measured against the homogeneous encoders).
    """

    def __init__(
        self,
        in_channels: int,
        hidden: int = 128,
        layers: int = 2,
        encoder: str = "sage",
        decoder: str = "mlp",
        degree: bool = True,
        dropout: float = 0.0,
        num_nodes: int = 0,
        node_dim: int = 0,
        node_type: torch.Tensor | None = None,
    ) -> None:
        super().__init__()
        if decoder not in DECODERS:
            raise ValueError(f"unknown decoder {decoder!r}; expected one of {', '.join(DECODERS)}")
        self.degree = degree
        self.decoder_kind = decoder
        self.node_emb = nn.Embedding(num_nodes, node_dim) if node_dim > 0 else None
        if self.node_emb is not None:
            nn.init.normal_(self.node_emb.weight, std=1.0 / node_dim**0.5)
        width = in_channels + int(degree) + max(node_dim, 0)
        if encoder == "hetero":
            if node_type is None:
                raise ValueError("encoder 'hetero' needs node_type")
            self.encoder: nn.Module = HeteroEncoder(width, hidden, layers, node_type)
        else:
            self.encoder = Encoder(width, hidden, layers, encoder, dropout)
        self.decoder = MLPDecoder(hidden) if decoder == "mlp" else None

    def inputs(self, x: torch.Tensor, edge_index: torch.Tensor) -> torch.Tensor:
        """What the encoder reads: the features, then ``log(1 + degree)`` in ``edge_index``
        and the per-node embedding when the model has them."""
        if self.degree:
            deg = node_degree(edge_index[0], x.size(0), dtype=x.dtype)
            x = torch.cat([x, torch.log1p(deg).unsqueeze(-1)], dim=-1)
        if self.node_emb is not None:
            x = torch.cat([x, self.node_emb.weight], dim=-1)
        return x

    def encode(self, x: torch.Tensor, edge_index: torch.Tensor) -> torch.Tensor:
        """Node embeddings ``z`` from features and the message-passing edges."""
        return self.encoder(self.inputs(x, edge_index), edge_index)

    def encode_nodes(self, x: torch.Tensor, edge_index: torch.Tensor, nodes: torch.Tensor) -> torch.Tensor:
        """The rows ``nodes`` of :meth:`encode`: with a GraphSAGE encoder computed on their
        receptive field only (:meth:`Encoder.forward_nodes`; the degrees are still those
        of the whole ``edge_index``), else by encoding the whole graph."""
        if not isinstance(self.encoder, Encoder) or not self.encoder.local:
            return self.encode(x, edge_index)[nodes]
        return self.encoder.forward_nodes(self.inputs(x, edge_index), edge_index, nodes)

    def decode(self, z: torch.Tensor, pairs: torch.Tensor) -> torch.Tensor:
        """Logits for the ``[2, k]`` node pairs ``pairs``."""
        zu, zv = z[pairs[0]], z[pairs[1]]
        if self.decoder is None:
            return (zu * zv).sum(dim=-1)
        return self.decoder(zu, zv)


def decoder_arrays(model: LinkModel) -> dict[str, np.ndarray | str]:
    """The decoder in NumPy form: ``{"decoder": "dot"}`` or MLP weights ``dec_w{i}``/``dec_b{i}``.

    ``dec_w{i}`` has shape ``[in, out]`` (the transpose of ``torch.nn.Linear.weight``).
    """
    out: dict[str, np.ndarray | str] = {"decoder": model.decoder_kind}
    if model.decoder is not None:
        for i, lin in enumerate(model.decoder.lins):
            out[f"dec_w{i}"] = lin.weight.detach().cpu().numpy().T.astype(np.float32).copy()
            out[f"dec_b{i}"] = lin.bias.detach().cpu().numpy().astype(np.float32).copy()
    return out
