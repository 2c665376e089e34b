"""Signed Slack requests built from the recorded payload samples, and a real local HTTP server to post them to.

Bodies are signed exactly as Slack does (``v0=`` HMAC-SHA256 of ``v0:{timestamp}:{raw body}``), with
``slack_sdk``'s own ``SignatureVerifier``; the server is uvicorn in a thread on a free 127.0.0.1 port.
"""

from __future__ import annotations

import copy
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import uvicorn
from slack_bolt.authorization import AuthorizeResult
from slack_sdk.signature import SignatureVerifier

from tests.fixtures_paths import SLACK_PAYLOADS as PAYLOADS

SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test"
BOT_USER_ID = "UBOT"


def payload(name: str) -> dict[str, Any]:
    """A recorded payload by file stem, e.g. ``payload("test_events__valid_event_body")`` (a fresh copy)."""
    return copy.deepcopy(json.loads((PAYLOADS / f"{name}.json").read_text()))


def authorize_for_tests(enterprise_id: str | None, team_id: str | None) -> AuthorizeResult:
    """``authorize=`` for tests: no ``auth.test`` call, a fixed bot identity."""
    return AuthorizeResult(enterprise_id=enterprise_id, team_id=team_id, bot_token=BOT_TOKEN, bot_id="B1",
                           bot_user_id=BOT_USER_ID)


def signed_headers(raw: str | bytes, content_type: str, *, secret: str = SECRET, timestamp: int | None = None,
                   retry_num: int | None = None) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    body = raw.decode() if isinstance(raw, bytes) else raw
    headers = {
        "content-type": content_type,
        "x-slack-request-timestamp": ts,
        "x-slack-signature": SignatureVerifier(secret).generate_signature(timestamp=ts, body=body),
    }
    if retry_num is not None:
        headers["x-slack-retry-num"] = str(retry_num)
        headers["x-slack-retry-reason"] = "http_timeout"
    return headers


def event_request(body: Mapping[str, Any], **kw: Any) -> tuple[bytes, dict[str, str]]:
    raw = json.dumps(body)
    return raw.encode(), signed_headers(raw, "application/json", **kw)


def interactive_request(body: Mapping[str, Any], **kw: Any) -> tuple[bytes, dict[str, str]]:
    raw = urlencode({"payload": json.dumps(body)})
    return raw.encode(), signed_headers(raw, "application/x-www-form-urlencoded", **kw)


def command_request(form: Mapping[str, str], **kw: Any) -> tuple[bytes, dict[str, str]]:
    raw = urlencode(dict(form))
    return raw.encode(), signed_headers(raw, "application/x-www-form-urlencoded", **kw)


def app_mention(text: str, *, event_id: str = "Ev111", ts: str = "1595926230.009600", user: str = "W222",
                thread_ts: str | None = None) -> dict[str, Any]:
    body = payload("test_events__valid_event_body")
    body["event_id"] = event_id
    body["event"].update(text=text, ts=ts, event_ts=ts, user=user)
    if thread_ts:
        body["event"]["thread_ts"] = thread_ts
    return body


def direct_message(text: str, *, event_id: str = "EvDM1", user: str = "W111", channel: str = "D111") -> dict[str, Any]:
    body = payload("test_message__message_body")
    body["event_id"] = event_id
    body["event"].update(text=text, user=user, channel=channel, channel_type="im")
    return body


def slash_command(
    text: str, *, response_url: str, user: str = "W111", trigger_id: str = "111.111.xxx"
) -> dict[str, str]:
    form = dict(payload("test_slash_command__slash_command_body")["_decoded"])
    form.update(command="/match", text=text, response_url=response_url, user_id=user, trigger_id=trigger_id)
    return form


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveServer:
    """uvicorn serving ``asgi_app`` on 127.0.0.1 in a background thread (``with LiveServer(app) as s:``)."""

    def __init__(self, asgi_app: Any) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(asgi_app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="uvicorn-test", daemon=True)
        self.client = httpx.Client(base_url=self.url, timeout=10.0)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("test web server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.client.close()
        self.server.should_exit = True
        self.thread.join(timeout=10)

    def post(self, raw: bytes, headers: Mapping[str, str], path: str = "/slack/events") -> httpx.Response:
        return self.client.post(path, content=raw, headers=dict(headers))


#: Member text with every mrkdwn trick: must render literally, never as a mention or a link.
EVIL_NAME = "Bob <!channel> & <https://evil|bank>"


def seed_directory(sessions: Any) -> None:
    """A few directory rows for plumbing tests (HashingEmbedder: matching quality does not matter)."""
    from models.directory import Course, FundingStream, Organization, Person
    from models.repositories import DirectoryRepository

    with sessions.begin() as session:
        repo = DirectoryRepository(session)
        weld, _ = repo.upsert(Organization, "weldbot", {
            "name": "WeldBot Automation", "kind": "technology_firm", "province": "ON",
            "capabilities": "Robotic TIG welding cells for aluminium battery trays and enclosures.",
            "description": "Integrator of collaborative welding robots.",
        })
        repo.upsert(Organization, "evil", {
            "name": EVIL_NAME, "kind": "technology_firm", "province": "QC",
            "capabilities": "TIG welding automation <@U999> for aluminium battery trays & <!here> housings.",
        })
        repo.upsert(Person, "r-laser", {
            "name": "Dr. Ana Laser", "role": "researcher", "province": "QC",
            "expertise": "Laser cladding and TIG welding metallurgy of aluminium alloys.",
        })
        repo.upsert(Course, "c-plc", {
            "title": "PLC programming micro-credential", "description": "Programming PLCs for robotic welding cells.",
            "delivery": "online", "provider_name": "Cluster College",
        })
        repo.upsert(FundingStream, "f-auto", {
            "name": "Automation pilot fund", "description": "Funding for robotic welding automation pilots.",
        })
        assert weld is not None


SLACK_ENV = ("SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN",
             "SLACK_API_URL", "SLACK_VERIFICATION_TOKEN")


def with_slack_app(container: Any, app: Any) -> Any:
    """Serve Slack through ``app`` (a Bolt app wired to the fake Web API) instead of the one the platform builds."""
    from bot.slack.platform import SlackPlatform

    container.platforms["slack"] = SlackPlatform(container, app=app)
    return container


def clear_slack_env(monkeypatch: Any) -> None:
    """Bolt falls back on these variables (OAuth switches on by itself): tests must not inherit them."""
    for name in SLACK_ENV:
        monkeypatch.delenv(name, raising=False)


@dataclass
class SlackStack:
    """The whole Slack path of one test module: recording Web API, our app over HTTP, its container."""

    fake: Any  # tests.fakes.slack_api.FakeSlackApi
    server: LiveServer
    container: Any  # bot.bootstrap.Container


@contextmanager
def slack_stack(folder: Path, prepare: Callable[[Any, Any], None], **settings: Any) -> Iterator[SlackStack]:
    """Bootstrap the app on a SQLite file in ``folder`` (hashing embedder), let ``prepare(container, fake)``
    seed it, and serve Slack requests to it on a real port; ``settings`` are extra ``Settings`` fields."""
    import pytest

    from bot.bootstrap import bootstrap
    from bot.config import Settings
    from bot.slack.app import build_app
    from bot.web import create_app
    from matching.embeddings import HashingEmbedder
    from models.db import make_engine
    from tests.fakes.slack_api import FakeSlackApi

    env = pytest.MonkeyPatch()
    clear_slack_env(env)
    try:
        with FakeSlackApi() as fake:
            config = Settings(data_dir=folder, slack_signing_secret=SECRET, slack_bot_token=BOT_TOKEN,
                              slack_api_url=fake.api_url, **settings)
            container = bootstrap(config, engine=make_engine(f"sqlite:///{folder / 'slack.sqlite3'}"),
                                  embedder=HashingEmbedder())
            prepare(container, fake)
            app = build_app(container, settings=config, authorize=authorize_for_tests)
            with LiveServer(create_app(config, with_slack_app(container, app))) as server:
                yield SlackStack(fake, server, container)
            container.engine.dispose()
    finally:
        env.undo()
