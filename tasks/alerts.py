"""Alert rules, matching and messages. Pure: no network, no database, no environment.

    deploy/alerts.yaml → load_rules → Rules(rules: Rule…, ops: Channel…)
    (event + its versions + its sources, and what was already sent) → plan_sends → Send…
    Send → render_* → Message(title, body)

A rule matches an event when every condition it names holds (a list matches when any of its items does).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pycountry

from tasks.config import RulesFile, RuleSpec, check_rules
from tasks.errors import ConfigError
from tasks.text import fold

REVISION_FIELDS = ("fatalities", "fatalities_low", "fatalities_high", "location", "admin1", "country", "event_date")
PRECISION = {1: "exact day", 2: "within a week", 3: "month only"}
GEO_PRECISION = {1: "town", 2: "near town / part of region", 3: "region or country only"}
_LIST_CONDITIONS = ("countries", "admin1", "places", "event_types", "sub_event_types", "actors")


@dataclass(frozen=True)
class Channel:
    """Where a message goes. `url` may hold ${VAR} placeholders; `channel_id` is safe to store and log."""

    channel_id: str
    url: str


@dataclass(frozen=True)
class Rule:
    """What someone watches, and where they want to hear about it."""

    name: str
    channels: tuple[Channel, ...]
    countries: tuple[str, ...] = ()
    admin1: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    event_types: tuple[str, ...] = ()
    sub_event_types: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    min_fatalities: int | None = None
    min_confidence: float | None = None
    digest: bool = False
    on_revision: bool = True


@dataclass(frozen=True)
class Rules:
    """The parsed rules file."""

    rules: tuple[Rule, ...] = ()
    ops: tuple[Channel, ...] = ()
    max_age_hours: float = 72.0
    max_attempts: int = 10
    timeout: float = 5.0

    def get(self, name: str) -> Rule:
        for rule in self.rules:
            if rule.name == name:
                return rule
        raise ConfigError(f"no alert rule named {name!r} (rules: {', '.join(r.name for r in self.rules) or 'none'})")


@dataclass(frozen=True)
class EventAlert:
    """An event as alerts see it: its current row, the changes of each version, its sources (title, url)."""

    event: Mapping[str, Any]
    changes: Mapping[int, Mapping[str, Sequence[Any]]] = field(default_factory=dict)
    sources: tuple[tuple[str, str], ...] = ()

    @property
    def event_id(self) -> str:
        return str(self.event["event_id"])

    @property
    def version(self) -> int:
        return int(self.event.get("version") or 1)


@dataclass(frozen=True)
class Send:
    """One message due on one channel for one (event, version) under one rule."""

    rule: Rule
    channel: Channel
    alert: EventAlert
    kind: str  # 'new' | 'revision'
    changes: Mapping[str, Sequence[Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class Message:
    title: str
    body: str
    severity: str = "info"  # Apprise's notify type: info | success | warning | failure


# --- rules file ---------------------------------------------------------------------------------------------


def channel_id(url: str, name: str | None = None) -> str:
    """A channel id safe to store: its name in the rules file, else scheme + sha1 of the URL as written."""
    if name:
        return name
    scheme = url.split("://", 1)[0] if "://" in url else "url"
    return f"{scheme}:{hashlib.sha1(url.encode()).hexdigest()[:12]}"


def _channel(ref: str, named: Mapping[str, Channel], where: str) -> Channel:
    if ref in named:
        return named[ref]
    if "://" not in ref:
        raise ConfigError(f"{where}: channel {ref!r} is neither a channel defined under `channels:` nor a URL")
    return Channel(channel_id(ref), ref)


def _rule(name: str, spec: RuleSpec, named: Mapping[str, Channel]) -> Rule:
    where = f"rule {name!r}"
    channels = tuple(_channel(ref, named, where) for ref in spec.channels)
    if not channels:
        raise ConfigError(f"{where}: no channels")
    lists = {key: tuple(getattr(spec, key)) for key in _LIST_CONDITIONS}
    return Rule(
        name,
        channels,
        **lists,
        min_fatalities=spec.min_fatalities,
        min_confidence=spec.min_confidence,
        digest=spec.digest,
        on_revision=spec.on_revision,
    )


def build_rules(checked: RulesFile) -> Rules:
    """Rules from the checked rules file: channel names resolved, every rule built."""
    named = {k: Channel(k, v) for k, v in checked.channels.items()}
    return Rules(
        rules=tuple(_rule(name, spec, named) for name, spec in checked.rules.items()),
        ops=tuple(_channel(ref, named, "ops") for ref in checked.ops),
        max_age_hours=checked.options.max_age_hours,
        max_attempts=checked.options.max_attempts,
        timeout=checked.options.timeout,
    )


def load_rules(path: str | Path) -> Rules:
    """Read and check the rules file once; any problem is a ConfigError of one line naming the file."""
    try:
        return build_rules(check_rules(Path(path)))
    except ConfigError as exc:
        text = str(exc)
        raise ConfigError(text if str(path) in text else f"{path}: {text}") from None


# --- matching -----------------------------------------------------------------------------------------------


def _any_equal(wanted: Iterable[str], values: Iterable[Any]) -> bool:
    have = {fold(v) for v in values if v}
    return any(fold(w) in have for w in wanted)


def _any_actor(wanted: Iterable[str], actors: Iterable[Any]) -> bool:
    have = [f" {fold(a)} " for a in actors if a]
    return any(f" {fold(w)} " in a for w in wanted for a in have)


def matches(rule: Rule, event: Mapping[str, Any]) -> bool:
    """Does the event satisfy every condition the rule names?"""
    checks = (
        not rule.countries or (event.get("country") or "").upper() in rule.countries,
        not rule.admin1 or _any_equal(rule.admin1, [event.get("admin1")]),
        not rule.places or _any_equal(rule.places, [event.get(k) for k in ("location", "admin2", "admin1")]),
        not rule.event_types or _any_equal(rule.event_types, [event.get("event_type")]),
        not rule.sub_event_types or _any_equal(rule.sub_event_types, [event.get("sub_event_type")]),
        not rule.actors or _any_actor(rule.actors, [event.get("actor1"), event.get("actor2")]),
        rule.min_fatalities is None or int(event.get("fatalities") or 0) >= rule.min_fatalities,
        rule.min_confidence is None
        or event.get("confidence") is None
        or float(event["confidence"]) >= rule.min_confidence,
    )
    return all(checks)


def merged_changes(alert: EventAlert, after_version: int) -> dict[str, list[Any]]:
    """What changed since `after_version`: for each field, its value then → its value now."""
    out: dict[str, list[Any]] = {}
    for version in sorted(v for v in alert.changes if v > after_version):
        for name, (old, new) in alert.changes[version].items():
            out[name] = [out[name][0] if name in out else old, new]
    return {k: v for k, v in out.items() if v[0] != v[1]}


def last_sent_versions(ledger: Mapping[tuple, tuple[str, int]]) -> dict[tuple, int]:
    """(event_id, rule, channel) → highest version sent, from ledger (event_id, rule, channel, version) → (status, attempts)."""
    out: dict[tuple, int] = {}
    for (event_id, rule, channel, version), (status, _) in ledger.items():
        if status == "sent":
            key = (event_id, rule, channel)
            out[key] = max(out.get(key, 0), version)
    return out


def plan_sends(
    rules: Rules, alerts: Iterable[EventAlert], ledger: Mapping[tuple, tuple[str, int]]
) -> tuple[list[Send], int]:
    """Which messages are due, and how many were passed over (revision without a notable change, retries spent)."""
    sent = last_sent_versions(ledger)
    due: list[Send] = []
    skipped = 0
    for alert in alerts:
        for rule in rules.rules:
            for channel in rule.channels:
                last = sent.get((alert.event_id, rule.name, channel.channel_id))
                send = _due(rule, channel, alert, last)
                status, attempts = ledger.get((alert.event_id, rule.name, channel.channel_id, alert.version), ("", 0))
                if send is not None and (status != "failed" or attempts < rules.max_attempts):
                    due.append(send)
                elif send is not None or (last is not None and last < alert.version and rule.on_revision):
                    skipped += 1
    return due, skipped


def _due(rule: Rule, channel: Channel, alert: EventAlert, last_sent: int | None) -> Send | None:
    """A never-announced matching event is new; an announced one whose toll, place or date changed is a revision."""
    if last_sent is None:
        return Send(rule, channel, alert, "new") if matches(rule, alert.event) else None
    if last_sent >= alert.version or not rule.on_revision:
        return None
    changes = merged_changes(alert, last_sent)
    if not any(name in changes for name in REVISION_FIELDS):
        return None
    return Send(rule, channel, alert, "revision", changes)


# --- messages -----------------------------------------------------------------------------------------------


def country_name(code: str | None) -> str:
    if not code:
        return "country unknown"
    try:
        found = pycountry.countries.get(alpha_2=code.upper())
    except LookupError:
        found = None
    return f"{found.name} ({code.upper()})" if found else code


def toll(event: Mapping[str, Any]) -> str:
    n = int(event.get("fatalities") or 0)
    low, high = event.get("fatalities_low"), event.get("fatalities_high")
    text = f"{n} killed" if n else "no deaths reported"
    if low is not None and high is not None and low != high:
        text += f" (range {low}–{high})"
    elif low is not None and high is None and low:
        text += f" (at least {low})"
    elif high is not None and high != n:
        text += f" (up to {high} claimed)"
    extra = [f"{event[k]} {k}" for k in ("wounded", "abducted") if event.get(k)]
    return ", ".join([text, *extra])


def where(event: Mapping[str, Any]) -> str:
    parts = [p for p in (event.get("location"), event.get("admin2"), event.get("admin1")) if p]
    place = ", ".join(dict.fromkeys(parts)) or "place unknown"
    text = f"{place}, {country_name(event.get('country'))}"
    if event.get("latitude") is not None and event.get("longitude") is not None:
        text += f" ({float(event['latitude']):.4f}, {float(event['longitude']):.4f})"
    if event.get("geo_precision"):
        text += f" [geo precision {event['geo_precision']}: {GEO_PRECISION.get(event['geo_precision'], '?')}]"
    return text


def when(event: Mapping[str, Any]) -> str:
    date = str(event.get("event_date") or "date unknown")
    precision = event.get("date_precision")
    return f"{date} ({PRECISION.get(precision, 'precision unknown')})" if precision else date


def who(event: Mapping[str, Any]) -> str:
    actors = [a for a in (event.get("actor1"), event.get("actor2")) if a]
    return " vs ".join(actors) or "actors unknown"


def headline(event: Mapping[str, Any]) -> str:
    place = event.get("location") or event.get("admin1") or event.get("country") or "?"
    return f"{event.get('sub_event_type') or event.get('event_type')} in {place} — {toll(event).split(' (')[0]}"


def _describe(alert: EventAlert) -> list[str]:
    e = alert.event
    lines = [
        f"What:  {e.get('event_type')} / {e.get('sub_event_type')}",
        f"Where: {where(e)}",
        f"When:  {when(e)}",
        f"Who:   {who(e)}",
        f"Toll:  {toll(e)}",
        f"Sources ({len(alert.sources)}):",
    ]
    lines += [f"  - {title or url}: {url}" for title, url in alert.sources]
    lines.append(f"Event {alert.event_id} v{alert.version}")
    return lines


def _change_line(name: str, old: Any, new: Any) -> str:
    return f"  {name}: {'—' if old is None else old} → {'—' if new is None else new}"


def render(send: Send) -> Message:
    """The message for one due send: a new event, or what changed in a revised one."""
    e = send.alert.event
    if send.kind == "revision":
        changed = [_change_line(k, *v) for k, v in send.changes.items()]
        body = ["Revised — what changed:", *changed, "", *_describe(send.alert)]
        return Message(f"[{send.rule.name}] REVISED: {headline(e)}", "\n".join(body))
    return Message(f"[{send.rule.name}] {headline(e)}", "\n".join(_describe(send.alert)))


def render_digest(rule: Rule, sends: Sequence[Send], limit: int = 50) -> Message:
    """One message listing every due send of a rule on a channel."""
    blocks = []
    for send in sends[:limit]:
        marker = "REVISED " if send.kind == "revision" else ""
        changes = "; ".join(f"{k} {v[0]} → {v[1]}" for k, v in send.changes.items())
        blocks.append(f"• {marker}{headline(send.alert.event)}" + (f" ({changes})" if changes else ""))
        blocks.append(f"  {where(send.alert.event)}; {when(send.alert.event)}; {who(send.alert.event)}")
        blocks += [f"  {url}" for _, url in send.alert.sources[:3]]
    if len(sends) > limit:
        blocks.append(f"… and {len(sends) - limit} more")
    return Message(f"[{rule.name}] {len(sends)} event(s)", "\n".join(blocks))


def feed_transitions(
    feeds: Sequence[Mapping[str, Any]], reported: Mapping[str, str], threshold_runs: int
) -> list[tuple[str, str, Message]]:
    """Feeds that just died (≥ threshold failures in a row), went empty (≥ threshold polls in a row answered with
    no entry) or recovered, each not yet reported: (url, state, message)."""
    out = []
    for feed in feeds:
        url, name, failures = feed["url"], feed.get("name") or feed["url"], int(feed.get("consecutive_failures") or 0)
        empty = int(feed.get("empty_polls") or 0)
        if failures >= threshold_runs and reported.get(url) != "dead":
            error = feed.get("last_error") or f"HTTP {feed.get('last_status')}"
            body = (
                f"Feed {name} ({url}) has failed {failures} runs in a row.\nLast error: {error}\n"
                f"Last success: {feed.get('last_success_at') or 'never'}"
            )
            out.append((url, "dead", Message(f"[ops] feed dead: {name}", body, severity="failure")))
        elif not failures and empty >= threshold_runs and reported.get(url) != "empty":
            body = (
                f"Feed {name} ({url}) answers but gave no entry {empty} polls in a row: is it still an RSS or "
                "Atom feed (not a JSON Feed or an HTML page), and still at this address?"
            )
            out.append((url, "empty", Message(f"[ops] feed gives no entries: {name}", body, severity="warning")))
        elif failures == 0 and empty == 0 and reported.get(url) in ("dead", "empty"):
            out.append(
                (
                    url,
                    "recovered",
                    Message(f"[ops] feed recovered: {name}", f"Feed {name} ({url}) answers again.", severity="success"),
                )
            )
    return out
