"""Chat accounts through ``AccountService``: the in-memory unit of work (the unit tests' fake) and the SQL one
(``models.uow``) give the same answers, and a use case that fails before committing writes nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from bot.core.accounts.service import AccountService, UnitOfWorkFactory
from models.db import make_engine, session_factory
from models.uow import SqlUnitOfWork
from tests.fakes.accounts import InMemoryUnitOfWork


@pytest.fixture(params=["memory", "sql"])
def uow(request: pytest.FixtureRequest) -> Iterator[UnitOfWorkFactory]:
    if request.param == "memory":
        yield InMemoryUnitOfWork()
        return
    engine = make_engine("sqlite://")  # a copy of the migrated template database
    raw = engine.raw_connection()
    request.getfixturevalue("sqlite_template").backup(raw.driver_connection)
    raw.close()
    sessions = session_factory(engine)
    yield lambda: SqlUnitOfWork(sessions)
    engine.dispose()


def keep_personal(new: dict[str, Any]) -> Callable[[dict[str, Any] | None], dict[str, Any] | None]:
    """A merge that stores ``new`` unless a personal reference is already stored."""
    return lambda old: None if old is not None and old.get("kind") == "personal" else new


def test_remember_creates_then_refreshes_and_the_merge_decides_the_reference(uow: UnitOfWorkFactory) -> None:
    accounts = AccountService(uow)
    first = accounts.remember("teams", "T", "U", merge=keep_personal({"kind": "personal", "n": 1}),
                              display_name="N" * 300, timezone="Europe/Paris")
    assert (first.platform, first.workspace_id, first.user_id, first.active) == ("teams", "T", "U", True)
    assert first.display_name == "N" * 200 and first.timezone == "Europe/Paris"
    again = accounts.remember("teams", "T", "U", merge=keep_personal({"kind": "channel", "n": 2}))
    assert again.id == first.id and again.conversation_ref == {"kind": "personal", "n": 1}
    assert accounts.get("teams", "T", "U") == again and accounts.by_id(first.id) == again


def test_deactivation_and_coming_back(uow: UnitOfWorkFactory) -> None:
    accounts = AccountService(uow)
    a = accounts.remember("slack", "T1", "U1")
    accounts.remember("slack", "T1", "U2")
    accounts.remember("slack", "T2", "U3")
    assert accounts.deactivate(a.id, "blocked") is True
    assert accounts.deactivate(a.id, "blocked") is False  # already inactive
    assert accounts.deactivate_workspace("slack", "T1") == 1  # U2 only: U1 was already off
    assert accounts.remember("slack", "T1", "U1").active is False  # a mention alone does not bring them back
    assert accounts.remember("slack", "T1", "U1", reactivate=True).active is True
    assert accounts.deactivate_user("slack", "T2", "U3", "uninstalled") is True
    assert accounts.deactivate_user("slack", "T2", "nobody", "uninstalled") is False


def test_staff_and_the_staff_workspace(uow: UnitOfWorkFactory) -> None:
    accounts = AccountService(uow)
    assert accounts.staff_workspace("slack") == ""
    accounts.remember("slack", "TANY", "U1")
    assert accounts.staff_workspace("slack") == "TANY"  # no staff account: any account's workspace
    boss = accounts.remember("slack", "TSTAFF", "U2")
    with uow() as work:
        work.accounts.update(boss.id, {"is_staff": True})
        work.commit()
    assert accounts.staff_workspace("slack") == "TSTAFF"
    assert [a.user_id for a in accounts.staff("slack")] == ["U2"] and accounts.staff("teams") == []
    assert accounts.is_flagged_staff("slack", "TSTAFF", "U2") and not accounts.is_flagged_staff("slack", "TANY", "U1")
    accounts.deactivate(boss.id, "left")
    assert accounts.staff("slack") == []  # only active staff get review cards


def test_nothing_is_written_without_commit_and_unknown_columns_are_refused(uow: UnitOfWorkFactory) -> None:
    with pytest.raises(RuntimeError), uow() as work:
        work.accounts.add("slack", "T", "U")
        raise RuntimeError("the use case failed half way")
    assert AccountService(uow).get("slack", "T", "U") is None
    account = AccountService(uow).remember("slack", "T", "U")
    with uow() as work, pytest.raises(ValueError, match="person_id"):
        work.accounts.update(account.id, {"person_id": 3})
