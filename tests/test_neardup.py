"""Near-duplicate articles: fingerprints in DuckDB, checked against all history (tests/fixtures/cluster/syndicated.json)."""

import json
from pathlib import Path

from storage.db import connect
from storage.fingerprints import find_near_duplicates, store_fingerprints
from tasks.fingerprint import BANDS, NUM_PERM, bands, signature, similarity

ROOT = Path(__file__).resolve().parents[1]
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


def test_clean_batch_fingerprints_each_article_the_same_in_a_worker_as_inline():
    """The dedupe hashes are computed beside the cleaning, in the process pool: a worker must give exactly what
    the flow would compute itself, or copies would stop matching across runs."""
    from tasks import parallel
    from tasks.batch import clean_batch
    from tasks.dedupe import content_hash
    from tasks.models import Entry, Page, Skip

    pages = sorted((ROOT / "demo/site").rglob("*.html"))[:4]
    entries = [Entry(feed="f", url=f"http://x/{i}", canonical_url=f"http://x/{i}", url_key=f"k{i}")
               for i in range(len(pages) + 1)]
    fetched = [Page(e, e.url, 200, p.read_text(encoding="utf-8")) for e, p in zip(entries[:-1], pages, strict=True)]
    fetched.append(Skip("page", "http_404", entries[-1].url))
    inline = clean_batch(entries, fetched)
    articles, skips, signatures = inline
    assert len(articles) >= 2 and [s.reason for s in skips][-1] == "http_404"
    assert [key for key, _ in signatures] == [a.url_key for a in articles]
    for article, (_, sig) in zip(articles, signatures, strict=True):
        assert article.content_hash == content_hash(article.text) and sig == signature(article.text)
    assert parallel.submit(clean_batch, entries, fetched).result() == inline


def test_pool_workers_import_only_the_stages_they_run():
    """Workers unpickle tasks.batch.clean_batch and tasks.events.extract_articles: neither may pull in Prefect or
    DuckDB (~70 MB a worker), which the flow's own modules import."""
    from flows.pipeline import extract_task  # noqa: F401 - the parent has everything loaded
    from tasks import parallel
    from tasks.batch import clean_batch
    from tasks.events import extract_articles

    parallel._restart(parallel.pool())  # fresh workers: earlier tests ran their own functions (and imports) there
    assert parallel.submit(clean_batch, [], []).result() == ([], [], [])
    assert parallel.submit(extract_articles, []).result() == []
    loaded = parallel.submit(eval, "sorted(m for m in __import__('sys').modules if m in ('prefect', 'duckdb', "
                                   "'httpx', 'flows'))").result()
    assert loaded == []


def test_a_copy_of_a_copy_points_at_the_first_copy():
    """An exact copy of a story whose first report in the batch turned out to copy a stored article (what two
    partitioned runs give when the later-published outlet is stored first) is pointed at the stored first copy,
    where the events are; so is a copy of a stored copy. A cycle (which no dedupe gives) is left as it is."""
    from tasks.dedupe import first_copies
    from tasks.models import Article

    def article(key: str, copies: str | None) -> Article:
        return Article(key, f"http://x/{key}", f"http://x/{key}", "f", key, "text", "page", None, "none",
                       duplicate_of=copies)

    batch = [article("report", "stored-first"), article("exact", "report"), article("other", "stored-copy"),
             article("alone", None), article("loop-a", "loop-b"), article("loop-b", "loop-a")]
    out = first_copies(batch, {"stored-copy": "stored-first"})
    assert [a.duplicate_of for a in out] == ["stored-first", "stored-first", "stored-first", None, "loop-b", "loop-a"]
