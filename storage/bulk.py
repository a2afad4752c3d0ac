"""Set-based writes: a whole batch goes to DuckDB as one statement (a list of structs, unnested).

`executemany` costs ~3 ms a row; one `INSERT … SELECT unnest($rows)` writes 10k rows in ~0.1 s. DuckDB collapses
duplicate keys inside one batch silently, so batches are deduplicated on their key before they are sent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any


def unique_by(records: Iterable[Mapping[str, Any]], key: Sequence[str]) -> list[Mapping[str, Any]]:
    """Keep the first record of each key, in order."""
    seen: set[tuple] = set()
    out = []
    for rec in records:
        k = tuple(rec[c] for c in key)
        if k not in seen:
            seen.add(k)
            out.append(rec)
    return out


def insert_records(
    con,
    table: str,
    records: Sequence[Mapping[str, Any]],
    types: Mapping[str, str],
    *,
    key: Sequence[str],
    on_conflict: str = "DO NOTHING",
) -> int:
    """Insert records (dicts with the keys of `types`) in one statement; return how many were sent.

    `types` maps each column to its DuckDB type, in table column order or not. `on_conflict` is the tail of
    an `ON CONFLICT` clause, e.g. "DO NOTHING" or "(url) DO UPDATE SET etag = excluded.etag".
    """
    rows = unique_by(records, key)
    if not rows:
        return 0
    columns = list(types)
    struct = ", ".join(f'"{c}" {t}' for c, t in types.items())
    select = ", ".join(f'r."{c}"' for c in columns)
    names = ", ".join(f'"{c}"' for c in columns)
    payload = [{c: rec.get(c) for c in columns} for rec in rows]
    con.execute(
        f"INSERT INTO {table} ({names}) SELECT {select} FROM (SELECT unnest($rows::STRUCT({struct})[]) AS r) "
        f"ON CONFLICT {on_conflict}",
        {"rows": payload},
    )
    return len(rows)
