"""A small real HTTP server that replays a fixture directory on 127.0.0.1.

Used by `sahelwatch demo`, by tests and by benchmarks, so the pipeline talks HTTP to something real:

    with ReplayServer(Path("demo/site")) as server:
        httpx.get(f"{server.url}/feeds/sahel-matin.xml")
        server.hits["/feeds/sahel-matin.xml"]  # -> 1

- Files under `root` are served by extension (see `CONTENT_TYPES`); anything else is a 404.
- Text files may contain `{{BASE}}`, replaced by the server's own URL when served.
- Every 200 carries a strong ETag (sha1 of the body as served) and a Last-Modified (the file's mtime), and a
  matching If-None-Match or If-Modified-Since gets a 304.
- `root/_behaviour.yaml` maps a path to a special answer; the keys of one behaviour are
  `status`, `times` (apply only to the first N requests), `delay` (seconds), `redirect`, `content_type`,
  `body_bytes` (generated body of that size), `headers`, `no_etag`, `last_modified` (HTTP date).

Run it in the foreground with `python -m flows.replay DIR [--port N]`.
"""

from __future__ import annotations

import argparse
import hashlib
import threading
import time
from collections import Counter
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml

BASE_PLACEHOLDER = b"{{BASE}}"
BEHAVIOUR_FILE = "_behaviour.yaml"
CONTENT_TYPES = {
    ".xml": "application/rss+xml",
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".pdf": "application/pdf",
    ".txt": "text/plain; charset=utf-8",
    ".json": "application/json",
}
TEMPLATED = {".xml", ".rss", ".atom", ".html", ".htm", ".txt", ".json"}
FILLER = b"<p>" + b"Sahel " * 160 + b"</p>\n"


class ReplayServer:
    """Serves `root` on `host:port` (0 = any free port) from a daemon thread while the context is open."""

    def __init__(
        self,
        root: Path,
        host: str = "127.0.0.1",
        port: int = 0,
        behaviour: dict[str, dict[str, Any]] | None = None,
        quiet: bool = True,
    ) -> None:
        self.root = Path(root).resolve()
        self.host = host
        self.port = port
        self.behaviour = behaviour if behaviour is not None else load_behaviour(self.root)
        self.quiet = quiet
        self.hits: Counter[str] = Counter()
        self.statuses: Counter[int] = Counter()
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def __enter__(self) -> ReplayServer:
        self._httpd = _Server((self.host, self.port), _Handler, replay=self)
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name=f"replay:{self.port}", daemon=True
        )
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def reset_counts(self) -> None:
        with self._lock:
            self.hits.clear()
            self.statuses.clear()

    def count_request(self, path: str) -> int:
        """Count one request for `path`; returns how many this path has had, this one included."""
        with self._lock:
            self.hits[path] += 1
            return self.hits[path]

    def count_status(self, status: int) -> None:
        with self._lock:
            self.statuses[status] += 1


def load_behaviour(root: Path) -> dict[str, dict[str, Any]]:
    """Read `root/_behaviour.yaml` (path -> behaviour); an absent file means no special answers."""
    path = root / BEHAVIOUR_FILE
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {("/" + key.lstrip("/")): value or {} for key, value in data.items()}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler], replay: ReplayServer):
        self.replay = replay
        super().__init__(address, handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up (size cap, timeout) is normal here; stay quiet."""


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    timeout = 30  # an idle keep-alive connection is closed after this many seconds

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def log_message(self, format: str, *args: Any) -> None:
        if not self.server.replay.quiet:
            super().log_message(format, *args)

    def _answer(self, send_body: bool) -> None:
        replay = self.server.replay
        path = unquote(urlsplit(self.path).path)
        nth = replay.count_request(path)
        rule = _active_rule(replay.behaviour.get(path, {}), nth)
        if rule.get("delay"):
            time.sleep(float(rule["delay"]))
        if "redirect" in rule:
            location = rule["redirect"]
            if location.startswith("/"):
                location = replay.url + location
            return self._send(int(rule.get("status", 302)), b"", {"Location": location}, send_body)
        if "status" in rule:
            body = f"status {rule['status']} from the replay server\n".encode()
            return self._send(int(rule["status"]), body, _text(rule), send_body)
        if "body_bytes" in rule:
            return self._send_generated(int(rule["body_bytes"]), rule, send_body)
        self._send_file(path, rule, send_body)

    def _send_file(self, path: str, rule: dict[str, Any], send_body: bool) -> None:
        replay = self.server.replay
        file = _resolve(replay.root, path)
        if file is None:
            return self._send(404, b"not found\n", {"Content-Type": "text/plain; charset=utf-8"}, send_body)
        body = file.read_bytes()
        if file.suffix in TEMPLATED:
            body = body.replace(BASE_PLACEHOLDER, replay.url.encode())
        headers = {"Content-Type": rule.get("content_type") or CONTENT_TYPES[file.suffix]}
        headers["Last-Modified"] = rule.get("last_modified") or formatdate(file.stat().st_mtime, usegmt=True)
        if not rule.get("no_etag"):
            headers["ETag"] = '"' + hashlib.sha1(body).hexdigest() + '"'
        headers.update(rule.get("headers") or {})
        if self._not_modified(headers):
            return self._send(304, b"", {k: v for k, v in headers.items() if k != "Content-Type"}, send_body)
        self._send(200, body, headers, send_body)

    def _not_modified(self, headers: dict[str, str]) -> bool:
        """RFC 9110: If-None-Match wins when present; If-Modified-Since is only read without it."""
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            etag = headers.get("ETag")
            tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
            return etag is not None and (etag in tags or "*" in tags)
        since = self.headers.get("If-Modified-Since")
        if since is None:
            return False
        try:
            return parsedate_to_datetime(headers["Last-Modified"]) <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False

    def _send_generated(self, size: int, rule: dict[str, Any], send_body: bool) -> None:
        headers = {"Content-Type": rule.get("content_type", "text/html; charset=utf-8"), **(rule.get("headers") or {})}
        self._send(200, b"", headers, send_body=False, length=size)
        if not send_body:
            return
        remaining = size
        while remaining > 0:
            chunk = FILLER[: min(len(FILLER), remaining)]
            self.wfile.write(chunk)
            remaining -= len(chunk)

    def _send(
        self, status: int, body: bytes, headers: dict[str, str], send_body: bool, length: int | None = None
    ) -> None:
        self.server.replay.count_status(status)
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, str(value))
        if status != 304:
            self.send_header("Content-Length", str(len(body) if length is None else length))
        self.end_headers()
        if send_body and body:
            self.wfile.write(body)


def _active_rule(rule: dict[str, Any], nth: int) -> dict[str, Any]:
    """A rule with `times: N` applies to the first N requests of its path, then the path is served normally."""
    if "times" in rule and nth > int(rule["times"]):
        return {}
    return rule


def _text(rule: dict[str, Any]) -> dict[str, str]:
    return {"Content-Type": "text/plain; charset=utf-8", **(rule.get("headers") or {})}


def _resolve(root: Path, path: str) -> Path | None:
    """The file under `root` that `path` names, or None (outside root, a directory, hidden, unknown type)."""
    candidate = (root / path.lstrip("/")).resolve()
    if not candidate.is_relative_to(root) or not candidate.is_file():
        return None
    if candidate.name == BEHAVIOUR_FILE or candidate.suffix not in CONTENT_TYPES:
        return None
    return candidate


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m flows.replay", description="Serve a fixture directory.")
    parser.add_argument("root", type=Path, help="directory to serve, e.g. demo/site")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args(argv)
    with ReplayServer(args.root, host=args.host, port=args.port, quiet=False) as server:
        print(f"serving {server.root} at {server.url} (Ctrl-C to stop)", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
