"""Hardening II, one test per finding, each written for the class of input rather than one payload: feeds with
character references that name no character, links with control characters, robots.txt that fails or hangs,
responses longer than their Content-Length, pages that hang, Retry-After, a lock during dedupe, a dying pool
worker, an article the extractor cannot finish in time, the IPv6 forms that embed an IPv4 address, secrets that
are not URL-safe, and a feed that never yields an entry. Real servers on 127.0.0.1, real DuckDB files, real
worker processes.
"""

from __future__ import annotations

import base64
import os
import signal
import socket
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from werkzeug import Response

from tasks.feeds import canonical_url, read_feed
from tasks.http import Fetch, Robots, build_client, get, get_ok, is_blocked
from tasks.models import Entry, FeedSpec, Page, Skip
from tasks.pages import Budget, fetch_page, fetch_pages

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


def entry_for(url: str) -> Entry:
    return Entry(feed="t", url=url, canonical_url=canonical_url(url), url_key=canonical_url(url), title="t")


def rss(*items: bytes) -> bytes:
    return (
        b"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>t</title>"
        + b"".join(items)
        + b"</channel></rss>"
    )


def item(title: bytes, link: bytes) -> bytes:
    return b"<item><title>" + title + b"</title><link>" + link + b"</link></item>"


@pytest.fixture
def client(settings):
    with build_client(settings) as c:
        yield c


# --- 1. character references that name no character -------------------------------------------------------

BAD_REFS = [
    b"&#xD800;",
    b"&#xDFFF;",
    b"&#55296;",
    b"&#x110000;",
    b"&#1114112;",
    b"&#99999999999999999999;",
    b"&#x" + b"F" * 40 + b";",
    b"&#0;",
    b"&#x1F;",
    b"&#xFFFE;",
    b"&#xFFFF;",
    b"&#8;",
]


@pytest.mark.parametrize("ref", BAD_REFS, ids=lambda r: r.decode()[:16])
@pytest.mark.parametrize("where", ["title", "link", "channel"])
def test_a_character_reference_naming_no_character_never_raises_and_keeps_the_other_entries(ref, where):
    bad_title = b"Attaque " + ref if where == "title" else b"Attaque"
    bad_link = b"http://example.org/a" + (ref if where == "link" else b"")
    body = rss(item(bad_title, bad_link), item(b"Innocent", b"http://example.org/b"))
    if where == "channel":
        body = body.replace(b"<title>t</title>", b"<title>t " + ref + b"</title>", 1)
    entries, skips, _ = read_feed(FeedSpec("f", "http://example.org/feed"), body)
    assert "http://example.org/b" in [e.url for e in entries]
    assert len(entries) + len(skips) == 2


# --- 2. links with control characters --------------------------------------------------------------------

CONTROL_LINKS = [
    b"http://example.org/a\x7fb",
    b"http://exa\x7fmple.org/a",
    b"http://example.org/&#127;x",
    b"http://example.org/&#x85;x",
    b"http://example.org/a&#9;b",
    b"http://example.org/\xc2\x9fz",
]


@pytest.mark.parametrize("link", CONTROL_LINKS, ids=repr)
def test_a_link_with_a_control_character_is_a_skip_never_an_exception(link, client, settings):
    body = rss(item(b"Bad", link), item(b"Innocent", b"http://example.org/b"))
    entries, skips, _ = read_feed(FeedSpec("f", "http://example.org/feed"), body)
    assert "http://example.org/b" in [e.url for e in entries]
    for entry in entries:
        if entry.url != "http://example.org/b":  # what a parser let through must not raise at fetch time
            result = fetch_page(client, Robots(client, replace(settings, respect_robots=False)), entry, settings)
            assert isinstance(result, Skip), entry.url
    assert all(s.reason in ("bad_url", "bad_link") for s in skips)


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/a\x7f",
        "http://example.org/\x00",
        "http://[::1/",
        "http://example.org:99999/",
        "http://exa mple.org/",
    ],
)
def test_the_client_turns_every_unsendable_url_into_a_fetch_error(url, client, settings):
    with pytest.raises(Fetch) as failed:
        get(client, url, replace(settings, allow_hosts=()))
    assert failed.value.reason in ("bad_url", "dns_error"), failed.value


# --- 4/5. robots.txt: transient when unreachable, one lock per origin --------------------------------------


@pytest.mark.parametrize("answer", ["503", "500", "429", "timeout", "reset"])
def test_an_unreachable_robots_txt_is_transient_and_asked_again_next_run(httpserver, client, settings, answer, db_path):
    from storage.db import connect
    from storage.ingest import known_url_keys, save_batch, skip_row

    def robots(_request):
        if answer == "timeout":
            time.sleep(settings.total_timeout + 0.5)
        if answer == "reset":
            raise ConnectionResetError
        return Response("busy", status=int(answer) if answer.isdigit() else 200)

    httpserver.expect_request("/robots.txt").respond_with_handler(robots)
    httpserver.expect_request("/a.html").respond_with_data("<html>a</html>", content_type="text/html")
    entry = entry_for(httpserver.url_for("/a.html"))
    result = fetch_page(client, Robots(client, settings), entry, settings)
    assert isinstance(result, Skip) and result.reason == "robots_unavailable", result
    with connect(db_path) as con:  # three runs of it, and the entry is still wanted
        for run in ("r1", "r2", "r3", "r4"):
            save_batch(con, [], [], [skip_row(result, entry.url_key, run, NOW)])
        assert known_url_keys(con, [entry.url_key], final_after_runs=3) == set()


def test_a_hanging_robots_txt_holds_up_its_own_origin_only(client, settings):
    from pytest_httpserver import HTTPServer

    slow, fast = HTTPServer(port=0), HTTPServer(port=0)
    slow.start()
    fast.start()
    try:
        slow.expect_request("/robots.txt").respond_with_handler(lambda r: (time.sleep(2.5), Response(""))[1])
        fast.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n")
        for n in range(4):
            fast.expect_request(f"/{n}.html").respond_with_data("<html>ok</html>", content_type="text/html")
        robots = Robots(client, replace(settings, total_timeout=5.0, read_timeout=5.0))
        done: dict[str, float] = {}
        started = time.monotonic()
        holder = threading.Thread(
            target=lambda: (
                robots.verdict(slow.url_for("/x.html")),
                done.setdefault("slow", time.monotonic() - started),
            )
        )
        holder.start()
        time.sleep(0.2)
        for n in range(4):
            assert robots.verdict(fast.url_for(f"/{n}.html")) is None
        done["fast"] = time.monotonic() - started
        holder.join()
    finally:
        slow.clear()
        slow.stop()
        fast.stop()
    assert done["fast"] < 0.8 < done["slow"], done  # the slow origin waits its read timeout (1 s here)


# --- 6. a response longer than its Content-Length ---------------------------------------------------------


class LyingServer:
    """A keep-alive HTTP/1.1 server whose /lie answers carry more bytes than their Content-Length says (the
    extra bytes sent with the body, or a moment later); every other path answers honestly with its own name."""

    def __init__(self, extra: bytes, delay: float = 0.0):
        self.extra, self.delay = extra, delay
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        buffer = b""
        with conn:
            while True:
                try:
                    data = conn.recv(65536)
                except OSError:
                    return
                if not data:
                    return
                buffer += data
                while b"\r\n\r\n" in buffer:
                    request, buffer = buffer.split(b"\r\n\r\n", 1)
                    path = request.split(b" ")[1]
                    body = b"<html><body><p>page " + path + b"</p></body></html>"
                    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n" % len(body)
                    try:
                        conn.sendall(head + body + (self.extra if path == b"/lie" and not self.delay else b""))
                        if path == b"/lie" and self.delay:
                            time.sleep(self.delay)
                            conn.sendall(self.extra)
                    except OSError:
                        return

    def close(self):
        self.sock.close()


SMUGGLED = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 29\r\n\r\n<html>SMUGGLED CONTENT</html>"


@pytest.mark.parametrize(
    "extra, delay",
    [(SMUGGLED, 0.0), (b"garbage after the body", 0.0), (SMUGGLED, 0.3), (b"x" * 70000, 0.0)],
    ids=["response", "junk", "late-response", "large"],
)
def test_bytes_past_the_content_length_are_never_read_as_the_next_page(extra, delay, client, settings):
    server = LyingServer(extra, delay)
    try:
        first = fetch_page(
            client, Robots(client, replace(settings, respect_robots=False)), entry_for(server.url("/lie")), settings
        )
        if delay:
            time.sleep(delay + 0.2)
        second = get(client, server.url("/innocent"), settings)
    finally:
        server.close()
    assert b"page /innocent" in second.body and b"SMUGGLED" not in second.body
    if not delay:  # seen at once: the page is a transient skip, not a truncated final empty_extraction
        assert isinstance(first, Skip) and first.reason == "length_mismatch", first


# --- 7. hanging pages: one deadline per run, a budget per host and per run, Retry-After ------------------------


def test_hanging_pages_cost_at_most_the_host_budget(settings, tmp_path):
    from flows.replay import ReplayServer

    (tmp_path / "robots.txt").write_text("User-agent: *\nAllow: /\n")
    for n in range(12):
        (tmp_path / f"hang{n}.html").write_text("<html>late</html>")
    hang = {"delay": settings.total_timeout + 2}
    tight = replace(settings, host_budget=2.0, per_host=2, page_workers=2)
    with ReplayServer(tmp_path, behaviour={f"/hang{n}.html": hang for n in range(12)}) as server:
        entries = [entry_for(f"{server.url}/hang{n}.html") for n in range(12)]
        started = time.monotonic()
        with build_client(tight) as client:
            results = fetch_pages(client, Robots(client, tight), entries, tight, Budget(tight))
        took = time.monotonic() - started
        hits = sum(n for path, n in server.hits.items() if path.startswith("/hang"))
    reasons = [r.reason for r in results]
    assert set(reasons) == {"timeout", "host_budget"} and reasons.count("host_budget") >= 6, reasons
    assert took < 12, f"{took:.1f} s for 12 hanging pages"
    assert hits == reasons.count("timeout"), "each tried page was asked once: a timeout is not retried in the run"


def test_the_run_budget_stops_new_fetches(settings):
    ticks = iter([0.0, 1.0, 700.0, 701.0])
    budget = Budget(settings, clock=lambda: next(ticks))
    assert budget.refusal("a") is None and budget.refusal("b") is None
    assert budget.refusal("a").reason == "run_budget"


def test_a_hanging_page_becomes_final_after_three_runs(db_path):
    from storage.db import connect
    from storage.ingest import known_url_keys, save_batch, skip_row

    with connect(db_path) as con:
        for n, run in enumerate(("r1", "r2", "r3"), 1):
            save_batch(
                con,
                [],
                [],
                [
                    skip_row(Skip("page", "timeout", "u"), "k", run, NOW),
                    skip_row(Skip("page", "host_budget", "v"), "kb", run, NOW),
                ],
            )
            assert known_url_keys(con, ["k", "kb"], final_after_runs=3) == ({"k"} if n == 3 else set())


@pytest.mark.parametrize("header, tries", [("1", 2), ("3600", 1), ("Wed, 01 Jan 2098 00:00:00 GMT", 1)])
def test_retry_after_is_honoured_within_the_cap(httpserver, client, settings, header, tries):
    calls = []

    def busy(_request):
        calls.append(time.monotonic())
        if len(calls) == 1:
            return Response("busy", status=503, headers={"Retry-After": header})
        return Response("<html>ok</html>", content_type="text/html")

    httpserver.expect_request("/p.html").respond_with_handler(busy)
    capped = replace(settings, retry_after_cap=5.0, retries=2)
    if tries == 1:
        with pytest.raises(Fetch) as failed:
            get_ok(client, httpserver.url_for("/p.html"), capped)
        assert "over the cap" in failed.value.detail
    else:
        assert get_ok(client, httpserver.url_for("/p.html"), capped).status == 200
        assert calls[1] - calls[0] >= 0.95, "waited what Retry-After asked"
    assert len(calls) == tries


# --- 8. a lock during dedupe keeps the work ------------------------------------------------------------------


def test_a_lock_during_dedupe_keeps_the_chunk_in_the_spool_and_dedupes_it_later(settings, db_path, monkeypatch):
    import flows.store
    from flows.store import Spooled, flush_spools, store_payload
    from storage.db import DatabaseLocked, connect
    from storage.ingest import article_row
    from tasks.dedupe import fingerprint
    from tasks.models import Article

    def article(key: str, text: str) -> Article:
        return Article(
            url_key=key,
            url=f"http://x/{key}",
            canonical_url=f"http://x/{key}",
            feed="f",
            title="t",
            text=text,
            text_source="page",
            published=NOW,
            published_source="page",
            language="fr",
        )

    text = "Des hommes armés ont attaqué le poste de Boulkessi mercredi, selon une source sécuritaire. " * 4
    first, sig1 = fingerprint(article("a", text))
    store_payload(
        settings,
        "r1-0",
        {
            "feeds": [],
            "articles": [article_row(first, "r1", NOW)],
            "skips": [],
            "fingerprints": [sig1],
            "deduped": False,
        },
    )
    copy, sig2 = fingerprint(article("b", text))

    def locked(*_args, **_kwargs):
        raise DatabaseLocked("database is locked by another process")

    monkeypatch.setattr(flows.store, "dedupe_rows", locked)  # the lock is taken while dedupe reads history
    with pytest.raises(Spooled, match="kept in"):
        store_payload(
            settings,
            "r2-0",
            {
                "feeds": [],
                "articles": [article_row(copy, "r2", NOW)],
                "skips": [],
                "fingerprints": [sig2],
                "deduped": False,
            },
        )
    assert (settings.spool_dir / "r2-0.json").exists()
    monkeypatch.undo()
    assert flush_spools(settings) == 1
    with connect(db_path, read_only=True) as con:
        assert con.execute("SELECT url_key, duplicate_of FROM articles ORDER BY 1").fetchall() == [
            ("a", None),
            ("b", "a"),
        ]


# --- 9. a dying pool worker, an article that takes too long ---------------------------------------------------


def die(*_args):
    os.kill(os.getpid(), signal.SIGKILL)


def nap(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


def test_a_dead_worker_is_retried_once_in_a_fresh_pool_then_reported(tmp_path):
    from tasks import parallel

    started = time.monotonic()
    with pytest.raises(parallel.WorkerDied, match="worker process died"):
        parallel.call(die, None)
    assert parallel.call(nap, 0.01) == 0.01, "the pool works again after"
    with pytest.raises(parallel.WorkerDied, match="still running"):
        parallel.call(nap, 30, deadline=1.0)
    assert parallel.call(nap, 0.01) == 0.01
    assert time.monotonic() - started < 60


def test_a_batch_whose_worker_dies_becomes_worker_died_skips(monkeypatch):
    import flows.pipeline
    from tasks import parallel

    monkeypatch.setattr(flows.pipeline, "clean_batch", die)
    entries = [entry_for(f"http://example.org/{n}") for n in range(3)]
    articles, skips, signatures = flows.pipeline.clean_in_pool(
        entries, [Skip("page", "timeout", e.url) for e in entries]
    )
    assert articles == [] and [s.reason for s in skips] == ["worker_died"] * 3
    assert parallel.call(nap, 0.01) == 0.01


def incident_text(size: int) -> str:
    towns = ["Gao", "Ménaka", "Djibo", "Tillabéri", "Mopti", "Kidal", "Diapaga", "Dori", "Ansongo", "Tombouctou"]
    parts, n = [], 0
    while sum(map(len, parts)) < size:
        town = towns[n % len(towns)]
        parts.append(
            f"Le {n % 28 + 1} novembre, des hommes armés ont attaqué le village de {town}, tuant {n % 9 + 2} "
            f"civils, selon des sources locales. L'armée a riposté près de {town}. "
        )
        n += 1
    return "".join(parts)


def test_an_article_over_its_extraction_budget_is_an_extract_timeout_skip():
    from flows.pipeline import extract_batch

    rows = [
        {
            "url_key": k,
            "title": "Attaques",
            "text": incident_text(size),
            "published": NOW,
            "language": "fr",
            "duplicate_of": None,
            "canonical_url": f"http://x/{k}",
        }
        for k, size in (("long", 200_000), ("short", 800))
    ]
    started = time.monotonic()
    extracted = {x.url_key: x for x in extract_batch(rows, budget=2.0)}
    assert time.monotonic() - started < 45
    assert extracted["long"].skip is not None and extracted["long"].skip.reason == "extract_timeout"
    assert not extracted["long"].extraction.relevant
    assert extracted["short"].skip is None and extracted["short"].extraction.relevant


def test_the_extraction_budget_holds_in_a_thread_too():
    """A Dask worker runs a batch in a task thread, where SIGALRM cannot reach: the budget is an exception sent to
    that thread, and a block that ended in time gets none later."""
    import threading

    from tasks.events import extract_articles

    rows = [{"url_key": k, "title": "Attaques", "text": incident_text(size), "published": NOW, "language": "fr",
             "duplicate_of": None, "canonical_url": f"http://x/{k}"} for k, size in (("long", 200_000), ("short", 800))]
    out: list = []

    def extract_then_keep_running() -> None:
        out.extend(extract_articles(rows, 2.0))
        until = time.monotonic() + 2.5  # past the short article's budget, running bytecode an exception could hit
        while time.monotonic() < until:
            pass
        out.append("survived")

    worker = threading.Thread(target=extract_then_keep_running)
    started = time.monotonic()
    worker.start()
    worker.join(45)
    assert time.monotonic() - started < 45 and out[-1] == "survived"
    extracted = {x.url_key: x for x in out[:-1]}
    assert extracted["long"].skip is not None and extracted["long"].skip.reason == "extract_timeout"
    assert "over its extraction budget" in extracted["long"].skip.detail
    assert extracted["short"].skip is None and extracted["short"].extraction.relevant


# --- 10. the address guard, secrets in URLs, feeds that never give an entry -----------------------------------


@pytest.mark.parametrize(
    "addr",
    [
        "::ffff:127.0.0.1",
        "::ffff:7f00:1",
        "::127.0.0.1",
        "::ffff:0:10.0.0.1",
        "64:ff9b::a9fe:a9fe",
        "64:ff9b::7f00:1",
        "64:ff9b:1::c0a8:101",
        "2002:7f00:1::1",
        "2002:a9fe:a9fe::",
        "2001:0:4136:e378:8000:63bf:80ff:fffe",
        "::ffff:169.254.169.254",
    ],
)
def test_an_ipv6_form_that_embeds_a_private_ipv4_address_is_blocked(addr):
    assert is_blocked(addr)


# 6to4 (2002::/16) with a public IPv4 address is not listed: Python 3.13's ipaddress counts the whole prefix as
# not global (the IANA registry's reading changed), so it is blocked there and allowed on 3.11/3.12.
@pytest.mark.parametrize("addr", ["2001:4860:4860::8888", "::ffff:8.8.8.8", "64:ff9b::808:808"])
def test_an_ipv6_form_embedding_a_public_address_is_not(addr):
    assert not is_blocked(addr)


@pytest.mark.parametrize("secret", ["p/ss@word", "a+b%20c", "x:y#z?w", "plain"])
def test_secrets_with_url_characters_reach_the_channel_intact(secret):
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from tasks.alerts import Channel, Message
    from tasks.notify import send_message

    seen = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            seen.append(self.headers.get("Authorization"))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        channel = Channel("hook", f"json://${{HOOK_USER}}:${{HOOK_PASSWORD}}@127.0.0.1:{server.server_address[1]}/x")
        result = send_message(channel, Message("t", "b"), {"HOOK_USER": "ops", "HOOK_PASSWORD": secret})
    finally:
        server.shutdown()
    assert result.ok, result.error
    assert seen == ["Basic " + base64.b64encode(f"ops:{secret}".encode()).decode()]


def test_a_feed_that_answers_with_no_entry_is_flagged_empty_and_ops_told(db_path):
    from storage.db import connect
    from storage.ingest import feed_row, save_batch
    from tasks.alerts import feed_transitions
    from tasks.models import FeedResult

    spec = FeedSpec("JSON Feed", "http://x/feed.json")
    with connect(db_path) as con:
        for status in (200, 304, 200, 200, 200):
            save_batch(
                con,
                [
                    feed_row(
                        FeedResult(
                            spec, status, not_modified=status == 304, bozo="not a feed" if status == 200 else None
                        ),
                        NOW,
                    )
                ],
                [],
                [],
            )
        health, polls = con.execute("SELECT health, empty_polls FROM feed_health_v").fetchone()
        feeds = [
            dict(zip(("url", "name", "consecutive_failures", "empty_polls"), r, strict=True))
            for r in con.execute("SELECT url, name, consecutive_failures, empty_polls FROM feeds").fetchall()
        ]
    assert (health, polls) == ("empty", 4)
    ((url, state, message),) = feed_transitions(feeds, {}, threshold_runs=4)
    assert state == "empty" and "no entry 4 polls in a row" in message.body
    with connect(db_path) as con:
        entry = Entry("JSON Feed", "http://x/a", "http://x/a", "k")
        save_batch(con, [feed_row(FeedResult(spec, 200, entries=(entry,)), NOW)], [], [])
        assert con.execute("SELECT health, empty_polls FROM feed_health_v").fetchone() == ("ok", 0)


def test_pages_are_tried_and_kept_whatever_the_class(httpserver, client, settings):
    """The boundary holds for a page whose fetch raises something the HTTP layer never names."""
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/ok.html").respond_with_data("<html><p>ok</p></html>", content_type="text/html")

    class Odd(Robots):
        def verdict(self, url):
            if url.endswith("/odd.html"):
                raise MemoryError("no") if False else LookupError("a robots parser bug")
            return super().verdict(url)

    results = fetch_pages(
        client,
        Odd(client, settings),
        [entry_for(httpserver.url_for("/odd.html")), entry_for(httpserver.url_for("/ok.html"))],
        settings,
    )
    assert isinstance(results[0], Skip) and results[0].reason == "exception" and "LookupError" in results[0].detail
    assert isinstance(results[1], Page)
