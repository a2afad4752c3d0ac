"""Headless Chromium (Debian's `chromium` package) driven by Playwright, for the situation page's tests and its
benchmark (scripts/bench_page.py). Playwright never downloads a browser here: it starts /usr/bin/chromium.

The flags keep Chromium off the network it does not have (background networking, component updates, sync) and
let it run as root in a container (--no-sandbox); each launch gets a fresh profile directory.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1400, "height": 1000}


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@dataclass
class Traffic:
    """What a page did besides drawing: console messages, uncaught errors and every request it made."""

    console: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def console_errors(self) -> list[str]:
        return [text for kind, text in self.console if kind == "error"] + self.errors


@contextmanager
def browser() -> Iterator:
    """A headless Chromium context (Playwright BrowserContext) with a fresh profile, closed on exit."""
    from playwright.sync_api import sync_playwright

    path = chromium_path()
    if path is None:
        raise RuntimeError("no chromium on PATH (Debian: apt-get install chromium)")
    with tempfile.TemporaryDirectory(prefix="sahelwatch-chromium-") as profile, sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            profile, executable_path=path, args=CHROMIUM_FLAGS, headless=True, viewport=VIEWPORT
        )
        try:
            yield context
        finally:
            context.close()


def open_page(context, path: Path, traffic: Traffic | None = None, timeout_ms: int = 30_000):
    """Open a local HTML file, record its console, errors and requests, and wait until its script says ready
    (or shows its error box)."""
    page = context.new_page()
    if traffic is not None:
        page.on("console", lambda m: traffic.console.append((m.type, m.text)))
        page.on("pageerror", lambda e: traffic.errors.append(str(e)))
        page.on("request", lambda r: traffic.requests.append(r.url))
    page.goto(Path(path).resolve().as_uri())
    page.wait_for_function(
        "document.body.dataset.ready === 'true' || !document.getElementById('error').hidden", timeout=timeout_ms
    )
    return page


def settle(page) -> None:
    """Wait until the page's last update is drawn: its charts have run and the browser has painted a frame."""
    page.evaluate(
        "async () => { await window.sahelwatch.settled(); "
        "await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0))); }"
    )


def counts(page) -> dict:
    return page.evaluate("window.sahelwatch.counts()")


def looks_drawn(png: Path, colours: list[tuple[int, int, int]] = (), tolerance: int = 40, min_pixels: int = 20) -> bool:
    """Whether a screenshot shows a drawn page, judged on its pixels: many distinct colours, no single colour
    covering nearly all of it, and at least `min_pixels` pixels close to each of `colours` (markers, bars)."""
    from PIL import Image

    with Image.open(png) as image:
        rgb = image.convert("RGB")
        histogram = rgb.getcolors(maxcolors=rgb.width * rgb.height)
    total = rgb.width * rgb.height
    if len(histogram) < 64 or max(n for n, _ in histogram) > 0.9 * total:
        return False

    def near(target: tuple[int, int, int]) -> int:
        return sum(n for n, c in histogram if max(abs(a - b) for a, b in zip(c, target, strict=True)) <= tolerance)

    return all(near(colour) >= min_pixels for colour in colours)
