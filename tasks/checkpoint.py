"""Crash-test hook: `checkpoint(name)` marks a point of a run where a crash must be survivable.

It does nothing unless the process was started with `SAHELWATCH_CRASH_AT=N`, in which case the Nth call
(counted across threads) kills the process with SIGKILL — no cleanup, no finally blocks, like the OOM killer or a
power cut. `SAHELWATCH_CHECKPOINT_LOG=path` appends each call's number and name to a file, so a test can list the
points of an uninterrupted run and then crash at each. The environment is read here, once, because this is a
test hook and not a setting: no code path depends on it.
"""

from __future__ import annotations

import os
import signal
import threading

_CRASH_AT = int(os.environ.get("SAHELWATCH_CRASH_AT") or 0)
_LOG = os.environ.get("SAHELWATCH_CHECKPOINT_LOG")
_lock = threading.Lock()
_count = 0


def checkpoint(name: str) -> None:
    """Count this point; die here if it is the one the crash test asked for."""
    global _count
    if not (_CRASH_AT or _LOG):
        return
    with _lock:
        _count += 1
        if _LOG:
            with open(_LOG, "a", encoding="utf-8") as log:
                log.write(f"{_count}\t{name}\n")
        if _count == _CRASH_AT:
            os.kill(os.getpid(), signal.SIGKILL)


def reset(crash_at: int = 0, log: str | None = None) -> None:
    """Re-arm the hook in a forked child (the crash test forks one prepared process many times)."""
    global _CRASH_AT, _LOG, _count
    with _lock:
        _CRASH_AT, _LOG, _count = crash_at, log, 0
