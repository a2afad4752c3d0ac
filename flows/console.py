"""What every command shares: the consoles, the options that name the same thing everywhere, and the one way to
report an expected error (one red line on stderr, exit 1, no traceback).

One database resolution for every command: `--db`, else `$SAHELWATCH_DB`, else data/sahelwatch.duckdb
(`tasks.settings.resolve_settings`). `query` and `export` read that database's analysts' copy.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from tasks.errors import SahelwatchError

console = Console()
err = Console(stderr=True)
CONTEXT = {"help_option_names": ["-h", "--help"]}

DbOption = Annotated[
    Path | None,
    typer.Option("--db", help="The pipeline's DuckDB file (default: $SAHELWATCH_DB, else data/sahelwatch.duckdb)"),
]
FeedsOption = Annotated[
    Path | None, typer.Option("--feeds", help="Feeds file (default: $SAHELWATCH_FEEDS, else deploy/feeds.yaml)")
]
AlertsOption = Annotated[
    Path | None,
    typer.Option("--alerts", help="Alert rules file (default: $SAHELWATCH_ALERTS, else deploy/alerts.yaml)"),
]


def print_table(table, target: Console | None = None) -> None:
    """A table on a terminal fits its width (long cells wrap); in a pipe or a file every column keeps its full
    width, so grep and less see whole values, not 80-column fragments."""
    target = target or console
    if not target.is_terminal:
        target = Console(file=target.file, width=100_000, color_system=None)
    target.print(table, crop=False)


def fail(exc: Exception) -> typer.Exit:
    """Print `error: …` on one line and return the Exit to raise (`raise fail(exc) from None`)."""
    err.print(f"[red]error:[/red] {exc}", highlight=False, soft_wrap=True)
    return typer.Exit(1)


class _ExpectedErrors(logging.Filter):
    """Drops Prefect's failure records whose exception is one of ours: the CLI prints it as one line."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, SahelwatchError):
            return False
        message = record.getMessage()
        return not ("Finished in state Failed" in message and "Error" in message and record.name.endswith("runs"))


def local_prefect(db: Path, home: str = "prefect") -> None:
    """Settings for a flow run in this process: Prefect's own files under the project's data/ (not ~/.prefect),
    quiet logs, no analytics, and no traceback for an error the CLI reports itself. Call before importing prefect."""
    if "PREFECT_API_URL" not in os.environ:
        os.environ.setdefault("PREFECT_HOME", str((Path(db).parent / home).resolve()))
        Path(os.environ["PREFECT_HOME"]).mkdir(parents=True, exist_ok=True)  # Prefect makes one level only
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")  # a Dask cluster's start and stop, line by line
    for name in ("prefect.flow_runs", "prefect.task_runs"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, _ExpectedErrors) for f in logger.filters):
            logger.addFilter(_ExpectedErrors())
