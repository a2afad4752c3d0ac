"""The two seed articles (../shared/seeds/): the reports sahelwatch was first described with must come out right.

Both report Wagner leaving Mali (one strategic development, keyed the same in both); the dated one also reports
JNIM's bombing near Bamako on the Wednesday. Scored with shared/eval/score.py: relevance, event F1 and every
main-event field at 1.0. Skips when ../shared is absent. The texts are third-party: read from ../shared, never copied.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from tasks.extract.batch import extract_file

SHARED = Path(__file__).resolve().parents[2] / "shared"
EXPECTED = SHARED / "seeds" / "expected.jsonl"


def _scorer():
    spec = importlib.util.spec_from_file_location("shared_eval_score", SHARED / "eval" / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


@pytest.mark.skipif(not EXPECTED.exists(), reason="../shared/seeds is absent")
def test_seed_articles_score_one(tmp_path: Path) -> None:
    predictions = tmp_path / "pred.jsonl"
    assert extract_file(EXPECTED, predictions) == 2
    score = _scorer()
    metrics, _ = score.score(score.read_jsonl(str(EXPECTED)), score.read_jsonl(str(predictions)))
    assert metrics["relevance_f1"] == 1.0
    assert metrics["event_f1"] == 1.0
    assert metrics["main_event"] and all(v == 1.0 for v in metrics["main_event"].values()), metrics["main_event"]
    assert metrics["cluster_pairwise_f1"] == 1.0


@pytest.mark.skipif(not EXPECTED.exists(), reason="../shared/seeds is absent")
def test_seed_withdrawal_is_one_event_keyed_alike(tmp_path: Path) -> None:
    predictions = tmp_path / "pred.jsonl"
    extract_file(EXPECTED, predictions)
    rows = [json.loads(line) for line in predictions.read_text(encoding="utf-8").splitlines()]
    mains = [row["events"][0] for row in rows]
    assert {(e["event_type"], e["sub_event_type"], e["actor1"], e["country"]) for e in mains} == {
        ("Strategic developments", "Change to group/activity", "Wagner Group", "ML")
    }
    assert mains[0]["event_key"] == mains[1]["event_key"]
    bombing = rows[1]["events"][1]
    assert (bombing["sub_event_type"], bombing["actor2"], bombing["event_date"]) == (
        "Remote explosive/landmine/IED",
        "Military Forces of Mali",
        "2025-06-04",
    )
