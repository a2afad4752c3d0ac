"""Alerts end to end: a real SMTP server (aiosmtpd) and a real JSON webhook receiver on 127.0.0.1, a real DuckDB file.

The rules are tests/fixtures/alerts/rules.yaml; ports and secrets reach them through ${VAR} placeholders.
"""

from __future__ import annotations

import email
import json
import logging
import threading
from datetime import UTC, datetime, timedelta
from email.policy import default as email_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from conftest import free_port
from typer.testing import CliRunner

from flows.alerts import check_feed_health, send_pending_alerts
from flows.alerts_cli import alerts_app
from storage.db import connect
from tasks.alerts import Channel, Message, load_rules
from tasks.notify import notify_flow_failure, send_message

FIXTURES = Path(__file__).parent / "fixtures" / "alerts"
NOW = datetime(2025, 6, 6, 12, 0, tzinfo=UTC)
PASSWORD = "pa55-Sm7p-QxZ"  # the secrets: must never reach a log line or the database file
TOKEN = "tok-9f3Kq2Wb"


class Hooks:
    """A JSON webhook receiver in a thread; `posts` collects (path, payload)."""

    def __init__(self, port: int = 0):
        posts = self.posts = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                posts.append((self.path, json.loads(body)))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def at(self, prefix: str) -> list[dict]:
        return [payload for path, payload in self.posts if path.startswith(prefix)]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class Mailbox:
    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=email_policy))
        return "250 OK"


def _authenticate(server, session, envelope, mechanism, auth_data):
    return AuthResult(success=auth_data.login == b"alerts" and auth_data.password == PASSWORD.encode())


@pytest.fixture
def hooks():
    receiver = Hooks()
    yield receiver
    receiver.close()


@pytest.fixture
def mailbox():
    box = Mailbox()
    controller = Controller(
        box, hostname="127.0.0.1", port=free_port(), auth_require_tls=False, authenticator=_authenticate
    )
    controller.start()
    box.port = controller.port
    yield box
    controller.stop()


@pytest.fixture
def env(hooks, mailbox, tmp_path):
    return {
        "HOOK_PORT": str(hooks.port),
        "HOOK_TOKEN": TOKEN,
        "DEAD_PORT": str(free_port()),
        "SMTP_PORT": str(mailbox.port),
        "SMTP_USER": "alerts",
        "SMTP_PASSWORD": PASSWORD,
    }


@pytest.fixture
def rules():
    return load_rules(FIXTURES / "rules.yaml")


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "sahelwatch.duckdb"
    with connect(path):
        pass
    return path


def fixture_event(event_id: str) -> dict:
    events = json.loads((FIXTURES / "events.json").read_text(encoding="utf-8"))["events"]
    event = next(e for e in events if e["event_id"] == event_id)
    return {k: v for k, v in event.items() if k != "expect_rules"}


EVENT_COLUMNS = (
    "event_id",
    "version",
    "event_type",
    "sub_event_type",
    "country",
    "admin1",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "event_date",
    "date_precision",
    "actor1",
    "actor2",
    "fatalities",
    "fatalities_low",
    "fatalities_high",
)


def put_event(db: Path, event: dict, changes: dict | None = None, sources: int = 2, at: datetime = NOW) -> None:
    """Write (or revise) an event the way storage/events.py does: row, version history, articles, links."""
    row = {c: event.get(c) for c in EVENT_COLUMNS} | {"version": event.get("version", 1)}
    cols = ", ".join(row)
    with connect(db) as con:
        con.execute("DELETE FROM events WHERE event_id = ?", [row["event_id"]])
        con.execute(
            f"INSERT INTO events ({cols}, extractor_version, first_seen, last_seen) "
            f"VALUES ({', '.join('?' * len(row))}, 'test', ?, ?)",
            [*row.values(), at, at],
        )
        con.execute(
            "INSERT INTO event_versions VALUES (?, ?, ?, ?, ?, ?)",
            [
                row["event_id"],
                row["version"],
                f"k{row['version']}",
                at,
                json.dumps(changes or {}),
                json.dumps(row, default=str),
            ],
        )
        for i in range(sources):
            key = f"{row['event_id']}-a{i}"
            con.execute(
                "INSERT OR IGNORE INTO articles (url_key, url, canonical_url, feed, title, published_source, "
                "text, text_source, language, content_hash, run_id, fetched_at) VALUES "
                "(?, ?, ?, 'test', ?, 'feed', 'text', 'page', 'fr', ?, 'r1', ?)",
                [key, f"https://news{i}.example/{key}", f"https://news{i}.example/{key}", f"Title {i}", key, at],
            )
            con.execute(
                "INSERT INTO event_articles SELECT ?, ?, ?, 'source', 'test', ? WHERE NOT EXISTS "
                "(SELECT 1 FROM event_articles WHERE event_id = ? AND url_key = ?)",
                [row["event_id"], key, i, at, row["event_id"], key],
            )


def ledger(db: Path) -> list[tuple]:
    with connect(db) as con:
        return con.execute(
            "SELECT event_id, rule, channel, version, kind, status, attempts FROM alerts_sent ORDER BY ALL"
        ).fetchall()


def email_text(message) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    return part.get_content()


def test_a_matching_event_is_sent_once_per_channel_and_a_rerun_sends_nothing(db, rules, env, hooks, mailbox):
    put_event(db, fixture_event("e-menaka"))
    stats = send_pending_alerts(db, rules, NOW, env=env)
    assert (stats.sent, stats.failed, stats.messages) == (2, 0, 2)
    assert len(mailbox.messages) == 1 and len(hooks.at("/hook/")) == 1
    mail = mailbox.messages[0]
    assert mail["Subject"].startswith("[watch-mali] Attack in Ménaka — 12 killed")
    text = email_text(mail)
    for fragment in ("Ménaka", "Mali (ML)", "2025-06-04", "ISSP", "12 killed", "https://news1.example/e-menaka-a1"):
        assert fragment in text
    assert "Sources (2)" in hooks.at("/hook/")[0]["message"]

    again = send_pending_alerts(db, rules, NOW + timedelta(minutes=15), env=env)
    assert (again.sent, again.failed) == (0, 0)
    assert len(mailbox.messages) == 1 and len(hooks.posts) == 1
    assert [r[1:] for r in ledger(db)] == [
        ("watch-mali", "email", 1, "new", "sent", 1),
        ("watch-mali", "hook", 1, "new", "sent", 1),
    ]


def test_a_revised_toll_sends_one_revision_message_per_channel(db, rules, env, hooks, mailbox):
    event = fixture_event("e-menaka")
    put_event(db, event)
    send_pending_alerts(db, rules, NOW, env=env)
    put_event(
        db,
        {**event, "version": 2, "fatalities": 20, "fatalities_low": 20, "fatalities_high": None},
        changes={"fatalities": [12, 20], "fatalities_low": [12, 20], "fatalities_high": [15, None]},
        sources=3,
        at=NOW + timedelta(hours=1),
    )
    stats = send_pending_alerts(db, rules, NOW + timedelta(hours=1), env=env)
    assert stats.sent == 2
    revision = hooks.at("/hook/")[-1]
    assert "REVISED" in revision["title"] and "fatalities: 12 → 20" in revision["message"]
    assert "Sources (3)" in revision["message"]
    assert "fatalities: 12 → 20" in email_text(mailbox.messages[-1])
    assert send_pending_alerts(db, rules, NOW + timedelta(hours=2), env=env).sent == 0
    assert len(hooks.at("/hook/")) == 2 and len(mailbox.messages) == 2

    put_event(
        db,
        {**event, "version": 3, "fatalities": 20, "actor1": "JNIM"},
        changes={"actor1": ["ISSP", "JNIM"]},
        at=NOW + timedelta(hours=3),
    )
    assert send_pending_alerts(db, rules, NOW + timedelta(hours=3), env=env).sent == 0  # not toll, place or date


def test_a_dead_channel_is_recorded_and_retried_while_other_channels_get_theirs(db, rules, env, hooks):
    put_event(db, fixture_event("e-djibo"))
    first = send_pending_alerts(db, rules, NOW, env=env)
    assert (first.sent, first.failed) == (1, 1) and len(hooks.at("/hook/")) == 1
    second = send_pending_alerts(db, rules, NOW + timedelta(minutes=15), env=env)
    assert (second.sent, second.failed) == (0, 1)
    with connect(db) as con:
        status, attempts, error = con.execute(
            "SELECT status, attempts, last_error FROM alerts_sent WHERE channel = 'dead-hook'"
        ).fetchone()
    assert (status, attempts) == ("failed", 2) and "127.0.0.1" in error

    late = Hooks(port=int(env["DEAD_PORT"]))
    try:
        third = send_pending_alerts(db, rules, NOW + timedelta(minutes=30), env=env)
        assert (third.sent, third.failed) == (1, 0)
        assert len(late.at("/late/")) == 1 and len(hooks.at("/hook/")) == 1  # the live channel is not sent twice
    finally:
        late.close()
    assert ("e-djibo", "burkina-10", "dead-hook", 1, "new", "sent", 3) in ledger(db)


def test_no_secret_reaches_logs_or_the_database(db, rules, env, hooks, mailbox, caplog, capsys):
    caplog.set_level(logging.DEBUG)
    put_event(db, fixture_event("e-menaka"))
    put_event(db, fixture_event("e-djibo"))  # its dead-hook fails, and the failure is logged and stored
    broken = {**env, "SMTP_PASSWORD": PASSWORD + "-wrong"}  # a refused login is logged too
    send_pending_alerts(db, rules, NOW, env=broken)
    send_pending_alerts(db, rules, NOW + timedelta(minutes=5), env=env)
    assert len(mailbox.messages) == 1 and any(r.name.startswith("apprise") for r in caplog.records)
    logged = caplog.text + "".join(r.getMessage() for r in caplog.records) + "".join(capsys.readouterr())
    stored = b"".join(p.read_bytes() for p in db.parent.iterdir() if p.is_file())
    for secret in (PASSWORD, TOKEN):
        assert secret not in logged
        assert secret.encode() not in stored


def test_digest_mode_sends_one_message_listing_every_match(db, rules, env, hooks):
    for i in range(3):
        put_event(db, {**fixture_event("e-drone"), "event_id": f"drone-{i}", "location": f"Village {i}"})
    stats = send_pending_alerts(db, rules, NOW, env=env)
    assert (stats.sent, stats.messages) == (3, 1)
    (digest,) = hooks.at("/hook/")
    assert digest["title"] == "[drones] 3 event(s)" and all(f"Village {i}" in digest["message"] for i in range(3))
    assert send_pending_alerts(db, rules, NOW, env=env).sent == 0


def test_old_events_and_unknown_variables_do_not_flood_or_crash(db, rules, env, hooks):
    put_event(db, fixture_event("e-menaka"), at=NOW - timedelta(days=10))
    assert send_pending_alerts(db, rules, NOW, env=env).sent == 0
    put_event(db, fixture_event("e-africa-corps"))
    stats = send_pending_alerts(db, rules, NOW, env={k: v for k, v in env.items() if k != "HOOK_TOKEN"})
    assert (stats.sent, stats.failed) == (0, 1)
    with connect(db) as con:
        (error,) = con.execute("SELECT last_error FROM alerts_sent").fetchone()
    assert error.endswith("environment variable HOOK_TOKEN is not set")


def test_cli_test_sends_a_sample_through_the_rules_channels_and_list_shows_sends(db, env, hooks, monkeypatch):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    runner = CliRunner()
    result = runner.invoke(alerts_app, ["test", "africa-corps", "--alerts", str(FIXTURES / "rules.yaml")])
    assert result.exit_code == 0, result.output
    (sample,) = hooks.at("/inline/")
    assert sample["title"].startswith("[TEST] [africa-corps]") and TOKEN not in result.output

    bad = runner.invoke(alerts_app, ["test", "nope", "--alerts", str(FIXTURES / "rules.yaml")])
    assert bad.exit_code == 1 and "no alert rule named 'nope'" in bad.output and "Traceback" not in bad.output

    put_event(db, fixture_event("e-djibo"))
    send_pending_alerts(db, load_rules(FIXTURES / "rules.yaml"), NOW, env=env)
    listed = runner.invoke(alerts_app, ["list", "--db", str(db)], env={"COLUMNS": "200"})
    assert listed.exit_code == 0, listed.output
    assert "burkina-10" in listed.output and "dead-hook" in listed.output and "failed ×1" in listed.output
    assert "· Djibo, BF · " in listed.output and "killed (v1)" in listed.output
    failed = runner.invoke(alerts_app, ["list", "--db", str(db), "--failed"], env={"COLUMNS": "200"})
    assert failed.exit_code == 0 and "Failed sends" in failed.output and "dead-hook" in failed.output
    assert "sent " not in failed.output.replace("Failed sends", "")
    monkeypatch.setenv("SAHELWATCH_DB", str(db))  # the same database resolution as every command
    assert runner.invoke(alerts_app, ["list"], env={"COLUMNS": "200"}).output == listed.output


def test_a_dead_feed_is_reported_once_and_its_recovery_once(db, rules, env, hooks):
    def feed(failures: int):
        with connect(db) as con:
            con.execute(
                "INSERT OR REPLACE INTO feeds (url, name, consecutive_failures, last_status, last_error) "
                "VALUES ('https://sahel.example/rss', 'Sahel Example', ?, 503, 'HTTP 503')",
                [failures],
            )

    for failures, expected in [
        (2, []),
        (3, [("https://sahel.example/rss", "dead")]),
        (4, []),
        (5, []),
        (0, [("https://sahel.example/rss", "recovered")]),
        (0, []),
    ]:
        feed(failures)
        assert check_feed_health(db, rules, threshold_runs=3, now=NOW, env=env) == expected
    notices = hooks.at("/ops/")
    assert [n["title"] for n in notices] == ["[ops] feed dead: Sahel Example", "[ops] feed recovered: Sahel Example"]
    assert "failed 3 runs in a row" in notices[0]["message"]


def test_a_flow_failure_hook_tells_the_ops_channel(env, hooks):
    flow = SimpleNamespace(name="ingest")
    run = SimpleNamespace(name="brave-okapi", id="1234", parameters={"alerts": str(FIXTURES / "rules.yaml")})
    from prefect.states import Failed

    state = Failed(message="Flow run encountered an exception: boom")  # the state Prefect hands the hook
    assert notify_flow_failure(flow, run, state, env=env) is True
    (notice,) = hooks.at("/ops/")
    assert notice["title"] == "[ops] ingest run failed" and notice["type"] == "failure", notice
    assert notice["message"] == "Flow run brave-okapi (1234) ended FAILED: Flow run encountered an exception: boom"
    missing = SimpleNamespace(name="x", id="y", parameters={"alerts": "/nonexistent/alerts.yaml"})
    assert notify_flow_failure(flow, missing, state, env=env) is False  # never raises from a hook


def test_the_demo_file_channel_writes_one_json_line_per_message(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    message = Message("[demo] title", "body")
    assert send_message(Channel("demo-file", "jsonl://data/alerts.jsonl"), message, {}).ok
    target = tmp_path / "abs" / "ops.jsonl"
    assert send_message(Channel("abs", f"jsonl://file?path={target}"), message, {}).ok
    for path in (tmp_path / "data" / "alerts.jsonl", target):
        (line,) = path.read_text(encoding="utf-8").splitlines()
        assert json.loads(line)["title"] == "[demo] title"


def test_a_prefect_secret_block_url_is_resolved_and_scrubbed(hooks, caplog):
    caplog.set_level(logging.DEBUG)
    url = f"json://127.0.0.1:{hooks.port}/blocked/{TOKEN}"
    loaded = []
    result = send_message(
        Channel("from-block", "prefect-secret://ops-url"),
        Message("t", "b"),
        {},
        secret_loader=lambda n: loaded.append(n) or url,
    )
    assert result.ok and loaded == ["ops-url"] and len(hooks.at("/blocked/")) == 1
    assert TOKEN not in caplog.text

    def unreachable(name):
        raise RuntimeError(f"cannot reach {url}")

    failed = send_message(
        Channel("from-block", "prefect-secret://ops-url"), Message("t", "b"), {}, secret_loader=unreachable
    )
    assert not failed.ok and failed.error == "channel from-block: cannot read Prefect Secret block 'ops-url'"
