"""Run summaries as Markdown (the Prefect artifact) — plain functions of the summary dict."""

from __future__ import annotations


def _table(header: tuple[str, ...], rows: list[tuple]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join("" if v is None else str(v) for v in row) + " |" for row in rows]
    return lines


def summary_markdown(summary: dict) -> str:
    """The run summary an operator reads in the Prefect UI."""
    counts = [(k.replace("_", " "), summary.get(k)) for k in (
        "feeds_polled", "feeds_not_modified", "feeds_failed", "feeds_bozo", "entries_seen", "pages_fetched",
        "new_articles", "duplicates", "skips", "events_new", "events_updated", "alerts_sent") if k in summary]
    lines = [f"# sahelwatch ingest run `{summary.get('run_id')}`", "", f"Database: `{summary.get('db')}`, "
             f"{summary.get('seconds')} s", "", *_table(("count", "value"), counts), ""]
    if summary.get("skips_by_reason"):
        lines += ["## Skips by reason", "", *_table(("reason", "items"), list(summary["skips_by_reason"].items())), ""]
    if summary.get("languages"):
        lines += ["## Languages", "", *_table(("language", "articles"), list(summary["languages"].items())), ""]
    feeds = summary.get("feeds") or []
    if feeds:
        rows = [(f["name"], f["status"], f["entries"], f["bozo"] or "", f["error"] or "") for f in feeds]
        lines += ["## Feeds", "", *_table(("feed", "status", "entries", "bozo", "error"), rows), ""]
    page = summary.get("page") or {}
    if page.get("path"):
        lines += [f"Situation page: `{page['path']}`" + (f" ({page['events']} events)" if "events" in page else
                                                         " (unchanged: nothing new)"), ""]
    events = summary.get("new_events") or []
    if events:
        rows = [(e.get("event_date"), e.get("event_type"), e.get("location"), e.get("country"), e.get("fatalities"),
                 e.get("url")) for e in events]
        lines += ["## New events", "", *_table(("date", "type", "place", "country", "deaths", "source"), rows), ""]
    return "\n".join(lines)
