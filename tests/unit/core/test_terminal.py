from __future__ import annotations

import io
import logging

import pytest
from rich.console import Console
from sqlalchemy import select

from bot.core import texts
from bot.core.ask.service import AskService
from bot.core.directory.catalog import Catalog
from bot.core.messages import IncomingMessage, Reply
from bot.terminal import APOLOGY, TerminalChat
from models.activity import MatchFeedback, SavedMatch


def make_chat(seeded, counting_embedder) -> tuple[TerminalChat, io.StringIO]:  # type: ignore[no-untyped-def]
    service = AskService(sessions=seeded, catalog=Catalog(seeded, counting_embedder))
    out = io.StringIO()
    chat = TerminalChat(service.ask, service.act, console=Console(file=out, width=200), user_id="me")
    return chat, out


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_chat_session_acts_on_numbered_suggestions(seeded, counting_embedder) -> None:  # type: ignore[no-untyped-def]
    chat, out = make_chat(seeded, counting_embedder)
    chat.run(["help", "TIG welding of aluminium", "save 1", "not 2", "more 1", "save 99", "quit", "never read"])
    shown = out.getvalue()
    assert texts.HELP.splitlines()[0] in shown
    assert " 1. " in shown and "Why: " in shown
    assert "Saved " in shown and "will not show" in shown
    assert "More like " in shown
    assert "There is no suggestion 99" in shown
    assert "never read" not in shown
    with seeded() as s:
        saved = s.scalars(select(SavedMatch)).one()
        dismissed = s.scalars(select(MatchFeedback)).one()
    assert saved.user_id == dismissed.user_id == "me" and saved.ref != dismissed.ref
    assert saved.query_id == dismissed.query_id is not None


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_action_before_any_answer_and_questions_that_look_like_commands(seeded, counting_embedder) -> None:  # type: ignore[no-untyped-def]
    chat, out = make_chat(seeded, counting_embedder)
    chat.run(["save 1", "more robots for welding"])
    shown = out.getvalue()
    assert "Ask a question first." in shown
    assert 'Here is what matches "more robots for welding"' in shown


def test_unexpected_errors_are_logged_not_shown(caplog: pytest.LogCaptureFixture) -> None:
    def broken(_: IncomingMessage) -> Reply:
        raise RuntimeError("secret internals")

    out = io.StringIO()
    chat = TerminalChat(broken, lambda _: Reply(text=""), console=Console(file=out, width=200))
    with caplog.at_level(logging.ERROR):
        assert chat.handle("anything") is True
    assert APOLOGY in out.getvalue() and "secret internals" not in out.getvalue()
    assert "secret internals" in caplog.text
    assert chat.handle("quit") is False
