"""A third chat platform, minimal: a web chat that posts JSON. Everything it needs is in this folder, and
enabling it is one settings line (``PLATFORMS=bot.slack.platform,bot.teams.platform,tests.fakes.webchat.platform``).

It shows what a platform gives the app (``bot.platforms.Platform``): its routes (``POST /webchat/messages``
and ``/webchat/actions``), a messenger for introductions, a digest sender, the home sections it shows, and
no staff board. What it "sends" is kept in ``outbox`` for tests to read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI

from bot.container import Container
from bot.core.digest.types import Digest, Recipient
from bot.core.home import HomeSectionProvider
from bot.core.intros.delivery import Address
from bot.core.intros.messages import IntroMessage
from bot.core.messages import ActionRequest, IncomingMessage, Reply

PLATFORM = "webchat"


def _answer(reply: Reply) -> dict[str, Any]:
    return {"text": reply.text, "refs": [s.ref for section in reply.sections for s in section.suggestions]}


@dataclass
class Outbox:
    """What the platform "sent": (user id, or "group:<ids>", text)."""

    sent: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class WebChatMessenger:
    outbox: Outbox

    def send(self, to: Address, message: IntroMessage) -> bool:
        self.outbox.sent.append((to.user_id, message.to_text()))
        return True

    def connect(self, people: Sequence[Address], message: IntroMessage) -> str | None:
        self.outbox.sent.append(("group:" + ",".join(sorted(p.user_id for p in people)), message.to_text()))
        return f"{PLATFORM}:group:{len(self.outbox.sent)}"


@dataclass
class WebChatDigestSender:
    outbox: Outbox
    platform: str = PLATFORM

    def send(self, recipient: Recipient, digest: Digest) -> str | None:
        self.outbox.sent.append((recipient.user_id, digest.to_reply().text))
        return f"digest-{len(self.outbox.sent)}"


@dataclass
class WebChatPlatform:
    container: Container
    name: str = PLATFORM
    outbox: Outbox = field(default_factory=Outbox)

    def mount(self, api: FastAPI) -> None:
        @api.post("/webchat/messages")
        def message(body: dict[str, str]) -> dict[str, Any]:
            return _answer(self.container.ask.ask(IncomingMessage(
                platform=PLATFORM, workspace_id=body["site"], user_id=body["user"], conversation_id=body["user"],
                text=body["text"])))

        @api.post("/webchat/actions")
        def action(body: dict[str, str]) -> dict[str, Any]:
            return _answer(self.container.ask.act(ActionRequest(
                platform=PLATFORM, workspace_id=body["site"], user_id=body["user"], action=body["action"],
                ref=body["ref"])))

    def health(self) -> str:
        return "json"

    def messenger(self) -> WebChatMessenger:
        return WebChatMessenger(self.outbox)

    def digest_sender(self) -> WebChatDigestSender:
        return WebChatDigestSender(self.outbox)

    def staff_board(self) -> None:
        return None  # staff review on the platforms that have a board

    def home_sections(self) -> Mapping[str, HomeSectionProvider]:
        return self.container.home.sections()


def platform(container: Container) -> WebChatPlatform:
    """Always on once listed in ``PLATFORMS`` (a real platform would check its own settings here)."""
    return WebChatPlatform(container)
