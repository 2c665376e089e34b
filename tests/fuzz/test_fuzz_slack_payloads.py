"""Random Slack requests, correctly signed, POSTed to the real web app: a 2xx or 4xx, never a 5xx or a crash.

Bodies are random JSON, random forms (``payload=<random JSON>`` and slash-command fields), mutations of the
recorded payloads (events, button clicks, modal submissions, commands), and bytes that are not text at all.
Listeners run inline (a same-thread executor), so an exception anywhere in the handling is seen here: it
must not reach the error log. A request answered 4xx must leave the database exactly as it was.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from bot.bootstrap import Container, bootstrap
from bot.config import Settings
from bot.slack.app import build_app
from bot.web import create_app
from matching.embeddings import HashingEmbedder
from models.db import make_engine
from tests.fakes.slack_api import FakeSlackApi
from tests.fakes.slack_harness import (
    BOT_TOKEN,
    SECRET,
    authorize_for_tests,
    clear_slack_env,
    payload,
    seed_directory,
    with_slack_app,
)
from tests.fuzz.support import db_snapshot, sign

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                        HealthCheck.too_slow])


#: Exceptions the catch-all contained (printed at the end of the module with ``-s``, for the adapter's owners).
CONTAINED: set[str] = set()


class InlineExecutor(Executor):
    """Runs Bolt's lazy listeners on the request's thread: the response comes after all the work."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - handed to the future, as a pool would
            future.set_exception(exc)
        return future


class ErrorLog(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@dataclass
class Site:
    client: TestClient
    container: Container
    errors: ErrorLog
    fake: FakeSlackApi


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    mp = pytest.MonkeyPatch()
    clear_slack_env(mp)
    tmp: Path = tmp_path_factory.mktemp("fuzz-slack")
    errors = ErrorLog()
    logging.getLogger("bot").addHandler(errors)
    logging.getLogger("slack_bolt").addHandler(errors)
    with FakeSlackApi() as fake:
        cfg = Settings(data_dir=tmp, slack_signing_secret=SECRET, slack_bot_token=BOT_TOKEN, slack_api_url=fake.api_url,
                       slack_staff_users="WSTAFF")
        container = bootstrap(cfg, engine=make_engine(f"sqlite:///{tmp / 'fuzz.sqlite3'}"), embedder=HashingEmbedder())
        seed_directory(container.sessions)
        container.catalog.warm_up()
        app = build_app(container, settings=cfg, authorize=authorize_for_tests, listener_executor=InlineExecutor())
        with TestClient(create_app(cfg, with_slack_app(container, app))) as client:
            yield Site(client, container, errors, fake)
        container.engine.dispose()
    if CONTAINED:
        print("\nexceptions contained by the Slack catch-all:", *sorted(CONTAINED), sep="\n  ")
    logging.getLogger("bot").removeHandler(errors)
    logging.getLogger("slack_bolt").removeHandler(errors)
    mp.undo()


def post(site: Site, raw: bytes, content_type: str) -> int:
    headers = sign(raw, SECRET, content_type)
    before = db_snapshot(site.container.engine)
    site.errors.records.clear()
    response = site.client.post("/slack/events", content=raw, headers=headers)
    assert response.status_code < 500, (response.status_code, raw[:300])
    # Bolt would only log a lazy listener's exception; ours are all routed to the one catch-all
    # (``bot.slack.errors``, which answers the member with a fixed apology). Nothing may escape it.
    escaped = [r for r in site.errors.records if r.name != "bot.slack.errors"]
    assert not escaped, [(r.name, r.getMessage(), r.exc_info and r.exc_info[1]) for r in escaped]
    CONTAINED.update(f"{r.exc_info[1]!r}"[:120] for r in site.errors.records if r.exc_info)
    if 400 <= response.status_code < 500:
        assert db_snapshot(site.container.engine) == before, "a rejected request wrote to the database"
    return response.status_code


# -- strategies -------------------------------------------------------------------------------------
scalars = st.none() | st.booleans() | st.integers(-(2**40), 2**40) | st.floats(allow_nan=False) | st.text(max_size=40)
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) |
                           st.dictionaries(st.text(max_size=10), inner, max_size=5), max_leaves=20)
slack_texts = st.one_of(st.text(max_size=300), st.sampled_from([
    "<@UBOT> who can weld aluminium?", "<!channel> <!here> &amp; &lt;", "help", "saved", "more like org:weldbot",
    "profile", "digest on", "mydata", "visibility hidden", "forget", "<https://evil|bank>", "\x00\x1b[31m",
]))
EVENT_TYPES = ["app_mention", "message", "app_home_opened", "app_uninstalled", "tokens_revoked", "reaction_added"]
ACTION_IDS = ["save:1", "not_relevant:0", "more_like_this:3", "request_intro:2", "open_profile", "digest_on",
              "digest_hour_up", "privacy_download", "privacy_visibility", "privacy_forget_cancel", "unknown"]


def _override(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    return {**base, **extra}


@st.composite
def event_bodies(draw: st.DrawFn) -> dict[str, Any]:
    body = payload("test_events__valid_event_body")
    event = dict(body["event"])
    event["type"] = draw(st.sampled_from(EVENT_TYPES) | st.text(max_size=12))
    for key in ("text", "user", "channel", "ts", "thread_ts", "tab", "channel_type", "subtype", "bot_id"):
        choice = draw(st.sampled_from(["keep", "drop", "random", "text"]))
        if choice == "drop":
            event.pop(key, None)
        elif choice == "random":
            event[key] = draw(json_values)
        elif choice == "text":
            event[key] = draw(slack_texts)
    body["event"] = event
    body["event_id"] = draw(st.text(min_size=1, max_size=20) | st.just(None) | st.integers())
    if draw(st.booleans()):
        body["authorizations"] = draw(json_values)
    return body


@st.composite
def action_bodies(draw: st.DrawFn) -> dict[str, Any]:
    body = payload("test_block_actions__body")
    action = dict(body["actions"][0])
    action["action_id"] = draw(st.sampled_from(ACTION_IDS) | st.text(max_size=20))
    action["value"] = draw(st.text(max_size=200) | st.sampled_from(['{"r":"org:weldbot"}', '{"r":5}', "{", "public",
                                                                     '{"r":"person:nobody","q":"x"}']) | json_values)
    body["actions"] = draw(st.sampled_from([[action], [], [action, action]]) | json_values)
    if draw(st.booleans()):
        body["user"] = draw(json_values)
    if draw(st.booleans()):
        body["container"] = _override(body["container"], {"type": draw(st.sampled_from(["view", "message", "x"]))})
    return body


@st.composite
def view_bodies(draw: st.DrawFn) -> dict[str, Any]:
    body = payload("test_view_submission__body")
    view = dict(body["view"])
    view["callback_id"] = draw(st.sampled_from(["profile", "unknown"]))
    values = draw(st.dictionaries(st.sampled_from(["name", "expertise", "province", "visibility", "title", "x"]),
                                  st.dictionaries(st.just("value"), json_values, max_size=1), max_size=6))
    view["state"] = draw(st.sampled_from([{"values": values}, {}, None]) | json_values)
    view["private_metadata"] = draw(st.text(max_size=50) | st.just('{"has_org": true}'))
    body["view"] = view
    return body


@st.composite
def command_forms(draw: st.DrawFn) -> dict[str, str]:
    form = dict(payload("test_slash_command__slash_command_body")["_decoded"])
    form["command"] = draw(st.sampled_from(["/match", "/other"]))
    form["text"] = draw(slack_texts)
    form["response_url"] = "set by the test"
    for key in draw(st.lists(st.sampled_from(["user_id", "team_id", "trigger_id", "channel_id"]), max_size=2)):
        form[key] = draw(st.sampled_from(["", "W" + draw(st.text(max_size=5))]))
    return form


# -- properties -------------------------------------------------------------------------------------
@FUZZ
@given(body=json_values)
def test_random_json_bodies(site: Site, body: Any) -> None:
    post(site, json.dumps(body).encode(), "application/json")


@FUZZ
@given(raw=st.binary(max_size=400) | st.text(max_size=400).map(str.encode),
       content_type=st.sampled_from(["application/json", "application/x-www-form-urlencoded", "text/plain"]))
def test_bytes_that_are_not_a_payload(site: Site, raw: bytes, content_type: str) -> None:
    post(site, raw, content_type)


@FUZZ
@given(body=event_bodies())
def test_mutated_events(site: Site, body: dict[str, Any]) -> None:
    post(site, json.dumps(body).encode(), "application/json")


@FUZZ
@given(body=action_bodies() | view_bodies() | json_values.map(lambda v: {"type": "block_actions", "x": v}))
def test_mutated_interactions(site: Site, body: dict[str, Any]) -> None:
    if "response_url" in body:
        body["response_url"] = site.fake.response_url("fuzz")  # never the recorded hooks.slack.com address
    post(site, urlencode({"payload": json.dumps(body)}).encode(), "application/x-www-form-urlencoded")


@FUZZ
@given(form=command_forms() | st.dictionaries(st.text(max_size=10), st.text(max_size=30), max_size=6))
def test_mutated_commands_and_forms(site: Site, form: dict[str, str]) -> None:
    if "response_url" in form:
        form["response_url"] = site.fake.response_url("fuzz")
    post(site, urlencode(form).encode(), "application/x-www-form-urlencoded")
