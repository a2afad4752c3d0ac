"""Several ingest workers, for real: PostgreSQL, a Prefect server on it, the global concurrency limit
`sahelwatch-db-writer`, a process work pool, the two partitioned ingest deployments of deploy/prefect.yaml and two
`prefect worker start` processes, over the demo's fixture web (tests/workers_cluster.py builds them).

The demo's four feeds split 2 + 2 (`partition: 1/2` and `2/2`), and its hard cases straddle the split: the Boni
bus story of Sahel Matin (2/2) is syndicated word for word by Pan-African Wire (2/2) and with a new headline by Le
Réveil du Faso (1/2); the Boulkessi attack is reported in French by Sahel Matin (2/2) and in English by Sahel
Monitor (1/2). The tests run in file order and build on each other:

1. both partitions run at once: they fetch at the same time, the writer slot is never held by two at once;
2. the database then holds what demo/expected.yaml says one run over all feeds gives: every entry once, the copies
   marked duplicate_of, one event per incident with all its sources, nothing extracted twice;
3. a worker is SIGKILLed (its process group and its flow run) while its run fetches; the other partition's run
   completes meanwhile without touching the live run's row; after the next run nothing is lost or doubled.
"""

from __future__ import annotations

import shutil
import signal
import time
from collections import defaultdict
from datetime import datetime
from pathlib import Path

import pytest
import workers_cluster as cluster
import yaml

from flows.replay import ReplayServer, load_behaviour
from tasks.partition import feed_partition

MISSING = cluster.missing()
pytestmark = [pytest.mark.slow, pytest.mark.skipif(MISSING is not None, reason=MISSING or "")]

DEMO = cluster.ROOT / "demo"
EXPECTED = yaml.safe_load((DEMO / "expected.yaml").read_text(encoding="utf-8"))
PAGE_DELAY = 0.3  # seconds per demo page (first request): each run fetches for a few seconds
SLOW_DELAY = 3.0  # seconds per page of the killed run's feed (first request): it is still fetching when killed
SLOW_PAGES = 10
TEXT = ("Des hommes armés ont attaqué {day} le poste de gendarmerie de {place}, dans le nord du Burkina Faso, "
        "selon des sources sécuritaires. {n} gendarmes ont été tués et plusieurs autres blessés. Les assaillants "
        "ont emporté des armes et des motos avant de se replier vers la frontière. Aucune revendication n'a été "
        "faite. La localité avait déjà été visée il y a {n} mois. ")
PLACES = ["Djibo", "Arbinda", "Gorom-Gorom", "Sebba", "Titao", "Diapaga", "Kantchari", "Barsalogho", "Kaya",
          "Dori", "Tougan"]


class TimedReplay(ReplayServer):
    """The replay server, noting when each path was asked for."""

    def __init__(self, root: Path, behaviour: dict):
        super().__init__(root, behaviour=behaviour)
        self.requests: list[tuple[float, str]] = []

    def count_request(self, path: str) -> int:
        self.requests.append((time.time(), path))
        return super().count_request(path)


def extra_feed_name(partition: int) -> str:
    """A feed name that falls in `partition` of 2 (one new feed per partition for the kill test)."""
    return next(n for n in (f"Wire {c}" for c in "ABCDEFGH") if feed_partition(n, 2) == partition)


def rss(items: list[tuple[str, str]]) -> str:
    body = "".join(f"<item><title>{t}</title><link>{{{{BASE}}}}{p}</link><guid>{p}</guid>"
                   f"<pubDate>Thu, 26 Nov 2026 0{n % 10}:00:00 GMT</pubDate></item>" for n, (t, p) in enumerate(items))
    return f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>w</title>{body}</channel></rss>"


def page(title: str, text: str) -> str:
    return (f"<html><head><title>{title}</title><meta name='date' content='2026-11-26'></head><body><article>"
            f"<h1>{title}</h1><p>{text}</p></article></body></html>")


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("workers")


@pytest.fixture(scope="module")
def site(workdir: Path):
    root = workdir / "site"
    shutil.copytree(DEMO / "site", root)
    for part in (1, 2):
        (root / "feeds" / f"wire-{part}.xml").write_text(rss([]), encoding="utf-8")
    behaviour = load_behaviour(root)
    for path in root.rglob("*.html"):
        behaviour.setdefault("/" + str(path.relative_to(root)), {"delay": PAGE_DELAY, "times": 1})
    # the first-published report of the syndicated story comes in last: a later copy, in the other partition,
    # is stored first, and the first report and its exact copy must still end on one first copy
    behaviour[EXPECTED["incidents"]["boni-bus-ied"][0]] = {"delay": 8 * PAGE_DELAY, "times": 1}
    with TimedReplay(root, behaviour) as server:
        yield server


@pytest.fixture(scope="module")
def feeds(workdir: Path) -> Path:
    text = (DEMO / "feeds.yaml").read_text(encoding="utf-8")
    for part in (1, 2):
        text += f"  - name: {extra_feed_name(part)}\n    url: \"{{{{BASE}}}}/feeds/wire-{part}.xml\"\n"
    path = workdir / "feeds.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def db(workdir: Path) -> Path:
    return workdir / "data" / "sahelwatch.duckdb"


@pytest.fixture(scope="module")
def deployed(workdir, site, feeds, db):
    """PostgreSQL, the server, the limit and pool, both deployments and two workers; all stopped at the end."""
    with cluster.postgres() as database, cluster.prefect_server(workdir, database) as api_url:
        cluster.setup_pool(api_url, workdir, slots=2)
        names = cluster.deploy_partitions(api_url, workdir, 2, {
            "feeds": str(feeds), "db": str(db), "base_url": site.url, "allow_hosts": ["127.0.0.1"],
            "report_since": "all"})
        workers = {name: cluster.start_worker(api_url, workdir, name) for name in ("worker-1", "worker-2")}
        try:
            yield api_url, names, workers
        finally:
            for proc in workers.values():
                cluster.kill_group(proc)


def rows(db: Path, sql: str, params=None) -> list[tuple]:
    """A read of the pipeline's file, in the writer slot like every other open of it."""
    from storage.db import connect, slot_lock

    with slot_lock(db), connect(db, read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def partition_of_path(path: str) -> int:
    outlet = {"sahel-matin": "Sahel Matin", "sahel-monitor": "Sahel Monitor", "panafrica-wire": "Pan-African Wire",
              "reveil-faso": "Le Réveil du Faso"}[path.strip("/").split("/")[0]]
    return feed_partition(outlet, 2)


def overlapping(spans: list[tuple]) -> list[tuple]:
    spans = sorted(spans)
    return [(a, b) for a, b in zip(spans, spans[1:], strict=False) if b[0] < a[1]]


def test_the_fixture_puts_the_hard_cases_across_the_two_partitions():
    copies = [p for p, a in EXPECTED["articles"].items() if a.get("duplicate_of")]
    firsts = {EXPECTED["articles"][p]["duplicate_of"] for p in copies}
    assert {partition_of_path(p) for p in copies + list(firsts)} == {1, 2}, "a syndicated copy in each partition"
    boulkessi = EXPECTED["incidents"]["boulkessi-attack"]
    assert {partition_of_path(p) for p in boulkessi} == {1, 2}, "the incident reported from both partitions"


def test_two_workers_fetch_at_once_and_hold_the_writer_slot_one_at_a_time(deployed, site):
    api_url, names, _ = deployed
    runs = [cluster.trigger(api_url, name) for name in names]
    finals = [cluster.wait_final(api_url, run, 120) for run in runs]
    assert [f["state_type"] for f in finals] == ["COMPLETED", "COMPLETED"], [f["state"] for f in finals]
    assert overlapping([(f["start_time"], f["end_time"]) for f in finals]), "the two runs ran at the same time"

    fetched = defaultdict(list)
    for at, path in site.requests:
        if path.endswith(".html") and "/2026/" in path:
            fetched[partition_of_path(path)].append(at)
    spans = [(min(times), max(times)) for times in fetched.values()]
    assert len(spans) == 2 and overlapping(spans), f"each partition fetched its pages while the other did: {spans}"

    holds = cluster.wait_until(lambda: (h := cluster.slot_holds(api_url)) and {r for *_, r in h} >= set(runs) and h,
                               30, "the writer slot's acquired/released events of both runs")
    assert not overlapping([(a, b) for a, b, _ in holds]), f"two runs held the writer slot at once: {holds}"
    for run, part in zip(runs, (1, 2), strict=True):  # never held across fetching: none while its own pages came in
        start, end = min(fetched[part]), max(fetched[part])
        inside = [h for h in holds if h[2] == run and start < stamp(h[0]) and stamp(h[1]) < end]
        assert not inside, f"partition {part} held the writer slot while fetching its pages: {inside}"


def stamp(iso: str) -> float:
    return datetime.fromisoformat(iso).timestamp()


PATH = "regexp_replace(canonical_url, '^https?://[^/]+', '')"  # an article's page path, as in demo/expected.yaml


def url_keys(db: Path, paths: list[str]) -> list[str]:
    got = dict(rows(db, f"SELECT {PATH}, url_key FROM articles"))
    return [got[p] for p in paths]


def test_the_database_holds_every_entry_once_and_one_event_per_incident(deployed, db):
    totals = EXPECTED["totals"]
    assert rows(db, "SELECT count(*), count(DISTINCT url_key) FROM articles") == [(totals["articles"],) * 2]
    page_skips = rows(db, "SELECT regexp_replace(url, '^https?://[^/]+', ''), reason FROM skips WHERE stage <> 'feed'")
    assert sorted(page_skips) == sorted((p, s["reason"]) for p, s in EXPECTED["skips"].items())
    stored = {p for (p,) in rows(db, f"SELECT {PATH} FROM articles")}
    assert stored == set(EXPECTED["articles"]) and not stored & set(EXPECTED["skips"]), "every entry stored once"

    # the syndicated story: one first copy, the others pointing at it. Which one is first is whichever run
    # stored it first (one run over all feeds takes the first feed's: the earliest published, demo/expected.yaml)
    story = {p for p, a in EXPECTED["articles"].items() if a.get("duplicate_of")}
    story |= {EXPECTED["articles"][p]["duplicate_of"] for p in story}
    copies = dict(rows(db, f"SELECT {PATH}, duplicate_of FROM articles WHERE url_key IN (SELECT unnest(?))",
                       [url_keys(db, sorted(story))]))
    firsts = [p for p, of in copies.items() if of is None]
    assert len(firsts) == 1 and {of for of in copies.values() if of} == set(url_keys(db, firsts)), copies

    for name, paths in EXPECTED["incidents"].items():
        links = rows(db, "SELECT event_id, url_key FROM event_articles WHERE url_key IN (SELECT unnest(?))",
                     [url_keys(db, paths)])
        assert len({e for e, _ in links}) == 1, f"{name}: one event for all its reports, got {links}"
        assert {k for _, k in links} == set(url_keys(db, paths)), f"{name}: every report is a source of it"
    assert rows(db, "SELECT count(*) FROM events") == [(25,)], "one event per incident, as one run gives"

    assert rows(db, "SELECT count(*), count(DISTINCT url_key) FROM extractions") == [(totals["articles"],) * 2]
    for table, key in (("event_articles", "event_id, url_key"), ("event_evidence", "event_id, url_key, field")):
        assert rows(db, f"SELECT count(*) FROM (SELECT {key} FROM {table} GROUP BY ALL HAVING count(*) > 1)") == [(0,)]
    assert rows(db, "SELECT status, feed_partition FROM runs ORDER BY 2") == [("completed", "1/2"), ("completed", "2/2")]
    assert rows(db, "SELECT count(*) FROM extraction_claims") == [(0,)]
    assert not list((db.parent / "spool").rglob("*.json")), "nothing left in a spool"


def publish_second_round(site: TimedReplay) -> dict[int, list[str]]:
    """New stories in the two extra feeds: SLOW_PAGES slow ones for partition 1, three for partition 2."""
    root, paths = Path(site.root), {}
    for part, count in ((1, SLOW_PAGES), (2, 3)):
        items = []
        for n in range(count):
            place = PLACES[(n + part * 5) % len(PLACES)]
            path = f"/wire-{part}/2026/11/attaque-{n}-{part}.html"
            text = TEXT.format(day="mercredi" if part == 1 else "jeudi", place=place, n=n + 2 + part * 10) * (n + 1)
            (root / path.lstrip("/")).parent.mkdir(parents=True, exist_ok=True)
            (root / path.lstrip("/")).write_text(page(f"Attaque à {place} ({part}-{n})", text), encoding="utf-8")
            items.append((f"Attaque à {place}", path))
            if part == 1:
                site.behaviour[path] = {"delay": SLOW_DELAY, "times": 1}
        (root / "feeds" / f"wire-{part}.xml").write_text(rss(items), encoding="utf-8")
        paths[part] = [p for _, p in items]
    return paths


def flow_run_worker(api_url: str, run_id: str, workers: dict) -> str:
    """The name of the worker whose process tree runs the flow run."""
    def found():
        info = cluster.api(api_url, "GET", f"/flow_runs/{run_id}").get("infrastructure_pid") or ""
        pid = int(info.rsplit(":", 1)[-1]) if info else None
        return pid and next((n for n, w in workers.items() if pid in cluster.descendants(w.pid)), None)

    return cluster.wait_until(found, 30, f"the worker of flow run {run_id}")


def test_a_worker_killed_mid_run_loses_nothing_after_the_next_run(deployed, site, db, workdir):
    from storage.db import partition_lock_path, writer_lock

    api_url, names, workers = deployed
    new = publish_second_round(site)
    slow, other = cluster.trigger(api_url, names[0]), cluster.trigger(api_url, names[1])
    cluster.wait_until(lambda: any(p in new[1] for _, p in site.requests), 60, "partition 1 fetching its slow pages")
    done = cluster.wait_final(api_url, other, 60)
    assert done["state_type"] == "COMPLETED", done["state"]
    assert cluster.api(api_url, "GET", f"/flow_runs/{slow}")["state_type"] == "RUNNING", "still fetching"
    assert rows(db, "SELECT status FROM runs WHERE run_id = ?", [slow]) == [("running",)], \
        "the other partition's run left the live run alone"

    victim = flow_run_worker(api_url, slow, workers)
    cluster.kill_group(workers.pop(victim), signal.SIGKILL)
    with writer_lock(db, "test", share="1-of-2"):  # the kernel freed the killed run's locks
        assert partition_lock_path(db, "1-of-2").exists()
    asked = {p for _, p in site.requests if p in new[1]}
    assert 0 < len(asked) < len(new[1]), f"killed mid-fetch: {len(asked)} of {len(new[1])} slow pages asked for"

    # the dead run stays Running in Prefect (nobody is left to report): mark it, as the runbook says
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings
    from prefect.states import Crashed

    with temporary_settings({PREFECT_API_URL: api_url}), get_client(sync_client=True) as client:
        client.set_flow_run_state(slow, Crashed(message="worker killed"), force=True)
    for path in new[1]:
        site.behaviour.pop(path, None)
    workers["worker-3"] = cluster.start_worker(api_url, workdir, "worker-3")
    again = cluster.wait_final(api_url, cluster.trigger(api_url, names[0]), 90)
    assert again["state_type"] == "COMPLETED", again["state"]

    assert rows(db, "SELECT status, summary->>'error' FROM runs WHERE run_id = ?", [slow]) == [
        ("failed", "interrupted: the run ended without recording its end")]
    assert sorted(rows(db, "SELECT status FROM runs")) == [("completed",)] * 4 + [("failed",)]
    stored = rows(db, f"SELECT {PATH} FROM articles WHERE feed LIKE 'Wire %'")
    assert sorted(p for (p,) in stored) == sorted(new[1] + new[2]), "every new entry stored, once"
    total = EXPECTED["totals"]["articles"] + len(new[1]) + len(new[2])
    assert rows(db, "SELECT count(*), count(DISTINCT url_key) FROM articles") == [(total, total)]
    assert rows(db, "SELECT count(*), count(DISTINCT url_key) FROM extractions") == [(total, total)]
    for table, key in (("event_articles", "event_id, url_key"), ("event_evidence", "event_id, url_key, field")):
        assert rows(db, f"SELECT count(*) FROM (SELECT {key} FROM {table} GROUP BY ALL HAVING count(*) > 1)") == [(0,)]
    assert rows(db, "SELECT count(*) FROM extraction_claims") == [(0,)]
    assert not list((db.parent / "spool").rglob("*.json")), "nothing left in a spool"
