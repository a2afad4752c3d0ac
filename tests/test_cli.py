"""The `sahelwatch` command as a user meets it: expected errors are one line and a non-zero exit; the demo."""

from __future__ import annotations

import socket

from conftest import free_port
from typer.testing import CliRunner

from flows.cli import app

runner = CliRunner()


def test_status_without_a_database_is_one_clear_line(tmp_path):
    result = runner.invoke(app, ["status", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [f"error: no database at {tmp_path / 'none.duckdb'}: run "
                                                  "`sahelwatch run` or `sahelwatch demo` first"]


def test_run_with_a_missing_feeds_file_is_one_clear_line(prefect_server, tmp_path):
    result = runner.invoke(app, ["run", "--db", str(tmp_path / "db.duckdb"), "--feeds", str(tmp_path / "no.yaml")])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: feeds file not found:") and "Traceback" not in result.output


def test_a_bad_dask_address_or_no_database_to_reprocess_is_one_clear_line(tmp_path):
    db = str(tmp_path / "none.duckdb")
    for args, message in [
        (["run", "--db", db, "--dask-address", "scheduler:8786"], "error: dask address 'scheduler:8786': use tcp://"),
        (["reprocess", "--db", db, "--dask-address", "local:0"], "error: dask address 'local:0': use tcp://"),
        (["reprocess", "--db", db], f"error: no database at {db}: run `sahelwatch run`"),
    ]:
        result = runner.invoke(app, args)
        assert result.exit_code == 1
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(message), result.output
    assert not (tmp_path / "none.duckdb").exists()


def test_demo_twice_then_status(prefect_server, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the demo's alert channel writes data/alerts.jsonl under the working directory
    db, port = tmp_path / "demo.duckdb", str(free_port())
    first = runner.invoke(app, ["demo", "--db", str(db), "--port", port])
    assert first.exit_code == 0, first.output
    assert "Pages fetched from the replay server: 47" in first.output
    second = runner.invoke(app, ["demo", "--db", str(db), "--port", port])
    assert second.exit_code == 0, second.output
    assert "Pages fetched from the replay server: 0; feeds answered 304 Not Modified: 4 of 4" in " ".join(
        second.output.split())
    status = runner.invoke(app, ["status", "--db", str(db)])
    assert status.exit_code == 0 and "articles" in status.output and "events" in status.output
    assert (tmp_path / "data" / "alerts.jsonl").read_text(encoding="utf-8").count("\n") >= 1


def test_run_against_a_database_held_by_another_process_is_one_clear_line(tmp_path):
    import subprocess
    import sys

    import duckdb

    db = tmp_path / "held.duckdb"
    duckdb.connect(str(db)).close()
    holder = subprocess.Popen([sys.executable, "-c", f"import duckdb, sys; c = duckdb.connect({str(db)!r}, "
                               "read_only=True); print('ready', flush=True); sys.stdin.readline()"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        result = runner.invoke(app, ["run", "--db", str(db)])
    finally:
        holder.stdin.close()
        holder.wait(10)
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "locked by another process" in lines[0], result.output


def test_demo_on_a_busy_port_is_one_clear_line(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        result = runner.invoke(app, ["demo", "--db", str(tmp_path / "d.duckdb"), "--port", str(busy.getsockname()[1])])
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1].startswith("error: cannot serve the demo on 127.0.0.1:")
