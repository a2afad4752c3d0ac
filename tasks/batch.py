"""The CPU work of one fetched batch, as a pool worker runs it: clean text, language, dedupe fingerprints.

No Prefect here (its task is `flows.pipeline.clean_batch_task`): a worker imports only the stages it runs,
~70 MB less per worker than importing the flow's modules.
"""

from __future__ import annotations

from tasks.clean import to_article
from tasks.dedupe import fingerprint
from tasks.fingerprint import Fingerprint
from tasks.isolate import guarded
from tasks.language import with_language
from tasks.models import Article, Entry, Page, Skip

Cleaned = tuple[list[Article], list[Skip], list[Fingerprint]]


def clean_entry(entry: Entry, fetched: Page | Skip) -> tuple[Article | None, Fingerprint | None, list[Skip]]:
    """One entry through clean, language and the dedupe fingerprint, each stage inside the isolation boundary:
    an exception in any of them is a skip of that stage for this entry, and the batch goes on."""
    cleaned = guarded("clean", entry.url, to_article, entry, fetched)
    if isinstance(cleaned, Skip):
        return None, None, [cleaned]
    article, skip = cleaned
    skips = [skip] if skip else []
    if article is None:
        return None, None, skips
    detected = guarded("language", entry.url, with_language, article)
    if isinstance(detected, Skip):
        return None, None, [*skips, detected]
    printed = guarded("dedupe", entry.url, fingerprint, detected)
    if isinstance(printed, Skip):
        return None, None, [*skips, printed]
    return printed[0], printed[1], skips


def clean_batch(entries: list[Entry], fetched: list[Page | Skip]) -> Cleaned:
    """Articles (clean text, language, content hash), skips and MinHash signatures of one fetched batch. Pure:
    runs inline or in a worker."""
    articles, skips, signatures = [], [], []
    for entry, item in zip(entries, fetched, strict=True):
        article, sig, bad = clean_entry(entry, item)
        if article is not None:
            articles.append(article)
            signatures.append(sig)
        skips += bad
    return articles, skips, signatures
