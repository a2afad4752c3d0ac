"""Dedupe stage: exact copies by a hash of the normalised text, `duplicate_of` pointing at the first copy.

The URL check (an article's key is the hash of its canonical URL) happens before any page is fetched, in the flow;
near-duplicates (syndicated copies with edits) are found by MinHash in `tasks.fingerprint`.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

from tasks.fingerprint import Fingerprint, signature
from tasks.models import Article
from tasks.text import fold


def content_hash(text: str) -> str:
    """sha1 of the folded text, so trivial re-formatting (case, accents, punctuation, spacing) hashes the same."""
    return hashlib.sha1(fold(text).encode("utf-8")).hexdigest()


def fingerprint(article: Article) -> tuple[Article, Fingerprint]:
    """The article with its content hash, and its MinHash signature: the CPU part of dedupe, done beside the
    cleaning (in a worker process), so the flow's own dedupe step is left with the history lookups."""
    return replace(article, content_hash=content_hash(article.text)), (article.url_key, signature(article.text))


def mark_exact_duplicates(articles: list[Article], known: dict[str, str]) -> list[Article]:
    """Each article with its content hash and, when an earlier article (stored or earlier in the batch) has the
    same hash, `duplicate_of` that article's key. `known` maps content hashes to stored url_keys."""
    first = dict(known)
    out = []
    for article in articles:
        digest = article.content_hash or content_hash(article.text)
        original = first.setdefault(digest, article.url_key)
        if original != article.url_key:
            article = replace(article, duplicate_of=original, similarity=1.0)
        out.append(replace(article, content_hash=digest))
    return out


def mark_near_duplicates(articles: list[Article], near: dict[str, tuple[str, float]]) -> list[Article]:
    """Articles with `duplicate_of`/`similarity` set from the near-duplicate verdicts (url_key → first copy)."""
    out = []
    for article in articles:
        if article.duplicate_of is None and article.url_key in near:
            original, score = near[article.url_key]
            article = replace(article, duplicate_of=original, similarity=round(score, 4))
        out.append(article)
    return out


def first_copies(articles: list[Article], stored: dict[str, str]) -> list[Article]:
    """Each duplicate pointed at the first copy of its story, never at another copy. A copy of a copy happens
    when the article it copies was itself found to copy one stored earlier (an exact copy of a story whose first
    report in this batch is a near copy of a stored one; with partitioned runs, whichever outlet's report is
    stored first); it would be credited on no event. `stored` maps stored duplicates to what they copy."""
    copies = {**stored, **{a.url_key: a.duplicate_of for a in articles if a.duplicate_of}}

    def root(key: str) -> str:
        seen = {key}
        while key in copies and copies[key] not in seen:
            key = copies[key]
            seen.add(key)
        return key

    def first(article: Article) -> str | None:
        found = root(article.duplicate_of) if article.duplicate_of else None
        return article.duplicate_of if found == article.url_key else found  # a cycle is left as it was

    return [replace(a, duplicate_of=first(a)) for a in articles]
