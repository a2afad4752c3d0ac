"""Storage against real DuckDB files: migrations, idempotent writes, a database held by another process."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import UTC, datetime

import pytest

from flows.store import flush_spools, store_payload
from storage.db import connect
from storage.ingest import article_row, feed_row, known_url_keys, save_batch, skip_row
from storage.migrate import MIGRATIONS
from tasks.errors import StorageError
from tasks.models import Article, FeedResult, FeedSpec, Skip

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def article(key: str) -> Article:
    return Article(url_key=key, url=f"http://x/{key}", canonical_url=f"http://x/{key}", feed="f", title="t",
                   text="Some text " * 20, text_source="page", published=NOW, published_source="page",
                   language="fr", language_prob=0.99, content_hash=f"h{key}")


def payload(run_id: str, keys: list[str]) -> dict:
    result = FeedResult(FeedSpec("f", "http://x/feed"), 200, etag='"e1"')
    return {"feeds": [feed_row(result, NOW)], "articles": [article_row(article(k), run_id, NOW) for k in keys],
            "skips": [skip_row(Skip("page", "http_404", "http://x/dead"), "kdead", run_id, NOW)]}


def counts(db) -> tuple[int, int, int]:
    with connect(db, read_only=True) as con:
        return tuple(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("articles", "skips", "feeds"))


def test_migrations_are_recorded_once(db_path):
    with connect(db_path) as con:
        first = con.execute("SELECT version, name FROM schema_migrations ORDER BY version").fetchall()
    with connect(db_path) as con:
        again = con.execute("SELECT version, name FROM schema_migrations ORDER BY version").fetchall()
    assert first == again
    assert [name for _, name in first] == sorted(p.stem for p in MIGRATIONS.glob("[0-9][0-9][0-9]_*.sql"))


def test_writes_are_idempotent(db_path):
    data = payload("run-1", ["a", "b", "b"])  # a duplicate key inside one batch must not fail or double
    for _ in range(2):
        with connect(db_path) as con:
            save_batch(con, data["feeds"], data["articles"], data["skips"])
    assert counts(db_path) == (2, 1, 1)


def test_failed_poll_counts_consecutive_failures_and_success_resets(db_path):
    spec = FeedSpec("f", "http://x/feed")
    for n, error in enumerate(["timeout: x", "http_503: x", None], 1):
        row = feed_row(FeedResult(spec, None if error else 200, error=error), NOW)
        with connect(db_path) as con:
            save_batch(con, [row], [], [])
            failures, success = con.execute("SELECT consecutive_failures, last_success_at FROM feeds").fetchone()
        assert failures == (n if error else 0)
        assert (success is None) == (error is not None)


def test_final_skips_are_known_but_transient_ones_are_retried(db_path):
    with connect(db_path) as con:
        save_batch(con, [], [article_row(article("a"), "r", NOW)],
                   [skip_row(Skip("page", "http_404", "u1"), "k404", "r", NOW),
                    skip_row(Skip("page", "timeout", "u2"), "ktimeout", "r", NOW)])
        assert known_url_keys(con, ["a", "k404", "ktimeout", "new"]) == {"a", "k404"}


@pytest.fixture
def held_db(db_path):
    """Another process holding the database file open (an analyst's read-only connection)."""
    with connect(db_path):
        pass
    code = textwrap.dedent(f"""
        import duckdb, sys, time
        con = duckdb.connect({str(db_path)!r}, read_only=True)
        print("ready", flush=True)
        sys.stdin.readline()
    """)
    proc = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    yield proc
    if proc.poll() is None:
        proc.stdin.close()
        proc.wait(10)


def test_held_database_gives_one_clear_error_and_loses_nothing(db_path, settings, held_db):
    data = payload("run-locked", ["a", "b"])
    with pytest.raises(StorageError, match="locked by another process"):
        store_payload(settings, "run-locked", data)
    assert list(settings.spool_dir.glob("*.json")), "fetched work must stay in the spool"

    held_db.stdin.close()
    held_db.wait(10)
    assert flush_spools(settings) == 1
    assert counts(db_path) == (2, 1, 1)
    assert not list(settings.spool_dir.glob("*.json"))
