"""The ingest flow's last step for the situation page: rewrite data/report.html from the analysts' copy the run
just published, and link it from the run in the Prefect UI.

Hook (flows/ingest.py): `summary["page"] = publish_page(settings, summary["publish"], now)` right after the
analysts' copy is published and before the summary artifact (which names the page).
"""

from __future__ import annotations

from datetime import datetime

from prefect import get_run_logger
from prefect.artifacts import create_link_artifact

from flows.situation.page import build_page, parse_since
from storage.publish import analyst_path
from tasks.errors import SahelwatchError
from tasks.settings import Settings


def publish_page(settings: Settings, copy: dict, now: datetime) -> dict:
    """Rewrite the page when the run republished the analysts' copy (`copy`, publish_if_changed's answer), or
    when the page is missing; return what it holds. A page that cannot be written is a warning in the log and an
    `error` in the summary: it never fails the run."""
    page = settings.report_path
    if copy.get("skipped") and page.exists():
        figures = {"path": str(page), "skipped": copy["skipped"]}
    else:
        try:
            figures = build_page(
                analyst_path(settings.db_path),
                page,
                parse_since(settings.report_since, now.date()),
                lang=settings.report_lang,
                now=now,
            )
        except (SahelwatchError, OSError) as exc:
            get_run_logger().warning("situation page not written: %s", exc)
            return {"error": str(exc)}
    create_link_artifact(
        key="situation-page",
        link=page.resolve().as_uri(),
        link_text=f"Situation page ({page})",
        description="Map, timeline and table of events; served at "
        f"http://127.0.0.1:{settings.page_port}/ while `sahelwatch serve` runs",
    )
    return figures
