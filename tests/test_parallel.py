"""Tests of kg.parallel: side-by-side work gives what the same work gives in order."""

from __future__ import annotations

import threading
import time

import pytest

import kg.parallel as parallel


@pytest.fixture
def two_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run as on a machine with two usable cores, whatever this one has."""
    monkeypatch.setattr(parallel, "_workers", lambda tasks: min(2, tasks))


@pytest.fixture
def one_core(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "_workers", lambda tasks: 1)


def test_parallel_map_keeps_the_order_of_the_items(two_cores: None) -> None:
    def slow_first(x: int) -> int:
        time.sleep(0.05 if x == 0 else 0.0)  # the first item finishes last
        return x * x

    assert parallel.parallel_map(slow_first, range(6)) == [0, 1, 4, 9, 16, 25]


def test_parallel_map_passes_an_exception_on(two_cores: None) -> None:
    with pytest.raises(ZeroDivisionError):
        parallel.parallel_map(lambda x: 1 / x, [1, 0, 2])


def test_prefetched_yields_in_order_and_runs_ahead(two_cores: None) -> None:
    threads: set[str] = set()

    def work(x: int) -> int:
        threads.add(threading.current_thread().name)
        return x * 10

    assert list(parallel.prefetched(work, range(5))) == [0, 10, 20, 30, 40]
    assert threading.current_thread().name not in threads  # computed in the worker thread


def test_background_runs_beside_the_caller_and_hands_back_its_result(two_cores: None) -> None:
    started, release = threading.Event(), threading.Event()

    def job(x: int) -> int:
        started.set()
        release.wait(5)  # waits for the caller: it can only finish if it runs elsewhere
        return x + 1

    future = parallel.background(job, 41)
    assert started.wait(5) and not future.done()
    release.set()
    assert future.result(5) == 42


def test_background_hands_back_its_exception(two_cores: None) -> None:
    with pytest.raises(KeyError, match="missing"):
        parallel.background(lambda: {}["missing"]).result(5)


def test_one_core_runs_everything_here_in_order(one_core: None) -> None:
    here = threading.current_thread().name
    seen: list[str] = []

    def work(x: int) -> int:
        seen.append(threading.current_thread().name)
        return -x

    assert parallel.parallel_map(work, [1, 2]) == [-1, -2]
    assert list(parallel.prefetched(work, [3])) == [-3]
    future = parallel.background(work, 4)
    assert future.done() and future.result() == -4
    with pytest.raises(ValueError):
        parallel.background(int, "x").result()
    assert seen == [here] * 4


def test_workers_never_exceed_the_cores_or_the_tasks() -> None:
    assert parallel._workers(1) == 1
    assert 1 <= parallel._workers(100) <= parallel.PARALLEL_MAX


def test_docstring_examples_run() -> None:
    import doctest

    result = doctest.testmod(parallel)
    assert result.attempted > 0 and result.failed == 0
