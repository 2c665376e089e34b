"""French and English questions on the demo directory: the "Shared" terms are never function words."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.core.ask.service import AskService
from bot.core.directory.catalog import Catalog
from bot.core.messages import IncomingMessage, Reply
from matching.french import ENGLISH_HOMOGRAPHS, FRENCH_STOP_WORDS, fold
from matching.language import detect
from matching.text import STOP_WORDS

pytestmark = pytest.mark.model

NEEDS = Path(__file__).parents[2] / "bot" / "demo" / "needs.jsonl"
QUESTION = "Nous cherchons un partenaire pour le soudage laser de pièces en aluminium au Québec"


@pytest.fixture(scope="module")
def service(demo_sessions: sessionmaker[Session], real_embedder) -> AskService:  # type: ignore[no-untyped-def]
    catalog = Catalog(demo_sessions, real_embedder)
    catalog.warm_up()
    return AskService(sessions=demo_sessions, catalog=catalog)


def ask(service: AskService, text: str) -> Reply:
    return service.ask(
        IncomingMessage(platform="terminal", workspace_id="local", user_id="t", conversation_id="c", text=text)
    )


def stop_words_shared(reply: Reply, *, english_question: bool) -> list[tuple[str, str]]:
    """(suggestion, word) for every stop word of either language in a "Shared" list."""
    found = []
    for s in reply.suggestions:
        for word in " ".join(s.shared_terms).split():
            homograph = english_question and word in ENGLISH_HOMOGRAPHS  # "AI", "teach pendant" in English
            if word in STOP_WORDS or (fold(word) in FRENCH_STOP_WORDS and not homograph):
                found.append((s.title, word))
    return found


def test_the_french_welding_question_shares_no_function_word(service: AskService) -> None:
    reply = ask(service, QUESTION)
    assert reply.suggestions
    assert stop_words_shared(reply, english_question=False) == []
    shared = {w for s in reply.suggestions for t in s.shared_terms for w in t.split()}
    assert {"soudage", "aluminium"} <= shared  # what the member asked about is what is shared


def test_no_demo_need_shares_a_stop_word_in_either_language(service: AskService) -> None:
    rows = [json.loads(line) for line in NEEDS.read_text(encoding="utf-8").splitlines() if line.strip()]
    questions = [f"{r['title']}. {r['description']}" for r in rows]
    assert {detect(q) for q in questions} == {"en", "fr"}
    bad = {}
    for q in questions:
        found = stop_words_shared(ask(service, q), english_question=detect(q) == "en")
        if found:
            bad[q[:60]] = found
    assert bad == {}
