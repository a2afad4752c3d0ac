"""The spool: a run's rows are written to a JSON file before the database, and the file is removed once they are
committed. A run that cannot get the database (locked by another process, killed) leaves its spool behind, and
the next run writes it first, so fetched work is never lost.
"""

from __future__ import annotations

import json
import os
from datetime import date, datetime
from pathlib import Path


def _encode(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot spool {type(value).__name__}")


def write_spool(spool_dir: Path, run_id: str, payload: dict) -> Path:
    """Write the payload atomically (temp file + rename); return its path."""
    spool_dir.mkdir(parents=True, exist_ok=True)
    path = spool_dir / f"{run_id}.json"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(payload, default=_encode), encoding="utf-8")
    os.replace(tmp, path)
    return path


def pending_spools(spool_dir: Path, nested: bool = False) -> list[tuple[Path, dict]]:
    """Spooled payloads of earlier runs, oldest first (`nested`: those in the folders below too, where
    partitioned runs spool); an unreadable file is renamed aside, not lost."""
    out = []
    found = spool_dir.glob("**/*.json" if nested else "*.json") if spool_dir.exists() else []
    for path in sorted(found, key=lambda p: p.stat().st_mtime):
        try:
            out.append((path, json.loads(path.read_text(encoding="utf-8"))))
        except (OSError, ValueError):
            path.rename(path.with_suffix(".bad"))
    return out
