"""The isolation boundary: every feed, entry, page and article is processed inside `guarded`, which turns any
exception into a Skip for that item (stage, reason `exception`, the exception's class and a short message), so
the rest of the run proceeds and is stored. Expected failures are still Skips with their own reasons, made by the
stages; this catches what nobody foresaw. Only a fault of the whole run (the database, the configuration) raises.

A skip with reason `exception` is transient: the item is tried again on the next runs, and stops being tried once
it has failed in `Settings.final_after_runs` runs (storage/ingest.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from tasks.models import Skip

T = TypeVar("T")
log = logging.getLogger(__name__)


def describe(exc: BaseException) -> str:
    """`ValueError: chr() arg not in range(0x110000)`, on one line, at most 300 characters."""
    return " ".join(f"{type(exc).__name__}: {exc}".split())[:300]


def guarded(stage: str, url: str, fn: Callable[..., T], *args) -> T | Skip:
    """fn(*args), or a Skip(stage, 'exception', url, 'Class: message') if it raised."""
    try:
        return fn(*args)
    except Exception as exc:  # noqa: BLE001 - the boundary: one bad item must never stop a run
        log.warning("%s stage failed on %s: %s", stage, url, describe(exc))
        return Skip(stage, "exception", url, describe(exc))
