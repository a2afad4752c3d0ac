"""Event clustering rules (tasks/cluster.py) on the incidents of tests/fixtures/cluster/incidents.json and chaining.json."""

import json
from dataclasses import replace
from pathlib import Path

from tasks.cluster import assign_event_keys, match_events, merge_event, same_incident
from tasks.models import Event, Extraction

RAW = json.loads((Path(__file__).parent / "fixtures/cluster/incidents.json").read_text(encoding="utf-8"))


def ev(name: str, **changes) -> Event:
    return Event(**{**RAW[name], **changes})


def test_french_and_english_reports_are_one_incident():
    assert same_incident(ev("tongo_fr"), ev("tongo_en"))


def test_same_day_same_region_far_towns_are_two():
    assert not same_incident(ev("kompienbiga"), ev("kompienga"))


def test_same_town_same_day_different_actors_are_two():
    assert not same_incident(ev("djibo_police"), ev("djibo_france"))


def test_different_type_or_days_apart_are_two():
    assert not same_incident(ev("toll_first"), ev("toll_first", event_type="Violence against civilians"))
    assert not same_incident(ev("toll_first"), ev("toll_first", event_date="2019-08-22"))
    assert same_incident(ev("toll_first"), ev("toll_first", event_date="2019-08-20"))


def test_vague_place_matches_its_region_only():
    vague = ev("toll_first", location=None, latitude=None, longitude=None, geo_precision=3)
    assert same_incident(vague, ev("toll_first"))
    assert not same_incident(ev("toll_first", admin1="Nord", location=None, geo_precision=3), ev("toll_first"))


def test_revised_toll_raises_fatalities_and_keeps_its_range():
    merged, changes = merge_event(ev("toll_first"), ev("toll_revised"))
    assert (merged.fatalities, merged.fatalities_low, merged.fatalities_high) == (24, 24, 30)
    assert changes["fatalities"] == [10, 24] and changes["actor1"] == ["Unidentified Armed Group", "ISSP"]


def test_lower_later_toll_and_vaguer_place_change_nothing_but_the_high():
    merged, changes = merge_event(ev("toll_revised"), ev("toll_first", location=None, geo_precision=3))
    assert merged.fatalities == 24 and merged.location == "Koutougou"
    assert changes == {}


def test_more_precise_place_and_date_replace_vaguer_ones():
    vague = ev("toll_first", location=None, latitude=None, longitude=None, geo_precision=3, date_precision=2)
    merged, changes = merge_event(vague, ev("toll_first"))
    assert merged.location == "Koutougou" and merged.geo_precision == 1 and merged.date_precision == 1
    assert set(changes) >= {"location", "geo_precision", "date_precision", "latitude", "longitude"}


def test_assign_event_keys_across_articles():
    extractions = [
        Extraction(True, "fr", (ev("tongo_fr"), ev("djibo_police"))),
        Extraction(True, "en", (ev("djibo_france"), ev("tongo_en"))),
        Extraction(False, "en"),
        Extraction(True, "en", (ev("djibo_police", event_date=None),)),
    ]
    keyed = assign_event_keys(extractions, ["2017-10-06", "2017-10-07", None, "2019-09-14T10:00:00Z"])
    k = [[e.event_key for e in x.events] for x in keyed]
    assert k[1][1] == k[0][0]  # Tongo Tongo, FR and EN
    assert k[1][0] != k[0][1]  # Djibo: police withdrawal vs French reinforcement
    assert k[3][0] == k[0][1]  # undated report, dated by its publication, joins the police withdrawal
    assert keyed[3].events[0].event_date is None  # only the key is set


def test_same_town_same_day_tolerates_disagreeing_second_actor():
    us = ev("tongo_en", actor1="Unidentified Armed Group", actor2="Military Forces of the United States")
    assert same_incident(ev("tongo_fr", actor2="Military Forces of France"), us)


# --- no chaining (tests/fixtures/cluster/chaining.json) ------------------------------------------------------

CHAIN = json.loads((Path(__file__).parent / "fixtures/cluster/chaining.json").read_text(encoding="utf-8"))


def chain(name: str, **changes) -> Event:
    return Event(**{**CHAIN[name], **changes})


def keys(*articles: tuple[Event, ...], published: str | None = None) -> list[list[str | None]]:
    extractions = [Extraction(True, "fr", events) for events in articles]
    keyed = assign_event_keys(extractions, [published] * len(extractions))
    return [[e.event_key for e in x.events] for x in keyed]


def test_a_like_b_and_b_like_c_does_not_put_c_with_a():
    a, b, c = chain("chain_a"), chain("chain_b"), chain("chain_c")
    assert same_incident(a, b) and same_incident(b, c) and not same_incident(a, c)
    k = keys((a,), (b,), (c,))
    assert k[1] == k[0] and k[2] != k[0]


def test_a_chain_of_days_stops_at_the_first_report_window():
    a = chain("chain_a")
    k = keys((a,), (replace(a, event_date="2024-03-11"),), (replace(a, event_date="2024-03-12"),))
    assert k[1] == k[0] and k[2] != k[0]


def test_region_only_report_between_two_towns_joins_neither():
    west, east, vague = chain("town_west"), chain("town_east"), chain("region_only")
    k = keys((west,), (east,), (vague,), (west,), (east,))
    assert len({k[0][0], k[1][0], k[2][0]}) == 3
    assert k[3] == k[0] and k[4] == k[1]  # later precise reports still find their town
    alone = keys((west,), (vague,))
    assert alone[1] == alone[0]  # the one candidate: joined


def test_nothing_joins_a_report_known_by_its_country_alone():
    k = keys((chain("country_only"),), (chain("chain_a"),))
    assert same_incident(chain("country_only"), chain("chain_a")) and k[1] != k[0]


def test_undated_reports_do_not_cluster_by_country_or_across_regions():
    names = ["undated_north", "undated_centre", "undated_country", "undated_country", "undated_town", "undated_town"]
    k = keys(*[(chain(name),) for name in names])
    assert len({x[0] for x in k[:4]}) == 4
    assert k[5] == k[4]  # the same named town, both undated


def test_secondary_event_does_not_push_the_main_event_into_another_cluster():
    clusters = [("west", chain("town_west")), ("near", chain("town_near"))]
    chosen = match_events([chain("main_near"), chain("side_at")], clusters)
    assert chosen[0] == "west"
