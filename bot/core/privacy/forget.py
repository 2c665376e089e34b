"""Forget a member: delete everything that identifies them, in one transaction, and log only counts.

Deleted: the profile and the needs they posted, their chat accounts, questions, saved matches and feedback
(also other members' saves and feedback pointing at them), introductions they are part of (with events,
outcomes, rules, suggestions and preferences), digest deliveries, items and preferences, the pgvector
rows of their snippets, and embedding-cache vectors of their texts that no other directory row uses.
Rewritten: where other records keep a trace (a ref in someone's question log or composed digest, their chat
id as the actor of a staff action, an audit entry about them), the trace is removed or replaced with
``models.privacy.FORGOTTEN``. The directory version goes up, so every worker's catalog drops the profile on
its next search. The audit entry says who asked, when, and how many records of each kind went.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import String, cast, delete, or_, select, update
from sqlalchemy.orm import Session

from bot.core.directory.snippets import SNIPPET_WORDS
from bot.core.privacy.export import account_filter, id_list, introductions_of
from bot.core.privacy.subject import Subject
from matching.evidence import split_evidence
from models import vectors as pg
from models.activity import MatchFeedback, Question, SavedMatch, ShownSuggestion
from models.digest import DigestDelivery, DigestItem, DigestPreference
from models.directory import Course, EmbeddingCache, FundingStream, Need, Organization, Person, PlatformAccount
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
from models.privacy import FORGOTTEN, AuditEntry, audit
from models.repositories import DirectoryRepository, content_hash

logger = logging.getLogger(__name__)

#: String columns that name a chat account as the one who acted ("slack:T1:U1").
ACTOR_COLUMNS = (Introduction.created_by, Introduction.decided_by, IntroEvent.actor, IntroPairRule.created_by,
                 IntroBatch.created_by, IntroSuggestion.acted_by, AuditEntry.actor)
#: String columns of surviving introductions that may hold a ref of the member (a need they posted).
REF_COLUMNS = (Introduction.target_ref, Introduction.a_ref, Introduction.b_ref)
#: Directory text columns, for "does another row still use this snippet's cached vector?".
TEXT_COLUMNS: dict[type[Any], tuple[str, ...]] = {
    Organization: ("capabilities", "description", "needs"),
    Person: ("expertise", "interests"),
    Course: ("title", "description"),
    FundingStream: ("name", "description", "eligibility"),
    Need: ("title", "description"),
}


@dataclass
class ForgetReport:
    """What a forget request removed (``deleted``) and rewrote (``rewritten``), per table."""

    deletion_id: str
    found: bool
    deleted: dict[str, int] = field(default_factory=dict)
    rewritten: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.deleted.values())

    def as_details(self) -> dict[str, Any]:
        return {"deletion_id": self.deletion_id, "deleted": dict(self.deleted), "rewritten": dict(self.rewritten)}


def _texts(session: Session, subject: Subject, now: datetime) -> list[str]:
    """Everything of the member that may have been embedded: profile and need snippets, digest queries."""
    from bot.core.digest.members import load_members  # digest composition reads these exact texts

    texts: list[str] = []
    person = session.get(Person, subject.person_id) if subject.person_id is not None else None
    if person is not None:
        texts += split_evidence(person.expertise or "", SNIPPET_WORDS) + split_evidence(person.interests or "",
                                                                                         SNIPPET_WORDS)
    for need in session.scalars(select(Need).where(Need.id.in_(id_list(subject.need_ids)))):
        texts += split_evidence(f"{need.title}. {need.description}", SNIPPET_WORDS)
        texts += split_evidence(need.title, SNIPPET_WORDS) + split_evidence(need.description or "", SNIPPET_WORDS)
    mine = PlatformAccount.id.in_(id_list(subject.account_ids))
    accounts = list(session.scalars(select(PlatformAccount).where(mine)))
    for member in load_members(session, accounts, now).values():
        texts += [member.query, member.offer]
    return [t for t in dict.fromkeys(texts) if t]


def _used_elsewhere(session: Session, texts: list[str], subject: Subject) -> set[str]:
    """Hashes of ``texts`` that a remaining directory row still produces (their cached vector is shared)."""
    wanted = {content_hash(t): t for t in texts}
    used: set[str] = set()
    for text in texts:
        needle = max(text.split(), key=len)[:60]
        for model, columns in TEXT_COLUMNS.items():
            stmt = select(model).where(or_(*(getattr(model, c).contains(needle, autoescape=True) for c in columns)))
            if model is Person and subject.person_id is not None:
                stmt = stmt.where(Person.id != subject.person_id)
            if model is Need:
                stmt = stmt.where(Need.id.not_in(id_list(subject.need_ids)))
            for row in session.scalars(stmt.limit(200)):
                values = [getattr(row, c) or "" for c in columns]
                if model is Need:
                    values.append(f"{row.title}. {row.description}")
                for value in values:
                    used.update(h for h in (content_hash(x) for x in split_evidence(value, SNIPPET_WORDS))
                                if h in wanted)
    return used


def _scrub(value: Any, refs: frozenset[str]) -> tuple[Any, bool]:
    """``value`` (JSON) without list items naming one of ``refs``, and string values equal to one replaced."""
    if isinstance(value, list):
        kept, changed = [], False
        for item in value:
            if (isinstance(item, dict) and item.get("ref") in refs) or (isinstance(item, str) and item in refs):
                changed = True
                continue
            new, sub = _scrub(item, refs)
            kept.append(new)
            changed |= sub
        return kept, changed
    if isinstance(value, dict):
        out, changed = {}, False
        for key, item in value.items():
            if isinstance(item, str) and item in refs:
                out[key], changed = FORGOTTEN, True
                continue
            out[key], sub = _scrub(item, refs)
            changed |= sub
        return out, changed
    return value, False


def _mentions(column: Any, refs: Iterable[str]) -> Any:
    """Rows whose JSON column text mentions one of ``refs`` (a cheap pre-filter; ``_scrub`` is exact)."""
    return or_(*(cast(column, String).contains(f'"{ref}"', autoescape=True) for ref in refs))


def forget_subject(
    session: Session,
    subject: Subject,
    *,
    actor: str,
    now: datetime,
    vector_delete: Callable[[Session, list[str]], object] | None = None,
) -> ForgetReport:
    """Delete the subject's data in the caller's transaction (never commits); returns what was done."""
    report = ForgetReport(deletion_id=uuid.uuid4().hex[:12], found=not subject.empty)
    deleted, rewritten = report.deleted, report.rewritten
    if subject.empty:
        return report
    texts = _texts(session, subject, now)
    shared = _used_elsewhere(session, texts, subject)
    pid, accounts = subject.person_id or -1, id_list(subject.account_ids)
    refs, actors = subject.refs, subject.actors

    def remove(name: str, stmt: Any) -> None:
        count = session.execute(stmt.execution_options(synchronize_session=False)).rowcount  # type: ignore[attr-defined]
        if count:
            deleted[name] = deleted.get(name, 0) + int(count)

    intro_ids = id_list(i.id for i in introductions_of(session, subject))
    remove("intro_events", delete(IntroEvent).where(IntroEvent.introduction_id.in_(intro_ids)))
    remove("intro_events", delete(IntroEvent).where(IntroEvent.suggestion_id.in_(
        select(IntroSuggestion.id).where(or_(IntroSuggestion.a_person_id == pid, IntroSuggestion.b_person_id == pid)))))
    remove("intro_suggestions", delete(IntroSuggestion).where(
        or_(IntroSuggestion.a_person_id == pid, IntroSuggestion.b_person_id == pid)))
    remove("intro_outcomes", delete(IntroOutcome).where(
        or_(IntroOutcome.person_id == pid, IntroOutcome.introduction_id.in_(intro_ids))))
    remove("introductions", delete(Introduction).where(Introduction.id.in_(intro_ids)))
    remove("intro_preferences", delete(IntroPreference).where(IntroPreference.person_id == pid))
    remove("intro_pair_rules", delete(IntroPairRule).where(
        or_(IntroPairRule.person_low == pid, IntroPairRule.person_high == pid)))
    remove("digest_items", delete(DigestItem).where(or_(DigestItem.account_id.in_(accounts),
                                                         DigestItem.ref.in_(list(refs) or ["-"]))))
    remove("digest_deliveries", delete(DigestDelivery).where(DigestDelivery.account_id.in_(accounts)))
    remove("digest_preferences", delete(DigestPreference).where(DigestPreference.account_id.in_(accounts)))
    keyed: tuple[tuple[Any, str], ...] = ((SavedMatch, "saved_matches"), (MatchFeedback, "match_feedback"))
    for model, name in keyed:
        remove(name, delete(model).where(or_(account_filter(model, subject), model.ref.in_(list(refs) or ["-"]))))
    remove("shown_suggestions", delete(ShownSuggestion).where(or_(
        ShownSuggestion.question_id.in_(select(Question.id).where(account_filter(Question, subject))),
        ShownSuggestion.ref.in_(list(refs) or ["-"]))))
    remove("questions", delete(Question).where(account_filter(Question, subject)))
    remove("needs", delete(Need).where(Need.id.in_(id_list(subject.need_ids))))
    remove("join_requests", delete(JoinRequest).where(JoinRequest.account_id.in_(accounts)))
    remove("org_text_proposals", delete(OrgTextProposal).where(OrgTextProposal.person_id == pid))
    remove("platform_accounts", delete(PlatformAccount).where(PlatformAccount.id.in_(accounts)))
    remove("people", delete(Person).where(Person.id == pid))

    def rewrite(name: str, count: int) -> None:
        if count:
            rewritten[name] = rewritten.get(name, 0) + count

    json_columns: tuple[tuple[Any, Any, str], ...] = (
        (Question, Question.result_refs, "questions"),
        (DigestDelivery, DigestDelivery.payload, "digest_deliveries"),
        (IntroEvent, IntroEvent.detail, "intro_events"),
        (AuditEntry, AuditEntry.details, "audit_log"),
    )
    if refs:
        for model, column, name in json_columns:
            for row in session.scalars(select(model).where(_mentions(column, refs))):
                value, changed = _scrub(getattr(row, column.key), refs)
                if changed:
                    setattr(row, column.key, value)
                    rewrite(name, 1)
        for column in REF_COLUMNS:
            stmt: Any = update(column.class_).where(column.in_(list(refs))).values({column.key: FORGOTTEN})
            rewrite(column.class_.__tablename__, session.execute(stmt).rowcount)  # type: ignore[attr-defined]
    if actors:
        for column in ACTOR_COLUMNS:
            stmt = update(column.class_).where(column.in_(list(actors))).values({column.key: FORGOTTEN})
            rewrite(column.class_.__tablename__, session.execute(stmt).rowcount)  # type: ignore[attr-defined]
    about = list(refs | actors)
    if about:
        stmt = update(AuditEntry).where(AuditEntry.target.in_(about)).values(
            target=f"forgotten:{report.deletion_id}", details={})
        rewrite("audit_log", session.execute(stmt).rowcount)  # type: ignore[attr-defined]

    owners = sorted(refs)
    if owners and pg.vector_table_ready(session.connection()):
        removed = pg.delete_owners(session, owners)
        if removed:
            deleted["snippet_vectors"] = removed
    if owners and vector_delete is not None:
        vector_delete(session, owners)
    stale = sorted({content_hash(t) for t in texts} - shared)
    if stale:
        remove("embedding_cache", delete(EmbeddingCache).where(EmbeddingCache.content_hash.in_(stale)))
    DirectoryRepository(session).bump_version()
    audit(session, actor, "member.forget", f"forget:{report.deletion_id}", report.as_details())
    logger.info("forget %s: %d records deleted (%s)", report.deletion_id, report.total, report.deleted)
    return report
