"""Quality gate: extraction must not drop below the floors pinned in quality_floors.json.

- the shared dev set as given (`floors`) and with every `published` set to null (`floors_undated`), as about two
  thirds of real pages come without a publication date (skips when ../shared/eval is absent);
- the real-article dev set (`floors_real_dev`), scored when its texts have been rebuilt into .eval/real-dev.jsonl as
  ../shared/eval/REAL-DEV.md says (the texts are third-party and never committed: skips without them);
- our own terse incident notes, English and French, written in the style of conflict monitors
  (tests/fixtures/notes/, `floors_notes`).
Raising a floor is a one-line change; lowering one needs a reason in the commit.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from tasks.extract.batch import extract_file

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"
REAL_DEV = Path(__file__).resolve().parents[1] / ".eval" / "real-dev.jsonl"
NOTES = sorted((Path(__file__).resolve().parent / "fixtures" / "notes").glob("*.jsonl"))
FLOORS = Path(__file__).resolve().parent / "quality_floors.json"


def _scorer():
    spec = importlib.util.spec_from_file_location("shared_eval_score", EVAL / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def _flat(metrics: dict) -> dict[str, float]:
    out = {
        k: v for k, v in metrics.items() if isinstance(v, (int, float)) and k not in ("articles", "missing_predictions")
    }
    out.update({f"main_event.{k}": v for k, v in metrics["main_event"].items()})
    return out


def below_floors(measured: dict[str, float], floors: dict[str, float]) -> dict[str, tuple]:
    return {k: (measured.get(k), floor) for k, floor in floors.items() if (measured.get(k) or 0.0) < floor}


@pytest.mark.skipif(not (EVAL / "dev.jsonl").exists(), reason="../shared/eval is absent")
@pytest.mark.parametrize("variant", ["floors", "floors_undated"])
def test_dev_metrics_stay_above_floors(tmp_path: Path, variant: str) -> None:
    source, predictions = tmp_path / "dev.jsonl", tmp_path / "pred.jsonl"
    rows = [json.loads(line) for line in (EVAL / "dev.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    if variant == "floors_undated":
        rows = [{**row, "published": None} for row in rows]
    source.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    assert extract_file(source, predictions) == len(rows)
    score = _scorer()
    metrics, _ = score.score(score.read_jsonl(str(EVAL / "dev.jsonl")), score.read_jsonl(str(predictions)))
    floors = json.loads(FLOORS.read_text(encoding="utf-8"))[variant]
    below = below_floors(_flat(metrics), floors)
    assert not below, f"{variant}: metrics below their floors (measured, floor): {below}"


def _scored(gold: Path, tmp_path: Path) -> dict[str, float]:
    predictions = tmp_path / "pred.jsonl"
    extract_file(gold, predictions)
    score = _scorer()
    metrics, _ = score.score(score.read_jsonl(str(gold)), score.read_jsonl(str(predictions)))
    return _flat(metrics)


@pytest.mark.skipif(not REAL_DEV.exists(), reason="real-dev texts not rebuilt (see ../shared/eval/REAL-DEV.md)")
@pytest.mark.skipif(not (EVAL / "score.py").exists(), reason="../shared/eval is absent")
def test_real_dev_metrics_stay_above_floors(tmp_path: Path) -> None:
    floors = json.loads(FLOORS.read_text(encoding="utf-8"))["floors_real_dev"]
    below = below_floors(_scored(REAL_DEV, tmp_path), floors)
    assert not below, f"real-dev: metrics below their floors (measured, floor): {below}"


@pytest.mark.skipif(not (EVAL / "score.py").exists(), reason="../shared/eval is absent")
def test_incident_notes_stay_above_floors(tmp_path: Path) -> None:
    gold = tmp_path / "notes.jsonl"
    gold.write_text("".join(p.read_text(encoding="utf-8") for p in NOTES), encoding="utf-8")
    floors = json.loads(FLOORS.read_text(encoding="utf-8"))["floors_notes"]
    below = below_floors(_scored(gold, tmp_path), floors)
    assert not below, f"notes: metrics below their floors (measured, floor): {below}"
