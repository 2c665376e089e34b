from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from bot.config import Settings
from bot.slack.app import INSTALL_PATH, REDIRECT_PATH
from bot.slack.listeners.commands import COMMAND
from bot.slack.listeners.shortcuts import CALLBACK_ID
from tests.fixtures_paths import MANIFEST_SCHEMA

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    # YAML -> JSON text -> dict: exactly what Slack's manifest importer receives
    return json.loads(json.dumps(yaml.safe_load((ROOT / "manifest.yml").read_text())))


def test_manifest_matches_the_official_schema(manifest: dict[str, Any]) -> None:
    schema = json.loads(MANIFEST_SCHEMA.read_text())
    jsonschema.validators.validator_for(schema)(schema).validate(manifest)


def test_schema_check_catches_a_broken_manifest(manifest: dict[str, Any]) -> None:
    schema = json.loads(MANIFEST_SCHEMA.read_text())
    broken = json.loads(json.dumps(manifest))
    broken["features"]["slash_commands"][0]["command"] = "match"  # no leading slash
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validators.validator_for(schema)(schema).validate(broken)


def test_manifest_agrees_with_the_code(manifest: dict[str, Any]) -> None:
    assert len(manifest["display_information"]["name"]) <= 35
    assert [c["command"] for c in manifest["features"]["slash_commands"]] == [COMMAND]
    shortcut = manifest["features"]["shortcuts"][0]
    assert (shortcut["type"], shortcut["callback_id"]) == ("message", CALLBACK_ID) and len(shortcut["name"]) <= 24
    assert sorted(manifest["settings"]["event_subscriptions"]["bot_events"]) == [
        "app_home_opened", "app_mention", "app_uninstalled", "message.im", "tokens_revoked"]
    assert manifest["features"]["app_home"]["home_tab_enabled"] and manifest["features"]["app_home"][
        "messages_tab_enabled"]
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == set(Settings().slack_scopes.split(","))
    urls = [manifest["settings"]["event_subscriptions"]["request_url"],
            manifest["settings"]["interactivity"]["request_url"], manifest["features"]["slash_commands"][0]["url"]]
    assert all(u.endswith("/slack/events") for u in urls)
    assert manifest["oauth_config"]["redirect_urls"][0].endswith(REDIRECT_PATH) and INSTALL_PATH == "/slack/install"
    assert manifest["settings"]["token_rotation_enabled"] is False
    assert manifest["settings"]["socket_mode_enabled"] is False  # production is HTTP mode
