"""Shared fixtures: paths to the seeds and to the corpora in ../shared (skip when absent)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # benchmark support (benchmarks/planetoid.py, headless.py)
SEEDS = ROOT / "seeds"
SEED_POST = SEEDS / "valse2020-apr.md"
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
PLANETOID = SHARED / "data" / "planetoid"


def _need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} not present (corpora live in ../shared beside the checkout)")
    return path


@pytest.fixture(scope="session")
def seed_post() -> Path:
    return SEED_POST


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return _need(CORPUS)


@pytest.fixture(scope="session")
def gnn_list() -> Path:
    return _need(CORPUS / "awesome-gnn-thunlp")


@pytest.fixture(scope="session")
def fewshot_list() -> Path:
    return _need(CORPUS / "awesome-fewshot-duanjm")


@pytest.fixture(scope="session")
def blog_dir() -> Path:
    return _need(CORPUS / "blog-smartadpole-zh")


@pytest.fixture(scope="session")
def planetoid_dir() -> Path:
    return _need(PLANETOID)


@pytest.fixture(scope="session")
def english_blog() -> Path:
    return _need(SHARED / "corpus-extra" / "blog-bair-en")
