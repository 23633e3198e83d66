"""Tests of kg.parallel: side-by-side work gives what the same work gives in order."""

from __future__ import annotations

import os
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


def _pid_and(x: int) -> tuple[int, int]:
    return os.getpid(), x + 1


def test_in_child_runs_in_a_child_process_and_hands_back_its_result(two_cores: None) -> None:
    big = list(range(200_000))  # handed over by the fork, not pickled
    pid, got = parallel.in_child(_pid_and, len(big)).result(30)
    assert pid != os.getpid() and got == 200_001


def test_in_child_hands_back_its_exception(two_cores: None) -> None:
    with pytest.raises(KeyError, match="missing"):
        parallel.in_child(dict.__getitem__, {}, "missing").result(30)


def test_a_stopped_child_is_gone(two_cores: None, tmp_path) -> None:
    flag = tmp_path / "started"
    job = parallel.in_child(_sleep_after_touching, flag)
    deadline = time.monotonic() + 30
    while not flag.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    pids = [p.pid for p in job.processes]
    assert pids and os.getpid() not in pids
    job.stop()
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def _sleep_after_touching(path) -> None:
    path.write_text("x")
    time.sleep(60)


def test_one_core_runs_everything_here_in_order(one_core: None) -> None:
    here = threading.current_thread().name
    seen: list[str] = []

    def work(x: int) -> int:
        seen.append(threading.current_thread().name)
        return -x

    assert parallel.parallel_map(work, [1, 2]) == [-1, -2]
    assert list(parallel.prefetched(work, [3])) == [-3]
    job = parallel.in_child(work, 4)
    assert job.future.done() and job.result() == -4
    job.stop()  # nothing to stop
    with pytest.raises(ValueError):
        parallel.in_child(int, "x").result()
    assert seen == [here] * 4


def test_a_child_that_cannot_be_forked_runs_here(two_cores: None, monkeypatch: pytest.MonkeyPatch) -> None:
    import concurrent.futures

    def no_fork(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202 - as a memory limit would
        raise OSError(12, "Cannot allocate memory")

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", no_fork)
    job = parallel.in_child(_pid_and, 1)
    assert job.future.done() and job.result() == (os.getpid(), 2) and job.processes == []
    assert parallel._PENDING == {}


def test_a_child_killed_before_it_answers_is_replaced_by_the_job_run_here(two_cores: None, tmp_path) -> None:
    flag = tmp_path / "started"
    job = parallel.in_child(_pid_after_touching, flag, 3)
    deadline = time.monotonic() + 30
    while not flag.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    os.kill(job.processes[0].pid, 9)  # as the out-of-memory killer would
    assert job.result(30) == (os.getpid(), 4)


def _pid_after_touching(path, x: int) -> tuple[int, int]:
    if not path.exists():  # the child waits to be killed; the rerun here answers at once
        path.write_text("x")
        time.sleep(60)
    return os.getpid(), x + 1


def test_workers_never_exceed_the_cores_or_the_tasks() -> None:
    assert parallel._workers(1) == 1
    assert 1 <= parallel._workers(100) <= parallel.PARALLEL_MAX


def test_docstring_examples_run() -> None:
    import doctest

    result = doctest.testmod(parallel)
    assert result.attempted > 0 and result.failed == 0
