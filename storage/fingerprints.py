"""Near-duplicate articles against all history: article_fingerprints (one signature per article, appended) and
article_bands (its LSH band hashes, appended; looked up with one hash join for a whole batch).

article_bands carries the integer fp_id, not the 40-character url_key: the band lookup reads every band hash
(32 per article, no index: an ART over 32M keys needs GBs), so a row is kept to 8 + 8 bytes and fp_id compresses
to almost nothing. Signatures are fetched only for the few candidate fp_ids.
"""

from __future__ import annotations

import numpy as np

from storage.db import transaction
from tasks.fingerprint import DUPLICATE_SIMILARITY, bands, similarity
from tasks.fingerprint import Fingerprint as Item


def _stored_candidates(con, items: list[Item]) -> dict[str, list[tuple[int, str, list[int]]] | None]:
    """url_key → stored articles sharing a band with it: (fp_id, url_key, signature), oldest first.

    An item already stored finds itself: it maps to None (it was judged when it arrived).
    """
    probe = [{"url_key": key, "band_hash": h} for key, sig in items for _, h in bands(sig)]
    if not probe:
        return {}
    hits = con.execute(
        "SELECT DISTINCT q.p.url_key, b.fp_id FROM article_bands b "
        "JOIN (SELECT unnest($probe::STRUCT(url_key VARCHAR, band_hash UBIGINT)[]) AS p) q "
        "ON b.band_hash = q.p.band_hash",
        {"probe": probe},
    ).fetchall()
    if not hits:
        return {}
    ids = sorted({fp_id for _, fp_id in hits})
    stored = {
        fp_id: (url_key, sig)
        for fp_id, url_key, sig in con.execute(
            "SELECT fp_id, url_key, signature FROM article_fingerprints WHERE fp_id = ANY($ids) "
            "AND fp_id BETWEEN $lo AND $hi",
            {"ids": ids, "lo": ids[0], "hi": ids[-1]},
        ).fetchall()
    }
    out: dict[str, list[tuple[int, str, list[int]]] | None] = {}
    for item_key, fp_id in sorted(hits, key=lambda h: h[1]):
        if fp_id in stored and stored[fp_id][0] == item_key:
            out[item_key] = None
        elif fp_id in stored and out.get(item_key, []) is not None:
            out.setdefault(item_key, []).append((fp_id, *stored[fp_id]))  # type: ignore[union-attr]
    return out


def _first_copy(sig: list[int], candidates: list[tuple[str, list[int]]], threshold: float) -> tuple[str, float] | None:
    """The first candidate (in arrival order) similar enough to be the copied article."""
    for key, other in candidates:
        sim = similarity(sig, other)
        if sim >= threshold:
            return key, sim
    return None


def find_near_duplicates(
    con, items: list[Item], threshold: float = DUPLICATE_SIMILARITY
) -> dict[str, tuple[str, float]]:
    """url_key → (url_key of the first copy, similarity) for items that copy a stored or earlier batch article."""
    stored = _stored_candidates(con, items)
    seen_bands: dict[tuple[int, int], list[int]] = {}
    out: dict[str, tuple[str, float]] = {}
    for i, (key, sig) in enumerate(items):
        my_bands = bands(sig)
        if key in stored and stored[key] is None:
            continue  # already stored: judged when it arrived, and found through the table by later items
        earlier = sorted({j for b in my_bands for j in seen_bands.get(b, ()) if items[j][0] != key})
        candidates = [(k, s) for _, k, s in stored.get(key) or []] + [items[j] for j in earlier]
        found = _first_copy(sig, candidates, threshold)
        if found:
            out[key] = found
        for b in my_bands:
            seen_bands.setdefault(b, []).append(i)
    return out


def store_fingerprints(con, items: list[Item]) -> int:
    """Append the signatures and band hashes of articles not stored yet; return how many were new."""
    rows = [{"url_key": key, "signature": [int(v) for v in np.asarray(sig)]} for key, sig in dict(items).items()]
    if not rows:
        return 0
    with transaction(con):
        new = con.execute(
            "INSERT INTO article_fingerprints (fp_id, url_key, signature, created_at) "
            "SELECT nextval('article_fingerprint_ids'), r.url_key, r.signature, current_timestamp "
            "FROM (SELECT unnest($rows::STRUCT(url_key VARCHAR, signature UINTEGER[])[]) AS r) "
            "ON CONFLICT DO NOTHING RETURNING fp_id, url_key",
            {"rows": rows},
        ).fetchall()
        sigs = dict(items)
        band_rows = [{"band": b, "band_hash": h, "fp_id": fp_id} for fp_id, key in new for b, h in bands(sigs[key])]
        if band_rows:
            con.execute(
                "INSERT INTO article_bands (band, band_hash, fp_id) SELECT r.band, r.band_hash, r.fp_id "
                "FROM (SELECT unnest($rows::STRUCT(band UTINYINT, band_hash UBIGINT, fp_id BIGINT)[]) AS r)",
                {"rows": band_rows},
            )
    return len(new)
