"""Crash safety: the ingest process is killed with SIGKILL at many points of a run, rerun, and the database must
end with exactly the rows of an uninterrupted run — nothing lost, nothing duplicated, no corrupt file.

Kill points are the `tasks.checkpoint.checkpoint` calls of the run (each feed polled, each page fetched, each
batch cleaned) plus, added by the driver below, one before and after every storage call of the flow and one
after every set-based insert inside a transaction. A driver process imports everything once and forks one
child per run (a fresh interpreter per run would cost seconds of imports); each child runs the real flow against
the session's Prefect server and a small fixture site served by this test, and SIGKILLs itself at its Nth point.
Every database read happens in a child too, so the driver never holds DuckDB threads when it forks.

Run the driver by hand with `python tests/test_crash.py CONFIG.json` (see `drive`).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # ~95 s: in CI on 3.11 only (.ci/run)
ROOT = Path(__file__).resolve().parents[1]
MAX_SCENARIOS = 23

TEXTS = {
    "a1": ("Attaque contre un poste militaire à Boulkessi",
           "Des hommes armés ont attaqué mercredi le poste militaire de Boulkessi, dans la région de Mopti au Mali, "
           "selon une source sécuritaire. Au moins douze soldats ont été tués et plusieurs autres blessés. "
           "L'attaque a été revendiquée par le JNIM dans la soirée. "),
    "a2": ("Enlèvement près de Djibo",
           "Quatre civils ont été enlevés lundi par des individus armés non identifiés près de Djibo, dans le nord du "
           "Burkina Faso, ont indiqué des sources locales. Les ravisseurs ont pris la direction de la frontière. "),
    "a3": ("Marché de Niamey", "Le prix du mil a baissé cette semaine sur les marchés de Niamey, au Niger, "
           "grâce à une bonne récolte et à l'arrivée de camions venus de Maradi et de Zinder. Les commerçants "
           "se disent satisfaits de la saison. "),
    "b1": ("Soldiers killed in ambush near Menaka",
           "Gunmen ambushed a military convoy near Menaka in eastern Mali on Tuesday, killing seven soldiers, "
           "security sources said. The Islamic State Sahel Province was blamed for the attack. "),
    "b2": ("Drone strike in Tillaberi", "A drone strike on Sunday killed several suspected militants in the "
           "Tillaberi region of Niger, near the border with Mali, the army said in a statement. "),
}


def build_site(root: Path) -> None:
    """Two feeds of five items: articles, a syndicated copy (b3 = a1), a dead link and a PDF."""
    for key, (title, text) in [*TEXTS.items(), ("b3", TEXTS["a1"])]:
        page = (f"<html><head><title>{title}</title><meta property='article:published_time' content='2026-11-20'>"
                f"</head><body><nav>Accueil | Politique</nav><article><h1>{title}</h1><p>{text * 3}</p>"
                f"</article><footer>Partager</footer></body></html>")
        (root / "news").mkdir(parents=True, exist_ok=True)
        (root / "news" / f"{key}.html").write_text(page, encoding="utf-8")
    (root / "news" / "report.pdf").write_bytes(b"%PDF-1.4 not a page")
    (root / "feeds").mkdir(exist_ok=True)
    for feed, keys in {"a": ["a1", "a2", "a3", "dead", "report"], "b": ["b1", "b2", "b3"]}.items():
        items = "".join(
            f"<item><title>{k}</title><link>{{{{BASE}}}}/news/{k}.{'pdf' if k == 'report' else 'html'}</link>"
            f"<pubDate>Fri, 20 Nov 2026 08:00:00 GMT</pubDate></item>" for k in keys)
        (root / "feeds" / f"{feed}.xml").write_text(
            f"<?xml version='1.0'?><rss version='2.0'><channel><title>{feed}</title>{items}</channel></rss>",
            encoding="utf-8")
    (root / "robots.txt").write_text("User-agent: *\nAllow: /\n", encoding="utf-8")


STATE_QUERIES = {
    "articles": "SELECT url_key, content_hash, language, duplicate_of, text_source FROM articles",
    "skips": "SELECT stage, url, reason FROM skips",
    # not last_status: a rerun after a crash that stored the feed state gets 304, the uninterrupted run 200
    "feeds": "SELECT url, etag, last_modified, last_error, bozo, consecutive_failures FROM feeds",
    "extractions": "SELECT url_key, extractor_version, relevant, events FROM extractions",
    "events": "SELECT event_id, version, event_type, country, event_date::VARCHAR, location, fatalities FROM events",
    "event_articles": "SELECT event_id, url_key, rank, role FROM event_articles",
    "event_versions": "SELECT event_id, version, url_key FROM event_versions",
    "fingerprints": "SELECT url_key FROM article_fingerprints",
    "bands": "SELECT band, band_hash FROM article_bands",
}


def dump_state(db: Path) -> dict:
    """Every compared table as a sorted list of rows (a multiset: a duplicated row shows twice)."""
    from storage.db import connect

    with connect(db, read_only=True) as con:
        return {name: sorted(json.loads(json.dumps(con.execute(sql).fetchall(), default=str)), key=repr)
                for name, sql in STATE_QUERIES.items()}


# --- the driver (runs in its own process) ------------------------------------------------------------------


def instrument() -> None:
    """Kill points around every storage call of the flow and after every insert inside a transaction."""
    import flows.ingest
    import flows.store
    import storage.events
    import storage.fingerprints
    import storage.ingest
    from tasks.checkpoint import checkpoint

    def around(module, name: str) -> None:
        inner = getattr(module, name)

        def wrapped(*args, **kwargs):
            checkpoint(f"before {module.__name__}.{name}")
            out = inner(*args, **kwargs)
            checkpoint(f"after {module.__name__}.{name}")
            return out

        setattr(module, name, wrapped)

    for name in ("flush_spools", "start_run", "finish_run", "store_events", "send_alerts", "publish_artifacts"):
        if hasattr(flows.ingest, name):
            around(flows.ingest, name)
    for name in ("write_spool", "save_payload", "dedupe_rows"):
        around(flows.store, name)
    for module in (storage.ingest, storage.events):
        around(module, "insert_records")  # inside save_batch's and _write's transactions
    for name in dir(storage.fingerprints):
        if name.startswith("store_"):
            around(storage.fingerprints, name)


def forked(fn, *args) -> int:
    """Run fn(*args) in a forked child; return its exit code, or -signal when it was killed."""
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            fn(*args)
        except BaseException as exc:  # noqa: BLE001 - reported through the exit code
            print(f"child failed: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
            code = 3
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    return -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)


def run_ingest(feeds: str, db: str, crash_at: int, log: str | None) -> None:
    from flows.ingest import ingest
    from tasks import checkpoint

    checkpoint.reset(crash_at, log)
    ingest(feeds=feeds, db=db, allow_hosts=["127.0.0.1"])


def write_state(db: Path, out: Path) -> None:
    out.write_text(json.dumps(dump_state(db)), encoding="utf-8")


def choose_points(names: list[str], limit: int) -> list[int]:
    """Up to `limit` kill points: the first of every distinct name, then evenly spread others."""
    firsts = sorted({name: n for n, name in reversed(list(enumerate(names, 1)))}.values())
    others = [n for n in range(1, len(names) + 1) if n not in firsts]
    room = max(0, limit - len(firsts))
    step = max(1, len(others) // room) if room else len(others) + 1
    return sorted(firsts + others[::step][:room])


def drive(config: dict) -> dict:
    """Reference run, then each scenario (crash at N, sometimes again at M during the recovery run, then a clean
    run) in a fresh database; returns the reference state, the kill points and each scenario's outcome."""
    import flows.ingest  # noqa: F401 - import everything before the first fork
    from tasks.extract import extract

    extract(TEXTS["a1"][0], TEXTS["a1"][1], "2026-11-20", "fr")  # gazetteer and actors loaded once, inherited
    instrument()
    work, feeds = Path(config["work"]), config["feeds"]
    log = work / "points.log"
    ref_db = work / "ref" / "db.duckdb"
    assert forked(run_ingest, feeds, str(ref_db), 0, str(log)) == 0, "reference run failed"
    names = [line.split("\t", 1)[1].strip() for line in log.read_text().splitlines()]
    forked(write_state, ref_db, work / "ref.json")
    points = choose_points(names, config.get("scenarios", MAX_SCENARIOS))
    write_side = [n for n in points if "insert_records" in names[n - 1] or "save_payload" in names[n - 1]]
    scenarios = [[n] for n in points] + [[n, 2] for n in write_side[-3:]]
    outcomes = []
    for i, crashes in enumerate(scenarios):
        db = work / f"s{i}" / "db.duckdb"
        codes = [forked(run_ingest, feeds, str(db), n, None) for n in crashes]
        codes.append(forked(run_ingest, feeds, str(db), 0, None))
        state_file = work / f"s{i}.json"
        dumped = forked(write_state, db, state_file)
        outcomes.append({"crashes": crashes, "names": [names[n - 1] for n in crashes[:1]], "codes": codes,
                         "dumped": dumped, "state": json.loads(state_file.read_text()) if dumped == 0 else None,
                         "leftovers": sorted(p.name for p in (db.parent / "spool").glob("*"))
                         if (db.parent / "spool").exists() else []})
    return {"names": names, "points": points, "reference": json.loads((work / "ref.json").read_text()),
            "outcomes": outcomes}


# --- the test ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def crash_runs(prefect_server, tmp_path_factory):
    from prefect.settings import PREFECT_API_URL

    from flows.replay import ReplayServer

    work = tmp_path_factory.mktemp("crash")
    build_site(work / "site")
    with ReplayServer(work / "site") as server:
        (work / "feeds.yaml").write_text(
            "feeds:\n" + "".join(f"  - name: {f}\n    url: {server.url}/feeds/{f}.xml\n" for f in ("a", "b")))
        config = work / "config.json"
        config.write_text(json.dumps({"work": str(work), "feeds": str(work / "feeds.yaml")}))
        env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value(), "PYTHONPATH": str(ROOT)}
        started = time.monotonic()
        out = subprocess.run([sys.executable, __file__, str(config)], capture_output=True, text=True, env=env,
                             timeout=400, cwd=ROOT)
    assert out.returncode == 0, out.stderr[-4000:]
    report = json.loads((work / "report.json").read_text())
    report["seconds"] = round(time.monotonic() - started, 1)
    return report


def test_reference_run_stores_articles_skips_and_events(crash_runs):
    ref = crash_runs["reference"]
    assert len(ref["articles"]) == 6 and sum(row[3] is not None for row in ref["articles"]) == 1
    assert {row[2] for row in ref["skips"]} == {"http_404", "not_html"}
    assert ref["events"], "the fixture site reports attacks: the run must extract events"


def test_at_least_twenty_distinct_kill_points_including_the_write_path(crash_runs):
    points, names = crash_runs["points"], crash_runs["names"]
    assert len(set(points)) >= 20, points
    killed_in = {names[n - 1] for n in points}
    assert any("insert_records" in name for name in killed_in), killed_in  # inside a transaction
    assert any("save_payload" in name for name in killed_in), killed_in


def test_every_crash_then_rerun_gives_exactly_the_uninterrupted_rows(crash_runs):
    ref = crash_runs["reference"]
    for outcome in crash_runs["outcomes"]:
        label = f"crash at {outcome['crashes']} ({outcome['names'][0]})"
        assert outcome["codes"][0] == -signal.SIGKILL, label
        assert outcome["codes"][-1] == 0, f"{label}: the rerun failed"
        assert outcome["dumped"] == 0, f"{label}: the database cannot be read after the crash"
        for table, rows in ref.items():
            assert outcome["state"][table] == rows, f"{label}: table {table} differs"
        assert not [name for name in outcome["leftovers"] if name.endswith((".json", ".bad"))], label


if __name__ == "__main__":
    cfg = json.loads(Path(sys.argv[1]).read_text())
    result = drive(cfg)
    (Path(cfg["work"]) / "report.json").write_text(json.dumps(result))
