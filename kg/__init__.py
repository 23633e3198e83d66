"""kg: research notes -> knowledge graph -> GNN link suggestions -> interactive HTML.

The public API is imported lazily so that ``import kg`` (and ``kg build``) never pays for
torch; only training, evaluation and :mod:`kg.learn.pyg` import it.

Example
-------
>>> import kg
>>> kg.__version__
'0.1.0'
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# public name -> module that defines it
_API = {
    "KnowledgeGraph": "kg.graph.knowledge_graph",
    "build": "kg.pipeline",
    "train": "kg.learn.training",
    "LinkPredictor": "kg.learn.predictor",
    "Suggestion": "kg.suggest.suggester",
    "evaluate": "kg.learn.evaluation",
    "render_html": "kg.render",
    "analyze_symmetry": "kg.symmetry",
}

__all__ = ["__version__", *_API]


def __getattr__(name: str) -> Any:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'kg' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
