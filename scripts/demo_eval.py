"""Score extraction on the demo fixtures, offline: demo/site pages → trafilatura → extract → shared/eval/score.py.

    python scripts/demo_eval.py [--details] [--write DIR]

For each article of demo/expected.yaml that has a page in demo/site/, the page goes through
`trafilatura.bare_extraction` as the clean stage runs it ({{BASE}} replaced by http://127.0.0.1:8642), and becomes an
input line of the extraction contract (shared/eval/README.md). Two variants are scored:

- `dated`: `published` is the page's own date (trafilatura metadata), as the pipeline would see it;
- `undated`: `published` is null, as for about two thirds of the hidden evaluation set.

Gold lines come from expected.yaml (main event only; `cluster` = the incident label, else the original's path for a
duplicate, else the article's own path). No network, no database.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import tempfile
from functools import cache
from pathlib import Path

import trafilatura
import yaml

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "demo"
SCORER = ROOT.parent / "shared" / "eval" / "score.py"
BASE = "http://127.0.0.1:8642"
GOLD_FIELDS = ("country", "event_type", "sub_event_type", "event_date", "location", "fatalities", "actor1", "actor2")


def scorer():
    """shared/eval/score.py as a module."""
    spec = importlib.util.spec_from_file_location("shared_eval_score", SCORER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


@cache
def demo_cases() -> tuple[tuple[dict, dict], ...]:
    """(input line, gold line) per demo article with a page, in publication order."""
    expected = yaml.safe_load((DEMO / "expected.yaml").read_text(encoding="utf-8"))
    cases = []
    for path, row in expected["articles"].items():
        page = DEMO / "site" / path.lstrip("/")
        if not page.is_file() or "relevant" not in row:
            continue
        doc = trafilatura.bare_extraction(
            page.read_text(encoding="utf-8").replace("{{BASE}}", BASE), url=BASE + path, with_metadata=True,
            include_comments=False, include_tables=False,
        )  # fmt: skip
        if doc is None:
            continue
        line = {"id": path, "url": BASE + path, "source": row.get("feed"), "title": (doc.title or "").strip(),
                "published": (doc.date or "")[:10] or None, "language": None, "text": (doc.text or "").strip()}  # fmt: skip
        cases.append((line, _gold(path, row, line)))
    return tuple(cases)


def _gold(path: str, row: dict, line: dict) -> dict:
    events = []
    if row["relevant"]:
        event = {name: row.get(name) for name in GOLD_FIELDS}
        event["cluster"] = row.get("incident") or row.get("duplicate_of") or path
        events.append(event)
    return {**line, "relevant": bool(row["relevant"]), "events": events}


def variant(cases: tuple[tuple[dict, dict], ...], dated: bool) -> list[dict]:
    return [line if dated else {**line, "published": None} for line, _ in cases]


def evaluate(dated: bool, details: bool = False) -> tuple[dict, list]:
    """score.py's metrics (and per-article details) for one variant."""
    from tasks.extract.batch import extract_file

    score = scorer()
    cases = demo_cases()
    with tempfile.TemporaryDirectory() as tmp:
        source, predictions = Path(tmp) / "demo.jsonl", Path(tmp) / "pred.jsonl"
        source.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in variant(cases, dated)), "utf-8")
        extract_file(source, predictions)
        gold = {g["id"]: g for _, g in cases}
        return score.score(gold, score.read_jsonl(str(predictions)))


def write_sets(folder: Path) -> None:
    """demo_dated.jsonl, demo_undated.jsonl and demo_gold.jsonl, for score.py on the command line."""
    folder.mkdir(parents=True, exist_ok=True)
    cases = demo_cases()
    for name, rows in (("demo_dated", variant(cases, True)), ("demo_undated", variant(cases, False)),
                       ("demo_gold", [g for _, g in cases])):  # fmt: skip
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
        (folder / f"{name}.jsonl").write_text(text, encoding="utf-8")


def main(argv: list[str]) -> int:
    if "--write" in argv:
        write_sets(Path(argv[argv.index("--write") + 1]))
    for dated in (True, False):
        metrics, details = evaluate(dated)
        if "--details" in argv:
            for d in details:
                print(json.dumps(d, ensure_ascii=False))
        print(("dated  " if dated else "undated"), json.dumps(metrics, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main(sys.argv))
