"""The feed and page stages against a real HTTP server on 127.0.0.1 (pytest-httpserver)."""

from __future__ import annotations

import time

import pytest
from werkzeug import Response

from tasks.clean import to_article
from tasks.feeds import canonical_url, parse_feed, poll_feed
from tasks.http import Robots, build_client
from tasks.models import Entry, FeedSpec, FeedState, Page, Skip
from tasks.pages import fetch_page

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Test</title>
<item><title>One</title><link>%(base)s/a.html?utm_source=rss&amp;utm_medium=feed#comments</link>
<pubDate>Mon, 23 Nov 2026 08:00:00 GMT</pubDate><description>Short.</description></item>
<item><title>Two</title><link>%(base)s/b.html</link></item>
</channel></rss>"""

ARTICLE = ("<html><head><title>Attaque</title><meta property='article:published_time' content='2026-11-20'></head>"
           "<body><nav>Accueil | Politique | Sport</nav><article><h1>Attaque a Boulkessi</h1><p>"
           + "Des hommes armes ont attaque mercredi le poste militaire de Boulkessi, selon une source securitaire. " * 4
           + "</p></article><footer>Partager sur Facebook</footer></body></html>")


def entry_for(url: str, summary: str = "") -> Entry:
    canon = canonical_url(url)
    return Entry(feed="test", url=url, canonical_url=canon, url_key=canon, title="t", summary=summary)


@pytest.fixture
def site(httpserver):
    """The local server, with no robots.txt (404: everything allowed)."""
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    return httpserver


@pytest.fixture
def client(settings):
    with build_client(settings) as c:
        yield c


def test_feed_conditional_get_answers_304_with_stored_validators(httpserver, client, settings):
    body = RSS % {b"base": httpserver.url_for("").rstrip("/").encode()}
    httpserver.expect_request("/feed.xml", headers={"If-None-Match": '"v1"'}).respond_with_data(
        "", status=304)
    httpserver.expect_request("/feed.xml").respond_with_data(
        body, content_type="application/rss+xml", headers={"ETag": '"v1"', "Last-Modified": "Mon, 23 Nov 2026 08:00:00 GMT"})
    spec = FeedSpec("test", httpserver.url_for("/feed.xml"))

    first = poll_feed(client, spec, None, settings)
    assert first.status == 200 and len(first.entries) == 2 and first.etag == '"v1"'
    assert first.entries[0].canonical_url == httpserver.url_for("/a.html")  # tracking params and fragment gone

    second = poll_feed(client, spec, FeedState(spec.url, first.etag, first.last_modified), settings)
    assert second.not_modified and second.status == 304 and second.entries == ()


def test_malformed_feed_is_bozo_and_keeps_its_good_entries():
    broken = (b"<?xml version='1.0'?><rss version='2.0'><channel><title>Broken & unescaped</title>"
              b"<item><title>Good</title><link>http://example.org/good</link></item>"
              b"<item><title>Also good</title><link>http://example.org/also</link></item>"
              b"<item><title>No link</title></item>")
    entries, bozo = parse_feed(FeedSpec("b", "http://example.org/f"), broken)
    assert bozo is not None
    assert [e.url for e in entries] == ["http://example.org/good", "http://example.org/also"]


def test_robots_txt_refusal_is_a_skip(httpserver, client, settings):
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nDisallow: /private/\n")
    httpserver.expect_request("/private/x.html").respond_with_data(ARTICLE, content_type="text/html")
    result = fetch_page(client, Robots(client, settings), entry_for(httpserver.url_for("/private/x.html")), settings)
    assert isinstance(result, Skip) and result.reason == "robots"
    assert all(req.path != "/private/x.html" for req, _ in httpserver.log)


def test_5xx_is_retried_then_skipped(site, client, settings):
    site.expect_request("/down.html").respond_with_data("oops", status=503)
    result = fetch_page(client, Robots(client, settings), entry_for(site.url_for("/down.html")), settings)
    assert isinstance(result, Skip) and result.reason == "http_503"
    assert sum(req.path == "/down.html" for req, _ in site.log) == settings.retries + 1


def test_5xx_once_then_served_succeeds(site, client, settings):
    calls = []

    def flaky(_request):
        calls.append(1)
        return Response("busy", status=503) if len(calls) == 1 else Response(ARTICLE, content_type="text/html")

    site.expect_request("/flaky.html").respond_with_handler(flaky)
    result = fetch_page(client, Robots(client, settings), entry_for(site.url_for("/flaky.html")), settings)
    assert isinstance(result, Page) and len(calls) == 2


def test_timeout_is_not_retried_in_the_run_and_is_skipped(site, client, settings):
    calls = []

    def slow(_request):
        calls.append(1)
        time.sleep(1.5)
        return Response(ARTICLE, content_type="text/html")

    site.expect_request("/slow.html").respond_with_handler(slow)
    started = time.monotonic()
    result = fetch_page(client, Robots(client, settings), entry_for(site.url_for("/slow.html")), settings)
    assert isinstance(result, Skip) and result.reason == "timeout"
    assert len(calls) == 1, "a hanging page costs one deadline per run, not retries + 1"
    assert time.monotonic() - started < 5


def test_404_is_skipped_without_retry(site, client, settings):
    site.expect_request("/gone.html").respond_with_data("no", status=404)
    result = fetch_page(client, Robots(client, settings), entry_for(site.url_for("/gone.html")), settings)
    assert isinstance(result, Skip) and result.reason == "http_404"
    assert sum(req.path == "/gone.html" for req, _ in site.log) == 1


def test_non_html_is_skipped(site, client, settings):
    site.expect_request("/report.pdf").respond_with_data(b"%PDF-1.4 binary", content_type="application/pdf")
    site.expect_request("/fake.html").respond_with_data(b"\x89PNG\r\n\x00\x00", content_type="text/html")
    robots = Robots(client, settings)
    for path in ("/report.pdf", "/fake.html"):
        result = fetch_page(client, robots, entry_for(site.url_for(path)), settings)
        assert isinstance(result, Skip) and result.reason == "not_html", path


def test_oversized_body_is_cut_off_and_skipped(site, client, settings):
    big = b"<html><body>" + b"x" * (settings.max_page_bytes + 10)
    site.expect_request("/big.html").respond_with_data(big, content_type="text/html")

    def chunked(_request):  # no Content-Length: the cap must hold while streaming
        return Response((b"y" * 65536 for _ in range(200)), content_type="text/html")

    site.expect_request("/stream.html").respond_with_handler(chunked)
    robots = Robots(client, settings)
    for path in ("/big.html", "/stream.html"):
        result = fetch_page(client, robots, entry_for(site.url_for(path)), settings)
        assert isinstance(result, Skip) and result.reason == "too_large", path


def test_charset_from_header_is_used(site, client, settings):
    latin = ARTICLE.replace("armes", "armés").encode("latin-1")
    site.expect_request("/latin.html").respond_with_data(latin, content_type="text/html; charset=iso-8859-1")
    page = fetch_page(client, Robots(client, settings), entry_for(site.url_for("/latin.html")), settings)
    assert isinstance(page, Page) and "armés" in page.html


def test_page_text_and_date_from_trafilatura_and_summary_fallback():
    entry = entry_for("http://example.org/a", summary="<p>" + "Résumé de la dépêche sur l'attaque. " * 5 + "</p>")
    article, skip = to_article(entry, Page(entry, entry.url, 200, ARTICLE))
    assert skip is None and article.text_source == "page" and article.published_source == "page"
    assert "Boulkessi" in article.text and "Partager" not in article.text

    empty = "<html><body><nav>Accueil</nav><script>var x=1;</script></body></html>"
    article, skip = to_article(entry, Page(entry, entry.url, 200, empty))
    assert skip.reason == "empty_extraction" and "summary" in skip.detail
    assert article.text_source == "summary" and article.published_source == "none"

    article, skip = to_article(entry_for("http://example.org/b"), Skip("page", "http_404", "http://example.org/b"))
    assert article is None and skip.reason == "http_404"


def test_language_is_detected_with_a_prior_for_the_outlets_languages():
    from tasks.language import detect_language

    assert detect_language("Gunmen killed 7 villagers near Djibo on Tuesday.")[0] == "en"  # 'sv' without the prior
    assert detect_language("Des hommes armés ont tué cinq civils mardi à Gao, selon des sources locales.")[0] == "fr"
    assert detect_language("هجوم مسلح على قاعدة عسكرية في مالي أسفر عن مقتل جنود")[0] == "ar"
    assert detect_language("O presidente da república visitou a cidade do Porto ontem à tarde.")[0] == "pt"
    assert detect_language("12 34 !!") == ("und", None)


def test_entries_without_a_usable_link_or_repeated_are_recorded_as_skips():
    from tasks.feeds import read_feed

    body = (b"<?xml version='1.0'?><rss version='2.0'><channel><title>t</title>"
            b"<item><title>Good</title><link>http://example.org/a</link></item>"
            b"<item><title>No link</title></item>"
            b"<item><title>Mail</title><link>mailto:desk@example.org</link></item>"
            b"<item><title>Again</title><link>http://example.org/a?utm_source=rss</link></item>"
            b"</channel></rss>")
    entries, skips, bozo = read_feed(FeedSpec("f", "http://example.org/feed"), body)
    assert [e.url for e in entries] == ["http://example.org/a"] and bozo is None
    assert [(s.stage, s.reason, s.url) for s in skips] == [
        ("feed", "no_link", "http://example.org/feed#entry-2"),
        ("feed", "bad_link", "http://example.org/feed#entry-3"),
        ("feed", "duplicate_entry", "http://example.org/feed#entry-4"),
    ]


def test_a_failed_poll_is_a_skip_too(site, client, settings):
    site.expect_request("/dead.xml").respond_with_data("gone", status=410)
    result = poll_feed(client, FeedSpec("dead", site.url_for("/dead.xml")), None, settings)
    assert result.error and [(s.stage, s.reason) for s in result.skips] == [("feed", "http_410")]
