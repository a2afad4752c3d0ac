"""The CLI's consoles and its one way to report an expected error: one red line on stderr, exit 1."""

from __future__ import annotations

import typer
from rich.console import Console

console = Console()
err = Console(stderr=True)


def fail(exc: Exception) -> typer.Exit:
    """Print `error: …` on one line and return the Exit to raise (`raise fail(exc) from None`)."""
    err.print(f"[red]error:[/red] {exc}", highlight=False, soft_wrap=True)
    return typer.Exit(1)
