"""A process pool for the CPU-bound stages (trafilatura, langdetect, extraction), which threads cannot speed up
(the GIL). One pool per process, started on first use with the `spawn` method (forking a process that runs
Prefect's threads is unsafe), one worker per CPU; workers import the stage modules once and live until exit.

Only pure, module-level functions of plain data go through it, so a batch gives the same result in a worker as
inline. Small runs stay inline: starting the workers costs ~2 s, more than a batch of work.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
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
