"""Who gets in (signed links, cookies, image tokens) and the dashboard in chat: ``/match dashboard`` and
``/match stats`` over real HTTP against the fake Slack Web API, Teams' typed commands, the staff digest's charts."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from unittest import mock

import pytest

from bot.config import Settings
from bot.core.digest.staff import compose_staff
from bot.core.digest.types import Digest
from bot.dashboard import activity
from bot.dashboard.auth import AccessDenied, DashboardAuth
from bot.slack import texts as slack_texts
from bot.slack.digest import SlackDigestSender
from bot.teams import dashboard as teams_dashboard
from tests.fakes.slack_api import FakeSlackApi
from tests.fakes.slack_harness import SlackStack, command_request, slack_stack, slash_command

SETTINGS = Settings(dashboard_secret="k", public_url="https://cluster.example/")


def test_a_link_opens_a_session_and_nothing_else_does() -> None:
    auth = DashboardAuth(SETTINGS)
    link = auth.link("slack:T1:U1", "Sam")
    assert link.startswith("https://cluster.example/dashboard/login?t=")
    session, cookie = auth.open_link(link.split("t=", 1)[1])
    assert session.actor == "slack:T1:U1" and auth.session(cookie).csrf == session.csrf
    token = link.split("t=", 1)[1]
    for bad in ("", token[:-2] + "xx", cookie):  # tampered, or a cookie passed off as a link
        with pytest.raises(AccessDenied):
            auth.open_link(bad)
    with pytest.raises(AccessDenied):
        auth.session(token)  # a link is not a cookie
    with pytest.raises(AccessDenied):
        DashboardAuth(SETTINGS, secret="other").open_link(token)
    with mock.patch("itsdangerous.timed.time.time", return_value=time.time() + 11 * 60):
        with pytest.raises(AccessDenied):
            auth.open_link(token)


def test_image_tokens_carry_one_charts_figures() -> None:
    auth = DashboardAuth(SETTINGS)
    url = auth.image_url("funnel", {"stages": [["Questions", 3]]})
    token = url.split("t=", 1)[1]
    assert auth.image_data("funnel", token) == {"stages": [["Questions", 3]]}
    with pytest.raises(AccessDenied):
        auth.image_data("gaps", token)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SlackStack]:
    def prepare(container: Any, fake: FakeSlackApi) -> None:
        from bot.core.directory.importer import import_files
        from bot.demo import demo_files

        import_files(demo_files(), sessions=container.sessions)
        activity.generate(container.sessions, questions=150)
        container.catalog.warm_up()

    with slack_stack(tmp_path_factory.mktemp("dashboard-slack"), prepare, dashboard_secret="k",
                     public_url="https://cluster.example") as running:
        yield running


def _command(stack: SlackStack, text: str, user: str) -> str:
    stack.fake.reset()
    stack.fake.answer("conversations.open", {"ok": True, "channel": {"id": "DSTAFF"}})
    stack.fake.answer("files.getUploadURLExternal", lambda p: {
        "ok": True, "upload_url": f"{stack.fake.base_url}/upload/{p.get('filename')}", "file_id": p.get("filename")})
    stack.fake.answer("files.completeUploadExternal", {"ok": True, "files": [{"id": "F1", "title": "x"}]})
    form = slash_command(text, response_url=stack.fake.response_url("cmd"), user=user)
    form["team_id"] = activity.WORKSPACE
    assert stack.server.post(*command_request(form)).status_code == 200
    [answer] = [c for c in stack.fake.wait_for("response_url") if c.path == "/response/cmd"]
    return "".join(b["text"]["text"] for b in answer.params["blocks"])


def test_slack_dashboard_link_is_for_staff_only(stack: SlackStack) -> None:
    text = _command(stack, "dashboard", activity.STAFF_USER)
    link = text[text.index("https://cluster.example/dashboard/login?t="):].split()[0]
    session, _ = stack.container.dashboard.auth.open_link(link.split("t=", 1)[1])
    assert session.actor == f"slack:{activity.WORKSPACE}:{activity.STAFF_USER}"
    member = _command(stack, "dashboard", "UDEMO000001")
    assert "dashboard/login" not in member and slack_texts.STAFF_ONLY[:40] in member.replace("&amp;", "&")


def test_slack_stats_uploads_the_funnel_and_gaps_with_alt_text(stack: SlackStack) -> None:
    _command(stack, "stats", activity.STAFF_USER)
    [complete] = stack.fake.wait_for("files.completeUploadExternal")
    asked = stack.fake.calls_to("files.getUploadURLExternal")
    assert sorted(c.params["filename"] for c in asked) == ["funnel.png", "gaps.png"]
    assert all(c.params["alt_txt"].startswith(("Funnel:", "Gaps")) for c in asked)
    uploads = [c for c in stack.fake.calls_to("response_url") if c.path.startswith("/upload/")]
    assert len(uploads) == 2
    assert complete.params["channel_id"] == "DSTAFF"
    _command(stack, "stats", "UDEMO000001")
    time.sleep(0.3)
    assert stack.fake.calls_to("files.getUploadURLExternal") == []  # members get the refusal, no charts


def test_teams_commands_and_the_staff_digest_carry_charts(stack: SlackStack) -> None:
    container = stack.container
    with container.sessions.begin() as s:
        from models.directory import PlatformAccount

        s.add(PlatformAccount(platform="teams", workspace_id="tenant", user_id="staff-aad", is_staff=True))
    refused = teams_dashboard.run(container, "tenant", "someone-else", "dashboard")
    assert refused.text == teams_dashboard.STAFF_ONLY
    link = teams_dashboard.run(container, "tenant", "staff-aad", "dashboard")
    assert "https://cluster.example/dashboard/login?t=" in link.text
    card = teams_dashboard.stats_card(container.dashboard, 4)
    images = [b for b in card["body"] if b["type"] == "Image"]
    assert len(images) == 2 and all(i["altText"] and "/dashboard/img/" in i["url"] for i in images)
    with container.sessions() as s:
        digest = compose_staff(s, datetime.now(UTC), container.digest.config, None, container.dashboard.chat_charts)
    assert [i["name"] for i in digest.images] == ["funnel", "gaps"]
    stored = Digest.from_payload(digest.to_payload())
    assert stored.images == digest.images
    stack.fake.reset()
    stack.fake.answer("files.getUploadURLExternal", {"ok": True, "upload_url": f"{stack.fake.base_url}/upload/x",
                                                     "file_id": "F9"})
    sender = SlackDigestSender(container.settings)
    from bot.core.digest.types import Recipient

    sender.send(Recipient(account_id=1, platform="slack", workspace_id=activity.WORKSPACE, user_id="U1"), stored)
    assert stack.fake.calls_to("chat.postMessage") and len(stack.fake.calls_to("files.getUploadURLExternal")) == 2
