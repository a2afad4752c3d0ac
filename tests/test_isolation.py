"""The isolation boundary, through the real ingest flow over the demo's fixture web: an item that raises in any
stage (feed parser, entry URL, fetch, clean, language, dedupe fingerprint, extraction, alert rendering) becomes
a skip of that stage with the exception's class, and every other item is stored; the run completes.

The faults are injected at the stage functions the flow calls (the run is small enough to stay in this process,
so the patched functions are the ones that run); everything else is real: HTTP, Prefect, DuckDB, alerts.
"""

from __future__ import annotations

import pytest
import yaml

from flows.demo import DEMO
from flows.replay import ReplayServer
from storage.db import connect

EXPECTED = yaml.safe_load((DEMO / "expected.yaml").read_text(encoding="utf-8"))
BROKEN_FEED = "/feeds/reveil-faso.xml"


class Boom(RuntimeError):
    """The fault every patched stage raises for its marked item."""


def markers() -> dict[str, str]:
    """One original article per stage (not in the broken feed), the extraction one a relevant story."""
    originals = [
        p
        for p, a in EXPECTED["articles"].items()
        if not a.get("duplicate_of")
        and not a.get("entry_url")
        and a["feed"] != "Le Réveil du Faso"
        and not any(a2.get("duplicate_of") == p for a2 in EXPECTED["articles"].values())
    ]
    relevant = [p for p in originals if EXPECTED["articles"][p].get("relevant")]
    chosen = {"extract": relevant[0]}
    for stage, path in zip(
        ("url", "page", "clean", "language", "dedupe"), [p for p in originals if p != relevant[0]], strict=False
    ):
        chosen[stage] = path
    return chosen


def raising(stage: str, path: str, inner, url_of):
    def patched(*args, **kwargs):
        if url_of(*args, **kwargs).endswith(path):
            raise Boom(f"{stage} fault injected")
        return inner(*args, **kwargs)

    return patched


@pytest.fixture(scope="module")
def faulty_run(prefect_server, tmp_path_factory):
    import tasks.batch
    import tasks.events
    import tasks.feeds
    import tasks.notify
    import tasks.pages
    from flows.ingest import ingest

    chosen = markers()
    patch = pytest.MonkeyPatch()
    patch.setattr(
        tasks.feeds, "read_feed", raising("parser", BROKEN_FEED, tasks.feeds.read_feed, lambda spec, *a: spec.url)
    )
    patch.setattr(tasks.feeds, "canonical_url", raising("url", chosen["url"], tasks.feeds.canonical_url, lambda u: u))
    patch.setattr(
        tasks.pages,
        "fetch_page",
        raising("page", chosen["page"], tasks.pages.fetch_page, lambda c, r, entry, *a: entry.url),
    )
    patch.setattr(
        tasks.batch,
        "to_article",
        raising("clean", chosen["clean"], tasks.batch.to_article, lambda entry, fetched: entry.url),
    )
    patch.setattr(
        tasks.batch,
        "with_language",
        raising("language", chosen["language"], tasks.batch.with_language, lambda article: article.url),
    )
    patch.setattr(
        tasks.batch,
        "fingerprint",
        raising("dedupe", chosen["dedupe"], tasks.batch.fingerprint, lambda article: article.url),
    )
    patch.setattr(
        tasks.events,
        "extract",
        raising("extract", chosen["extract"], tasks.events.extract, lambda *a, url=None, **k: url or ""),
    )
    rendered: list[str] = []

    def render(send, inner=tasks.notify.render):
        rendered.append(send.alert.event_id)
        if len(rendered) == 1:
            raise Boom("alert fault injected")
        return inner(send)

    patch.setattr(tasks.notify, "render", render)
    tmp = tmp_path_factory.mktemp("isolation")
    try:
        with ReplayServer(DEMO / "site") as server:
            rules = tmp / "alerts.yaml"
            rules.write_text(
                f"channels: {{f: 'jsonl://file?path={tmp / 'alerts.jsonl'}'}}\nrules: {{all: {{channels: [f]}}}}\n",
                encoding="utf-8",
            )
            summary = ingest(
                feeds=str(DEMO / "feeds.yaml"),
                db=str(tmp / "db.duckdb"),
                base_url=server.url,
                allow_hosts=["127.0.0.1"],
                alerts=str(rules),
            )
            base = server.url
    finally:
        patch.undo()
    with connect(tmp / "db.duckdb", read_only=True) as con:
        tables = {
            "articles": {u.removeprefix(base) for (u,) in con.execute("SELECT canonical_url FROM articles").fetchall()},
            "skips": {
                (s, u.removeprefix(base).split("#")[0], r, d)
                for s, u, r, d in con.execute("SELECT stage, url, reason, detail FROM skips").fetchall()
            },
            "runs": con.execute("SELECT status FROM runs").fetchall(),
            "feeds": dict(con.execute("SELECT name, last_error FROM feeds").fetchall()),
            "events": con.execute("SELECT count(*) FROM events").fetchone()[0],
            "sent": con.execute("SELECT count(*) FROM alerts_sent WHERE status = 'sent'").fetchone()[0],
        }
    return chosen, summary, tables, rendered


def test_the_run_completes_and_is_not_marked_failed(faulty_run):
    _, summary, tables, _ = faulty_run
    assert tables["runs"] == [("completed",)] and summary["new_articles"] > 30


@pytest.mark.parametrize("stage", ["url", "page", "clean", "language", "dedupe"])
def test_an_item_that_raises_is_a_skip_of_its_stage_and_is_not_stored(faulty_run, stage):
    chosen, _, tables, _ = faulty_run
    path = chosen[stage]
    skip_stage = {"url": "feed", "page": "page"}.get(stage, stage)
    matching = [
        s
        for s in tables["skips"]
        if s[0] == skip_stage and s[2] == "exception" and "Boom" in s[3] and (s[1].endswith(path) or stage == "url")
    ]
    assert matching, (stage, sorted(tables["skips"]))
    if stage != "page":  # a page that could not be fetched falls back to its feed summary, as any failed fetch
        assert path not in tables["articles"]


def test_a_feed_whose_parser_raises_fails_alone(faulty_run):
    _, summary, tables, _ = faulty_run
    assert tables["feeds"]["Le Réveil du Faso"].startswith("exception: Boom: parser fault injected")
    assert [f["name"] for f in summary["feeds"] if f["error"]] == ["Le Réveil du Faso"]
    assert ("feed", BROKEN_FEED, "exception", "Boom: parser fault injected") in tables["skips"]


def test_every_other_article_is_stored(faulty_run):
    chosen, _, tables, _ = faulty_run
    lost = set(chosen.values()) - {chosen["extract"], chosen["page"]}
    want = {p for p, a in EXPECTED["articles"].items() if a["feed"] != "Le Réveil du Faso"} - lost
    assert want <= tables["articles"], sorted(want - tables["articles"])


def test_an_article_the_extractor_raises_on_is_stored_with_an_extract_skip(faulty_run):
    chosen, _, tables, _ = faulty_run
    assert chosen["extract"] in tables["articles"]
    assert any(
        s[0] == "extract" and s[1].endswith(chosen["extract"]) and s[2] == "exception" and "Boom" in s[3]
        for s in tables["skips"]
    )
    assert tables["events"] > 10, "the other articles' events are extracted"


def test_an_alert_that_fails_to_render_is_still_sent_and_the_others_too(faulty_run):
    _, summary, tables, rendered = faulty_run
    assert len(rendered) > 1 and tables["sent"] == summary["alerts_sent"] >= len(rendered)
