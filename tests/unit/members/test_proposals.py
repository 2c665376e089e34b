"""Linked members propose edits of their organization's texts; matching sees them only once staff approve."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.core.accounts.members import MembersService
from bot.core.errors import UserFacingError
from models.directory import Organization
from models.members import OrgTextProposal
from models.repositories import DirectoryRepository


def _caps(sessions: sessionmaker[Session], ext: str) -> str:
    with sessions() as s:
        return s.scalars(select(Organization.capabilities).where(Organization.external_id == ext)).one()


def test_proposal_applies_only_after_staff_approval(seeded: sessionmaker[Session]) -> None:
    members = MembersService(seeded)
    members.link(("slack", "T1", "U1"), "person:p-ana", "cli:staff")
    with seeded() as s:
        before = DirectoryRepository(s).current_version()
    out = members.propose("slack", "T1", "U1", "org:acme", capabilities="Hot stamping of boron steel.")
    assert out.request_id is not None and "waits for staff approval" in out.text
    assert _caps(seeded, "acme") == "Deep drawing of aluminium trays."
    with seeded() as s:
        assert DirectoryRepository(s).current_version() == before  # the catalog has nothing to rebuild
    with pytest.raises(UserFacingError, match="Only cluster staff"):
        members.decide_proposal(out.request_id, True, "slack:T1:U1", staff=False)
    assert "approved" in members.decide_proposal(out.request_id, True, "slack:T1:WSTAFF", staff=True)
    assert _caps(seeded, "acme") == "Hot stamping of boron steel."


def test_editing_an_organization_you_are_not_linked_to_is_refused(seeded: sessionmaker[Session]) -> None:
    members = MembersService(seeded)
    members.link(("slack", "T1", "U1"), "person:p-ana", "cli:staff")
    with pytest.raises(UserFacingError, match="You are not linked to WeldCo"):
        members.propose("slack", "T1", "U1", "org:weldco", capabilities="Anything")
    with pytest.raises(UserFacingError, match="not linked to an organization"):
        members.propose("slack", "T1", "NOBODY", None, capabilities="Anything")
    with pytest.raises(UserFacingError, match="changes nothing"):
        members.propose("slack", "T1", "U1", None, capabilities="Deep drawing of aluminium trays.")
    with seeded() as s:
        assert s.scalar(select(func.count()).select_from(OrgTextProposal)) == 0
    assert _caps(seeded, "weldco") == "Robotic welding cells."
