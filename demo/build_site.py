"""Render demo/articles.yaml into the demo's fixture web (demo/site/) and its expectation (demo/expected.yaml).

    python demo/build_site.py            # rewrite demo/site and demo/expected.yaml
    python demo/build_site.py --check    # exit 1 if they are not what articles.yaml gives

The site is served by `flows.replay.ReplayServer`; every URL in it starts with `{{BASE}}`, which the server
replaces by its own address. Edit articles.yaml, not the generated files.
"""

from __future__ import annotations

import argparse
import filecmp
import html
import shutil
import sys
import tempfile
from datetime import date
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from site_pages import AES_COMMUNIQUE, BASE, TEMPLATES, language, pdf_document, published  # noqa: E402

WEEKDAYS = {
    "fr": ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"],
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
}
SKIP_REASONS = {"missing": "http_404", "pdf": "not_html", "empty": "empty_extraction", "robots": "robots"}


def load(source: Path) -> dict[str, Any]:
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    by_id = {a["id"]: a for a in data["articles"]}
    for article in data["articles"]:
        article.setdefault("page", "normal")
        article["outlet_spec"] = data["outlets"][article["outlet"]]
        article["path"] = page_path(article)
        article["link"] = BASE + article["path"] + article.get("link_suffix", "")
        if "copy_of" in article:
            original = by_id[article["copy_of"]]
            article.update(title=original["title"], body=original["body"])
            article["expect"] = {**original["expect"], **article["expect"]}
        if "near_copy_of" in article:
            original = by_id[article["near_copy_of"]]
            article["body"] = f"{article['intro']}\n\n{original['body']}\n{article['outro']}\n"
            article["expect"] = {**original["expect"], **article["expect"]}
    return data


def page_path(article: dict[str, Any]) -> str:
    outlet, slug = article["outlet"], article["slug"]
    if article["page"] == "pdf":
        return f"/{outlet}/docs/{slug}.pdf"
    if article["page"] == "robots":
        return f"/{outlet}/abonnes/2026/11/{slug}.html"
    return f"/{outlet}/2026/11/{slug}.html"


# ---------------------------------------------------------------------------------------------- feeds


def rss_feed(outlet: dict[str, Any], key: str, items: list[dict[str, Any]], expect_line: str) -> str:
    malformed = outlet.get("malformed", False)
    parts = []
    for a in items:
        title = a["title"] if malformed else html.escape(a["title"], quote=False)
        summary = html.escape(a.get("summary") or "", quote=False)
        if malformed and a.get("near_copy_of"):
            summary += "<br>"  # an unclosed tag: not XML, the loose parser still reads the item
        lang = f"\n      <dc:language>{language(a)}</dc:language>" if not outlet["language"] else ""
        desc = f"\n      <description>{summary}</description>" if summary else ""
        author = f"\n      <dc:creator>{html.escape(a['author'])}</dc:creator>" if a.get("author") else ""
        parts.append(f"""    <item>
      <title>{title}</title>
      <link>{html.escape(a["link"], quote=False)}</link>
      <guid isPermaLink="false">{key}:{a["slug"]}</guid>
      <pubDate>{format_datetime(published(a))}</pubDate>{author}{lang}{desc}
    </item>""")
    language_tag = f"\n    <language>{outlet['language']}</language>" if outlet["language"] else ""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!-- Fixture: {outlet["name"]}, RSS 2.0. {expect_line} -->
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>{html.escape(outlet["name"])}</title>
    <link>{BASE}/{key}/</link>
    <description>{html.escape(outlet["site_title"], quote=False)}</description>{language_tag}
    <lastBuildDate>{outlet["last_modified"].replace("GMT", "+0000")}</lastBuildDate>
    <atom:link href="{BASE}{outlet["feed"]}" rel="self" type="application/rss+xml"/>
{chr(10).join(parts)}
  </channel>
</rss>
"""


def atom_feed(outlet: dict[str, Any], key: str, items: list[dict[str, Any]], expect_line: str) -> str:
    e = html.escape
    parts = []
    for a in items:
        when = published(a).isoformat().replace("+00:00", "Z")
        summary = f"\n    <summary>{e(a['summary'])}</summary>" if a.get("summary") else ""
        author = f"\n    <author><name>{e(a['author'])}</name></author>" if a.get("author") else ""
        parts.append(f"""  <entry>
    <title>{e(a["title"])}</title>
    <link rel="alternate" type="text/html" href="{e(a["link"])}"/>
    <id>tag:{key}.example,2026:{a["slug"]}</id>
    <published>{when}</published>
    <updated>{when}</updated>{author}{summary}
  </entry>""")
    updated = max(published(a) for a in items).isoformat().replace("+00:00", "Z")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!-- Fixture: {outlet["name"]}, Atom 1.0. {expect_line} -->
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{outlet["language"]}">
  <title>{e(outlet["name"])}</title>
  <subtitle>{e(outlet["site_title"])}</subtitle>
  <link rel="alternate" href="{BASE}/{key}/"/>
  <link rel="self" href="{BASE}{outlet["feed"]}"/>
  <id>tag:{key}.example,2026:feed</id>
  <updated>{updated}</updated>
{chr(10).join(parts)}
</feed>
"""


# ---------------------------------------------------------------------------------------------- expectation


def feed_items(data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    items = [a for a in data["articles"] if a["outlet"] == key]
    return sorted(items, key=published, reverse=True)


def expected(data: dict[str, Any]) -> dict[str, Any]:
    """What the demo must give, derived from the same source as the site."""
    by_id = {a["id"]: a for a in data["articles"]}
    feeds, articles, skips = [], {}, {}
    for key, outlet in data["outlets"].items():
        feeds.append(
            {
                "name": outlet["name"],
                "url": BASE + outlet["feed"],
                "format": outlet["format"],
                "entries": len(feed_items(data, key)),
                "bozo": bool(outlet.get("malformed")),
            }
        )
    for a in sorted(data["articles"], key=published):
        if a["page"] in SKIP_REASONS:
            skips[a["path"]] = {"feed": a["outlet_spec"]["name"], "reason": SKIP_REASONS[a["page"]]}
            continue
        row: dict[str, Any] = {
            "feed": a["outlet_spec"]["name"],
            "language": language(a),
            "title": a["title"],
            "published": published(a).isoformat().replace("+00:00", "Z"),
        }
        if a["link"] != BASE + a["path"]:
            row["entry_url"] = a["link"]
        original = a.get("copy_of") or a.get("near_copy_of")
        if original:
            row["duplicate_of"] = by_id[original]["path"]
            row["duplicate_kind"] = "exact" if a.get("copy_of") else "near"
        row.update(a["expect"])
        if isinstance(row.get("event_date"), date):
            row["event_date"] = row["event_date"].isoformat()
        articles[a["path"]] = row
    incidents: dict[str, list[str]] = {}
    for path, row in articles.items():
        if row.get("incident"):
            incidents.setdefault(row["incident"], []).append(path)
    languages = sorted({r["language"] for r in articles.values()})
    return {
        "feeds": feeds,
        "articles": articles,
        "skips": skips,
        "incidents": incidents,
        "totals": {
            "entries": sum(f["entries"] for f in feeds),
            "articles": len(articles),
            "duplicates": sum(1 for r in articles.values() if "duplicate_of" in r),
            "skips": len(skips),
            "by_language": {lang: sum(1 for r in articles.values() if r["language"] == lang) for lang in languages},
            "relevant": sum(1 for r in articles.values() if r["relevant"]),
            "not_relevant": sum(1 for r in articles.values() if not r["relevant"]),
        },
        "rerun": {"feeds_not_modified": len(feeds), "pages_fetched": 0, "new_articles": 0},
    }


EXPECTED_HEADER = """\
# What `sahelwatch demo` must give on demo/site. GENERATED by demo/build_site.py from demo/articles.yaml.
#
# feeds:     each feed of demo/feeds.yaml, the entries feedparser yields and whether it sets `bozo`.
# articles:  canonical page path (no query, no fragment) -> the row it must become in `articles`. Duplicates are
#            rows too, with duplicate_of = the path of the earliest-published copy (exact: same text;
#            near: same text plus boilerplate, different headline). `entry_url` is given when the feed link differs
#            (tracking parameters). relevant/country/event_type/... are for extraction tests: the main event,
#            ACLED taxonomy, event_date resolved from the relative day named in the text.
# skips:     page path -> the reason the pages stage gives up (http_404, not_html, robots, empty_extraction).
#            These entries carry no summary in their feed, so there is nothing to fall back on.
# incidents: independent reports of the same real-world event (same event_key expected).
# rerun:     a second run over the unchanged site: every feed answers 304 and no page is fetched.
"""


# ---------------------------------------------------------------------------------------------- site

ROBOTS = """\
# Fixture robots.txt: everything may be crawled except Le Réveil du Faso's subscriber section.
User-agent: *
Disallow: /reveil-faso/abonnes/
"""


def behaviour(data: dict[str, Any]) -> dict[str, Any]:
    """Fixed Last-Modified dates for the feeds, so conditional GET does not depend on file mtimes."""
    return {
        o["feed"]: {"last_modified": o["last_modified"], "headers": {"Cache-Control": "max-age=300"}}
        for o in data["outlets"].values()
    }


def index_page(data: dict[str, Any]) -> str:
    items = "\n".join(
        f'<li><a href="{BASE}{o["feed"]}">{html.escape(o["name"])}</a></li>' for o in data["outlets"].values()
    )
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>sahelwatch demo web</title></head>\n'
        f"<body><h1>sahelwatch demo web</h1><p>Invented outlets replayed locally. Feeds:</p><ul>\n{items}\n"
        f"</ul></body></html>\n"
    )


def check_calendar(data: dict[str, Any]) -> None:
    """Every dated event names its weekday in the text, so relative dates resolve as expected says."""
    for a in data["articles"]:
        when = a.get("expect", {}).get("event_date")
        if a.get("body") and isinstance(when, date):
            day = WEEKDAYS[language(a)][when.weekday()]
            if day.lower() not in a["body"].lower():
                raise SystemExit(f"{a['id']}: event_date {when} is a {day}, which the text does not name")


def build(data: dict[str, Any], out: Path) -> None:
    """Write the site into out/site and the expectation into out/expected.yaml."""
    check_calendar(data)
    site = out / "site"
    for a in data["articles"]:
        target = site / a["path"].lstrip("/")
        if a["page"] == "missing":
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if a["page"] == "pdf":
            target.write_bytes(pdf_document(AES_COMMUNIQUE))
        else:
            target.write_text(TEMPLATES[a["outlet"]](a, data["articles"]), encoding="utf-8")
    for key, outlet in data["outlets"].items():
        items = feed_items(data, key)
        line = f"feedparser must give {len(items)} entries, " + (
            "bozo=1 (unescaped & and an unclosed <br>)." if outlet.get("malformed") else "bozo=0."
        )
        render = atom_feed if outlet["format"] == "atom" else rss_feed
        target = site / outlet["feed"].lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(render(outlet, key, items, line), encoding="utf-8")
    (site / "robots.txt").write_text(ROBOTS, encoding="utf-8")
    (site / "index.html").write_text(index_page(data), encoding="utf-8")
    (site / "_behaviour.yaml").write_text(
        "# Special answers of the replay server (flows/replay.py). GENERATED by demo/build_site.py.\n"
        + yaml.safe_dump(behaviour(data), sort_keys=False, allow_unicode=True),
        encoding="utf-8",
    )
    (out / "expected.yaml").write_text(
        EXPECTED_HEADER + yaml.safe_dump(expected(data), sort_keys=False, allow_unicode=True, width=120),
        encoding="utf-8",
    )


def same_tree(left: Path, right: Path) -> bool:
    compared = filecmp.dircmp(left, right)
    if compared.left_only or compared.right_only or compared.funny_files:
        return False
    _, mismatch, errors = filecmp.cmpfiles(left, right, compared.common_files, shallow=False)
    return not mismatch and not errors and all(same_tree(left / d, right / d) for d in compared.common_dirs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that the generated files are current")
    args = parser.parse_args(argv)
    data = load(HERE / "articles.yaml")
    with tempfile.TemporaryDirectory() as tmp:
        build(data, Path(tmp))
        fresh_site, fresh_expected = Path(tmp) / "site", Path(tmp) / "expected.yaml"
        current = (
            (HERE / "site").is_dir()
            and same_tree(fresh_site, HERE / "site")
            and (HERE / "expected.yaml").exists()
            and filecmp.cmp(fresh_expected, HERE / "expected.yaml", shallow=False)
        )
        if args.check:
            print("demo/site is current" if current else "demo/site is stale: run python demo/build_site.py")
            return 0 if current else 1
        shutil.rmtree(HERE / "site", ignore_errors=True)
        shutil.copytree(fresh_site, HERE / "site")
        shutil.copyfile(fresh_expected, HERE / "expected.yaml")
    print(f"wrote {HERE / 'site'} and {HERE / 'expected.yaml'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
