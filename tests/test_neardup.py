"""Near-duplicate articles: fingerprints in DuckDB, checked against all history (tests/fixtures/cluster/syndicated.json)."""

import json
from pathlib import Path

from storage.db import connect
from storage.fingerprints import find_near_duplicates, store_fingerprints
from tasks.fingerprint import BANDS, NUM_PERM, bands, signature, similarity

FIXTURE = json.loads((Path(__file__).parent / "fixtures/cluster/syndicated.json").read_text(encoding="utf-8"))


def sig(name: str) -> list[int]:
    return signature(FIXTURE[name]["text"])


def test_signature_is_fixed_and_banded():
    s = sig("original")
    assert s == sig("original") and len(s) == NUM_PERM and all(0 <= v < 2**32 for v in s)
    b = bands(s)
    assert [i for i, _ in b] == list(range(BANDS)) and all(0 <= h < 2**64 for _, h in b)


def test_copy_with_new_headline_and_boilerplate_is_similar_other_report_is_not():
    assert similarity(sig("original"), sig("copy")) >= 0.5
    assert similarity(sig("original"), sig("other")) < 0.2


def test_duplicate_within_one_batch(tmp_path):
    with connect(tmp_path / "sw.duckdb") as con:
        found = find_near_duplicates(con, [("a", sig("original")), ("b", sig("copy")), ("c", sig("other"))])
    assert list(found) == ["b"] and found["b"][0] == "a" and found["b"][1] >= 0.5


def test_duplicate_survives_restart(tmp_path):
    db = tmp_path / "sw.duckdb"
    with connect(db) as con:
        assert store_fingerprints(con, [("a", sig("original")), ("c", sig("other"))]) == 2
    with connect(db) as con:  # a new connection: only the stored history knows "a"
        found = find_near_duplicates(con, [("b", sig("copy")), ("a", sig("original"))])
        assert found["b"][0] == "a" and "a" not in found  # an article is never a copy of itself
        assert store_fingerprints(con, [("a", sig("original")), ("b", sig("copy"))]) == 1  # "a" kept once
        assert con.execute("SELECT count(*) FROM article_bands").fetchone()[0] == 3 * BANDS
