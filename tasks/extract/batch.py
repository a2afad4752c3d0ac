"""The `sahelwatch extract --input ARTICLES.jsonl --output PREDICTIONS.jsonl` file command (shared/eval/README.md).

Reads articles in file order, extracts each, lets the clustering stage give events reporting the same incident a
shared `event_key`, and writes one prediction line per input line. A line that cannot be read or extracted
becomes a prediction with `relevant: false` and no events; the command never stops on a bad line.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import replace
from pathlib import Path

from tasks.extract import extract
from tasks.models import Event, Extraction

EVENT_FIELDS = ("event_key", "event_date", "date_precision", "event_type", "sub_event_type", "actor1", "actor2",
                "country", "admin1", "location", "latitude", "longitude", "geo_precision", "fatalities",
                "fatalities_low", "fatalities_high")  # fmt: skip


def extract_file(input_path: Path, output_path: Path) -> int:
    """Extract every article of a JSONL file into a predictions JSONL file; returns the number of lines written."""
    rows = [
        _read_line(n, line)
        for n, line in enumerate(Path(input_path).read_text(encoding="utf-8").splitlines())
        if line.strip()
    ]
    extractions = [_extract_row(row) for row in rows]
    keyed = _event_keys(extractions, [row.get("published") if row.get("_ok") else None for row in rows])
    with Path(output_path).open("w", encoding="utf-8") as out:
        for row, extraction in zip(rows, keyed, strict=True):
            out.write(json.dumps(prediction(row["id"], extraction), ensure_ascii=False) + "\n")
    return len(rows)


def prediction(article_id: object, extraction: Extraction) -> dict:
    """One output line of the contract."""
    return {
        "id": article_id,
        "language": extraction.language,
        "relevant": extraction.relevant,
        "events": [{name: getattr(e, name) for name in EVENT_FIELDS} for e in extraction.events],
    }


def _read_line(n: int, line: str) -> dict:
    try:
        row = json.loads(line)
    except json.JSONDecodeError:
        return {"id": _guess_id(line, n), "_ok": False}
    if not isinstance(row, dict):
        return {"id": f"line-{n + 1}", "_ok": False}
    return {**row, "id": row.get("id", f"line-{n + 1}"), "_ok": True}


def _guess_id(line: str, n: int) -> str:
    m = re.search(r'"id"\s*:\s*"([^"]*)"', line)
    return m.group(1) if m else f"line-{n + 1}"


def _extract_row(row: dict) -> Extraction:
    if not row.get("_ok"):
        return Extraction(False, "und", (), "")
    try:
        return extract(
            str(row.get("title") or ""), str(row.get("text") or ""), row.get("published"), row.get("language"),
            url=row.get("url"),
        )
    except Exception:  # a bad article is data: it gets an empty prediction, the run goes on
        return Extraction(False, str(row.get("language") or "und"), (), "")


def _event_keys(extractions: list[Extraction], published: list) -> list[Extraction]:
    try:
        from tasks.cluster import assign_event_keys
    except ImportError:
        return [_with_fallback_keys(x) for x in extractions]
    return assign_event_keys(extractions, published)


# Stand-in until tasks/cluster.py (issue 4) exists: country + date + place + type.
def _with_fallback_keys(extraction: Extraction) -> Extraction:
    return replace(extraction, events=tuple(replace(e, event_key=_fallback_key(e)) for e in extraction.events))


def _fallback_key(e: Event) -> str:
    place = unicodedata.normalize("NFKD", e.location or e.admin1 or "")
    place = re.sub(r"[^a-z0-9]+", "-", "".join(c for c in place if not unicodedata.combining(c)).lower()).strip("-")
    kind = re.sub(r"[^a-z]+", "-", e.event_type.lower()).strip("-")
    return f"{e.country}-{e.event_date or 'undated'}-{place or 'somewhere'}-{kind}"
