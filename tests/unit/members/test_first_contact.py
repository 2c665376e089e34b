"""The automatic "Is this you?" decision, platform-neutral: once per account, never for a linked, dismissed
or ambiguous one, the e-mail asked for only when something may be offered; notices through each account's
platform messenger."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.core.accounts.first_contact import UNMATCHED_QUIET, FirstContact
from bot.core.accounts.members import MembersService, Notice
from models.directory import PlatformAccount


class Lookups:
    """An e-mail source that counts how often it was asked (a ``users.info`` call on Slack)."""

    def __init__(self, email: str | None) -> None:
        self.email, self.calls = email, 0

    def __call__(self) -> str | None:
        self.calls += 1
        return self.email


def service(sessions: sessionmaker[Session], now: list[float]) -> FirstContact:
    return FirstContact(sessions, MembersService(sessions), clock=lambda: now[0])


def state(sessions: sessionmaker[Session], user: str) -> tuple[int | None, str | None] | None:
    with sessions() as s:
        row = s.scalars(select(PlatformAccount).where(PlatformAccount.user_id == user)).one_or_none()
        return (row.person_id, row.link_offer) if row is not None else None


def test_offered_once_and_recorded(seeded: sessionmaker[Session]) -> None:
    fc, ana = service(seeded, [0.0]), Lookups("ana@acme.example")
    offer = fc.offer("slack", "T1", "UANA", ana)
    assert offer is not None and offer.person_ref == "person:p-ana" and "Ana Ruiz (Acme Tooling)" in offer.text
    assert state(seeded, "UANA") == (None, "offered")
    assert fc.offer("slack", "T1", "UANA", ana) is None
    # another worker (a fresh service, no memory) reads the record instead
    assert service(seeded, [0.0]).offer("slack", "T1", "UANA", ana) is None
    assert ana.calls == 1


def test_dismissed_and_linked_accounts_get_no_offer(seeded: sessionmaker[Session]) -> None:
    fc = service(seeded, [0.0])
    assert "will not ask again" in fc.dismiss("slack", "T1", "UANA")
    ana = Lookups("ana@acme.example")
    assert service(seeded, [0.0]).offer("slack", "T1", "UANA", ana) is None and ana.calls == 0
    MembersService(seeded).confirm("teams", "X", "aad-ana", "ana@acme.example")
    assert service(seeded, [0.0]).offer("teams", "X", "aad-ana", ana) is None and ana.calls == 0


def test_no_offer_for_an_ambiguous_or_unknown_email_and_a_pause_before_asking_again(
        seeded: sessionmaker[Session]) -> None:
    now = [100.0]
    fc = service(seeded, now)
    shared, unknown = Lookups("info@shared.example"), Lookups(None)
    assert fc.offer("slack", "T1", "USHARED", shared) is None  # two people share it: nobody is offered
    assert fc.offer("slack", "T1", "UNONE", unknown) is None
    assert fc.offer("slack", "T1", "USHARED", shared) is None and shared.calls == 1
    assert state(seeded, "USHARED") is None and state(seeded, "UNONE") is None, "nothing written"
    now[0] += UNMATCHED_QUIET + 1
    assert fc.offer("slack", "T1", "USHARED", shared) is None and shared.calls == 2


class Recorder:
    def __init__(self, ok: bool = True) -> None:
        self.sent: list[tuple[Any, str]] = []
        self.ok = ok

    def send(self, to: Any, message: Any) -> bool:
        self.sent.append((to, message.headline))
        if not self.ok:
            raise RuntimeError("boom")
        return True


def test_notices_go_through_each_platforms_messenger(seeded: sessionmaker[Session]) -> None:
    teams, slack = Recorder(), Recorder(ok=False)
    members = MembersService(seeded, messengers={"teams": teams, "slack": slack}.get)
    ref = {"conversation": {"id": "a:1"}}
    notices = (Notice("teams", "X", "aad-1", "Welcome", 7, ref), Notice("slack", "T1", "U1", "Declined"),
               Notice("other", "Z", "u", "nobody hears this"))
    assert members.notify(notices) == 1  # the Slack messenger raised: logged, not raised
    [(to, text)] = teams.sent
    assert (to.account_id, to.user_id, to.conversation_ref, text) == (7, "aad-1", ref, "Welcome")
    assert members.notify(notices, skip=("teams", "slack")) == 0 and len(teams.sent) == 1
