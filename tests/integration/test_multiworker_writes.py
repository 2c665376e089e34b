"""Writes two workers race on: the second of two simultaneous clicks finds the row, it does not fail.

The race is made deterministic: just before this session flushes its insert, another session (another
worker) stores the same save and commits. Found by ``scripts/multiworker_check.py`` (one double click in 120
was answered with the error apology before the fix).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.core.ask.feedback import ActivityRepository, Asker
from models.activity import MatchFeedback, SavedMatch

ASKER = Asker("slack", "T1", "U1")


def race(sessions: sessionmaker[Session], mine: Callable[[ActivityRepository], bool],
         theirs: Callable[[ActivityRepository], bool]) -> bool:
    """Run ``mine`` while ``theirs`` commits in another session right before ``mine`` flushes."""
    with sessions.begin() as session:
        fired: list[bool] = []

        @event.listens_for(session, "before_flush")
        def other_worker_first(*_: Any) -> None:
            if not fired:
                fired.append(True)
                with sessions.begin() as other:
                    assert theirs(ActivityRepository(other))

        result = mine(ActivityRepository(session))
        session.flush()
        assert fired
    return result


@pytest.mark.parametrize("engine", ["postgresql"], indirect=True)
def test_a_double_clicked_save_is_stored_once_and_both_clicks_succeed(sessions: sessionmaker[Session]) -> None:
    added = race(sessions, lambda r: r.save(ASKER, "org:x", "X", None), lambda r: r.save(ASKER, "org:x", "X", None))
    assert added is False  # "already saved", not an error
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(SavedMatch)) == 1


@pytest.mark.parametrize("engine", ["postgresql"], indirect=True)
def test_a_double_clicked_not_relevant_is_stored_once(sessions: sessionmaker[Session]) -> None:
    added = race(sessions, lambda r: r.mark_not_relevant(ASKER, "org:x", None),
                 lambda r: r.mark_not_relevant(ASKER, "org:x", None))
    assert added is False
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(MatchFeedback)) == 1
