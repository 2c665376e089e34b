"""A profile drafted from what a linked member said: their questions, needs and saved items.

``draft`` reads and proposes; it writes nothing and logs no text, so a member who declines leaves no trace.
``confirm`` saves what the member kept after editing: their own person's skills and interests at once, and
their organization's capabilities, needs and sectors as a proposal staff approve (like any organization
edit). Phrases come from ``matching.keyphrases.PhraseDrafter`` over ``bot.core.directory.draft_vocabulary``; the
fitted drafter is rebuilt only when the directory changes.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from bot.core.directory import draft_vocabulary as vocab
from bot.core.errors import UserFacingError
from matching.embeddings import Embedder
from matching.keyphrases import KeyPhrase, PhraseDrafter
from models.activity import Question, SavedMatch
from models.directory import Need, Organization, PlatformAccount
from models.members import MemberRepository, OrgTextProposal
from models.privacy import audit
from models.repositories import DirectoryRepository

NOT_LINKED = "Link your chat account to the directory first (say `link`, or `join <organization>`)."
NOTHING_SAID = ("I have nothing to draft from yet: ask me a few questions or post a need, then try again.")
NOTHING_KEPT = "Nothing to save: keep at least one phrase."
SAVED = "Saved your skills and interests."
PROPOSED = " Your organization's part waits for staff approval (proposal {id})."
PHRASES, SECTORS, SKILLS = 10, 3, 4
MAX_TEXTS = 200
_OFFER = re.compile(r"\b(we|our|i)\b[^.?!]*\b(offer|provide|run|have|make|build|develop|supply|design|host|do|"
                    r"specialise|specialize|machine|produce|manufacture)\b", re.IGNORECASE)


@dataclass(frozen=True)
class DraftPhrase:
    phrase: str
    source: str  # the member's sentence it came from


@dataclass(frozen=True)
class Draft:
    """What the modal/card shows; every list may be edited before ``confirm``."""

    capabilities: tuple[DraftPhrase, ...] = ()
    needs: tuple[DraftPhrase, ...] = ()
    sectors: tuple[DraftPhrase, ...] = ()
    skills: tuple[DraftPhrase, ...] = ()
    org_name: str | None = None

    @property
    def empty(self) -> bool:
        return not (self.capabilities or self.needs or self.sectors or self.skills)


@dataclass(frozen=True)
class Kept:
    """What the member confirmed (plain phrases)."""

    capabilities: Sequence[str] = ()
    needs: Sequence[str] = ()
    sectors: Sequence[str] = ()
    skills: Sequence[str] = ()


def _phrases(found: Sequence[KeyPhrase]) -> tuple[DraftPhrase, ...]:
    return tuple(DraftPhrase(p.phrase, p.source) for p in found)


def _sentence(label: str, phrases: Sequence[str]) -> str:
    return f"{label}: {', '.join(phrases)}." if phrases else ""


def _joined(old: str, addition: str) -> str:
    return " ".join(x for x in (old.strip(), addition) if x)


class DraftService:
    def __init__(self, sessions: sessionmaker[Session], embedder: Embedder) -> None:
        self.sessions = sessions
        self.embedder = embedder
        self._lock = threading.Lock()
        self._fitted: tuple[int, PhraseDrafter] | None = None

    def drafter(self, session: Session) -> PhraseDrafter:
        version = DirectoryRepository(session).current_version()
        with self._lock:
            if self._fitted is None or self._fitted[0] != version:
                words = vocab.from_directory(session)
                drafter = PhraseDrafter(self.embedder.encode).fit(words.terms, words.groups, words.snippets)
                self._fitted = (version, drafter)
            return self._fitted[1]

    @staticmethod
    def texts_of(session: Session, account: PlatformAccount) -> list[str]:
        """What the member asked (questions), posted (needs) and kept (saved items' titles), newest first."""
        mine = or_(Question.person_id == account.person_id,
                   (Question.platform == account.platform) & (Question.workspace_id == account.workspace_id)
                   & (Question.user_id == account.user_id))
        texts = list(session.scalars(select(Question.text).where(mine, Question.intent == "search")
                                     .order_by(Question.created_at.desc()).limit(MAX_TEXTS)))
        texts += [f"{t}. {d}" for t, d in session.execute(
            select(Need.title, Need.description).where(Need.person_id == account.person_id))]
        texts += list(session.scalars(select(SavedMatch.title).where(
            SavedMatch.platform == account.platform, SavedMatch.workspace_id == account.workspace_id,
            SavedMatch.user_id == account.user_id)))
        return texts

    def draft(self, platform: str, workspace_id: str, user_id: str) -> Draft:
        """The proposed phrases, each with its source sentence; writes nothing."""
        with self.sessions() as s:
            account = MemberRepository(s).account(platform, workspace_id, user_id)
            if account is None or account.person is None:
                raise UserFacingError(NOT_LINKED)
            texts = self.texts_of(s, account)
            if not texts:
                raise UserFacingError(NOTHING_SAID)
            drafter = self.drafter(s)
            org = account.person.organization
            org_name = org.name if org is not None else None
        topics = drafter.propose(texts, k=PHRASES, groups=[vocab.CAPABILITY])
        offers = [p for p in topics if _OFFER.search(p.source)]
        return Draft(
            capabilities=_phrases(offers),
            needs=_phrases([p for p in topics if p not in offers]),
            sectors=_phrases(drafter.propose(texts, k=SECTORS, groups=[vocab.SECTOR])),
            skills=_phrases(drafter.propose(texts, k=SKILLS, groups=[vocab.SKILL])),
            org_name=org_name,
        )

    def confirm(self, platform: str, workspace_id: str, user_id: str, kept: Kept) -> str:
        """Save what the member kept: their person at once, their organization's part as a proposal."""
        clean = {name: [" ".join(p.split()) for p in getattr(kept, name) if p and p.strip()]
                 for name in ("capabilities", "needs", "sectors", "skills")}
        if not any(clean.values()):
            raise UserFacingError(NOTHING_KEPT)
        actor = f"{platform}:{workspace_id}:{user_id}"
        with self.sessions.begin() as s:
            account = MemberRepository(s).account(platform, workspace_id, user_id)
            person = account.person if account is not None else None
            if person is None:
                raise UserFacingError(NOT_LINKED)
            org: Organization | None = person.organization
            expertise = _sentence("Skills", clean["skills"])
            if org is None:
                expertise = _joined(expertise, _sentence("Capabilities", clean["capabilities"]))
            values = {"expertise": _joined(person.expertise or "", expertise),
                      "interests": _joined(person.interests or "", _sentence("Looking for", clean["needs"]))}
            DirectoryRepository(s).apply(type(person), person, person.external_id, values)
            text = SAVED
            if org is not None and (clean["capabilities"] or clean["needs"] or clean["sectors"]):
                proposal = OrgTextProposal(
                    organization_id=org.id, person_id=person.id,
                    capabilities=_joined(org.capabilities or "", _sentence("Capabilities", clean["capabilities"])),
                    needs=_joined(org.needs or "", _sentence("Looking for", clean["needs"])),
                    sectors=sorted(set(org.sectors or []) | set(clean["sectors"])) if clean["sectors"] else None)
                s.add(proposal)
                s.flush()
                audit(s, actor, "member.propose", f"org:{org.external_id}", {"proposal": proposal.id,
                                                                            "from": "draft"})
                text += PROPOSED.format(id=proposal.id)
            audit(s, actor, "profile.draft_confirm", f"person:{person.external_id}",
                  {name: len(values_) for name, values_ in clean.items()})
            return text
