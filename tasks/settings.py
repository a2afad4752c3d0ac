"""Settings, resolved once at flow start into a frozen object and passed down. Tasks never read os.environ."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from tasks.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DB = Path("data/sahelwatch.duckdb")
DEFAULT_FEEDS = ROOT / "deploy" / "feeds.yaml"
DEFAULT_ALERTS = ROOT / "deploy" / "alerts.yaml"
USER_AGENT = "sahelwatch/0.1 (+https://github.com/sahelwatch/sahelwatch; open conflict-data pipeline)"


@dataclass(frozen=True)
class Settings:
    """Everything a run needs to know; built by `resolve_settings`, never mutated."""

    db_path: Path = DEFAULT_DB
    feeds_path: Path = DEFAULT_FEEDS
    alerts_path: Path | None = None
    spool_dir: Path = Path("data/spool")
    user_agent: str = USER_AGENT
    connect_timeout: float = 5.0
    read_timeout: float = 15.0
    total_timeout: float = 30.0
    max_feed_bytes: int = 5_000_000
    max_page_bytes: int = 3_000_000
    max_redirects: int = 5
    retries: int = 2
    retry_backoff: float = 0.5
    retry_after_cap: float = 30.0  # a longer Retry-After is not waited for in the run: the next run tries
    host_budget: float = 120.0  # seconds a host may make a run wait on pages that time out or fail
    pages_budget: float = 600.0  # seconds after which a run starts no more page fetches (15-min schedule)
    per_host: int = 2
    page_workers: int = 8
    batch_size: int = 50
    feeds_per_task: int = 25
    store_chunk: int = 500  # new entries fetched, cleaned and stored per round (bounds a large run's memory)
    publish_max_age: float = 3600.0  # seconds: a run that changed nothing republishes an older analysts' copy
    report_path: Path = Path("data/report.html")  # the situation page each run that changed something rewrites
    report_since: str = "14d"  # its window: the last N days, a date, or all
    report_lang: str = "en"  # en | fr
    page_port: int = 8643  # `sahelwatch serve` serves the page and /api/events on 127.0.0.1:page_port
    extract_chunk: int = 500  # articles extracted and clustered per round (bounds memory on a large backlog)
    extract_budget: float = 30.0  # seconds of extraction per article; then it is stored with an extract_timeout skip
    allow_hosts: tuple[str, ...] = field(default=())  # private/loopback hosts explicitly allowed (tests, demo)
    respect_robots: bool = True
    base_url: str | None = None  # substituted for {{BASE}} in a feeds file (the demo's replay server)
    failing_feed_runs: int = 4
    final_after_runs: int = 3  # runs with a transient skip after which an entry is not tried again
    partition: str | None = None  # "i/N": poll partition i of N of the feeds, sharing the database (flows/writer.py)
    dask_address: str | None = None  # CPU stages on a Dask cluster: tcp://host:port, or local:N; None = local pool


def resolve_settings(
    db: str | os.PathLike | None = None,
    feeds: str | os.PathLike | None = None,
    alerts: str | os.PathLike | None = None,
    env: dict[str, str] | None = None,
    dask_address: str | None = None,
    **overrides,
) -> Settings:
    """Arguments first, then SAHELWATCH_* environment variables, then the defaults."""
    env = dict(os.environ if env is None else env)
    db_path = Path(db or env.get("SAHELWATCH_DB") or DEFAULT_DB)
    feeds_path = Path(feeds or env.get("SAHELWATCH_FEEDS") or DEFAULT_FEEDS)
    alerts_value = alerts or env.get("SAHELWATCH_ALERTS")
    settings = Settings(
        db_path=db_path,
        feeds_path=feeds_path,
        alerts_path=Path(alerts_value) if alerts_value else None,
        spool_dir=db_path.parent / "spool",
        report_path=db_path.parent / "report.html",
        report_since=env.get("SAHELWATCH_REPORT_SINCE") or Settings.report_since,
        report_lang=env.get("SAHELWATCH_REPORT_LANG") or Settings.report_lang,
        page_port=_port(env.get("SAHELWATCH_PAGE_PORT"), Settings.page_port),
        dask_address=_dask_address(dask_address or env.get("SAHELWATCH_DASK_ADDRESS")),
    )
    if env.get("SAHELWATCH_ALLOW_HOSTS"):
        settings = replace(settings, allow_hosts=tuple(env["SAHELWATCH_ALLOW_HOSTS"].split(",")))
    return replace(settings, **{k: v for k, v in overrides.items() if v is not None})


def _port(value: str | None, default: int) -> int:
    if not value:
        return default
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise ConfigError(f"SAHELWATCH_PAGE_PORT={value!r} is not a port number")
    return int(value)


def _dask_address(value: str | None) -> str | None:
    """A Dask scheduler's address (tcp://host:port) or local:N (a cluster of N single-threaded worker processes
    that the run starts and closes); None or empty: the local process pool."""
    if not value:
        return None
    kind, _, rest = value.partition(":")
    if kind == "local" and rest.isdigit() and 0 < int(rest) <= 256:
        return value
    host, _, port = rest.removeprefix("//").rpartition(":")
    if kind == "tcp" and rest.startswith("//") and host and port.isdigit() and 0 < int(port) < 65536:
        return value
    raise ConfigError(f"dask address {value!r}: use tcp://HOST:PORT (a running scheduler) or local:N (N workers)")
