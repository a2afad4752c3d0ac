"""`sahelwatch alerts …`: try a rule's channels, and see what was sent and what failed.

sahelwatch alerts test RULE [--rules deploy/alerts.yaml]
sahelwatch alerts list [--db data/sahelwatch.duckdb] [--failed] [--limit 30]
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import typer
from rich.table import Table

from flows.console import console, fail
from storage.alerts import recent_sends
from storage.db import connect
from tasks.alerts import EventAlert, Message, Rule, Send, load_rules, render
from tasks.errors import SahelwatchError
from tasks.notify import send_message

alerts_app = typer.Typer(help="Alert rules: send a test message, list recent sends and failures.", no_args_is_help=True)

RulesOption = typer.Option(Path("deploy/alerts.yaml"), "--rules", help="Alert rules file.")
DbOption = typer.Option(Path("data/sahelwatch.duckdb"), "--db", help="DuckDB database file.")


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
def test_rule(rule: str = typer.Argument(..., help="Rule name in the rules file."), rules: Path = RulesOption) -> None:
    """Send a sample message through every channel of RULE; exit 1 if any channel failed."""
    try:
        loaded = load_rules(rules)
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


@alerts_app.command("list")
def list_sends(
    db: Path = DbOption,
    failed: bool = typer.Option(False, "--failed", help="Only failed sends."),
    limit: int = typer.Option(30, "--limit", help="How many rows."),
) -> None:
    """Recent alert sends and failures, newest first."""
    try:
        with connect(db, read_only=True) as con:
            rows = recent_sends(con, limit=limit, failed_only=failed)
    except SahelwatchError as exc:
        raise fail(exc) from None
    except duckdb.CatalogException:
        raise fail(SahelwatchError(f"{db} has no alerts table yet: run the pipeline once")) from None
    table = Table(title="Alerts (newest first)")
    for name in ("when", "rule", "channel", "event", "kind", "status", "tries", "error"):
        table.add_column(name, overflow="fold")
    for r in rows:
        event = f"{r['sub_event_type'] or '?'} · {r['location'] or '?'} {r['country'] or ''} · {r['fatalities']} k"
        status = "[green]sent[/green]" if r["status"] == "sent" else "[red]failed[/red]"
        table.add_row(
            f"{r['tried_at']:%Y-%m-%d %H:%M}",
            r["rule"],
            r["channel"],
            f"{event} (v{r['version']})",
            r["kind"],
            status,
            str(r["attempts"]),
            r["last_error"] or "",
        )
    console.print(table if rows else "no alerts sent yet")
