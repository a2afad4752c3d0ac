"""`sahelwatch serve`: one machine, one command — the three deployments and their schedules, served by Prefect.

    ingest       every 15 minutes (cron), parameters feeds + db (+ base_url, allow_hosts for local feeds)
    reprocess    no schedule: run it by hand after an extractor change
    maintenance  daily at 03:30 UTC

Only one writer at a time, twice over:
- the runner takes one flow run at a time (`limit=1`): a run that comes due while another is running stays
  Scheduled (Late) and starts when the first one ends;
- each deployment has `concurrency_limit` 1 with collision strategy ENQUEUE: if a second runner or worker ever
  picks up a run of the same deployment, the server refuses its start and puts it in Scheduled
  "AwaitingConcurrencySlot"; it is retried (every 30 s by default) and runs after the first. Nothing is skipped.
The same settings are in deploy/prefect.yaml for the server + work pool + worker setup.
"""

from __future__ import annotations

import warnings
from datetime import timedelta

from prefect import serve
from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy

INGEST_CRON = "*/15 * * * *"
MAINTENANCE_CRON = "30 3 * * *"
WRITER_TAGS = ["sahelwatch", "writer"]


def writer_limit() -> ConcurrencyLimitConfig:
    """At most one run per writing deployment; a second one waits (ENQUEUE), it is not cancelled."""
    return ConcurrencyLimitConfig(limit=1, collision_strategy=ConcurrencyLimitStrategy.ENQUEUE)


def ingest_parameters(feeds: str | None, db: str | None, base_url: str | None = None,
                      allow_hosts: list[str] | None = None) -> dict:
    """The ingest deployment's default parameters (absent ones fall back to the flow's own defaults)."""
    params = {"feeds": feeds, "db": db, "base_url": base_url, "allow_hosts": allow_hosts or None}
    return {k: v for k, v in params.items() if v is not None}


def schedule(cron: str, interval: float | None) -> dict:
    """to_deployment keywords: the cron, or a fixed interval in seconds (demos and tests)."""
    return {"interval": timedelta(seconds=interval)} if interval else {"cron": cron}


def build_deployments(feeds: str | None = None, db: str | None = None, *, cron: str = INGEST_CRON,
                      maintenance_cron: str = MAINTENANCE_CRON, interval: float | None = None,
                      base_url: str | None = None, allow_hosts: list[str] | None = None) -> list:
    """The three RunnerDeployments, named like the flows (ingest/ingest, reprocess/reprocess, ...)."""
    from flows.ingest import ingest
    from flows.maintenance import maintenance
    from flows.reprocess import reprocess

    db_param = {"db": db} if db else {}
    return [
        ingest.to_deployment(name="ingest", parameters=ingest_parameters(feeds, db, base_url, allow_hosts),
                             concurrency_limit=writer_limit(), tags=WRITER_TAGS, **schedule(cron, interval)),
        reprocess.to_deployment(name="reprocess", parameters=db_param, concurrency_limit=writer_limit(),
                                tags=WRITER_TAGS),
        maintenance.to_deployment(name="maintenance", parameters=db_param, concurrency_limit=writer_limit(),
                                  tags=WRITER_TAGS, cron=maintenance_cron),
    ]


def serve_all(feeds: str | None = None, db: str | None = None, **options) -> None:
    """Register the deployments with the Prefect API and run their flow runs here, one at a time, until Ctrl-C."""
    # prefect 3.8.8's SIGTERM handler calls an async stop without awaiting it; the shutdown itself works
    warnings.filterwarnings("ignore", message="coroutine 'Runner.astop' was never awaited")
    serve(*build_deployments(feeds, db, **options), limit=1, print_starting_message=False)


def banner(api_url: str, started: bool, db: str, options: dict) -> list[str]:
    """What serve prints once it is ready: where the UI is, what runs when, how to run one now and to stop."""
    ui = api_url.removesuffix("/api")
    every = f"every {options['interval']:g} s" if options.get("interval") else f"cron {options.get('cron', INGEST_CRON)!r} UTC"
    return [
        f"Prefect UI: {ui}" + ("  (server started by serve, files in $PREFECT_HOME)" if started else "  (PREFECT_API_URL)"),
        f"Database: {db}",
        f"Deployments: ingest/ingest ({every}), maintenance/maintenance (cron "
        f"{options.get('maintenance_cron', MAINTENANCE_CRON)!r} UTC), reprocess/reprocess (manual)",
        f"Run one now: PREFECT_API_URL={api_url} prefect deployment run ingest/ingest",
        "Ctrl-C (or SIGTERM) stops serving" + (" and the Prefect server." if started else "."),
    ]
