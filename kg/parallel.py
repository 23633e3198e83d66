"""Threads on a machine's spare core: independent work side by side, same results as in order.

kg runs one torch and one BLAS thread per process (:mod:`kg.learn.device`): on a busy
two-core machine more threads inside one product cost far more than they save. What does
use a second core is running *independent* pieces of work side by side, when they spend
their time in NumPy or torch kernels (which release the GIL) or wait on the disk:

* :func:`parallel_map`: ``[fn(x) for x in items]`` over up to :data:`PARALLEL_MAX` threads
  (the relatedness head's cross-fits, the page's suggestions);
* :func:`prefetched`: a loop whose next item is computed while the caller works on this one;
* :func:`background`: one job started now, its result collected later (the parts of a
  build's outputs that do not depend on the model, made while the model trains).

With one usable core every helper runs the work in order, in the caller's thread. Each is
for deterministic work only, so the results never depend on the thread that made them.

Example
-------
>>> parallel_map(lambda x: x * x, [1, 2, 3])
[1, 4, 9]
>>> background(sum, [1, 2, 3]).result()
6
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

__all__ = ["PARALLEL_MAX", "parallel_map", "prefetched", "background"]

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


def background(fn: Callable[..., R], *args: Any, **kwargs: Any) -> Future[R]:
    """``fn(*args, **kwargs)`` started in a thread of its own; ``.result()`` waits for it and
    returns its value (or raises its exception). With one usable core it runs here, now,
    and the future comes back done. The caller must not change what ``fn`` reads until
    the result is in.

    >>> background(max, 3, 5).result()
    5
    """
    if _workers(2) <= 1:
        done: Future[R] = Future()
        try:
            done.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # handed over to .result(), as a thread would
            done.set_exception(exc)
        return done
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kg-background")
    try:
        return pool.submit(fn, *args, **kwargs)
    finally:
        pool.shutdown(wait=False)  # the thread ends with its job
