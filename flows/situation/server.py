"""The situation page over HTTP on 127.0.0.1, beside the deployments `sahelwatch serve` runs.

    GET /                       the page (same query parameters as below; lang=en|fr), rendered on request
    GET /api/events             the same events as JSON: ?since=14d|DATE|all&countries=ML,BF&lang=en|fr
    GET /healthz                "ok"

Both read the analysts' copy (data/<db>-analyst.duckdb, replaced after every run), read-only, with a connection
per request: the server never touches the pipeline's own file, so it can never hold the writer's lock. Before the
first run has published a copy, both answer 503 with the reason.

Hook (flows/analyst_cli.py `serve`): `server = start_page_server(db_path, port)` before the blocking serve call
starts a ThreadingHTTPServer in a daemon thread; `server.stop()` after it.
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from flows.situation.page import page_data, parse_countries, parse_since, read_situation, render_page
from storage.publish import analyst_path
from tasks.errors import ConfigError, SahelwatchError

HOST = "127.0.0.1"


def situation_for(snapshot: Path, query: str) -> dict:
    """The page's data for a request's query string (since, countries, lang)."""
    params = {k: v[-1] for k, v in parse_qs(query).items()}
    now = datetime.now(UTC)
    if not snapshot.exists():
        raise FileNotFoundError(f"no analysts' copy at {snapshot} yet: it is published at the end of the first run")
    rows = read_situation(
        snapshot, parse_since(params.get("since", "14d"), now.date()), parse_countries(params.get("countries"))
    )
    return page_data(rows, params.get("lang", "en"), now)


class PageHandler(BaseHTTPRequestHandler):
    snapshot: Path  # set on the subclass serving_page makes

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        url = urlsplit(self.path)
        try:
            if url.path == "/healthz":
                return self._send(HTTPStatus.OK, "text/plain", b"ok")
            if url.path not in ("/", "/index.html", "/api/events"):
                return self._error(HTTPStatus.NOT_FOUND, f"no such page: {url.path}")
            data = situation_for(self.snapshot, url.query)
        except ConfigError as exc:
            return self._error(HTTPStatus.BAD_REQUEST, str(exc))
        except (FileNotFoundError, SahelwatchError) as exc:
            return self._error(HTTPStatus.SERVICE_UNAVAILABLE, str(exc))
        if url.path == "/api/events":
            body = {
                "since": data["meta"]["since"],
                "countries": data["meta"]["countries_filter"],
                "generated_at": data["meta"]["generated_at"],
                "count": len(data["events"]),
                "events": data["events"],
            }
            return self._send(HTTPStatus.OK, "application/json", json.dumps(body, ensure_ascii=False).encode())
        return self._send(HTTPStatus.OK, "text/html; charset=utf-8", render_page(data).encode())

    def _error(self, status: HTTPStatus, message: str) -> None:
        self._send(status, "application/json", json.dumps({"error": message}, ensure_ascii=False).encode())

    def _send(self, status: HTTPStatus, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - http.server's signature
        pass  # quiet: `sahelwatch serve` prints Prefect's log, not one line per page view


class PageServer(ThreadingHTTPServer):
    daemon_threads = True

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.server_address[1]}/"

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


def start_page_server(db_path: Path, port: int) -> PageServer:
    """Serve the page of `db_path`'s analysts' copy on 127.0.0.1:port (0: any free port) from a daemon thread;
    OSError if the port is taken. `.url` says where, `.stop()` stops it."""
    handler = type("SituationHandler", (PageHandler,), {"snapshot": analyst_path(Path(db_path))})
    server = PageServer((HOST, port), handler)
    threading.Thread(target=server.serve_forever, name="situation-page", daemon=True).start()
    return server
