"""A directory where one member ("Maria") has rows in every table that can hold member data.

Maria is a Slack and a Teams member linked to ``person:p-maria-x7``, contact of an organization, poster of a
need; she asked questions, saved matches, gave feedback, requested and received introductions, got digests,
and other members saved her, were shown her in digests and questions, and introduced each other about her
need. Her identifiers (``IDENTIFIERS``) are distinctive strings, so a test can scan every column of every
table for leftovers after a forget request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from models.activity import MatchFeedback, Question, SavedMatch
from models.digest import DigestDelivery, DigestItem, DigestPreference
from models.directory import EmbeddingCache, Need, Organization, Person, PlatformAccount
from models.intros import (
    IntroBatch,
    Introduction,
    IntroEvent,
    IntroOutcome,
    IntroPairRule,
    IntroPreference,
    IntroSuggestion,
)
from models.members import JoinRequest, OrgTextProposal
from models.privacy import audit
from models.repositories import DirectoryRepository, content_hash

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
MARIA = "person:p-maria-x7"
MARIA_SLACK = "slack:TCLUSTER:UMARIA77"
MARIA_TEAMS = "teams:tenant-1:29:maria-teams-aad"
MARIA_NEED = "need:n-maria-hydro"
MARIA_EXPERTISE = "Quintessential hydroforming of magnesium tubes for e-bike frames."
SHARED_TEXT = "Warm forming dies."  # Maria's interests, word for word Acme's description too
IDENTIFIERS = ("p-maria-x7", "Maria Quintessa", "maria.q@example.org", "UMARIA77", "maria-teams-aad",
               "n-maria-hydro", "Quintessential hydroforming", "magnesium tubes")
#: An account that asked questions before anyone linked it to a profile.
DRIFTER_SLACK = "slack:TCLUSTER:UDRIFTER"


@dataclass
class World:
    maria_id: int
    omar_id: int
    maria_accounts: tuple[int, int]
    omar_account: int
    shared_hash: str  # embedding-cache row Maria's profile shares with another organization's text
    own_hashes: tuple[str, ...]


def _person(repo: DirectoryRepository, ext: str, values: dict[str, object]) -> Person:
    person, _ = repo.upsert(Person, ext, values)
    repo.session.flush()
    return person


def build(sessions: sessionmaker[Session]) -> World:
    """Seed the world; returns the ids tests need."""
    with sessions.begin() as s:
        repo = DirectoryRepository(s)
        acme, _ = repo.upsert(Organization, "acme-fab", {
            "name": "Acme Fabrication", "kind": "manufacturer", "province": "ON",
            "capabilities": "Stamping of steel brackets.", "description": SHARED_TEXT,
        })
        repo.upsert(Organization, "weldco", {"name": "WeldCo", "kind": "technology_firm", "province": "QC",
                                              "capabilities": "Robotic welding of aluminium frames."})
        repo.upsert(Organization, "secretco", {"name": "SecretCo", "kind": "technology_firm", "visibility": "hidden",
                                               "capabilities": "Confidential magnesium casting."})
        s.flush()
        maria = _person(repo, "p-maria-x7", {
            "name": "Maria Quintessa", "role": "contact", "organization_id": acme.id, "email": "maria.q@example.org",
            "expertise": MARIA_EXPERTISE, "interests": SHARED_TEXT,
        })
        omar = _person(repo, "p-omar", {"name": "Omar Field", "role": "researcher",
                                        "expertise": "Fatigue testing of welded aluminium frames."})
        lin = _person(repo, "p-lin", {"name": "Lin Staffer", "role": "contact", "visibility": "staff",
                                      "expertise": "Programme officer for magnesium projects."})
        need, _ = repo.upsert(Need, "n-maria-hydro", {"title": "Magnesium tubes hydroforming partner",
                                                      "description": "Quintessential hydroforming trials.",
                                                      "person_id": maria.id, "organization_id": acme.id})
        slack = PlatformAccount(person_id=maria.id, platform="slack", workspace_id="TCLUSTER", user_id="UMARIA77",
                                display_name="maria")
        teams = PlatformAccount(person_id=maria.id, platform="teams", workspace_id="tenant-1",
                                user_id="29:maria-teams-aad", conversation_ref={"user": {"id": "29:maria-teams-aad"}})
        omar_acc = PlatformAccount(person_id=omar.id, platform="slack", workspace_id="TCLUSTER", user_id="UOMAR")
        s.add_all([slack, teams, omar_acc])
        s.flush()
        s.add_all([JoinRequest(account_id=teams.id, organization_id=acme.id, name="Maria Quintessa"),
                   OrgTextProposal(organization_id=acme.id, person_id=maria.id, capabilities="Magnesium hydroforming.",
                                   needs=SHARED_TEXT)])

        # activity: Maria's own, an unlinked account's, and other members' traces of Maria
        q = Question(id="q" * 16, platform="slack", workspace_id="TCLUSTER", user_id="UMARIA77", person_id=maria.id,
                     intent="search", text="who does magnesium tubes welding", kinds=[], filters={},
                     result_refs=["org:weldco", "org:secretco", "person:p-lin"])
        s.add(q)
        s.add(Question(id="d" * 16, platform="slack", workspace_id="TCLUSTER", user_id="UDRIFTER", intent="search",
                       text="drifter question", kinds=[], filters={}, result_refs=[]))
        s.add(Question(id="o" * 16, platform="slack", workspace_id="TCLUSTER", user_id="UOMAR", person_id=omar.id,
                       intent="search", text="hydroforming partners", kinds=[], filters={},
                       result_refs=[MARIA, "org:weldco"]))
        s.add_all([
            SavedMatch(platform="slack", workspace_id="TCLUSTER", user_id="UMARIA77", person_id=maria.id,
                       ref="org:weldco", title="WeldCo", query_id=q.id),
            SavedMatch(platform="slack", workspace_id="TCLUSTER", user_id="UMARIA77", person_id=maria.id,
                       ref="org:secretco", title="SecretCo"),
            SavedMatch(platform="slack", workspace_id="TCLUSTER", user_id="UOMAR", person_id=omar.id, ref=MARIA,
                       title="Maria Quintessa"),
            MatchFeedback(platform="teams", workspace_id="tenant-1", user_id="29:maria-teams-aad",
                          person_id=maria.id, ref="person:p-omar"),
            MatchFeedback(platform="slack", workspace_id="TCLUSTER", user_id="UOMAR", person_id=omar.id, ref=MARIA),
        ])

        # introductions: Maria asked Omar (accepted); Omar asked about Maria's need through someone else
        intro = Introduction(state="accepted", a_person_id=maria.id, b_person_id=omar.id, a_account_id=slack.id,
                             b_account_id=omar_acc.id, target_ref="person:p-omar", a_ref=MARIA,
                             b_ref="person:p-omar", reason="fatigue testing", created_by=MARIA_SLACK,
                             created_at=NOW, expires_at=NOW + timedelta(days=14))
        other = Introduction(state="pending", open_key=f"{omar.id}-{lin.id}", a_person_id=omar.id,
                             b_person_id=lin.id, target_ref=MARIA_NEED, a_ref="person:p-omar", b_ref=MARIA_NEED,
                             created_by="slack:TCLUSTER:UOMAR", decided_by=MARIA_SLACK, created_at=NOW,
                             expires_at=NOW + timedelta(days=14))
        s.add_all([intro, other])
        s.flush()
        batch = IntroBatch(created_by=MARIA_SLACK, capacity=2, threshold=0.3, mode="coverage")
        s.add(batch)
        s.flush()
        suggestion = IntroSuggestion(batch_id=batch.id, a_person_id=maria.id, b_person_id=lin.id, a_ref=MARIA,
                                     b_ref="person:p-lin", score=0.7, why_a="magnesium", why_b="hydroforming")
        s.add(suggestion)
        s.flush()
        s.add_all([
            IntroEvent(introduction_id=intro.id, actor=MARIA_SLACK, action="requested", detail={"target": "x"}),
            IntroEvent(suggestion_id=suggestion.id, actor="staff", action="approve", detail={}),
            IntroEvent(introduction_id=other.id, actor="slack:TCLUSTER:UOMAR", action="requested",
                       detail={"target": MARIA_NEED}),
            IntroOutcome(introduction_id=intro.id, person_id=maria.id, met=True, stage="nda"),
            IntroPreference(person_id=maria.id, paused=False, excluded_orgs=["weldco"]),
            IntroPairRule(person_low=min(maria.id, lin.id), person_high=max(maria.id, lin.id), rule="veto",
                          created_by="cli:staff"),
        ])

        # digests: Maria's, and Omar's that showed Maria
        s.add(DigestPreference(account_id=slack.id, enabled=True, day="tue", hour=8))
        mine = DigestDelivery(recipient=f"account:{slack.id}", account_id=slack.id, iso_week="2026-W09",
                              due_at=NOW, state="sent", sent_at=NOW, payload={"sections": []})
        omars = DigestDelivery(recipient=f"account:{omar_acc.id}", account_id=omar_acc.id, iso_week="2026-W09",
                               due_at=NOW, state="sent", sent_at=NOW, payload={"kind": "member", "sections": [
                                   {"heading": "New", "suggestions": [
                                       {"ref": MARIA, "title": "Maria Quintessa", "kind": "person"},
                                       {"ref": "org:weldco", "title": "WeldCo", "kind": "technology_firm"}]}]})
        s.add_all([mine, omars])
        s.flush()
        s.add_all([DigestItem(delivery_id=mine.id, account_id=slack.id, ref="org:weldco"),
                   DigestItem(delivery_id=omars.id, account_id=omar_acc.id, ref=MARIA)])

        # audit entries about Maria, and one she caused
        audit(s, "cli:staff", "visibility.set", MARIA, {"from": "public", "to": "public"})
        audit(s, MARIA_SLACK, "member.export", MARIA, {"records": 3})
        audit(s, "cli:staff", "import.run", None, {"files": ["x.csv"]})

        # embedding cache: Maria's snippets, one of them shared with Acme's text
        shared = content_hash(SHARED_TEXT)
        own = (content_hash(MARIA_EXPERTISE),)
        for h in (shared, *own):
            s.add(EmbeddingCache(content_hash=h, model_id="test-model", dim=2, vector=b"\x00" * 8))
        return World(maria.id, omar.id, (slack.id, teams.id), omar_acc.id, shared, own)

