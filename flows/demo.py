"""`sahelwatch demo`: the bundled fixture web served on 127.0.0.1, one ingest run through Prefect, a summary."""

from __future__ import annotations

import os
import sys
from contextlib import ExitStack, nullcontext
from pathlib import Path

from rich.console import Console

from flows.replay import ReplayServer
from flows.show import page_line, print_summary
from tasks.errors import SahelwatchError
from tasks.settings import DEFAULT_ALERTS, ROOT

DEMO = ROOT / "demo"


def page_requests(hits) -> int:
    """Requests the run made for article pages (not feeds, not robots.txt)."""
    return sum(n for path, n in hits.items() if not path.startswith("/feeds/") and path != "/robots.txt")


def program_name() -> str:
    """How the user called us (`.venv/bin/sahelwatch` after `make demo`), for hints they can paste."""
    called = Path(sys.argv[0])
    if called.name != "sahelwatch":
        return "sahelwatch"
    return os.path.relpath(called) if called.is_absolute() and called.is_relative_to(Path.cwd()) else str(called)


def run_demo(console: Console, db: Path, port: int, progress=nullcontext) -> dict:
    from flows.ingest import ingest

    with ExitStack() as stack:
        try:
            server = stack.enter_context(ReplayServer(DEMO / "site", port=port))
        except OSError as exc:
            raise SahelwatchError(f"cannot serve the demo on 127.0.0.1:{port} ({exc.strerror}): pass --port N") from None
        console.print(f"Replay server: {server.url} (serving {DEMO / 'site'})")
        # the fixtures' dates are fixed: the page shows all their events, not the last 14 days
        with progress():
            summary = ingest(feeds=str(DEMO / "feeds.yaml"), db=str(db), base_url=server.url,
                             allow_hosts=["127.0.0.1"], alerts=str(DEFAULT_ALERTS), report_since="all")
        hits = dict(server.hits)
    print_summary(console, summary)
    pages = page_requests(hits)
    console.print(f"Pages fetched from the replay server: [bold]{pages}[/bold]; feeds answered 304 Not Modified: "
                  f"[bold]{summary['feeds_not_modified']}[/bold] of {summary['feeds_polled']}", soft_wrap=True)
    console.print(f"Events: [bold]{summary.get('events_new', 0)}[/bold] new, {summary.get('events_updated', 0)} revised; "
                  f"alerts sent: [bold]{summary.get('alerts_sent', 0)}[/bold] (rules in {DEFAULT_ALERTS.name}, "
                  "demo channel: data/alerts.jsonl)", soft_wrap=True)
    query = "SELECT event_date, event_type, location, n_outlets FROM events_v"
    console.print("Look inside (every command reads --db, else $SAHELWATCH_DB):", highlight=False)
    prog = program_name()
    for line in (f"export SAHELWATCH_DB={db}", f"{prog} status",
                 f'{prog} query "{query}"     # the analysts\' copy', f"{prog} alerts list"):
        console.print(f"    {line}", highlight=False, markup=False, soft_wrap=True)
    console.print(page_line(summary.get("page") or {}), soft_wrap=True)
    return {**summary, "page_requests": pages}
