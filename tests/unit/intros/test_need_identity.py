"""An anonymous or staff-only need never reveals its organization to a member, on any rendering path:
answers (Slack and Teams renderings), the weekly digest, the introduction messages before the owner
accepts, another member's data export, and every log line written on the way."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.bootstrap import digest_config
from bot.config import Settings
from bot.core.ask.service import group
from bot.core.digest.service import DigestService
from bot.core.messages import REQUEST_INTRO, Reply
from bot.core.privacy.service import PrivacyService
from bot.slack.digest import digest_message
from bot.slack.intro_render import intro_message
from bot.slack.render import to_slack_message
from bot.teams.render import reply_card
from models.directory import Need, Organization
from models.repositories import DirectoryRepository
from tests.unit.intros.conftest import WS, World

SECRETS = ("AluMaker", "alumaker", "Marc Maker", "marc.private")
QUERY = "automated weld inspection of aluminium trays"


def _clean(text: str, where: str) -> None:
    leaked = [s for s in SECRETS if s in text]
    assert not leaked, f"{where} reveals {leaked}: {text[:500]}"


@pytest.fixture
def posted(world: World) -> World:
    with world.sessions.begin() as s:
        org = s.scalars(select(Organization).where(Organization.external_id == "alumaker")).one()
        DirectoryRepository(s).upsert(Need, "n-secret", dict(
            title="Confidential weld inspection audit for aluminium trays", organization_id=org.id,
            visibility="staff", description="Automated weld inspection of aluminium trays, confidential."))
    world.service.catalog.refresh()
    return world


def test_every_rendering_path_keeps_the_poster_hidden(posted: World, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    catalog, world = posted.service.catalog, posted
    # answers, as the core returns them and as Slack and Teams render them
    found = catalog.search(QUERY, kinds=["need"], k=10)
    refs = {s.ref for s in found}
    assert "need:n-anon" in refs and "need:n-secret" not in refs
    assert "need:n-secret" in {s.ref for s in catalog.search(QUERY, kinds=["need"], k=10, staff=True)}
    reply = Reply(text="answer", sections=group(found))
    _clean(json.dumps([s.__dict__ for s in found], default=str), "the core's suggestions")
    _clean(json.dumps(to_slack_message(reply)), "the Slack answer")
    _clean(json.dumps(reply_card(reply)), "the Teams answer")

    # the weekly digest of a provider whose capabilities fit the need
    digests = DigestService(sessions=world.sessions, catalog=catalog, config=digest_config(Settings()))
    _, digest = digests.preview(f"{WS}:U-CARLA", world.clock() + timedelta(days=7))
    assert digest is not None
    rendered = digest_message(digest)
    shown = json.dumps(rendered)
    assert "Weld inspection for aluminium trays" in shown and "Confidential weld inspection" not in shown
    # AluMaker may appear as itself (a public organization); never next to its anonymous need.
    need_items = [s for section in digest.sections for s in section.suggestions if s.ref.startswith("need:")]
    assert [s.ref for s in need_items] == ["need:n-anon"]
    _clean(json.dumps([s.__dict__ for s in need_items], default=str), "the digest's need item")
    lines = [line for block in rendered["blocks"] for line in json.dumps(block).split("\\n")
             if "Weld inspection for aluminium trays" in line]
    assert lines and all(not any(x in line for x in SECRETS) for line in lines), lines
    _clean(rendered["text"].split("Weld inspection for aluminium trays", 1)[1].split("\n  \u2022", 1)[0],
           "the digest's fallback text")

    # the introduction: what the asker sees before the owner accepts
    answer = world.service.request_intro(world.press("U-CARLA", REQUEST_INTRO, "need:n-anon"))
    _clean(answer.text, "the requester's confirmation")
    to_carla = [m for a, m in world.messenger.sent if a.user_id == "U-CARLA"]
    for message in to_carla:
        _clean(json.dumps(intro_message(message)) + message.to_text(), "a message to the requester")
    assert [a.user_id for a, _ in world.messenger.sent] == ["U-MARC"]  # the owner is asked, nobody else

    # another member's export: the requester's download names the need, not who posted it
    export = PrivacyService(sessions=world.sessions).export_for("slack", WS, "U-CARLA")
    assert "need:n-anon" in json.dumps(export, default=str)
    _clean(json.dumps(export, default=str), "the requester's data export")

    # every log line written on the way
    _clean("\n".join(r.getMessage() for r in caplog.records), "the logs")
