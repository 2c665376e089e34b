"""Member-requested introductions with double opt-in (``container.intros``).

Request introduction on a match → (staff approval when ``INTRO_REQUIRES_STAFF_APPROVAL``) → the person
behind the match gets a DM with the asker's public profile and why they match, and Accept / Decline /
Not now. Accept opens one conversation with both and the bot; Decline tells the asker kindly, without a
reason, and the pair is never suggested again; Not now asks again in a few days. Each state change is one
short transaction with a conditional UPDATE; messages go out after the commit.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from bot.core import texts
from bot.core.directory.catalog import Catalog
from bot.core.errors import UserFacingError
from bot.core.intros import evidence as intro_evidence
from bot.core.intros import messages as msg
from bot.core.intros import people
from bot.core.intros import texts as t
from bot.core.intros.base import IntroConfig, intro_id
from bot.core.intros.delivery import Address, Delivery, MessengerLookup, StaffBoards
from bot.core.intros.digest import DigestHooks
from bot.core.intros.people import Side
from bot.core.intros.prefs import is_paused
from bot.core.intros.store import IntroRepository, aware
from bot.core.messages import SAVE, ActionRequest, Reply, Section, Suggestion
from models.activity import Question
from models.directory import Person, PlatformAccount
from models.intros import ACCEPTED, AWAITING_STAFF, DECLINED, PENDING, Introduction
from models.members import paused_name

logger = logging.getLogger(__name__)

LATER_DAYS = 3
FOLLOWUP_DAYS = 14


class IntroService(DigestHooks):
    """Introductions: request, answer, staff review, preferences, follow-ups (see the sub-modules)."""

    actions = t.ACTIONS

    def __init__(self, *, sessions: sessionmaker[Session], catalog: Catalog, config: IntroConfig,
                 messengers: MessengerLookup, staff_boards: StaffBoards = lambda: (),
                 clock: Callable[[], datetime] | None = None) -> None:
        from bot.core.intros.outcomes import Outcomes
        from bot.core.intros.prefs import Preferences
        from bot.core.intros.staff import StaffDesk

        self.sessions = sessions
        self.catalog = catalog
        self.config = config
        self.delivery = Delivery(messengers, staff_boards)
        self.clock = clock or (lambda: datetime.now(UTC))
        self.staff = StaffDesk(self)
        self.prefs = Preferences(self)
        self.outcomes = Outcomes(self)

    def now(self) -> datetime:
        return self.clock()

    def _paused_title(self, ref: str) -> str | None:
        """The name behind ``ref`` when it left the catalog because its member paused (else ``None``)."""
        with self.sessions() as s:
            return paused_name(s, ref, self.now().date())

    # ------------------------------------------------------------------ requesting
    def request_intro(self, request: ActionRequest) -> Reply:
        """The asker pressed Request introduction on ``request.ref``."""
        profile = self.catalog.profile(request.ref)
        if profile is None:  # gone, hidden, paused since it was shown, or a crafted button
            paused = self._paused_title(request.ref)
            raise UserFacingError(t.UNAVAILABLE.format(title=paused) if paused else texts.UNKNOWN_ITEM)
        title = profile.title
        if not people.introducible(request.ref):
            return self._not_introducible(request, title, profile.kind, profile.url)
        now = self.now()
        with self.sessions.begin() as s:
            account, person = people.requester(s, request.platform, request.workspace_id, request.user_id)
            if profile.visibility != "public" and not account.is_staff:
                raise UserFacingError(texts.UNKNOWN_ITEM)  # shown to staff only
            b_person, b_account, shown = people.target(s, request.ref, title)
            repo = IntroRepository(s)
            if is_paused(repo.preference(person.id), now.date()):
                raise UserFacingError(t.REQUESTER_PAUSED)
            same_org = person.organization_id is not None and person.organization_id == b_person.organization_id
            if b_person.id == person.id or same_org:
                raise UserFacingError(t.OWN_SIDE)
            self._check_pair(s, repo, person, b_person, title, now)
            a = people.side_of(s, person, account)
            b = people.side_of(s, b_person, b_account, shown)
            question = s.get(Question, request.query_id) if request.query_id else None
            question_text = question.text if question is not None else None
        ev = intro_evidence.between(self.catalog, [a.person_ref, a.org_ref], [shown, b.person_ref, b.org_ref],
                                    question=question_text)
        staff_first = self.config.requires_staff_approval
        with self.sessions.begin() as s:
            repo = IntroRepository(s)
            new_id = repo.create(dict(
                origin="member", state=AWAITING_STAFF if staff_first else PENDING,
                a_person_id=a.person_id, b_person_id=b.person_id, a_account_id=a.account_id,
                b_account_id=b.account_id, a_answer="accepted", a_answered_at=now, target_ref=request.ref,
                a_ref=a.ref, b_ref=b.ref, a_kind=a.kind, b_kind=b.kind, a_province=a.province,
                b_province=b.province, reason=ev.reason, reason_back=ev.reason_back,
                shared_terms=list(ev.shared_terms), score=ev.score, query_id=request.query_id,
                created_by=people.actor(request.platform, request.workspace_id, request.user_id), created_at=now,
                expires_at=now + timedelta(days=self.config.expiry_days),
            ))
            if new_id is None:  # a double click or a retry got there first
                existing = repo.open_for_pair(a.person_id, b.person_id)
                when = existing.created_at if existing is not None else now
                return Reply(text=t.ALREADY_OPEN.format(title=title, date=f"{when:%Y-%m-%d}"), ephemeral=True)
            repo.log(people.actor(request.platform, request.workspace_id, request.user_id), "requested",
                     introduction_id=new_id, target=request.ref)
        days = self.config.expiry_days
        if staff_first:
            self.staff.post_review(new_id)
            return Reply(text=t.ASKED_STAFF.format(title=title), ephemeral=True, meta={"introduction": str(new_id)})
        delivered = self.send_asks(new_id)
        text = t.ASKED if delivered else t.NOT_DELIVERED
        return Reply(text=text.format(title=title, days=days), ephemeral=True, meta={"introduction": str(new_id)})

    def _check_pair(self, s: Session, repo: IntroRepository, a: Person, b: Person, title: str, now: datetime) -> None:
        """Refuse politely when the pair is open, done, declined, vetoed, paused or excluded."""
        existing = repo.open_for_pair(a.id, b.id)
        if existing is not None:
            raise UserFacingError(t.ALREADY_OPEN.format(title=title, date=f"{existing.created_at:%Y-%m-%d}"))
        done = repo.latest_for_pair(a.id, b.id, [ACCEPTED])
        if done is not None and done.accepted_at is not None:
            raise UserFacingError(t.ALREADY_INTRODUCED.format(title=title, date=f"{done.accepted_at:%Y-%m-%d}"))
        pref = repo.preference(b.id)
        a_org = people.side_of(s, a, None).org_ref
        excluded = pref is not None and a_org is not None and a_org.split(":", 1)[1] in (pref.excluded_orgs or [])
        if repo.blocked(a.id, b.id) or is_paused(pref, now.date()) or excluded:
            raise UserFacingError(t.UNAVAILABLE.format(title=title))

    def _not_introducible(self, request: ActionRequest, title: str, kind: str, url: str | None) -> Reply:
        label = t.KIND_NAMES.get(kind, "listing")
        item = Suggestion(ref=request.ref, kind=kind, title=title, url=url, actions=(SAVE,))
        text = t.NOT_INTRODUCIBLE.format(title=title, kind=label, link=f": {url}" if url else "")
        return Reply(text=text, sections=(Section(title, (item,)),), ephemeral=True, query_id=request.query_id,
                     meta={"intro": text})

    # ------------------------------------------------------------------ sides and messages
    def sides(self, s: Session, intro: Introduction) -> tuple[Side, Side, Address | None, Address | None]:
        a_person, b_person = s.get(Person, intro.a_person_id), s.get(Person, intro.b_person_id)
        if a_person is None or b_person is None:
            raise UserFacingError(t.UNKNOWN_INTRO)
        a_acc = s.get(PlatformAccount, intro.a_account_id) if intro.a_account_id else None
        b_acc = s.get(PlatformAccount, intro.b_account_id) if intro.b_account_id else None
        a = people.side_of(s, a_person, a_acc, intro.a_ref)
        b = people.side_of(s, b_person, b_acc, intro.b_ref)
        return a, b, Address.of(a_acc) if a_acc else None, Address.of(b_acc) if b_acc else None

    def ask_message(self, s: Session, intro: Introduction, side: str, a: Side, b: Side, *,
                    reminder: bool = False) -> msg.IntroMessage:
        """The ask for ``side`` ("a" or "b"): the other side's public profile and the evidence both ways."""
        if side == "a":
            other, own, theirs = b, intro.reason_back, intro.reason
        else:
            other, own, theirs = a, intro.reason, intro.reason_back
        title = people.title_in(s, intro.target_ref, b.name)
        return msg.ask(f"intro:{intro.id}", other=other, origin=intro.origin, target_ref=intro.target_ref,
                       target_title=title, reason=own, reason_back=theirs, shared=intro.shared_terms,
                       note=intro.note, deadline=intro.expires_at, reminder=reminder)

    def send_asks(self, introduction_id: int, *, reminder_sides: tuple[str, ...] = ()) -> bool:
        """DM every side that has not answered yet; True when all of them were reached."""
        with self.sessions() as s:
            intro = s.get(Introduction, introduction_id)
            if intro is None or intro.state != PENDING:
                return False
            a, b, a_addr, b_addr = self.sides(s, intro)
            candidates = (("a", a_addr, intro.a_answer), ("b", b_addr, intro.b_answer))
            todo = [(side, addr) for side, addr, answer in candidates
                    if answer is None and (not reminder_sides or side in reminder_sides)]
            reminder = bool(reminder_sides)
            messages = [(addr, self.ask_message(s, intro, side, a, b, reminder=reminder)) for side, addr in todo]
        results = [self.delivery.send(addr, m) for addr, m in messages]
        return bool(results) and all(results)

    def tell(self, person_id: int | None, account_id: int | None, message: msg.IntroMessage) -> bool:
        """A short notice to one person, on the account of the introduction (else any active one)."""
        with self.sessions() as s:
            account = s.get(PlatformAccount, account_id) if account_id else None
            if (account is None or not account.active) and person_id is not None:
                account = people.reachable_account(s, person_id)
            address = Address.of(account) if account is not None else None
        return self.delivery.send(address, message)

    # ------------------------------------------------------------------ answering
    def act(self, request: ActionRequest) -> Reply:
        """Every introduction button arriving through ``container.act`` (Slack, Teams, terminal)."""
        if request.action in t.MEMBER_ACTIONS:
            return self.answer(request)
        if request.action in t.OUTCOME_ACTIONS:
            return self.outcomes.record(request)
        if request.action in t.STAFF_ACTIONS:
            return self.staff.act_checked(request)
        raise UserFacingError(t.UNKNOWN_INTRO)

    def answer(self, request: ActionRequest) -> Reply:
        """Accept / Decline / Not now from one side of a pending introduction."""
        iid, now = intro_id(request.ref), self.now()
        who = people.actor(request.platform, request.workspace_id, request.user_id)
        with self.sessions.begin() as s:
            repo = IntroRepository(s)
            intro = repo.get(iid)
            account = people.account_of(s, request.platform, request.workspace_id, request.user_id)
            if intro is None:
                raise UserFacingError(t.UNKNOWN_INTRO)
            pid = account.person_id if account is not None else None
            side = "a" if pid == intro.a_person_id else "b" if pid == intro.b_person_id else None
            if side is None:
                raise UserFacingError(t.NOT_YOURS)
            if request.action == t.INTRO_LATER:
                return self._later(repo, intro, side, now, who)
            a, b, a_addr, b_addr = self.sides(s, intro)
            me, other = (a, b) if side == "a" else (b, a)
            answer = "accepted" if request.action == t.INTRO_ACCEPT else "declined"
            if not repo.answer(iid, side, answer, now):
                repo.refresh(intro)
                given = getattr(intro, f"{side}_answer")
                raise UserFacingError(t.ALREADY_ANSWERED.format(answer=given) if given
                                      else t.NOT_OPEN.format(state=intro.state))
            repo.log(who, answer, introduction_id=iid, side=side)
            other_said = getattr(intro, f"{'b' if side == 'a' else 'a'}_answer")
            if answer == "declined":
                repo.transition(iid, [PENDING], state=DECLINED, open_key=None, closed_at=now)
                repo.add_rule(intro.a_person_id, intro.b_person_id, "declined", who)
                # the requester knows the match they clicked, not necessarily the person behind it
                member_b = intro.origin == "member" and side == "b"
                name = people.title_in(s, intro.target_ref, me.name) if member_b else me.name
                tell = msg.notice(request.ref, t.DECLINED_NOTICE.format(title=name))
                connected = None
            else:
                tell = None
                connected = None
                if repo.complete_if_both_accepted(iid, now, now + timedelta(days=FOLLOWUP_DAYS)):
                    repo.refresh(intro)
                    connected = msg.connected(request.ref, a=a, b=b, origin=intro.origin, reason=intro.reason,
                                              reason_back=intro.reason_back, shared=intro.shared_terms,
                                              note=intro.note)
        if answer == "declined":
            if other_said == "accepted" and tell is not None:
                self.tell(other.person_id, other.account_id, tell)
            return Reply(text=t.DECLINED_BY_YOU.format(name=other.name), ephemeral=True)
        if connected is None:
            return Reply(text=t.ACCEPTED_WAITING.format(name=other.name), ephemeral=True)
        group = self.delivery.connect([a_addr, b_addr], connected)
        if group:
            with self.sessions.begin() as s:
                IntroRepository(s).transition(iid, [ACCEPTED], group_ref=group[:200])
        return Reply(text=t.ACCEPTED_BY_YOU.format(name=other.name), ephemeral=True)

    def _later(self, repo: IntroRepository, intro: Introduction, side: str, now: datetime, who: str) -> Reply:
        if intro.state != PENDING:
            raise UserFacingError(t.NOT_OPEN.format(state=intro.state))
        remind = max(min(now + timedelta(days=LATER_DAYS), aware(intro.expires_at) - timedelta(days=1)), now)
        column = getattr(Introduction, f"{side}_answer")
        repo.transition(intro.id, [PENDING], column.is_(None), **{f"{side}_remind_at": remind})
        repo.log(who, "not_now", introduction_id=intro.id, side=side)
        return Reply(text=t.LATER_BY_YOU.format(date=f"{remind:%Y-%m-%d}", deadline=f"{intro.expires_at:%Y-%m-%d}"),
                     ephemeral=True)

    def title_of(self, ref: str, default: str) -> str:
        """The name or title behind ``ref`` (its own short session: never call it inside a transaction)."""
        with self.sessions() as s:
            return people.title_in(s, ref, default)

    # ------------------------------------------------------------------ clock jobs
    def expire_stale(self, now: datetime | None = None) -> int:
        """Close open introductions past their expiry; returns how many expired."""
        from bot.core.intros.jobs import expire_stale

        return expire_stale(self, now).expired

    def send_reminders(self, now: datetime | None = None) -> int:
        from bot.core.intros.jobs import send_reminders

        return send_reminders(self, now)

    def send_followups(self, now: datetime | None = None) -> int:
        return self.outcomes.send_followups(now)

    def run_jobs(self, now: datetime | None = None) -> dict[str, int]:
        """The hourly clock tick: expire, remind, follow up. Each job logs and carries on if another fails."""
        now = now or self.now()
        out: dict[str, int] = {}
        for name, job in (("expired", self.expire_stale), ("reminded", self.send_reminders),
                          ("followed_up", self.send_followups)):
            try:
                out[name] = job(now)
            except Exception:
                logger.exception("introductions job %s failed; the next tick retries", name)
                out[name] = -1
        return out
