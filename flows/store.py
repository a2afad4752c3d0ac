"""The ingest flow's write path: the spool first, then one short connection that dedupes and writes.

    chunk rows → write_spool (deduped: false) → open DB → dedupe against history → rewrite the spool
               (deduped: true) → fingerprints → articles, skips, feeds in one transaction → drop the spool

Nothing touches the database before the chunk is on disk, so a lock taken at any step (dedupe included) loses
nothing: the next run finds the spool and writes it first, deduping it then if this run never got that far.
A spool whose dedupe verdict was recorded is written as it is, so a crash between the fingerprints and the
articles can never make an article find itself and lose its `duplicate_of`.

A partitioned run (flows/writer.py) opens the database inside the writer slot and spools under its own folder
(`spool/1-of-2/`): it writes only its own partition's spools, never one another run is writing. A whole-database
run writes every spool, those that partitioned runs left included.
"""

from __future__ import annotations

from dataclasses import fields, replace

from flows.writer import session
from storage.db import DatabaseLocked, StorageError
from storage.fingerprints import find_near_duplicates, store_fingerprints
from storage.ingest import copied_articles, known_hashes, save_batch
from storage.spool import pending_spools, write_spool
from tasks.dedupe import first_copies, mark_exact_duplicates, mark_near_duplicates
from tasks.models import Article
from tasks.settings import Settings

_ARTICLE_FIELDS = {f.name for f in fields(Article)}


class Spooled(StorageError):
    """The database could not be written; the rows wait in the spool for the next run."""


def flush_spools(settings: Settings) -> int:
    """Write what earlier runs fetched but could not store; return how many spools were written."""
    written = 0
    for path, payload in pending_spools(settings.spool_dir, nested=settings.partition is None):
        save_payload(replace(settings, spool_dir=path.parent), path.stem, payload)
        path.unlink(missing_ok=True)
        written += 1
    return written


def dedupe_rows(con, rows: list[dict], signatures: list) -> list[dict]:
    """Article rows with `duplicate_of`/`similarity` set against the stored history (exact, then near copies)."""
    articles = [Article(**{k: v for k, v in row.items() if k in _ARTICLE_FIELDS}) for row in rows]
    articles = mark_exact_duplicates(articles, known_hashes(con, [a.content_hash for a in articles]))
    fresh = [tuple(item) for item, a in zip(signatures, articles, strict=True) if a.duplicate_of is None]
    articles = mark_near_duplicates(articles, find_near_duplicates(con, fresh))
    articles = first_copies(articles, copied_articles(con, sorted({a.duplicate_of for a in articles if a.duplicate_of})))
    return [
        {**row, "duplicate_of": a.duplicate_of, "similarity": a.similarity}
        for row, a in zip(rows, articles, strict=True)
    ]


def save_payload(settings: Settings, name: str, payload: dict) -> dict:
    """Dedupe the payload's articles unless the spool says it was done, then fingerprints first and feeds,
    articles and skips in one transaction: every write is idempotent. Returns the payload as written."""
    with session(settings) as con:
        if not payload.get("deduped", True):
            payload = {
                **payload,
                "articles": dedupe_rows(con, payload["articles"], payload["fingerprints"]),
                "deduped": True,
            }
            write_spool(settings.spool_dir, name, payload)
        store_fingerprints(con, [tuple(item) for item in payload.get("fingerprints", [])])
        save_batch(con, payload["feeds"], payload["articles"], payload["skips"])
    return payload


def store_payload(settings: Settings, name: str, payload: dict) -> dict:
    """Spool the rows, dedupe and write them, then drop the spool. If the database stays locked, the error
    says the rows are kept and the spool remains for the next run."""
    spool = write_spool(settings.spool_dir, name, payload)
    try:
        written = save_payload(settings, name, payload)
    except DatabaseLocked as exc:
        raise Spooled(
            f"{exc}; nothing was lost: this run's fetched work is kept in {spool.parent} and written by the next run"
        ) from None
    spool.unlink(missing_ok=True)
    return written
