"""Analyst and ops commands: `query`, `export`, `report`, `publish`, `serve`. Mounted on the main CLI with
`app.add_typer(analyst_app)` (the commands land at the top level: `sahelwatch query ...`).

`query`, `export` and `report` open the analyst snapshot read-only by default (data/sahelwatch-analyst.duckdb,
published after each run), so they never hold the pipeline's lock.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from flows.console import console, err, fail
from tasks.errors import SahelwatchError

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Query, export and serve sahelwatch.")

SnapshotOption = Annotated[Path | None, typer.Option(
    "--db", help="DuckDB file to read (default: the analyst snapshot, data/sahelwatch-analyst.duckdb)")]
FORMATS = ("table", "csv", "json")


def snapshot_of(db: Path | None) -> Path:
    """The file analysts read: --db when given, else the snapshot of the configured pipeline database."""
    from storage.publish import analyst_path
    from tasks.settings import resolve_settings

    return db if db else analyst_path(resolve_settings().db_path)


def _plain(value):
    return value.isoformat() if isinstance(value, datetime | date) else value


def write_rows(columns: list[str], rows: list[tuple], fmt: str, out=None) -> None:
    """Query results on stdout as a rich table, CSV or a JSON array of objects."""
    out = out or sys.stdout
    if fmt == "csv":
        writer = csv.writer(out)
        writer.writerow(columns)
        writer.writerows([[_plain(v) for v in row] for row in rows])
    elif fmt == "json":
        json.dump([dict(zip(columns, map(_plain, row), strict=True)) for row in rows], out, ensure_ascii=False,
                  default=str, indent=1)
        out.write("\n")
    else:
        table = Table(*columns, show_lines=False)
        for row in rows:
            table.add_row(*["" if v is None else str(v) for v in row])
        console.print(table)


@app.command()
def query(sql: Annotated[str, typer.Argument(help="SQL, e.g. \"SELECT * FROM events_v LIMIT 5\"")],
          db: SnapshotOption = None,
          format: Annotated[str, typer.Option("--format", "-f", help="table | csv | json")] = "table") -> None:
    """Run one read-only SQL query against the analyst snapshot."""
    from storage.export import run_query

    if format not in FORMATS:
        raise fail(SahelwatchError(f"unknown format {format!r}: use table, csv or json"))
    try:
        columns, rows = run_query(snapshot_of(db), sql)
    except SahelwatchError as exc:
        raise fail(exc) from None
    except Exception as exc:  # a SQL error is the analyst's input, not a crash: one line
        raise fail(SahelwatchError(str(exc).splitlines()[0])) from None
    write_rows(columns, rows, format)


@app.command()
def export(format: Annotated[str, typer.Option("--format", "-f", help="csv | parquet | geojson | acled")],
           output: Annotated[Path, typer.Option("--output", "-o", help="File to write")],
           since: Annotated[datetime | None, typer.Option(formats=["%Y-%m-%d"], help="Events on or after DATE")] = None,
           db: SnapshotOption = None) -> None:
    """Export events_v (ACLED-like columns; `acled` uses ACLED's exact column names and order)."""
    from storage.export import export_events

    try:
        count = export_events(snapshot_of(db), format, output, since.date() if since else None)
    except SahelwatchError as exc:
        raise fail(exc) from None
    err.print(f"{count} events → {output}")


@app.command()
def report(output: Annotated[Path, typer.Option("--output", "-o", help="HTML file to write")],
           since: Annotated[str, typer.Option(help="Events of the last N days (14d), from a DATE, or all")] = "14d",
           countries: Annotated[str | None, typer.Option(help="Only these countries (ISO2, comma-separated: ML,BF)")] = None,
           lang: Annotated[str, typer.Option(help="Language of the page: en | fr")] = "en",
           db: SnapshotOption = None) -> None:
    """The situation page: map, timeline and table of the events in one self-contained HTML file (no network)."""
    from flows.situation.page import build_page, parse_countries, parse_since

    try:
        window = parse_since(since, datetime.now(UTC).date())
        figures = build_page(snapshot_of(db), output, window, parse_countries(countries), lang)
    except SahelwatchError as exc:
        raise fail(exc) from None
    err.print(f"{figures['events']} events, {figures['fatalities']} fatalities → {figures['path']} "
              f"({figures['bytes'] / 1e6:.1f} MB); open it in a browser")


@app.command()
def publish(db: Annotated[Path | None, typer.Option("--db", help="The pipeline's DuckDB file")] = None) -> None:
    """Republish the analyst snapshot now (each run does it at its end)."""
    from storage.publish import publish_snapshot
    from tasks.settings import resolve_settings

    try:
        figures = publish_snapshot(resolve_settings(db=db).db_path)
    except SahelwatchError as exc:
        raise fail(exc) from None
    err.print(f"published {figures['path']} ({figures['bytes']:,} bytes) in {figures['seconds']} s")


@app.command()
def serve(db: Annotated[Path | None, typer.Option("--db", help="The pipeline's DuckDB file")] = None,
          feeds: Annotated[Path | None, typer.Option("--feeds", help="Feeds file")] = None,
          cron: Annotated[str, typer.Option(help="Ingest schedule (cron, UTC)")] = "*/15 * * * *",
          maintenance_cron: Annotated[str, typer.Option(help="Maintenance schedule (cron, UTC)")] = "30 3 * * *",
          interval: Annotated[float | None, typer.Option(help="Ingest every N seconds instead of the cron")] = None,
          base_url: Annotated[str | None, typer.Option(help="Replaces {{BASE}} in the feeds file")] = None,
          allow_host: Annotated[list[str] | None, typer.Option(help="Private host to allow (local feeds)")] = None,
          page_port: Annotated[int | None, typer.Option(help="Port of the situation page and /api/events "
                                                        "(127.0.0.1; default $SAHELWATCH_PAGE_PORT or 8643)")] = None,
          ) -> None:
    """Serve the ingest, reprocess and maintenance deployments on their schedules (one run at a time), and the
    situation page on 127.0.0.1."""
    from flows.serve import serve_all

    with situation_page(db, page_port):
        serve_all(feeds=str(feeds.resolve()) if feeds else None, db=str(db.resolve()) if db else None, cron=cron,
                  maintenance_cron=maintenance_cron, interval=interval, base_url=base_url, allow_hosts=allow_host)


@contextmanager
def situation_page(db: Path | None, port: int | None) -> Iterator[None]:
    """The situation page beside the deployments (flows/situation/server.py). A taken port is one warning line:
    the page is a convenience, the schedules are not, so they are served either way."""
    from flows.situation.server import start_page_server
    from tasks.settings import resolve_settings

    settings = resolve_settings(db=db)
    port = port or settings.page_port
    try:
        server = start_page_server(settings.db_path.resolve(), port)
        err.print(f"Situation page: {server.url} (JSON: {server.url}api/events?since=14d)", highlight=False)
    except OSError as exc:
        server = None
        err.print(f"[yellow]warning:[/yellow] situation page not served on 127.0.0.1:{port} ({exc.strerror}); "
                  "pass --page-port N", highlight=False)
    try:
        yield
    finally:
        if server is not None:
            server.stop()


if __name__ == "__main__":  # pragma: no cover - `python -m flows.analyst_cli serve ...` (tests, no install)
    app()
