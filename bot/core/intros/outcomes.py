"""What introductions led to: the two-week follow-up ("did you meet? is a project, NDA or proposal under
way?"), the answers, and the figures staff report on (``clustermatch report intros``).

``send_followups(now)`` is run by the clock: each accepted introduction is claimed once (conditional
UPDATE on ``followup_sent_at``), then both sides get the question with one-tap answers.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import select

from bot.core.errors import UserFacingError
from bot.core.intros import messages as msg
from bot.core.intros import people
from bot.core.intros import texts as t
from bot.core.intros.base import IntroCore, intro_id
from bot.core.intros.store import IntroRepository, dialect_insert
from bot.core.messages import ActionRequest, Reply
from models.intros import ACCEPTED, STATES, Introduction, IntroOutcome

logger = logging.getLogger(__name__)

STAGE_OF = {t.OUTCOME_PROJECT: "project", t.OUTCOME_NDA: "nda", t.OUTCOME_PROPOSAL: "proposal",
            t.OUTCOME_NOTHING: "none"}
FIGURES = ("requested", "accepted", "declined", "expired", "cancelled", "open", "met", "project_started")


class Outcomes:
    def __init__(self, service: IntroCore) -> None:
        self.service = service

    def send_followups(self, now: datetime | None = None) -> int:
        """Ask both sides of every introduction accepted two weeks ago; returns how many were asked."""
        now = now or self.service.now()
        with self.service.sessions() as s:
            due = list(s.scalars(select(Introduction.id).where(
                Introduction.state == ACCEPTED, Introduction.followup_sent_at.is_(None),
                Introduction.followup_due_at <= now)))
        asked = 0
        for iid in due:
            with self.service.sessions.begin() as s:
                repo = IntroRepository(s)
                if not repo.transition(iid, [ACCEPTED], Introduction.followup_sent_at.is_(None), followup_sent_at=now):
                    continue  # another clock got it
                intro = repo.get(iid)
                assert intro is not None
                a, b, a_addr, b_addr = self.service.sides(s, intro)
                repo.log("system", "followup_sent", introduction_id=iid)
            ref = f"intro:{iid}"
            sent = [self.service.delivery.send(a_addr, msg.followup(ref, other=b)),
                    self.service.delivery.send(b_addr, msg.followup(ref, other=a))]
            asked += 1
            if not all(sent):
                logger.info("follow-up for introduction %s reached %d of 2 sides", iid, sum(sent))
        return asked

    def record(self, request: ActionRequest) -> Reply:
        """One follow-up button: stored per introduction and person (the latest answer wins)."""
        iid = intro_id(request.ref)
        with self.service.sessions.begin() as s:
            intro = s.get(Introduction, iid)
            account = people.account_of(s, request.platform, request.workspace_id, request.user_id)
            pid = account.person_id if account is not None else None
            if intro is None or pid not in (intro.a_person_id, intro.b_person_id):
                raise UserFacingError(t.NOT_YOURS if intro is not None else t.UNKNOWN_INTRO)
            if intro.state != ACCEPTED:
                raise UserFacingError(t.NOT_OPEN.format(state=intro.state))
            values: dict[str, Any] = {"answered_at": self.service.now()}
            if request.action in (t.OUTCOME_MET, t.OUTCOME_NOT_MET):
                values["met"] = request.action == t.OUTCOME_MET
            else:
                values["stage"] = STAGE_OF[request.action]
                if values["stage"] != "none":
                    values["met"] = True  # a project, NDA or proposal under way means they met
            stmt = dialect_insert(s, IntroOutcome).values(introduction_id=iid, person_id=pid, **values)
            s.execute(stmt.on_conflict_do_update(index_elements=["introduction_id", "person_id"], set_=values))
            IntroRepository(s).log(people.actor(request.platform, request.workspace_id, request.user_id),
                                   "outcome", introduction_id=iid, answer=request.action)
        return Reply(text=t.OUTCOME_THANKS.format(what=t.OUTCOME_WORDS[request.action]), ephemeral=True)

    def report(self, *, since: datetime | None = None, until: datetime | None = None) -> dict[str, Any]:
        """Introduction figures overall, by kind and by province of the person asked (side B).

        ``met`` and ``project_started`` count introductions where either side said so.
        """
        with self.service.sessions() as s:
            stmt = select(Introduction)
            if since is not None:
                stmt = stmt.where(Introduction.created_at >= since)
            if until is not None:
                stmt = stmt.where(Introduction.created_at < until)
            intros = list(s.scalars(stmt))
            outcomes: dict[int, list[IntroOutcome]] = defaultdict(list)
            for row in s.scalars(select(IntroOutcome)):
                outcomes[row.introduction_id].append(row)
        total = _empty()
        by_kind: dict[str, dict[str, int]] = defaultdict(_empty)
        by_province: dict[str, dict[str, int]] = defaultdict(_empty)
        by_origin: dict[str, dict[str, int]] = defaultdict(_empty)
        for intro in intros:
            figures = _figures(intro, outcomes.get(intro.id, []))
            for target in (total, by_kind[intro.b_kind or "unknown"], by_province[intro.b_province or "unknown"],
                           by_origin[intro.origin]):
                for key, value in figures.items():
                    target[key] += value
        return {"total": total, "by_kind": dict(sorted(by_kind.items())),
                "by_province": dict(sorted(by_province.items())), "by_origin": dict(sorted(by_origin.items())),
                "since": since.isoformat() if since else None, "until": until.isoformat() if until else None}


def _empty() -> dict[str, int]:
    return dict.fromkeys(FIGURES, 0)


def _figures(intro: Introduction, answers: list[IntroOutcome]) -> dict[str, int]:
    assert intro.state in STATES
    return {
        "requested": 1,
        "accepted": int(intro.state == ACCEPTED),
        "declined": int(intro.state == "declined"),
        "expired": int(intro.state == "expired"),
        "cancelled": int(intro.state == "cancelled"),
        "open": int(intro.state in ("pending", "awaiting_staff")),
        "met": int(any(a.met for a in answers)),
        "project_started": int(any(a.stage == "project" for a in answers)),
    }
