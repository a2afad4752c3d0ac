"""Analyst and ops commands: `query`, `export`, `report`, `publish`, `serve`. Mounted on the main CLI with
`app.add_typer(analyst_app)` (the commands land at the top level: `sahelwatch query ...`).

`query`, `export` and `report` open the analyst snapshot read-only by default (data/sahelwatch-analyst.duckdb,
published after each run), so they never hold the pipeline's lock.
"""

from __future__ import annotations

import csv
import json
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from flows.console import CONTEXT, DbOption, FeedsOption, console, err, fail, print_table
from tasks.errors import SahelwatchError

app = typer.Typer(add_completion=False, no_args_is_help=True, context_settings=CONTEXT,
                  help="Query, export and serve sahelwatch.")

FORMATS = ("table", "csv", "json")


def snapshot_of(db: Path | None) -> Path:
    """The file analysts read: the analysts' copy of the pipeline database (--db, else $SAHELWATCH_DB, else the
    default); a path that is itself an analysts' copy, or a database that has none (a copy, an export), is read
    as it is, read-only and without waiting for a writer."""
    from storage.publish import SNAPSHOT_SUFFIX, analyst_path
    from tasks.settings import resolve_settings

    pipeline = resolve_settings(db=db).db_path
    if pipeline.stem.endswith(SNAPSHOT_SUFFIX):
        return pipeline
    snapshot = analyst_path(pipeline)
    if not snapshot.exists() and pipeline.exists():
        err.print(f"(no analysts' copy {snapshot} yet: reading {pipeline} itself)", highlight=False)
        return pipeline
    return snapshot


def _plain(value):
    return value.isoformat() if isinstance(value, datetime | date) else value


def write_table(columns: list[str], rows: list[tuple], out=None) -> None:
    """Rows as a rich table; values are never read as markup. On a terminal the table fits its width (long
    values wrap); in a pipe or a file every column keeps its full width."""
    table = Table(show_lines=False)
    for column in columns:
        table.add_column(Text(column))
    for row in rows:
        table.add_row(*[Text("" if v is None else str(v)) for v in row])
    print_table(table, console if out is None else Console(file=out))


def write_rows(columns: list[str], rows: list[tuple], fmt: str, out=None) -> None:
    """Query results on stdout as a rich table, CSV or a JSON array of objects."""
    if fmt == "table":
        write_table(columns, rows, out)
        return
    out = out or sys.stdout
    if fmt == "csv":
        writer = csv.writer(out)
        writer.writerow(columns)
        writer.writerows([[_plain(v) for v in row] for row in rows])
    else:
        json.dump([dict(zip(columns, map(_plain, row), strict=True)) for row in rows], out, ensure_ascii=False,
                  default=str, indent=1)
        out.write("\n")


@app.command()
def query(sql: Annotated[str, typer.Argument(help="SQL, e.g. \"SELECT * FROM events_v LIMIT 5\"")],
          db: DbOption = None,
          format: Annotated[str, typer.Option("--format", "-f", help="table | csv | json")] = "table") -> None:
    """Run one read-only SQL query against the analysts' copy of the database."""
    from storage.export import run_query

    if format not in FORMATS:
        raise fail(SahelwatchError(f"unknown format {format!r}: use table, csv or json"))
    if not sql.strip().strip(";").strip():
        raise fail(SahelwatchError("empty query: pass one SQL statement, e.g. \"SELECT * FROM events_v LIMIT 5\""))
    try:
        columns, rows = run_query(snapshot_of(db), sql)
    except SahelwatchError as exc:
        raise fail(exc) from None
    except Exception as exc:  # a SQL error is the analyst's input, not a crash: one line
        raise fail(SahelwatchError(str(exc).splitlines()[0])) from None
    if not columns:
        raise fail(SahelwatchError("the statement returned no result: `query` runs one SELECT"))
    write_rows(columns, rows, format)


@app.command()
def export(format: Annotated[str, typer.Option("--format", "-f", help="csv | parquet | geojson | acled")],
           output: Annotated[Path, typer.Option("--output", "-o", help="File to write, or - for stdout")],
           since: Annotated[datetime | None, typer.Option(formats=["%Y-%m-%d"], help="Events on or after DATE")] = None,
           db: DbOption = None) -> None:
    """Export events_v (ACLED-like columns; `acled` uses ACLED's exact column names and order)."""
    from storage.export import export_events

    try:
        if str(output) == "-":
            count = _export_to_stdout(export_events, snapshot_of(db), format, since.date() if since else None)
        else:
            count = export_events(snapshot_of(db), format, output, since.date() if since else None)
    except SahelwatchError as exc:
        raise fail(exc) from None
    err.print(f"{count} events → {'stdout' if str(output) == '-' else output}", highlight=False)


def _export_to_stdout(export_events, snapshot: Path, fmt: str, since) -> int:
    """Export to a temporary file, then copy its bytes to stdout (DuckDB's COPY writes files)."""
    with tempfile.TemporaryDirectory(prefix="sahelwatch-export-") as tmp:
        path = Path(tmp) / f"events.{fmt}"
        count = export_events(snapshot, fmt, path, since)
        sys.stdout.flush()
        with path.open("rb") as data:
            shutil.copyfileobj(data, sys.stdout.buffer)
        sys.stdout.buffer.flush()
    return count


@app.command()
def report(output: Annotated[Path, typer.Option("--output", "-o", help="HTML file to write")],
           since: Annotated[str, typer.Option(help="Events of the last N days (14d), from a DATE, or all")] = "14d",
           countries: Annotated[str | None, typer.Option(help="Only these countries (ISO2, comma-separated: ML,BF)")] = None,
           lang: Annotated[str, typer.Option(help="Language of the page: en | fr")] = "en",
           db: DbOption = None) -> None:
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
def publish(db: DbOption = None) -> None:
    """Republish the analysts' copy now (each run does it at its end)."""
    from storage.publish import publish_snapshot
    from tasks.settings import resolve_settings

    try:
        figures = publish_snapshot(resolve_settings(db=db).db_path)
    except SahelwatchError as exc:
        raise fail(exc) from None
    err.print(f"published {figures['path']} ({figures['bytes']:,} bytes) in {figures['seconds']} s", highlight=False)


@app.command()
def serve(db: DbOption = None, feeds: FeedsOption = None,
          cron: Annotated[str, typer.Option(help="Ingest schedule (cron, UTC)")] = "*/15 * * * *",
          maintenance_cron: Annotated[str, typer.Option(help="Maintenance schedule (cron, UTC)")] = "30 3 * * *",
          interval: Annotated[float | None, typer.Option(help="Ingest every N seconds instead of the cron")] = None,
          port: Annotated[int, typer.Option(help="Port of the Prefect server serve starts (UI and API)")] = 4200,
          base_url: Annotated[str | None, typer.Option(help="Replaces {{BASE}} in the feeds file")] = None,
          allow_host: Annotated[list[str] | None, typer.Option(help="Private host to allow (local feeds)")] = None,
          page_port: Annotated[int | None, typer.Option(help="Port of the situation page and /api/events "
                                                        "(127.0.0.1; default $SAHELWATCH_PAGE_PORT or 8643)")] = None,
          ) -> None:
    """Serve the ingest, reprocess and maintenance deployments on their schedules (one run at a time), and the
    situation page on 127.0.0.1.

    Uses the Prefect API in PREFECT_API_URL, or starts a Prefect server of its own on 127.0.0.1:PORT (files in
    $PREFECT_HOME, default data/prefect/) and stops it on Ctrl-C or SIGTERM."""
    import os

    from flows.prefect_server import prefect_api
    from tasks.config import check_feeds
    from tasks.settings import resolve_settings

    settings = resolve_settings(db=db, feeds=feeds)
    home = Path(os.environ.get("PREFECT_HOME") or settings.db_path.parent / "prefect").resolve()
    options = {"cron": cron, "maintenance_cron": maintenance_cron, "interval": interval, "base_url": base_url,
               "allow_hosts": allow_host}
    try:
        check_feeds(settings.feeds_path)
        with prefect_api(home, port=port) as (api_url, started):
            os.environ.update(PREFECT_API_URL=api_url, PREFECT_HOME=str(home))
            from flows.serve import banner, serve_all

            for line in banner(api_url, started, str(settings.db_path.resolve()), options):
                err.print(line, highlight=False, markup=False, soft_wrap=True)
            with situation_page(settings.db_path, page_port):
                serve_all(feeds=str(settings.feeds_path.resolve()), db=str(settings.db_path.resolve()), **options)
    except SahelwatchError as exc:
        raise fail(exc) from None
    except (KeyboardInterrupt, SystemExit):  # Ctrl-C; Prefect's runner exits on SIGTERM
        pass
    err.print("serve stopped", highlight=False)


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
