"""The command line as ops and cron meet it, against real processes and files: exit codes and one-line errors,
two runs at once, a lock taken mid-run, the feeds file checked, output that survives pipes, progress, the demo
as a new user runs it and the README's commands right after it.

`sahelwatch` runs as a real process (`python -m flows.cli`) against the session's Prefect server and a local
ReplayServer; quick checks use typer's runner in this process.
"""

from __future__ import annotations

import json
import os
import pty
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from conftest import free_port
from typer.testing import CliRunner

from flows.cli import app
from flows.demo import DEMO
from flows.replay import ReplayServer

ROOT = Path(__file__).resolve().parents[1]
SLOW_PAGE = "/sahel-matin/2026/11/bamako-l-harmattan-s-installe.html"
runner = CliRunner()


def command_env(api: str | None, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SAHELWATCH_", "PREFECT_API_URL"))}
    env.update({"PYTHONPATH": str(ROOT), "PREFECT_SERVER_ANALYTICS_ENABLED": "false", **extra})
    if api:
        env["PREFECT_API_URL"] = api
    return env


def sahelwatch(*args: str, api: str | None, cwd: Path, **popen) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "flows.cli", *args], env=command_env(api), cwd=cwd, text=True, **popen
    )


LOCAL = ("--allow-host", "127.0.0.1")


def start_run(db: Path, feeds: Path | str, *options: str, api: str | None, cwd: Path, stderr=subprocess.PIPE):
    """`sahelwatch run` on `db` and `feeds` in a process of its own, its stdout piped."""
    return sahelwatch(
        "run", "--db", str(db), "--feeds", str(feeds), *options, api=api, cwd=cwd, stdout=subprocess.PIPE, stderr=stderr
    )


def finish(proc: subprocess.Popen, timeout: float = 180) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=timeout)
    return proc.returncode, out or "", err or ""


def wait_for(path: Path, text: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and text in path.read_text(errors="replace"):
            return
        time.sleep(0.1)
    raise AssertionError(f"{text!r} never appeared in {path}: {path.read_text(errors='replace')[-2000:]}")


@pytest.fixture(scope="module")
def api(prefect_server) -> str:
    from prefect.settings import PREFECT_API_URL

    return PREFECT_API_URL.value()


@pytest.fixture(scope="module")
def slow_site(tmp_path_factory):
    """The demo's fixture web with one page that takes 4 s to answer: time to start something mid-run."""
    root = tmp_path_factory.mktemp("slow") / "site"
    shutil.copytree(DEMO / "site", root)
    with ReplayServer(root, behaviour={SLOW_PAGE: {"delay": 4}}) as server:
        feeds = root.parent / "feeds.yaml"
        feeds.write_text((DEMO / "feeds.yaml").read_text(encoding="utf-8").replace("{{BASE}}", server.url))
        yield server, feeds


def rows(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


# --- 2. truthful failures and exit codes -------------------------------------------------------------------


def test_no_reachable_feed_exits_1_with_a_hint_and_the_summary_as_json(api, tmp_path):
    closed = free_port()
    (tmp_path / "feeds.yaml").write_text(
        "feeds:\n" + "".join(f"  - {{name: {n}, url: 'http://127.0.0.1:{closed}/{n}.xml'}}\n" for n in "ab")
    )
    db = tmp_path / "data" / "x.duckdb"
    code, out, err = finish(start_run(db, "feeds.yaml", "--json", *LOCAL, api=api, cwd=tmp_path))
    assert code == 1, err
    assert err.strip().splitlines()[-1].startswith("error: no feed reachable: a: connect_error"), err
    assert "Traceback" not in err and "nanobind" not in err
    summary = json.loads(out)
    assert summary["feeds_failed"] == summary["feeds_polled"] == 2
    assert rows(db, "SELECT status FROM runs") == [("failed",)]


@pytest.mark.slow  # a lock between processes: Python-independent, CI runs it on 3.11 only
def test_a_second_run_stops_at_once_and_the_first_counts_once(api, slow_site, tmp_path):
    server, feeds = slow_site
    server.reset_counts()
    db = tmp_path / "data" / "two.duckdb"
    first_err = tmp_path / "first.err"
    with first_err.open("w") as log:
        first = start_run(db, feeds, "--json", *LOCAL, api=api, cwd=tmp_path, stderr=log)
        wait_for(first_err, "fetching the pages of 48 new entries")
        started = time.monotonic()
        code, _, err = finish(
            start_run(db, feeds, api=api, cwd=tmp_path),
            timeout=60,
        )
        took = time.monotonic() - started
        first_code, out, _ = finish(first)
    assert code == 1 and err.strip().splitlines() == [err.strip().splitlines()[-1]], err
    assert "another run is writing" in err and "stops before fetching anything" in err
    assert took < 20, f"the second run waited {took:.0f} s"
    assert first_code == 0, first_err.read_text()[-3000:]
    assert json.loads(out)["new_articles"] == 44
    assert max(n for path, n in server.hits.items() if path.endswith(".html")) == 1, "a page fetched twice"
    plain = first_err.read_text()
    assert "polling 4 feeds" in plain and "pages: 48/48" in plain, "progress as plain lines in a pipe"


HOLDER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1])   # read-write: an operator's shell on the pipeline's own file
print('holding', flush=True)
sys.stdin.readline()
"""


@pytest.mark.slow  # a lock between processes: Python-independent, CI runs it on 3.11 only
def test_a_lock_taken_mid_run_is_one_line_the_spool_keeps_the_work_and_the_run_ends_failed(api, slow_site, tmp_path):
    server, feeds = slow_site
    db = tmp_path / "data" / "held.duckdb"
    err_log = tmp_path / "run.err"
    with err_log.open("w") as log:
        run = start_run(db, feeds, *LOCAL, api=api, cwd=tmp_path, stderr=log)
        wait_for(err_log, "fetching the pages of 48 new entries")
        holder = subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        try:
            assert holder.stdout.readline().strip() == "holding"
            code, _, _ = finish(run)
            started = time.monotonic()
            status = runner.invoke(app, ["status", "--db", str(db)])
            status_seconds = time.monotonic() - started
        finally:
            holder.stdin.close()
            holder.wait(10)
    err = err_log.read_text()
    assert code == 1
    last = err.strip().splitlines()[-1]
    assert last.startswith("error: database") and "locked by another process" in last and "kept in" in last, err
    assert "Traceback" not in err and "nanobind" not in err, err
    assert status.exit_code == 1 and status_seconds < 3, "a read-only command never waits for a lock"
    assert "spool" not in status.output and "being written" in status.output, status.output
    assert list((db.parent / "spool").glob("*.json")), "the fetched work is in the spool"
    after = runner.invoke(app, ["status", "--db", str(db)], env={"COLUMNS": "200"})
    assert "failed (interrupted)" in after.output, after.output
    code, out, err = finish(start_run(db, feeds, "--json", *LOCAL, api=api, cwd=tmp_path))
    assert code == 0, err
    assert json.loads(out)["spools_flushed"] >= 1
    assert sorted(s for (s,) in rows(db, "SELECT status FROM runs")) == ["completed", "failed"]
    assert rows(db, "SELECT count(*) FROM articles") == [(44,)]


# --- 5. the feeds file -------------------------------------------------------------------------------------

GOOD_FEED = "{name: Good, url: 'https://example.org/feed', countries: [ML], enabled: true}"


@pytest.mark.parametrize(
    "entry, fragment",
    [
        (
            "{name: Bad, url: 'https://example.org/f', enabeld: false}",
            "feed #2 (Bad), unknown key 'enabeld' (did you mean 'enabled'?)",
        ),
        ("{name: Bad, url: 'https://example.org/f', colour: red}", "feed #2 (Bad), unknown key 'colour'; known keys:"),
        (
            "{name: Bad, url: 'https://example.org/f', enabled: 'no'}",
            "feed #2 (Bad), key 'enabled': expected true or false, got 'no'",
        ),
        (
            "{name: Bad, url: 'https://example.org/f', countries: [ML, XX]}",
            "feed #2 (Bad), key 'countries' item 2: unknown country code 'XX'",
        ),
        (
            "{name: Bad, url: 'ftp://example.org/f'}",
            "feed #2 (Bad), key 'url': the url must start with http:// or https://",
        ),
        ("{url: 'https://example.org/f'}", "feed #2, key 'name' is missing"),
    ],
)
def test_feeds_check_names_the_file_the_entry_and_the_key(tmp_path, entry, fragment):
    path = tmp_path / "feeds.yaml"
    path.write_text(f"feeds:\n  - {GOOD_FEED}\n  - {entry}\n", encoding="utf-8")
    result = runner.invoke(app, ["feeds", "check", str(path)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {path}: {fragment}"), result.output
    run = runner.invoke(app, ["run", "--db", str(tmp_path / "d.duckdb"), "--feeds", str(path)])
    assert run.exit_code == 1 and run.output.strip().splitlines() == result.output.strip().splitlines()
    assert not (tmp_path / "d.duckdb").exists(), "checked before anything else"


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("feeds: [\n", "line 2 column 1: not valid YAML"),
        ("- a\n- list\n", "expected a mapping with `feeds`, got a list"),
        ("feeds: 5\n", "key 'feeds': Input should be a valid list, got 5"),
        ("", "expected a mapping with `feeds`, got empty"),
    ],
)
def test_feeds_file_shapes_and_yaml_errors_are_one_line(tmp_path, text, fragment):
    path = tmp_path / "feeds.yaml"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["feeds", "check", str(path)])
    assert result.exit_code == 1 and len(result.output.strip().splitlines()) == 1
    assert str(path) in result.output and fragment in result.output, result.output


def test_feeds_file_not_utf8_is_one_line_and_a_good_file_checks(tmp_path):
    path = tmp_path / "feeds.yaml"
    path.write_bytes(b"feeds:\n  - {name: Caf\xe9, url: 'https://example.org/f'}\n")
    result = runner.invoke(app, ["feeds", "check", str(path)])
    assert result.exit_code == 1 and "line 2: not UTF-8 text (byte 0xe9)" in result.output
    good = runner.invoke(app, ["feeds", "check", str(ROOT / "deploy" / "feeds.yaml")])
    assert good.exit_code == 0 and "all valid" in good.output


# --- 6. output that survives pipes ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory) -> Path:
    """A migrated pipeline database and its published analysts' copy."""
    from storage.db import connect
    from storage.publish import publish_snapshot

    db = tmp_path_factory.mktemp("out") / "pipe.duckdb"
    with connect(db):
        pass
    publish_snapshot(db)
    return db


def test_query_never_reads_data_as_markup_and_keeps_full_width_in_a_pipe(snapshot):
    long = "x" * 300
    result = runner.invoke(
        app, ["query", "--db", str(snapshot), f"SELECT '[/foo]' AS a, '[bold]b' AS b, '{long}' AS c"]
    )
    assert result.exit_code == 0, result.output
    assert "[/foo]" in result.output and "[bold]b" in result.output
    assert long in result.output, "a piped table keeps each value on one line"
    empty = runner.invoke(app, ["query", "--db", str(snapshot), "  ;"])
    assert (
        empty.exit_code == 1 and empty.output.startswith("error: empty query") and len(empty.output.splitlines()) == 1
    )


def test_export_to_stdout_and_extract_makes_its_directory(snapshot, tmp_path):
    result = runner.invoke(app, ["export", "--db", str(snapshot), "--format", "csv", "--output", "-"])
    assert result.exit_code == 0 and result.stdout.startswith("event_id,"), result.output
    articles = tmp_path / "in.jsonl"
    articles.write_text('{"id": "a1", "title": "t", "text": "Rien.", "language": "fr"}\nnot json\n[1]\n')
    out = tmp_path / "new" / "dir" / "pred.jsonl"
    done = runner.invoke(app, ["extract", "--input", str(articles), "--output", str(out)])
    assert done.exit_code == 0 and out.exists(), done.output
    assert "3 articles" in done.output and "(2 malformed input lines" in done.output


# --- 8. papercuts -------------------------------------------------------------------------------------------


def test_help_and_version():
    for args in (["-h"], ["alerts", "-h"], ["feeds", "check", "-h"], ["query", "-h"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 0 and "Usage" in result.output, args
    version = runner.invoke(app, ["--version"])
    assert version.exit_code == 0 and version.output.startswith("sahelwatch 0.")


def test_make_clean_removes_what_the_demo_made_and_keeps_a_real_pipeline(tmp_path):
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    made = ["data/demo.duckdb", "data/demo-analyst.duckdb", "data/alerts.jsonl", "data/demo-prefect/prefect.db"]
    kept = ["data/sahelwatch.duckdb", "data/prefect/prefect.db"]
    for name in made + kept:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    subprocess.run(["make", "-s", "clean"], cwd=tmp_path, check=True)
    assert [n for n in made if (tmp_path / n).exists()] == []
    assert [n for n in kept if (tmp_path / n).exists()] == kept


# --- 1/4/7/8. the demo as a new user, then the README's commands ------------------------------------------


def run_in_pty(args: list[str], env: dict, cwd: Path, timeout: float = 240) -> tuple[int, str]:
    """Run a command on a real terminal (80 columns); return its exit code and everything it printed."""
    main, child = pty.openpty()
    proc = subprocess.Popen(
        args, env={**env, "COLUMNS": "100", "TERM": "xterm"}, cwd=cwd, stdin=child, stdout=child, stderr=child
    )
    os.close(child)
    chunks, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([main], [], [], 0.5)
        if ready:
            try:
                data = os.read(main, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
        elif proc.poll() is not None:
            break
    os.close(main)
    return proc.wait(timeout=30), b"".join(chunks).decode(errors="replace")


def test_the_demo_as_a_new_user_then_the_readme_commands_as_printed(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    env = command_env(None, HOME=str(home))  # no PREFECT_API_URL, no PREFECT_HOME: a fresh machine
    env.pop("PREFECT_HOME", None)
    port = str(free_port())
    code, screen = run_in_pty([sys.executable, "-m", "flows.cli", "demo", "--port", port], env, tmp_path)
    assert code == 0, screen[-3000:]
    assert "fetching pages" in screen, "a progress display on a terminal"
    assert "Run summary" in screen and "Traceback" not in screen
    assert "WARNING" not in screen and "Warning" not in screen, screen[:3000]
    assert not (home / ".prefect").exists() and (tmp_path / "data" / "demo-prefect").is_dir()
    assert "export SAHELWATCH_DB=data/demo.duckdb" in screen
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    demo_env = {**env, "SAHELWATCH_DB": "data/demo.duckdb", "COLUMNS": "200"}
    commands = [
        ["status"],
        [
            "query",
            "SELECT event_date, event_type, location, country, fatalities, n_outlets FROM events_v ORDER BY event_date",
        ],
        ["alerts", "list"],
        ["export", "--format", "acled", "--since", "2026-11-01", "--output", "events.csv"],
    ]
    for args in commands:
        assert " ".join(args[:1]) in readme
        done = subprocess.run(
            [sys.executable, "-m", "flows.cli", *args],
            env=demo_env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, (args, done.stderr)
    outlets = subprocess.run(
        [
            sys.executable,
            "-m",
            "flows.cli",
            "query",
            "--format",
            "json",
            "SELECT n_sources, n_outlets, n_articles FROM events_v WHERE location = 'Boni'",
        ],
        env=demo_env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    boni = json.loads(outlets.stdout)
    assert boni and boni[0]["n_articles"] == 3 and boni[0]["n_outlets"] == 1 < boni[0]["n_sources"], boni
