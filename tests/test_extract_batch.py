"""The `sahelwatch extract` file contract: one output line per input line, bad lines included."""

from __future__ import annotations

import json
from pathlib import Path

from tasks.extract.batch import extract_file


def test_bad_lines_become_empty_predictions(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    good = {"id": "a1", "url": "u", "source": "s", "title": "Djibo : dix civils tués par des hommes armés",
            "published": "2024-03-15", "language": "fr", "text": "Des hommes armés ont tué dix civils mercredi à Djibo."}  # fmt: skip
    source.write_text(
        json.dumps(good)
        + "\n"
        + '{"id": "a2", "title": broken\n'
        + json.dumps({"id": "a3", "text": None})
        + "\n[1, 2]\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    assert extract_file(source, out) == 4
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["a1", "a2", "a3", "line-4"]
    assert rows[0]["relevant"] is True and rows[0]["events"][0]["fatalities"] == 10
    assert rows[0]["events"][0]["event_key"]
    assert all(r["relevant"] is False and r["events"] == [] for r in rows[1:])
