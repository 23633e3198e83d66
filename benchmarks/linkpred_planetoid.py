"""Link prediction on Cora and CiteSeer under the GAE protocol, with kg's model code.

Protocol (Kipf & Welling 2016, "Variational Graph Auto-Encoders"): each undirected edge once,
85 / 5 / 10 % train / validation / test, as many uniform random negative pairs as positives
for validation and test, binary bag-of-words features (as in the GAE code); AUC and AP in percent, mean ± std over
seeds 0..N-1 (a fresh split per seed). The split is :func:`kg.learn.split.link_split`
(``RandomLinkSplit``), the training loop :func:`kg.learn.training.fit_link_model` (test at the best
validation epoch) -- the same code ``kg train`` runs on a knowledge graph.

Rows (one function per model, all with the signature of :func:`run_default`; add a row by
adding a function to :data:`MODELS`):

* ``default``: kg's default model (2-layer GraphSAGE, hidden 128, MLP decoder, log-degree
  input, 30 % of training edges supervised out of message passing each epoch).
* ``kg_gcn`` and ``plain_gae``: the same small model -- two GCN layers of width ``hidden``,
  dot-product decoder, all training edges in message passing -- once through kg's
  :func:`fit_link_model` and once as a plain loop written the idiomatic torch-geometric way
  (``examples/link_pred.py`` / GAE style). Both run ``--timing-epochs`` epochs without early
  stopping; ``time_ratio`` = kg's seconds / plain seconds (summed over seeds).
* ``labeling_trick``: the SEAL-style labeling-trick model of :mod:`kg.symmetry.labeling`
  with :data:`benchmarks.planetoid_labeling.PLANETOID_DEFAULTS` (``--lt-options`` overrides them).
  Run by default on a GPU only; on a CPU ask for it with ``--models labeling_trick``.

Usage::

    python benchmarks/linkpred_planetoid.py                 # 10 seeds, Cora and CiteSeer
    python benchmarks/linkpred_planetoid.py --models labeling_trick --datasets Cora --seeds 3 \
        --lt-options '{"num_hops": 2, "max_nodes_per_hop": 40, "hidden": 32, "epochs": 6, "lr": 0.001}'
    python benchmarks/linkpred_planetoid.py --seeds 2 --json

``--json`` prints ``{"Cora": {"auc": [mean, std], "ap": [mean, std], "time_ratio": r, ...},
"CiteSeer": {...}}`` (``auc``/``ap`` of the default model).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch
from torch_geometric.data import Data
from torch_geometric.nn import GCNConv
from torch_geometric.utils import negative_sampling

from kg.learn.device import choose_device
from kg.learn.metrics import auc_score, average_precision
from kg.learn.split import LinkSplit, link_split
from kg.learn.training import DEFAULTS, fit_link_model, seed_all

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # benchmarks/ is run as a folder of scripts
from benchmarks.planetoid import load_planetoid, undirected_pairs  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "planetoid"

#: Published GAE test AUC (%), Kipf & Welling 2016, Table 1.
GAE_AUC = {"Cora": 91.0, "CiteSeer": 89.5}
#: SEAL on Cora as in torch-geometric's ``examples/seal_link_pred.py``.
SEAL_CORA_AUC = 93.3


def run_default(
    data: Data, split: LinkSplit, seed: int, opts: argparse.Namespace
) -> dict[str, Any]:
    """kg's default model (the defaults of :func:`kg.learn.training.train`)."""
    t = time.perf_counter()
    fit = fit_link_model(
        data.x,
        split,
        hidden=DEFAULTS["hidden"],
        layers=DEFAULTS["layers"],
        supervision=DEFAULTS["supervision"],
        epochs=opts.epochs,
        patience=DEFAULTS["patience"],
        lr=DEFAULTS["lr"],
        seed=seed,
        device=opts.device,
    )
    return {**fit.test, "seconds": time.perf_counter() - t, "epochs": fit.epochs_trained}


def run_kg_gcn(data: Data, split: LinkSplit, seed: int, opts: argparse.Namespace) -> dict[str, Any]:
    """Two GCN layers + dot decoder through kg's training loop, fixed epochs (for timing)."""
    t = time.perf_counter()
    fit = fit_link_model(
        data.x,
        split,
        hidden=opts.hidden,
        layers=2,
        encoder="gcn",
        decoder="dot",
        degree=False,
        supervision=0.0,
        epochs=opts.timing_epochs,
        patience=opts.timing_epochs + 1,
        lr=0.01,
        seed=seed,
        device=opts.device,
    )
    return {**fit.test, "seconds": time.perf_counter() - t, "epochs": fit.epochs_trained}


class PlainGCN(torch.nn.Module):
    """The plain two-layer GCN auto-encoder of torch-geometric's link-prediction example."""

    def __init__(self, in_channels: int, hidden: int) -> None:
        super().__init__()
        self.conv1 = GCNConv(in_channels, hidden)
        self.conv2 = GCNConv(hidden, hidden)

    def encode(self, x: torch.Tensor, edge_index: torch.Tensor) -> torch.Tensor:
        return self.conv2(self.conv1(x, edge_index).relu(), edge_index)

    def decode(self, z: torch.Tensor, edge_label_index: torch.Tensor) -> torch.Tensor:
        return (z[edge_label_index[0]] * z[edge_label_index[1]]).sum(dim=-1)


def run_plain_gae(
    data: Data, split: LinkSplit, seed: int, opts: argparse.Namespace
) -> dict[str, Any]:
    """The plain loop: train, validate every epoch, test at the best validation epoch."""
    device = torch.device(opts.device)
    seed_all(seed)
    t = time.perf_counter()
    x = data.x.to(device)
    train_ei = split.train_mp.to(device)  # training edges, both directions
    train_pos = split.train_pos.to(device)
    val_ei = torch.cat([split.val_pos, split.val_neg], 1).to(device)
    val_y = torch.cat([torch.ones(split.val_pos.size(1)), torch.zeros(split.val_neg.size(1))])
    test_ei = torch.cat([split.test_pos, split.test_neg], 1).to(device)
    test_y = torch.cat([torch.ones(split.test_pos.size(1)), torch.zeros(split.test_neg.size(1))])
    test_mp = split.test_mp.to(device)
    model = PlainGCN(data.num_features, opts.hidden).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    criterion = torch.nn.BCEWithLogitsLoss()
    best_val, best_test = -1.0, (0.0, 0.0)
    for _epoch in range(opts.timing_epochs):
        model.train()
        optimizer.zero_grad()
        z = model.encode(x, train_ei)
        neg = negative_sampling(
            train_ei, num_nodes=data.num_nodes, num_neg_samples=train_pos.size(1)
        )
        edge_label_index = torch.cat([train_pos, neg], dim=-1)
        edge_label = torch.cat([torch.ones(train_pos.size(1)), torch.zeros(neg.size(1))]).to(device)
        loss = criterion(model.decode(z, edge_label_index), edge_label)
        loss.backward()
        optimizer.step()
        model.eval()
        with torch.no_grad():
            val_out = model.decode(model.encode(x, train_ei), val_ei).sigmoid().cpu()
            val_auc = auc_score(val_out[val_y == 1].numpy(), val_out[val_y == 0].numpy())
            if val_auc > best_val:
                out = model.decode(model.encode(x, test_mp), test_ei).sigmoid().cpu()
                p, n = out[test_y == 1].numpy(), out[test_y == 0].numpy()
                best_val, best_test = val_auc, (auc_score(p, n), average_precision(p, n))
    return {
        "auc": best_test[0],
        "ap": best_test[1],
        "seconds": time.perf_counter() - t,
        "epochs": opts.timing_epochs,
    }


def run_labeling_trick(
    data: Data, split: LinkSplit, seed: int, opts: argparse.Namespace
) -> dict[str, Any]:
    """The labeling trick (SEAL-style DRNL subgraphs; settings in
    :data:`benchmarks.planetoid_labeling.PLANETOID_DEFAULTS`). Slow on a CPU: not in the default rows."""
    from benchmarks.planetoid_labeling import labeling_trick_on_split

    return labeling_trick_on_split(data, split, seed, device=opts.device, **opts.lt_options)


#: Benchmark rows: name -> function(data, split, seed, options) -> {"auc", "ap", "seconds", ...}.
MODELS: dict[str, Callable[[Data, LinkSplit, int, argparse.Namespace], dict[str, Any]]] = {
    "default": run_default,
    "kg_gcn": run_kg_gcn,
    "plain_gae": run_plain_gae,
    "labeling_trick": run_labeling_trick,
}


def _mean_std(values: list[float]) -> list[float]:
    pct = [100.0 * v for v in values]
    std = statistics.stdev(pct) if len(pct) > 1 else 0.0
    return [round(statistics.fmean(pct), 2), round(std, 2)]


def run_dataset(name: str, opts: argparse.Namespace, log: Callable[[str], None]) -> dict[str, Any]:
    """All rows of :data:`MODELS` on one dataset over ``opts.seeds`` seeds."""
    data = load_planetoid(name, opts.root)
    pairs = undirected_pairs(data.edge_index)
    empty = torch.empty((2, 0), dtype=torch.long)
    runs: dict[str, list[dict[str, Any]]] = {m: [] for m in opts.models}
    for seed in range(opts.seeds):
        split = link_split(pairs, empty, data.num_nodes, val=0.05, test=0.10, seed=seed)
        for m in opts.models:
            r = MODELS[m](data, split, seed, opts)
            runs[m].append(r)
            log(
                f"{name} seed {seed} {m:<10} AUC {100 * r['auc']:.2f} AP {100 * r['ap']:.2f} "
                f"{r['seconds']:.1f} s ({r['epochs']} epochs)"
            )
    out: dict[str, Any] = {}
    for m, rs in runs.items():
        out[m] = {
            "auc": _mean_std([r["auc"] for r in rs]),
            "ap": _mean_std([r["ap"] for r in rs]),
            "seconds": round(sum(r["seconds"] for r in rs), 2),
        }
    result: dict[str, Any] = {}
    if "default" in out:
        result.update(auc=out["default"]["auc"], ap=out["default"]["ap"])
    if "kg_gcn" in out and "plain_gae" in out:
        result["time_ratio"] = round(out["kg_gcn"]["seconds"] / out["plain_gae"]["seconds"], 3)
    result["models"] = out
    result["seeds"] = opts.seeds
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", type=int, default=10, help="seeds 0..N-1 (default 10)")
    ap.add_argument("--json", action="store_true", help="print JSON only")
    ap.add_argument("--root", type=Path, default=DEFAULT_DATA, help="folder of ind.* files")
    ap.add_argument("--datasets", nargs="+", default=["Cora", "CiteSeer"])
    ap.add_argument(
        "--models",
        nargs="+",
        default=None,
        choices=list(MODELS),
        help="rows to run (default: all on a GPU; on a CPU all but labeling_trick, which is slow there)",
    )
    ap.add_argument("--epochs", type=int, default=200, help="max epochs of the default model")
    ap.add_argument("--timing-epochs", type=int, default=50, help="epochs of the timed pair")
    ap.add_argument(
        "--hidden", type=int, default=DEFAULTS["hidden"], help="width of the timed pair"
    )
    ap.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    ap.add_argument(
        "--lt-options", type=json.loads, default={}, metavar="JSON",
        help='overrides of the labeling-trick settings, e.g. \'{"max_nodes_per_hop": null}\'',
    )
    ap.add_argument("--threads", type=int, default=None, help="CPU threads (default kg's)")
    opts = ap.parse_args(argv)
    opts.device = str(choose_device(opts.device, threads=opts.threads))
    if opts.models is None:
        opts.models = [m for m in MODELS if opts.device != "cpu" or m != "labeling_trick"]

    def log(msg: str) -> None:
        print(msg, file=sys.stderr if opts.json else sys.stdout, flush=True)

    log(f"device {opts.device}, threads {torch.get_num_threads()}, seeds {opts.seeds}")
    results = {name: run_dataset(name, opts, log) for name in opts.datasets}
    if opts.json:
        print(json.dumps(results, indent=2))
        return 0
    print()
    print(f"{'dataset':<10}{'model':<11}{'AUC %':>15}{'AP %':>15}{'seconds':>10}")
    for name, r in results.items():
        for m, row in r["models"].items():
            auc, apv = row["auc"], row["ap"]
            print(
                f"{name:<10}{m:<11}{auc[0]:>8.2f} ± {auc[1]:<4.2f}{apv[0]:>8.2f} ± {apv[1]:<4.2f}"
                f"{row['seconds']:>10.1f}"
            )
        if "time_ratio" in r:
            print(f"{name:<10}time ratio kg / plain loop (same 2-layer GCN): {r['time_ratio']:.3f}")
        if "auc" in r and name in GAE_AUC:
            gap = (
                f"; SEAL {SEAL_CORA_AUC} is {SEAL_CORA_AUC - r['auc'][0]:+.2f} away"
                if name == "Cora"
                else ""
            )
            print(f"{name:<10}default AUC {r['auc'][0]:.2f} vs published GAE {GAE_AUC[name]}{gap}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
