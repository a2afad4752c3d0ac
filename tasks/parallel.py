"""A process pool for the CPU-bound stages (trafilatura, langdetect, extraction), which threads cannot speed up
(the GIL). One pool per process, started on first use with the `spawn` method (forking a process that runs
Prefect's threads is unsafe), one worker per CPU; workers import the stage modules once and live until exit.

Only pure, module-level functions of plain data go through it, so a batch gives the same result in a worker as
inline. Small runs stay inline: starting the workers costs ~2 s, more than a batch of work.

A worker that dies (the OOM killer, a crash in a C extension) breaks the whole pool: `call` then starts a fresh
pool and tries the batch once more; if that fails too it raises WorkerDied and the caller records the batch's
items as skips. A batch that outlives its deadline (a C loop no signal interrupts) has its workers killed and is
treated the same way.

On a Dask worker (a run with a Dask address, flows/compute.py) the worker process is the pool: `call` runs the
function right there, and Dask retries a batch whose worker died.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

_pool: ProcessPoolExecutor | None = None
_lock = threading.Lock()


def workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def pool() -> ProcessPoolExecutor:
    """The process-wide pool, started on first use."""
    global _pool
    with _lock:
        if _pool is None:
            _pool = ProcessPoolExecutor(workers(), mp_context=multiprocessing.get_context("spawn"))
            atexit.register(_pool.shutdown, wait=False, cancel_futures=True)
        return _pool


def submit(fn: Callable[..., Any], *args: Any) -> Future:
    """fn(*args) in a worker process."""
    return pool().submit(fn, *args)


class WorkerDied(Exception):
    """A batch killed its worker twice (or overran its deadline twice)."""


def _restart(broken: ProcessPoolExecutor, kill: bool = False) -> None:
    """Replace `broken` by a fresh pool (once, however many batches saw it break); kill its workers if asked."""
    global _pool
    with _lock:
        if _pool is not broken:
            return
        _pool = None
    for proc in list(getattr(broken, "_processes", {}).values()) if kill else []:
        proc.kill()
    broken.shutdown(wait=False, cancel_futures=True)


def on_dask_worker() -> bool:
    """True in a task running on a Dask worker."""
    distributed = sys.modules.get("distributed")
    try:
        return distributed is not None and distributed.get_worker() is not None
    except ValueError:
        return False


def call(fn: Callable[..., Any], *args: Any, deadline: float | None = None) -> Any:
    """fn(*args) in a worker; a dead worker or a passed deadline gets one more try in a fresh pool. On a Dask
    worker, fn(*args) right there (no deadline: a thread cannot be killed; the per-article budget still holds)."""
    if on_dask_worker():
        return fn(*args)
    failure = ""
    for _attempt in range(2):
        current = pool()
        future = current.submit(fn, *args)
        try:
            return future.result(timeout=deadline)
        except BrokenProcessPool as exc:
            failure = f"worker process died ({exc})"[:200]
            _restart(current)
        except TimeoutError:
            failure = f"batch still running after {deadline:g} s"
            _restart(current, kill=True)
    raise WorkerDied(failure)
