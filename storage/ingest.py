"""Reads and writes of the ingest flow: feed states, known articles, articles, skips and runs.

    feeds     merged on url           (poll outcome, validators, health)
    articles  appended on url_key     (a rerun never duplicates a row)
    skips     appended on (run_id, stage, url)
    runs      merged on run_id        (inserted at start, completed at the end)
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime

from storage.bulk import insert_records
from storage.db import transaction
from tasks.models import Article, FeedResult, FeedState, Skip

# Reasons after which an entry is not fetched again. Transient ones (timeouts, 5xx, an unreachable robots.txt, a
# length mismatch, a dead worker) are retried on later runs, until the entry has had them in `final_after_runs`
# distinct runs: a page that hangs forever costs a few runs, not every run. Our own budgets are not the page's
# fault, nor is a robots.txt that is down (its entries wait for it), and never count.
FINAL_SKIPS = ("robots", "not_html", "too_large", "empty_extraction", "http_404", "http_410", "blocked_address",
               "bad_scheme", "bad_url", "redirect_loop")
NOT_COUNTED = ("host_budget", "run_budget", "robots_unavailable")

ARTICLE_TYPES = {
    "url_key": "VARCHAR", "url": "VARCHAR", "canonical_url": "VARCHAR", "feed": "VARCHAR", "title": "VARCHAR",
    "author": "VARCHAR", "published": "TIMESTAMPTZ", "published_source": "VARCHAR", "text": "VARCHAR",
    "text_source": "VARCHAR", "language": "VARCHAR", "language_prob": "DOUBLE", "content_hash": "VARCHAR",
    "duplicate_of": "VARCHAR", "similarity": "DOUBLE", "run_id": "VARCHAR", "fetched_at": "TIMESTAMPTZ",
}
SKIP_TYPES = {"run_id": "VARCHAR", "stage": "VARCHAR", "url": "VARCHAR", "url_key": "VARCHAR", "reason": "VARCHAR",
              "detail": "VARCHAR", "created_at": "TIMESTAMPTZ"}
FEED_TYPES = {
    "url": "VARCHAR", "name": "VARCHAR", "language": "VARCHAR", "countries": "VARCHAR[]", "etag": "VARCHAR",
    "last_modified": "VARCHAR", "last_status": "INTEGER", "last_error": "VARCHAR", "last_polled_at": "TIMESTAMPTZ",
    "last_success_at": "TIMESTAMPTZ", "consecutive_failures": "INTEGER", "bozo": "VARCHAR", "empty_polls": "INTEGER",
}


def feed_states(con) -> dict[str, FeedState]:
    rows = con.execute("SELECT url, etag, last_modified, consecutive_failures FROM feeds").fetchall()
    return {r[0]: FeedState(*r) for r in rows}


def known_url_keys(con, keys: list[str], final_after_runs: int = 3) -> set[str]:
    """Keys already stored as articles, skipped for a reason that will not change on a retry, or skipped for
    transient reasons in `final_after_runs` distinct runs."""
    if not keys:
        return set()
    rows = con.execute(
        "SELECT url_key FROM articles WHERE url_key IN (SELECT unnest($keys)) "
        "UNION SELECT url_key FROM skips WHERE url_key IN (SELECT unnest($keys)) AND reason IN (SELECT unnest($final)) "
        "UNION SELECT url_key FROM skips WHERE url_key IN (SELECT unnest($keys)) "
        "AND reason NOT IN (SELECT unnest($not_counted)) GROUP BY url_key HAVING count(DISTINCT run_id) >= $runs",
        {"keys": keys, "final": list(FINAL_SKIPS), "not_counted": list(NOT_COUNTED), "runs": final_after_runs},
    ).fetchall()
    return {r[0] for r in rows}


def known_hashes(con, hashes: list[str]) -> dict[str, str]:
    """content_hash → url_key of the first stored article with that text."""
    if not hashes:
        return {}
    rows = con.execute(
        "SELECT content_hash, arg_min(url_key, fetched_at) FROM articles "
        "WHERE content_hash IN (SELECT unnest($h)) GROUP BY content_hash",
        {"h": hashes},
    ).fetchall()
    return dict(rows)


def copied_articles(con, keys: list[str]) -> dict[str, str]:
    """url_key → duplicate_of, for those of `keys` stored as duplicates."""
    if not keys:
        return {}
    return dict(con.execute("SELECT url_key, duplicate_of FROM articles WHERE url_key IN (SELECT unnest($k)) "
                            "AND duplicate_of IS NOT NULL", {"k": keys}).fetchall())


def start_run(con, run_id: str, flow: str, now: datetime, partition: str | None = None) -> None:
    con.execute("INSERT INTO runs (run_id, flow, started_at, status, feed_partition) VALUES (?, ?, ?, 'running', ?) "
                "ON CONFLICT (run_id) DO NOTHING", [run_id, flow, now, partition])


def running_runs(con) -> list[tuple[str, str | None]]:
    """(run_id, feed_partition) of the runs recorded `running`."""
    return con.execute("SELECT run_id, feed_partition FROM runs WHERE status = 'running' ORDER BY run_id").fetchall()


def abandon_runs(con, now: datetime, run_ids: list[str] | None = None) -> int:
    """Mark runs still `running` as failed (all of them, or those of `run_ids`): called by a run that holds the
    writer lock, so none of them is alive (killed, or its database was locked when it tried to record its end);
    a partitioned run passes the ones it knows are dead."""
    only = "" if run_ids is None else " AND run_id IN (SELECT unnest($ids))"
    params = {"now": now} if run_ids is None else {"now": now, "ids": run_ids}
    return len(con.execute(
        "UPDATE runs SET status = 'failed', finished_at = coalesce(finished_at, $now), "
        "summary = coalesce(summary, '{\"error\": \"interrupted: the run ended without recording its end\"}') "
        f"WHERE status = 'running'{only} RETURNING run_id", params).fetchall())


def mark_run_failed(db_path, run_id: str, started: datetime, error: BaseException) -> bool:
    """Record that a run failed, if the database can be opened at once; else the next run does it
    (`abandon_runs`). Never raises: the run's own error is what the caller reports."""
    from storage.db import connect

    message = json.dumps({"error": f"{type(error).__name__}: {error}"[:500]})
    try:
        with connect(db_path, retry=(0.5,)) as con:
            con.execute("INSERT INTO runs (run_id, flow, started_at, status) VALUES (?, 'ingest', ?, 'failed') "
                        "ON CONFLICT (run_id) DO NOTHING", [run_id, started])
            con.execute("UPDATE runs SET status = 'failed', finished_at = now(), summary = ? WHERE run_id = ?",
                        [message, run_id])
        return True
    except Exception:  # noqa: BLE001 - best effort: abandon_runs covers it next time
        return False


def feed_row(result: FeedResult, now: datetime) -> dict:
    spec, ok = result.feed, result.error is None
    return {"url": spec.url, "name": spec.name, "language": spec.language, "countries": list(spec.countries),
            "etag": result.etag, "last_modified": result.last_modified, "last_status": result.status,
            "last_error": result.error, "last_polled_at": now, "last_success_at": now if ok else None,
            "consecutive_failures": 0 if ok else 1, "bozo": result.bozo,
            "empty_polls": int(ok and result.status == 200 and not result.entries and not result.skips)}


def article_row(article: Article, run_id: str, now: datetime) -> dict:
    return {**asdict(article), "run_id": run_id, "fetched_at": now}


def skip_row(skip: Skip, url_key: str | None, run_id: str, now: datetime) -> dict:
    return {**asdict(skip), "url_key": url_key, "run_id": run_id, "created_at": now}


def save_batch(con, feeds: list[dict], articles: list[dict], skips: list[dict]) -> None:
    """Feed states, articles and skips of one run (rows from the *_row builders, possibly read back from the
    spool), in one short transaction; idempotent."""
    with transaction(con):
        insert_records(con, "articles", articles, ARTICLE_TYPES, key=["url_key"])
        insert_records(con, "skips", skips, SKIP_TYPES, key=["run_id", "stage", "url"])
        insert_records(
            con, "feeds", feeds, FEED_TYPES, key=["url"],
            on_conflict="(url) DO UPDATE SET name = excluded.name, language = excluded.language, "
            "countries = excluded.countries, etag = excluded.etag, last_modified = excluded.last_modified, "
            "last_status = excluded.last_status, last_error = excluded.last_error, "
            "last_polled_at = excluded.last_polled_at, "
            "bozo = CASE WHEN excluded.last_status = 304 THEN feeds.bozo ELSE excluded.bozo END, "
            "last_success_at = coalesce(excluded.last_success_at, feeds.last_success_at), "
            "consecutive_failures = CASE WHEN excluded.last_error IS NULL THEN 0 "
            "ELSE feeds.consecutive_failures + 1 END, "
            "empty_polls = CASE WHEN excluded.last_status = 304 OR excluded.last_error IS NOT NULL THEN feeds.empty_polls "
            "WHEN excluded.empty_polls = 1 THEN feeds.empty_polls + 1 ELSE 0 END",
        )


def finish_run(con, run_id: str, now: datetime, status: str, counts: dict, summary: dict) -> None:
    columns = ["feeds_polled", "feeds_not_modified", "entries_seen", "pages_fetched", "new_articles", "duplicates",
               "skips", "events_new", "events_updated"]
    sets = ", ".join(f"{c} = ?" for c in columns)
    con.execute(f"UPDATE runs SET finished_at = ?, status = ?, {sets}, summary = ? WHERE run_id = ?",
                [now, status, *[counts.get(c) for c in columns], json.dumps(summary, default=str), run_id])
    con.execute("DELETE FROM extraction_claims WHERE run_id = ?", [run_id])


_TO_EXTRACT = ("url_key", "title", "text", "published", "language", "duplicate_of", "canonical_url", "fetched_at")
# the stored articles not yet run through extractor version $v; then a WHERE of the caller's, then the order
_UNEXTRACTED = (f"SELECT {', '.join(f'a.{column}' for column in _TO_EXTRACT)} FROM articles a "
                "ANTI JOIN extractions x ON x.url_key = a.url_key AND x.extractor_version = $v ")
_OLDEST_FIRST = "ORDER BY a.fetched_at, a.duplicate_of IS NOT NULL, a.url_key LIMIT $limit"  # first copies first


def articles_to_extract(con, extractor_version: str, limit: int = 5000) -> list[dict]:
    """Stored articles not yet run through this extractor version, oldest first (duplicates included: they are
    linked to their first copy's events, not extracted)."""
    rows = con.execute(_UNEXTRACTED + _OLDEST_FIRST, {"v": extractor_version, "limit": limit}).fetchall()
    return [dict(zip(_TO_EXTRACT, row, strict=True)) for row in rows]


def claim_articles(con, run_id: str, extractor_version: str, now: datetime, limit: int = 5000) -> list[dict]:
    """Like `articles_to_extract`, for runs sharing the database: the articles no live run has claimed, claimed
    for `run_id` in the same transaction. A syndicated copy whose first copy another live run is still extracting
    waits (it is credited on its first copy's events, which must be stored first). Claims of runs that are no
    longer `running` are dropped first: a dead run's articles are free once it is marked failed."""
    with transaction(con):
        con.execute("DELETE FROM extraction_claims WHERE run_id NOT IN (SELECT run_id FROM runs WHERE status = 'running')")
        rows = con.execute(
            "WITH busy AS (SELECT c.url_key FROM extraction_claims c WHERE c.run_id <> $run "
            "  AND NOT EXISTS (SELECT 1 FROM extractions x WHERE x.url_key = c.url_key AND x.extractor_version = $v)) "
            + _UNEXTRACTED
            + "WHERE a.url_key NOT IN (SELECT url_key FROM busy) "
            "AND (a.duplicate_of IS NULL OR a.duplicate_of NOT IN (SELECT url_key FROM busy)) "
            + _OLDEST_FIRST,
            {"run": run_id, "v": extractor_version, "limit": limit},
        ).fetchall()
        claims = [{"url_key": row[0], "run_id": run_id, "claimed_at": now} for row in rows]
        insert_records(con, "extraction_claims", claims, CLAIM_TYPES, key=["url_key"],
                       on_conflict="(url_key) DO UPDATE SET run_id = excluded.run_id, claimed_at = excluded.claimed_at")
    return [dict(zip(_TO_EXTRACT, row, strict=True)) for row in rows]


CLAIM_TYPES = {"url_key": "VARCHAR", "run_id": "VARCHAR", "claimed_at": "TIMESTAMPTZ"}
