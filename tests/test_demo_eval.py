"""Quality gate on the demo fixtures (scripts/demo_eval.py): demo/site pages through trafilatura and extraction,
scored by shared/eval/score.py against demo/expected.yaml, with the page's date and with `published: null`.

Floors live in quality_floors.json (`demo_dated`, `demo_undated`); raising one is a one-line change, lowering one
needs a reason in the commit. Skips when ../shared/eval/score.py is absent.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FLOORS = Path(__file__).resolve().parent / "quality_floors.json"
SCORER = ROOT.parent / "shared" / "eval" / "score.py"


def _demo_eval():
    spec = importlib.util.spec_from_file_location("demo_eval", ROOT / "scripts" / "demo_eval.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def _flat(metrics: dict) -> dict[str, float]:
    out = {k: v for k, v in metrics.items() if isinstance(v, float)}
    out.update({f"main_event.{k}": v for k, v in metrics["main_event"].items()})
    return out


@pytest.mark.skipif(not SCORER.exists(), reason="../shared/eval/score.py is absent")
@pytest.mark.parametrize("variant", ["demo_dated", "demo_undated"])
def test_demo_metrics_stay_above_floors(variant: str) -> None:
    demo_eval = _demo_eval()
    metrics, _ = demo_eval.evaluate(dated=variant == "demo_dated")
    assert metrics["articles"] == len(demo_eval.demo_cases()) >= 40
    measured = _flat(metrics)
    floors = json.loads(FLOORS.read_text(encoding="utf-8"))[variant]
    below = {k: (measured.get(k), floor) for k, floor in floors.items() if (measured.get(k) or 0.0) < floor}
    assert not below, f"{variant}: metrics below their floors (measured, floor): {below}"


@pytest.mark.skipif(not SCORER.exists(), reason="../shared/eval/score.py is absent")
def test_demo_gold_lines_follow_the_contract() -> None:
    cases = _demo_eval().demo_cases()
    for line, gold in cases:
        assert line["title"] and line["text"] and line["url"].startswith("http://127.0.0.1:8642/")
        assert gold["relevant"] is bool(gold["events"])
        for event in gold["events"]:
            assert event["cluster"] and event["country"] and event["event_type"]
