"""The ingest benchmark: throughput, no-op rerun, peak memory and per-stage times, over a local web.

    python scripts/bench_flow.py                 # everything (about 10 minutes on 2 cores)
    python scripts/bench_flow.py --skip-memory   # without the 10,000-article memory run

What it serves (`python -m flows.replay` on 127.0.0.1, in its own process as a real web server would be): the 181 real pages of the scrapinghub article-extraction
benchmark (../shared/corpus/html/…), each replicated under several URLs to reach --pages, behind generated RSS
feeds of 100 items; for the memory run, generated pages with unique text. It prints, in one run:

1. whole-flow throughput (the real `ingest` flow: Prefect, DuckDB, dedupe, events) against a bare
   single-threaded loop over the same libraries (httpx + trafilatura + langdetect + tasks.extract, no Prefect, no
   DuckDB), and their ratio. Exact copies are extracted once in both (the flow marks them `duplicate_of`);
2. a no-op rerun over 100 feeds: pages fetched, feeds answered 304, wall time (Prefect already started);
3. the peak RSS of a 10,000-article run (the flow process, and the largest worker process);
4. the time of each stage in the bare loop and of each phase of the flow.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import random
import re
import resource
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CORPUS = ROOT.parent / "shared" / "corpus" / "html" / "scrapinghub-article-extraction-benchmark" / "html"
ITEMS_PER_FEED = 100
NOOP_RERUNS = 3  # the no-op rerun is timed this many times; the median is reported
PEAK_RSS_AFTER: dict[str, float] = {}  # phase of the flow -> peak RSS (MB) of this process when it ended


# --- the local web ---------------------------------------------------------------------------------------------


def write_feeds(site: Path, paths: list[str], prefix: str, per_feed: int = ITEMS_PER_FEED) -> list[str]:
    """RSS feeds of `per_feed` items over the page paths; returns the feed paths."""
    (site / "feeds").mkdir(parents=True, exist_ok=True)
    feeds = []
    for n in range(0, len(paths), per_feed):
        items = "".join(f"<item><title>Item {i}</title><link>{{{{BASE}}}}{p}</link><guid>{p}</guid>"
                        f"<pubDate>Fri, 20 Nov 2026 08:00:00 GMT</pubDate></item>"
                        for i, p in enumerate(paths[n : n + per_feed]))
        name = f"/feeds/{prefix}{n // per_feed:03d}.xml"
        (site / name.lstrip("/")).write_text(f"<?xml version='1.0'?><rss version='2.0'><channel><title>{name}"
                                             f"</title>{items}</channel></rss>", encoding="utf-8")
        feeds.append(name)
    return feeds


def corpus_site(site: Path, pages: int) -> list[str]:
    """The real pages, replicated under /r{n}/ until there are `pages` of them; returns their paths."""
    sources = sorted(CORPUS.glob("*.html.gz"))
    if not sources:
        sys.exit(f"corpus not found at {CORPUS}")
    paths = []
    for rep in range(-(-pages // len(sources))):
        (site / f"r{rep}").mkdir(parents=True, exist_ok=True)
        for src in sources:
            name = f"r{rep}/{src.name.removesuffix('.gz')}"
            (site / name).write_bytes(gzip.decompress(src.read_bytes()))
            paths.append("/" + name)
    (site / "robots.txt").write_text("User-agent: *\nAllow: /\n", encoding="utf-8")
    return paths[:pages]


WORDS = ["armée", "attaque", "village", "soldats", "civils", "marché", "route", "convoi", "région", "frontière", "nord", "est", "ouest", "sud", "mercredi", "jeudi", "samedi", "hommes", "armés", "poste", "militaire", "bilan", "blessés", "tués", "selon", "source", "locale", "sécuritaire", "autorités", "population", "déplacés", "école", "santé", "pluie", "récolte", "prix", "élection", "gouvernement", "ministre"]
PLACES = ("Djibo", "Boulkessi", "Ménaka", "Tillabéri", "Diffa", "Gao", "Mopti", "Kaya", "Dori", "Tombouctou")


def generated_site(site: Path, count: int) -> list[str]:
    """`count` small article pages, each with its own text (no two alike); returns their paths."""
    rng = random.Random(11)
    (site / "g").mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        sentences = [f"{rng.choice(PLACES)} : " + " ".join(rng.choice(WORDS) for _ in range(18)) + f" ({n}-{k})."
                     for k in range(12)]
        html = (f"<html><head><title>Dépêche {n}</title></head><body><nav>Accueil</nav><article><h1>Dépêche {n}"
                f"</h1>{''.join(f'<p>{s}</p>' for s in sentences)}</article><footer>Partager</footer></body></html>")
        (site / "g" / f"{n}.html").write_text(html, encoding="utf-8")
        paths.append(f"/g/{n}.html")
    (site / "robots.txt").write_text("User-agent: *\nAllow: /\n", encoding="utf-8")
    return paths


def feeds_file(path: Path, base: str, feeds: list[str]) -> Path:
    path.write_text("feeds:\n" + "".join(f"  - name: {f}\n    url: {base}{f}\n" for f in feeds), encoding="utf-8")
    return path


@contextmanager
def replay_process(site: Path):
    """The replay server in its own process, yielding (base URL, a function counting the requests of each path
    since the last call). In the benchmark's own process its threads would compete with the flow's for the GIL:
    100 conditional GETs took 1.0 s with the server in-process and 0.08 s with it in another process."""
    import httpx

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = site.parent / f"{site.name}-access.log"
    with log.open("w", encoding="utf-8") as out:
        proc = subprocess.Popen([sys.executable, "-m", "flows.replay", str(site), "--port", str(port)], cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=out)
    base = f"http://127.0.0.1:{port}"
    read = [0]

    def requests_since() -> Counter:
        """Requests per path logged since the last call (the server logs one line per request)."""
        with log.open(encoding="utf-8") as f:
            f.seek(read[0])
            lines = f.read()
            read[0] = f.tell()
        return Counter(m.group(1) for m in re.finditer(r'"(?:GET|HEAD) (\S+) HTTP', lines))

    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(base + "/robots.txt", timeout=1).raise_for_status()
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    sys.exit(f"replay server did not start: {log.read_text()[-2000:]}")
                time.sleep(0.1)
        yield base, requests_since
    finally:
        proc.terminate()
        proc.wait(10)


# --- the bare loop ---------------------------------------------------------------------------------------------


def bare_loop(base: str, paths: list[str]) -> dict:
    """Fetch, trafilatura, langdetect and extraction, one page after the other, timed per stage."""
    import httpx
    import trafilatura

    from tasks.clean import _DATE_PARAMS
    from tasks.dedupe import content_hash
    from tasks.language import detect_language

    try:
        from tasks.extract import extract
    except ImportError:
        extract = None
    stages: dict[str, float] = defaultdict(float)
    seen: set[str] = set()
    started = time.perf_counter()
    with httpx.Client(timeout=30) as client:
        for path in paths:
            t0 = time.perf_counter()
            html = client.get(base + path).text
            t1 = time.perf_counter()
            doc = trafilatura.bare_extraction(html, url=base + path, with_metadata=True, include_comments=False,
                                              include_tables=False, date_extraction_params=_DATE_PARAMS)
            text, title = ((doc.text or ""), (doc.title or "")) if doc is not None else ("", "")
            t2 = time.perf_counter()
            lang, _ = detect_language(f"{title}\n{text}")
            t3 = time.perf_counter()
            digest = content_hash(text)
            if extract is not None and len(text) >= 150 and digest not in seen:
                seen.add(digest)
                extract(title, text, doc.date if doc is not None else None, lang)
            t4 = time.perf_counter()
            for name, a, b in (("fetch", t0, t1), ("trafilatura", t1, t2), ("langdetect", t2, t3),
                               ("extract", t3, t4)):
                stages[name] += b - a
    return {"seconds": time.perf_counter() - started, "stages": dict(stages), "extracted": len(seen)}


# --- the flow --------------------------------------------------------------------------------------------------



def proc_mb(pid: int | str, file: str, field: str) -> float | None:
    """A size field of /proc/PID/FILE ('status' VmHWM, 'smaps_rollup' Pss) in MB; None when the process is gone."""
    try:
        for line in Path(f"/proc/{pid}/{file}").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:  # the process ended between listing and reading
        pass
    return None


def peak_rss_mb() -> float:
    """This process's own peak RSS (VmHWM, reset at exec). ru_maxrss would carry the parent's peak across
    fork/exec and report the throughput run's size for the memory child."""
    peak = proc_mb("self", "status", "VmHWM")
    return peak if peak is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextmanager
def phase_timers():
    """Wall time of each phase of the flow, by wrapping the functions flows.ingest calls."""
    import flows.ingest as ingest_module

    timings: dict[str, float] = defaultdict(float)
    peaks = PEAK_RSS_AFTER
    names = ["flush_spools", "poll", "store_entries", "collect_entries", "store_payload", "store_events", "store_extractions",
             "send_alerts", "finish_run", "publish_artifacts"]
    originals = {n: getattr(ingest_module, n) for n in names if hasattr(ingest_module, n)}

    def timed(name, fn):
        if name == "poll_feeds_task":  # a Task: time the submits and results by wrapping .submit's futures
            return fn

        def wrapper(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                timings[name] += time.perf_counter() - t0
                peaks[name] = peak_rss_mb()

        return wrapper

    for name, fn in originals.items():
        setattr(ingest_module, name, timed(name, fn))
    try:
        yield timings
    finally:
        for name, fn in originals.items():
            setattr(ingest_module, name, fn)


def run_flow(feeds: Path, db: Path) -> tuple[dict, float, dict]:
    from flows.ingest import ingest

    with phase_timers() as timings:
        t0 = time.perf_counter()
        summary = ingest(feeds=str(feeds), db=str(db), allow_hosts=["127.0.0.1"])
        seconds = time.perf_counter() - t0
    return summary, seconds, dict(timings)


def warm_prefect() -> float:
    from prefect import flow

    @flow(name="bench-warm-up")
    def warm() -> int:
        return 1

    t0 = time.perf_counter()
    warm()
    return time.perf_counter() - t0


# --- the parts -------------------------------------------------------------------------------------------------


def throughput(work: Path, pages: int) -> dict:
    site = work / "site"
    paths = corpus_site(site, pages)
    feeds = write_feeds(site, paths, "c")
    with replay_process(site) as (base, _):
        bare = bare_loop(base, paths)
        summary, seconds, phases = run_flow(feeds_file(work / "feeds.yaml", base, feeds), work / "flow.duckdb")
    return {"pages": len(paths), "feeds": len(feeds), "bare_seconds": bare["seconds"], "bare_stages": bare["stages"],
            "bare_extracted": bare["extracted"], "flow_seconds": seconds, "flow_phases": phases,
            "flow_new_articles": summary["new_articles"], "flow_skips": summary["skips"],
            "flow_duplicates": summary["duplicates"], "flow_events_new": summary.get("events_new"),
            "bare_pages_per_s": len(paths) / bare["seconds"], "flow_pages_per_s": len(paths) / seconds,
            "ratio": bare["seconds"] / seconds, **overhead(seconds, phases, bare["seconds"])}


TOP_PHASES = ("flush_spools", "poll", "store_entries", "store_events", "send_alerts", "finish_run", "publish_artifacts")
OWN_PHASES = ("poll", "store_payload", "store_extractions", "send_alerts", "finish_run",
              "publish_artifacts")


def overhead(seconds: float, phases: dict, bare_seconds: float) -> dict:
    """What the flow adds to the work the bare loop also does (fetch, trafilatura, langdetect, extraction):
    the main thread's time in feed polling, dedupe, storage, alerts and artifacts, plus Prefect's own flow-run
    start and finish (flow time not inside any phase). Dedupe and storage of every chunk but the last overlap
    with the workers cleaning the next chunk, so this is an upper bound on the time they add.
    Also: how close the flow is to a perfect split of the bare loop's work over the CPUs."""
    own = sum(phases.get(name, 0.0) for name in OWN_PHASES)
    outside = max(0.0, seconds - sum(phases.get(name, 0.0) for name in TOP_PHASES))
    perfect = bare_seconds / (os.cpu_count() or 1)
    return {"overhead_seconds": own + outside, "overhead_share": (own + outside) / seconds,
            "perfect_split_seconds": perfect, "beyond_perfect_split_share": (seconds - perfect) / seconds}


def noop_rerun(work: Path, feeds_count: int) -> dict:
    from flows.demo import page_requests

    site = work / "noop"
    paths = generated_site(site, feeds_count * 5)
    feeds = write_feeds(site, paths, "n", per_feed=5)
    with replay_process(site) as (base, requests_since):
        spec = feeds_file(work / "noop.yaml", base, feeds)
        first, first_seconds, _ = run_flow(spec, work / "noop.duckdb")
        reruns = []
        for _ in range(NOOP_RERUNS):
            requests_since()
            again, seconds, phases = run_flow(spec, work / "noop.duckdb")
            time.sleep(0.2)  # the server's last log lines
            reruns.append((seconds, again, phases, page_requests(requests_since())))
    seconds, again, phases, pages = sorted(reruns, key=lambda r: r[0])[len(reruns) // 2]  # the median rerun
    return {"feeds": len(feeds), "first_run_articles": first["new_articles"], "first_run_seconds": first_seconds,
            "pages_fetched": pages, "feeds_304": again["feeds_not_modified"], "seconds": seconds, "phases": phases,
            "all_seconds": [r[0] for r in reruns], "all_pages_fetched": [r[3] for r in reruns]}


def memory_child(work: Path, count: int) -> dict:
    """In this (fresh) process: a flow run over `count` generated articles; peak RSS of this process and of the
    largest pool worker."""
    site = work / "mem"
    paths = generated_site(site, count)
    feeds = write_feeds(site, paths, "m")
    with replay_process(site) as (base, _), total_pss_sampler() as total:
        warm_prefect()
        summary, seconds, phases = run_flow(feeds_file(work / "mem.yaml", base, feeds), work / "mem.duckdb")
    return {"articles": summary["new_articles"], "seconds": seconds, "phases": phases, "peak_total_pss_mb": total[0],
            "peak_rss_after_phase_mb": dict(PEAK_RSS_AFTER),
            "peak_rss_mb": peak_rss_mb(),
            "largest_child_rss_mb": max(worker_peaks_mb(), default=0.0)}


@contextmanager
def total_pss_sampler(every: float = 0.1):
    """The largest sum of PSS of this process and its pool workers seen while the block runs (sampled every
    `every` seconds); yields a one-item list. PSS splits shared pages (the libraries every worker maps) between
    the processes, so the sum is the memory they use together."""
    import threading

    from tasks import parallel

    peak, stop = [0.0], threading.Event()

    def sample() -> None:
        while not stop.wait(every):
            try:
                workers = list(parallel._pool._processes) if parallel._pool else []
            except RuntimeError:  # the pool changed while being listed
                continue
            pss = [proc_mb(pid, "smaps_rollup", "Pss") for pid in ["self", *workers]]
            peak[0] = max(peak[0], sum(mb or 0.0 for mb in pss))

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield peak
    finally:
        stop.set()
        thread.join()


def worker_peaks_mb() -> list[float]:
    """Peak RSS (VmHWM) of each live pool worker; the replay server, also a child, is left out."""
    from tasks import parallel

    peaks = [proc_mb(pid, "status", "VmHWM") for pid in (parallel._pool._processes if parallel._pool else {})]
    return [mb for mb in peaks if mb is not None]


def machine() -> dict:
    free = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.strip()
    return {"nproc": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
            "free": free}


def report(result: dict) -> None:
    t, n, m = result.get("throughput"), result.get("noop"), result.get("memory")
    print(f"\nmachine: {result['machine']['nproc']} CPUs, Python {result['machine']['python']}")
    print(result["machine"]["free"])
    print(f"Prefect start-up (first flow of the process): {result['prefect_startup_s']:.1f} s")
    if t:
        print(f"\n1. throughput over {t['pages']} pages ({t['feeds']} feeds)")
        print(f"   bare loop : {t['bare_seconds']:7.1f} s  {t['bare_pages_per_s']:6.1f} pages/s")
        print(f"   flow      : {t['flow_seconds']:7.1f} s  {t['flow_pages_per_s']:6.1f} pages/s   "
              f"ratio {t['ratio']:.2f} (goal >= 1.6)")
        print(f"   flow stored {t['flow_new_articles']} articles ({t['flow_duplicates']} duplicates), "
              f"{t['flow_skips']} skips, {t['flow_events_new']} events; bare loop extracted {t['bare_extracted']}")
        print(f"   orchestration + storage: {t['overhead_seconds']:.1f} s = {t['overhead_share']:.0%} of the flow "
              f"(goal < 10 %); a perfect split of the bare loop over {result['machine']['nproc']} CPUs would take "
              f"{t['perfect_split_seconds']:.1f} s, the flow takes {t['beyond_perfect_split_share']:.0%} more")
        print("\n4. per-stage time, bare loop: " + ", ".join(f"{k} {v:.1f} s" for k, v in t["bare_stages"].items()))
        print("   per-phase time, flow:      " + ", ".join(f"{k} {v:.1f} s" for k, v in t["flow_phases"].items()))
    if n:
        print(f"\n2. no-op rerun over {n['feeds']} feeds: {n['pages_fetched']} pages fetched (goal 0), "
              f"{n['feeds_304']} feeds answered 304, {n['seconds']:.2f} s (goal < 2 s, Prefect already started; "
              f"median of {', '.join(f'{x:.2f}' for x in n['all_seconds'])} s)")
        print("   phases: " + ", ".join(f"{k} {v:.2f} s" for k, v in n["phases"].items()))
    if m:
        print(f"\n3. {m['articles']} articles in {m['seconds']:.0f} s: peak RSS {m['peak_rss_mb']:.0f} MB in the flow "
              f"process, {m['largest_child_rss_mb']:.0f} MB in the largest pool worker (goal <= 600 MB); "
              f"the flow process and its workers together: {m['peak_total_pss_mb']:.0f} MB (PSS)")
        print("   peak RSS when each phase ended: " + ", ".join(f"{k} {v:.0f} MB" for k, v in
                                                              m.get("peak_rss_after_phase_mb", {}).items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--noop-feeds", type=int, default=100)
    parser.add_argument("--memory-articles", type=int, default=10_000)
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--memory-child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"  # no telemetry: the benchmark talks to 127.0.0.1 only
    from prefect.testing.utilities import prefect_test_harness

    if args.memory_child:
        print(json.dumps(memory_child(Path(args.memory_child), args.memory_articles)))
        return
    result: dict = {"machine": machine()}
    with tempfile.TemporaryDirectory(prefix="sahelwatch-bench-") as tmp, prefect_test_harness(60):
        work = Path(tmp)
        result["prefect_startup_s"] = warm_prefect()
        if not args.skip_throughput:
            result["throughput"] = throughput(work, args.pages)
        result["noop"] = noop_rerun(work, args.noop_feeds)
        if not args.skip_memory:
            from prefect.settings import PREFECT_API_URL

            env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value()}  # the running server, no new start-up
            out = subprocess.run([sys.executable, __file__, "--memory-child", tmp, "--memory-articles",
                                  str(args.memory_articles)], capture_output=True, text=True, cwd=ROOT, env=env)
            if out.returncode != 0:
                sys.exit(out.stderr[-3000:])
            result["memory"] = json.loads(out.stdout.strip().splitlines()[-1])
    report(result)
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
