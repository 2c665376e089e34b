"""Adaptive Card lint: the official 1.5 JSON Schema (draft-06), with a named allow-list of host extensions."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import jsonschema

from tests.fixtures_paths import ADAPTIVE_CARD_SCHEMA as SCHEMA

#: Top-level card properties Teams defines on top of the Adaptive Card schema, which forbids unknown
#: properties on ``AdaptiveCard``: ``msteams.width = "Full"`` makes a card use the whole message width.
#: Only these keys, only at the card's root, are set aside before validation; their shape is checked here.
TEAMS_HOST_EXTENSIONS: dict[str, Any] = {"msteams": {"width": "Full"}}


@cache
def validator() -> jsonschema.Draft6Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft6Validator.check_schema(schema)
    return jsonschema.Draft6Validator(schema)


def assert_valid_card(card: dict[str, Any]) -> None:
    """Fail with the most relevant schema error if ``card`` is not a valid Adaptive Card 1.5."""
    assert card.get("type") == "AdaptiveCard" and card.get("version") == "1.5", card.get("version")
    checked = dict(card)
    for key, allowed in TEAMS_HOST_EXTENSIONS.items():
        if key in checked:
            assert checked.pop(key) == allowed, f"unexpected {key} extension: {card[key]!r}"
    error = jsonschema.exceptions.best_match(validator().iter_errors(checked))
    assert error is None, f"{error.message} at {'/'.join(map(str, error.absolute_path))}"


def cards_in(activity: dict[str, Any]) -> list[dict[str, Any]]:
    """The Adaptive Cards attached to an outgoing activity (Teams JSON)."""
    return [
        a["content"]
        for a in activity.get("attachments") or ()
        if a.get("contentType") == "application/vnd.microsoft.card.adaptive"
    ]


def texts_of(node: Any) -> list[str]:
    """Every piece of text a card shows (TextBlock text, TextRun text), depth first."""
    found: list[str] = []
    if isinstance(node, dict):
        if node.get("type") in {"TextBlock", "TextRun"} and isinstance(node.get("text"), str):
            found.append(node["text"])
        for value in node.values():
            found.extend(texts_of(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(texts_of(value))
    return found


def submit_actions(node: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        if node.get("type") == "Action.Submit":
            found.append(node)
        for value in node.values():
            found.extend(submit_actions(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(submit_actions(value))
    return found
