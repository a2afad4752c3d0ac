"""The `sahelwatch` command: run, reprocess, demo, status, extract, feeds check (and other modules' sub-commands).

Expected errors (SahelwatchError) print one red line and exit 1; no traceback. Exit codes for cron and
monitoring: 0 the run completed; 1 it did not, or no feed could be polled at all.
"""

from __future__ import annotations

import json
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Annotated

import typer

from flows.alerts_cli import alerts_app
from flows.analyst_cli import app as analyst_app
from flows.console import CONTEXT, AlertsOption, DbOption, FeedsOption, console, err, fail, local_prefect
from tasks.errors import SahelwatchError

app = typer.Typer(add_completion=False, no_args_is_help=True, context_settings=CONTEXT,
                  help="Sahel news feeds to structured conflict events.")
feeds_app = typer.Typer(no_args_is_help=True, context_settings=CONTEXT, help="The feeds file.")

app.add_typer(alerts_app, name="alerts", help="Alert rules: send a test message, list recent sends.")
app.add_typer(feeds_app, name="feeds")
app.add_typer(analyst_app)  # query, export, publish, serve


def _version(show: bool) -> None:
    if show:
        try:
            console.print(f"sahelwatch {version('sahelwatch')}")
        except PackageNotFoundError:  # pragma: no cover - running from a checkout without install
            console.print("sahelwatch (not installed)")
        raise typer.Exit()


@app.callback()
def main(_version_flag: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                                    help="Print the version and exit.")] = False) -> None:
    """Sahel news feeds to structured conflict events."""


def preflight(db: Path, feeds: Path | None = None, alerts: Path | None = None, partition: str | None = None) -> None:
    """Check what a run needs before Prefect starts (whose failure logging would bury the one clear line):
    the feeds and rules files are valid, no other run holds the writer lock, the database opens for writing
    (a partitioned run: in the writer slot, which the other partitions' runs take in turns)."""
    from contextlib import nullcontext

    from storage.db import connect, slot_lock, writer_lock
    from tasks.alerts import load_rules
    from tasks.feeds import load_feeds
    from tasks.partition import parse_partition

    slug = parse_partition(partition).slug if partition else None
    if feeds is not None:
        load_feeds(feeds)
    if alerts is not None:
        load_rules(alerts)
    with writer_lock(db, share=slug), slot_lock(db) if slug else nullcontext(), connect(db):
        pass


DaskOption = Annotated[str | None, typer.Option(
    "--dask-address", help="Run the CPU stages on a Dask cluster: tcp://HOST:PORT (a running scheduler) or local:N "
    "(N worker processes for this run); default $SAHELWATCH_DASK_ADDRESS, else the local process pool")]


def print_outcome(summary: dict, as_json: bool) -> None:
    from flows.show import page_line, print_summary

    if as_json:
        print(json.dumps(summary, default=str, ensure_ascii=False, indent=1))
    else:
        print_summary(console, summary)
        if "page" in summary:
            console.print(page_line(summary["page"] or {}), soft_wrap=True)


@app.command()
def run(db: DbOption = None, feeds: FeedsOption = None, alerts: AlertsOption = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print the run summary as JSON on stdout")] = False,
        allow_host: Annotated[list[str] | None, typer.Option(help="Private host to allow (tests, local feeds)")] = None,
        partition: Annotated[str | None, typer.Option(help="i/N: only partition i of N of the feeds, sharing the "
                                                      "database with the other partitions' runs")] = None,
        dask_address: DaskOption = None) -> None:
    """One ingest run now, against the configured feeds. Exit 1 when the run fails or no feed answered."""
    from tasks.settings import DEFAULT_ALERTS, resolve_settings

    try:
        settings = resolve_settings(db=db, feeds=feeds, alerts=alerts or DEFAULT_ALERTS, dask_address=dask_address)
    except SahelwatchError as exc:
        raise fail(exc) from None
    local_prefect(settings.db_path)
    from flows.ingest import NoFeedReachable, ingest
    from flows.progress_view import progress_view

    try:
        preflight(settings.db_path, settings.feeds_path, settings.alerts_path, partition)
        with progress_view(err):
            summary = ingest(feeds=str(settings.feeds_path), db=str(settings.db_path), allow_hosts=allow_host,
                             alerts=str(settings.alerts_path), partition=partition,
                             dask_address=settings.dask_address)
    except NoFeedReachable as exc:
        print_outcome(exc.summary, as_json)
        raise fail(exc) from None
    except SahelwatchError as exc:
        raise fail(exc) from None
    print_outcome(summary, as_json)


@app.command()
def reprocess(db: DbOption = None,
              batch_size: Annotated[int, typer.Option(min=1, help="Articles per extraction task")] = 200,
              max_articles: Annotated[int | None, typer.Option(min=1, help="Stop after this many articles")] = None,
              dask_address: DaskOption = None,
              as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON on stdout")] = False,
              ) -> None:
    """Run the current extractor over the stored articles it has not seen yet (after an extractor upgrade: all of
    them) and store their events. Exit 1 when the run fails (no database, another run writing, no Dask cluster)."""
    from tasks.settings import resolve_settings

    try:
        settings = resolve_settings(db=db, dask_address=dask_address)
        if not settings.db_path.exists():
            raise SahelwatchError(f"no database at {settings.db_path}: run `sahelwatch run` or `sahelwatch demo` first")
        local_prefect(settings.db_path)
        preflight(settings.db_path)
        from flows.reprocess import reprocess as reprocess_flow

        summary = reprocess_flow(db=str(settings.db_path), batch_size=batch_size, max_articles=max_articles,
                                 dask_address=settings.dask_address)
    except SahelwatchError as exc:
        raise fail(exc) from None
    if as_json:
        print(json.dumps(summary, default=str, ensure_ascii=False, indent=1))
        return
    where = settings.dask_address or "the local process pool"
    batches = f"{summary['batches']} batch" + ("es" if summary["batches"] != 1 else "")
    console.print(f"Extractor {summary['extractor_version']}: {summary['articles']} articles in {batches} "
                  f"on {where}, {summary['events_new']} new events, {summary['events_updated']} revised "
                  f"({summary['seconds']} s)", highlight=False, soft_wrap=True)
    if summary["skips"]:
        skips = ", ".join(f"{reason} {n}" for reason, n in summary["skips"].items())
        console.print(f"Skips: {skips} (worker_died ones are tried again next run)", highlight=False)
    if "publish" in summary:
        console.print(f"Analysts' copy: {summary['publish']['path']}", highlight=False)


@app.command()
def demo(db: Annotated[Path, typer.Option("--db", help="The demo's own database")] = Path("data/demo.duckdb"),
         port: Annotated[int, typer.Option(help="Port of the local replay server")] = 8642) -> None:
    """Serve the bundled fixture feeds on 127.0.0.1 and run the ingest flow against them through Prefect."""
    local_prefect(db, home="demo-prefect")  # the demo's Prefect files stay apart from a real one's (data/prefect)
    from flows.progress_view import progress_view

    try:
        preflight(db)
        from flows.demo import run_demo

        run_demo(console, db, port, progress=lambda: progress_view(err))
    except SahelwatchError as exc:
        raise fail(exc) from None


@app.command()
def status(db: DbOption = None) -> None:
    """Last runs, per-feed health and table counts (reads the pipeline's file without waiting for a run)."""
    from flows.show import print_status
    from tasks.settings import resolve_settings

    try:
        print_status(console, resolve_settings(db=db).db_path)
    except SahelwatchError as exc:
        raise fail(exc) from None


@feeds_app.command("check")
def feeds_check(path: Annotated[Path | None, typer.Argument(help="Feeds file (default: $SAHELWATCH_FEEDS, "
                                                                 "else deploy/feeds.yaml)")] = None,
                partitions: Annotated[int | None, typer.Option(min=1, help="Also show which of N partitions "
                                                               "(ingest --partition i/N) polls each feed")] = None,
                ) -> None:
    """Validate a feeds file without running anything: every key known, every value its type."""
    from tasks.config import check_feeds
    from tasks.partition import feed_partition
    from tasks.settings import resolve_settings

    path = resolve_settings(feeds=path).feeds_path
    try:
        checked = check_feeds(path)
    except SahelwatchError as exc:
        raise fail(exc) from None
    enabled = sum(f.enabled for f in checked.feeds)
    console.print(f"{path}: {len(checked.feeds)} feeds, {enabled} enabled, all valid", highlight=False)
    if partitions:
        for f in checked.feeds:
            state = "" if f.enabled else "  (disabled)"
            console.print(f"{feed_partition(f.name, partitions)}/{partitions}  {f.name}{state}", highlight=False,
                          markup=False)


def malformed_lines(path: Path) -> int:
    """Non-empty lines of a JSONL file that are not a JSON object."""
    bad = 0
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if not line.strip():
            continue
        try:
            bad += not isinstance(json.loads(line), dict)
        except ValueError:
            bad += 1
    return bad


@app.command()
def extract(input: Annotated[Path, typer.Option("--input", help="Articles, one JSON object a line")],
            output: Annotated[Path, typer.Option("--output", help="Predictions, one JSON object a line")]) -> None:
    """Extraction and event clustering over a JSONL file of articles (no network, no database)."""
    from tasks.extract.batch import extract_file

    if not input.is_file():
        raise fail(SahelwatchError(f"no such input file: {input}"))
    output.parent.mkdir(parents=True, exist_ok=True)
    count = extract_file(input, output)
    bad = malformed_lines(input)
    note = f" ({bad} malformed input lines, each written as not relevant)" if bad else ""
    err.print(f"{count} articles → {output}{note}", highlight=False)


if __name__ == "__main__":  # pragma: no cover - `python -m flows.cli`
    app()
