"""The trained link predictor as a result object: config, metrics, timings, embeddings, files.

:class:`LinkPredictor` is what :func:`kg.learn.training.train` returns. It holds NumPy arrays only (plus
the torch state dict when it was just trained), so loading it and scoring pairs never imports
torch.

Files written by :meth:`LinkPredictor.save` (atomically, temp file + rename) into ``DIR``:

``model.pt``
    ``torch.save(state_dict)``; load with ``torch.load(path, weights_only=True)`` into
    :class:`kg.learn.nn.LinkModel` built from the config.
``model.json``
    the config: ``encoder``, ``decoder``, ``hidden``, ``layers``, ``features``, ``degree``,
    ``seed``, ``epochs`` (asked), ``epochs_trained``, ``best_epoch``, ``graph_fingerprint``
    (:meth:`kg.graph.knowledge_graph.KnowledgeGraph.fingerprint` of the graph trained on), ``kg_version``,
    plus ``metrics``, ``timings`` and ``split`` (sizes).
``embeddings.npz``
    ``ids`` and ``types`` (unicode arrays), ``z`` (``float32 [n, d]``, computed with ALL edges
    in message passing after training) and the decoder: ``decoder`` (``"dot"`` or ``"mlp"``)
    and for ``"mlp"`` the arrays ``dec_w0, dec_b0, dec_w1, dec_b1, ...``.
``split.npz``
    the held-out split as index pairs ``[2, k]`` (``train_pos``, ``val_pos``, ``val_neg``,
    ``test_pos``, ``test_neg``) and ``z_eval``, the embeddings computed with only the
    training and validation edges in message passing (what ``kg eval`` scores the test edges
    with, so the saved model can be evaluated honestly without torch).

Score of a pair (see :func:`score_pairs`; :mod:`kg.learn.nn` defines the same in torch):

* dot: ``logit = sum(z_u * z_v)``
* mlp: ``h = z_u * z_v``; ``h = relu(h @ dec_w{i} + dec_b{i})`` for every layer but the last;
  ``logit = h @ dec_w{last} + dec_b{last}``

and ``score = sigmoid(logit)``.

Example
-------
>>> import numpy as np
>>> z = np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 1.0]], dtype=np.float32)
>>> [round(float(s), 3) for s in score_pairs(z, np.array([[0, 0], [1, 2]]), {"decoder": "dot"})]
[0.731, 0.5]
>>> mlp = {"decoder": "mlp", "dec_w0": np.eye(2, dtype=np.float32), "dec_b0": np.zeros(2),
...        "dec_w1": np.ones((2, 1), dtype=np.float32), "dec_b1": np.zeros(1)}
>>> score_pairs(z, np.array([[1], [1]]), mlp, logits=True).tolist()
[2.0]
"""

from __future__ import annotations

import io
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from kg.io import EMBEDDINGS_NPZ, MODEL_JSON, MODEL_PT, SPLIT_NPZ, atomic_write_bytes
from kg.suggest.scoring import score_matrix, score_pairs

__all__ = [
    "MODEL_PT",
    "MODEL_JSON",
    "EMBEDDINGS_NPZ",
    "SPLIT_NPZ",
    "LinkPredictor",
    "score_pairs",
    "score_matrix",
]



def _read_model_json(path: Path, again: str) -> dict[str, Any]:
    """``model.json`` as a dict, or a one-line :class:`ValueError` naming the file."""
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, RecursionError) as exc:
        raise ValueError(f"{path}: not a kg model file ({type(exc).__name__}); {again}") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg}); {again}") from None
    if not isinstance(meta, dict):
        raise ValueError(f"{path}: a JSON {type(meta).__name__}, not a kg model file; {again}")
    return meta


def _read_npz(path: Path, required: tuple[str, ...], again: str) -> dict[str, np.ndarray]:
    """The arrays of an ``.npz`` archive, or a one-line :class:`ValueError` naming the file.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.npz"
    >>> _ = p.write_bytes(b"PK\\x03\\x04 cut short")
    >>> _read_npz(p, (), "run kg train")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: .../x.npz: damaged or not an array archive (...); run kg train
    """
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
    except Exception as exc:  # a truncated zip, a pickle, a lone .npy: one line, never a trace
        reason = " ".join(f"{type(exc).__name__}: {exc}".split())[:200]
        raise ValueError(f"{path}: damaged or not an array archive ({reason}); {again}") from None
    missing = [k for k in required if k not in arrays]
    if missing:
        raise ValueError(f"{path}: missing arrays {', '.join(missing)}; {again}")
    return arrays


def _npz_bytes(arrays: dict[str, Any]) -> bytes:
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


@dataclass
class LinkPredictor:
    """A trained link predictor (see the module docstring for its files).

    Attributes:
        config: model and training settings plus ``graph_fingerprint`` and ``kg_version``.
        metrics: ``val``/``test`` AUC and AP at the best validation epoch.
        timings: seconds per stage (``features``, ``split``, ``train``, ``embed``, ``total``)
            and ``epoch_ms``.
        ids: node ids, row order of ``z``.
        types: node type per row.
        z: final embeddings (all edges in message passing), ``float32 [n, d]``.
        decoder: the decoder in NumPy form (``decoder`` plus ``dec_w{i}``/``dec_b{i}``).
        split: held-out split as index pairs (``train_pos``, ``val_pos``, ``val_neg``,
            ``test_pos``, ``test_neg``).
        z_eval: embeddings with only training + validation edges in message passing.
        titles: the title vectors of the nodes (float16 unit rows, zeros for a node without
            one; :mod:`kg.learn.titles`), or ``None`` (no encoder, or too many titles).
        title_keys: a digest of each row's title (:func:`kg.learn.titles.title_keys`), so a
            rebuild encodes only titles that changed.
        state_dict: the torch weights when just trained (``None`` after :meth:`load` until
            :meth:`torch_state_dict` reads ``model.pt``).
        path: the folder it was loaded from or last saved to.
    """

    config: dict[str, Any]
    metrics: dict[str, Any]
    timings: dict[str, float]
    ids: list[str]
    types: list[str]
    z: np.ndarray
    decoder: dict[str, Any]
    split: dict[str, np.ndarray] = field(default_factory=dict)
    z_eval: np.ndarray | None = None
    titles: np.ndarray | None = None
    title_keys: np.ndarray | None = None
    state_dict: Any = None
    path: Path | None = None

    def __repr__(self) -> str:
        c = self.config
        test = self.metrics.get("test", {})
        return (
            f"LinkPredictor(encoder={c.get('encoder')!r}, decoder={c.get('decoder')!r}, "
            f"hidden={c.get('hidden')}, layers={c.get('layers')}, features={c.get('features')!r}, "
            f"nodes={len(self.ids)}, test_auc={test.get('auc', float('nan')):.4f})"
        )

    # -- access ------------------------------------------------------------------------
    @property
    def embeddings(self) -> np.ndarray:
        """The final node embeddings ``z`` (rows follow :attr:`ids`)."""
        return self.z

    @property
    def index(self) -> dict[str, int]:
        """Node id -> row."""
        return {nid: i for i, nid in enumerate(self.ids)}

    def embedding(self, nid: str) -> np.ndarray:
        """The embedding of node ``nid``."""
        return self.z[self.index[nid]]

    def score(self, pairs: list[tuple[str, str]], *, logits: bool = False) -> np.ndarray:
        """Scores of ``(u, v)`` node-id pairs from the final embeddings.

        Raises:
            KeyError: a node the model was not trained with.
        """
        index = self.index
        try:
            idx = np.array([[index[u] for u, _ in pairs], [index[v] for _, v in pairs]])
        except KeyError as exc:
            raise KeyError(f"node {exc.args[0]!r} is not in the trained graph") from None
        return score_pairs(self.z, idx.reshape(2, -1), self.decoder, logits=logits)

    # -- suggestions (delegated to kg.suggest) ------------------------------------------
    def suggest(self, query: str, k: int = 10, types: Any = None, graph: Any = None) -> list[Any]:
        """Related nodes not yet linked to ``query`` (see :func:`kg.suggest.suggester.suggest`)."""
        from kg.suggest import suggester as _suggest

        return _suggest.suggest(self, query, k=k, types=types, graph=graph)

    def suggestions_for_all(self, k: int = 5, graph: Any = None) -> dict[str, list[Any]]:
        """Top-``k`` suggestions for every entity node (for the HTML page)."""
        from kg.suggest import suggester as _suggest

        return _suggest.suggestions_for_all(self, k=k, graph=graph)

    # -- persistence -------------------------------------------------------------------
    def torch_state_dict(self) -> Any:
        """The torch state dict (read from ``model.pt`` with ``weights_only=True`` if needed)."""
        if self.state_dict is None:
            import torch

            if self.path is None:
                raise FileNotFoundError("this predictor has no weights and no folder to read")
            path = self.path / MODEL_PT
            try:
                self.state_dict = torch.load(path, weights_only=True, map_location="cpu")
            except FileNotFoundError:
                raise
            except Exception as exc:  # truncated, foreign, or a pickle weights_only refuses
                reason = " ".join(f"{type(exc).__name__}: {exc}".split())[:200]
                raise ValueError(
                    f"{path}: damaged or not a kg model ({reason}); "
                    f"run `kg train --out {self.path}` to write it again"
                ) from None
        return self.state_dict

    def model_json(self) -> dict[str, Any]:
        """The ``model.json`` content."""
        return {**self.config, "metrics": self.metrics, "timings": self.timings}

    def save(self, directory: str | os.PathLike[str]) -> Path:
        """Write ``model.pt``, ``model.json``, ``embeddings.npz`` and ``split.npz`` atomically."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        if self.state_dict is not None:
            import torch

            buf = io.BytesIO()
            torch.save({k: v.detach().cpu() for k, v in self.state_dict.items()}, buf)
            atomic_write_bytes(directory / MODEL_PT, buf.getvalue())
        elif (
            self.path is not None
            and (self.path / MODEL_PT).exists()
            and (self.path / MODEL_PT).resolve() != (directory / MODEL_PT).resolve()
        ):
            atomic_write_bytes(directory / MODEL_PT, (self.path / MODEL_PT).read_bytes())
        emb = {
            "ids": np.array(self.ids, dtype=str),
            "types": np.array(self.types, dtype=str),
            "z": np.asarray(self.z, dtype=np.float32),
            **{k: (np.array(v) if k == "decoder" else v) for k, v in self.decoder.items()},
        }
        if self.titles is not None:
            emb["titles"] = np.asarray(self.titles, dtype=np.float16)
            if self.title_keys is not None:
                emb["title_keys"] = np.asarray(self.title_keys, dtype="S16")
        atomic_write_bytes(directory / EMBEDDINGS_NPZ, _npz_bytes(emb))
        split = dict(self.split)
        if self.z_eval is not None:
            split["z_eval"] = np.asarray(self.z_eval, dtype=np.float32)
        atomic_write_bytes(directory / SPLIT_NPZ, _npz_bytes(split))
        text = json.dumps(self.model_json(), ensure_ascii=False, indent=1, sort_keys=True)
        atomic_write_bytes(directory / MODEL_JSON, text.encode("utf-8"))
        self.path = directory
        return directory

    @classmethod
    def load(cls, directory: str | os.PathLike[str]) -> LinkPredictor:
        """Read a predictor written by :meth:`save` (NumPy only; torch weights stay on disk).

        Raises:
            FileNotFoundError: no trained model in ``directory``.
        """
        directory = Path(directory)
        for name in (MODEL_JSON, EMBEDDINGS_NPZ):
            if not (directory / name).exists():
                raise FileNotFoundError(
                    f"{directory / name}: no trained model here; run `kg train` first"
                )
        again = f"run `kg train --out {directory}` (or `kg build`) to write it again"
        meta = _read_model_json(directory / MODEL_JSON, again)
        metrics = meta.pop("metrics", {})
        timings = meta.pop("timings", {})
        arrays = _read_npz(directory / EMBEDDINGS_NPZ, ("ids", "types", "z", "decoder"), again)
        try:
            ids = [str(s) for s in arrays["ids"]]
            types = [str(s) for s in arrays["types"]]
            z = np.asarray(arrays["z"], dtype=np.float32)
            decoder: dict[str, Any] = {"decoder": str(arrays["decoder"])}
            decoder.update({k: v for k, v in arrays.items() if k.startswith("dec_")})
            titles = arrays.get("titles")
            title_keys = arrays.get("title_keys")
            if z.ndim != 2 or z.shape[0] != len(ids) or len(types) != len(ids):
                raise ValueError(f"z {z.shape}, {len(ids)} ids, {len(types)} types")
            if titles is not None and (titles.ndim != 2 or titles.shape[0] != len(ids)):
                raise ValueError(f"titles {titles.shape}, {len(ids)} ids")
            if title_keys is not None and title_keys.shape != (len(ids),):
                raise ValueError(f"title_keys {title_keys.shape}, {len(ids)} ids")
        except (TypeError, ValueError) as exc:
            raise ValueError(
                f"{directory / EMBEDDINGS_NPZ}: not a kg embeddings file ({exc}); {again}"
            ) from None
        split: dict[str, np.ndarray] = {}
        z_eval = None
        if (directory / SPLIT_NPZ).exists():
            split = _read_npz(directory / SPLIT_NPZ, (), again)
            z_eval = split.pop("z_eval", None)
            bad = [k for k, v in split.items() if v.ndim != 2 or v.shape[0] != 2
                   or not np.issubdtype(v.dtype, np.integer) or (v.size and v.max() >= len(ids))]
            if bad or (z_eval is not None and np.shape(z_eval) != z.shape):
                what = f"bad index pairs {', '.join(bad)}" if bad else "z_eval does not match z"
                raise ValueError(f"{directory / SPLIT_NPZ}: not a kg split file ({what}); {again}")
        return cls(
            config=meta,
            metrics=metrics,
            timings=timings,
            ids=ids,
            types=types,
            z=z,
            decoder=decoder,
            split=split,
            z_eval=z_eval,
            titles=titles,
            title_keys=title_keys,
            path=directory,
        )
