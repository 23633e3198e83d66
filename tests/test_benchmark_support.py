"""The benchmark support modules (outside the package) keep their docstring examples running."""

from __future__ import annotations

import doctest
import importlib

import pytest


@pytest.mark.parametrize(
    "name", ["benchmarks.planetoid", "benchmarks.planetoid_labeling", "benchmarks.headless",
     "benchmarks.related_ceiling"]
)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
