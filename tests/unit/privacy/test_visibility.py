"""Visibility: a hidden profile never reaches a member; a staff-only one reaches staff only.

Checked where results leave the core: answers (search, "more like", by title), buttons (save, introductions),
the saved list, digests, and a member's own change taking effect without a restart.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.core.ask.service import AskService
from bot.core.digest.composer import DigestComposer
from bot.core.digest.types import DigestConfig
from bot.core.directory.catalog import Catalog
from bot.core.errors import UserFacingError
from bot.core.intros.consortium import propose
from bot.core.messages import REQUEST_INTRO, SAVE, ActionRequest, IncomingMessage, Reply, Suggestion
from bot.core.privacy.service import SELF_SERVICE, PrivacyService
from matching.embeddings import HashingEmbedder
from models.directory import Course, FundingStream, Need, Organization, Person, PlatformAccount
from models.privacy import entries
from models.repositories import DirectoryRepository

WELD = "automated TIG welding of aluminium battery trays"
QUESTION = "who can automate TIG welding of aluminium battery trays?"
PUBLIC_REFS = {"org:pub-weld", "person:r-pub", "course:c-pub", "funding:f-pub"}
STAFF_REFS = {"org:staff-weld", "person:r-staff", "course:c-staff", "org:mfg-staff"}
HIDDEN_REFS = {"org:hidden-weld", "person:r-hidden", "person:r-in-hidden-org", "course:c-by-hidden",
               "funding:f-hidden", "need:n-by-hidden"}


def seed(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as s:
        repo = DirectoryRepository(s)
        for ext, kind in (("mfg-pub", "manufacturer"), ("mfg-staff", "manufacturer"),
                          ("uni-pub", "research_institution")):
            repo.upsert(Organization, ext, {"name": f"{ext} Ltd", "kind": kind,
                                            "visibility": "staff" if "staff" in ext else "public",
                                            "capabilities": f"Production lines needing {WELD}."})
        for ext, vis in (("pub-weld", "public"), ("staff-weld", "staff"), ("hidden-weld", "hidden")):
            repo.upsert(Organization, ext, {"name": f"{ext} Inc", "kind": "technology_firm", "visibility": vis,
                                            "capabilities": f"Robotic cells for {WELD} ({ext})."})
        s.flush()
        hidden_org = repo.get("org:hidden-weld")
        for ext, vis, org in (("r-pub", "public", None), ("r-staff", "staff", None), ("r-hidden", "hidden", None),
                              ("r-in-hidden-org", "public", hidden_org)):
            repo.upsert(Person, ext, {"name": f"Dr {ext}", "role": "researcher", "visibility": vis,
                                      "expertise": f"Research on {WELD}, seam tracking ({ext}).",
                                      "organization_id": org.id if org is not None else None})
        for ext, vis, provider in (("c-pub", "public", None), ("c-staff", "staff", None),
                                   ("c-by-hidden", "public", hidden_org)):
            repo.upsert(Course, ext, {"title": f"Course on {WELD} ({ext})", "visibility": vis,
                                      "provider_id": provider.id if provider is not None else None})
        for ext, vis in (("f-pub", "public"), ("f-hidden", "hidden")):
            repo.upsert(FundingStream, ext, {"name": f"Fund for {WELD} ({ext})", "visibility": vis})
        s.flush()
        hidden_person = repo.get("person:r-hidden")
        repo.upsert(Need, "n-by-hidden", {"title": f"Need: {WELD}", "person_id": hidden_person.id})  # type: ignore[union-attr]
        member, _ = repo.upsert(Person, "p-mem", {"name": "Mem Ber", "role": "contact", "interests": WELD,
                                                  "expertise": "Powder coating of steel parts."})
        s.flush()
        s.add(PlatformAccount(platform="slack", workspace_id="T1", user_id="U-MEM", person_id=member.id))
        s.add(PlatformAccount(platform="slack", workspace_id="T1", user_id="U-STAFF", is_staff=True))


class RecordingIntros:
    actions: tuple[str, ...] = ()

    def __init__(self) -> None:
        self.requests: list[ActionRequest] = []

    def request_intro(self, request: ActionRequest) -> Reply:
        self.requests.append(request)
        return Reply(text="asked")

    def act(self, request: ActionRequest) -> Reply:
        raise AssertionError("no introduction button in these tests")

    def demote(self, suggestions: Sequence[Suggestion]) -> list[Suggestion]:
        return list(suggestions)


@pytest.fixture
def seeded(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    seed(sessions)
    return sessions


@pytest.fixture
def catalog(seeded: sessionmaker[Session]) -> Catalog:
    return Catalog(seeded, HashingEmbedder(), check_interval=0.0, min_dense=0.0)


@pytest.fixture
def intros() -> RecordingIntros:
    return RecordingIntros()


@pytest.fixture
def ask(seeded: sessionmaker[Session], catalog: Catalog, intros: RecordingIntros) -> AskService:
    return AskService(sessions=seeded, catalog=catalog, intros=intros, per_kind=10, total=40)


def question(user: str, text: str = QUESTION) -> IncomingMessage:
    return IncomingMessage(platform="slack", workspace_id="T1", user_id=user, conversation_id="C1", text=text)


def refs(reply: Reply) -> set[str]:
    return {s.ref for s in reply.suggestions}


def click(user: str, action: str, ref: str) -> ActionRequest:
    return ActionRequest(platform="slack", workspace_id="T1", user_id=user, action=action, ref=ref)


def test_members_see_public_items_only(ask: AskService) -> None:
    shown = refs(ask.ask(question("U-MEM", f"courses researchers firms funding: {QUESTION}")))
    assert shown & PUBLIC_REFS and not shown & (STAFF_REFS | HIDDEN_REFS)
    shown = refs(ask.ask(question("U-ANON")))
    assert not shown & (STAFF_REFS | HIDDEN_REFS)


def test_staff_see_staff_only_items_but_never_hidden_ones(ask: AskService) -> None:
    shown = refs(ask.ask(question("U-STAFF", f"courses researchers firms funding: {QUESTION}")))
    assert shown & STAFF_REFS and shown & PUBLIC_REFS
    assert not shown & HIDDEN_REFS


def test_hidden_and_staff_only_items_cannot_be_reached_by_name_or_button(
    ask: AskService, intros: RecordingIntros
) -> None:
    for target in ("staff-weld Inc", "org:staff-weld", "org:hidden-weld", "hidden-weld Inc"):
        with pytest.raises(UserFacingError):
            ask.ask(question("U-MEM", f"more like {target}"))
    assert ask.ask(question("U-STAFF", "more like staff-weld Inc")).suggestions  # staff may
    for ref in ("org:staff-weld", "org:hidden-weld", "person:r-hidden", "person:r-in-hidden-org"):
        with pytest.raises(UserFacingError):
            ask.act(click("U-MEM", SAVE, ref))
        with pytest.raises(UserFacingError):
            ask.act(click("U-MEM", REQUEST_INTRO, ref))
    assert intros.requests == []
    ask.act(click("U-MEM", REQUEST_INTRO, "org:pub-weld"))
    assert [r.ref for r in intros.requests] == ["org:pub-weld"]


def test_an_item_hidden_after_it_was_saved_leaves_the_saved_list(
    seeded: sessionmaker[Session], ask: AskService
) -> None:
    ask.act(click("U-MEM", SAVE, "org:pub-weld"))
    assert refs(ask.ask(question("U-MEM", "saved"))) == {"org:pub-weld"}
    with seeded.begin() as s:
        DirectoryRepository(s).upsert(Organization, "pub-weld", {"visibility": "hidden"})
    saved = ask.ask(question("U-MEM", "saved"))
    assert refs(saved) == set() and "pub-weld" not in saved.text


def test_digests_hold_public_items_only(seeded: sessionmaker[Session], catalog: Catalog) -> None:
    composer = DigestComposer(catalog=catalog, config=DigestConfig(default_on=True, max_items=10))
    with seeded() as s:
        accounts = list(s.scalars(select(PlatformAccount).where(PlatformAccount.user_id == "U-MEM")))
        digest = composer.compose_members(s, accounts, datetime.now(UTC))[accounts[0].id]
    assert digest is not None
    shown = {s.ref for s in digest.suggestions}
    assert shown & PUBLIC_REFS and not shown & (STAFF_REFS | HIDDEN_REFS)


def test_a_member_hiding_themselves_drops_out_of_answers_at_once(
    seeded: sessionmaker[Session], ask: AskService
) -> None:
    privacy = PrivacyService(sessions=seeded)
    with seeded.begin() as s:
        s.add(PlatformAccount(platform="slack", workspace_id="T1", user_id="U-PUB",
                              person_id=DirectoryRepository(s).get("person:r-pub").id))  # type: ignore[union-attr]
    assert "person:r-pub" in refs(ask.ask(question("U-MEM", f"researchers: {QUESTION}")))
    text = privacy.visibility_command_for("slack", "T1", "U-PUB", "hidden")
    assert "nobody can find you" in text
    assert "person:r-pub" not in refs(ask.ask(question("U-MEM", f"researchers: {QUESTION}")))
    assert "person:r-pub" not in refs(ask.ask(question("U-STAFF", f"researchers: {QUESTION}")))
    privacy.visibility_command_for("slack", "T1", "U-PUB", "staff")
    assert "person:r-pub" not in refs(ask.ask(question("U-MEM", f"researchers: {QUESTION}")))
    assert "person:r-pub" in refs(ask.ask(question("U-STAFF", f"researchers: {QUESTION}")))
    with seeded() as s:
        changes = [(e.actor, e.details["to"]) for e in entries(s, action="visibility.set")]
    assert changes == [(SELF_SERVICE, "staff"), (SELF_SERVICE, "hidden")]


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_visibility_command_answers(seeded: sessionmaker[Session]) -> None:
    privacy = PrivacyService(sessions=seeded)
    assert "Create one first" in privacy.visibility_command_for("slack", "T1", "U-NOBODY", "")
    assert "members can find you" in privacy.visibility_command_for("slack", "T1", "U-MEM", "")
    with pytest.raises(UserFacingError, match="visibility public"):
        privacy.visibility_command_for("slack", "T1", "U-MEM", "everyone")
    assert privacy.visibility_command_for("slack", "T1", "U-MEM", "public").startswith("Nothing to change")
    with seeded() as s:
        assert entries(s, action="visibility.set") == []




def test_consortium_teams_follow_visibility(seeded: sessionmaker[Session], catalog: Catalog) -> None:
    def members(user: str) -> set[str]:
        reply = propose(catalog, seeded, question(user), WELD)
        return refs(reply)

    shown = members("U-MEM")
    assert shown and not shown & (STAFF_REFS | HIDDEN_REFS)
    assert not members("U-STAFF") & HIDDEN_REFS
