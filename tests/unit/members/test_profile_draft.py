"""A profile drafted from a member's questions and needs: nothing written before confirmation."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.core.accounts.members import MembersService
from bot.core.directory.profile_draft import DraftService, Kept
from bot.core.errors import UserFacingError
from matching.embeddings import HashingEmbedder
from models.activity import Question
from models.base import Base
from models.directory import Need, Person
from models.members import OrgTextProposal
from models.repositories import DirectoryRepository

QUESTION = "Who can automate arc welding of aluminium battery trays?"
NEED = "Sort our aluminium scrap by alloy. The chips from two alloys go in one bin."


def _snapshot(sessions: sessionmaker[Session]) -> dict[str, int]:
    with sessions() as s:
        counts = {t.name: int(s.scalar(select(func.count()).select_from(t)) or 0)
                  for t in Base.metadata.sorted_tables if t.name != "directory_version"}
        counts["version"] = DirectoryRepository(s).current_version()
        return counts


@pytest.fixture
def drafts(seeded: sessionmaker[Session]) -> DraftService:
    MembersService(seeded).link(("slack", "T1", "U1"), "person:p-ana", "cli:staff")
    with seeded.begin() as s:
        ana = s.scalars(select(Person).where(Person.external_id == "p-ana")).one()
        s.add(Question(id="q" * 16, platform="slack", workspace_id="T1", user_id="U1", person_id=ana.id,
                       intent="search", text=QUESTION, kinds=[], filters={}, result_refs=[]))
        DirectoryRepository(s).upsert(Need, "n-1", {"title": "Scrap sorting", "description": NEED,
                                                    "person_id": ana.id, "organization_id": ana.organization_id})
    return DraftService(seeded, HashingEmbedder())


def test_the_draft_quotes_the_members_sentences_and_writes_nothing(drafts: DraftService,
                                                                   seeded: sessionmaker[Session]) -> None:
    before = _snapshot(seeded)
    draft = drafts.draft("slack", "T1", "U1")
    assert _snapshot(seeded) == before  # a declined draft leaves no trace
    phrases = {p.phrase: p.source for p in draft.capabilities + draft.needs}
    assert phrases.get("Automated arc welding of aluminium") == QUESTION
    assert "Alloy-specific metal scrap sorting" in phrases
    said = f"{QUESTION} Scrap sorting. {NEED}"
    assert all(p.source in said for p in draft.capabilities + draft.needs + draft.sectors + draft.skills)
    assert draft.org_name == "Acme Tooling" and len(draft.capabilities + draft.needs) <= 10


def test_confirm_saves_the_person_and_proposes_the_organization_part(drafts: DraftService,
                                                                     seeded: sessionmaker[Session]) -> None:
    text = drafts.confirm("slack", "T1", "U1", Kept(needs=["Alloy-specific metal scrap sorting"],
                                                     sectors=["metals"], skills=["TIG welding"]))
    assert text.startswith("Saved") and "waits for staff approval" in text
    with seeded() as s:
        ana = s.scalars(select(Person).where(Person.external_id == "p-ana")).one()
        kept = "Looking for: Alloy-specific metal scrap sorting."
        assert ana.expertise == "Skills: TIG welding." and ana.interests == kept
        proposal = s.scalars(select(OrgTextProposal)).one()
        assert proposal.sectors == ["metals"] and proposal.needs.endswith(kept)
        assert proposal.organization.capabilities == "Deep drawing of aluminium trays."  # unchanged until approved


def test_bad_input_is_refused_before_anything_is_written(drafts: DraftService, seeded: sessionmaker[Session]) -> None:
    before = _snapshot(seeded)
    with pytest.raises(UserFacingError, match="keep at least one"):
        drafts.confirm("slack", "T1", "U1", Kept(needs=["  "]))
    with pytest.raises(UserFacingError, match="Link your chat account"):
        drafts.draft("slack", "T1", "NOBODY")
    MembersService(seeded).link(("slack", "T1", "U2"), "person:p-lee", "cli:staff")
    with pytest.raises(UserFacingError, match="nothing to draft from"):
        drafts.draft("slack", "T1", "U2")
    after = _snapshot(seeded)
    assert {k: v for k, v in after.items() if k not in ("platform_accounts", "audit_log", "version")} == \
        {k: v for k, v in before.items() if k not in ("platform_accounts", "audit_log", "version")}
