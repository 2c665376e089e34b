"""What the digest knows about each recipient, loaded for a whole batch in a handful of queries.

A member's *query* is what they look for (their open needs, their own and their organization's stated
interests and needs, their latest questions); their *offer* is what they do. ``since`` is their last
digest, so "new" means new to them; ``recent`` holds what they were shown in the last four weeks and
``dismissed`` what they marked not relevant.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session

from models.activity import MatchFeedback, Question
from models.digest import DigestDelivery, DigestItem
from models.directory import Course, FundingStream, Need, Organization, Person, PlatformAccount
from models.members import excluded_refs

REPEAT_WINDOW = timedelta(weeks=4)
FIRST_LOOKBACK = timedelta(weeks=4)  # "new" for a member's first digest
QUESTION_WINDOW = timedelta(days=90)
MAX_QUERY_CHARS = 1500
_CHUNK = 500


@dataclass
class Member:
    account: PlatformAccount
    asker_ref: str | None  # "person:<id>" or "org:<id>": excluded from results, drives reciprocity
    query: str
    offer: str
    since: datetime
    recent: set[str] = field(default_factory=set)
    dismissed: set[str] = field(default_factory=set)
    name: str = ""


@dataclass(frozen=True)
class Freshness:
    """When each directory item last changed, and funding deadlines (one load per directory version)."""

    version: int
    updated: dict[str, datetime]
    closes_on: dict[str, date]

    def changed_before(self, since: datetime) -> set[str]:
        return {ref for ref, at in self.updated.items() if at < since}


def _aware(value: datetime) -> datetime:
    from datetime import UTC

    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def load_freshness(session: Session, version: int) -> Freshness:
    updated: dict[str, datetime] = {}
    closes: dict[str, date] = {}
    for prefix, model in (("org", Organization), ("person", Person), ("course", Course), ("need", Need)):
        for ext, at in session.execute(select(model.external_id, model.updated_at)):
            updated[f"{prefix}:{ext}"] = _aware(at)
    for ext, at, closes_on in session.execute(
        select(FundingStream.external_id, FundingStream.updated_at, FundingStream.closes_on)
    ):
        updated[f"funding:{ext}"] = _aware(at)
        if closes_on is not None:
            closes[f"funding:{ext}"] = closes_on
    return Freshness(version, updated, closes)


def _chunks(values: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def _join(parts: Iterable[str | None], limit: int = MAX_QUERY_CHARS) -> str:
    seen: list[str] = []
    for part in parts:
        part = (part or "").strip()
        if part and part not in seen:
            seen.append(part)
    return " ".join(p if p.endswith((".", "?", "!")) else p + "." for p in seen)[:limit]


def load_members(session: Session, accounts: Sequence[PlatformAccount], now: datetime) -> dict[int, Member]:
    """``{account_id: Member}`` for ``accounts``: about ten queries per 500 accounts, whatever their number."""
    out: dict[int, Member] = {}
    for chunk in _chunks([a.id for a in accounts]):
        by_id = {a.id: a for a in accounts if a.id in set(chunk)}
        out.update(_load_chunk(session, list(by_id.values()), now))
    return out


def _load_chunk(session: Session, accounts: list[PlatformAccount], now: datetime) -> dict[int, Member]:
    ids = [a.id for a in accounts]
    person_ids = [a.person_id for a in accounts if a.person_id is not None]
    people = {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(person_ids)))}
    org_ids = [p.organization_id for p in people.values() if p.organization_id is not None]
    orgs = {o.id: o for o in session.scalars(select(Organization).where(Organization.id.in_(org_ids)))}
    needs_of_org: dict[int, list[Need]] = defaultdict(list)
    needs_of_person: dict[int, list[Need]] = defaultdict(list)
    if org_ids or person_ids:
        stmt = select(Need).where(
            Need.status == "open", Need.organization_id.in_(org_ids) | Need.person_id.in_(person_ids)
        )
        for need in session.scalars(stmt.order_by(Need.updated_at.desc(), Need.id)):
            if need.person_id is not None:
                needs_of_person[need.person_id].append(need)
            elif need.organization_id is not None:
                needs_of_org[need.organization_id].append(need)
    keys = [(a.platform, a.workspace_id, a.user_id) for a in accounts]
    questions: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    q_stmt = (
        select(Question.platform, Question.workspace_id, Question.user_id, Question.text)
        .where(tuple_(Question.platform, Question.workspace_id, Question.user_id).in_(keys),
               Question.created_at >= now - QUESTION_WINDOW, Question.intent == "search")
        .order_by(Question.created_at.desc(), Question.id)
    )
    for platform, workspace, user, text in session.execute(q_stmt):
        questions[(platform, workspace, user)].append(text)
    dismissed: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    f_stmt = select(MatchFeedback.platform, MatchFeedback.workspace_id, MatchFeedback.user_id, MatchFeedback.ref).where(
        tuple_(MatchFeedback.platform, MatchFeedback.workspace_id, MatchFeedback.user_id).in_(keys),
        MatchFeedback.verdict == "not_relevant",
    )
    for platform, workspace, user, ref in session.execute(f_stmt):
        dismissed[(platform, workspace, user)].add(ref)
    excluded = excluded_refs(session, person_ids)  # organizations a member excluded stay out of their digest
    for account in accounts:
        if account.person_id in excluded:
            dismissed[(account.platform, account.workspace_id, account.user_id)] |= excluded[account.person_id]
    last_sent: dict[int, datetime] = dict(
        session.execute(  # type: ignore[arg-type]
            select(DigestDelivery.account_id, func.max(DigestDelivery.sent_at))
            .where(DigestDelivery.account_id.in_(ids), DigestDelivery.kind == "member",
                   DigestDelivery.state.in_(("sent", "unknown")), DigestDelivery.sent_at.is_not(None))
            .group_by(DigestDelivery.account_id)
        ).all()
    )
    recent: dict[int, set[str]] = defaultdict(set)
    for account_id, ref in session.execute(
        select(DigestItem.account_id, DigestItem.ref).where(
            DigestItem.account_id.in_(ids), DigestItem.sent_at >= now - REPEAT_WINDOW
        )
    ):
        recent[account_id].add(ref)

    members: dict[int, Member] = {}
    for account in accounts:
        person = people.get(account.person_id or -1)
        org = orgs.get(person.organization_id or -1) if person else None
        own_needs = needs_of_person.get(person.id, []) if person else []
        org_needs = needs_of_org.get(org.id, []) if org else []
        key = (account.platform, account.workspace_id, account.user_id)
        query = _join([
            *(f"{n.title}. {n.description}" for n in [*own_needs, *org_needs][:4]),
            person.interests if person else None,
            org.needs if org else None,
            *questions.get(key, [])[:3],
        ])
        offer = _join([person.expertise if person else None, org.capabilities if org else None], 1000)
        asker_ref = f"person:{person.external_id}" if person else (f"org:{org.external_id}" if org else None)
        seen_at = last_sent.get(account.id)
        members[account.id] = Member(
            account=account,
            asker_ref=asker_ref,
            query=query,
            offer=offer,
            since=_aware(seen_at) if seen_at is not None else now - FIRST_LOOKBACK,
            recent=recent.get(account.id, set()),
            dismissed=dismissed.get(key, set()),
            name=account.display_name or (person.name if person else "") or account.user_id,
        )
    return members
