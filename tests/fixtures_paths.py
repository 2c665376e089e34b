"""Where the tests' recorded Slack/Teams samples and JSON Schemas live: ``tests/fixtures/``, inside the repository.

Every test and fake finds them through these names (``tests/fixtures/README.md`` says where each file comes from
and under which licence), so a clone runs its tests with nothing beside it.
"""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"

SLACK = FIXTURES / "slack"
SLACK_PAYLOADS = SLACK / "bolt-python-test-payloads"  # recorded inbound requests, by file stem
SLACK_API_EXAMPLES = SLACK / "slack-api-specs" / "web-api-response-examples"  # one ``<method>.json`` per method
BLOCK_KIT_SCHEMA = SLACK / "block-kit-schema-community" / "slack-block-kit.schema.json"
MANIFEST_SCHEMA = SLACK / "manifest-schema" / "manifest.schema.1.0.0.json"

TEAMS = FIXTURES / "teams"  # recorded activities, e.g. ``msteams-docs/inbound_message_personal_2019.json``
ADAPTIVE_CARD_SCHEMA = TEAMS / "adaptivecards-schema" / "adaptive-card-1.5.0.schema.json"
