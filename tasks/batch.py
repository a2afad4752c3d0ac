"""The CPU work of one fetched batch, as a pool worker runs it: clean text, language, dedupe fingerprints.

No Prefect here (its task is `flows.pipeline.clean_batch_task`): a worker imports only the stages it runs,
~70 MB less per worker than importing the flow's modules.
"""

from __future__ import annotations

from tasks.clean import to_article
from tasks.dedupe import fingerprint
from tasks.fingerprint import Fingerprint
from tasks.language import with_language
from tasks.models import Article, Entry, Page, Skip

Cleaned = tuple[list[Article], list[Skip], list[Fingerprint]]


def clean_batch(entries: list[Entry], fetched: list[Page | Skip]) -> Cleaned:
    """Articles (clean text, language, content hash), skips and MinHash signatures of one fetched batch. Pure:
    runs inline or in a worker."""
    articles, skips, signatures = [], [], []
    for entry, item in zip(entries, fetched, strict=True):
        article, skip = to_article(entry, item)
        if article:
            article, sig = fingerprint(with_language(article))
            articles.append(article)
            signatures.append(sig)
        skips += [skip] if skip else []
    return articles, skips, signatures
