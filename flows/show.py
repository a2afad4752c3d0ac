"""What the CLI prints: run summaries and status, as rich tables."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table

from flows.console import print_table
from storage.db import connect, writer_busy
from storage.status import feed_health, last_runs, table_counts


def _table(title: str, columns: list[str], rows: list[tuple]) -> Table:
    table = Table(title=title, title_justify="left")
    for col in columns:
        table.add_column(col)
    for row in rows:
        table.add_row(*["" if v is None else str(v) for v in row])
    return table


def print_summary(console: Console, summary: dict) -> None:
    keys = ["feeds_polled", "feeds_not_modified", "feeds_failed", "feeds_bozo", "entries_seen", "pages_fetched",
            "new_articles", "duplicates", "skips", "events_new", "events_updated", "alerts_sent"]
    console.print(_table("Run summary", ["count", "value"], [(k.replace("_", " "), summary[k]) for k in keys
                                                               if k in summary]))
    if summary.get("skips_by_reason"):
        console.print(_table("Skips by reason", ["reason", "items"], list(summary["skips_by_reason"].items())))
    if summary.get("languages"):
        console.print(_table("Languages", ["language", "articles"], list(summary["languages"].items())))
    feeds = [(f["name"], f["status"], f["entries"], "yes" if f["bozo"] else "", f["error"] or "")
             for f in summary.get("feeds", [])]
    console.print(_table("Feeds", ["feed", "HTTP", "entries", "bozo", "error"], feeds))
    console.print(f"Database: [bold]{summary['db']}[/bold]  ({summary['seconds']} s)")


def page_line(page: dict) -> str:
    """Where the run's situation page is (or why it was not written)."""
    if not page.get("path"):
        return f"Situation page not written: {page.get('error', 'see the log')}"
    return f"Situation page (map, timeline, table; open it in a browser): {Path(page['path']).resolve()}"


def print_status(console: Console, db: Path) -> None:
    with connect(db, read_only=True) as con:
        runs, feeds, counts = last_runs(con), feed_health(con), table_counts(con)
    if not writer_busy(db):  # a run still `running` with nobody holding the lock died (or lost its database)
        runs = [(*r[:2], "failed (interrupted)" if r[2] == "running" else r[2], *r[3:]) for r in runs]
    print_table(_table("Tables", ["table", "rows"], counts), console)
    print_table(_table("Last runs", ["run", "started", "status", "feeds", "304", "new articles", "skips",
                                     "new events"], runs), console)
    print_table(_table("Feed health", ["feed", "last status", "last success", "failures in a row", "bozo",
                                       "last error"], feeds), console)
    console.print(f"Database: [bold]{db}[/bold]")
