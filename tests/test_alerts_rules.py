"""Rules, matching and messages: pure functions, no network, no database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tasks.alerts import EventAlert, Send, load_rules, matches, merged_changes, plan_sends, render, render_digest
from tasks.errors import ConfigError

FIXTURES = Path(__file__).parent / "fixtures" / "alerts"


@pytest.fixture(scope="module")
def rules():
    return load_rules(FIXTURES / "rules.yaml")


def _events():
    return json.loads((FIXTURES / "events.json").read_text(encoding="utf-8"))["events"]


def test_rules_file_parses_as_its_comment_says(rules):
    assert [r.name for r in rules.rules] == ["watch-mali", "burkina-10", "drones", "africa-corps"]
    assert [c.channel_id for c in rules.get("watch-mali").channels] == ["email", "hook"]
    assert [c.channel_id for c in rules.ops] == ["ops-hook"]
    assert rules.get("burkina-10").countries == ("BF",)
    assert rules.get("drones").digest and not rules.get("africa-corps").on_revision
    inline = rules.get("africa-corps").channels[0]
    assert inline.channel_id.startswith("json:") and "${HOOK_TOKEN}" in inline.url


def test_the_shipped_example_rules_file_parses():
    example = load_rules(Path(__file__).parents[1] / "deploy" / "alerts.yaml")
    assert {"menaka-gao", "burkina-mass-casualty", "drone-strikes", "africa-corps"} <= {r.name for r in example.rules}
    assert example.ops


@pytest.mark.parametrize("event", _events(), ids=lambda e: e["event_id"])
def test_each_fixture_event_matches_exactly_the_rules_it_names(rules, event):
    assert [r.name for r in rules.rules if matches(r, event)] == event["expect_rules"]


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("rules: [", "not valid YAML"),
        ("rules: {r: {channels: [nowhere]}}", "neither a channel"),
        ("rules: {r: {places: [Gao]}}", "rule 'r', key 'channels' is missing"),
        ("rules: {r: {cities: [Gao], channels: ['json://x']}}", "rule 'r', unknown key 'cities'"),
        (
            "rules: {r: {min_fatalities: many, channels: ['json://x']}}",
            "key 'min_fatalities': Input should be a valid integer",
        ),
        (
            "rules: {r: {channels: ['json://x'], digest: 'yes'}}",
            "rule 'r', key 'digest': expected true or false, got 'yes'",
        ),
        ("rules: {r: {channels: ['json://x'], countries: [XX]}}", "unknown country code 'XX'"),
        (
            "rules: {r: {channels: ['json://x'], on_revison: false}}",
            "unknown key 'on_revison' (did you mean 'on_revision'?)",
        ),
        ("- a list\n- of rules", "expected a mapping"),
        ("rules: 5", "key 'rules': Input should be a valid dictionary, got 5"),
        ("options: {timeout: abc}", "options: key 'timeout': Input should be a valid number"),
    ],
)
def test_a_bad_rules_file_is_one_clear_config_error(tmp_path, text, fragment):
    path = tmp_path / "alerts.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_rules(path)
    assert fragment in str(err.value) and "\n" not in str(err.value) and str(path) in str(err.value)


def test_a_missing_rules_file_and_an_unknown_rule_are_config_errors(tmp_path, rules):
    with pytest.raises(ConfigError, match="not found"):
        load_rules(tmp_path / "nope.yaml")
    with pytest.raises(ConfigError, match="no alert rule named 'x'"):
        rules.get("x")


def test_a_new_event_message_says_what_where_when_who_toll_and_sources(rules):
    event = {**_events()[0], "version": 1}
    sources = (("Attaque à Ménaka", "https://example.org/a"), ("Menaka attack", "https://example.com/b"))
    message = render(
        Send(rules.get("watch-mali"), rules.get("watch-mali").channels[0], EventAlert(event, {}, sources), "new")
    )
    assert message.title.startswith("[watch-mali] Attack in Ménaka — 12 killed")
    for fragment in (
        "Violence against civilians / Attack",
        "Ménaka, Menaka, Mali (ML)",
        "(15.9182, 2.4022)",
        "2025-06-04 (exact day)",
        "ISSP vs Civilians (Mali)",
        "12 killed (range 12–15)",
        "Sources (2):",
        "https://example.org/a",
        "https://example.com/b",
    ):
        assert fragment in message.body


def test_a_revision_is_planned_only_for_a_notable_change_and_says_old_to_new(rules):
    rule = rules.get("watch-mali")
    event = {**_events()[0], "version": 3, "fatalities": 20, "fatalities_low": 20, "fatalities_high": None}
    changes = {
        1: {},
        2: {"actor2": ["Civilians (Mali)", "Civilians (Mali); Military Forces of Mali"]},
        3: {"fatalities": [12, 20], "fatalities_low": [12, 20], "fatalities_high": [15, None]},
    }
    alert = EventAlert(event, changes)
    assert merged_changes(alert, 1)["fatalities"] == [12, 20]
    sent = {(alert.event_id, "watch-mali", c.channel_id, 1): ("sent", 1) for c in rule.channels}
    due, _ = plan_sends(rules, [alert], sent)
    assert [(s.kind, s.channel.channel_id) for s in due] == [("revision", "email"), ("revision", "hook")]
    body = render(due[0]).body
    assert "fatalities: 12 → 20" in body and "fatalities_high: 15 → —" in body and "REVISED" in render(due[0]).title

    only_actor = EventAlert({**event, "version": 2}, {2: changes[2]})
    due, skipped = plan_sends(rules, [only_actor], sent)
    assert due == [] and skipped == 2


def test_retries_stop_after_max_attempts(rules):
    alert = EventAlert({**_events()[2], "version": 1})
    failing = {(alert.event_id, "burkina-10", "dead-hook", 1): ("failed", rules.max_attempts)}
    due, skipped = plan_sends(rules, [alert], failing)
    assert [s.channel.channel_id for s in due] == ["hook"] and skipped == 1


def test_a_digest_lists_every_event(rules):
    rule = rules.get("drones")
    alerts = [EventAlert({**_events()[4], "event_id": f"d{i}", "location": f"Village {i}"}) for i in range(3)]
    message = render_digest(rule, [Send(rule, rule.channels[0], a, "new") for a in alerts])
    assert message.title == "[drones] 3 event(s)"
    assert all(f"Village {i}" in message.body for i in range(3))
