"""Dedupe stage: exact copies by a hash of the normalised text, `duplicate_of` pointing at the first copy.

The URL check (an article's key is the hash of its canonical URL) happens before any page is fetched, in the flow;
near-duplicates (syndicated copies with edits) are found by MinHash in `tasks.fingerprint`.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import replace

from tasks.models import Article

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def normalise_text(text: str) -> str:
    """Case, accents, punctuation and spacing folded, so trivial re-formatting still hashes the same."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return " ".join(_NON_WORD.sub(" ", folded).split())


def content_hash(text: str) -> str:
    return hashlib.sha1(normalise_text(text).encode("utf-8")).hexdigest()


def mark_exact_duplicates(articles: list[Article], known: dict[str, str]) -> list[Article]:
    """Each article with its content hash and, when an earlier article (stored or earlier in the batch) has the
    same hash, `duplicate_of` that article's key. `known` maps content hashes to stored url_keys."""
    first = dict(known)
    out = []
    for article in articles:
        digest = content_hash(article.text)
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
