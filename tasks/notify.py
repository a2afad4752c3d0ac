"""Sending through Apprise, secrets kept out of logs and the database.

    Channel(url with ${VAR}) → resolve_url(env) → one Apprise plugin per channel, own timeouts → SendResult

A channel URL is resolved at send time: `${VAR}` from the environment mapping passed in, and a URL written
`prefect-secret://BLOCK` is the value of that Prefect Secret block (the whole Apprise URL). Every value that came
from a secret, and the resolved URL itself, is scrubbed from Apprise's and urllib3's log records while sending
and from the error text we keep. Nothing here raises for a failed send: the result says what happened.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from tasks.alerts import Channel, Message, Rules, Send, load_rules, render, render_digest
from tasks.errors import AlertError

log = logging.getLogger(__name__)

_PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_SECRET_SCHEME = "prefect-secret://"
_NOISY_LOGGERS = ("apprise", "urllib3.connectionpool", "urllib3.util.retry", "requests")
REDACTED = "***"


@dataclass(frozen=True)
class Resolved:
    """A channel URL ready for Apprise, and every string that must never be shown."""

    url: str
    secrets: tuple[str, ...]


@dataclass(frozen=True)
class SendResult:
    channel_id: str
    ok: bool
    error: str | None = None


_FILE_LOCK = threading.Lock()


def _register_file_channel() -> None:
    """`jsonl://data/alerts.jsonl` (relative) or `jsonl://file?path=/abs/alerts.jsonl`: one JSON line per message."""
    from apprise.decorators import notify

    @notify(on="jsonl", name="JSON lines file (sahelwatch)")
    def write_line(body, title, notify_type, meta, *args, **kwargs):
        qsd = meta.get("qsd") or {}
        path = (
            Path(qsd["path"])
            if qsd.get("path")
            else Path(meta.get("host", "")) / (meta.get("fullpath") or "").lstrip("/")
        )
        line = json.dumps(
            {"at": datetime.now().astimezone().isoformat(), "type": str(notify_type), "title": title, "body": body},
            ensure_ascii=False,
        )
        with _FILE_LOCK:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as fh:
                fh.write(line + "\n")
        return True


_register_file_channel()


def load_prefect_secret(name: str) -> str:
    """The value of a Prefect Secret block (needs a Prefect API)."""
    from prefect.blocks.system import Secret

    block: Any = Secret.load(name)  # sync call outside an event loop
    return str(block.get())


def resolve_url(
    channel: Channel, env: Mapping[str, str], secret_loader: Callable[[str], str] = load_prefect_secret
) -> Resolved:
    """Fill the channel's placeholders; a missing variable or block is an AlertError naming only the variable."""
    if channel.url.startswith(_SECRET_SCHEME):
        block = channel.url[len(_SECRET_SCHEME) :].strip("/")
        try:
            url = secret_loader(block)
        except Exception:  # any failure to reach or read the block
            raise AlertError(f"channel {channel.channel_id}: cannot read Prefect Secret block {block!r}") from None
        return Resolved(url, _variants(url))
    secrets: list[str] = []

    def fill(match: re.Match) -> str:
        name = match.group(1)
        if not env.get(name):
            raise AlertError(f"channel {channel.channel_id}: environment variable {name} is not set")
        secrets.append(env[name])
        return env[name] if verbatim_at(channel.url, match.start()) else quote(env[name], safe="")

    url = _PLACEHOLDER.sub(fill, channel.url)
    return Resolved(url, tuple(s for value in (*secrets, url) for s in _variants(value)))


def verbatim_at(template: str, start: int) -> bool:
    """Is a placeholder at `start` of a channel URL inserted as is? Yes when it stands for the scheme or the whole
    URL (`${SLACK_WEBHOOK_URL}`) or for the host (`json://${HOST}/x`); no inside the user, password, path or query,
    where a secret's `/ @ : + % ? #` would change the URL's meaning and is percent-encoded."""
    scheme_end = template.find("://")
    if scheme_end < 0 or start < scheme_end + 3:
        return True
    netloc_end = min((i for i in (template.find(c, scheme_end + 3) for c in "/?#") if i >= 0), default=len(template))
    if start >= netloc_end:
        return False
    return start > template.rfind("@", scheme_end + 3, netloc_end)


def _variants(value: str) -> tuple[str, ...]:
    """A secret as it may appear in a log line: as is, URL-quoted; for a URL also its path and its parts."""
    forms = {value, quote(value, safe=""), quote(value, safe="/:@")}
    if "://" in value:
        parts = urlsplit(value)
        forms |= {value.split("://", 1)[1], parts.path, f"{parts.path}?{parts.query}", parts.password or ""}
        forms |= {p for p in re.split(r"[/?&=@:]", f"{parts.path}?{parts.query}") if len(p) >= 6}
    return tuple(sorted((f for f in forms if len(f) >= 4), key=len, reverse=True))


def scrub(text: str, secrets: tuple[str, ...]) -> str:
    """The text with every secret (longest first) replaced by ***."""
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return text


class _Scrubber(logging.Filter):
    """Rewrites records of the sending libraries so no secret reaches a handler; keeps this thread's warnings."""

    def __init__(self, secrets: tuple[str, ...]):
        super().__init__()
        self.secrets = secrets
        self.thread = threading.get_ident()
        self.warnings: list[str] = []

    def filter(self, record: logging.LogRecord) -> bool:
        message = scrub(record.getMessage(), self.secrets)
        record.msg, record.args = message, None
        if record.exc_info:  # a traceback quotes the failing URL: format it now, scrubbed, and drop the original
            record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        for name in ("exc_text", "stack_info"):
            if getattr(record, name, None):
                setattr(record, name, scrub(getattr(record, name), self.secrets))
        if record.thread == self.thread and record.levelno >= logging.WARNING:
            self.warnings.append(message)
        return True


@contextmanager
def _scrubbed_logs(secrets: tuple[str, ...]) -> Iterator[_Scrubber]:
    scrubber = _Scrubber(secrets)
    loggers = [logging.getLogger(name) for name in _NOISY_LOGGERS]
    for logger in loggers:
        logger.addFilter(scrubber)
    # A handler that fails while a send is failing prints "--- Logging error ---" with the exception being
    # handled, and that traceback quotes the channel's URL: no such report while secrets are in flight.
    raise_exceptions, logging.raiseExceptions = logging.raiseExceptions, False
    try:
        yield scrubber
    finally:
        logging.raiseExceptions = raise_exceptions
        for logger in loggers:
            logger.removeFilter(scrubber)


def _notify(url: str, message: Message, timeout: float) -> bool:
    """One Apprise plugin for one channel, with our timeouts; the body is plain text (converted for HTML email)."""
    import apprise

    plugin = apprise.Apprise.instantiate(url, suppress_exceptions=True)
    if plugin is None:
        raise AlertError("not a URL Apprise understands (check the scheme and its options)")
    plugin.socket_connect_timeout = timeout
    plugin.socket_read_timeout = timeout
    sender = apprise.Apprise()
    sender.add(plugin)
    return bool(
        sender.notify(
            body=message.body,
            title=message.title,
            body_format=apprise.NotifyFormat.TEXT,
            notify_type=apprise.NotifyType(message.severity),
        )
    )


def send_message(
    channel: Channel,
    message: Message,
    env: Mapping[str, str],
    *,
    timeout: float = 5.0,
    secret_loader: Callable[[str], str] = load_prefect_secret,
) -> SendResult:
    """Send one message on one channel; never raises, never lets a secret into a log line or the result."""
    secrets: tuple[str, ...] = ()
    try:
        resolved = resolve_url(channel, env, secret_loader)
        secrets = resolved.secrets
        with _scrubbed_logs(secrets) as scrubber:
            ok = _notify(resolved.url, message, timeout)
        error = None if ok else (scrubber.warnings[-1] if scrubber.warnings else "the channel refused the message")
    except AlertError as exc:
        ok, error = False, scrub(str(exc), secrets)
    except Exception as exc:  # a plugin bug must not stop the other channels
        ok, error = False, scrub(f"{type(exc).__name__}: {exc}", secrets)
    if not ok:
        log.warning("alert channel %s failed: %s", channel.channel_id, error)
    return SendResult(channel.channel_id, ok, error)


# --- entry points: read what is due (short), send (no DB open), write the outcome (short) --------------------


@dataclass(frozen=True)
class AlertStats:
    """Sends are (event, rule, channel, version) ledger rows; a digest message carries several."""

    sent: int = 0
    failed: int = 0
    skipped: int = 0
    messages: int = 0


def render_safely(send: Send) -> Message:
    """The message of one send; an event that cannot be rendered gets a minimal message, never a failed run."""
    try:
        return render(send)
    except Exception as exc:  # noqa: BLE001 - the isolation boundary around one alert
        log.warning("alert for event %s could not be rendered: %s", send.alert.event_id, type(exc).__name__)
        return Message(
            f"[{send.rule.name}] event {send.alert.event_id} v{send.alert.version}",
            f"Event {send.alert.event_id} matched rule {send.rule.name}; its details could not be rendered "
            f"({type(exc).__name__}).",
        )


def _batches(due: Sequence[Send]) -> list[tuple[Channel, Message, list[Send]]]:
    """One message per send, or one per (digest rule, channel) listing all its sends."""
    singles = [(s.channel, render_safely(s), [s]) for s in due if not s.rule.digest]
    groups: dict[tuple[str, str], list[Send]] = {}
    for s in due:
        if s.rule.digest:
            groups.setdefault((s.rule.name, s.channel.channel_id), []).append(s)
    digests = [(g[0].channel, render_digest(g[0].rule, g), g) for g in groups.values()]
    return singles + digests


def _deliver_channel(batches, env, timeout, secret_loader) -> list[dict[str, Any]]:
    """Send one channel's messages in order; after a failure the rest wait for the next run (not recorded)."""
    outcomes: list[dict[str, Any]] = []
    for number, (channel, message, sends) in batches:
        result = send_message(channel, message, env, timeout=timeout, secret_loader=secret_loader)
        outcomes += [{**_outcome(s, result), "message": number} for s in sends]
        if not result.ok:
            break
    return outcomes


def _outcome(send: Send, result: SendResult) -> dict[str, Any]:
    return {
        "event_id": send.alert.event_id,
        "rule": send.rule.name,
        "channel": send.channel.channel_id,
        "version": send.alert.version,
        "kind": send.kind,
        "ok": result.ok,
        "error": result.error,
    }


def deliver(
    due: Sequence[Send],
    env: Mapping[str, str],
    timeout: float = 5.0,
    secret_loader: Callable[[str], str] = load_prefect_secret,
) -> list[dict[str, Any]]:
    """Send every due message, channels in parallel, each channel in order; return the outcomes tried."""
    by_channel: dict[str, list] = {}
    for number, batch in enumerate(_batches(due)):
        by_channel.setdefault(batch[0].channel_id, []).append((number, batch))
    if not by_channel:
        return []
    with ThreadPoolExecutor(max_workers=min(8, len(by_channel))) as pool:
        futures = [pool.submit(_deliver_channel, b, env, timeout, secret_loader) for b in by_channel.values()]
        return [o for f in futures for o in f.result()]


def send_to_ops(
    rules: Rules,
    message: Message,
    env: Mapping[str, str] | None = None,
    secret_loader: Callable[[str], str] = load_prefect_secret,
) -> bool:
    """Send an ops message on every ops channel; True when at least one took it."""
    env = os.environ if env is None else env
    results = [send_message(c, message, env, timeout=rules.timeout, secret_loader=secret_loader) for c in rules.ops]
    return any(r.ok for r in results)


def _rules_path(flow_run) -> Path:
    params = getattr(flow_run, "parameters", None) or {}
    for key in ("alerts", "rules", "alerts_path"):
        if params.get(key):
            return Path(params[key])
    from tasks.settings import DEFAULT_ALERTS, resolve_settings

    return resolve_settings().alerts_path or DEFAULT_ALERTS


def failure_message(flow, flow_run, state) -> Message:
    """`[ops] ingest run failed`, with the run, its final state and why: a failure-type message."""
    kind = getattr(getattr(state, "type", None), "value", None) or str(getattr(state, "name", "failed"))
    title = f"[ops] {getattr(flow, 'name', flow)} run {kind.lower()}"
    body = (
        f"Flow run {getattr(flow_run, 'name', '?')} ({getattr(flow_run, 'id', '?')}) ended {kind}: "
        f"{getattr(state, 'message', '') or 'no message'}"
    )
    return Message(title, body, severity="failure")


def notify_flow_failure(flow, flow_run, state, *, env: Mapping[str, str] | None = None) -> bool:
    """Prefect `on_failure` / `on_crashed` hook: tell the ops channels. Never raises."""
    try:
        rules = load_rules(_rules_path(flow_run))
        return send_to_ops(rules, failure_message(flow, flow_run, state), env)
    except Exception as exc:  # a failure hook must never raise
        log.warning("could not send the flow failure notice: %s", type(exc).__name__)
        return False
