"""Member signals through the core: answers and buttons become judgements, a refit keeps a better model,
answers move towards what members did, members without signals are untouched, forget-me removes signals.

The demo directory with the hashing embedder: what is checked is how signals move answers, not semantics.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from bot.core.ask.service import AskService
from bot.core.directory.catalog import Catalog
from bot.core.directory.importer import import_files
from bot.core.messages import NOT_RELEVANT, SAVE, ActionRequest, IncomingMessage
from bot.core.privacy.service import PrivacyService
from bot.core.signals.service import SignalConfig, SignalService
from bot.demo import demo_files
from matching.embeddings import HashingEmbedder
from models.db import make_engine, migrate, session_factory
from models.signals import RankerModel

WS = "T1"
QUESTIONS = (
    "automated welding of aluminium", "machine vision inspection of parts", "PLC programming and automation",
    "composite materials for lighter parts", "battery manufacturing", "predictive maintenance of machines",
    "recycling plastics in manufacturing", "robotics for a small plant",
)
CONFIG = SignalConfig(min_answers=10, min_holdout=4)


@pytest.fixture
def demo() -> Iterator[tuple[sessionmaker[Session], Catalog]]:
    engine = make_engine("sqlite://")
    migrate(engine)
    sessions = session_factory(engine)
    import_files(demo_files(), sessions=sessions)
    catalog = Catalog(sessions, HashingEmbedder(), check_interval=0)
    catalog.warm_up()
    yield sessions, catalog
    engine.dispose()


def ask(service: AskService, user: str, text: str):  # type: ignore[no-untyped-def]
    return service.ask(IncomingMessage("slack", WS, user, "C1", text))


def use_the_bot(service: AskService, members: int = 6, rounds: int = 3) -> None:
    """Members who save every course they are shown and dismiss every researcher."""
    for r in range(rounds):
        for m in range(members):
            reply = ask(service, f"U{m}", QUESTIONS[(m + r * 3) % len(QUESTIONS)])
            for s in reply.suggestions:
                action = SAVE if s.kind == "course" else NOT_RELEVANT if s.kind == "researcher" else None
                if action:
                    service.act(ActionRequest("slack", WS, f"U{m}", action, s.ref, reply.query_id))


def kinds_in_top(catalog: Catalog, text: str, personal, n: int = 10) -> list[str]:  # type: ignore[no-untyped-def]
    return [s.kind for s in catalog.search(text, k=30, personal=personal)[:n]]


def test_signals_refit_keeps_a_better_model_and_moves_answers(demo) -> None:  # type: ignore[no-untyped-def]
    sessions, catalog = demo
    signals = SignalService(sessions, catalog, CONFIG)
    service = AskService(sessions=sessions, catalog=catalog, signals=signals)
    use_the_bot(service)
    report = signals.refit("slack", WS)
    assert report.kept, report
    assert report.version == 1 and report.answers >= 10 and report.members == 6
    assert report.ndcg_new is not None and report.ndcg_current is not None and report.ndcg_new > report.ndcg_current
    stored = signals.versions("slack", WS)
    assert stored[0]["active"] and stored[0]["ndcg_new"] == report.ndcg_new

    personal = signals.personal("slack", WS, "U0")
    assert personal is not None and personal.version == 1
    text = "automation training and research for a machine shop"
    before, after = kinds_in_top(catalog, text, None), kinds_in_top(catalog, text, personal)
    assert after.count("course") > before.count("course")
    assert after.count("researcher") < before.count("researcher")


def test_a_member_without_signals_gets_the_same_answer(demo) -> None:  # type: ignore[no-untyped-def]
    sessions, catalog = demo
    signals = SignalService(sessions, catalog, CONFIG)
    service = AskService(sessions=sessions, catalog=catalog, signals=signals)
    use_the_bot(service)
    assert signals.refit("slack", WS).kept
    assert signals.personal("slack", WS, "NEWCOMER") is None
    plain = AskService(sessions=sessions, catalog=catalog)
    for text in QUESTIONS[:4]:
        a, b = ask(service, "NEWCOMER", text), ask(plain, "NEWCOMER-2", text)
        assert [(s.ref, s.score) for s in a.suggestions] == [(s.ref, s.score) for s in b.suggestions]


def test_forget_me_removes_a_members_signals_from_the_next_fit(demo) -> None:  # type: ignore[no-untyped-def]
    sessions, catalog = demo
    signals = SignalService(sessions, catalog, CONFIG)
    use_the_bot(AskService(sessions=sessions, catalog=catalog, signals=signals))
    before = signals.rows("slack", WS)
    PrivacyService(sessions=sessions).forget("slack:T1:U0", actor="cli:test")
    after = signals.rows("slack", WS)
    assert after.members == before.members - 1 == 5
    assert 0 < after.y.shape[0] < before.y.shape[0]
    assert after.answers == before.answers - 3  # U0's three judged answers are gone


def test_not_enough_signals_stores_nothing(demo) -> None:  # type: ignore[no-untyped-def]
    sessions, catalog = demo
    signals = SignalService(sessions, catalog, CONFIG)
    use_the_bot(AskService(sessions=sessions, catalog=catalog, signals=signals), members=2, rounds=1)
    report = signals.refit("slack", WS)
    assert not report.kept and report.version is None and report.reason.startswith("not enough signals")
    assert signals.versions("slack", WS) == []


def test_a_tampered_model_is_refused_with_a_log_line(demo, caplog) -> None:  # type: ignore[no-untyped-def]
    sessions, catalog = demo
    signals = SignalService(sessions, catalog, CONFIG)
    use_the_bot(AskService(sessions=sessions, catalog=catalog, signals=signals))
    assert signals.refit("slack", WS).kept
    with sessions.begin() as s:
        row = s.query(RankerModel).one()
        s.execute(update(RankerModel).values(params={**row.params, "coef": [9.0] * len(row.params["coef"])}))
    signals.invalidate()
    with caplog.at_level(logging.WARNING, logger="bot.core.signals.service"):
        assert signals.personal("slack", WS, "U0") is None
    assert "refused" in caplog.text and "checksum" in caplog.text
