"""Staff review: suggestion batches and member requests awaiting approval, with Approve / Edit note / Skip /
Never suggest, each action recorded with who took it.

Two staff members pressing Approve at once: ``claim_suggestion`` (or the awaiting → pending transition) is
a conditional UPDATE, so one wins and the other is told who got there first; the introduction itself is
protected again by the one-open-introduction-per-pair key. Approval starts the double opt-in with the staff
member's note.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.errors import UserFacingError
from bot.core.intros import messages as msg
from bot.core.intros import people
from bot.core.intros import texts as t
from bot.core.intros.base import IntroCore
from bot.core.intros.prefs import is_paused
from bot.core.intros.store import IntroRepository
from bot.core.messages import ActionRequest, Reply
from models.directory import Person
from models.intros import AWAITING_STAFF, CANCELLED, PENDING, IntroBatch, Introduction, IntroSuggestion

logger = logging.getLogger(__name__)

STATE_WORDS = {"approved": t.STAFF_APPROVED, "skipped": t.STAFF_SKIPPED, "vetoed": t.STAFF_VETOED}


@dataclass(frozen=True)
class StaffOutcome:
    """What a staff action did (``text``) and the staff message re-rendered (``items``) to show it."""

    text: str
    items: tuple[msg.IntroMessage, ...] = ()
    title: str = ""
    summary: str = ""


def _who(session: Session, actor: str) -> str:
    """A staff member's display name from their actor id ("slack:T1:U1")."""
    platform, _, rest = actor.partition(":")
    workspace, _, user = rest.partition(":")
    account = people.account_of(session, platform, workspace, user)
    return (account.display_name if account is not None and account.display_name else user) or actor


class StaffDesk:
    def __init__(self, service: IntroCore) -> None:
        self.service = service

    # ------------------------------------------------------------------ acting
    def act_checked(self, request: ActionRequest) -> Reply:
        """A staff button that came through ``container.act``: staff per the directory (``is_staff``) only."""
        with self.service.sessions() as s:
            account = people.account_of(s, request.platform, request.workspace_id, request.user_id)
            if account is None or not account.is_staff:
                raise UserFacingError(t.STAFF_ONLY)
        who = people.actor(request.platform, request.workspace_id, request.user_id)
        return Reply(text=self.act(who, request.action, request.ref, note=request.note).text, ephemeral=True)

    def act(self, actor: str, action: str, ref: str, *, note: str | None = None,
            message_ref: str | None = None) -> StaffOutcome:
        """Approve, note, skip or veto ``ref`` ("sug:<id>" or "intro:<id>"); callers have checked staff rights."""
        kind, _, raw = ref.partition(":")
        if kind not in ("sug", "intro") or not raw.isdigit() or action not in t.STAFF_ACTIONS:
            raise UserFacingError(t.UNKNOWN_INTRO)
        text, ask = (self._suggestion if kind == "sug" else self._request)(actor, action, int(raw), note)
        if ask is not None:
            self.service.send_asks(ask)
        return self.render(ref, message_ref, text)

    def _suggestion(self, actor: str, action: str, sid: int, note: str | None) -> tuple[str, int | None]:
        now = self.service.now()
        with self.service.sessions.begin() as s:
            repo = IntroRepository(s)
            sug = s.get(IntroSuggestion, sid)
            if sug is None:
                raise UserFacingError(t.UNKNOWN_INTRO)
            if action == t.STAFF_NOTE:
                if sug.state == "proposed":
                    sug.note = (note or "").strip() or None
                    repo.log(actor, "note", suggestion_id=sid)
                saved = sug.state == "proposed"
                return (t.STAFF_NOTE_SAVED if saved else self._already(s, sug.state, sug.acted_by)), None
            state = {t.STAFF_APPROVE: "approved", t.STAFF_SKIP: "skipped", t.STAFF_VETO: "vetoed"}[action]
            if not repo.claim_suggestion(sid, state, actor, now):
                s.refresh(sug)
                return self._already(s, sug.state, sug.acted_by), None
            repo.log(actor, state, suggestion_id=sid)
            who = _who(s, actor)
            if state == "vetoed":
                repo.add_rule(sug.a_person_id, sug.b_person_id, "veto", actor)
            if state != "approved":
                return STATE_WORDS[state].format(who=who), None
            problem = self._unavailable(s, repo, sug.a_person_id, sug.b_person_id, now)
            accounts = [people.reachable_account(s, pid) for pid in (sug.a_person_id, sug.b_person_id)]
            if problem is None and None in accounts:
                problem = t.NO_CONTACT.format(title="One side")
            if problem is not None:
                sug.state = "skipped"
                return problem, None
            a_side = people.side_of(s, s.get(Person, sug.a_person_id), accounts[0], sug.a_ref)  # type: ignore[arg-type]
            b_side = people.side_of(s, s.get(Person, sug.b_person_id), accounts[1], sug.b_ref)  # type: ignore[arg-type]
            new_id = repo.create(dict(
                origin="staff", state=PENDING, a_person_id=sug.a_person_id, b_person_id=sug.b_person_id,
                a_account_id=a_side.account_id, b_account_id=b_side.account_id, target_ref=sug.b_ref,
                a_ref=sug.a_ref, b_ref=sug.b_ref, a_kind=a_side.kind, b_kind=b_side.kind,
                a_province=a_side.province, b_province=b_side.province, reason=sug.why_a, reason_back=sug.why_b,
                shared_terms=[], score=sug.score, note=sug.note, created_by=actor, created_at=now,
                decided_by=actor, decided_at=now,
                expires_at=now + timedelta(days=self.service.config.expiry_days),
            ))
            if new_id is None:
                existing = repo.open_for_pair(sug.a_person_id, sug.b_person_id)
                sug.introduction_id = existing.id if existing is not None else None
                return self._already(s, "approved", actor), None
            sug.introduction_id = new_id
            repo.log(actor, "approved", introduction_id=new_id, suggestion_id=sid)
            return t.STAFF_APPROVED.format(who=who), new_id

    def _request(self, actor: str, action: str, iid: int, note: str | None) -> tuple[str, int | None]:
        now = self.service.now()
        with self.service.sessions.begin() as s:
            repo = IntroRepository(s)
            intro = repo.get(iid)
            if intro is None:
                raise UserFacingError(t.UNKNOWN_INTRO)
            if action == t.STAFF_NOTE:
                if intro.state == AWAITING_STAFF:
                    intro.note = (note or "").strip() or None
                    repo.log(actor, "note", introduction_id=iid)
                    return t.STAFF_NOTE_SAVED, None
                return self._already(s, intro.state, intro.decided_by), None
            if action == t.STAFF_APPROVE:
                if not repo.transition(iid, [AWAITING_STAFF], state=PENDING, decided_by=actor, decided_at=now):
                    repo.refresh(intro)
                    return self._already(s, intro.state, intro.decided_by), None
                repo.log(actor, "approved", introduction_id=iid)
                b = s.get(Person, intro.b_person_id)
                return t.STAFF_APPROVED_MEMBER.format(who=_who(s, actor), b=b.name if b else "the other side"), iid
            if not repo.transition(iid, [AWAITING_STAFF], state=CANCELLED, open_key=None, closed_at=now,
                                   decided_by=actor, decided_at=now):
                repo.refresh(intro)
                return self._already(s, intro.state, intro.decided_by), None
            repo.log(actor, "rejected", introduction_id=iid)
            if action == t.STAFF_VETO:
                repo.add_rule(intro.a_person_id, intro.b_person_id, "veto", actor)
            title = people.title_in(s, intro.target_ref, "them")
            requester = (intro.a_person_id, intro.a_account_id)
            text = (t.STAFF_VETOED if action == t.STAFF_VETO else t.STAFF_SKIPPED).format(who=_who(s, actor))
        self.service.tell(*requester, msg.notice(f"intro:{iid}", t.REJECTED_NOTICE.format(title=title)))
        return text, None

    @staticmethod
    def _unavailable(s: Session, repo: IntroRepository, a: int, b: int, now: object) -> str | None:
        """Why an approved suggestion cannot go ahead any more (paused, declined, vetoed), else None."""
        today = now.date()  # type: ignore[attr-defined]
        for pid in (a, b):
            if is_paused(repo.preference(pid), today):
                person = s.get(Person, pid)
                return t.UNAVAILABLE.format(title=person.name if person else "One side")
        if repo.blocked(a, b):
            return t.UNAVAILABLE.format(title="This pair")
        return None

    @staticmethod
    def _already(s: Session, state: str, who: str | None) -> str:
        return t.STAFF_ALREADY.format(state=state, who=_who(s, who) if who else "someone")

    # ------------------------------------------------------------------ rendering
    def note_of(self, ref: str) -> str:
        kind, _, raw = ref.partition(":")
        with self.service.sessions() as s:
            if not raw.isdigit():
                return ""
            row = s.get(IntroSuggestion, int(raw)) if kind == "sug" else s.get(Introduction, int(raw))
            return (row.note or "") if row is not None else ""

    def item(self, s: Session, ref: str) -> msg.IntroMessage | None:
        kind, _, raw = ref.partition(":")
        if kind == "sug":
            sug = s.get(IntroSuggestion, int(raw))
            if sug is None:
                return None
            a = people.side_of(s, s.get(Person, sug.a_person_id), None, sug.a_ref)  # type: ignore[arg-type]
            b = people.side_of(s, s.get(Person, sug.b_person_id), None, sug.b_ref)  # type: ignore[arg-type]
            status = STATE_WORDS[sug.state].format(who=_who(s, sug.acted_by or "")) if sug.state in STATE_WORDS else ""
            return msg.staff_item(ref, a=a, b=b, score=sug.score, why_a=sug.why_a, why_b=sug.why_b, note=sug.note,
                                  pinned=sug.pinned, status=status)
        intro = s.get(Introduction, int(raw))
        if intro is None:
            return None
        a, b, _, _ = self.service.sides(s, intro)
        status = "" if intro.state == AWAITING_STAFF else self._already(s, intro.state, intro.decided_by)
        return msg.staff_item(ref, a=a, b=b, score=None, why_a=intro.reason, why_b=intro.reason_back,
                              note=intro.note, member_request=True, status=status)

    def render(self, ref: str, message_ref: str | None, text: str) -> StaffOutcome:
        """The staff message holding ``ref`` as it should now look (every item of its batch message)."""
        with self.service.sessions() as s:
            refs = [ref]
            batch = None
            if ref.startswith("sug:") and message_ref:
                rows = s.scalars(select(IntroSuggestion).where(IntroSuggestion.message_ref == message_ref)
                                 .order_by(IntroSuggestion.id)).all()
                refs = [f"sug:{r.id}" for r in rows] or refs
                batch = s.get(IntroBatch, rows[0].batch_id) if rows else None
            items = tuple(i for i in (self.item(s, r) for r in refs) if i is not None)
            if batch is not None:
                title, summary = self.batch_header(batch)
            else:
                title, summary = (items[0].headline if items else ""), ""
        return StaffOutcome(text, items, title, summary)

    @staticmethod
    def batch_header(batch: IntroBatch) -> tuple[str, str]:
        worst = "n/a" if batch.worst_off_best_score is None else f"{batch.worst_off_best_score:.2f}"
        coverage = "n/a" if batch.coverage is None else f"{batch.coverage:.0%}"
        return t.BATCH_TITLE.format(count=batch.n_pairs), t.BATCH_FIGURES.format(
            members=batch.n_members, pairs=batch.n_pairs, capacity=batch.capacity, threshold=batch.threshold,
            coverage=coverage, worst=worst, solver=batch.figures.get("solver", "?"), status=batch.status,
            seconds=f"{batch.seconds:.2f}")

    # ------------------------------------------------------------------ posting
    def post_review(self, introduction_id: int) -> bool:
        """A member request awaiting approval, posted to the staff board (False when there is none)."""
        outcome = self.render(f"intro:{introduction_id}", None, "")
        refs = self.service.delivery.post_staff(list(outcome.items), title=outcome.items[0].headline, summary="")
        if refs is None:
            logger.warning("introduction %s awaits staff approval but no staff board is configured", introduction_id)
            return False
        return any(refs)

    def post_batch(self, batch_id: int) -> int:
        """Post a suggestion batch for review; returns how many items were posted."""
        with self.service.sessions() as s:
            batch = s.get(IntroBatch, batch_id)
            if batch is None:
                raise UserFacingError(f"no suggestion batch {batch_id}")
            rows = s.scalars(select(IntroSuggestion).where(IntroSuggestion.batch_id == batch_id)
                             .order_by(IntroSuggestion.score.desc(), IntroSuggestion.id)).all()
            items = [i for i in (self.item(s, f"sug:{r.id}") for r in rows) if i is not None]
            title, summary = self.batch_header(batch)
            if not rows:
                summary = f"{t.BATCH_EMPTY}\n{summary}"
        refs = self.service.delivery.post_staff(items, title=title, summary=summary)
        if refs is None:
            raise UserFacingError("No staff board is configured to post the batch to (SLACK_STAFF_CHANNEL on Slack, "
                                  "or Teams staff accounts).")
        with self.service.sessions.begin() as s:
            for row, ref in zip(rows, refs, strict=False):
                s.get(IntroSuggestion, row.id).message_ref = ref  # type: ignore[union-attr]
            s.get(IntroBatch, batch_id).posted_to = next((r.split()[0] for r in refs if r), None)  # type: ignore[union-attr]
        return sum(1 for r in refs if r)

