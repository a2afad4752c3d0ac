"""Whole-article fixtures: each file in fixtures/extract/ states what extraction must give (its "expect")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tasks.extract import EXTRACTOR_VERSION, extract

FIXTURES = sorted((Path(__file__).parent / "fixtures" / "extract").glob("*.json"))


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_fixture(path: Path) -> None:
    case = json.loads(path.read_text(encoding="utf-8"))
    result = extract(case["title"], case["text"], case["published"], case["language"], url=case.get("url"))
    expect = case["expect"]
    assert result.extractor_version == EXTRACTOR_VERSION
    assert result.language
    if expect.get("no_crash"):
        return
    assert result.relevant is expect["relevant"]
    if not expect["relevant"]:
        assert result.events == ()
        return
    main = result.events[0]
    for name, value in expect["main"].items():
        assert getattr(main, name) == value, name
    for wanted in expect.get("also", []):
        assert any(all(getattr(e, k) == v for k, v in wanted.items()) for e in result.events[1:]), wanted
    assert len(result.events) <= expect.get("max_events", 99)


def test_every_event_has_evidence_inside_the_text() -> None:
    case = json.loads((Path(__file__).parent / "fixtures" / "extract" / "handover_dated.json").read_text("utf-8"))
    result = extract(case["title"], case["text"], case["published"], case["language"])
    for event in result.events:
        fields = {ev.field for ev in event.evidence}
        assert {"event_type", "event_date", "actors"} <= fields
        for ev in event.evidence:
            assert case["text"][ev.start : ev.end] == ev.sentence


def test_same_story_from_two_outlets_is_the_same_kind_of_event() -> None:
    folder = Path(__file__).parent / "fixtures" / "extract"
    mains = []
    for name in ("handover_dated.json", "handover_undated.json"):
        case = json.loads((folder / name).read_text("utf-8"))
        mains.append(extract(case["title"], case["text"], case["published"], case["language"]).events[0])
    assert {(e.country, e.event_type, e.sub_event_type) for e in mains} == {
        ("ML", "Strategic developments", "Change to group/activity")
    }
