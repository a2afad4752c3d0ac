"""Bad and hostile input: every ill-formed feed of the shared corpus, hostile XML, and a hostile web served on
127.0.0.1 (bombs, 50 MB bodies, drips, redirect loops, lying charsets, binary, private addresses). Each ends as a
skip or a feed error with a reason; nothing raises, hangs or eats memory.

The feed fixtures (here and in the corpus) state what parsing must give in their `Expect:` comment; the hostile
site (`fixtures/badinput/hostile_site.py`) states what each of its pages and feeds must give.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import feedparser
import pytest

from tasks.clean import to_article
from tasks.feeds import parse_document, parse_feed, poll_feed
from tasks.http import Fetch, Robots, build_client, check_address, get
from tasks.models import Entry, FeedSpec, Page, Skip
from tasks.pages import fetch_page

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "badinput"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "feeds" / "illformed"
sys.path.insert(0, str(FIXTURES))
import hostile_site  # noqa: E402
from hostile_site import FEEDS, PAGES, PRIVATE_LINKS, SLOW_PAGES, HostileSite  # noqa: E402


def comment_field(data: bytes, name: str) -> str | None:
    found = re.search(rb"^\s*" + name.encode() + rb":\s*(.+)$", data[:2000], re.MULTILINE)
    return found.group(1).decode("latin-1").strip() if found else None


def entry_for(url: str) -> Entry:
    return Entry(feed="t", url=url, canonical_url=url, url_key=url, title="t")


@pytest.fixture(scope="module")
def site():
    with HostileSite() as server:
        yield server


@pytest.fixture
def client(settings):
    with build_client(settings) as c:
        yield c


# --- feeds: the corpus and the hostile XML fixtures ---------------------------------------------------------

CORPUS_FILES = sorted(CORPUS.rglob("*.xml")) if CORPUS.is_dir() else []


@pytest.mark.skipif(not CORPUS_FILES, reason="shared corpus of ill-formed feeds not present")
@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: str(p.relative_to(CORPUS)))
def test_illformed_corpus_feed_parses_as_its_comment_says(path: Path):
    data = path.read_bytes()
    skip_unless = comment_field(data, "SkipUnless")
    header = comment_field(data, "Header")
    headers = dict([(k.strip().lower(), v.strip()) for k, v in [header.split(":", 1)]]) if header else {}
    entries, bozo = parse_feed(FeedSpec("corpus", "http://example.org/feed"), data, headers)  # never raises
    try:
        if skip_unless:
            eval(skip_unless)  # e.g. __import__('chardet'): feedparser only guesses legacy charsets with it
    except Exception as exc:
        pytest.skip(f"{path.name}: {skip_unless} ({type(exc).__name__}); parsed to {len(entries)} entries, "
                    f"bozo={bozo is not None}")
    parsed = parse_document(data, headers)
    assert eval(comment_field(data, "Expect"), {"feedparser": feedparser}, parsed), path.name


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.xml")), ids=lambda p: p.name)
def test_hostile_feed_fixture_parses_as_its_comment_says(path: Path):
    data = path.read_bytes().replace(b"{{BASE}}", b"http://127.0.0.1:9")  # parsed only: nothing is fetched
    started = time.monotonic()
    entries, bozo = parse_feed(FeedSpec("fixture", "http://example.org/feed"), data)
    assert eval(comment_field(data, "Expect"), {}, {"entries": entries, "bozo": bozo}), path.name
    assert time.monotonic() - started < 5


def test_repeated_entity_is_not_expanded_by_the_fallback_parser():
    """feedparser's loose parser expands entities it deems safe (no `&` inside) without limit."""
    started = time.monotonic()
    entries, bozo = parse_feed(FeedSpec("q", "http://example.org/feed"), hostile_site.quadratic_blowup())
    assert bozo and len(entries) == 1 and len(entries[0].title) <= 60_000  # the text "&a;" x 20,000, not 2 GB
    assert time.monotonic() - started < 5


def test_external_entities_are_neither_read_nor_fetched(site):
    body = (FIXTURES / "external_entity.xml").read_bytes().replace(b"{{BASE}}", site.base.encode())
    entries, _ = parse_feed(FeedSpec("xxe", "http://example.org/feed"), body)
    assert "root:" not in entries[0].title + entries[0].summary
    assert site.hits["/xxe-was-fetched"] == 0 and site.hits["/xxe-dtd-was-fetched"] == 0


def test_empty_or_binary_feed_body_is_bozo_without_entries():
    for body in (b"", b"   \n", bytes(1000), b"\x89PNG\r\n\x1a\n" + bytes(100)):
        entries, bozo = parse_feed(FeedSpec("e", "http://example.org/feed"), body)
        assert entries == [] and bozo is not None


# --- the hostile web: pages and feeds over real HTTP -------------------------------------------------------


@pytest.mark.parametrize("path", list(PAGES))
def test_hostile_page_ends_as_its_expected_skip_or_article(site, client, settings, path):
    want = PAGES[path]
    started = time.monotonic()
    result = fetch_page(client, Robots(client, settings), entry_for(site.url(path)), settings)
    assert time.monotonic() - started < 10
    if isinstance(want, tuple):
        assert isinstance(result, Page), result
        article, skip = to_article(result.entry, result)
        assert skip is None and want[1] in article.text and "Ã" not in article.text
    else:
        assert isinstance(result, Skip) and result.reason == want, result
        assert result.detail, "a skip says why"


@pytest.mark.parametrize("path", list(SLOW_PAGES))
def test_slow_page_is_cut_at_the_total_timeout(site, settings, path):
    """A server that drips its body or its headers one byte at a time never hits the read timeout; the total
    deadline must still end the request."""
    from dataclasses import replace

    fast = replace(settings, total_timeout=1.5, read_timeout=1.0, retries=0)
    with build_client(fast) as client:
        started = time.monotonic()
        result = fetch_page(client, Robots(client, fast), entry_for(site.url(path)), fast)
    assert isinstance(result, Skip) and result.reason == SLOW_PAGES[path], result
    assert time.monotonic() - started < 4


@pytest.mark.parametrize("path", list(FEEDS))
def test_hostile_feed_ends_as_a_feed_error_or_bozo(site, client, settings, path):
    want = FEEDS[path]
    result = poll_feed(client, FeedSpec(path, site.url(path)), None, settings)
    if want == "ok":
        assert result.error is None and result.bozo is None, result
    elif want == "bozo":
        assert result.error is None and result.bozo, result
    else:
        assert result.error and result.error.startswith(want + ":"), result
        assert result.entries == ()


# --- the address guard (SSRF) ------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [u.format(port=9) for u in PRIVATE_LINKS] + [
    "http://127.0.0.1/", "http://127.1/", "http://[::]/", "http://192.168.1.1/", "http://172.16.0.1/",
    "http://100.64.0.1/", "http://[fe80::1]/", "http://[fd00::1]/", "http://224.0.0.1/"])
def test_guard_refuses_non_global_addresses_without_opt_in(url):
    with pytest.raises(Fetch) as refused:
        check_address(url, ())
    assert refused.value.reason == "blocked_address"


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/", "gopher://127.0.0.1:25/", "data:,x"])
def test_guard_refuses_other_schemes(url):
    with pytest.raises(Fetch) as refused:
        check_address(url, ())
    assert refused.value.reason == "bad_scheme"


def test_opt_in_is_by_host_name_not_by_address():
    check_address("http://127.0.0.1:9/", ("127.0.0.1",))
    with pytest.raises(Fetch, match="blocked_address"):
        check_address("http://localhost:9/", ("127.0.0.1",))  # resolves to an allowed address: still refused


def test_private_link_pages_are_skipped_and_never_contacted(settings):
    """Without the opt-in, a page on 127.0.0.1 is refused, and even its robots.txt is not requested."""
    from dataclasses import replace

    closed = replace(settings, allow_hosts=())
    with HostileSite() as local, build_client(closed) as client:
        robots = Robots(client, closed)
        for url in [local.url("/utf8-labelled-latin1.html"), f"http://localhost:{local.port}/empty.html"]:
            result = fetch_page(client, robots, entry_for(url), closed)
            assert isinstance(result, Skip) and result.reason == "blocked_address", url
        assert sum(local.hits.values()) == 0


def test_redirect_to_metadata_or_unallowed_local_host_is_blocked_and_not_followed(httpserver, settings):
    """A page on an allowed 127.0.0.1 server redirects to the cloud metadata address, or to `localhost` on
    another port (not opted in): both are skipped as blocked_address and the second server sees no request."""
    from dataclasses import replace

    with HostileSite() as second:
        httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
        httpserver.expect_request("/to-metadata").respond_with_data(
            "", status=302, headers={"Location": "http://169.254.169.254/latest/meta-data"})
        httpserver.expect_request("/to-localhost").respond_with_data(
            "", status=302, headers={"Location": f"http://localhost:{second.port}/binary.html"})
        allowed = replace(settings, allow_hosts=("127.0.0.1",))
        with build_client(allowed) as client:
            robots = Robots(client, allowed)
            for path in ("/to-metadata", "/to-localhost"):
                result = fetch_page(client, robots, entry_for(httpserver.url_for(path)), allowed)
                assert isinstance(result, Skip) and result.reason == "blocked_address", result
        assert sum(second.hits.values()) == 0


def test_socket_layer_refuses_a_blocked_peer_even_when_the_name_check_was_passed(settings):
    """DNS rebinding: a name that passed the check but connects to a private address is refused at connect."""
    from dataclasses import replace

    allowed = replace(settings, allow_hosts=("127.0.0.1",))
    with HostileSite() as local, build_client(allowed) as client:
        with pytest.raises(Fetch, match="blocked_address"):
            client.get(f"http://localhost:{local.port}/empty.html")  # no check_address: the socket layer refuses
        assert sum(local.hits.values()) == 0
        assert get(client, local.url("/empty.html"), allowed).status == 200  # the opted-in name still works


# --- memory --------------------------------------------------------------------------------------------------


def test_memory_stays_bounded_over_the_whole_hostile_web(site):
    """Every hostile feed and page, pages fetched 8 at a time (bombs in parallel), in a fresh process."""
    out = subprocess.run([sys.executable, str(FIXTURES / "hostile_site.py"), "memory", site.base],
                         capture_output=True, text=True, timeout=240, cwd=FIXTURES.parents[2])
    assert out.returncode == 0, out.stderr[-3000:]
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["feeds"] == len(FEEDS) and report["entries"] > len(PAGES)
    assert report["peak_rss_mb"] < 400, report
