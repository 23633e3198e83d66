"""Tests of kg.learn.device: the device choice logic (runs on the CPU) and the thread count."""

from __future__ import annotations

import pytest
import torch

from kg.learn.device import (
    DEFAULT_CPU_THREADS,
    choose_device,
    configure_threads,
    resolve_device_name,
)


@pytest.mark.parametrize(
    ("asked", "cuda", "expected"),
    [
        ("auto", False, "cpu"),
        ("auto", True, "cuda"),
        ("cpu", True, "cpu"),
        ("cpu", False, "cpu"),
        ("cuda", True, "cuda"),
    ],
)
def test_resolve_device_name(asked: str, cuda: bool, expected: str) -> None:
    assert resolve_device_name(asked, cuda_available=cuda) == expected


def test_cuda_without_gpu_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="no CUDA GPU"):
        resolve_device_name("cuda", cuda_available=False)


def test_unknown_device() -> None:
    with pytest.raises(ValueError, match="unknown device 'tpu'"):
        resolve_device_name("tpu", cuda_available=False)


def test_choose_device_auto_matches_torch() -> None:
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert choose_device("auto").type == expected


def test_threads_default_and_env(monkeypatch: pytest.MonkeyPatch) -> None:
    before = torch.get_num_threads()
    try:
        monkeypatch.delenv("KG_THREADS", raising=False)
        assert configure_threads() == DEFAULT_CPU_THREADS == torch.get_num_threads()
        monkeypatch.setenv("KG_THREADS", "2")
        assert configure_threads() == 2 == torch.get_num_threads()
        assert configure_threads(1) == 1
    finally:
        torch.set_num_threads(before)
