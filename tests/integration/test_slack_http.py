"""Slack end to end over real HTTP: signed recorded payloads -> uvicorn -> Bolt -> the real core -> fake Web API.

The app runs in a thread on a free 127.0.0.1 port with the real ask service (HashingEmbedder, a seeded SQLite
file); every Web API call and ``response_url`` post lands on the local fake, which records it.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from bot.bootstrap import Container
from bot.core.errors import UserFacingError
from bot.core.messages import ActionRequest, IncomingMessage, Reply
from bot.slack import texts
from bot.slack.translate import encode_value
from models.activity import MatchFeedback, SavedMatch
from models.directory import Person, PlatformAccount
from tests.fakes.slack_api import FakeSlackApi
from tests.fakes.slack_harness import (
    BOT_TOKEN,
    SlackStack,
    app_mention,
    command_request,
    direct_message,
    event_request,
    interactive_request,
    payload,
    seed_directory,
    slack_stack,
    slash_command,
)

QUESTION = "<@UBOT> who can help us automate TIG welding of aluminium battery trays?"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SlackStack]:
    def prepare(container: Container, fake: FakeSlackApi) -> None:
        seed_directory(container.sessions)
        container.catalog.warm_up()
        container.catalog.check_interval = 0.0  # look at the directory version before every search

    with slack_stack(tmp_path_factory.mktemp("slack"), prepare, slack_staff_users="WSTAFF") as running:
        yield running


@pytest.fixture(autouse=True)
def _fresh_fake(stack: SlackStack) -> None:
    stack.fake.reset()


_ids = iter(range(1, 10**6))


def new_id() -> str:
    return f"Ev{next(_ids):06d}"


def settle(seconds: float = 0.4) -> None:
    """Give lazy listeners time to do something they must not do (negative checks only)."""
    time.sleep(seconds)


def test_app_mention_is_answered_in_its_thread_with_blocks_and_text(stack: SlackStack) -> None:
    resp = stack.server.post(*event_request(app_mention(QUESTION, event_id=new_id(), ts="1700000000.000100")))
    assert resp.status_code == 200
    [call] = stack.fake.wait_for("chat.postMessage")
    assert call.params["channel"] == "C111" and call.params["thread_ts"] == "1700000000.000100"
    assert call.token == BOT_TOKEN
    assert call.params["text"].startswith('Here is what matches "who can help us automate TIG welding')
    sections = [b for b in call.blocks if b["type"] == "section" and b.get("block_id", "").startswith("s")]
    assert {"WeldBot Automation"} <= {b["text"]["text"].split("*")[1] for b in sections}
    assert any(b["type"] == "actions" for b in call.blocks)
    assert stack.fake.calls_to("auth.test") == []


def test_member_text_with_mentions_renders_escaped(stack: SlackStack) -> None:
    stack.server.post(*event_request(app_mention(QUESTION, event_id=new_id())))
    [call] = stack.fake.wait_for("chat.postMessage")
    dumped = json.dumps(call.params)
    assert "Bob &lt;!channel&gt; &amp; &lt;https://evil|bank&gt;" in dumped
    for raw in ("<!channel>", "<!here>", "<@U999>", "<https://evil|bank>"):
        assert raw not in dumped


def test_direct_message_is_answered_in_the_conversation(stack: SlackStack) -> None:
    stack.server.post(*event_request(direct_message("TIG welding automation for aluminium", event_id=new_id())))
    [call] = stack.fake.wait_for("chat.postMessage")
    assert call.params["channel"] == "D111" and "thread_ts" not in call.params
    assert call.blocks and call.params["text"]


def test_bot_messages_and_edits_in_dms_are_ignored(stack: SlackStack) -> None:
    bot = payload("test_message_bot__bot_message_event_payload")
    bot["event"]["channel_type"] = "im"
    edit = payload("test_message_changed__event_payload")
    edit["event"]["channel_type"] = "im"
    for body in (bot, edit):
        body["event_id"] = new_id()
        assert stack.server.post(*event_request(body)).status_code == 200
    settle()
    assert stack.fake.calls_to("chat.postMessage") == []


def test_duplicate_delivery_gets_exactly_one_reply(stack: SlackStack) -> None:
    body = app_mention(QUESTION, event_id=new_id())
    first = stack.server.post(*event_request(body))
    retry = stack.server.post(*event_request(body, retry_num=1))
    assert first.status_code == retry.status_code == 200
    stack.fake.wait_for("chat.postMessage")
    settle()
    assert len(stack.fake.calls_to("chat.postMessage")) == 1


def test_concurrent_duplicates_get_exactly_one_reply(stack: SlackStack) -> None:
    body = app_mention(QUESTION, event_id=new_id())
    statuses: list[int] = []
    threads = [threading.Thread(target=lambda n=n: statuses.append(
        stack.server.post(*event_request(body, retry_num=n or None)).status_code)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [200] * 4
    stack.fake.wait_for("chat.postMessage")
    settle()
    assert len(stack.fake.calls_to("chat.postMessage")) == 1


def test_a_retry_whose_first_delivery_never_arrived_is_answered(stack: SlackStack) -> None:
    resp = stack.server.post(*event_request(app_mention(QUESTION, event_id=new_id()), retry_num=2))
    assert resp.status_code == 200
    stack.fake.wait_for("chat.postMessage")


def test_acks_do_not_wait_for_a_locked_database(stack: SlackStack) -> None:
    """SQLite has one writer: while an import holds it, events are still acked at once and answered after."""
    import sqlite3

    locker = sqlite3.connect(stack.container.engine.url.database or "", timeout=1)
    try:
        locker.execute("BEGIN IMMEDIATE")  # the write lock, as a long import would hold it
        started = time.monotonic()
        resp = stack.server.post(*event_request(app_mention(QUESTION, event_id=new_id())))
        assert resp.status_code == 200 and time.monotonic() - started < 3.0
        settle()
        assert stack.fake.calls_to("chat.postMessage") == []  # the work waits for the database, not the ack
    finally:
        locker.rollback()
        locker.close()
    stack.fake.wait_for("chat.postMessage")


def test_bad_signature_is_401_and_nothing_runs(stack: SlackStack) -> None:
    body = app_mention(QUESTION, event_id=new_id())
    assert stack.server.post(*event_request(body, secret="not-the-secret")).status_code == 401
    raw, headers = event_request(body)
    assert stack.server.post(raw, {**headers, "x-slack-signature": "v0=00"}).status_code == 401
    assert stack.server.post(raw, {k: v for k, v in headers.items() if k != "x-slack-signature"}).status_code == 401
    assert stack.server.post(raw + b" ", headers).status_code == 401  # body changed after signing
    settle()
    assert stack.fake.calls == []
    # the event id was never recorded: the genuine delivery is still answered
    assert stack.server.post(raw, headers).status_code == 200
    stack.fake.wait_for("chat.postMessage")


def test_stale_timestamp_is_401(stack: SlackStack) -> None:
    body = app_mention(QUESTION, event_id=new_id())
    assert stack.server.post(*event_request(body, timestamp=int(time.time()) - 301)).status_code == 401
    assert stack.server.post(*event_request(body, timestamp=int(time.time()) + 400)).status_code == 401
    settle()
    assert stack.fake.calls == []


@pytest.mark.parametrize(
    ("raw", "ctype"),
    [
        ("{not json", "application/json"),
        ('"just a string"', "application/json"),
        ('{"type": "event_callback", "event_id": "EvBad1"}', "application/json"),
        ('{"type": "event_callback", "event": {"type": "app_mention"}}', "application/json"),
        ("payload=%7Bbroken", "application/x-www-form-urlencoded"),
        ("payload=" + json.dumps({"type": "block_actions", "actions": []}), "application/x-www-form-urlencoded"),
        ("command=%2Fmatch&text=hi", "application/x-www-form-urlencoded"),
        ("", "application/json"),
    ],
)
def test_malformed_signed_payloads_are_4xx_and_logged(stack: SlackStack, raw: str, ctype: str,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    from tests.fakes.slack_harness import signed_headers

    resp = stack.server.post(raw.encode(), signed_headers(raw, ctype))
    assert 400 <= resp.status_code < 500
    assert any("rejected" in r.getMessage() for r in caplog.records)
    settle(0.1)
    assert stack.fake.calls == []


def test_unsigned_garbage_is_401(stack: SlackStack) -> None:
    assert stack.server.post(b"\xff\xfe{garbage", {"content-type": "application/json"}).status_code == 401


def test_url_verification_echoes_the_challenge(stack: SlackStack) -> None:
    body = payload("test_events_url_verification__event_body")
    resp = stack.server.post(*event_request(body))
    assert resp.status_code == 200 and body["challenge"] in resp.text


def test_slash_command_acks_before_the_answer_and_answers_via_response_url(
    stack: SlackStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    real_ask = stack.container.ask.ask

    def slow_ask(incoming: IncomingMessage) -> Reply:
        release.wait(10)  # the model may still be loading: the ack must not wait for it
        return real_ask(incoming)

    monkeypatch.setattr(stack.container.ask, "ask", slow_ask)
    form = slash_command("TIG welding &amp; aluminium trays", response_url=stack.fake.response_url("cmd"))
    resp = stack.server.post(*command_request(form))
    assert resp.status_code == 200 and resp.text == ""
    assert stack.fake.calls_to("response_url") == []  # acked while the core is still working
    release.set()
    [call] = stack.fake.wait_for("response_url")
    assert call.path == "/response/cmd"
    assert call.params["response_type"] == "ephemeral" and call.params["replace_original"] is False
    # unescaped once on the way in, escaped once on the way out (never "&amp;amp;")
    assert call.params["text"].startswith('Here is what matches "TIG welding &amp; aluminium trays"')
    assert any(b["type"] == "actions" for b in call.blocks)


def test_match_help(stack: SlackStack) -> None:
    stack.server.post(*command_request(slash_command("help", response_url=stack.fake.response_url("help"))))
    [call] = stack.fake.wait_for("response_url")
    assert "Ask me in plain language" in call.params["text"]


def test_match_profile_opens_the_modal_at_once(stack: SlackStack) -> None:
    form = slash_command("profile", response_url=stack.fake.response_url("p"), trigger_id="trig-1")
    assert stack.server.post(*command_request(form)).status_code == 200
    [call] = stack.fake.calls_to("views.open")  # opened before the ack went out
    assert call.params["trigger_id"] == "trig-1" and call.params["view"]["callback_id"] == "profile"
    settle()
    assert stack.fake.calls_to("response_url") == []


def test_staff_command_refuses_members_politely(stack: SlackStack) -> None:
    stack.server.post(*command_request(slash_command("stats", response_url=stack.fake.response_url("s1"))))
    [call] = stack.fake.wait_for("response_url")
    assert call.params["text"] == texts.STAFF_ONLY
    stack.fake.reset()
    stack.server.post(*command_request(slash_command("stats", user="WSTAFF",
                                                     response_url=stack.fake.response_url("s2"))))
    [call] = stack.fake.wait_for("response_url")
    assert call.params["text"].startswith("Directory: 2 organizations, ")


def click(stack: SlackStack, action: str, ref: str, *, user: str = "W111", query_id: str | None = None,
          ephemeral: bool = True) -> None:
    body = payload("test_block_actions__body")
    body["user"]["id"] = user
    body["response_url"] = stack.fake.response_url(action)
    body["container"]["is_ephemeral"] = ephemeral
    if not ephemeral:
        body["message"] = {"ts": "111.222", "thread_ts": "100.000", "text": "x"}
    body["actions"][0].update(action_id=f"{action}:2", value=encode_value(ref, query_id), block_id="a2")
    assert stack.server.post(*interactive_request(body)).status_code == 200


def test_save_and_not_relevant_are_stored_through_the_core(stack: SlackStack) -> None:
    click(stack, "save", "org:weldbot", user="USAVE")
    [call] = stack.fake.wait_for("response_url")
    assert call.params["text"].startswith("Saved WeldBot Automation")
    assert call.params["response_type"] == "ephemeral" and call.params["replace_original"] is False
    click(stack, "not_relevant", "course:c-plc", user="USAVE")
    stack.fake.wait_for("response_url", 2)
    with stack.container.sessions() as s:
        assert [m.ref for m in s.scalars(select(SavedMatch).where(SavedMatch.user_id == "USAVE"))] == ["org:weldbot"]
        feedback = s.scalars(select(MatchFeedback).where(MatchFeedback.user_id == "USAVE")).one()
        assert (feedback.ref, feedback.verdict) == ("course:c-plc", "not_relevant")


def test_more_like_this_answers_in_the_original_thread(stack: SlackStack) -> None:
    click(stack, "more_like_this", "org:weldbot", ephemeral=False)
    [call] = stack.fake.wait_for("response_url")
    assert call.params["response_type"] == "in_channel" and call.params["thread_ts"] == "100.000"
    assert call.params["text"].startswith("More like WeldBot Automation") and call.blocks


def test_user_facing_errors_are_shown_as_is(stack: SlackStack, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(request: ActionRequest) -> Reply:
        raise UserFacingError("Introductions need a profile first.")

    monkeypatch.setattr(stack.container.ask, "act", refuse)
    click(stack, "request_intro", "org:weldbot")
    [call] = stack.fake.wait_for("response_url")
    assert call.params["text"] == "Introductions need a profile first."


def test_a_listener_exception_gives_a_friendly_message_and_a_log(
    stack: SlackStack, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(incoming: IncomingMessage) -> Reply:
        raise RuntimeError("index corrupted: secret detail")

    monkeypatch.setattr(stack.container.ask, "ask", broken)
    stack.server.post(*event_request(app_mention(QUESTION, event_id=new_id(), ts="1700000001.000200")))
    [call] = stack.fake.wait_for("chat.postMessage")
    assert call.params["text"] == texts.FRIENDLY_ERROR and call.params["thread_ts"] == "1700000001.000200"
    assert "secret detail" not in json.dumps([c.params for c in stack.fake.calls])
    logged = [r for r in caplog.records if r.exc_info and "secret detail" in str(r.exc_info[1])]
    assert logged and logged[0].name == "bot.slack.errors"


def test_rate_limit_is_retried_after_retry_after(stack: SlackStack) -> None:
    stack.fake.fail("chat.postMessage", status=429, retry_after=1)
    stack.server.post(*event_request(app_mention(QUESTION, event_id=new_id())))
    [ok] = stack.fake.wait_for("chat.postMessage", timeout=15)
    [limited] = [c for c in stack.fake.calls if c.method == "chat.postMessage" and c.status == 429]
    assert ok.at - limited.at >= 1.0
    assert ok.params["text"] == limited.params["text"]


def test_server_errors_are_retried(stack: SlackStack) -> None:
    stack.fake.fail("chat.postMessage", status=503, retry_after=None)
    stack.server.post(*event_request(app_mention(QUESTION, event_id=new_id())))
    stack.fake.wait_for("chat.postMessage", timeout=15)
    assert [c.status for c in stack.fake.calls if c.method == "chat.postMessage"] == [503, 200]


def test_message_shortcut_finds_matches_for_the_message(stack: SlackStack) -> None:
    body = payload("test_shortcut__message_shortcut_body")
    body.update(callback_id="find_matches", response_url=stack.fake.response_url("sc"))
    body["message"]["text"] = "<@W222> anyone automating TIG welding of aluminium battery trays?"
    assert stack.server.post(*interactive_request(body)).status_code == 200
    [call] = stack.fake.wait_for("response_url")
    assert call.params["response_type"] == "ephemeral" and call.blocks
    assert 'matches "@W222 anyone automating TIG welding' in call.params["text"]


def test_app_home_publishes_for_the_home_tab_only(stack: SlackStack) -> None:
    body = payload("test_events_org_apps__event_payload_3")  # the Messages tab
    body.update(event_id=new_id(), team_id="T111")
    stack.server.post(*event_request(body))
    settle()
    assert stack.fake.calls_to("views.publish") == []
    body = payload("test_events_org_apps__event_payload_3")
    body.update(event_id=new_id(), team_id="T111")
    body["event"]["tab"] = "home"
    body["event"]["user"] = "WHOME"
    stack.server.post(*event_request(body))
    [call] = stack.fake.wait_for("views.publish")
    assert call.params["user_id"] == "WHOME" and call.params["view"]["type"] == "home"
    headers = [b["text"]["text"] for b in call.params["view"]["blocks"] if b["type"] == "header"]
    # other flows replace the introductions and digest sections; the first three are ours
    assert headers[:3] == [texts.HOME_YOU, texts.HOME_NEEDS, texts.HOME_SAVED]
    assert len(headers) == len(stack.container.platforms["slack"].home_sections())  # one header per section
    assert texts.HOME_NOT_LINKED in json.dumps(call.params["view"])


def profile_submission(values: dict[str, str], user: str) -> dict[str, Any]:
    body = payload("test_view_submission__body")
    body["user"]["id"] = user
    state = {k: {"value": {"type": "plain_text_input", "value": v}} for k, v in values.items()}
    body["view"].update(callback_id="profile", state={"values": state},
                        private_metadata=json.dumps({"origin_channel": "C111", "has_org": False}))
    return body


def test_profile_submission_errors_go_back_to_the_modal(stack: SlackStack) -> None:
    resp = stack.server.post(*interactive_request(profile_submission({"name": "", "expertise": "short"}, "WPROF")))
    assert resp.status_code == 200
    answer = resp.json()
    assert answer["response_action"] == "errors" and set(answer["errors"]) == {"name", "expertise"}
    with stack.container.sessions() as s:
        assert s.scalars(select(PlatformAccount).where(PlatformAccount.user_id == "WPROF")).first() is None


def test_profile_submission_saves_and_refreshes_home(stack: SlackStack) -> None:
    values = {"name": "Bob <!channel> Tremblay", "expertise": "Friction stir welding of aluminium battery trays.",
              "affiliation": "Tremblay Fab"}
    resp = stack.server.post(*interactive_request(profile_submission(values, "WPROF2")))
    assert resp.status_code == 200 and resp.text == ""
    [home] = stack.fake.wait_for("views.publish")
    assert home.params["user_id"] == "WPROF2"
    view = json.dumps(home.params["view"])
    assert "Bob &lt;!channel&gt; Tremblay" in view and "<!channel>" not in view
    [dm] = stack.fake.wait_for("chat.postMessage")
    assert dm.params["channel"] == "WPROF2" and dm.params["text"] == texts.PROFILE_SAVED
    with stack.container.sessions() as s:
        person = s.scalars(select(Person).where(Person.external_id == "slack-t111-wprof2")).one()
        assert person.affiliation == "Tremblay Fab"
    # the next search sees the new profile (directory version moved, catalog refreshes)
    stack.fake.reset()
    stack.server.post(*event_request(app_mention("<@UBOT> friction stir welding", event_id=new_id())))
    [call] = stack.fake.wait_for("chat.postMessage")
    assert "Bob &lt;!channel&gt; Tremblay" in json.dumps(call.blocks)


def test_uninstall_retires_the_workspace_accounts(stack: SlackStack) -> None:
    with stack.container.sessions.begin() as s:
        s.add(PlatformAccount(platform="slack", workspace_id="TGONE", user_id="U1"))
    body = payload("test_events__app_uninstalled_body")
    body.update(event_id=new_id(), team_id="TGONE")
    assert stack.server.post(*event_request(body)).status_code == 200
    with stack.container.sessions() as s:
        account = s.scalars(select(PlatformAccount).where(PlatformAccount.workspace_id == "TGONE")).one()
        assert account.active is False
    revoked = payload("test_events__tokens_revoked_body")
    revoked["event_id"] = new_id()
    assert stack.server.post(*event_request(revoked)).status_code == 200


def test_healthz(stack: SlackStack) -> None:
    resp = stack.server.client.get("/healthz")
    assert resp.status_code == 200 and resp.headers["server-timing"].startswith("app;dur=")
    assert resp.json()["status"] == "ok" and resp.json()["slack"] == "single-workspace"
    assert resp.json()["catalog_ready"] is True
