"""The migration runner: applies storage/migrations/NNN_*.sql in order, each with its record in one transaction."""

from __future__ import annotations

from pathlib import Path

MIGRATIONS = Path(__file__).parent / "migrations"


def _pending(con) -> list[Path]:
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, "
        "applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
    )
    done = {row[0] for row in con.execute("SELECT version FROM schema_migrations").fetchall()}
    files = sorted(MIGRATIONS.glob("[0-9][0-9][0-9]_*.sql"))
    return [f for f in files if int(f.name[:3]) not in done]


def migrate(con) -> list[str]:
    """Apply every pending migration; return the names applied."""
    applied = []
    for path in _pending(con):
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(path.read_text(encoding="utf-8"))
            con.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)", [int(path.name[:3]), path.stem])
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")
        applied.append(path.stem)
    return applied
