"""The `sahelwatch` command: run, demo, status, extract (and the sub-commands other modules add).

Expected errors (SahelwatchError) print one red line and exit 1; no traceback.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from flows.alerts_cli import alerts_app
from flows.analyst_cli import app as analyst_app
from flows.console import console, err, fail
from tasks.errors import SahelwatchError

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Sahel news feeds to structured conflict events.")

app.add_typer(alerts_app, name="alerts", help="Alert rules: send a test message, list recent sends.")
app.add_typer(analyst_app)  # query, export, publish, serve

DbOption = Annotated[Path | None, typer.Option("--db", help="DuckDB file (default: $SAHELWATCH_DB or data/sahelwatch.duckdb)")]
FeedsOption = Annotated[Path | None, typer.Option("--feeds", help="Feeds file (default: deploy/feeds.yaml)")]


def _quiet_prefect() -> None:
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")


def preflight(db: Path, feeds: Path | None = None, alerts: Path | None = None) -> None:
    """Check what a run needs before Prefect starts (whose failure logging would bury the one clear line):
    the feeds and rules files parse, and the database can be opened for writing."""
    from storage.db import connect
    from tasks.alerts import load_rules
    from tasks.feeds import load_feeds

    if feeds is not None:
        load_feeds(feeds)
    if alerts is not None:
        load_rules(alerts)
    with connect(db):
        pass


@app.command()
def run(db: DbOption = None, feeds: FeedsOption = None,
        alerts: Annotated[Path | None, typer.Option("--alerts", help="Alert rules (default: deploy/alerts.yaml)")] = None,
        allow_host: Annotated[list[str] | None, typer.Option(help="Private host to allow (tests, local feeds)")] = None,
        ) -> None:
    """One ingest run now, against the configured feeds."""
    _quiet_prefect()
    from flows.show import page_line, print_summary
    from tasks.settings import DEFAULT_ALERTS, resolve_settings

    settings = resolve_settings(db=db, feeds=feeds, alerts=alerts or DEFAULT_ALERTS)
    try:
        preflight(settings.db_path, settings.feeds_path, settings.alerts_path)
        from flows.ingest import ingest

        summary = ingest(feeds=str(settings.feeds_path), db=str(settings.db_path), allow_hosts=allow_host,
                         alerts=str(settings.alerts_path))
    except SahelwatchError as exc:
        raise fail(exc) from None
    print_summary(console, summary)
    console.print(page_line(summary.get("page") or {}), soft_wrap=True)


@app.command()
def demo(db: Annotated[Path, typer.Option("--db")] = Path("data/demo.duckdb"),
         port: Annotated[int, typer.Option(help="Port of the local replay server")] = 8642) -> None:
    """Serve the bundled fixture feeds on 127.0.0.1 and run the ingest flow against them through Prefect."""
    _quiet_prefect()
    try:
        preflight(db)
        from flows.demo import run_demo

        run_demo(console, db, port)
    except SahelwatchError as exc:
        raise fail(exc) from None


@app.command()
def status(db: DbOption = None) -> None:
    """Last runs, per-feed health and table counts."""
    from flows.show import print_status
    from tasks.settings import resolve_settings

    try:
        print_status(console, resolve_settings(db=db).db_path)
    except SahelwatchError as exc:
        raise fail(exc) from None


@app.command()
def extract(input: Annotated[Path, typer.Option("--input", help="Articles, one JSON object a line")],
            output: Annotated[Path, typer.Option("--output", help="Predictions, one JSON object a line")]) -> None:
    """Extraction and event clustering over a JSONL file of articles (no network, no database)."""
    from tasks.extract.batch import extract_file

    if not input.exists():
        raise fail(SahelwatchError(f"no such input file: {input}"))
    count = extract_file(input, output)
    err.print(f"{count} articles → {output}")


if __name__ == "__main__":  # pragma: no cover - `python -m flows.cli`
    app()
