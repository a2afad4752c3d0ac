"""What `run` and `demo` show while they work: the `sahelwatch.progress` records (tasks/progress.py) as a rich
progress display on a terminal, or as plain timestamped lines when stderr is a pipe or a file (cron, CI).

    starting Prefect → polling N feeds → pages k/N → storing → extracting events → sending alerts → publishing
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from tasks.progress import log as progress_log


class PlainLines(logging.Handler):
    """One line per step, and a line per tenth of the pages fetched."""

    def __init__(self, console: Console):
        super().__init__()
        self.console = console
        self.total: dict[str, int] = {}
        self.done: dict[str, int] = {}

    def emit(self, record: logging.LogRecord) -> None:
        step, total, advance = record.step, record.total, record.advance  # type: ignore[attr-defined]
        if total is not None:
            self.total[step], self.done[step] = total, 0
        if advance:
            before = self.done.get(step, 0)
            self.done[step] = before + advance
            tenth = max(1, self.total.get(step, 0) // 10)
            if self.done[step] // tenth == before // tenth and self.done[step] != self.total.get(step):
                return
            self._line(f"{step}: {self.done[step]}/{self.total.get(step, '?')}")
            return
        self._line(record.getMessage())

    def _line(self, text: str) -> None:
        self.console.print(f"{time.strftime('%H:%M:%S')} {text}", highlight=False, markup=False, soft_wrap=True)


class RichProgress(logging.Handler):
    """A spinner for the current step and a bar for the pages."""

    def __init__(self, progress: Progress):
        super().__init__()
        self.progress = progress
        self.step = progress.add_task("starting", total=None)
        self.bars: dict[str, int] = {}

    def emit(self, record: logging.LogRecord) -> None:
        step, total, advance = record.step, record.total, record.advance  # type: ignore[attr-defined]
        if advance and step in self.bars:
            self.progress.advance(self.bars[step], advance)
            return
        if total is not None and step == "pages":
            self.bars[step] = self.progress.add_task("fetching pages", total=total)
        self.progress.update(self.step, description=record.getMessage())


@contextmanager
def progress_view(console: Console, first: str = "starting Prefect") -> Iterator[None]:
    """Show progress records on `console` while the block runs."""
    if console.is_terminal:
        progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        handler: logging.Handler = RichProgress(progress)
        progress.update(handler.step, description=first)  # type: ignore[attr-defined]
        progress.start()
    else:
        progress, handler = None, PlainLines(console)
        handler._line(first)  # type: ignore[attr-defined]
    progress_log.addHandler(handler)
    try:
        yield
    finally:
        progress_log.removeHandler(handler)
        if progress is not None:
            progress.stop()
