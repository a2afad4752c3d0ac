"""The ingest flow end to end, through Prefect, against the demo's fixture web served on 127.0.0.1.

demo/expected.yaml states what the fixtures must give; this test reads it.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import yaml

from flows.demo import DEMO, page_requests
from flows.replay import ReplayServer
from storage.db import connect

EXPECTED = yaml.safe_load((DEMO / "expected.yaml").read_text(encoding="utf-8"))


def rows(db: Path, sql: str) -> list[tuple]:
    with connect(db, read_only=True) as con:
        return con.execute(sql).fetchall()


def path_of(url: str, base: str) -> str:
    return url.removeprefix(base)


def test_first_run_stores_every_expected_article_with_language_text_and_canonical_url(demo_runs):
    db, [(summary, _, base), _] = demo_runs
    stored = {path_of(r[0], base): r[1:] for r in rows(db, "SELECT canonical_url, language, length(text), feed "
                                                              "FROM articles")}
    assert set(stored) == set(EXPECTED["articles"])
    for path, want in EXPECTED["articles"].items():
        language, length, feed = stored[path]
        assert (language, feed) == (want["language"], want["feed"]), path
        assert length > 100, path
    assert summary["new_articles"] == len(EXPECTED["articles"]) >= 30


def test_first_run_records_each_bad_item_as_a_skip_with_its_reason(demo_runs):
    db, [(summary, _, base), _] = demo_runs
    skips = {path_of(url, base): reason for url, reason in rows(db, "SELECT url, reason FROM skips")}
    assert skips == {path: want["reason"] for path, want in EXPECTED["skips"].items()}
    assert sum(summary["skips_by_reason"].values()) == len(EXPECTED["skips"])


def test_malformed_feed_is_recorded_as_bozo_and_its_good_entries_kept(demo_runs):
    db, [(summary, _, _), _] = demo_runs
    by_name = {f["name"]: f for f in summary["feeds"]}
    for feed in EXPECTED["feeds"]:
        assert by_name[feed["name"]]["entries"] == feed["entries"], feed["name"]
        assert (by_name[feed["name"]]["bozo"] is not None) == feed["bozo"], feed["name"]
    bozo = {name for name, flag in rows(db, "SELECT name, bozo IS NOT NULL FROM feeds") if flag}
    assert bozo == {f["name"] for f in EXPECTED["feeds"] if f["bozo"]}


def test_syndicated_copies_point_at_their_first_copy(demo_runs):
    db, [(_, _, base), _] = demo_runs
    by_key = {k: path_of(u, base) for k, u in rows(db, "SELECT url_key, canonical_url FROM articles")}
    got = {path_of(u, base): by_key.get(d) for u, d in rows(db, "SELECT canonical_url, duplicate_of FROM articles")}
    want = {path: a.get("duplicate_of") for path, a in EXPECTED["articles"].items()}
    assert got == want


def test_second_run_adds_nothing_fetches_no_page_and_feeds_answer_304(demo_runs):
    db, [(first, _, _), (second, hits, _)] = demo_runs
    assert second["new_articles"] == 0 and second["skips"] == 0
    assert second["feeds_not_modified"] == second["feeds_polled"] == len(EXPECTED["feeds"])
    assert page_requests(hits) == 0
    assert rows(db, "SELECT count(*) FROM articles")[0][0] == first["new_articles"]


def test_run_rows_and_feed_health_are_recorded(demo_runs):
    db, [(first, _, _), (second, _, _)] = demo_runs
    runs = dict(rows(db, "SELECT run_id, new_articles FROM runs WHERE status = 'completed'"))
    assert runs == {first["run_id"]: first["new_articles"], second["run_id"]: 0}
    health = rows(db, "SELECT last_status, consecutive_failures, last_success_at IS NOT NULL FROM feeds")
    assert health == [(304, 0, True)] * len(EXPECTED["feeds"])


def test_a_run_in_many_small_chunks_stores_what_one_chunk_stores(demo_runs, tmp_path, monkeypatch):
    """store_entries overlaps chunks (the next is fetched and cleaned in the pool while this one is deduped and
    stored): in chunks of 5 and batches of 2, copies across chunks must still point at their first copy, and
    every article, skip and event must be what the one-chunk run stored."""
    import flows.ingest
    from flows.ingest import ingest

    resolve = flows.ingest.resolve_settings
    monkeypatch.setattr(flows.ingest, "resolve_settings",
                        lambda **kw: replace(resolve(**kw), store_chunk=5, batch_size=2))
    db = tmp_path / "chunked.duckdb"
    with ReplayServer(DEMO / "site") as server:
        summary = ingest(feeds=str(DEMO / "feeds.yaml"), db=str(db), base_url=server.url, allow_hosts=["127.0.0.1"])
        base = server.url
    ref_db, [(ref_summary, _, ref_base), _] = demo_runs
    assert summary["new_articles"] == ref_summary["new_articles"] and summary["duplicates"] > 0

    def state(path: Path, base_url: str) -> dict:
        url_of = dict(rows(path, "SELECT url_key, canonical_url FROM articles"))
        return {
            "articles": sorted((path_of(u, base_url), lang, h, path_of(url_of.get(d) or "", base_url), s)
                               for u, lang, h, d, s in rows(path, "SELECT canonical_url, language, content_hash, "
                                                                  "duplicate_of, similarity FROM articles")),
            "skips": sorted((path_of(u, base_url), r) for u, r in rows(path, "SELECT url, reason FROM skips")),
            "fingerprints": rows(path, "SELECT count(*) FROM article_fingerprints"),
            "events": sorted(rows(path, "SELECT event_type, sub_event_type, location, event_date, fatalities, "
                                        "n_sources FROM events_v"), key=repr),
        }

    assert state(db, base) == state(ref_db, ref_base)
