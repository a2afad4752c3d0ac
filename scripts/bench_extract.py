"""Extraction speed over the shared dev set: median and p95 per article, after warm-up.

    python scripts/bench_extract.py [path/to/articles.jsonl]

Dictionaries and the gazetteer load once (during warm-up), as in a long-running flow. Goal: median ≤ 20 ms.
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
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
