"""A machine's spare core: independent work side by side, with the results of it in order.

kg runs one torch and one BLAS thread per process (:mod:`kg.learn.device`): on a busy
two-core machine more threads inside one product cost far more than they save. What does
use a second core is running *independent* pieces of work side by side: in threads when
they spend their time in NumPy or torch kernels (which release the GIL), in a child
process when they are Python work:

* :func:`parallel_map`: ``[fn(x) for x in items]`` over up to :data:`PARALLEL_MAX` threads
  (the relatedness head's cross-fits, the page's suggestions);
* :func:`prefetched`: a loop whose next item is computed while the caller works on this one;
* :func:`in_child`: one job started now in a forked child process, its result collected
  later (the parts of a build's outputs that do not depend on the model, made while the
  model trains: Python work, which a thread would run only by taking turns with the
  training loop).

With one usable core every helper runs the work in order, in the caller's thread. Each is
for deterministic work only, so the results never depend on where they were made.

Example
-------
>>> parallel_map(lambda x: x * x, [1, 2, 3])
[1, 4, 9]
>>> in_child(sum, [1, 2, 3]).result()
6
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Generic, TypeVar

__all__ = ["PARALLEL_MAX", "ChildJob", "parallel_map", "prefetched", "in_child", "stop_pool"]

T = TypeVar("T")
R = TypeVar("R")

#: Most threads :func:`parallel_map` uses (one per core of a two-core machine).
PARALLEL_MAX = 2


def _workers(tasks: int) -> int:
    """Threads for ``tasks`` independent tasks: at most :data:`PARALLEL_MAX`, one per core
    this process may use."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    return max(1, min(PARALLEL_MAX, cores, tasks))


def parallel_map(fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
    """``[fn(x) for x in items]``, run in up to :data:`PARALLEL_MAX` threads, one per core this
    process may use (one core: in order, no thread). For independent, deterministic work that
    spends its time in NumPy or torch kernels (they release the GIL), such as the head's
    cross-fits: the results are the same as in order, only sooner on two cores.

    >>> parallel_map(lambda x: x * x, [1, 2, 3])
    [1, 4, 9]
    """
    workers = _workers(len(items))
    if workers <= 1:
        return [fn(x) for x in items]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(fn, items))


def prefetched(fn: Callable[[T], R], items: Iterable[T]) -> Iterable[R]:
    """``fn(x)`` for each of ``items`` in order, the next one computed in a thread while the
    caller works on this one (on one core: in order, no thread). For a loop that alternates
    kernel work (``fn``: NumPy or torch, which release the GIL) with Python work.

    >>> list(prefetched(lambda x: x + 1, [1, 2, 3]))
    [2, 3, 4]
    """
    items = list(items)
    if _workers(len(items)) <= 1:
        yield from (fn(x) for x in items)
        return
    with ThreadPoolExecutor(max_workers=1) as pool:
        ahead = pool.submit(fn, items[0])
        for i in range(len(items)):
            now = ahead
            if i + 1 < len(items):
                ahead = pool.submit(fn, items[i + 1])
            yield now.result()


class ChildJob(Generic[R]):
    """A job run by :func:`in_child`: ``result()`` waits for it, ``stop()`` ends it now."""

    def __init__(self, future: Future[R], pool: Any = None, again: Callable[[], R] | None = None) -> None:
        self.future, self._pool, self._again = future, pool, again
        #: the child process (none when the job ran here)
        self.processes = list((getattr(pool, "_processes", None) or {}).values())

    def result(self, timeout: float | None = None) -> R:
        """The job's value (or its exception, raised here). A child that died before it
        answered (killed, out of memory) is replaced by running the job here."""
        from concurrent.futures.process import BrokenProcessPool

        try:
            return self.future.result(timeout)
        except BrokenProcessPool:
            if self._again is None:
                raise
            return self._again()

    def stop(self) -> None:
        """End the child now (nothing when it ran here); its result is never collected."""
        if self._pool is not None:
            stop_pool(self._pool, self.processes)


def stop_pool(pool: Any, processes: Iterable[Any] | None = None) -> None:
    """Stop a process pool now: cancel what is queued and terminate its workers
    (``processes``: them, when the pool was shut down already and no longer lists them)."""
    procs = list(processes if processes is not None else (getattr(pool, "_processes", None) or {}).values())
    manager = getattr(pool, "_executor_manager_thread", None)
    for proc in procs:
        proc.terminate()
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in procs:
        proc.join(2)
    if manager is not None:  # it sees the workers gone and ends; then exit has nothing to do
        manager.join(5)


_PENDING: dict[int, tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]] = {}
_KEYS = itertools.count()


def _run_pending(key: int) -> Any:
    fn, args, kwargs = _PENDING[key]
    return fn(*args, **kwargs)


def _here(fn: Callable[..., R], args: tuple[Any, ...], kwargs: dict[str, Any]) -> ChildJob[R]:
    """The job run in this process, now, as a finished :class:`ChildJob`."""
    done: Future[R] = Future()
    try:
        done.set_result(fn(*args, **kwargs))
    except Exception as exc:  # handed over to .result(), as from a child
        done.set_exception(exc)
    return ChildJob(done)


def in_child(fn: Callable[..., R], *args: Any, **kwargs: Any) -> ChildJob[R]:
    """``fn(*args, **kwargs)`` run in a forked child process, beside this one; ``.result()``
    waits for it and returns its value (or raises its exception).

    The arguments are not copied out (the child is a copy of this process: a large graph
    costs nothing to hand over); the result is pickled back. A child shares no interpreter
    lock with its parent, so Python work there (writing files, a layout) leaves this
    process's loops (a torch training loop) at full speed, where a thread would slow them.
    The child dies with this process, however it dies. With one usable core, or where
    no process can be forked (no ``fork``; a memory or process limit), the job runs here,
    now, and comes back done. Only for work
    whose effects are its result and the files it writes.

    >>> in_child(max, 3, 5).result()
    5
    """
    import multiprocessing

    if _workers(2) <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return _here(fn, args, kwargs)
    from concurrent.futures import ProcessPoolExecutor

    from kg.outdir import die_with_parent

    key = next(_KEYS)
    _PENDING[key] = (fn, args, kwargs)
    try:  # a fork pool forks its worker in submit, with the job's arguments in _PENDING
        pool = ProcessPoolExecutor(
            max_workers=1, mp_context=multiprocessing.get_context("fork"),
            initializer=die_with_parent, initargs=(os.getpid(),),
        )
        job = ChildJob(pool.submit(_run_pending, key), pool, lambda: fn(*args, **kwargs))
    except OSError:  # no process to be had (a memory or process limit): the job runs here
        return _here(fn, args, kwargs)
    finally:
        del _PENDING[key]
    pool.shutdown(wait=False)  # the worker ends with its job
    return job
