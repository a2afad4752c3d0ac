"""A backlog of stored articles for reprocess: the shared dev set's 68 articles (../shared/eval/dev.jsonl, read
when called, never copied here), each made into `count / 68` distinct variants, written to a real DuckDB file
through the storage functions. Used by tests/test_dask.py and scripts/bench_scale.py.

Variant k of an article: its lead paragraph, then its other n paragraphs from the (k mod n)-th on, cut to
`max_chars` at a sentence end, a closing line naming the variant (so no two texts are equal), published 7·k days later (so the
variants are different incidents, not one event with 30 sources), under its own URL.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared"
DEV = SHARED / "eval" / "dev.jsonl"
FETCHED = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def cut(text: str, max_chars: int) -> str:
    """`text` up to the last sentence end within max_chars (all of it when it is short enough)."""
    if len(text) <= max_chars:
        return text
    head = text[:max_chars]
    end = max(head.rfind(". "), head.rfind(".\n"))
    return head[: end + 1] if end > 0 else head


def variant(row: dict, k: int, max_chars: int) -> tuple[str, datetime | None]:
    """The text and publication time of variant k of a dev-set row."""
    lead, *others = [p for p in row["text"].split("\n\n") if p.strip()]
    turn = k % len(others) if others else 0
    text = cut("\n\n".join([lead, *others[turn:], *others[:turn]]), max_chars) + f"\n\n({row['source']}, {row['id']}/{k + 1})"
    published = datetime.fromisoformat(row["published"].replace("Z", "+00:00")) if row["published"] else None
    if published is not None and published.tzinfo is None:
        published = published.replace(tzinfo=UTC)
    return text, published + timedelta(days=7 * k) if published else None


def backlog_articles(count: int, max_chars: int = 700) -> list:
    """`count` Article objects: variant k = n // 68 of dev row n % 68."""
    from tasks.dedupe import content_hash
    from tasks.feeds import canonical_url, url_key
    from tasks.models import Article

    rows = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
    articles = []
    for n in range(count):
        row, k = rows[n % len(rows)], n // len(rows)
        text, published = variant(row, k, max_chars)
        url = canonical_url(f"{row['url']}?variant={k}")
        articles.append(Article(url_key=url_key(url), url=url, canonical_url=url, feed="backlog", title=row["title"],
                                text=text, text_source="page", published=published,
                                published_source="page" if published else "none", language=row["language"],
                                language_prob=0.99, content_hash=content_hash(text)))
    return articles


def build_backlog(path: Path, count: int = 2000, max_chars: int = 700) -> Path:
    """A DuckDB file holding `count` stored articles that no extractor has seen (what reprocess works through)."""
    from storage.db import connect
    from storage.ingest import article_row, save_batch
    from tasks.dedupe import mark_exact_duplicates

    articles = mark_exact_duplicates(backlog_articles(count, max_chars), {})
    assert not any(a.duplicate_of for a in articles), "the variants are distinct texts"
    with connect(path) as con:
        for start in range(0, len(articles), 500):
            chunk = articles[start : start + 500]
            save_batch(con, [], [article_row(a, "backlog", FETCHED + timedelta(seconds=start + n))
                                 for n, a in enumerate(chunk)], [])
    return path
