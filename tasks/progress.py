"""Progress of a run, for whoever watches it: `report(step, ...)` logs to the `sahelwatch.progress` logger.

Nothing is printed unless a handler is attached: the CLI attaches one (a rich progress display on a terminal,
plain lines otherwise, flows/progress_view.py); served runs have none, and their Prefect logs say the rest.
A stage calls `report` as it goes; it never waits on it.
"""

from __future__ import annotations

import logging

log = logging.getLogger("sahelwatch.progress")
log.addHandler(logging.NullHandler())
log.propagate = False
log.setLevel(logging.INFO)


def report(step: str, *, total: int | None = None, advance: int = 0, note: str = "") -> None:
    """`step` started (with `total` items), advanced by `advance` items, or says `note`."""
    if log.handlers and any(not isinstance(h, logging.NullHandler) for h in log.handlers):
        log.info(note or step, extra={"step": step, "total": total, "advance": advance})
