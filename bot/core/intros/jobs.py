"""Clock jobs for introductions: expire stale requests, remind after "Not now", ask for outcomes.

``expire_stale(now)``: open introductions past ``expires_at`` close as ``expired`` (each claimed by one
conditional UPDATE, so two clocks never double-count). Whoever left it unanswered gets one more
``expired_count``; at ``GHOSTING_THRESHOLD`` they are suggested less often and told so, once. The asker is
told kindly. ``send_reminders(now)`` re-sends the ask to sides whose "Not now" date has come.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select

from bot.core.intros import messages as msg
from bot.core.intros import people
from bot.core.intros import texts as t
from bot.core.intros.base import IntroCore
from bot.core.intros.store import IntroRepository
from models.intros import AWAITING_STAFF, EXPIRED, OPEN_STATES, PENDING, Introduction

logger = logging.getLogger(__name__)

#: Requests left unanswered before a member is deprioritised in suggestions (and told once).
GHOSTING_THRESHOLD = 3
#: Score factor for deprioritised members' pairs in staff suggestions.
GHOSTING_PENALTY = 0.7


@dataclass(frozen=True)
class ExpiryReport:
    expired: int
    deprioritised: tuple[int, ...]  # person ids told this run


def expire_stale(service: IntroCore, now: datetime | None = None) -> ExpiryReport:
    now = now or service.now()
    with service.sessions() as s:
        stale = list(s.scalars(select(Introduction.id).where(
            Introduction.state.in_(OPEN_STATES), Introduction.expires_at <= now).order_by(Introduction.id)))
    expired, told = 0, []
    for iid in stale:
        notices: list[tuple[int, int | None, msg.IntroMessage]] = []
        with service.sessions.begin() as s:
            repo = IntroRepository(s)
            intro = repo.get(iid)
            if intro is None:
                continue
            was = intro.state
            if not repo.transition(iid, OPEN_STATES, state=EXPIRED, open_key=None, closed_at=now):
                continue
            expired += 1
            repo.refresh(intro)
            repo.log("system", "expired", introduction_id=iid, was=was)
            silent = [] if was == AWAITING_STAFF else [
                pid for pid, answer in ((intro.a_person_id, intro.a_answer), (intro.b_person_id, intro.b_answer))
                if answer is None]
            for pid in silent:
                pref = repo.preference(pid, create=True)
                assert pref is not None
                pref.expired_count += 1
                if pref.expired_count >= GHOSTING_THRESHOLD and pref.deprioritised_told_at is None:
                    pref.deprioritised_told_at = now
                    told.append(pid)
                    notices.append((pid, None, msg.notice(f"intro:{iid}", t.DEPRIORITISED)))
            a, b, _, _ = service.sides(s, intro)
            names = {intro.a_person_id: people.title_in(s, intro.target_ref, b.name) if intro.origin == "member"
                     else b.name, intro.b_person_id: a.name}
            for pid, account, answer in ((intro.a_person_id, intro.a_account_id, intro.a_answer),
                                         (intro.b_person_id, intro.b_account_id, intro.b_answer)):
                if answer == "accepted":  # they said yes and waited: tell them it lapsed
                    text = t.EXPIRED_NOTICE.format(title=names[pid])
                    notices.append((pid, account, msg.notice(f"intro:{iid}", text)))
        for pid, account, message in notices:
            service.tell(pid, account, message)
    if expired:
        logger.info("expired %d introductions; %d members deprioritised", expired, len(told))
    return ExpiryReport(expired, tuple(told))


def send_reminders(service: IntroCore, now: datetime | None = None) -> int:
    """Ask again the sides that pressed "Not now" once their date has come; returns how many were asked."""
    now = now or service.now()
    with service.sessions() as s:
        due = s.execute(select(Introduction.id, Introduction.a_remind_at, Introduction.b_remind_at).where(
            Introduction.state == PENDING, Introduction.expires_at > now,
            or_(Introduction.a_remind_at <= now, Introduction.b_remind_at <= now))).all()
    sent = 0
    for iid, a_at, b_at in due:
        sides = tuple(side for side, at in (("a", a_at), ("b", b_at)) if at is not None)
        with service.sessions.begin() as s:
            repo = IntroRepository(s)
            won = [side for side in sides if repo.transition(
                iid, [PENDING], getattr(Introduction, f"{side}_remind_at").is_not(None),
                getattr(Introduction, f"{side}_remind_at") <= now, **{f"{side}_remind_at": None})]
        if won and service.send_asks(iid, reminder_sides=tuple(won)):
            sent += len(won)
    return sent
