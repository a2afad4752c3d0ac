"""`sahelwatch alerts …`: try a rule's channels, and see what was sent and what failed.

sahelwatch alerts test RULE [--alerts deploy/alerts.yaml]
sahelwatch alerts list [--db data/sahelwatch.duckdb] [--failed] [--limit 30]

`alerts list` reads the pipeline's file read-only (the ledger is small; it never waits for a run).
"""

from __future__ import annotations

import os
from datetime import UTC

import duckdb
import typer
from rich.table import Table
from rich.text import Text

from flows.console import CONTEXT, AlertsOption, DbOption, console, fail, print_table
from storage.alerts import recent_sends
from storage.db import connect
from tasks.alerts import EventAlert, Message, Rule, Send, load_rules, render
from tasks.errors import SahelwatchError
from tasks.notify import send_message

alerts_app = typer.Typer(
    help="Alert rules: send a test message, list recent sends and failures.",
    no_args_is_help=True,
    context_settings=CONTEXT,
)


SAMPLE_EVENT = {
    "event_id": "sample",
    "version": 1,
    "event_type": "Violence against civilians",
    "sub_event_type": "Attack",
    "event_date": "2025-06-04",
    "date_precision": 1,
    "actor1": "Unidentified Armed Group",
    "actor2": "Civilians (Mali)",
    "country": "ML",
    "admin1": "Menaka",
    "location": "Ménaka",
    "latitude": 15.9182,
    "longitude": 2.4022,
    "geo_precision": 1,
    "fatalities": 12,
    "fatalities_low": 12,
    "fatalities_high": 15,
}


def sample_message(rule: Rule) -> Message:
    """A test message for `sahelwatch alerts test RULE`."""
    alert = EventAlert(SAMPLE_EVENT, sources=(("Sample article", "https://example.org/sample"),))
    message = render(Send(rule, rule.channels[0], alert, "new"))
    return Message(f"[TEST] {message.title}", "This is a test of the sahelwatch alert rule.\n\n" + message.body)


@alerts_app.command("test")
def test_rule(
    rule: str = typer.Argument(..., help="Rule name in the rules file."), alerts: AlertsOption = None
) -> None:
    """Send a sample message through every channel of RULE; exit 1 if any channel failed."""
    from tasks.settings import DEFAULT_ALERTS, resolve_settings

    try:
        loaded = load_rules(resolve_settings(alerts=alerts).alerts_path or DEFAULT_ALERTS)
        chosen = loaded.get(rule)
    except SahelwatchError as exc:
        raise fail(exc) from None
    message = sample_message(chosen)
    results = [send_message(ch, message, os.environ, timeout=loaded.timeout) for ch in chosen.channels]
    for result in results:
        mark = "[green]sent[/green]" if result.ok else f"[red]failed[/red]: {result.error}"
        console.print(f"{rule} → {result.channel_id}: {mark}", highlight=False)
    if not all(r.ok for r in results):
        raise typer.Exit(code=1)


def event_line(row: dict) -> str:
    """`Armed clash · Djibo, BF · 15 killed (v2)`: what the alert was about."""
    what = row["sub_event_type"] or "event no longer stored"
    where = ", ".join(p for p in (row["location"], row["country"]) if p) or "place unknown"
    deaths = "" if row["fatalities"] is None else f" · {row['fatalities']} killed"
    return f"{what} · {where}{deaths} (v{row['version']})"


@alerts_app.command("list")
def list_sends(
    db: DbOption = None,
    failed: bool = typer.Option(False, "--failed", help="Only sends that failed (and will be retried)."),
    limit: int = typer.Option(30, "--limit", help="How many rows."),
) -> None:
    """Recent alert sends and failures, newest first."""
    from tasks.settings import resolve_settings

    path = resolve_settings(db=db).db_path
    try:
        with connect(path, read_only=True) as con:
            rows = recent_sends(con, limit=limit, failed_only=failed)
    except SahelwatchError as exc:
        raise fail(exc) from None
    except duckdb.CatalogException:
        raise fail(SahelwatchError(f"{path} has no alerts table yet: run the pipeline once")) from None
    if not rows:
        console.print("no failed sends" if failed else "no alerts sent yet", highlight=False)
        return
    table = Table(title=f"{'Failed sends' if failed else 'Alerts'} (newest first)", title_justify="left")
    for name in ("when (UTC)", "rule", "channel", "event", "kind", "status", "error"):
        table.add_column(name, no_wrap=name == "status", overflow="fold")
    for r in rows:
        status = Text("sent", "green") if r["status"] == "sent" else Text(f"failed ×{r['attempts']}", "red")
        table.add_row(
            f"{r['tried_at'].astimezone(UTC):%Y-%m-%d %H:%M}",
            r["rule"],
            r["channel"],
            Text(event_line(r)),
            r["kind"],
            status,
            Text(r["last_error"] or ""),
        )
    print_table(table)
