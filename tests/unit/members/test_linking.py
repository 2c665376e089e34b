"""Linking chat accounts to imported people: "Is this you?", join requests, staff links, audit."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.core.accounts import texts as t
from bot.core.accounts.members import MembersService
from bot.core.errors import UserFacingError
from models.directory import Person, PlatformAccount
from models.members import JoinRequest
from models.privacy import AuditEntry


def _rows(sessions: sessionmaker[Session]) -> tuple[int, int, int, int]:
    with sessions() as s:
        return tuple(int(s.scalar(select(func.count()).select_from(m)) or 0)  # type: ignore[return-value]
                     for m in (PlatformAccount, Person, JoinRequest, AuditEntry))


def test_one_match_is_offered_then_linked_and_audited(seeded: sessionmaker[Session]) -> None:
    members = MembersService(seeded)
    offer = members.offer("slack", "T1", "U1", "ana@acme.example")
    assert offer.person_ref == "person:p-ana" and "Is this you? Ana Ruiz (Acme Tooling)" in offer.text
    assert _rows(seeded) == (0, 3, 0, 0)  # offering writes nothing
    assert members.confirm("slack", "T1", "U1", "ANA@acme.example") == t.LINKED.format(name="Ana Ruiz",
                                                                                      org=" (Acme Tooling)")
    with seeded() as s:
        account = s.scalars(select(PlatformAccount)).one()
        assert account.person is not None and account.person.external_id == "p-ana"
        entry = s.scalars(select(AuditEntry)).one()
        assert (entry.actor, entry.action, entry.target) == ("slack:T1:U1", "member.link", "person:p-ana")
    assert "already linked" in members.offer("slack", "T1", "U1", "ana@acme.example").text
    # The same person cannot be claimed by a second account.
    assert members.offer("teams", "tn", "u9", "ana@acme.example").text == t.TAKEN
    with pytest.raises(UserFacingError, match="already linked to another"):
        members.confirm("teams", "tn", "u9", "ana@acme.example")


def test_an_email_matching_several_people_links_nobody(seeded: sessionmaker[Session]) -> None:
    members = MembersService(seeded)
    offer = members.offer("slack", "T1", "U2", "info@shared.example")
    assert offer.person_ref is None and "matches 2 people" in offer.text
    with pytest.raises(UserFacingError, match="matches 2 people"):
        members.confirm("slack", "T1", "U2", "info@shared.example")
    assert _rows(seeded) == (0, 3, 0, 0)
    assert members.offer("slack", "T1", "U2", None).person_ref is None
    assert "Nobody in the directory" in members.offer("slack", "T1", "U2", "x@y.example").text


def test_join_request_decided_by_the_org_admin_not_by_others(seeded: sessionmaker[Session]) -> None:
    members = MembersService(seeded)
    members.link(("slack", "T1", "UADMIN"), "person:p-ana", "cli:staff", admin=True)
    members.link(("slack", "T1", "UOTHER"), "person:p-lee", "cli:staff")
    asked = members.request_join("slack", "T1", "UNEW", "acme tooling", "Sam New")
    assert asked.request_id is not None
    assert [(n.user_id, n.text) for n in asked.notices] == [("UADMIN", "Sam New asks to join Acme Tooling.")]
    with pytest.raises(UserFacingError, match="already waiting"):
        members.request_join("slack", "T1", "UNEW", "acme", "Sam New")
    with pytest.raises(UserFacingError, match="Only cluster staff or the organization's admin"):
        members.decide_join("slack", "T1", "UOTHER", asked.request_id, True, staff=False)
    done = members.decide_join("slack", "T1", "UADMIN", asked.request_id, True, staff=False)
    assert done.notices[0].user_id == "UNEW" and "Acme Tooling" in done.notices[0].text
    with seeded() as s:
        account = s.scalars(select(PlatformAccount).where(PlatformAccount.user_id == "UNEW")).one()
        assert account.person is not None and account.person.organization is not None
        assert (account.person.name, account.person.organization.external_id) == ("Sam New", "acme")
        actions = [e.action for e in s.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions == ["member.link", "member.link", "member.join_request", "member.join_approve"]
    with pytest.raises(UserFacingError, match="no request"):
        members.decide_join("slack", "T1", "UADMIN", asked.request_id, True, staff=False)


def test_join_bad_input_writes_nothing(seeded: sessionmaker[Session]) -> None:
    members = MembersService(seeded)
    for name, needle in (("", "Say which organization"), ("Nope Inc", "No organization is called")):
        with pytest.raises(UserFacingError, match=needle):
            members.request_join("slack", "T1", "U3", name, "Sam")
    assert _rows(seeded) == (0, 3, 0, 0)


def test_staff_declines_and_unlinks(seeded: sessionmaker[Session]) -> None:
    members = MembersService(seeded)
    asked = members.request_join("slack", "T1", "U4", "weldco", "Jo")
    assert asked.request_id is not None
    done = members.decide_join("slack", "T1", "WSTAFF", asked.request_id, False, staff=True)
    assert "declined" in done.notices[0].text
    members.link(("slack", "T1", "U4"), "person:p-kim", "cli:staff")
    assert members.unlink(("slack", "T1", "U4"), "cli:staff") == "slack:T1:U4 is no longer linked from Kim Roy."
    assert "not linked" in members.unlink(("slack", "T1", "U4"), "cli:staff")
    with pytest.raises(UserFacingError, match="No person"):
        members.link(("slack", "T1", "U4"), "person:nobody", "cli:staff")
    with seeded() as s:
        assert s.scalars(select(PlatformAccount).where(PlatformAccount.user_id == "U4")).one().person_id is None
        assert s.scalar(select(func.count()).select_from(Person)) == 3  # nobody created for a declined join
