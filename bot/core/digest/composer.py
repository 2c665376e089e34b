"""Composing weekly digests: a few ranked, diverse, new-to-you items per member, and a staff summary.

For each member the catalog (the matching engine) ranks the directory against what they look for, with
their own profile driving reciprocity. Candidates are items new or updated since their last digest,
courses, and funding streams closing within ``DIGEST_FUNDING_WEEKS``; anything shown to them in the last
four weeks or marked not relevant is left out. The engine's order is already MMR-diversified; on top of it
a digest keeps at least one organisation or person and one course, and at least two kinds of item, when
the candidates have them. Pending introductions (from the introductions service, when there is one) come
first. A member digest with nothing in it is not sent.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from threadpoolctl import threadpool_limits

from bot.core.clock import iso_week_key
from bot.core.digest import texts as t
from bot.core.digest.members import Freshness, Member, load_freshness, load_members
from bot.core.digest.schedule import zone
from bot.core.digest.staff import compose_staff
from bot.core.digest.types import MEMBER, STAFF, ChartSource, Digest, DigestConfig, IntroductionsDigestSource
from bot.core.directory.catalog import Catalog
from bot.core.directory.intents import DEFAULT_KINDS
from bot.core.messages import NOT_RELEVANT, REQUEST_INTRO, Section, Suggestion
from models.digest import DigestDelivery
from models.directory import PlatformAccount
from models.repositories import DirectoryRepository

logger = logging.getLogger(__name__)

DIGEST_ACTIONS = (REQUEST_INTRO, NOT_RELEVANT)
POOL = 12  # candidates asked from the engine per member (twice the items a digest shows)
NEED_HELPERS = 25  # members offered each open need: the best-ranked people and organisations
HELPER_KINDS = tuple(k for k in DEFAULT_KINDS if k not in ("course", "funding_stream"))
GROUP_OF = {"course": "course", "funding_stream": "funding", "need": "need"}
GROUP_HEADINGS = (("directory", t.HEADING_NEW), ("need", "Member needs you could help with"),
                  ("course", t.HEADING_COURSES), ("funding", t.HEADING_FUNDING))


def group_of(kind: str) -> str:
    """Kinds of item for the diversity rule: organisations and people, needs, courses, funding."""
    return GROUP_OF.get(kind, "directory")


def select_diverse(candidates: Sequence[Suggestion], k: int) -> list[Suggestion]:
    """The first ``k`` of the engine's (MMR) order, adjusted so that, when candidates have them, the pick
    holds an organisation or person, a course, and at least two kinds of item; swaps replace the lowest
    pick of the most represented kind with the best candidate of the missing kind."""
    picked = list(candidates[:k])
    rest = list(candidates[k:])

    def swap_in(group: str) -> None:
        best = next((s for s in rest if group_of(s.kind) == group), None)
        if best is None:
            return
        counts: dict[str, int] = {}
        for s in picked:
            counts[group_of(s.kind)] = counts.get(group_of(s.kind), 0) + 1
        crowded = max(counts, key=lambda g: counts[g])
        if counts[crowded] < 2:
            return
        victim = max(i for i, s in enumerate(picked) if group_of(s.kind) == crowded)
        rest.remove(best)
        rest.insert(0, picked[victim])
        picked[victim] = best

    for wanted in ("directory", "course"):
        if wanted not in {group_of(s.kind) for s in picked}:
            swap_in(wanted)
    groups = {group_of(s.kind) for s in picked}
    if len(groups) < 2:
        for s in rest:
            if group_of(s.kind) not in groups:
                swap_in(group_of(s.kind))
                break
    return picked


class DigestComposer:
    """Builds member and staff digests; ``compose_rows`` is the delivery runner's ``compose``."""

    def __init__(self, *, catalog: Catalog, config: DigestConfig, intros: IntroductionsDigestSource | None = None,
                 charts: ChartSource | None = None) -> None:
        self.catalog = catalog
        self.config = config
        self._intros = intros  # introductions waiting for a member lead their digest; staff get the week's figures
        self._charts = charts
        self._freshness: Freshness | None = None
        self._needs: tuple[int, dict[str, list[Suggestion]]] | None = None
        self._lock = threading.Lock()

    def staff_charts(self) -> ChartSource | None:
        """The dashboard's chart source for the staff digest (None when the dashboard is not wired)."""
        return self._charts

    # -- the delivery runner's entry point ------------------------------------------------------------
    def compose_rows(self, session: Session, rows: Sequence[DigestDelivery], now: datetime) -> dict[int, Digest | None]:
        ids = [r.account_id for r in rows if r.account_id is not None]
        accounts = {a.id: a for a in session.scalars(select(PlatformAccount).where(PlatformAccount.id.in_(ids)))}
        members = self.compose_members(session, [accounts[r.account_id] for r in rows
                                                 if r.kind == MEMBER and r.account_id in accounts], now)
        out: dict[int, Digest | None] = {}
        staff: Digest | None = None
        for row in rows:
            if row.kind == STAFF:
                if staff is None:
                    staff = compose_staff(session, now, self.config, self.intros(), self.staff_charts())
                out[row.id] = staff
            else:
                out[row.id] = members.get(row.account_id or -1)
        return out

    # -- member digests -------------------------------------------------------------------------------
    def compose_members(
        self, session: Session, accounts: Sequence[PlatformAccount], now: datetime
    ) -> dict[int, Digest | None]:
        """``{account_id: Digest or None}``; ``None`` when there is nothing worth sending."""
        members = load_members(session, accounts, now)
        self._prime(members.values())
        fresh = self.freshness(session)
        intros = self.intros()
        # One BLAS thread: the engine's matrix-vector products are small, and a multi-threaded OpenBLAS
        # spends far longer synchronising its threads than computing them (measured ~100x slower on 2 cores).
        with threadpool_limits(limits=1, user_api="blas"):
            return {aid: self.compose_member(m, fresh, now, session=session, intros=intros)
                    for aid, m in members.items()}

    def compose_member(
        self, member: Member, fresh: Freshness, now: datetime, *, session: Session | None = None,
        intros: IntroductionsDigestSource | None = None,
    ) -> Digest | None:
        week = _week(now, member)
        pending: list[Suggestion] = []
        if intros is not None and session is not None:
            pending = list(intros.pending_for(session, member.account, now))
        items = self.rank(member, fresh, now) if member.query else []
        if not items and not pending:
            return None
        sections: list[Section] = []
        if pending:
            sections.append(Section(t.HEADING_INTROS, tuple(pending)))
        for group, heading in GROUP_HEADINGS:
            chosen = tuple(s for s in items if group_of(s.kind) == group)
            if chosen:
                sections.append(Section(heading, chosen))
        return Digest(kind=MEMBER, iso_week=week, title=t.MEMBER_TITLE, intro=t.MEMBER_INTRO,
                      sections=tuple(sections), footer=t.MEMBER_FOOTER)

    def rank(self, member: Member, fresh: Freshness, now: datetime) -> list[Suggestion]:
        """The member's items: the engine's ranking over eligible candidates, then the diversity rule."""
        today = now.date()
        horizon = today + timedelta(weeks=self.config.funding_weeks)
        excluded = set(member.dismissed) | member.recent
        for ref, at in fresh.updated.items():
            prefix = ref.split(":", 1)[0]
            if prefix in ("org", "person", "need") and at < member.since:
                excluded.add(ref)
            elif prefix == "funding" and at < member.since:
                closes = fresh.closes_on.get(ref)
                if closes is None or not today <= closes <= horizon:
                    excluded.add(ref)
        found = self.catalog.search(member.query, kinds=DEFAULT_KINDS, k=POOL, asker_ref=member.asker_ref,
                                    exclude=excluded, avoid=member.dismissed)
        if member.asker_ref:
            own = self._own(member.asker_ref)  # their own profile, even if staff-only
            helpers = self.need_matches(fresh)
            mine = [*helpers.get(member.asker_ref, ()), *(helpers.get(own.org_ref, ()) if own and own.org_ref else ())]
            mine.sort(key=lambda s: -s.score)
            found = _interleave(found, [s for s in mine if s.ref not in excluded][:2])
        chosen = select_diverse(found, self.config.max_items)
        return [_for_digest(s, fresh, today) for s in chosen]

    def need_matches(self, fresh: Freshness) -> dict[str, list[Suggestion]]:
        """``{member profile ref: open needs they could help with}``, best first.

        Asked the natural way round, once per directory version: for each open need, the engine ranks the
        people and organisations who could help (the poster's organisation excluded). A member's digest
        then offers the needs that ranked them highly: one search per need, not one per member.
        """
        with self._lock:
            if self._needs is not None and self._needs[0] == fresh.version:
                return self._needs[1]
        out: dict[str, list[Suggestion]] = {}
        snapshot = self.catalog.snapshot
        for need in (p for p in snapshot.profiles if _public_need(p)):
            for hit in self.catalog.search(" ".join(need.snippets), kinds=HELPER_KINDS, k=NEED_HELPERS,
                                           asker_ref=need.org_ref):
                out.setdefault(hit.ref, []).append(Suggestion(
                    ref=need.ref, kind=need.kind, title=need.title, subtitle=need.subtitle, score=hit.score,
                    reason=need.snippets[0], shared_terms=hit.shared_terms, url=need.url))
        with self._lock:
            self._needs = (fresh.version, out)
        return out

    # -- helpers --------------------------------------------------------------------------------------
    def _prime(self, members: Iterable[Member]) -> None:
        """Encode the batch's query texts at once when the embedder can (``QueryVectorCache``)."""
        prime = getattr(self.catalog.embedder, "prime", None)
        if callable(prime):
            prime(self.encoded_texts(members))

    def encoded_texts(self, members: Iterable[Member]) -> list[str]:
        """Exactly the texts the engine will encode for these members' searches (and the open needs')."""
        texts: list[str] = []
        for m in members:
            own = self._own(m.asker_ref)
            texts.extend(x for x in (self._searched(m.query), own.offer if own is not None else "") if x)
        if self._needs is None or self._needs[0] != self.catalog.snapshot.version:
            for need in (p for p in self.catalog.snapshot.profiles if _public_need(p)):
                texts.append(self._searched(" ".join(need.snippets)))
                poster = self._own(need.org_ref)
                if poster is not None and poster.offer:
                    texts.append(poster.offer)
        return texts

    def _own(self, ref: str | None) -> Any:
        """A profile as the engine sees it when ``ref`` asks (whatever its visibility to members)."""
        return self.catalog.snapshot.by_ref.get(ref) if ref else None

    def _searched(self, query: str) -> str:
        """The text the engine embeds for ``query`` (it may drop a request frame such as "we need")."""
        query_text = getattr(self.catalog.snapshot.matcher, "query_text", None)
        return str(query_text(query, "engine")) if callable(query_text) and query else query

    def freshness(self, session: Session) -> Freshness:
        version = DirectoryRepository(session).current_version()
        with self._lock:
            if self._freshness is None or self._freshness.version != version:
                self._freshness = load_freshness(session, version)
            return self._freshness

    def intros(self) -> IntroductionsDigestSource | None:
        return self._intros


def _public_need(profile: Any) -> bool:
    """An open need members may be shown (staff-only ones stay with staff)."""
    return bool(profile.kind == "need" and profile.snippets and getattr(profile, "visibility", "public") == "public")


def _interleave(main: list[Suggestion], extra: list[Suggestion]) -> list[Suggestion]:
    """``extra`` (needs matching the member's offer) slotted in after the second main item, no repeats."""
    seen = {s.ref for s in main}
    add = [s for s in extra if s.ref not in seen]
    return main[:2] + add[:1] + main[2:] + add[1:]


def _for_digest(s: Suggestion, fresh: Freshness, today: Any) -> Suggestion:
    """The digest's copy of a suggestion: its two buttons, and the deadline for funding."""
    reason = s.reason
    closes = fresh.closes_on.get(s.ref)
    if closes is not None and closes >= today:
        deadline = t.CLOSES_ON.format(date=closes.isoformat(), days=(closes - today).days)
        reason = f"{deadline} {reason}".strip()
    return Suggestion(ref=s.ref, kind=s.kind, title=s.title, subtitle=s.subtitle, score=s.score, reason=reason,
                      shared_terms=s.shared_terms, url=s.url, actions=DIGEST_ACTIONS)


def _week(now: datetime, member: Member) -> str:
    return iso_week_key(now.astimezone(zone(member.account.timezone)))
