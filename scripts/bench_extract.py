"""Extraction speed over the shared dev set: median and p95 per article, after warm-up.

    python scripts/bench_extract.py [path/to/articles.jsonl]

Dictionaries and the gazetteer load once (during warm-up), as in a long-running flow. Goal: median ≤ 20 ms.

Then time against text length: the articles joined into texts of 10 kB to 1 MB (after one article that makes the
text a security story), to show the cost grows linearly (µs per character roughly flat), so the flow's
per-article budget (`extract_budget`) is only hit by pages far beyond any news article.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

from tasks.extract import extract

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev.jsonl"


def main(argv: list[str]) -> int:
    path = Path(argv[1]) if len(argv) > 1 else DEFAULT
    articles = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for a in articles[:5]:  # warm-up: loads gazetteer, actors, text2num, langdetect
        extract(a["title"], a["text"], a.get("published"), a.get("language"))
    timings = []
    for a in articles:
        start = time.perf_counter()
        extract(a["title"], a["text"], a.get("published"), a.get("language"))
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    p95 = timings[min(len(timings) - 1, int(round(0.95 * len(timings))) - 1)]
    print(
        f"articles={len(timings)} median_ms={statistics.median(timings):.1f} p95_ms={p95:.1f} max_ms={timings[-1]:.1f}"
    )
    _by_length(articles)
    return 0


def _by_length(articles: list[dict]) -> None:
    head = next(a for a in articles if a.get("events"))
    pool = "\n\n".join(a["text"] for a in articles)
    first = None
    for size in (10_000, 100_000, 1_000_000):
        text = head["text"] + "\n\n" + (pool * (size // len(pool) + 1))[:size]
        start = time.perf_counter()
        result = extract(head["title"], text, head.get("published"), head.get("language"))
        ms = (time.perf_counter() - start) * 1000
        per_char = ms * 1000 / len(text)
        first = first or per_char
        print(
            f"chars={len(text)} ms={ms:.0f} us_per_char={per_char:.1f} ratio_to_10k={per_char / first:.2f} "
            f"events={len(result.events)}"
        )


if __name__ == "__main__":
    sys.exit(main(sys.argv))
