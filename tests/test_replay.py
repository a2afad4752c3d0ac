"""The replay server (flows/replay.py) and the demo's fixture web it serves (demo/site, demo/expected.yaml)."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import time
from pathlib import Path
from urllib.robotparser import RobotFileParser

import feedparser
import httpx
import pytest
import trafilatura
import yaml

from flows.replay import ReplayServer

DEMO = Path(__file__).resolve().parent.parent / "demo"
EXPECTED = yaml.safe_load((DEMO / "expected.yaml").read_text(encoding="utf-8"))
FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>t</title>
<item><title>one</title><link>{{BASE}}/a.html</link></item>
</channel></rss>
"""


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "feeds").mkdir()
    (tmp_path / "feeds" / "f.xml").write_text(FEED, encoding="utf-8")
    (tmp_path / "a.html").write_text("<html><body><p>Bonjour</p></body></html>", encoding="utf-8")
    (tmp_path / "doc.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    (tmp_path / "robots.txt").write_text("User-agent: *\nDisallow: /private/\n", encoding="utf-8")
    (tmp_path / "data.bin").write_bytes(b"\x00")
    return tmp_path


def serve(root: Path, behaviour: dict | None = None) -> ReplayServer:
    if behaviour is not None:
        (root / "_behaviour.yaml").write_text(yaml.safe_dump(behaviour), encoding="utf-8")
    return ReplayServer(root)


def test_serves_files_with_content_type_by_extension(root: Path) -> None:
    with serve(root) as server, httpx.Client(base_url=server.url) as client:
        assert server.url.startswith("http://127.0.0.1:")
        assert client.get("/a.html").headers["content-type"] == "text/html; charset=utf-8"
        assert client.get("/feeds/f.xml").headers["content-type"] == "application/rss+xml"
        pdf = client.get("/doc.pdf")
        assert pdf.headers["content-type"] == "application/pdf"
        assert pdf.content == b"%PDF-1.4\n%%EOF\n"
        assert client.get("/robots.txt").text.startswith("User-agent: *")


def test_unknown_hidden_and_outside_paths_are_404(root: Path) -> None:
    with serve(root, {"/a.html": {"no_etag": True}}) as server, httpx.Client(base_url=server.url) as client:
        for path in ("/missing.html", "/_behaviour.yaml", "/feeds/", "/data.bin", "/../etc/passwd", "/%2e%2e/x"):
            assert client.get(path).status_code == 404, path
        assert server.statuses[404] == 6


def test_base_placeholder_is_replaced_before_the_etag_is_computed(root: Path) -> None:
    with serve(root) as server, httpx.Client(base_url=server.url) as client:
        response = client.get("/feeds/f.xml")
    assert f"<link>{server.url}/a.html</link>" in response.text
    assert "{{BASE}}" not in response.text
    assert response.headers["etag"] == '"' + hashlib.sha1(response.content).hexdigest() + '"'


def test_conditional_get_answers_304_to_a_matching_etag(root: Path) -> None:
    with serve(root) as server, httpx.Client(base_url=server.url) as client:
        first = client.get("/feeds/f.xml")
        etag = first.headers["etag"]
        assert client.get("/feeds/f.xml", headers={"If-None-Match": etag}).status_code == 304
        assert client.get("/feeds/f.xml", headers={"If-None-Match": f'"other", W/{etag}'}).status_code == 304
        assert client.get("/feeds/f.xml", headers={"If-None-Match": '"stale"'}).status_code == 200
        assert server.statuses == {200: 2, 304: 2}


def test_conditional_get_answers_304_when_not_modified_since(root: Path) -> None:
    os.utime(root / "a.html", (1_700_000_000, 1_700_000_000))
    with serve(root) as server, httpx.Client(base_url=server.url) as client:
        last_modified = client.get("/a.html").headers["last-modified"]
        assert last_modified == "Tue, 14 Nov 2023 22:13:20 GMT"
        assert client.get("/a.html", headers={"If-Modified-Since": last_modified}).status_code == 304
        older = "Mon, 13 Nov 2023 00:00:00 GMT"
        assert client.get("/a.html", headers={"If-Modified-Since": older}).status_code == 200


def test_behaviour_fixes_last_modified_and_can_drop_the_etag(root: Path) -> None:
    fixed = "Sat, 21 Nov 2026 09:00:00 GMT"
    behaviour = {"/feeds/f.xml": {"last_modified": fixed, "no_etag": True, "headers": {"Cache-Control": "max-age=60"}}}
    with serve(root, behaviour) as server, httpx.Client(base_url=server.url) as client:
        response = client.get("/feeds/f.xml")
        assert response.headers["last-modified"] == fixed
        assert response.headers["cache-control"] == "max-age=60"
        assert "etag" not in response.headers
        assert client.get("/feeds/f.xml", headers={"If-Modified-Since": fixed}).status_code == 304


def test_status_with_times_fails_then_serves(root: Path) -> None:
    behaviour = {
        "/feeds/f.xml": {"status": 503, "times": 1},
        "/a.html": {"status": 429, "headers": {"Retry-After": "1"}},
    }
    with serve(root, behaviour) as server, httpx.Client(base_url=server.url) as client:
        assert client.get("/feeds/f.xml").status_code == 503
        assert client.get("/feeds/f.xml").status_code == 200
        assert client.get("/feeds/f.xml").status_code == 200
        always = client.get("/a.html")
        assert (always.status_code, always.headers["retry-after"]) == (429, "1")
        assert client.get("/a.html").status_code == 429
        assert server.hits["/feeds/f.xml"] == 3
        assert server.statuses == {503: 1, 200: 2, 429: 2}


def test_delay_makes_a_short_timeout_expire(root: Path) -> None:
    with serve(root, {"/a.html": {"delay": 0.6}}) as server:
        with httpx.Client(base_url=server.url, timeout=0.1) as client, pytest.raises(httpx.ReadTimeout):
            client.get("/a.html")
        started = time.monotonic()
        with httpx.Client(base_url=server.url, timeout=5) as client:
            assert client.get("/a.html").status_code == 200
        assert time.monotonic() - started >= 0.6


def test_generated_big_body_can_be_abandoned(root: Path) -> None:
    behaviour = {"/huge.html": {"body_bytes": 50_000_000}, "/small.html": {"body_bytes": 100_000}}
    with serve(root, behaviour) as server, httpx.Client(base_url=server.url) as client:
        assert len(client.get("/small.html").content) == 100_000
        with client.stream("GET", "/huge.html") as response:
            assert response.headers["content-length"] == "50000000"
            assert response.headers["content-type"] == "text/html; charset=utf-8"
            received = 0
            for chunk in response.iter_bytes():
                received += len(chunk)
                if received > 1_000_000:
                    break
        assert client.get("/a.html").status_code == 200  # the server is still fine


def test_redirect_to_a_path_of_the_same_server(root: Path) -> None:
    behaviour = {"/old": {"redirect": "/a.html"}, "/moved": {"redirect": "/a.html", "status": 301}}
    with serve(root, behaviour) as server, httpx.Client(base_url=server.url, follow_redirects=True) as client:
        response = client.get("/old")
        assert str(response.url) == f"{server.url}/a.html"
        assert [r.status_code for r in response.history] == [302]
        assert client.get("/moved").history[0].status_code == 301
        assert server.hits == {"/old": 1, "/moved": 1, "/a.html": 2}


def test_hits_count_paths_without_query_and_reset(root: Path) -> None:
    with serve(root) as server, httpx.Client(base_url=server.url) as client:
        client.get("/a.html?utm_source=rss&utm_medium=feed")
        client.get("/a.html")
        client.head("/a.html")
        assert server.hits == {"/a.html": 3}
        server.reset_counts()
        assert server.hits == {} and server.statuses == {}


def test_behaviour_can_be_given_in_code(root: Path) -> None:
    with ReplayServer(root, behaviour={"/a.html": {"status": 500}}) as server:
        assert httpx.get(f"{server.url}/a.html").status_code == 500


# ---------------------------------------------------------------------------------------------- the demo web


@pytest.fixture(scope="module")
def demo() -> ReplayServer:
    with ReplayServer(DEMO / "site") as server:
        yield server


def test_demo_site_is_built_from_articles_yaml() -> None:
    spec = importlib.util.spec_from_file_location("build_site", DEMO / "build_site.py")
    assert spec and spec.loader
    build_site = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build_site)
    assert build_site.main(["--check"]) == 0, "run: python demo/build_site.py"


def test_demo_feeds_file_lists_the_expected_feeds() -> None:
    feeds = yaml.safe_load((DEMO / "feeds.yaml").read_text(encoding="utf-8"))["feeds"]
    assert [(f["name"], f["url"]) for f in feeds] == [(f["name"], f["url"]) for f in EXPECTED["feeds"]]


@pytest.mark.parametrize("feed", EXPECTED["feeds"], ids=lambda f: f["name"])
def test_demo_feed_parses_as_expected(demo: ReplayServer, feed: dict) -> None:
    response = httpx.get(feed["url"].replace("{{BASE}}", demo.url))
    assert response.status_code == 200
    parsed = feedparser.parse(response.content, response_headers=dict(response.headers))
    assert len(parsed.entries) == feed["entries"]
    assert bool(parsed.bozo) == feed["bozo"]
    assert all(entry.link.startswith(demo.url + "/") for entry in parsed.entries)
    again = httpx.get(response.url, headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304


def test_demo_entries_are_exactly_the_expected_articles_and_skips(demo: ReplayServer) -> None:
    links = []
    for feed in EXPECTED["feeds"]:
        parsed = feedparser.parse(httpx.get(feed["url"].replace("{{BASE}}", demo.url)).content)
        links += [entry.link.removeprefix(demo.url) for entry in parsed.entries]
    paths = [link.split("?")[0].split("#")[0] for link in links]
    assert len(paths) == len(set(paths)) == EXPECTED["totals"]["entries"]
    assert set(paths) == set(EXPECTED["articles"]) | set(EXPECTED["skips"])
    tracked = {p: r["entry_url"] for p, r in EXPECTED["articles"].items() if "entry_url" in r}
    assert tracked and all(url.removeprefix("{{BASE}}") in links for url in tracked.values())


def test_demo_articles_are_html_pages_with_text(demo: ReplayServer) -> None:
    with httpx.Client(base_url=demo.url) as client:
        for path, row in EXPECTED["articles"].items():
            response = client.get(path)
            assert response.status_code == 200, path
            assert response.headers["content-type"].startswith("text/html"), path
            assert f'<html lang="{row["language"]}">' in response.text, path
            assert 'property="article:published_time"' in response.text, path
            assert len(trafilatura.extract(response.text, include_comments=False) or "") > 400, path


def test_demo_skips_fail_for_their_stated_reason(demo: ReplayServer) -> None:
    robots = RobotFileParser()
    robots.parse(httpx.get(f"{demo.url}/robots.txt").text.splitlines())
    with httpx.Client(base_url=demo.url) as client:
        for path, row in EXPECTED["skips"].items():
            response = client.get(path)
            reason = row["reason"]
            assert robots.can_fetch("sahelwatch", demo.url + path) == (reason != "robots"), path
            if reason == "http_404":
                assert response.status_code == 404, path
            elif reason == "not_html":
                assert response.headers["content-type"] == "application/pdf", path
                assert response.content.startswith(b"%PDF-"), path
            elif reason == "empty_extraction":
                assert response.headers["content-type"].startswith("text/html"), path
                assert trafilatura.extract(response.text) is None, path
    assert sorted(r["reason"] for r in EXPECTED["skips"].values()) == [
        "empty_extraction",
        "http_404",
        "not_html",
        "robots",
    ]


def test_demo_exact_copy_extracts_to_the_same_text(demo: ReplayServer) -> None:
    exact = [(p, r["duplicate_of"]) for p, r in EXPECTED["articles"].items() if r.get("duplicate_kind") == "exact"]
    assert exact
    with httpx.Client(base_url=demo.url) as client:
        for copy, original in exact:
            assert trafilatura.extract(client.get(copy).text) == trafilatura.extract(client.get(original).text)


def test_demo_expectation_totals_add_up() -> None:
    articles, totals = EXPECTED["articles"], EXPECTED["totals"]
    assert totals["articles"] + totals["skips"] == totals["entries"]
    assert totals["articles"] - totals["duplicates"] >= 40
    assert set(totals["by_language"]) == {"en", "fr"}
    for path, row in articles.items():
        if "duplicate_of" in row:
            assert row["duplicate_of"] in articles and row["published"] > articles[row["duplicate_of"]]["published"]
        if row["relevant"]:
            assert {"country", "event_type", "sub_event_type", "event_date"} <= set(row), path
