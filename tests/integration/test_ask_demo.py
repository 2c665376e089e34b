"""The demo directory answered by the real model: relevance and reasons a member would accept."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.core.ask.service import AskService
from bot.core.directory.catalog import Catalog
from bot.core.messages import IncomingMessage

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def service(demo_sessions: sessionmaker[Session], real_embedder) -> AskService:  # type: ignore[no-untyped-def]
    catalog = Catalog(demo_sessions, real_embedder)
    catalog.warm_up()
    return AskService(sessions=demo_sessions, catalog=catalog)


def ask(service: AskService, text: str):  # type: ignore[no-untyped-def]
    return service.ask(
        IncomingMessage(platform="terminal", workspace_id="local", user_id="t", conversation_id="c", text=text)
    )


def test_tig_welding_of_aluminium_battery_trays(service: AskService) -> None:
    reply = ask(service, "we need help automating TIG welding of aluminium battery trays")
    top = [s for s in reply.suggestions if s.kind in {"researcher", "technology_firm"}][:3]
    assert top, reply.text
    welding = [s for s in top if "weld" in s.reason.lower() or "tungsten" in s.reason.lower()]
    assert welding, [(s.title, s.reason) for s in top]
    assert len({s.heading for s in reply.sections}) >= 3  # a mix: people, firms, courses or funding


def test_filters_from_plain_words(service: AskService) -> None:
    reply = ask(service, "online micro-credential courses on PLC programming")
    assert reply.suggestions and {s.kind for s in reply.suggestions} == {"course"}
    assert any("plc" in (s.title + s.reason).lower() for s in reply.suggestions[:3])
    quebec = ask(service, "researchers in Quebec working on machine vision")
    assert quebec.suggestions and all(s.kind == "researcher" for s in quebec.suggestions)


def test_funding_question_returns_funding_streams(service: AskService) -> None:
    reply = ask(service, "funding to adopt robotics in a small machine shop")
    assert reply.suggestions and {s.kind for s in reply.suggestions} == {"funding_stream"}
