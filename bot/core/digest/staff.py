"""The staff digest: the week's introductions, members the matching could not serve, requests waiting.

Figures are shown even when they are zero: staff need to see a quiet week as a quiet week. Introduction
figures come from the introductions service; without one they read "0 (introductions are not tracked yet)".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.core.clock import iso_week_key
from bot.core.digest import texts as t
from bot.core.digest.schedule import zone
from bot.core.digest.types import STAFF, ChartSource, Digest, DigestConfig, Fact, IntroductionsDigestSource
from bot.core.messages import Section, Suggestion
from models.activity import Question
from models.digest import DigestDelivery
from models.directory import PlatformAccount

WEEK = timedelta(days=7)
MAX_LISTED = 15


def compose_staff(
    session: Session, now: datetime, config: DigestConfig, intros: IntroductionsDigestSource | None,
    charts: ChartSource | None = None,
) -> Digest:
    """The staff digest; ``charts`` (the dashboard's ``chat_charts``) adds the funnel and gaps as images."""
    since = now - WEEK
    summary: Mapping[str, Any] = intros.weekly_summary(session, since, now) if intros is not None else {}
    unanswered: Sequence[Suggestion] = tuple(summary.get("unanswered", ()))
    no_match = members_without_match(session, since, now)

    def count(key: str) -> str:
        return str(int(summary.get(key, 0))) if intros is not None else t.INTROS_NOT_TRACKED

    sent = session.scalar(
        select(func.count()).select_from(DigestDelivery).where(
            DigestDelivery.kind == "member", DigestDelivery.state == "sent", DigestDelivery.sent_at >= since
        )
    )
    facts = (
        Fact(t.FACT_REQUESTED, count("requested")),
        Fact(t.FACT_ACCEPTED, count("accepted")),
        Fact(t.FACT_MET, count("met")),
        Fact(t.FACT_UNANSWERED, str(len(unanswered)) if intros is not None else t.INTROS_NOT_TRACKED),
        Fact(t.FACT_NO_MATCH, str(len(no_match))),
        Fact(t.FACT_DIGESTS, str(int(sent or 0))),
    )
    sections = []
    if no_match:
        sections.append(Section(t.HEADING_NO_MATCH, tuple(no_match[:MAX_LISTED])))
    if unanswered:
        sections.append(Section(t.HEADING_UNANSWERED, tuple(unanswered[:MAX_LISTED])))
    week = iso_week_key(now.astimezone(zone(config.timezone)))
    images = tuple({"name": c.name, "title": c.title, "alt": c.alt, "data": c.data} for c in charts()) if charts else ()
    return Digest(kind=STAFF, iso_week=week, title=t.STAFF_TITLE, intro=t.STAFF_INTRO, sections=tuple(sections),
                  facts=facts, footer=t.STAFF_FOOTER, images=images)


def members_without_match(session: Session, since: datetime, until: datetime) -> list[Suggestion]:
    """Members whose digest found nothing this week, or whose questions found nothing, one line each."""
    reasons: dict[int, str] = {}
    empty = session.scalars(
        select(DigestDelivery.account_id).where(
            DigestDelivery.kind == "member", DigestDelivery.state == "empty",
            DigestDelivery.updated_at >= since, DigestDelivery.updated_at <= until,
        )
    )
    for account_id in empty:
        if account_id is not None:
            reasons[account_id] = t.EMPTY_DIGEST
    accounts = {
        (a.platform, a.workspace_id, a.user_id): a
        for a in session.scalars(select(PlatformAccount).where(PlatformAccount.active.is_(True)))
    }
    questions = session.execute(
        select(Question.platform, Question.workspace_id, Question.user_id, Question.text, Question.result_refs)
        .where(Question.created_at >= since, Question.created_at <= until, Question.intent == "search")
        .order_by(Question.created_at.desc())
    )
    for platform, workspace, user, text, results in questions:
        account = accounts.get((platform, workspace, user))
        if account is not None and not results and account.id not in reasons:
            reasons[account.id] = f'Asked "{text[:120]}" and got no match'
    by_id = {a.id: a for a in accounts.values()}
    out = []
    for account_id, reason in sorted(reasons.items()):
        account = by_id.get(account_id)
        if account is None:
            continue
        out.append(Suggestion(ref=f"account:{account_id}", kind="member",
                              title=account.display_name or account.user_id,
                              subtitle=f"{account.platform} {account.user_id}", reason=reason, actions=()))
    return out
