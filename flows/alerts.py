"""The alert steps of a run, where the database meets the sending: read what is due (one short connection),
send it (tasks/notify.py: no database open while the network is slow), record each outcome (one short
transaction). The stages in tasks/ never open the database; this module and storage/ do.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from pathlib import Path

from storage.alerts import feed_health, load_event_alerts, load_ledger, ops_states, record_ops_notice, record_sends
from storage.db import connect, transaction
from tasks.alerts import Rules, feed_transitions, plan_sends
from tasks.notify import AlertStats, deliver, load_prefect_secret, send_to_ops

DbRef = str | os.PathLike | Callable[[], AbstractContextManager]


def _open(db: DbRef) -> AbstractContextManager:
    return db() if callable(db) else connect(Path(db))


def send_pending_alerts(
    db: DbRef,
    rules: Rules,
    now: datetime,
    *,
    env: Mapping[str, str] | None = None,
    secret_loader: Callable[[str], str] = load_prefect_secret,
) -> AlertStats:
    """Send what is due for recent events; record each outcome. A channel failure is recorded, never raised.

    `db` is a database path or a callable returning a context manager that yields a connection.
    `env` holds the secrets for ${VAR} placeholders (default: the process environment).
    """
    env = os.environ if env is None else env
    with _open(db) as con:
        alerts = load_event_alerts(con, now - timedelta(hours=rules.max_age_hours))
        ledger = load_ledger(con, [a.event_id for a in alerts])
    due, skipped = plan_sends(rules, alerts, ledger)
    outcomes = deliver(due, env, rules.timeout, secret_loader)
    if outcomes:
        with _open(db) as con, transaction(con):
            record_sends(con, outcomes, now)
    sent = sum(o["ok"] for o in outcomes)
    messages = len({o["message"] for o in outcomes if o["ok"]})
    return AlertStats(sent=sent, failed=len(due) - sent, skipped=skipped, messages=messages)


def check_feed_health(
    db: DbRef, rules: Rules, threshold_runs: int, now: datetime, *, env: Mapping[str, str] | None = None
) -> list[tuple[str, str]]:
    """Report each feed that has failed `threshold_runs` runs in a row once, and its recovery once."""
    with _open(db) as con:
        transitions = feed_transitions(feed_health(con), ops_states(con, "feed"), threshold_runs)
    reported = [(url, state) for url, state, message in transitions if send_to_ops(rules, message, env)]
    if reported:
        with _open(db) as con, transaction(con):
            for url, state in reported:
                record_ops_notice(con, "feed", url, state, "", now)
    return reported
