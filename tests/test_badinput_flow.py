"""The real `ingest` flow, through Prefect, over the whole hostile web at once: the run completes, every bad item
is a skip or a feed error with its reason, the good pages behind lying charsets are stored, and no private
address is contacted.

The slow pages (drips) are left out here: the flow uses the production timeouts (30 s total, 2 retries); they are
covered at the stage level in test_badinput.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from storage.db import connect

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "badinput"
sys.path.insert(0, str(FIXTURES))
from hostile_site import FEEDS, PAGES, PRIVATE_LINKS, HostileSite, feeds_yaml  # noqa: E402

FLOW_FEEDS = [p.replace("hostile_pages.xml", "hostile_pages_fast.xml") for p in FEEDS]


@pytest.fixture(scope="module")
def hostile_run(prefect_server, tmp_path_factory):
    from flows.ingest import ingest

    tmp = tmp_path_factory.mktemp("hostile")
    with HostileSite() as site:
        (tmp / "feeds.yaml").write_text(feeds_yaml(site, FLOW_FEEDS), encoding="utf-8")
        summary = ingest(feeds=str(tmp / "feeds.yaml"), db=str(tmp / "db.duckdb"), allow_hosts=["127.0.0.1"])
        hits = dict(site.hits)
    with connect(tmp / "db.duckdb", read_only=True) as con:
        tables = {
            "skips": {url: reason for url, reason in con.execute("SELECT url, reason FROM skips").fetchall()},
            "articles": {url: text for url, text in con.execute("SELECT url, text FROM articles").fetchall()},
            "feeds": {url: (err, bozo) for url, err, bozo in
                      con.execute("SELECT url, last_error, bozo FROM feeds").fetchall()},
            "runs": con.execute("SELECT status FROM runs").fetchall(),
        }
    return site, summary, hits, tables


def test_run_completes_and_counts_every_feed(hostile_run):
    _, summary, _, tables = hostile_run
    assert tables["runs"] == [("completed",)]
    assert summary["feeds_polled"] == len(FLOW_FEEDS)
    assert summary["feeds_failed"] == sum(want not in ("ok", "bozo") for want in FEEDS.values())


def test_each_feed_ends_with_its_error_or_bozo_reason(hostile_run):
    site, _, _, tables = hostile_run
    for path, want in zip(FLOW_FEEDS, FEEDS.values(), strict=True):
        error, bozo = tables["feeds"][site.url(path)]
        if want == "ok":
            assert error is None and bozo is None, path
        elif want == "bozo":
            assert error is None and bozo, path
        else:
            assert error and error.startswith(want + ":"), (path, error)


def test_each_hostile_page_is_a_skip_with_its_reason_or_a_clean_article(hostile_run):
    site, _, _, tables = hostile_run
    for path, want in PAGES.items():
        url = site.url(path)
        if isinstance(want, tuple):
            assert want[1] in tables["articles"][url] and "Ã" not in tables["articles"][url], path
        else:
            assert tables["skips"].get(url) == want, path


def test_private_addresses_are_skipped_and_never_contacted(hostile_run):
    site, _, hits, tables = hostile_run
    for link in PRIVATE_LINKS:
        assert tables["skips"][link.format(port=site.port)] == "blocked_address", link
    assert hits.get("/x", 0) == 0 and hits.get("/latest/meta-data", 0) == 0


def test_entities_were_not_expanded_nor_fetched(hostile_run):
    _, _, hits, tables = hostile_run
    assert hits.get("/xxe-was-fetched", 0) == 0 and hits.get("/xxe-dtd-was-fetched", 0) == 0
    assert all(len(text) < 1_000_000 for text in tables["articles"].values())
