"""Storing extracted events (storage/events.py): one row per incident, its sources, its versions; idempotent."""

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from storage.db import connect
from storage.events import ExtractedArticle, store_extractions
from tasks.models import Event, Evidence, Extraction

RAW = json.loads((Path(__file__).parent / "fixtures/cluster/incidents.json").read_text(encoding="utf-8"))
T1 = datetime(2025, 1, 1, 10, tzinfo=UTC)
T2 = datetime(2025, 1, 2, 10, tzinfo=UTC)


def ev(name: str, **changes) -> Event:
    return Event(**{**RAW[name], **changes})


def article(key: str, *events: Event, day: int = 6, duplicate_of: str | None = None) -> ExtractedArticle:
    extraction = Extraction(bool(events), "fr", events, extractor_version="test-1")
    return ExtractedArticle(key, datetime(2019, 8, day, tzinfo=UTC), extraction, duplicate_of)


def count(con, sql: str) -> int:
    return con.execute(sql).fetchone()[0]


@pytest.fixture
def db(tmp_path):
    return tmp_path / "sw.duckdb"


def test_french_and_english_reports_are_one_event_with_two_sources(db):
    with connect(db) as con:
        first = store_extractions(con, [article("fr", ev("tongo_fr"))], T1)
        second = store_extractions(con, [article("en", ev("tongo_en"))], T2)
        assert len(first.new) == 1 and second.new == [] and second.linked == 1
        assert count(con, "SELECT count(*) FROM events") == 1
        roles = con.execute("SELECT url_key, role FROM event_articles ORDER BY url_key").fetchall()
        assert roles == [("en", "source"), ("fr", "origin")]


def test_two_attacks_same_day_same_region_stay_two_events(db):
    with connect(db) as con:
        store_extractions(con, [article("a", ev("kompienbiga")), article("b", ev("kompienga"))], T1)
        store_extractions(con, [article("c", ev("djibo_police")), article("d", ev("djibo_france"))], T1)
        assert count(con, "SELECT count(*) FROM events") == 4


def test_revised_toll_is_one_event_two_versions_later_toll_kept_with_range(db):
    evidence = (Evidence("fatalities", 0, 30, "24 soldats ont été tués, 30 selon"),)
    with connect(db) as con:
        store_extractions(con, [article("first", ev("toll_first"), day=19)], T1)
        stats = store_extractions(con, [article("later", ev("toll_revised", evidence=evidence), day=20)], T2)
        (eid,) = stats.updated
        row = con.execute("SELECT version, fatalities, fatalities_low, fatalities_high, actor1, first_seen, last_seen "
                          "FROM events").fetchone()
        assert row[:5] == (2, 24, 24, 30, "ISSP") and row[5] < row[6]
        versions = con.execute("SELECT version, url_key, changes FROM event_versions ORDER BY version").fetchall()
        assert [(v, k) for v, k, _ in versions] == [(1, "first"), (2, "later")]
        assert json.loads(versions[1][2])["fatalities"] == [10, 24]
        assert con.execute("SELECT event_id, url_key, field FROM event_evidence").fetchall() == [
            (eid, "later", "fatalities")]


def test_syndicated_copy_is_credited_without_extraction(db):
    with connect(db) as con:
        store_extractions(con, [article("orig", ev("tongo_fr"), ev("djibo_police"))], T1)
        stats = store_extractions(con, [article("copy", duplicate_of="orig")], T2)
        assert stats.new == [] and stats.linked == 2
        links = con.execute("SELECT rank, role FROM event_articles WHERE url_key = 'copy' ORDER BY rank").fetchall()
        assert links == [(0, "duplicate"), (1, "duplicate")]
        # within one batch too
        stats = store_extractions(con, [article("o2", ev("kompienga")), article("c2", duplicate_of="o2")], T2)
        assert len(stats.new) == 1 and stats.linked == 1


def test_rerunning_the_same_input_changes_nothing(db):
    batch = [article("first", ev("toll_first"), day=19), article("later", ev("toll_revised"), day=20),
             article("copy", duplicate_of="later"), article("x", ev("kompienbiga"))]
    tables = ["events", "event_versions", "event_articles", "event_evidence", "extractions"]
    with connect(db) as con:
        store_extractions(con, batch, T1)
        before = {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in tables}
    with connect(db) as con:
        stats = store_extractions(con, batch, T2)
        after = {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in tables}
    assert (stats.new, stats.updated, stats.linked) == ([], [], 0)
    assert after == before


CHAIN = json.loads((Path(__file__).parent / "fixtures/cluster/chaining.json").read_text(encoding="utf-8"))


def chain(name: str) -> Event:
    return Event(**CHAIN[name])


def sources(con) -> list[int]:
    return [n for (n,) in con.execute("SELECT count(*) FROM event_articles GROUP BY event_id ORDER BY 1").fetchall()]


def test_stored_events_do_not_chain(db):
    with connect(db) as con:
        store_extractions(con, [article("a", chain("chain_a")), article("b", chain("chain_b"))], T1)
        store_extractions(con, [article("c", chain("chain_c"))], T2)
        assert sources(con) == [1, 2]


def test_region_only_report_between_two_stored_towns_joins_neither(db):
    with connect(db) as con:
        store_extractions(con, [article("west", chain("town_west")), article("east", chain("town_east"))], T1)
        stats = store_extractions(con, [article("vague", chain("region_only"))], T2)
        assert len(stats.new) == 1 and sources(con) == [1, 1, 1]


def test_region_only_report_joins_its_one_stored_candidate(db):
    with connect(db) as con:
        store_extractions(con, [article("west", chain("town_west"))], T1)
        stats = store_extractions(con, [article("vague", chain("region_only"))], T2)
        assert stats.new == [] and stats.linked == 1 and sources(con) == [2]
